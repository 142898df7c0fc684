import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import LegalAffairs
import MajorDecisions
import NormativeDocuments
import Testing
import VaporTesting

/// One legality-review queue in the justice bureau for documents, decisions and contracts; the
/// adviser roster and its coverage figures (issue 17).
@Suite struct LegalFlowTests {
    static func figure(_ t: TestApp, _ key: String, year: Int = 2026) async throws -> MetricResult {
        let government = try #require(try await OrgUnit.query(on: t.db).filter(\.$code == DemoCounty.governmentCode).first())
        let definition = try #require(t.services.metrics.definition(key))
        return try await t.services.metrics.evaluate(definition, scope: MetricScope(year: year, unitPath: government.path, unitName: government.name), on: t.db)
    }

    @Test("a contract sent by a department: amount in 万元 checked, the bureau's opinion closes its clock, adoption recorded; the queue holds documents and decisions too")
    func contractReview() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            let (bureau, _) = try await t.login("supervisor")
            // A document and a decision waiting for review, from their own modules.
            let document = try await DocumentService.create(title: "示范县食品摊贩管理办法", unitCode: "SFX-SCJG", affectsRights: false, provisional: false,
                                                            by: try await t.principal("officer.scjg"), services: t.services, on: t.db)
            try await DocumentService.perform(.skipConsultation(reason: "内部规则"), on: document.id!, by: try await t.principal("officer.scjg"), services: t.services, on: t.db)
            try await DocumentService.perform(.submitReview(on: CivilDate("2026-02-25")!), on: document.id!, by: try await t.principal("officer.scjg"), services: t.services, on: t.db)
            let decision = try await DecisionService.create(title: "示范县集贸市场迁建方案", unitCode: "SFX-SCJG", year: "2026", by: try await t.principal("officer.scjg"),
                                                            services: t.services, on: t.db)
            try await DecisionService.perform(.submitLegalityReview(on: CivilDate("2026-02-26")!), on: decision.id!, by: try await t.principal("officer.scjg"), services: t.services, on: t.db)

            func waitingCount(_ page: String) -> Int? {
                guard let range = page.range(of: "待审查（") else { return nil }
                return Int(page[range.upperBound...].prefix { $0.isNumber })
            }
            let before = try #require(waitingCount(try await t.request(bureau, .GET, "/legal/reviews").body.string))
            let stepsBefore = try await t.auditCount("legal.review-step")
            let badAmount = try await t.request(officer, .POST, "/legal/reviews", form: ["kind": "agreement", "title": "特许经营协议", "unitCode": "SFX-SCJG",
                                                                                         "amount": "12.345678", "submittedOn": "2026-02-27"])
            #expect(badAmount.status == .unprocessableEntity && badAmount.body.string.contains("金额（万元）"))
            #expect(try await t.request(officer, .POST, "/legal/reviews", form: ["kind": "agreement", "title": "农贸市场特许经营协议", "unitCode": "SFX-SCJG",
                                                                                "counterparty": "示范县某市场公司", "amount": "1250.5", "submittedOn": "2026-02-27"]).status == .seeOther)
            let review = try #require(try await LegalityReview.query(on: t.db).filter(\.$title == "农贸市场特许经营协议").first())
            #expect(review.amountYuan == 12_505_000)
            let queue = try await t.request(bureau, .GET, "/legal/reviews").body.string
            #expect(waitingCount(queue) == before + 1 && queue.contains("示范县食品摊贩管理办法") && queue.contains("示范县集贸市场迁建方案") && queue.contains("农贸市场特许经营协议"))
            // Seven working days from 02-27 (the default 🏷 period), on the calendar: Saturday 02-28 is a
            // working day (调休 after the Spring Festival), so 02-28, 03-02 … 03-06, 03-09.
            let clock = try #require(try await ClockService.openClock(kind: LegalClocks.review.key, record: review.clockRecord, on: t.db))
            #expect(clock.dueDate == "2026-03-09")

            let own = try await t.request(officer, .POST, "/legal/reviews/\(review.id!)/steps", form: ["step": "opinion", "on": "2026-03-02", "text": "合法"])
            #expect(own.status == .unprocessableEntity && own.body.string.contains("司法行政部门"))
            let early = try await t.request(officer, .POST, "/legal/reviews/\(review.id!)/steps", form: ["step": "adopted"])
            #expect(early.status == .unprocessableEntity && early.body.string.contains("出具审查意见后"))
            #expect(try await t.request(bureau, .POST, "/legal/reviews/\(review.id!)/steps", form: ["step": "opinion", "on": "2026-03-02", "text": "建议明确退出机制"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: LegalClocks.review.key, record: review.clockRecord, on: t.db) == nil)
            #expect(try await t.request(officer, .POST, "/legal/reviews/\(review.id!)/steps", form: ["step": "adopted"]).status == .seeOther)
            #expect(waitingCount(try await t.request(bureau, .GET, "/legal/reviews").body.string) == before)

            #expect(try await Self.figure(t, "legal.agreement-reviews").value == "1")
            #expect(try await Self.figure(t, "legal.contract-amount").value == "1250.50")
            let adopted = try await Self.figure(t, "legal.opinions-adopted-rate")
            #expect(adopted.numerator == 1 && adopted.denominator == 1)
            #expect(try await t.auditCount("legal.review-step") == stepsBefore + 2)
            // A township's staff do not see the regulator's contract.
            let (township, _) = try await t.login("staff.cg")
            #expect(try await t.request(township, .GET, "/legal/reviews/\(review.id!)").status == .forbidden)
        }
    }

    @Test("advisers: term checked, units served, contact sealed and masked; coverage rates count units served at year end")
    func advisers() async throws {
        try await TestApp.run { t in
            // A county that has no roster yet: the demo's is removed.
            try await LegalAdviserService.query(on: t.db).delete()
            try await LegalAdviserAssignment.query(on: t.db).delete()
            try await LegalAdviser.query(on: t.db).delete()
            let (bureau, _) = try await t.login("supervisor")
            let reversed = try await t.request(bureau, .POST, "/legal/advisers", form: ["name": "王律师", "kind": "adviser", "employer": "示范律师事务所",
                                                                                      "termFrom": "2026-01-01", "termTo": "2025-12-31", "unitCodes": "SFX-CG"])
            #expect(reversed.status == .unprocessableEntity && reversed.body.string.contains("不能早于"))
            let unknown = try await t.request(bureau, .POST, "/legal/advisers", form: ["name": "王律师", "kind": "adviser", "employer": "示范律师事务所",
                                                                                     "termFrom": "2026-01-01", "termTo": "2026-12-31", "unitCodes": "SFX-CG NOPE"])
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains("NOPE"))
            #expect(try await t.request(bureau, .POST, "/legal/advisers", form: ["name": "王律师", "kind": "adviser", "employer": "示范律师事务所", "contact": "13900001111",
                                                                                "termFrom": "2026-01-01", "termTo": "2026-04-15", "unitCodes": "SFX-CG, SFX-CG-01 SFX-CG-02"]).status == .seeOther)
            #expect(try await t.request(bureau, .POST, "/legal/advisers", form: ["name": "李公职律师", "kind": "publicLawyer", "employer": "示范县司法局",
                                                                                "termFrom": "2025-01-01", "termTo": "2027-12-31", "unitCodes": "SFX-SCJG SFX-DL"]).status == .seeOther)
            let page = try await t.request(bureau, .GET, "/legal/advisers").body.string
            #expect(page.contains("139****1111") && !page.contains("13900001111") && page.contains("即将到期"))
            let adviser = try #require(try await LegalAdviser.query(on: t.db).filter(\.$name == "王律师").first())
            #expect(try t.services.cipher.open(adviser.contactSealed!) == "13900001111")
            let outside = try await t.request(bureau, .POST, "/legal/advisers/\(adviser.id!)/services", form: ["on": "2025-12-01", "hours": "3"])
            #expect(outside.status == .unprocessableEntity && outside.body.string.contains("聘期"))
            #expect(try await t.request(bureau, .POST, "/legal/advisers/\(adviser.id!)/services", form: ["on": "2026-02-10", "hours": "3", "opinions": "2"]).status == .seeOther)

            // The oracle: the unit tree counted directly.
            let units = try await OrgUnit.query(on: t.db).filter(\.$active == true).all()
            let townships = units.filter { $0.kind == UnitKind.township.rawValue || $0.kind == UnitKind.subdistrict.rawValue }.count
            let villages = units.filter { $0.kind == UnitKind.village.rawValue || $0.kind == UnitKind.community.rawValue }.count
            // 2025 year end: only the public lawyer (the adviser's term starts in 2026).
            let t2025 = try await Self.figure(t, "legal.adviser-coverage-townships", year: 2025)
            #expect(t2025.numerator == 1 && t2025.denominator == townships)
            // 2026 year end: the adviser's term ended in April, so still one township and no village.
            let t2026 = try await Self.figure(t, "legal.adviser-coverage-townships", year: 2026)
            #expect(t2026.numerator == 1 && t2026.denominator == townships)
            let v2026 = try await Self.figure(t, "legal.adviser-coverage-villages", year: 2026)
            #expect(v2026.numerator == 0 && v2026.denominator == villages)
            let d2026 = try await Self.figure(t, "legal.adviser-coverage-departments", year: 2026)
            #expect(d2026.numerator == 1)
            // The opinions recorded this year, for the county and for a township the adviser does not serve.
            #expect(try await Self.figure(t, "legal.adviser-opinions").value == "2")
            let dongling = try await t.unit("SFX-DL")
            let definition = try #require(t.services.metrics.definition("legal.adviser-opinions"))
            #expect(try await t.services.metrics.evaluate(definition, scope: MetricScope(year: 2026, unitPath: dongling.path, unitName: dongling.name), on: t.db).value == "0")
            // The dashboard warns of the term ending in April.
            #expect(try await t.request(bureau, .GET, "/").body.string.contains("60 日内届满 1 人"))
            // The roster page counts today's coverage: the adviser serves two villages now.
            #expect(page.contains("2 / \(villages)"))
        }
    }
}
