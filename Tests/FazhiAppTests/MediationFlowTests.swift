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

    @Test("mediators on a body's register: a dispute names one of its own body's, never another's; the figures by type, source and level add up to the totals")
    func mediatorsAndBreakdowns() async throws {
        try await TestApp.run { t in
            let (bureau, _) = try await t.login("supervisor")
            _ = try await t.request(bureau, .GET, "/mediation/bodies")
            #expect(try await t.request(bureau, .POST, "/mediation/mediators", form: ["mediatorBody": "城关镇人民调解委员会", "mediatorName": "包青云",
                                                                                     "fullTimeMediator": "yes", "background": "退休法官"]).status == .seeOther)
            let twice = try await t.request(bureau, .POST, "/mediation/mediators", form: ["mediatorBody": "城关镇人民调解委员会", "mediatorName": "包青云"])
            #expect(twice.status == .unprocessableEntity && twice.body.string.contains("已登记"))
            #expect(try await t.request(bureau, .GET, "/mediation/bodies").body.string.contains("包青云（专职，退休法官）"))
            let supervisor = try await t.principal("supervisor")
            await #expect(throws: ValidationFailure.self) {
                try await MediationService.accept(bodyName: "示范县矛盾纠纷调处化解中心", source: "application", category: "neighbour", parties: "甲某、乙某", summary: "通行纠纷",
                                                  amount: nil, acceptedOn: "2026-02-20", mediator: "包青云", by: supervisor, services: t.services, on: t.db)
            }
            let row = try await MediationService.accept(bodyName: "城关镇人民调解委员会", source: "application", category: "neighbour", parties: "甲某、乙某", summary: "通行纠纷",
                                                        amount: nil, acceptedOn: "2026-02-20", mediator: "包青云", by: supervisor, services: t.services, on: t.db)
            #expect(try await t.request(bureau, .GET, "/mediation/\(row.id!)").body.string.contains("包青云"))
            // The breakdowns: every dispute has one type, one source and (when it succeeds) one level.
            let root = try await t.unit(DemoCounty.rootCode)
            for year in [2024, 2025, 2026] {
                let scope = MetricScope(year: year, unitPath: root.path, unitName: root.name)
                func value(_ key: String) async throws -> Int {
                    guard case .count(let count) = try await #require(t.services.metrics.definition(key)).compute(scope, t.db) else { return -1 }
                    return count
                }
                var types = 0, sources = 0, levels = 0
                for category in DisputeCategory.allCases { types += try await value("mediation.accepted.type.\(category.rawValue)") }
                for source in DisputeSource.allCases { sources += try await value("mediation.accepted.source.\(source.rawValue)") }
                for level in MediationLevel.allCases { levels += try await value("mediation.resolved.\(level.rawValue)") }
                let accepted = try await value("mediation.accepted")
                #expect(accepted > 0 && types == accepted && sources == accepted)
                #expect(levels == (try await value("mediation.resolved")))
            }
            let scope = MetricScope(year: 2026, unitPath: root.path, unitName: root.name)
            let registered = try await Mediator.query(on: t.db).join(MediationBody.self, on: \Mediator.$bodyID == \MediationBody.$id)
                .filter(MediationBody.self, \.$level !~ ["administrative", "adjudication"]).count()
            #expect(try await #require(t.services.metrics.definition("mediation.mediators")).compute(scope, t.db) == .count(registered) && registered > 0)
        }
    }
}
