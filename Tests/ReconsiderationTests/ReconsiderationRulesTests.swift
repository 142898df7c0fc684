import FazhiCalendar
import FazhiCore
import Foundation
import Reconsideration
import Testing

// 行政复议法 (2023) without a database: every refusal of `ReconsiderationRules`, with its article,
// and the clocks each accepted step opens or closes.

private func day(_ text: String) -> CivilDate { CivilDate(text)! }

private let calendar = try! WorkCalendar.bundled()

/// An application received on Monday 2026-03-02.
private func received() -> ReconsiderationState {
    ReconsiderationState(caseNumber: "（2026）复字第1号", status: .received, receivedOn: day("2026-03-02"))
}

private func facts(today: String = "2026-09-30", acceptanceDue: String? = nil, correctionDue: String? = nil, decisionDue: String? = nil) -> ReconsiderationFacts {
    ReconsiderationFacts(now: CivilDateTime(date: day(today), minuteOfDay: 600), calendar: calendar,
                         acceptanceDue: acceptanceDue.map(day), correctionDue: correctionDue.map(day), decisionDue: decisionDue.map(day))
}

private func refusal(_ action: CaseAction, on state: ReconsiderationState, facts: ReconsiderationFacts = facts()) -> ValidationFailure? {
    do {
        _ = try ReconsiderationRules.apply(action, to: state, facts: facts)
        return nil
    } catch {
        return error
    }
}

private func run(_ actions: [CaseAction], from state: ReconsiderationState = received(), facts: ReconsiderationFacts = facts()) throws -> ReconsiderationState {
    var state = state
    for action in actions { state = try ReconsiderationRules.apply(action, to: state, facts: facts).state }
    return state
}

/// "open:key@date" and "event:key" strings, in order.
private func effects(_ step: ReconsiderationStep) -> [String] {
    step.effects.map { effect in
        switch effect {
        case .open(let kind, let from, _): return "open:\(kind.key)@\(from)"
        case .record(let kind, let event): return "\(event.kind.rawValue):\(kind.key)"
        }
    }
}

private let acceptOrdinary = CaseAction.accept(on: day("2026-03-05"), procedure: .ordinary, major: false)
private let sendCopy = CaseAction.sendCopy(on: day("2026-03-06"))

@Suite("行政复议 rules without a database")
struct ReconsiderationRulesTests {
    @Test("a step dated after today or before the application arrived is refused")
    func dates() {
        #expect(refusal(acceptOrdinary, on: received(), facts: facts(today: "2026-03-04"))?.message(for: "on") == "不能晚于今天")
        #expect(refusal(.accept(on: day("2026-03-01"), procedure: .ordinary, major: false), on: received())?.message(for: "on")?.contains("不能早于收到申请日期") == true)
    }

    @Test("第三十一条: 补正 is asked during the review, naming what is missing; its receipt restarts the review; 视为撤回 only after the period")
    func correction() throws {
        #expect(refusal(.requestCorrection(on: day("2026-03-03"), items: " "), on: received())?.message(for: "items")?.contains("第三十一条") == true)
        let asked = try ReconsiderationRules.apply(.requestCorrection(on: day("2026-03-03"), items: "身份证明", receivedOn: day("2026-03-03")), to: received(), facts: facts())
        #expect(asked.state.status == .awaitingCorrection)
        #expect(effects(asked) == ["complete:reconsideration.acceptance", "open:reconsideration.correction@2026-03-03"])
        let early = refusal(.deemWithdrawn(on: day("2026-03-17")), on: asked.state, facts: facts(correctionDue: "2026-03-17"))
        #expect(early?.message(for: "on")?.contains("第三十一条第二款") == true)
        let withdrawn = try ReconsiderationRules.apply(.deemWithdrawn(on: day("2026-03-18")), to: asked.state, facts: facts(correctionDue: "2026-03-17"))
        #expect(withdrawn.state.status == .deemedWithdrawn && withdrawn.state.intakeOn == day("2026-03-18"))
        let back = try ReconsiderationRules.apply(.receiveCorrection(on: day("2026-03-10")), to: asked.state, facts: facts())
        #expect(effects(back) == ["complete:reconsideration.correction", "open:reconsideration.acceptance@2026-03-10"])
        #expect(refusal(.receiveCorrection(on: day("2026-03-10")), on: received())?.message(for: "action")?.contains("未通知补正") == true)
        #expect(refusal(.deemWithdrawn(on: day("2026-03-10")), on: received())?.message(for: "action")?.contains("未通知补正") == true)
        #expect(refusal(.requestCorrection(on: day("2026-03-03"), items: "材料"), on: asked.state)?.message(for: "action")?.contains("补正只能在受理审查阶段通知") == true)
    }

    @Test("第三十条: acceptance after the review period counts from its last day; the decision and copy clocks start there")
    func deemedAcceptance() throws {
        let late = try ReconsiderationRules.apply(.accept(on: day("2026-03-20"), procedure: .ordinary, major: false), to: received(),
                                                  facts: facts(acceptanceDue: "2026-03-09"))
        #expect(late.state.intakeOn == day("2026-03-09"))
        #expect(late.detail.contains("依行政复议法第三十条第三款视为自该日受理"))
        #expect(effects(late) == ["complete:reconsideration.acceptance", "open:reconsideration.decision-ordinary@2026-03-09",
                                  "open:reconsideration.copy-ordinary@2026-03-09"])
        let onTime = try ReconsiderationRules.apply(acceptOrdinary, to: received(), facts: facts(acceptanceDue: "2026-03-09"))
        #expect(onTime.state.intakeOn == day("2026-03-05") && onTime.state.status == .underReview)
        #expect(refusal(acceptOrdinary, on: onTime.state)?.message(for: "action")?.contains("只有待审查的申请可以受理") == true)
    }

    @Test("第五十三条: a major case may not take the summary procedure")
    func summaryNotForMajor() {
        let refused = refusal(.accept(on: day("2026-03-05"), procedure: .summary, major: true), on: received())
        #expect(refused?.message(for: "procedure")?.contains("第五十三条") == true)
    }

    @Test("不予受理 gives its reason (第三十条第一款); 告知 names the competent body; both only during the review; after acceptance 驳回 is the way (第三十三条)")
    func refusalAndReferral() throws {
        #expect(refusal(.refuse(on: day("2026-03-04"), reason: ""), on: received())?.message(for: "reason")?.contains("第三十条第一款") == true)
        #expect(refusal(.refer(on: day("2026-03-04"), body: ""), on: received())?.message(for: "reason") == "须写明有权受理的行政复议机关")
        let accepted = try run([acceptOrdinary])
        #expect(refusal(.refuse(on: day("2026-03-06"), reason: "超期"), on: accepted)?.message(for: "action")?.contains("第三十三条") == true)
        #expect(refusal(.refer(on: day("2026-03-06"), body: "市政府"), on: accepted)?.message(for: "action")?.contains("只能在受理审查阶段告知") == true)
        let refused = try ReconsiderationRules.apply(.refuse(on: day("2026-03-04"), reason: "超过申请期限"), to: received(), facts: facts())
        #expect(refused.state.status == .refused && refused.state.intakeReason == "超过申请期限")
    }

    @Test("第四十八条: the copy is sent once after acceptance and opens the reply clock; a reply needs the copy sent")
    func copyAndReply() throws {
        #expect(refusal(sendCopy, on: received())?.message(for: "action")?.contains("受理后才能发送申请书副本") == true)
        let accepted = try run([acceptOrdinary])
        #expect(refusal(.receiveReply(on: day("2026-03-10")), on: accepted)?.message(for: "action") == "尚未发送申请书副本")
        let sent = try ReconsiderationRules.apply(sendCopy, to: accepted, facts: facts())
        #expect(effects(sent) == ["complete:reconsideration.copy-ordinary", "open:reconsideration.reply-ordinary@2026-03-06"])
        #expect(refusal(sendCopy, on: sent.state)?.message(for: "action") == "申请书副本已于2026-03-06发送")
        let replied = try ReconsiderationRules.apply(.receiveReply(on: day("2026-03-12")), to: sent.state, facts: facts())
        #expect(effects(replied) == ["complete:reconsideration.reply-ordinary"])
        #expect(refusal(.receiveReply(on: day("2026-03-12")), on: received())?.message(for: "action")?.contains("受理后才能收到答复") == true)
    }

    @Test("第五十一条: a hearing is notified at least five working days before it")
    func hearingNotice() throws {
        let accepted = try run([acceptOrdinary])
        // Notified Monday 03-09 for Monday 03-16: 03-10 to 03-13 lie between, four working days.
        let short = refusal(.scheduleHearing(noticeOn: day("2026-03-09"), hearingOn: day("2026-03-16")), on: accepted)
        #expect(short?.message(for: "hearingOn")?.contains("第五十一条") == true)
        #expect(short?.message(for: "hearingOn")?.contains("只有4个工作日") == true)
        let enough = try run([.scheduleHearing(noticeOn: day("2026-03-09"), hearingOn: day("2026-03-17"))], from: accepted)
        #expect(enough.hearingOn == day("2026-03-17"))
        #expect(refusal(.scheduleHearing(noticeOn: day("2026-03-09"), hearingOn: day("2026-03-17")), on: received())?.message(for: "action")?.contains("受理后才能听证") == true)
    }

    @Test("第三十九条: 中止 records its ground and pauses the running clock; 恢复 goes back where it was")
    func suspension() throws {
        #expect(refusal(.suspend(on: day("2026-03-04"), ground: .other, reason: ""), on: received())?.message(for: "reason")?.contains("第三十九条第一款第十项") == true)
        let accepted = try run([acceptOrdinary])
        let suspended = try ReconsiderationRules.apply(.suspend(on: day("2026-03-10"), ground: .otherCasePending, reason: "等待另案结果"), to: accepted, facts: facts())
        #expect(suspended.state.suspensionGround == .otherCasePending)
        #expect(suspended.detail.contains("行政复议法第三十九条第一款第八项"))
        #expect(refusal(.resume(on: day("2026-03-10")), on: accepted)?.message(for: "action")?.contains("案件未中止") == true)
        let resumed = try ReconsiderationRules.apply(.resume(on: day("2026-04-01")), to: suspended.state, facts: facts())
        #expect(resumed.state.status == .underReview)
        #expect(effects(resumed) == ["resume:reconsideration.decision-ordinary", "complete:reconsideration.suspension-limit"])
        let duringReview = try ReconsiderationRules.apply(.suspend(on: day("2026-03-03"), ground: .applicantIncapacitated, reason: ""), to: received(), facts: facts())
        #expect(effects(duringReview).first == "suspend:reconsideration.acceptance")
        #expect(try run([.resume(on: day("2026-03-20"))], from: duringReview.state).status == .received)
        #expect(refusal(.suspend(on: day("2026-03-20"), ground: .forceMajeure, reason: "再次"), on: suspended.state)?.message(for: "action")?.contains("只有审查或审理中的案件可以中止") == true)
    }

    @Test("第四十一条第五项: only a 中止 on 第三十九条第一款第一、二、四项 opens the sixty-day limit that ends the case")
    func suspensionLimitOnlyForThreeGrounds() throws {
        let accepted = try run([acceptOrdinary])
        for ground in SuspensionGround.allCases where ground != .other {
            let step = try ReconsiderationRules.apply(.suspend(on: day("2026-03-10"), ground: ground, reason: ""), to: accepted, facts: facts())
            let opensLimit = effects(step).contains("open:reconsideration.suspension-limit@2026-03-10")
            #expect(opensLimit == [1, 2, 4].contains(ground.item), "第\(ground.item)项")
        }
    }

    @Test("第六十二条: only an ordinary case is extended, with the head's approval, in one or more steps of thirty days at most in all, and never after the period ran out")
    func extensionRules() throws {
        let summary = try run([.accept(on: day("2026-03-05"), procedure: .summary, major: false, summaryGround: .smallAmount)])
        #expect(refusal(.extend(on: day("2026-03-20"), days: 10, approver: "主任", reason: "复杂"), on: summary)?.message(for: "action")?.contains("第六十二条第二款") == true)
        let ordinary = try run([acceptOrdinary])
        #expect(refusal(.extend(on: day("2026-03-20"), days: 31, approver: "主任", reason: "复杂"), on: ordinary)?.message(for: "days")?.contains("第六十二条第一款") == true)
        #expect(refusal(.extend(on: day("2026-03-20"), days: 10, approver: " ", reason: "复杂"), on: ordinary)?.message(for: "approver")?.contains("第六十二条第一款") == true)
        // Two extensions that add up to thirty days are allowed; a third day is not.
        let first = try ReconsiderationRules.apply(.extend(on: day("2026-03-20"), days: 10, approver: "主任", reason: "复杂"), to: ordinary, facts: facts(decisionDue: "2026-05-06"))
        #expect(effects(first) == ["extend:reconsideration.decision-ordinary"])
        let second = try ReconsiderationRules.apply(.extend(on: day("2026-03-25"), days: 20, approver: "主任", reason: "仍需鉴定"), to: first.state, facts: facts(decisionDue: "2026-05-16"))
        #expect(second.state.extendedDays == 30)
        let third = refusal(.extend(on: day("2026-03-26"), days: 1, approver: "主任", reason: "复杂"), on: second.state, facts: facts(decisionDue: "2026-06-05"))
        #expect(third?.message(for: "days")?.contains("已延长30日，延长期限合计最多不得超过三十日") == true)
        // After the period has run out no extension can be recorded.
        let late = refusal(.extend(on: day("2026-05-07"), days: 10, approver: "主任", reason: "复杂"), on: ordinary, facts: facts(decisionDue: "2026-05-06"))
        #expect(late?.message(for: "on")?.contains("审理期限已于2026-05-06届满") == true)
        #expect(refusal(.extend(on: day("2026-03-20"), days: 10, approver: "主任", reason: "复杂"), on: received())?.message(for: "action")?.contains("只有审理中的案件可以延长") == true)
    }

    @Test("第五十五条: a summary case turns ordinary with approval; its sixty days run from acceptance and the copy clock moves over")
    func conversion() throws {
        let ordinary = try run([acceptOrdinary])
        #expect(refusal(.convertToOrdinary(on: day("2026-03-10"), approver: "主任", reason: "复杂"), on: ordinary)?.message(for: "action") == "本案已适用普通程序")
        let summary = try run([.accept(on: day("2026-03-05"), procedure: .summary, major: false, summaryGround: .smallAmount)])
        #expect(refusal(.convertToOrdinary(on: day("2026-03-10"), approver: "", reason: "复杂"), on: summary)?.message(for: "approver")?.contains("第五十五条") == true)
        let converted = try ReconsiderationRules.apply(.convertToOrdinary(on: day("2026-03-10"), approver: "主任", reason: "复杂"), to: summary, facts: facts())
        #expect(converted.state.procedure == .ordinary)
        #expect(effects(converted) == ["complete:reconsideration.decision-summary", "open:reconsideration.decision-ordinary@2026-03-05",
                                       "complete:reconsideration.copy-summary", "open:reconsideration.copy-ordinary@2026-03-05"])
        let sentSummary = try run([.sendCopy(on: day("2026-03-06"))], from: summary)
        let afterCopy = try ReconsiderationRules.apply(.convertToOrdinary(on: day("2026-03-10"), approver: "主任", reason: "复杂"), to: sentSummary, facts: facts())
        #expect(effects(afterCopy).suffix(2) == ["complete:reconsideration.reply-summary", "open:reconsideration.reply-ordinary@2026-03-06"])
    }

    @Test("a decision needs acceptance (第三十条), no suspension (第三十九条), the copy sent (第四十八条) and, for a major case, a hearing (第五十条)")
    func decisionGates() throws {
        let uphold = CaseAction.conclude(on: day("2026-04-01"), outcome: .uphold, selfCorrected: false, note: "")
        #expect(refusal(uphold, on: received())?.message(for: "action")?.contains("第三十条") == true)
        let accepted = try run([acceptOrdinary])
        #expect(refusal(uphold, on: accepted)?.message(for: "outcome")?.contains("第四十八条") == true)
        let suspended = try run([.suspend(on: day("2026-03-10"), ground: .otherCasePending, reason: "等待")], from: accepted)
        #expect(refusal(uphold, on: suspended)?.message(for: "action")?.contains("第三十九条") == true)
        let major = try run([.accept(on: day("2026-03-05"), procedure: .ordinary, major: true), sendCopy])
        #expect(refusal(uphold, on: major)?.message(for: "outcome")?.contains("第五十条第一款") == true)
        let heard = try run([.scheduleHearing(noticeOn: day("2026-03-09"), hearingOn: day("2026-03-17"))], from: major)
        #expect(refusal(uphold, on: heard) == nil)
        // 驳回复议申请 (第三十三条) is not a decision on the merits: no copy or hearing needed.
        #expect(refusal(.conclude(on: day("2026-04-01"), outcome: .dismissApplication, selfCorrected: false, note: ""), on: accepted) == nil)
    }

    @Test("终止 (第四十一条) after acceptance, also while suspended; 自行纠正 only with a withdrawal; the decision closes every open clock")
    func conclusion() throws {
        let terminate = CaseAction.conclude(on: day("2026-04-01"), outcome: .termination, selfCorrected: false, note: "")
        #expect(refusal(terminate, on: received())?.message(for: "action")?.contains("第四十一条") == true)
        let suspended = try run([acceptOrdinary, .suspend(on: day("2026-03-10"), ground: .otherCasePending, reason: "等待")])
        #expect(try run([terminate], from: suspended).status == .decided)
        let accepted = try run([acceptOrdinary, sendCopy])
        #expect(refusal(.conclude(on: day("2026-04-01"), outcome: .uphold, selfCorrected: true, note: ""), on: accepted)?.message(for: "selfCorrected") != nil)
        let decided = try ReconsiderationRules.apply(.conclude(on: day("2026-04-01"), outcome: .annul, selfCorrected: false, note: "事实不清"), to: accepted, facts: facts())
        #expect(effects(decided) == ["complete:reconsideration.decision-ordinary", "complete:reconsideration.copy-ordinary",
                                     "complete:reconsideration.reply-ordinary", "complete:reconsideration.suspension-limit"])
        #expect(decided.detail.contains("行政复议法第六十四条"))
        #expect(refusal(.conclude(on: day("2026-04-02"), outcome: .uphold, selfCorrected: false, note: ""), on: decided.state)?.message(for: "action")?.contains("案件已结案") == true)
    }

    @Test("送达 after the decision; 归档 after service or an intake that ended")
    func serviceAndArchive() throws {
        let accepted = try run([acceptOrdinary, sendCopy])
        #expect(refusal(.serve(on: day("2026-04-02")), on: accepted)?.message(for: "action")?.contains("结案后才能送达") == true)
        #expect(refusal(.archive(on: day("2026-04-02")), on: accepted)?.message(for: "action")?.contains("送达后或受理审查结束后才能归档") == true)
        let archived = try run([.conclude(on: day("2026-04-01"), outcome: .uphold, selfCorrected: false, note: ""), .serve(on: day("2026-04-02")), .archive(on: day("2026-04-03"))], from: accepted)
        #expect(archived.status == .archived && archived.archivedOn == day("2026-04-03"))
        #expect(try run([.refuse(on: day("2026-03-04"), reason: "超期"), .archive(on: day("2026-03-05"))]).status == .archived)
    }

    // MARK: Corrected by the statute (docs/law.md §8)

    @Test("第三十条第三款: once the review period has run out, 补正, 不予受理 and 告知 are refused: the application is accepted")
    func reviewPeriodOver() {
        let over = facts(acceptanceDue: "2026-03-09")
        for action: CaseAction in [.requestCorrection(on: day("2026-03-10"), items: "身份证明"), .refuse(on: day("2026-03-10"), reason: "超期"),
                                   .refer(on: day("2026-03-10"), body: "市政府")] {
            #expect(refusal(action, on: received(), facts: over)?.message(for: "on")?.contains("视为受理（行政复议法第三十条第三款）") == true, "\(action.label)")
        }
        #expect(refusal(.refuse(on: day("2026-03-09"), reason: "超期"), on: received(), facts: over) == nil)
    }

    @Test("第三十一条第一款: the 补正 notice names everything at once; a second one is refused even after the supplement came in")
    func oneCorrectionNotice() throws {
        let supplemented = try run([.requestCorrection(on: day("2026-03-03"), items: "身份证明"), .receiveCorrection(on: day("2026-03-06"))])
        #expect(supplemented.status == .received)
        let second = refusal(.requestCorrection(on: day("2026-03-09"), items: "授权委托书"), on: supplemented)
        #expect(second?.message(for: "action")?.contains("一次性载明需要补正的事项（行政复议法第三十一条第一款），本案已于2026-03-03通知补正") == true)
    }

    @Test("第三十一条第二款: the ten working days run from the applicant's receipt of the notice, which may be recorded later; a proper reason extends them, not after they ran out")
    func correctionFromReceipt() throws {
        let received3rd = try ReconsiderationRules.apply(.requestCorrection(on: day("2026-03-03"), items: "身份证明", receivedOn: day("2026-03-05")), to: received(), facts: facts())
        #expect(effects(received3rd).last == "open:reconsideration.correction@2026-03-05")
        let unknown = try ReconsiderationRules.apply(.requestCorrection(on: day("2026-03-03"), items: "身份证明"), to: received(), facts: facts())
        #expect(effects(unknown).last == "open:reconsideration.correction@2026-03-03")
        #expect(unknown.warnings.first?.contains("自申请人收到补正通知之日起计算") == true)
        let later = try ReconsiderationRules.apply(.correctionNoticeReceived(on: day("2026-03-06")), to: unknown.state, facts: facts())
        #expect(effects(later) == ["restart:reconsideration.correction"])
        #expect(refusal(.correctionNoticeReceived(on: day("2026-03-02")), on: unknown.state)?.message(for: "on")?.contains("应在发出之日（2026-03-03）至今天之间") == true)
        let extended = try ReconsiderationRules.apply(.extendCorrection(on: day("2026-03-12"), workdays: 5, reason: "申请人住院"), to: unknown.state,
                                                      facts: facts(correctionDue: "2026-03-17"))
        #expect(effects(extended) == ["extend:reconsideration.correction"])
        #expect(refusal(.extendCorrection(on: day("2026-03-12"), workdays: 5, reason: ""), on: unknown.state)?.message(for: "reason")?.contains("第三十一条第二款") == true)
        #expect(refusal(.extendCorrection(on: day("2026-03-18"), workdays: 5, reason: "住院"), on: unknown.state, facts: facts(correctionDue: "2026-03-17"))?
            .message(for: "on")?.contains("届满后不能延长") == true)
        // The clock kind now allows extensions: 20 working days in all.
        #expect(ReconsiderationClocks.correction.rule.extensionLimit?.maxPeriod == .workdays(20))
    }

    @Test("第四十八条、第五十四条: the respondent's reply runs from its receipt of the copy; unknown receipt is counted from sending until recorded")
    func replyFromReceipt() throws {
        let accepted = try run([acceptOrdinary])
        let known = try ReconsiderationRules.apply(.sendCopy(on: day("2026-03-06"), receivedOn: day("2026-03-09")), to: accepted, facts: facts())
        #expect(effects(known).last == "open:reconsideration.reply-ordinary@2026-03-09")
        let unknown = try ReconsiderationRules.apply(sendCopy, to: accepted, facts: facts())
        guard case .open(_, _, let reason)? = unknown.effects.last else { Issue.record("no reply clock"); return }
        #expect(reason.contains("收到日期尚未记录，暂自发送之日起计算"))
        let recorded = try ReconsiderationRules.apply(.copyReceived(on: day("2026-03-10")), to: unknown.state, facts: facts())
        #expect(effects(recorded) == ["restart:reconsideration.reply-ordinary"])
        #expect(refusal(.copyReceived(on: day("2026-03-11")), on: recorded.state)?.message(for: "action")?.contains("已记录被申请人于2026-03-10收到") == true)
        #expect(refusal(.sendCopy(on: day("2026-03-06"), receivedOn: day("2026-03-05")), on: accepted)?.message(for: "receivedOn") != nil)
    }

    @Test("第五十三条: the summary procedure needs one of its grounds or the parties' consent, not only 'not major'")
    func summaryGrounds() throws {
        let bare = refusal(.accept(on: day("2026-03-05"), procedure: .summary, major: false), on: received())
        #expect(bare?.message(for: "summaryGround")?.contains("行政复议法第五十三条") == true)
        let consent = try ReconsiderationRules.apply(.accept(on: day("2026-03-05"), procedure: .summary, major: false, summaryGround: .consent), to: received(), facts: facts())
        #expect(consent.state.summaryGround == .consent)
        #expect(consent.detail.contains("行政复议法第五十三条第二款"))
    }

    @Test("outcomes that do not fit the case are warned about, not refused: 责令履行 and 驳回复议请求 outside duty cases, 确认无效, 第七十一条 outside agreements")
    func outcomeWarnings() throws {
        var penaltyCase = try run([acceptOrdinary, sendCopy])
        penaltyCase.actCategory = .penalty
        for outcome: CaseOutcome in [.orderPerformance, .rejectClaim, .declareVoid, .agreementRemedy] {
            let step = try ReconsiderationRules.apply(.conclude(on: day("2026-04-01"), outcome: outcome, selfCorrected: false, note: ""), to: penaltyCase, facts: facts())
            #expect(step.state.status == .decided, "\(outcome.label)")
            #expect(step.warnings.count == 1, "\(outcome.label)")
            #expect(step.detail.contains("提示："), "\(outcome.label)")
        }
        var dutyCase = penaltyCase
        dutyCase.actCategory = .nonPerformance
        #expect(try ReconsiderationRules.apply(.conclude(on: day("2026-04-01"), outcome: .orderPerformance, selfCorrected: false, note: ""), to: dutyCase, facts: facts()).warnings.isEmpty)
        var agreementCase = penaltyCase
        agreementCase.actCategory = .agreement
        let remedy = try ReconsiderationRules.apply(.conclude(on: day("2026-04-01"), outcome: .agreementCompensation, selfCorrected: false, note: ""), to: agreementCase, facts: facts())
        #expect(remedy.warnings.isEmpty && remedy.detail.contains("行政复议法第七十一条第二款"))
        #expect(CaseOutcome.agreementRemedy.isDirectCorrection)
    }

    @Test("第二十条: an application more than sixty days after the act is registered with a warning to check when the applicant learnt of it")
    func applicationPeriodWarning() {
        // 60 days from 2026-01-05 end on 2026-03-06 (a Friday).
        #expect(ReconsiderationRules.applicationWarnings(actOn: day("2026-01-05"), receivedOn: day("2026-03-06"), calendar: calendar).isEmpty)
        let late = ReconsiderationRules.applicationWarnings(actOn: day("2026-01-05"), receivedOn: day("2026-03-09"), calendar: calendar)
        #expect(late.first?.contains("行政复议法第二十条第一款") == true && late.first?.contains("2026-03-06") == true)
        #expect(ReconsiderationRules.applicationWarnings(actOn: nil, receivedOn: day("2026-03-09"), calendar: calendar).isEmpty)
    }
}

/// An imported ledger row that states its breach (历史违规说明).
private func history(today: String = "2026-09-30", acceptanceDue: String? = nil, correctionDue: String? = nil, decisionDue: String? = nil) -> ReconsiderationFacts {
    var facts = facts(today: today, acceptanceDue: acceptanceDue, correctionDue: correctionDue, decisionDue: decisionDue)
    facts.recordingHistory = true
    return facts
}

@Suite("行政复议 history replayed from a ledger")
struct ReconsiderationHistoryTests {
    @Test("a stated breach of a statutory gate is recorded as a finding with its article, not refused; the same step on the platform is refused")
    func gatesBecomeFindings() throws {
        let accepted = try run([acceptOrdinary])
        let uphold = CaseAction.conclude(on: day("2026-04-01"), outcome: .uphold, selfCorrected: false, note: "")
        #expect(refusal(uphold, on: accepted)?.message(for: "outcome")?.contains("第四十八条") == true)
        let step = try ReconsiderationRules.apply(uphold, to: accepted, facts: history())
        #expect(step.state.status == .decided && step.state.outcome == .uphold)
        #expect(step.findings.count == 1 && step.findings[0].contains("第四十八条"))
        #expect(step.detail.contains("历史违规"))

        // 第三十条第三款: a refusal after the review period; 第五十三条: summary without a ground;
        // 第三十一条第二款: 视为撤回 before the period ran out; 第六十二条: an extension after it.
        let lateRefusal = try ReconsiderationRules.apply(.refuse(on: day("2026-03-20"), reason: "超过申请期限"), to: received(),
                                                         facts: history(acceptanceDue: "2026-03-09"))
        #expect(lateRefusal.state.status == .refused && lateRefusal.findings.first?.contains("第三十条第三款") == true)
        let summary = try ReconsiderationRules.apply(.accept(on: day("2026-03-05"), procedure: .summary, major: false), to: received(), facts: history())
        #expect(summary.state.procedure == .summary && summary.findings.first?.contains("第五十三条") == true)
        let awaiting = try run([.requestCorrection(on: day("2026-03-03"), items: "身份证明")])
        let early = try ReconsiderationRules.apply(.deemWithdrawn(on: day("2026-03-10")), to: awaiting, facts: history(correctionDue: "2026-03-17"))
        #expect(early.state.status == .deemedWithdrawn && early.findings.first?.contains("第三十一条第二款") == true)
        let lateExtension = try ReconsiderationRules.apply(.extend(on: day("2026-05-20"), days: 30, approver: "负责人", reason: "复杂"), to: accepted,
                                                           facts: history(decisionDue: "2026-05-04"))
        #expect(lateExtension.state.extendedDays == 30 && lateExtension.findings.first?.contains("第六十二条第一款") == true)
    }

    @Test("a stated breach does not open the gates of the case's state or of the facts: those are refused even from a ledger")
    func stateGatesStayClosed() throws {
        let uphold = CaseAction.conclude(on: day("2026-04-01"), outcome: .uphold, selfCorrected: false, note: "")
        #expect(refusal(uphold, on: received(), facts: history())?.message(for: "action")?.contains("第三十条") == true)
        #expect(refusal(.accept(on: day("2026-03-05"), procedure: .summary, major: true), on: received(), facts: history())?.message(for: "procedure")?.contains("第五十三条") == true)
        let summary = try run([.accept(on: day("2026-03-05"), procedure: .summary, major: false, summaryGround: .consent)])
        #expect(refusal(.extend(on: day("2026-03-20"), days: 10, approver: "负责人", reason: "复杂"), on: summary, facts: history())?.message(for: "action")?.contains("第六十二条第二款") == true)
        #expect(refusal(.refuse(on: day("2026-03-04"), reason: " "), on: received(), facts: history())?.message(for: "reason")?.contains("第三十条第一款") == true)
        // Without a breach, a ledger step records no finding.
        #expect(try ReconsiderationRules.apply(acceptOrdinary, to: received(), facts: history()).findings.isEmpty)
    }
}
