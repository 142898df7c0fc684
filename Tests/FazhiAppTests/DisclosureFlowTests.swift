import Disclosure
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Testing
import VaporTesting

/// A clerk carries a disclosure request from receipt through 补正, third-party consultation and
/// extension to its answer; the clock follows each step and explains itself (issue 18).
@Suite struct DisclosureFlowTests {
    @Test("receipt by channel, one 补正 restarting the period, a consultation stopping it, one extension, the answer; applicant sealed, refusals with their articles")
    func throughThePages() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            let online = try await t.request(officer, .POST, "/disclosure/new", form: ["unitCode": "SFX-SCJG", "applicant": "王小明", "applicantClass": "naturalPerson",
                                                                                     "channel": "online", "submittedOn": "2026-01-05", "content": "2025年食品抽检结果"])
            #expect(online.status == .unprocessableEntity && online.body.string.contains("第三十一条"))
            #expect(try await t.request(officer, .POST, "/disclosure/new", form: ["unitCode": "SFX-SCJG", "applicant": "王小明", "applicantClass": "naturalPerson",
                                                                                 "channel": "online", "submittedOn": "2026-01-05", "confirmedOn": "2026-01-06",
                                                                                 "content": "2025年食品抽检结果"]).status == .seeOther)
            let row = try #require(try await DisclosureRequest.query(on: t.db).filter(\.$content == "2025年食品抽检结果").first())
            let id = row.id!
            #expect(row.receivedOn == "2026-01-06" && row.applicantMasked == "王**" && !row.applicantSealed.contains("王小明"))
            #expect(try t.services.cipher.open(row.applicantSealed) == "王小明")
            func step(_ form: [String: String]) async throws -> TestingHTTPResponse { try await t.request(officer, .POST, "/disclosure/\(id)/steps", form: form) }
            let late = try await step(["step": "correction", "on": "2026-01-20", "text": "信息名称", "due": "2026-02-05"])
            #expect(late.status == .unprocessableEntity && late.body.string.contains("第三十条"))
            #expect(try await step(["step": "correction", "on": "2026-01-08", "text": "所需信息的名称；时间范围", "due": "2026-01-22"]).status == .seeOther)
            #expect(try await step(["step": "corrected", "on": "2026-01-12"]).status == .seeOther)
            #expect(try await step(["step": "consult", "on": "2026-01-15"]).status == .seeOther)
            #expect(try await step(["step": "consulted", "on": "2026-01-22"]).status == .seeOther)
            let tooLong = try await step(["step": "extend", "on": "2026-02-02", "workdays": "25", "approver": "办公室主任"])
            #expect(tooLong.status == .unprocessableEntity && tooLong.body.string.contains("第三十三条"))
            #expect(try await step(["step": "extend", "on": "2026-02-02", "workdays": "10", "approver": "办公室主任"]).status == .seeOther)
            // The stored clock and the rules' clock give the same due date.
            let stored = try #require(try await DisclosureRequest.find(id, on: t.db))
            let calendar = try await CalendarService.current(services: t.services, on: t.db)
            let clock = try #require(try await ClockService.openClock(kind: DisclosureClocks.answer.key, record: stored.clockRecord, on: t.db))
            #expect(clock.dueDate == DisclosureRules.answerClock(stored.state).dueDate(calendar: calendar)?.description)
            let page = try await t.request(officer, .GET, "/disclosure/\(id)").body.string
            #expect(page.contains("第三十三条") && page.contains("王**") && !page.contains("王小明"))
            let answersBefore = try await t.auditCount("disclosure.answer")
            #expect(try await step(["step": "answer", "on": "2026-02-10", "outcome": "partlyDisclosed"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: DisclosureClocks.answer.key, record: stored.clockRecord, on: t.db) == nil)
            let events = try await DisclosureRequestEvent.query(on: t.db).filter(\.$requestID == id).sort(\.$createdAt).all().map(\.action)
            #expect(events == ["register", "correction-notice", "correction-received", "consultation-start", "consultation-end", "extend", "answer"])
            #expect(try await t.auditCount("disclosure.answer") == answersBefore + 1)
            let (township, _) = try await t.login("staff.cg")
            #expect(try await t.request(township, .GET, "/disclosure/\(id)").status == .forbidden)
        }
    }
}
