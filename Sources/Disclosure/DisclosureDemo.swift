import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// The demo county's 依申请公开: two past years of requests to the government office, departments
/// and townships, carried from receipt to answer through `DisclosureService` (补正 answered and not,
/// third-party consultations, extensions, fees, requests received in late December and answered in
/// January), and this year's requests at every stage. Made by index, so every run is the same.
enum DisclosureDemo {
    static let units = [DemoCounty.governmentCode, "SFX-ZRZY", "SFX-ZJ", "SFX-SCJG", "SFX-RS", "SFX-CG", "SFX-STHJ", "SFX-DL", "SFX-JY"]
    static let subjects = [
        "某地块征收补偿安置方案", "某小区规划许可证及附图", "本年度食品抽检结果", "某企业环境影响评价批复", "某路段拆迁公告及补偿标准",
        "社会保险基金收支情况", "某项目建设工程施工许可文件", "某学校招生划片方案", "某村集体土地征收批复", "某企业行政处罚决定书",
    ]
    /// The answers in the order they come round: mostly disclosed, then the reasons the yearly report counts.
    static let outcomes: [DisclosureOutcome] = [
        .disclosed, .disclosed, .partlyDisclosed, .notHeld, .disclosed, .processInformation, .disclosed, .needsCreating, .partlyDisclosed,
        .disclosed, .complaint, .repeated, .disclosed, .inquiry, .notHeld, .publication, .disclosed, .confirmation, .internalAffairs, .enforcementFile,
    ]

    static func applicantClass(_ index: Int) -> ApplicantClass {
        guard index % 4 == 0 else { return .naturalPerson }
        return [ApplicantClass.business, .legalService, .research, .publicInterest, .other][(index / 4) % 5]
    }

    static func seed(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        let calendar = try await CalendarService.current(services: services, on: db)
        let clerk = try await context.principal("supervisor")
        var index = 0
        for (offset, year) in [today.year - 2, today.year - 1].enumerated() {
            let count = 34 + offset * 8
            let yearStart = CivilDate(year: year - 1, month: 12, day: 31)!
            for number in 0..<count {
                // Spread over the working year; the last two arrive in late December and are answered in January.
                let received = number >= count - 2 ? calendar.workday(number - count + 4, after: CivilDate(year: year, month: 12, day: 20)!)
                    : calendar.workday(1 + number * 220 / count, after: yearStart)
                try await carry(index: index, received: received, today: today, calendar: calendar, by: clerk, services: services, on: db)
                index += 1
            }
        }
        // This year: requests in the last six weeks, at every stage.
        let first = calendar.workday(1, after: today.adding(days: -45))
        for number in 0..<9 {
            let received = calendar.workday(number * 3, after: first.adding(days: -1))
            guard received <= today else { break }
            try await carry(index: index, received: received, today: today, calendar: calendar, by: clerk, services: services, on: db)
            index += 1
        }
    }

    /// One request, its steps as far as `today` lets them go.
    static func carry(index: Int, received: CivilDate, today: CivilDate, calendar: WorkCalendar, by clerk: Principal, services: FazhiServices, on db: any Database) async throws {
        let channel = [ReceiptChannel.online, .inPerson, .registeredMail, .online, .ordinaryMail][index % 5]
        let kind = applicantClass(index)
        let surname = ["张", "王", "李", "刘", "陈", "杨", "黄", "赵"][index % 8]
        let applicant = kind == .naturalPerson ? surname + ["建国", "秀英", "志强", "丽华"][index % 4] : ["示范建材有限公司", "示范律师事务所", "示范县农业科学研究所", "示范县环保志愿者协会", "示范村股份经济合作社"][(index / 4) % 5]
        let row = try await DisclosureService.register(unitCode: units[index % units.count], applicant: applicant, applicantClass: kind.rawValue, channel: channel.rawValue,
                                                       submittedOn: received.description, signedOn: received.description, confirmedOn: received.description,
                                                       content: "申请公开\(subjects[index % subjects.count])", by: clerk, services: services, on: db)
        let id = row.id!
        func step(_ action: RequestAction, on date: CivilDate) async throws -> Bool {
            guard date <= today else { return false }
            try await DisclosureService.perform(action, on: id, by: clerk, services: services, on: db)
            return true
        }
        var base = received
        var outcome = outcomes[index % outcomes.count]
        if index % 9 == 3 {
            let notice = calendar.workday(3, after: received)
            let due = notice.adding(days: 15)
            guard try await step(.noticeCorrection(on: notice, items: ["所需政府信息的名称或者文号", "申请人身份证明"], due: due), on: notice) else { return }
            if index % 18 == 3 {
                let abandoned = due.adding(days: 1)
                _ = try await step(.answer(on: abandoned, outcome: .notCorrected), on: abandoned)
                return
            }
            base = notice.adding(days: 6)
            guard try await step(.receiveCorrection(on: base), on: base) else { return }
            if index % 27 == 12 { outcome = .stillUnclear }
        }
        var pause = 0
        if index % 7 == 2 {
            let from = calendar.workday(4, after: base)
            let to = calendar.workday(8 + index % 5, after: from)
            guard try await step(.startConsultation(on: from), on: from) else { return }
            guard try await step(.endConsultation(on: to), on: to) else { return }
            pause = calendar.workdays(after: from, through: to)
            outcome = index % 2 == 0 ? .thirdParty : .partlyDisclosed
        }
        var days = 8 + index % 10
        if index % 11 == 5 {
            let on = calendar.workday(17, after: base)
            guard try await step(.extend(on: on, workdays: 15, approver: "县政府办公室政务公开科负责人"), on: on) else { return }
            days = 28
        } else if index % 17 == 8 {
            days = 23  // answered late: the on-time rate is not a foregone 100%
        }
        let answered = calendar.workday(days + pause, after: base)
        let fee = index % 13 == 0 && outcome == .disclosed ? 100 : 0
        _ = try await step(.answer(on: answered, outcome: outcome, fee: fee), on: answered)
    }
}
