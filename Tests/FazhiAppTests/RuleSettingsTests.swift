import FazhiApp
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import LegalAffairs
import NormativeDocuments
import Testing
import Vapor

/// A province's periods (🏷) in `FAZHI_RULE_SETTINGS`: parsed, checked against the modules' declared
/// settings at start, and applied by the rules and clocks (issue 17).
@Suite struct RuleSettingsTests {
    @Test("the setting is parsed; an unknown rule or a value outside its range stops the start with a message naming it")
    func checkedAtStart() async throws {
        let parsed = try AppConfig.load(from: ["FAZHI_RULE_SETTINGS": "documents.filing-days=15, legal.review-workdays=5"], production: false)
        #expect(parsed.ruleSettings == ["documents.filing-days": 15, "legal.review-workdays": 5])
        #expect(throws: AppConfig.Problems.self) { try AppConfig.load(from: ["FAZHI_RULE_SETTINGS": "documents.filing-days"], production: false) }
        for (spec, words) in [("documents.filing-dayz=15", "没有规则"), ("decisions.consultation-days=20", "30至180")] {
            var config = TestApp.configuration()
            config.ruleSettings = try AppConfig.load(from: ["FAZHI_RULE_SETTINGS": spec], production: false).ruleSettings
            let app = try await Application.make(.testing)
            do {
                try await FazhiApp.configure(app, config: config)
                Issue.record("\(spec) started")
            } catch let problems as AppConfig.Problems {
                #expect(problems.description.contains(words), "\(problems)")
            }
            try await app.asyncShutdown()
        }
    }

    @Test("a province's 10-working-day comment period and 5-working-day contract review are what the steps and clocks use")
    func applied() async throws {
        var config = TestApp.configuration()
        config.ruleSettings = ["documents.consultation-workdays": 10, "documents.filing-days": 15, "legal.review-workdays": 5]
        try await TestApp.run(config: config) { t in
            let officer = try await t.principal("officer.scjg")
            let calendar = try await CalendarService.current(services: t.services, on: t.db)
            let row = try await DocumentService.create(title: "示范县设置测试办法", unitCode: "SFX-SCJG", affectsRights: true, provisional: false, by: officer,
                                                       services: t.services, on: t.db)
            try await DocumentService.perform(.consult(on: CivilDate("2025-03-03")!), on: row.id!, by: officer, services: t.services, on: t.db)
            let due = try #require(try await NormativeDocument.find(row.id!, on: t.db)?.consultationDue.flatMap(CivilDate.init))
            #expect(calendar.workdays(after: CivilDate("2025-03-03")!, through: due) == 10)
            // Closing at the national seven days is now too early.
            let early = calendar.workday(7, after: CivilDate("2025-03-03")!)
            await #expect(throws: ValidationFailure.self) {
                try await DocumentService.perform(.closeConsultation(on: early, summary: "无"), on: row.id!, by: officer, services: t.services, on: t.db)
            }
            let bureau = try await t.principal("supervisor")
            let review = try await LegalService.submit(kind: "contract", title: "设置测试合同", unitCode: "SFX-SCJG", counterparty: nil, amount: "10",
                                                       submittedOn: "2026-02-27", by: bureau, services: t.services, on: t.db)
            let clock = try #require(try await ClockService.openClock(kind: LegalClocks.review.key, record: review.clockRecord, on: t.db))
            #expect(clock.dueDate == calendar.workday(5, after: CivilDate("2026-02-27")!).description)
        }
    }
}
