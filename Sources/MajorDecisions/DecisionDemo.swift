import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// The demo county government's major decisions: a catalogue each year, two past years of
/// decisions carried through their procedures (one with the risk assessment waived, one evaluated
/// afterwards), and this year's catalogue with a decision under legality review and one in
/// consultation, all through `DecisionService` with the rules applied.
enum DecisionDemo {
    static let titles = [
        "示范县城区学校布局专项规划", "示范县农村生活污水治理三年行动方案", "示范县城区停车收费标准调整", "示范县老旧小区改造实施方案",
        "示范县国土空间总体规划", "示范县公共交通线网优化方案", "示范县养老服务设施布局规划", "示范县城区集中供热价格调整",
    ]

    static func seed(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        let calendar = try await CalendarService.current(services: services, on: db)
        let bureau = try await context.principal("supervisor")
        let code = DemoCounty.governmentCode
        var evaluate: [UUID] = []
        for (offset, year) in [today.year - 2, today.year - 1].enumerated() {
            var rows: [MajorDecision] = []
            for number in 0..<3 {
                rows.append(try await DecisionService.create(title: titles[offset * 3 + number], unitCode: code, year: String(year), by: bureau, services: services, on: db))
            }
            try await DecisionService.publishCatalogue(unitCode: code, year: String(year), on: "\(year)-01-20", by: bureau, services: services, on: db)
            for (number, row) in rows.enumerated() {
                let start = calendar.workday(2, after: CivilDate(year: year, month: 2 + 3 * number, day: 1)!)
                let id = row.id!
                func step(_ action: DecisionAction) async throws { try await DecisionService.perform(action, on: id, by: bureau, services: services, on: db) }
                let consultEnd = start.adding(days: 30 + number)
                try await step(.consult(from: start, to: consultEnd, adoption: "收到意见\(20 + number * 7)条，采纳\(6 + number)条", shortReason: nil))
                if number == 1 {
                    try await step(.hearing(heldOn: consultEnd, materialsOn: consultEnd.adding(days: -8)))
                }
                try await step(.expertReview(from: start.adding(days: 5), to: start.adding(days: 12), result: "专家组认为方案总体可行，建议完善配套措施"))
                if number == 2 {
                    try await step(.waive(.riskAssessment, reason: "不涉及社会稳定、公共安全等风险（第二十二条）"))
                } else {
                    try await step(.riskAssessment(from: start.adding(days: 10), to: start.adding(days: 25), result: "风险等级低，可以实施"))
                }
                let sent = calendar.nextWorkday(after: consultEnd)
                try await step(.submitLegalityReview(on: sent))
                let opinion = calendar.workday(8, after: sent)
                try await DecisionService.perform(.legalityReview(from: sent, to: opinion, opinion: "经审查，决策草案符合法律、法规规定，建议完善程序性表述"),
                                                  on: id, by: bureau, services: services, on: db)
                let discussed = calendar.workday(3, after: opinion)
                try await step(.discuss(on: discussed, meeting: "县人民政府第\(number + 4 + offset * 10)次常务会议", headDecision: "同意，按会议意见修改后印发实施"))
                try await step(.publish(on: calendar.workday(5, after: discussed)))
                try await step(.archive(on: calendar.workday(20, after: discussed)))
                if number == 0 { evaluate.append(id) }
            }
        }
        // The year before last's first decision was evaluated last year.
        if let first = evaluate.first {
            try await DecisionService.perform(.track(on: CivilDate(year: today.year - 1, month: 3, day: 15)!, note: "已完成年度建设任务的80%"), on: first, by: bureau,
                                              services: services, on: db)
            try await DecisionService.perform(.evaluate(on: CivilDate(year: today.year - 1, month: 6, day: 30)!, result: "达到预期目标，建议继续实施"), on: first, by: bureau,
                                              services: services, on: db)
        }
        // This year: the catalogue once it is out (20 January), a decision under legality review, one being consulted on.
        let live = [try await DecisionService.create(title: titles[6], unitCode: code, year: String(today.year), by: bureau, services: services, on: db),
                    try await DecisionService.create(title: titles[7], unitCode: code, year: String(today.year), by: bureau, services: services, on: db)]
        let published = CivilDate(year: today.year, month: 1, day: 20)!
        guard today >= published else { return }
        try await DecisionService.publishCatalogue(unitCode: code, year: String(today.year), on: published.description, by: bureau, services: services, on: db)
        let start = published.adding(days: 1)
        if start.adding(days: 30) < today {
            try await DecisionService.perform(.consult(from: start, to: start.adding(days: 30), adoption: "收到意见15条，采纳5条", shortReason: nil), on: live[0].id!,
                                              by: bureau, services: services, on: db)
            try await DecisionService.perform(.submitLegalityReview(on: today), on: live[0].id!, by: bureau, services: services, on: db)
        }
        // The other's draft is out for comment on the public site.
        try await DecisionService.saveDraft(live[1].id!, text: "一、调整的必要性\n二、调整方案：居民用热价格不变，非居民用热价格每平方米上调1.5元\n三、配套措施", by: bureau,
                                            services: services, on: db)
        try await DecisionService.perform(.openConsultation(on: today.adding(days: -3)), on: live[1].id!, by: bureau, services: services, on: db)
    }
}
