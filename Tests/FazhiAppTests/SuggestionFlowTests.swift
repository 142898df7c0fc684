import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Suggestions
import Testing
import VaporTesting

/// 建议提案办理 through the pages (issue 18): 交办 with a co-unit, contact, extension, a C answer
/// refused without its reason, 不满意 and re-handling, release to the public; the lead and assisting
/// units see the item, others do not; a disputed assignment moves the item and restarts its period.
@Suite struct SuggestionFlowTests {
    @Test("交办 → contact → answer → 不满意 → re-handled → satisfied → released; the clocks follow; scope by lead and co-unit")
    func throughThePages() async throws {
        try await TestApp.run { t in
            let (office, _) = try await t.login("supervisor")
            let form = ["kind": "deputySuggestion", "session": "县第十八届人民代表大会第五次会议", "number": "101", "title": "关于规范农贸市场管理的建议",
                        "proposers": "王建华、李秀梅", "leadUnitCode": "SFX-SCJG", "otherUnits": "SFX-CG:会办", "assignedOn": "2026-02-02"]
            let (officer, _) = try await t.login("officer.scjg")
            #expect(try await t.request(officer, .POST, "/suggestions/new", form: form).status == .forbidden)
            #expect(try await t.request(office, .POST, "/suggestions/new", form: form).status == .seeOther)
            let duplicate = try await t.request(office, .POST, "/suggestions/new", form: form)
            #expect(duplicate.status == .unprocessableEntity && duplicate.body.string.contains("已经登记"))
            let row = try #require(try await Suggestion.query(on: t.db).filter(\.$number == "101").first())
            let id = row.id!
            #expect(row.dueOn == "2026-05-06")  // 2026-05-02 is a holiday weekend (劳动节), then Sunday 05-03 … the first working day after.
            let (assisting, _) = try await t.login("staff.cg")
            #expect(try await t.request(assisting, .GET, "/suggestions/\(id)").status == .ok)
            let (other, _) = try await t.login("staff.dl")
            #expect(try await t.request(other, .GET, "/suggestions/\(id)").status == .forbidden)
            func step(_ values: [String: String]) async throws -> TestingHTTPResponse { try await t.request(officer, .POST, "/suggestions/\(id)/steps", form: values) }
            #expect(try await step(["step": "contact", "on": "2026-02-10", "how": "面商，代表同意分步解决"]).status == .seeOther)
            let noReason = try await step(["step": "answer", "on": "2026-02-25", "answerClass": "C"])
            #expect(noReason.status == .unprocessableEntity && noReason.body.string.contains("C类"))
            #expect(try await step(["step": "answer", "on": "2026-02-25", "answerClass": "B", "text": "已列入年度计划"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: SuggestionClocks.answer.key, record: row.clockRecord, on: t.db) == nil)
            #expect(try await step(["step": "feedback", "on": "2026-02-27", "satisfaction": "unsatisfied"]).status == .seeOther)
            #expect(try await step(["step": "rehandle", "on": "2026-02-28"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: SuggestionClocks.rehandle.key, record: row.clockRecord, on: t.db) != nil)
            #expect(try await step(["step": "answer", "on": "2026-03-02", "answerClass": "A", "text": "已协调落实"]).status == .seeOther)
            #expect(try await step(["step": "feedback", "on": "2026-03-02", "satisfaction": "satisfied"]).status == .seeOther)
            #expect(try await step(["step": "release", "on": "2026-03-02"]).status == .seeOther)
            let stored = try #require(try await Suggestion.find(id, on: t.db))
            #expect(stored.firstAnsweredOn == "2026-02-25" && stored.firstDueOn == "2026-05-06" && stored.answerClass == "A" && stored.rehandleCount == 1)
            #expect(try await ClockService.openClock(kind: SuggestionClocks.rehandle.key, record: row.clockRecord, on: t.db) == nil)
            let published = try await t.request(TestApp.Browser(), .GET, "/gongshi/suggestions").body.string
            #expect(published.contains("关于规范农贸市场管理的建议") && published.contains("已协调落实"))
            #expect(try await t.auditCount("suggestions.rehandle") >= 1)
        }
    }

    @Test("a disputed assignment: the office moves the item to another lead unit; its period runs from the new 交办, the clock moves with it")
    func reassign() async throws {
        try await TestApp.run { t in
            let office = try await t.principal("supervisor")
            let row = try await SuggestionService.create(kind: "cppccProposal", session: "政协县第十一届委员会第五次会议", number: "88", title: "关于加强古树保护的提案",
                                                         proposers: "周红", content: nil, leadUnitCode: "SFX-ZRZY", otherUnits: nil, assignedOn: "2026-02-02",
                                                         by: office, services: t.services, on: t.db)
            try await SuggestionService.reassign(row.id!, to: "SFX-LY", on: "2026-02-09", reason: "古树名木保护属林业部门职责", by: office, services: t.services, on: t.db)
            let moved = try #require(try await Suggestion.find(row.id!, on: t.db))
            let forestry = try await t.unit("SFX-LY")
            // 2026-05-09 is a Saturday, and a make-up working day of the 劳动节 holiday.
            #expect(moved.leadUnitPath == forestry.path && moved.assignedOn == "2026-02-09" && moved.dueOn == "2026-05-09")
            let clock = try #require(try await ClockService.openClock(kind: SuggestionClocks.answer.key, record: moved.clockRecord, on: t.db))
            #expect(clock.unitID == forestry.id && clock.dueDate == "2026-05-09")
            // Only the office re-assigns.
            let (officer, _) = try await t.login("officer.scjg")
            #expect(try await t.request(officer, .POST, "/suggestions/\(row.id!)/reassign", form: ["unitCode": "SFX-SCJG", "on": "2026-02-10", "reason": "x"]).status == .forbidden)
        }
    }
}
