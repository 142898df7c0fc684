import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// The demo county's 建议提案: for each of the two past years a session's deputies' suggestions and
/// members' proposals, assigned to departments and towns, contacted, answered (A, B, C; one late,
/// one extended), fed back and released, with an unsatisfied one re-handled; this year's items
/// assigned after the sessions, some answered and most open. Made by index, the same every run.
enum SuggestionDemo {
    static let subjects = ["加快城区停车设施建设", "改善农村饮水安全", "加强校园周边交通秩序管理", "推进老旧小区加装电梯", "支持特色农产品品牌建设",
                           "完善城乡公交线网", "加强农村生活垃圾治理", "提升基层医疗服务能力", "规范电动自行车停放充电", "加强河道生态修复"]
    static let leads = ["SFX-ZJ", "SFX-JT", "SFX-JY", "SFX-NY", "SFX-WJ", "SFX-STHJ", "SFX-SL", "SFX-ZHZF", "SFX-CG", "SFX-RS"]
    static let names = ["王建华", "李秀梅", "张国强", "刘春燕", "陈志刚", "杨丽", "赵明", "黄海涛", "周红", "吴立新"]

    static func seed(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        let calendar = try await CalendarService.current(services: services, on: db)
        let office = try await context.principal("supervisor")
        for (offset, year) in [today.year - 2, today.year - 1, today.year].enumerated() {
            for kind in SuggestionKind.allCases {
                let count = kind == .deputySuggestion ? 14 + offset * 2 : 8 + offset
                let session = kind == .deputySuggestion ? "县第十八届人民代表大会第\(offset + 2)次会议" : "政协县第十一届委员会第\(offset + 2)次会议"
                let assigned = calendar.workday(kind == .deputySuggestion ? 30 : 32, after: CivilDate(year: year, month: 1, day: 1)!)
                guard assigned <= today else { continue }
                for number in 1...count {
                    let index = number + offset * 7 + (kind == .deputySuggestion ? 0 : 3)
                    let proposers = number % 4 == 0 ? "\(names[index % 10])、\(names[(index + 3) % 10])、\(names[(index + 5) % 10])" : names[index % 10]
                    let other = number % 5 == 0 ? "\(leads[(index + 1) % leads.count]):会办" : ""
                    let row = try await SuggestionService.create(kind: kind.rawValue, session: session, number: String(number), title: "关于\(subjects[index % 10])的\(kind == .deputySuggestion ? "建议" : "提案")",
                                                                 proposers: proposers, content: "建议\(subjects[index % 10])。", leadUnitCode: leads[index % leads.count],
                                                                 otherUnits: other, assignedOn: assigned.description, by: office, services: services, on: db)
                    try await carry(row.id!, index: index, assigned: assigned, today: today, calendar: calendar, by: office, services: services, on: db)
                }
            }
        }
    }

    static func carry(_ id: UUID, index: Int, assigned: CivilDate, today: CivilDate, calendar: WorkCalendar, by office: Principal, services: FazhiServices,
                      on db: any Database) async throws {
        func step(_ step: SuggestionStep, _ on: CivilDate, text: String? = nil) async throws -> Bool {
            guard on <= today else { return false }
            try await SuggestionService.perform(step, on: id, text: text, by: office, services: services, on: db)
            return true
        }
        if index % 9 == 4 {
            guard try await step(.extend(on: assigned.adding(days: 40), months: 6, approver: "县人民政府办公室", reason: "涉及多个部门和年度预算安排"), assigned.adding(days: 40)) else { return }
        }
        let contact = assigned.adding(days: 20 + index % 10)
        if index % 11 != 7 { guard try await step(.contact(on: contact, how: ["面商", "电话沟通", "实地走访"][index % 3]), contact) else { return } }
        let answerClass: AnswerClass = index % 10 == 9 ? .c : index % 3 == 0 ? .b : .a
        let answered = index % 9 == 4 ? assigned.adding(days: 150) : index % 13 == 6 ? assigned.adding(days: 100) : assigned.adding(days: 55 + index % 25)
        let text = answerClass == .c ? "受财力所限，暂时不能实施，已留作今后工作参考。" : "您提出的建议已收悉。经研究，我单位已\(answerClass == .a ? "采纳并落实" : "列入年度工作计划逐步解决")。"
        guard try await step(.answer(on: answered, answerClass: answerClass, reason: answerClass == .c ? "受财力所限" : ""), answered, text: text) else { return }
        let feedback = answered.adding(days: 10)
        let satisfaction: Satisfaction = index % 17 == 5 ? .unsatisfied : index % 4 == 1 ? .basicallySatisfied : .satisfied
        guard try await step(.feedback(on: feedback, satisfaction: satisfaction), feedback) else { return }
        if satisfaction == .unsatisfied {
            let again = feedback.adding(days: 3)
            guard try await step(.rehandle(on: again), again) else { return }
            let second = again.adding(days: 20)
            guard try await step(.answer(on: second, answerClass: .a, reason: ""), second, text: "经重新研究，已协调相关单位落实。") else { return }
            guard try await step(.feedback(on: second.adding(days: 7), satisfaction: .satisfied), second.adding(days: 7)) else { return }
        }
        let release = calendar.nextWorkday(after: feedback.adding(days: 30))
        _ = try await step(.release(on: release), release)
    }
}
