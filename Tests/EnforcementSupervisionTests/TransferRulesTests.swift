import EnforcementSupervision
import FazhiCalendar
import FazhiCore
import Testing

// 两法衔接 without a database: every refusal of `TransferRules`, with its article, and its clocks.

private func day(_ text: String) -> CivilDate { CivilDate(text)! }
private func at(_ text: String) -> CivilDateTime { CivilDateTime(text)! }
private let now = at("2026-03-02T10:00")

private func reported() -> TransferState { TransferState(status: .reported, reportedOn: day("2026-02-02")) }

private func refusal(_ action: TransferAction, on state: TransferState) -> ValidationFailure? {
    do {
        _ = try TransferRules.apply(action, to: state, now: now)
        return nil
    } catch {
        return error
    }
}

private func run(_ actions: [TransferAction], from state: TransferState = reported()) throws -> TransferState {
    var state = state
    for action in actions { state = try TransferRules.apply(action, to: state, now: now).state }
    return state
}

private func effects(_ step: TransferStep) -> [String] {
    step.effects.map {
        switch $0 {
        case .openClock(let kind, let at, _): return "open:\(kind.key)@\(at)"
        case .completeClock(let kind, _, _): return "complete:\(kind.key)"
        }
    }
}

private let approve = TransferAction.decide(at: at("2026-02-03T09:00"), transfer: true, reason: "")

@Suite("两法衔接 rules without a database")
struct TransferRulesTests {
    @Test("dates: not after now, not before the report")
    func dates() {
        #expect(refusal(.decide(at: at("2026-03-03T09:00"), transfer: true, reason: ""), on: reported())?.message(for: "on") == "不能晚于今天")
        #expect(refusal(.decide(at: at("2026-02-01T09:00"), transfer: true, reason: ""), on: reported())?.message(for: "on")?.contains("不能早于报告日期") == true)
        #expect(refusal(.decide(at: at("2026-03-02T11:00"), transfer: true, reason: ""), on: reported())?.message(for: "on") == "不能晚于现在")
    }

    @Test("第五条第二款: the head decides; not transferring needs its reason (a penalty never replaces a transfer, 第十一条); approval opens the 24 hours from its time")
    func decision() throws {
        #expect(refusal(.decide(at: at("2026-02-03T09:00"), transfer: false, reason: " "), on: reported())?.message(for: "text")?.contains("第十一条") == true)
        let step = try TransferRules.apply(approve, to: reported(), now: now)
        #expect(effects(step) == ["complete:\(TransferClocks.decision.key)", "open:\(TransferClocks.transfer.key)@2026-02-03 09:00"])
        let declined = try run([.decide(at: at("2026-02-03T09:00"), transfer: false, reason: "不构成犯罪")])
        #expect(declined.status == .notTransferred)
        #expect(refusal(approve, on: declined)?.message(for: "action")?.contains("已作出决定") == true)
    }

    @Test("the transfer follows the approval (第五条第二款) and opens the police's three days (第八条)")
    func transfer() throws {
        #expect(refusal(.transfer(at: at("2026-02-03T15:00")), on: reported())?.message(for: "action")?.contains("第五条第二款") == true)
        let approved = try run([approve])
        let step = try TransferRules.apply(.transfer(at: at("2026-02-03T15:00")), to: approved, now: now)
        #expect(step.state.status == .transferred && step.state.transferredAt == at("2026-02-03T15:00"))
        #expect(effects(step) == ["complete:\(TransferClocks.transfer.key)", "open:\(TransferClocks.policeAnswer.key)@2026-02-03 00:00"])
    }

    @Test("the police's answer: 立案 opens the exhibits' three days (第十二条); a refusal opens the three days to ask for reconsideration (第九条)")
    func policeAnswer() throws {
        #expect(refusal(.policeAnswer(on: day("2026-02-05"), accepted: true), on: try run([approve]))?.message(for: "action")?.contains("移送后") == true)
        let sent = try run([approve, .transfer(at: at("2026-02-03T15:00"))])
        let accepted = try TransferRules.apply(.policeAnswer(on: day("2026-02-05"), accepted: true), to: sent, now: now)
        #expect(effects(accepted).last == "open:\(TransferClocks.exhibits.key)@2026-02-05 00:00")
        let refused = try TransferRules.apply(.policeAnswer(on: day("2026-02-05"), accepted: false), to: sent, now: now)
        #expect(effects(refused).last == "open:\(TransferClocks.reconsideration.key)@2026-02-05 00:00")
        // Exhibits once, after 立案.
        let handed = try run([.exhibits(on: day("2026-02-06"))], from: accepted.state)
        #expect(refusal(.exhibits(on: day("2026-02-07")), on: handed)?.message(for: "action")?.contains("第十二条") == true)
        #expect(refusal(.exhibits(on: day("2026-02-07")), on: refused.state)?.message(for: "action")?.contains("第十二条") == true)
    }

    @Test("第九条: reconsideration only after a refusal; a maintained refusal ends with the procuratorate's supervision")
    func reconsideration() throws {
        let sent = try run([approve, .transfer(at: at("2026-02-03T15:00"))])
        #expect(refusal(.reconsider(on: day("2026-02-06")), on: sent)?.message(for: "action")?.contains("第九条") == true)
        let refused = try run([.policeAnswer(on: day("2026-02-05"), accepted: false)], from: sent)
        let asked = try TransferRules.apply(.reconsider(on: day("2026-02-06")), to: refused, now: now)
        #expect(effects(asked) == ["complete:\(TransferClocks.reconsideration.key)", "open:\(TransferClocks.reconsiderationAnswer.key)@2026-02-06 00:00"])
        #expect(refusal(.reconsiderAnswer(on: day("2026-02-09"), accepted: false), on: refused)?.message(for: "action")?.contains("提请复议后") == true)
        let kept = try TransferRules.apply(.reconsiderAnswer(on: day("2026-02-09"), accepted: false), to: asked.state, now: now)
        #expect(kept.state.status == .finallyRefused && kept.detail.contains("立案监督"))
        let reversed = try TransferRules.apply(.reconsiderAnswer(on: day("2026-02-09"), accepted: true), to: asked.state, now: now)
        #expect(reversed.state.status == .accepted && effects(reversed).last == "open:\(TransferClocks.exhibits.key)@2026-02-09 00:00")
    }
}
