import FazhiCalendar
import FazhiCore
import Foundation
import Oversight
import Testing

// 法治督察's rectification without a database: the unit reports with evidence, the inspector alone
// closes (销号), sends back with a new period, 约谈 and 通报; a late report is warned.

private let calendar = try! WorkCalendar.bundled()
private let found = CivilDate("2026-03-02")!

@Suite struct OversightRulesTests {
    @Test("the period: 30 days from the finding, a last day on a rest day moved to the next working day")
    func period() {
        // 2026-03-02 + 30 = 2026-04-01 (Wednesday).
        #expect(OversightRules.due(from: found, days: 30, calendar: calendar) == CivilDate("2026-04-01"))
        // 2026-09-01 + 30 = 2026-10-01, the National Day holiday: the first working day after it.
        #expect(OversightRules.due(from: CivilDate("2026-09-01")!, days: 30, calendar: calendar) > CivilDate("2026-10-07")!)
    }

    @Test("who does what: the unit reports with evidence (late is warned), the inspector closes or sends back with a new period; neither does the other's step")
    func steps() throws {
        let state = FindingState(foundOn: found, dueOn: CivilDate("2026-04-01")!)
        let unit = FindingFacts(today: CivilDate("2026-12-31")!, isInspector: false), inspector = FindingFacts(today: CivilDate("2026-12-31")!, isInspector: true)
        #expect(throws: ValidationFailure.self) { try OversightRules.apply(.submit(on: CivilDate("2026-03-20")!, evidence: "已整改"), to: state, facts: unit, calendar: calendar) }
        #expect(throws: ValidationFailure.self) { try OversightRules.apply(.close(on: CivilDate("2026-03-20")!), to: state, facts: inspector, calendar: calendar) }
        #expect(throws: ValidationFailure.self) {
            try OversightRules.apply(.submit(on: CivilDate("2026-03-20")!, evidence: "已制定整改方案并完成整改，附整改报告"), to: state, facts: inspector, calendar: calendar)
        }
        let late = try OversightRules.apply(.submit(on: CivilDate("2026-04-10")!, evidence: "已制定整改方案并完成整改，附整改报告"), to: state, facts: unit, calendar: calendar)
        #expect(late.state.status == .submitted && late.warnings.first?.contains("逾期整改") == true)
        #expect(throws: ValidationFailure.self) { try OversightRules.apply(.close(on: CivilDate("2026-04-12")!), to: late.state, facts: unit, calendar: calendar) }
        let back = try OversightRules.apply(.sendBack(on: CivilDate("2026-04-12")!, reason: "佐证不足", days: 15), to: late.state, facts: inspector, calendar: calendar)
        #expect(back.state.status == .open && back.state.returns == 1 && back.state.dueOn == CivilDate("2026-04-27") && back.state.evidence == nil)
        let again = try OversightRules.apply(.submit(on: CivilDate("2026-04-20")!, evidence: "补充了整改前后的对照材料"), to: back.state, facts: unit, calendar: calendar)
        let closed = try OversightRules.apply(.close(on: CivilDate("2026-04-25")!), to: again.state, facts: inspector, calendar: calendar)
        #expect(closed.state.status == .closed && closed.state.closedOn == CivilDate("2026-04-25"))
        #expect(throws: ValidationFailure.self) { try OversightRules.apply(.talk(on: CivilDate("2026-04-26")!, note: "约谈局长"), to: closed.state, facts: unit, calendar: calendar) }
        #expect(try OversightRules.apply(.talk(on: CivilDate("2026-04-26")!, note: "约谈局长"), to: closed.state, facts: inspector, calendar: calendar).detail == "约谈：约谈局长")
    }
}
