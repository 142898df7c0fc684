import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Mediation
import Testing
import VaporTesting

/// 矛盾纠纷化解 (issue 19): a township mediator records a dispute from intake to 司法确认; a village
/// dispute goes up to the township; parties sealed; figures from the records.
@Suite struct MediationFlowTests {
    @Test("a township mediator: intake, a session, a written agreement, 司法确认 within 30 days, performance; the settling clock closes; other towns cannot see it")
    func intakeToConfirmation() async throws {
        try await TestApp.run { t in
            let (mediator, _) = try await t.login("staff.cg")
            let form = ["body": "城关镇人民调解委员会", "source": "application", "category": "neighbour", "parties": "孙大勇、钱小花",
                        "summary": "相邻通行纠纷", "amount": "5000", "acceptedOn": "2026-02-02"]
            #expect(try await t.request(mediator, .POST, "/mediation/new", form: form).status == .seeOther)
            let row = try #require(try await Dispute.query(on: t.db).filter(\.$summary == "相邻通行纠纷").first())
            let id = row.id!
            #expect(row.partiesMasked == "孙**、钱**" && !row.partiesSealed.contains("孙大勇") && row.level == MediationLevel.township.rawValue)
            #expect(try await ClockService.openClock(kind: MediationClocks.settle.key, record: row.clockRecord, on: t.db) != nil)
            func step(_ values: [String: String]) async throws -> TestingHTTPResponse { try await t.request(mediator, .POST, "/mediation/\(id)/steps", form: values) }
            let early = try await step(["step": "written", "on": "2026-02-10"])
            #expect(early.status == .unprocessableEntity && early.body.string.contains("第二十七条"))
            #expect(try await step(["step": "session", "on": "2026-02-05"]).status == .seeOther)
            #expect(try await step(["step": "written", "on": "2026-02-10"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: MediationClocks.settle.key, record: row.clockRecord, on: t.db) == nil)
            let late = try await step(["step": "confirmation", "on": "2026-03-13"])
            #expect(late.status == .unprocessableEntity && late.body.string.contains("第三十三条"))
            #expect(try await step(["step": "confirmation", "on": "2026-03-02"]).status == .seeOther)
            #expect(try await step(["step": "confirmed", "on": "2026-03-02"]).status == .seeOther)
            #expect(try await step(["step": "perform", "on": "2026-03-02"]).status == .seeOther)
            let stored = try #require(try await Dispute.find(id, on: t.db))
            #expect(stored.confirmationDueOn == "2026-03-12" && stored.confirmed == true && stored.performedOn == "2026-03-02")
            let page = try await t.request(mediator, .GET, "/mediation/\(id)").body.string
            #expect(page.contains("孙**") && !page.contains("孙大勇") && page.contains("人民调解法第三十三条"))
            let (other, _) = try await t.login("staff.dl")
            #expect(try await t.request(other, .GET, "/mediation/\(id)").status == .forbidden)
            #expect(try await t.auditCount("mediation.confirmation") >= 1)
        }
    }

    @Test("a village dispute escalated: the township accepts it as a referral, the village's ends; the figures count each at its level and the success rate leaves the escalation out")
    func escalation() async throws {
        try await TestApp.run { t in
            let bureau = try await t.principal("supervisor")
            let row = try await MediationService.accept(bodyName: "城关镇第一村人民调解委员会", source: "screening", category: "land", parties: "周某、吴某",
                                                        summary: "承包地边界纠纷", amount: nil, acceptedOn: "2026-02-09", by: bureau, services: t.services, on: t.db)
            try await MediationService.perform(.session(on: CivilDate("2026-02-10")!), on: row.id!, by: bureau, services: t.services, on: t.db)
            await #expect(throws: ValidationFailure.self) {
                try await MediationService.perform(.escalate(on: CivilDate("2026-02-12")!), on: row.id!, toBody: "示范县矛盾纠纷调处化解中心", by: bureau, services: t.services, on: t.db)
            }
            try await MediationService.perform(.escalate(on: CivilDate("2026-02-12")!), on: row.id!, toBody: "城关镇人民调解委员会", by: bureau, services: t.services, on: t.db)
            let moved = try #require(try await Dispute.query(on: t.db).filter(\.$escalatedFrom == row.id!).first())
            #expect(moved.level == MediationLevel.township.rawValue && moved.source == DisputeSource.referral.rawValue && moved.acceptedOn == "2026-02-12")
            #expect(try t.services.cipher.open(moved.partiesSealed) == "周某、吴某")
            // This year's success rate is the successes over the disputes ended at their level.
            let root = try await t.unit(DemoCounty.rootCode)
            let scope = MetricScope(year: 2026, unitPath: root.path, unitName: root.name)
            let ended = try await Dispute.query(on: t.db).filter(\.$endedOn >= "2026-01-01").filter(\.$endedOn < "2027-01-01").all().filter { $0.outcome != "escalated" }
            // 行政调解 is recorded beside 人民调解 and counted by its own kind.
            let administrative = try #require(t.services.metrics.definition("mediation.bodies.administrative"))
            #expect(try await administrative.compute(scope, t.db) == .count(try await MediationBody.query(on: t.db).filter(\.$level == "administrative").count()))
            #expect(try await MediationBody.query(on: t.db).filter(\.$level == "administrative").count() == 1)
            let rate = try #require(t.services.metrics.definition("mediation.success-rate"))
            #expect(try await rate.compute(scope, t.db) == .ratio(numerator: ended.filter { ["writtenAgreement", "oralAgreement"].contains($0.outcome ?? "") }.count,
                                                                  denominator: ended.count))
        }
    }
}
