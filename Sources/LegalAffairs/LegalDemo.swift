import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// The demo county's legal advisers (most units served, one term about to end) and its contract
/// reviews: two past years with opinions and their adoption, and two waiting in the queue now.
enum LegalDemo {
    static func seed(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        let calendar = try await CalendarService.current(services: services, on: db)
        let bureau = try await context.principal("supervisor")
        var random = SeededRandom(seed: context.seed ^ 0x4C45_4741_4C)
        let units = try await OrgUnit.query(on: db).filter(\.$active == true).sort(\.$sortOrder).sort(\.$code).all()
        func codes(_ kinds: Set<UnitKind>, every step: Int, from start: Int = 0) -> String {
            units.filter { kinds.contains($0.unitKind) }.enumerated().filter { ($0.offset + start) % step != 0 }.map(\.element.code).joined(separator: " ")
        }
        let since = "\(today.year - 3)-01-01", until = "\(today.year + 1)-12-31"
        // Government and departments (all but every fifth), townships (all), villages (all but every seventh).
        let firms = [("张明", "示范律师事务所", DemoCounty.governmentCode + " " + codes([.department], every: 5)),
                     ("刘芳", "求是律师事务所", codes([.township, .subdistrict], every: 1_000)),
                     ("黄磊", "示范律师事务所", codes([.village, .community], every: 7, from: 1))]
        for (index, firm) in firms.enumerated() {
            try await LegalService.addAdviser(name: firm.0, kind: AdviserKind.adviser.rawValue, employer: firm.1, contact: "1390000\(String(format: "%04d", 1_000 + index))",
                                              termFrom: since, termTo: until, unitCodes: firm.2, by: bureau, services: services, on: db)
        }
        try await LegalService.addAdviser(name: "何静", kind: AdviserKind.publicLawyer.rawValue, employer: "示范县司法局", contact: nil,
                                          termFrom: since, termTo: today.adding(days: 30).description, unitCodes: "SFX-SFJ SFX-SCJG", by: bureau, services: services, on: db)
        for adviser in try await LegalAdviser.query(on: db).all() {
            for month in [3, 6, 9, 11] {
                for year in [today.year - 2, today.year - 1] {
                    try await LegalService.recordService(adviser: adviser.id!, on: "\(year)-\(String(format: "%02d", month))-10", hours: String(2 + Int(random.next() % 6)),
                                                         opinions: String(Int(random.next() % 4)), note: "列席会议、审查合同", by: bureau, services: services, on: db)
                }
            }
        }
        let matters: [(ReviewKind, String, String, String?)] = [
            (.agreement, "政府和社会资本合作项目协议", "SFX-FG", "8650"), (.contract, "政务云服务采购合同", "SFX-ZWFW", "312.6"),
            (.agreement, "国有土地使用权出让合同", "SFX-ZRZY", "4200"), (.contract, "城区道路保洁服务合同", "SFX-ZHZF", "186"),
            (.other, "关于历史遗留房屋登记问题的处理意见", "SFX-ZJ", nil), (.contract, "农贸市场改造工程施工合同", "SFX-SCJG", "960.25"),
        ]
        for year in [today.year - 2, today.year - 1] {
            for (number, matter) in matters.enumerated() {
                let submitted = calendar.workday(2, after: CivilDate(year: year, month: 1 + number * 2, day: 1)!)
                let row = try await LegalService.submit(kind: matter.0.rawValue, title: "\(matter.1)（\(year)）", unitCode: matter.2, counterparty: matter.0 == .other ? nil : "示范县某有限公司",
                                                        amount: matter.3, submittedOn: submitted.description, by: bureau, services: services, on: db)
                try await LegalService.perform(.opinion(on: calendar.workday(3 + number % 4, after: submitted), text: "经审查，建议明确违约责任和争议解决条款"),
                                               on: row.id!, by: bureau, services: services, on: db)
                try await LegalService.perform(.adoption(adopted: number != 3), on: row.id!, by: bureau, services: services, on: db)
            }
        }
        for (number, matter) in matters.prefix(2).enumerated() {
            try await LegalService.submit(kind: matter.0.rawValue, title: "\(matter.1)（\(today.year)）", unitCode: matter.2, counterparty: "示范县某有限公司", amount: matter.3,
                                          submittedOn: today.adding(days: -number).description, by: bureau, services: services, on: db)
        }
    }
}
