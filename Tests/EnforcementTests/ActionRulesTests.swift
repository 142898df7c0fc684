import Enforcement
import FazhiCalendar
import FazhiCore
import Foundation
import Testing

// 行政强制法, 行政许可法 and inspections without a database: every refusal of `ActionRules`, with its
// article where the law gives one, and the clocks each step opens or closes.

private func day(_ text: String) -> CivilDate { CivilDate(text)! }
private let officerA = UUID(uuidString: "00000000-0000-0000-0000-0000000000A1")!
private let officerB = UUID(uuidString: "00000000-0000-0000-0000-0000000000B2")!

private func facts(now: String = "2026-03-02T10:00", open: Set<String> = [], due: [String: String] = [:], extended: Int = 0) -> ActionFacts {
    var facts = ActionFacts(now: CivilDateTime(now)!, unitPath: "/county/scjg/")
    facts.certificates = [
        "A": CertificateFacts(officerID: officerA, qualified: true, statusLabel: "有效", unitPath: "/county/scjg/"),
        "B": CertificateFacts(officerID: officerB, qualified: true, statusLabel: "有效", unitPath: "/county/scjg/"),
        "OLD": CertificateFacts(officerID: UUID(), qualified: false, statusLabel: "已过期", unitPath: "/county/scjg/"),
        "ELSEWHERE": CertificateFacts(officerID: UUID(), qualified: true, statusLabel: "有效", unitPath: "/county/other/"),
    ]
    facts.openClocks = open
    facts.dueDates = due.mapValues(day)
    facts.seizureExtendedDays = extended
    return facts
}

private func state(_ kind: ActionKind, _ status: ActionStatus, started: String = "2026-02-02") -> ActionState {
    ActionState(kind: kind, status: status, startedOn: day(started))
}

private func refusal(_ step: ActionStep, on state: ActionState, facts: ActionFacts = facts()) -> ValidationFailure? {
    do {
        _ = try ActionRules.apply(step, to: state, facts: facts)
        return nil
    } catch {
        return error
    }
}

/// "open:key@time", "complete:key", "extend:key" and "publish", in order.
private func effects(_ outcome: ActionOutcome) -> [String] {
    outcome.effects.map { effect in
        switch effect {
        case .openClock(let kind, let at, _): return "open:\(kind.key)@\(at)"
        case .completeClock(let kind, _, _): return "complete:\(kind.key)"
        case .record(let kind, let event): return "\(event.kind.rawValue):\(kind.key)"
        case .publish: return "publish"
        }
    }
}

private let seizure = ActionClocks.seizure.key
private let acceptance = ActionClocks.licenceAcceptance.key

@Suite("行政强制、行政许可、行政检查 rules without a database")
struct ActionRulesTests {
    @Test("a step dated after today or before the record began is refused; a step of another kind or state is refused")
    func datesAndStates() {
        #expect(refusal(.accept(on: day("2026-03-03")), on: state(.licence, .received))?.message(for: "on") == "不能晚于今天")
        #expect(refusal(.accept(on: day("2026-02-01")), on: state(.licence, .received))?.message(for: "on") == "不能早于2026-02-02")
        #expect(refusal(.accept(on: day("2026-02-03")), on: state(.coercion, .registered))?.message(for: "action")?.contains("不能受理") == true)
        #expect(refusal(.close(on: day("2026-02-03")), on: state(.licence, .accepted))?.message(for: "action")?.contains("不能办结") == true)
    }

    @Test("行政强制法第十八条第二项: two officers of the unit with certificates valid that day")
    func coercionOfficers() {
        let registered = state(.coercion, .registered)
        func impose(_ numbers: [String]) -> ActionStep { .impose(on: day("2026-02-10"), measure: "扣押", certificateNumbers: numbers, approvedBy: "局长") }
        #expect(refusal(impose(["A"]), on: registered)?.message(for: "officers")?.contains("行政强制法第十八条第二项") == true)
        #expect(refusal(impose(["A", "OLD"]), on: registered)?.message(for: "officers")?.contains("“OLD”在2026-02-10不是有效状态") == true)
        #expect(refusal(impose(["A", "NONE"]), on: registered)?.message(for: "officers")?.contains("“NONE”") == true)
        #expect(refusal(impose(["A", "ELSEWHERE"]), on: registered)?.message(for: "officers") == "执法证“ELSEWHERE”的持证人不属于实施单位")
    }

    @Test("行政强制法第十九条: an emergency measure's 24 hours start at its recorded time; a past measure needs its time")
    func emergencyTime() throws {
        let registered = state(.coercion, .registered)
        let untimed = refusal(.impose(on: day("2026-02-10"), measure: "扣押", certificateNumbers: ["A", "B"], approvedBy: nil), on: registered)
        #expect(untimed?.message(for: "at")?.contains("二十四小时自实施时起计算（行政强制法第十九条）") == true)
        let timed = try ActionRules.apply(.impose(on: day("2026-02-10"), measure: "扣押货物", certificateNumbers: ["A", "B"], approvedBy: nil,
                                                  at: CivilDateTime("2026-02-10T14:30")), to: registered, facts: facts())
        #expect(effects(timed) == ["open:\(seizure)@2026-02-10 00:00", "open:\(ActionClocks.emergencyApproval.key)@2026-02-10 14:30"])
        // Today without a time: now.
        let now = try ActionRules.apply(.impose(on: day("2026-03-02"), measure: "扣押", certificateNumbers: ["A", "B"], approvedBy: nil), to: registered, facts: facts())
        #expect(effects(now).last == "open:\(ActionClocks.emergencyApproval.key)@2026-03-02 10:00")
        let wrongDay = refusal(.impose(on: day("2026-02-10"), measure: "扣押", certificateNumbers: ["A", "B"], approvedBy: nil, at: CivilDateTime("2026-02-11T09:00")), on: registered)
        #expect(wrongDay?.message(for: "at") != nil)
        // With the head's approval there is no 24-hour clock.
        let approved = try ActionRules.apply(.impose(on: day("2026-02-10"), measure: "检查", certificateNumbers: ["A", "B"], approvedBy: "局长"), to: registered, facts: facts())
        #expect(effects(approved).isEmpty && approved.state.status == .imposed)
    }

    @Test("补办批准 needs an open emergency clock and the approving head")
    func approval() throws {
        let imposed = state(.coercion, .imposed)
        #expect(refusal(.approve(at: CivilDateTime("2026-02-10T18:00")!, approver: "局长"), on: imposed)?.message(for: "action") == "没有待补办批准的当场强制措施")
        let open = facts(open: [ActionClocks.emergencyApproval.key])
        #expect(refusal(.approve(at: CivilDateTime("2026-02-10T18:00")!, approver: " "), on: imposed, facts: open)?.message(for: "text") == "须写明批准的负责人")
        #expect(effects(try ActionRules.apply(.approve(at: CivilDateTime("2026-02-10T18:00")!, approver: "局长"), to: imposed, facts: open)) == ["complete:\(ActionClocks.emergencyApproval.key)"])
    }

    @Test("行政强制法第二十五条第一款: a seizure is extended with the head's approval, thirty days at most in all, never after it ran out")
    func seizureExtension() throws {
        let imposed = state(.coercion, .imposed)
        func extend(_ days: Int, on: String = "2026-03-02", approver: String = "局长") -> ActionStep { .extendSeizure(on: day(on), days: days, approver: approver, reason: "检验") }
        #expect(refusal(extend(10), on: imposed)?.message(for: "action") == "没有正在计算的查封、扣押期限")
        let running = facts(open: [seizure], due: [seizure: "2026-03-12"])
        #expect(refusal(extend(10, approver: ""), on: imposed, facts: running)?.message(for: "approver")?.contains("第二十五条第一款") == true)
        #expect(refusal(extend(31), on: imposed, facts: running)?.message(for: "days")?.contains("应为1到30日") == true)
        #expect(effects(try ActionRules.apply(extend(20), to: imposed, facts: running)) == ["extend:\(seizure)"])
        let twenty = facts(open: [seizure], due: [seizure: "2026-04-01"], extended: 20)
        #expect(refusal(extend(11), on: imposed, facts: twenty)?.message(for: "days")?.contains("已延长20日，延长期限合计不得超过三十日") == true)
        #expect(refusal(extend(10), on: imposed, facts: twenty) == nil)
        let expired = facts(now: "2026-03-20T10:00", open: [seizure], due: [seizure: "2026-03-12"])
        #expect(refusal(extend(10, on: "2026-03-13"), on: imposed, facts: expired)?.message(for: "on")?.contains("已于2026-03-12届满") == true)
    }

    @Test("解除 gives its reason (第二十八条) and closes the seizure period; a decision on what was seized closes it too")
    func liftAndDecide() throws {
        let imposed = state(.coercion, .imposed)
        #expect(refusal(.lift(on: day("2026-03-01"), reason: ""), on: imposed)?.message(for: "text")?.contains("第二十八条") == true)
        #expect(effects(try ActionRules.apply(.lift(on: day("2026-03-01"), reason: "检验合格"), to: imposed, facts: facts())) == ["complete:\(seizure)"])
        let decided = try ActionRules.apply(.decide(on: day("2026-03-01"), granted: true, decision: "没收"), to: imposed, facts: facts())
        #expect(effects(decided) == ["complete:\(seizure)", "open:\(PublicationClocks.otherDecision.key)@2026-03-01 00:00"])
    }

    @Test("行政许可法第三十二条第一款第四项: 补正 is told once, within five working days; without it a late acceptance counts from the day the materials arrived")
    func licenceAcceptance() throws {
        let received = state(.licence, .received)
        let running = facts(open: [acceptance], due: [acceptance: "2026-02-09"])
        // Late acceptance without a 补正 notice: the twenty working days run from 02-02.
        let late = try ActionRules.apply(.accept(on: day("2026-02-12")), to: received, facts: running)
        #expect(effects(late) == ["complete:\(acceptance)", "open:\(ActionClocks.licenceDecision.key)@2026-02-02 00:00"])
        #expect(late.detail.contains("行政许可法第三十二条第一款第四项"))
        let onTime = try ActionRules.apply(.accept(on: day("2026-02-05")), to: received, facts: running)
        #expect(effects(onTime).last == "open:\(ActionClocks.licenceDecision.key)@2026-02-05 00:00")
        // 补正 after the five days is refused; within them it is told once.
        #expect(refusal(.requestCorrection(on: day("2026-02-10"), items: "身份证明"), on: received, facts: running)?.message(for: "on")?.contains("即为受理") == true)
        #expect(refusal(.requestCorrection(on: day("2026-02-05"), items: ""), on: received, facts: running)?.message(for: "text") != nil)
        let asked = try ActionRules.apply(.requestCorrection(on: day("2026-02-05"), items: "身份证明"), to: received, facts: running)
        #expect(asked.state.status == .awaitingCorrection && effects(asked) == ["complete:\(acceptance)"])
        let back = try ActionRules.apply(.receiveCorrection(on: day("2026-02-20")), to: asked.state, facts: facts())
        #expect(back.state.status == .received && effects(back) == ["open:\(acceptance)@2026-02-20 00:00"])
        #expect(refusal(.requestCorrection(on: day("2026-02-21"), items: "再补"), on: back.state, facts: facts(open: [acceptance], due: [acceptance: "2026-02-27"]))?
            .message(for: "action")?.contains("本申请已于2026-02-05告知补正") == true)
        // Once 补正 was asked, a later acceptance is not backdated.
        let after = try ActionRules.apply(.accept(on: day("2026-03-02")), to: back.state, facts: facts(open: [acceptance], due: [acceptance: "2026-02-27"]))
        #expect(effects(after).last == "open:\(ActionClocks.licenceDecision.key)@2026-03-02 00:00")
        #expect(refusal(.receiveCorrection(on: day("2026-02-20")), on: received)?.message(for: "action") != nil)
    }

    @Test("不予受理 gives its reason; the decision period is extended only while it runs; a decision needs its text")
    func licenceSteps() throws {
        #expect(refusal(.refuse(on: day("2026-02-03"), reason: ""), on: state(.licence, .received))?.message(for: "text")?.contains("第三十二条") == true)
        let accepted = state(.licence, .accepted)
        #expect(refusal(.extendLicence(on: day("2026-02-20"), approver: "局长", reason: "核查"), on: accepted)?.message(for: "action") == "没有正在计算的许可审查期限")
        #expect(effects(try ActionRules.apply(.extendLicence(on: day("2026-02-20"), approver: "局长", reason: "核查"), to: accepted,
                                              facts: facts(open: [ActionClocks.licenceDecision.key]))) == ["extend:\(ActionClocks.licenceDecision.key)"])
        #expect(refusal(.decide(on: day("2026-02-20"), granted: true, decision: " "), on: accepted)?.message(for: "text") == "须写明决定内容和依据")
        let granted = try ActionRules.apply(.decide(on: day("2026-02-20"), granted: true, decision: "准予"), to: accepted, facts: facts())
        #expect(effects(granted) == ["complete:\(ActionClocks.licenceDecision.key)", "open:\(ActionClocks.licenceIssue.key)@2026-02-20 00:00",
                                     "open:\(PublicationClocks.licence.key)@2026-02-20 00:00"])
        let denied = try ActionRules.apply(.decide(on: day("2026-02-20"), granted: false, decision: "不予许可"), to: accepted, facts: facts())
        #expect(refusal(.issue(on: day("2026-02-21")), on: denied.state)?.message(for: "action") == "准予许可后才能颁发证件")
        #expect(effects(try ActionRules.apply(.issue(on: day("2026-02-21")), to: granted.state, facts: facts())) == ["complete:\(ActionClocks.licenceIssue.key)"])
    }

    @Test("an inspection is recorded by two officers with its findings; it is never published")
    func inspection() throws {
        let accepted = state(.inspection, .accepted)
        #expect(refusal(.inspect(on: day("2026-02-10"), certificateNumbers: ["A"], findings: "正常"), on: accepted)?.message(for: "officers")?.contains("行政处罚法第四十二条") == true)
        #expect(refusal(.inspect(on: day("2026-02-10"), certificateNumbers: ["A", "B"], findings: ""), on: accepted)?.message(for: "text") == "须记录检查情况")
        let done = try ActionRules.apply(.inspect(on: day("2026-02-10"), certificateNumbers: ["A", "B"], findings: "未发现问题"), to: accepted, facts: facts())
        #expect(done.state.status == .decided && Set(done.state.officerIDs) == [officerA, officerB])
        #expect(refusal(.publish(on: day("2026-02-11")), on: done.state)?.message(for: "action") == "作出决定后才能公示")
    }

    @Test("publication: after the decision, not before its date, once")
    func publication() throws {
        var decided = state(.licence, .decided)
        decided.decidedOn = day("2026-02-20")
        #expect(refusal(.publish(on: day("2026-02-21")), on: state(.licence, .accepted))?.message(for: "action") == "作出决定后才能公示")
        #expect(refusal(.publish(on: day("2026-02-19")), on: decided)?.message(for: "on")?.contains("公示日期不能早于决定日期") == true)
        let published = try ActionRules.apply(.publish(on: day("2026-02-24")), to: decided, facts: facts())
        #expect(effects(published).first == "publish")
        #expect(refusal(.publish(on: day("2026-02-25")), on: published.state)?.message(for: "action") == "已于2026-02-24公示")
    }
}
