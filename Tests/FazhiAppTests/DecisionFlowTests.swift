import FazhiCore
import Fluent
import Foundation
@testable import MajorDecisions
import SQLKit
import FazhiCalendar
import Testing
import VaporTesting

/// A major decision through the catalogue and the five procedures in the web UI: each skipped gate
/// refused with its article, the legality opinion the justice bureau's, the result public (issue 17).
@Suite struct DecisionFlowTests {
    @Test("catalogue → consultation → expert, risk (waived with reason) → legality review → 常务会议 → publication, each gate refused with its article")
    func throughThePages() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            let (bureau, _) = try await t.login("supervisor")
            #expect(try await t.request(officer, .POST, "/decisions/new", form: ["title": "示范县农贸市场布局规划", "unitCode": "SFX-SCJG", "year": "2025"]).status == .seeOther)
            let row = try #require(try await MajorDecision.query(on: t.db).filter(\.$title == "示范县农贸市场布局规划").first())
            let id = row.id!
            func step(_ browser: TestApp.Browser, _ form: [String: String]) async throws -> TestingHTTPResponse {
                try await t.request(browser, .POST, "/decisions/\(id)/steps", form: form)
            }
            func refused(_ response: TestingHTTPResponse, _ article: String) -> Bool {
                response.status == .unprocessableEntity && response.body.string.contains(article)
            }
            // Not in a published catalogue: no discussion (第三条).
            #expect(refused(try await step(officer, ["step": "discuss", "on": "2025-06-01", "text": "县政府常务会议", "headDecision": "同意"]), "第三条"))
            #expect(try await t.request(officer, .POST, "/decisions/catalogue", form: ["unitCode": "SFX-SCJG", "year": "2025", "on": "2025-01-20"]).status == .seeOther)
            let again = try await t.request(officer, .POST, "/decisions/catalogue", form: ["unitCode": "SFX-SCJG", "year": "2025", "on": "2025-01-21"])
            #expect(refused(again, "已于2025-01-20公布"))
            #expect(try await MajorDecision.find(id, on: t.db)?.inCatalogue == true)

            #expect(refused(try await step(officer, ["step": "consult", "from": "2025-02-01", "to": "2025-02-20", "text": "收到意见12条，采纳4条"]), "第十五条"))
            #expect(try await step(officer, ["step": "consult", "from": "2025-02-01", "to": "2025-03-03", "text": "收到意见12条，采纳4条"]).status == .seeOther)
            #expect(refused(try await step(officer, ["step": "waive", "procedure": "legalityReview", "text": "无需"]), "第二十五条"))
            #expect(refused(try await step(officer, ["step": "waive", "procedure": "riskAssessment", "text": ""]), "第二十二条"))
            #expect(try await step(officer, ["step": "waive", "procedure": "riskAssessment", "text": "不涉及社会稳定、公共安全"]).status == .seeOther)
            #expect(try await step(officer, ["step": "expert", "from": "2025-03-05", "to": "2025-03-10", "text": "专家组同意"]).status == .seeOther)
            // Discussed before the legality review: refused, naming what is missing.
            #expect(refused(try await step(officer, ["step": "discuss", "on": "2025-04-01", "text": "县政府常务会议", "headDecision": "同意"]), "合法性审查"))
            #expect(try await step(officer, ["step": "legality-submit", "on": "2025-03-11"]).status == .seeOther)
            // The queue in the justice bureau shows it.
            let waiting = try await MajorDecision.query(on: t.db).filter(\.$legalitySubmittedOn != nil).all().map(\.title)
            #expect(waiting.contains("示范县农贸市场布局规划"))
            // The officer cannot write the opinion; the bureau cannot rush it (7 working days).
            #expect(refused(try await step(officer, ["step": "legality", "from": "2025-03-11", "to": "2025-03-25", "text": "合法"]), "第二十五条"))
            #expect(refused(try await step(bureau, ["step": "legality", "from": "2025-03-11", "to": "2025-03-13", "text": "合法"]), "7个工作日"))
            #expect(try await step(bureau, ["step": "legality", "from": "2025-03-11", "to": "2025-03-25", "text": "合法，建议完善补偿条款"]).status == .seeOther)
            // Not a 常务会议 or 全体会议 (第三十条).
            #expect(refused(try await step(officer, ["step": "discuss", "on": "2025-04-01", "text": "局务会议", "headDecision": "同意"]), "第三十条"))
            #expect(try await step(officer, ["step": "discuss", "on": "2025-04-01", "text": "县政府第12次常务会议", "headDecision": "同意，按审查意见修改后印发"]).status == .seeOther)
            #expect(refused(try await step(officer, ["step": "expert", "from": "2025-04-02", "to": "2025-04-03", "text": "补充论证"]), "不能再补记"))
            #expect(try await step(officer, ["step": "publish", "on": "2025-04-10"]).status == .seeOther)
            #expect(try await step(officer, ["step": "evaluate", "on": "2026-01-15", "text": "达到预期效果"]).status == .seeOther)

            let done = try #require(try await MajorDecision.find(id, on: t.db))
            // 2025-02-01 to 2025-03-03: thirty days.
            #expect(done.participationDays == 30)
            #expect(done.participationFrom == "2025-02-01" && done.riskWaived == "不涉及社会稳定、公共安全" && done.legalityTo == "2025-03-25"
                && done.legalitySubmittedOn == nil && done.discussedOn == "2025-04-01" && done.publishedOn == "2025-04-10" && done.evaluatedOn == "2026-01-15")
            let events = try await MajorDecisionEvent.query(on: t.db).filter(\.$decisionID == id).sort(\.$createdAt).all().map(\.action)
            #expect(events == ["create", "catalogue", "consult", "waive", "expert-review", "legality-submit", "legality-review", "discuss", "publish", "evaluate"])
            #expect(try await MajorDecisionEvent.query(on: t.db).filter(\.$decisionID == id).filter(\.$action == "discuss").count() == 1)

            let anyone = TestApp.Browser()
            let catalogue = try await t.request(anyone, .GET, "/gongshi/decisions?year=2025").body.string
            #expect(catalogue.contains("示范县农贸市场布局规划") && catalogue.contains("已公布（2025-04-10）"))
            let shown = try await t.request(anyone, .GET, "/gongshi/decisions/\(id)")
            #expect(shown.status == .ok && shown.body.string.contains("依法不履行：不涉及社会稳定、公共安全") && shown.body.string.contains("县政府第12次常务会议"))
            #expect(!shown.body.string.contains(try #require(t.accounts["officer.scjg"]).displayName))
            // Another township's staff do not see the regulator's decisions.
            let (township, _) = try await t.login("staff.cg")
            #expect(try await t.request(township, .GET, "/decisions/\(id)").status == .forbidden)
        }
    }

    @Test("a decision registered after its catalogue was published joins it only by a recorded adjustment; an unpublished decision is not public")
    func catalogueAdjustment() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            #expect(try await t.request(officer, .POST, "/decisions/catalogue", form: ["unitCode": "SFX-SCJG", "year": "2026", "on": "2026-01-10"]).status == .seeOther)
            #expect(try await t.request(officer, .POST, "/decisions/new", form: ["title": "示范县菜市场升级改造方案", "unitCode": "SFX-SCJG", "year": "2026"]).status == .seeOther)
            let row = try #require(try await MajorDecision.query(on: t.db).filter(\.$title == "示范县菜市场升级改造方案").first())
            #expect(row.inCatalogue == false)
            let noReason = try await t.request(officer, .POST, "/decisions/\(row.id!)/steps", form: ["step": "include", "on": "2026-02-01", "text": ""])
            #expect(noReason.status == .unprocessableEntity && noReason.body.string.contains("调整理由"))
            let early = try await t.request(officer, .POST, "/decisions/\(row.id!)/steps", form: ["step": "include", "on": "2026-01-05", "text": "新增民生项目"])
            #expect(early.status == .unprocessableEntity && early.body.string.contains("2026-01-10"))
            #expect(try await t.request(officer, .POST, "/decisions/\(row.id!)/steps", form: ["step": "include", "on": "2026-02-01", "text": "新增民生项目"]).status == .seeOther)
            let adjusted = try #require(try await MajorDecision.find(row.id!, on: t.db))
            #expect(adjusted.inCatalogue && adjusted.cataloguedOn == "2026-02-01")
            #expect(try await t.request(TestApp.Browser(), .GET, "/gongshi/decisions/\(row.id!)").status == .notFound)
            #expect(try await t.request(TestApp.Browser(), .GET, "/gongshi/decisions?year=2026").body.string.contains("示范县菜市场升级改造方案"))
        }
    }

    @Test("the average consultation length is the database's average of the kept lengths; the migration computes them on both databases")
    func consultationDays() async throws {
        try await TestApp.run { t in
            let government = try await t.unit(DemoCounty.governmentCode)
            let scope = MetricScope(year: 2025, unitPath: government.path, unitName: government.name)
            let definition = try #require(t.services.metrics.definition("decisions.consultation-days"))
            // The oracle: each decision of 2025's two days, counted in Swift.
            let decided = try await MajorDecision.query(on: t.db).filter(\.$discussedOn >= "2025-01-01").filter(\.$discussedOn < "2026-01-01").all()
            let lengths = decided.compactMap { row in row.participationFrom.flatMap(CivilDate.init).flatMap { from in row.participationTo.flatMap(CivilDate.init).map { from.days(until: $0) } } }
            #expect(!lengths.isEmpty && decided.allSatisfy { $0.participationDays == nil || lengths.contains($0.participationDays!) })
            let expected = RoundingRule.default.apply(Decimal(lengths.reduce(0, +)) / Decimal(lengths.count))
            let result = try await t.services.metrics.evaluate(definition, scope: scope, on: t.db)
            #expect(result.value == "\(expected)" || Decimal(string: result.value ?? "") == expected)
            // Emptied, the migration's computation gives the same lengths back.
            try await (t.db as! any SQLDatabase).raw("UPDATE major_decisions SET participation_days = NULL").run()
            try await DecisionMigrations.ParticipationDays.fill(t.db)
            let refilled = try await MajorDecision.query(on: t.db).filter(\.$discussedOn >= "2025-01-01").filter(\.$discussedOn < "2026-01-01").all()
            #expect(Dictionary(uniqueKeysWithValues: refilled.map { ($0.id!, $0.participationDays) }) == Dictionary(uniqueKeysWithValues: decided.map { ($0.id!, $0.participationDays) }))
        }
    }
}

@Suite struct DecisionConsultationTests {
    @Test("a decision's draft out for comment online: not without the draft (第十五条); opinions taken for the period, sealed; closed with the adoption summary from the day it opened")
    func online() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            #expect(try await t.request(officer, .POST, "/decisions/new", form: ["title": "示范县网上征求意见测试方案", "unitCode": "SFX-SCJG", "year": "2026"]).status == .seeOther)
            let row = try #require(try await MajorDecision.query(on: t.db).filter(\.$title == "示范县网上征求意见测试方案").first())
            let id = row.id!
            let noDraft = try await t.request(officer, .POST, "/decisions/\(id)/steps", form: ["step": "consultation-open", "on": "2026-02-20"])
            #expect(noDraft.status == .unprocessableEntity && noDraft.body.string.contains("第十五条"))
            #expect(try await t.request(officer, .POST, "/decisions/\(id)/draft", form: ["draft": "一、背景\n二、方案：新建停车场三处"]).status == .seeOther)
            #expect(try await t.request(officer, .POST, "/decisions/\(id)/steps", form: ["step": "consultation-open", "on": "2026-02-20"]).status == .seeOther)
            let locked = try await t.request(officer, .POST, "/decisions/\(id)/draft", form: ["draft": "改动"])
            #expect(locked.status == .unprocessableEntity)
            let citizen = TestApp.Browser()
            #expect(try await t.request(citizen, .GET, "/gongshi/consultations").body.string.contains("示范县网上征求意见测试方案"))
            let page = try await t.request(citizen, .GET, "/gongshi/decisions/\(id)").body.string
            #expect(page.contains("新建停车场三处") && page.contains("提交"))
            let sent = try await t.request(citizen, .POST, "/gongshi/decisions/\(id)", form: ["body": "建议增加充电桩", "contact": "13522223333"], withCSRF: false)
            #expect(sent.status == .ok && sent.body.string.contains("意见已收到"))
            let comment = try #require(try await DecisionComment.query(on: t.db).filter(\.$decisionID == id).first())
            #expect(comment.contactMasked == "135****3333" && !(comment.contactSealed ?? "").contains("13522223333"))
            #expect(try await t.request(officer, .GET, "/decisions/\(id)").body.string.contains("建议增加充电桩"))
            // Closed on a different first day: refused; from the day it opened, thirty days on: done.
            let wrong = try await t.request(officer, .POST, "/decisions/\(id)/steps", form: ["step": "consult", "from": "2026-02-19", "to": "2026-03-01", "text": "采纳1条"])
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("2026-02-20"))
            t.time.advance(by: 30 * 86_400)
            let late = try await t.request(citizen, .POST, "/gongshi/decisions/\(id)", form: ["body": "迟到的意见"], withCSRF: false)
            #expect(late.status == .unprocessableEntity && late.body.string.contains("未公开征求意见"))
            let (again, _) = try await t.login("officer.scjg")
            #expect(try await t.request(again, .POST, "/decisions/\(id)/steps", form: ["step": "consult", "from": "2026-02-20", "to": "2026-03-22", "text": "收到意见1条，采纳1条"]).status == .seeOther)
            let closed = try #require(try await MajorDecision.find(id, on: t.db))
            #expect(closed.consultationOpenedOn == nil && closed.participationDays == 30 && closed.participationResult == "收到意见1条，采纳1条")
            #expect(!(try await t.request(citizen, .GET, "/gongshi/consultations").body.string.contains("示范县网上征求意见测试方案")))
        }
    }
}
