import EnforcementSupervision
import FazhiCalendar
import FazhiCore
import Testing

// Complaints about enforcement without a database: every refusal of `ComplaintRules` and its clocks.

private func day(_ text: String) -> CivilDate { CivilDate(text)! }
private let today = day("2026-03-02")
private func received() -> ComplaintState { ComplaintState(status: .received, receivedOn: day("2026-02-02")) }

private func refusal(_ action: ComplaintAction, on state: ComplaintState) -> ValidationFailure? {
    do {
        _ = try ComplaintRules.apply(action, to: state, today: today)
        return nil
    } catch {
        return error
    }
}

private func run(_ actions: [ComplaintAction], from state: ComplaintState = received()) throws -> ComplaintState {
    var state = state
    for action in actions { state = try ComplaintRules.apply(action, to: state, today: today).state }
    return state
}

private func effects(_ step: ComplaintStep) -> [String] {
    step.effects.map {
        switch $0 {
        case .openRectification(_, let on): return "rectify@\(on)"
        case .completeClocks(let kind, _, _): return "complete:\(kind.key)"
        }
    }
}

@Suite("Enforcement complaint rules without a database")
struct ComplaintRulesTests {
    @Test("dates; 不予立案 and 立案 only while received; a refusal gives its reason and closes the complaint clock")
    func intake() throws {
        #expect(refusal(.accept(on: day("2026-03-03")), on: received())?.message(for: "on") == "不能晚于今天")
        #expect(refusal(.accept(on: day("2026-02-01")), on: received())?.message(for: "on")?.contains("不能早于收到日期") == true)
        #expect(refusal(.decline(on: day("2026-02-05"), reason: " "), on: received())?.message(for: "text") == "不能为空")
        let declined = try ComplaintRules.apply(.decline(on: day("2026-02-05"), reason: "不属于行政执法投诉"), to: received(), today: today)
        #expect(declined.state.status == .declined && effects(declined) == ["complete:\(SupervisionClocks.complaint.key)"])
        #expect(refusal(.accept(on: day("2026-02-06")), on: declined.state)?.message(for: "action")?.contains("只有待审查的投诉可以立案") == true)
    }

    @Test("a conclusion needs the investigation and its findings: unfounded closes it; an opinion or correction orders rectification of the unit")
    func conclusion() throws {
        let accepted = try run([.accept(on: day("2026-02-03"))])
        #expect(refusal(.conclude(on: day("2026-02-10"), outcome: .opinion, findings: "x"), on: received())?.message(for: "action")?.contains("立案调查后") == true)
        #expect(refusal(.conclude(on: day("2026-02-10"), outcome: .opinion, findings: ""), on: accepted)?.message(for: "text") == "不能为空")
        let unfounded = try ComplaintRules.apply(.conclude(on: day("2026-02-10"), outcome: .unfounded, findings: "执法程序合法"), to: accepted, today: today)
        #expect(unfounded.state.status == .closed && effects(unfounded) == ["complete:\(SupervisionClocks.complaint.key)"])
        let ordered = try ComplaintRules.apply(.conclude(on: day("2026-02-10"), outcome: .correction, findings: "未告知陈述申辩权利"), to: accepted, today: today)
        #expect(ordered.state.status == .ordered && effects(ordered) == ["rectify@2026-02-10"])
    }

    @Test("rectification after an order; closing after rectification; discipline referral once, after the investigation")
    func rectificationAndClose() throws {
        let ordered = try run([.accept(on: day("2026-02-03")), .conclude(on: day("2026-02-10"), outcome: .opinion, findings: "程序瑕疵")])
        #expect(refusal(.close(on: day("2026-02-20")), on: ordered)?.message(for: "action")?.contains("整改完成后办结") == true)
        #expect(refusal(.rectified(on: day("2026-02-20"), report: ""), on: ordered)?.message(for: "text") == "不能为空")
        let rectified = try ComplaintRules.apply(.rectified(on: day("2026-02-20"), report: "已重新告知"), to: ordered, today: today)
        #expect(effects(rectified) == ["complete:\(SupervisionClocks.rectification.key)"])
        let closed = try ComplaintRules.apply(.close(on: day("2026-02-21")), to: rectified.state, today: today)
        #expect(closed.state.status == .closed && effects(closed) == ["complete:\(SupervisionClocks.complaint.key)"])
        #expect(refusal(.discipline(on: day("2026-02-05"), note: "线索"), on: received())?.message(for: "action")?.contains("立案调查后") == true)
        let referred = try run([.discipline(on: day("2026-02-22"), note: "涉嫌滥用职权")], from: closed.state)
        #expect(refusal(.discipline(on: day("2026-02-23"), note: "再移送"), on: referred)?.message(for: "action") == "已于2026-02-22移送")
    }
}
