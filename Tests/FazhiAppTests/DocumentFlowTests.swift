import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import NormativeDocuments
import Testing
import VaporTesting

/// A drafting unit carries a normative document from draft to filing in the web UI; each skipped or
/// rushed step is refused with its basis, the review opinion is the justice bureau's (issue 17).
@Suite struct DocumentFlowTests {
    @Test("draft → comment → review (by the justice bureau) → deliberation → publication → filing through the pages, refusals with their basis")
    func throughThePages() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            let (bureau, _) = try await t.login("supervisor")
            #expect(try await t.request(officer, .POST, "/documents/new", form: ["title": "示范县市场监管领域轻微违法行为免罚清单", "unitCode": "SFX-SCJG",
                                                                                "affectsRights": "1", "provisional": "0"]).status == .seeOther)
            let row = try #require(try await NormativeDocument.query(on: t.db).filter(\.$title == "示范县市场监管领域轻微违法行为免罚清单").first())
            let publishedBefore = try await t.auditCount("documents.publish")
            func step(_ browser: TestApp.Browser, _ form: [String: String]) async throws -> TestingHTTPResponse {
                try await t.request(browser, .POST, "/documents/\(row.id!)/steps", form: form)
            }
            // Straight to review: refused, a document on rights and duties is put out for comment first.
            let skipped = try await step(officer, ["step": "submit", "on": "2025-03-03"])
            #expect(skipped.status == .unprocessableEntity && skipped.body.string.contains("37号"))
            #expect(try await step(officer, ["step": "consult", "on": "2025-03-03"]).status == .seeOther)
            let consulting = try #require(try await NormativeDocument.find(row.id!, on: t.db))
            let due = try #require(consulting.consultationDue)
            let early = try await step(officer, ["step": "close", "on": "2025-03-05", "text": "无意见"])
            #expect(early.status == .unprocessableEntity && early.body.string.contains("不得少于7个工作日"))
            #expect(try await step(officer, ["step": "close", "on": due, "text": "收到意见5条，采纳2条"]).status == .seeOther)
            #expect(try await step(officer, ["step": "submit", "on": due]).status == .seeOther)
            // The drafting unit cannot write its own review.
            let own = try await step(officer, ["step": "opinion", "on": "2025-04-01", "passed": "1", "text": "合法"])
            #expect(own.status == .unprocessableEntity && own.body.string.contains("司法行政部门"))
            #expect(try await step(bureau, ["step": "opinion", "on": "2025-04-01", "passed": "1", "text": "符合行政处罚法第三十三条"]).status == .seeOther)
            #expect(try await step(officer, ["step": "deliberate", "on": "2025-04-08", "text": "县市场监管局局务会议"]).status == .seeOther)
            let unnumbered = try await step(officer, ["step": "publish", "on": "2025-04-10", "number": "", "effectiveOn": "2025-05-01"])
            #expect(unnumbered.status == .unprocessableEntity && unnumbered.body.string.contains("统一编号"))
            #expect(try await step(officer, ["step": "publish", "on": "2025-04-10", "number": "示市监规〔2025〕1号", "effectiveOn": "2025-05-01"]).status == .seeOther)
            #expect(try await step(officer, ["step": "file", "on": "2025-04-20"]).status == .seeOther)

            let done = try #require(try await NormativeDocument.find(row.id!, on: t.db))
            #expect(done.stage == "published" && done.number == "示市监规〔2025〕1号" && done.validUntil == "2030-04-30" && done.filedOn == "2025-04-20")
            let page = try await t.request(officer, .GET, "/documents/\(row.id!)").body.string
            #expect(page.contains("现行有效") && page.contains("示市监规〔2025〕1号") && page.contains("收到意见5条，采纳2条"))
            let events = try await NormativeDocumentEvent.query(on: t.db).filter(\.$documentID == row.id!).sort(\.$createdAt).all().map(\.action)
            #expect(events == ["create", "consult", "consultation-close", "review-submit", "review-opinion", "deliberate", "publish", "file"])
            #expect(try await t.auditCount("documents.publish") == publishedBefore + 1)
            // The review and filing periods ran as clocks and were closed by the steps that end them.
            let clocks = try await ClockService.clocks(record: done.clockRecord, on: t.db)
            #expect(Set(clocks.map(\.kind)) == [DocumentClocks.review.key, DocumentClocks.filing.key] && clocks.count == 2)
            let stillOpen = clocks.filter { !$0.closed }.count
            #expect(stillOpen == 0)
            // Submitted on the comment period's last day: fifteen working days from there reach past the opinion of 04-01.
            let review = try #require(clocks.first { $0.kind == DocumentClocks.review.key })
            #expect((review.dueDate ?? "") >= "2025-04-01")
            // Another township's staff do not see the market regulator's drafts.
            let (township, _) = try await t.login("staff.cg")
            #expect(try await t.request(township, .GET, "/documents/\(row.id!)").status == .forbidden)
            let townshipList = try await t.request(township, .GET, "/documents").body.string
            #expect(!townshipList.contains("免罚清单"))
        }
    }
}
