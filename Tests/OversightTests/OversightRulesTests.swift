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

    @Test("复查 after 销号: only the inspector, only of a closed finding, not before its closing; a rebound reopens it with a new period and counts")
    func recheck() throws {
        var state = FindingState(foundOn: found, dueOn: CivilDate("2026-04-01")!)
        let unit = FindingFacts(today: CivilDate("2026-12-31")!, isInspector: false), inspector = FindingFacts(today: CivilDate("2026-12-31")!, isInspector: true)
        let held = FindingStep.recheck(on: CivilDate("2026-06-01")!, held: true, note: "抽查未见同类问题", days: 0)
        // Not closed yet: nothing to re-check.
        #expect(throws: ValidationFailure.self) { try OversightRules.apply(held, to: state, facts: inspector, calendar: calendar) }
        state.status = .closed
        state.submittedOn = CivilDate("2026-03-20")
        state.closedOn = CivilDate("2026-03-25")
        #expect(throws: ValidationFailure.self) { try OversightRules.apply(held, to: state, facts: unit, calendar: calendar) }
        #expect(throws: ValidationFailure.self) {
            try OversightRules.apply(.recheck(on: CivilDate("2026-03-24")!, held: true, note: "抽查", days: 0), to: state, facts: inspector, calendar: calendar)
        }
        #expect(throws: ValidationFailure.self) {
            try OversightRules.apply(.recheck(on: CivilDate("2026-06-01")!, held: true, note: " ", days: 0), to: state, facts: inspector, calendar: calendar)
        }
        let kept = try OversightRules.apply(held, to: state, facts: inspector, calendar: calendar)
        #expect(kept.state.status == .closed && kept.state.recheckedOn == CivilDate("2026-06-01") && kept.state.rebounds == 0)
        #expect(throws: ValidationFailure.self) {
            try OversightRules.apply(.recheck(on: CivilDate("2026-06-01")!, held: false, note: "同类问题再现", days: 0), to: state, facts: inspector, calendar: calendar)
        }
        let back = try OversightRules.apply(.recheck(on: CivilDate("2026-06-01")!, held: false, note: "同类问题再现", days: 30), to: kept.state, facts: inspector, calendar: calendar)
        #expect(back.state.status == .open && back.state.closedOn == nil && back.state.submittedOn == nil && back.state.rebounds == 1)
        #expect(back.state.dueOn == OversightRules.due(from: CivilDate("2026-06-01")!, days: 30, calendar: calendar) && back.detail.contains("撤销销号"))
        // Reopened, the unit reports again.
        #expect(try OversightRules.apply(.submit(on: CivilDate("2026-06-20")!, evidence: "重新整改并建立长效机制，附制度文件"), to: back.state, facts: unit, calendar: calendar)
            .state.status == .submitted)
    }
}
