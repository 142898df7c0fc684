import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

/// The demo county's open and closed clocks: disclosure requests, deputies' suggestions, CPPCC
/// proposals and 两法衔接 transfers, spread over departments and townships, dated relative to
/// "now" so the dashboard always shows overdue, due-soon, paused and running items.
enum DemoClocks {
    static func seed(_ context: DemoContext) async throws {
        var random = SeededRandom(seed: context.seed ^ 0x0DEA_D11E)
        let by = Principal.system("演示数据")
        let today = CivilDateTime(context.now).date
        let db = context.database
        let services = context.services

        func unit(_ code: String) async throws -> UUID {
            guard let unit = try await UnitService.find(code: code, on: db) else { throw CommandFailure("演示单位 \(code) 不存在") }
            return unit.id!
        }

        /// Opens a clock `daysAgo` days before today and replays `events` (offsets from the start, in days).
        func open(_ kind: String, _ code: String, _ title: String, daysAgo: Int, minute: Int = 9 * 60,
                  _ events: [(offset: Int, event: (CivilDate) -> ClockEvent)] = []) async throws {
            let start = today.adding(days: -daysAgo)
            let row = try await ClockService.open(kind: kind, unitID: try await unit(code), title: title, record: nil,
                                                  start: CivilDateTime(date: start, minuteOfDay: minute), startReason: kind.hasSuffix("reply") ? "收到申请" : "交办",
                                                  by: by, services: services, on: db)
            for (offset, make) in events where offset < daysAgo {
                try await ClockService.record(make(start.adding(days: offset)), on: row.id!, by: by, services: services, on: db)
            }
        }

        let departments = DemoCounty.departments.map(\.code)
        let townships = DemoCounty.townships.map(\.code)
        let year = today.year
        // 政府信息公开申请: 16 across departments and townships.
        for number in 1...16 {
            let code = number % 4 == 0 ? townships[random.int(in: 0...(townships.count - 1))] : departments[random.int(in: 0...(departments.count - 1))]
            let daysAgo = random.int(in: 1...45)
            var events: [(Int, (CivilDate) -> ClockEvent)] = []
            switch number % 5 {
            case 0: events = [(2, { .suspend($0, reason: "征求第三方意见") }), (9, { .resume($0) })]
            case 1: events = [(3, { .suspend($0, reason: "征求第三方意见") })]
            case 2: events = [(20, { .extend($0, by: .workdays(20), approver: "县政府办公室主任", reason: "申请内容涉及多个年度档案，需延长答复期限") })]
            case 3 where daysAgo > 12: events = [(12, { .complete(CivilDateTime(date: $0, minuteOfDay: 16 * 60), reason: "已答复") })]
            default: break
            }
            try await open("deadlines.disclosure-reply", code, "\(year)年第\(number)号政府信息公开申请", daysAgo: daysAgo, events)
        }
        try await open("deadlines.disclosure-reply", "SFX-DL", "东岭镇\(year)年第1号政府信息公开申请", daysAgo: 10)
        // 人大代表建议 and 政协提案: assigned in spring, some answered.
        for number in 1...8 {
            let daysAgo = random.int(in: 20...120)
            let events: [(Int, (CivilDate) -> ClockEvent)] = number % 3 == 0 ? [(60, { .complete(CivilDateTime(date: $0, minuteOfDay: 10 * 60), reason: "已答复代表") })] : []
            try await open("deadlines.deputy-suggestion", departments[random.int(in: 0...(departments.count - 1))], "县人大第\(number)号代表建议", daysAgo: daysAgo, events)
        }
        for number in 1...5 {
            try await open("deadlines.cppcc-proposal", departments[random.int(in: 0...(departments.count - 1))], "县政协第\(number)号提案", daysAgo: random.int(in: 30...100))
        }
    }
}

