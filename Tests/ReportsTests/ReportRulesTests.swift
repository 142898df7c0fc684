import FazhiCalendar
import FazhiCore
import Foundation
import Reports
import Testing

// The annual report's workflow without a database: every refusal of `ReportRules`, and what each
// step leaves behind (docs/reports.md).

private let today = CivilDate("2026-02-20")!
private func facts(approver: Bool = true, outstanding: [String] = [], unknown: [String] = [], on day: CivilDate = today) -> ReportFacts {
    var facts = ReportFacts(today: day, canApprove: approver)
    facts.outstandingInputs = outstanding
    facts.unknownFigures = unknown
    return facts
}

private func refusal(_ action: ReportService.Action, on state: ReportState, facts: ReportFacts = facts()) -> ValidationFailure? {
    do {
        _ = try ReportRules.apply(action, to: state, facts: facts)
        return nil
    } catch {
        return error
    }
}

@Suite struct ReportRulesTests {
    @Test("draft → review waits for every department input; only the approver approves, naming the official, which freezes the figures")
    func draftToApproval() throws {
        let draft = ReportState(status: .draft, year: 2025)
        let saved = try ReportRules.apply(.save(text: " # 一、主要举措\n受理{reconsideration.accepted}件 ", number: " 示政〔2026〕1号 "), to: draft, facts: facts())
        #expect(saved.state.text == "# 一、主要举措\n受理{reconsideration.accepted}件" && saved.state.number == "示政〔2026〕1号")
        #expect(refusal(.save(text: "{no.such}", number: nil), on: draft, facts: facts(unknown: ["no.such"]))?.message(for: "text")?.contains("{no.such}") == true)
        #expect(refusal(.save(text: "  ", number: nil), on: draft)?.message(for: "text") == "不能为空")
        #expect(refusal(.save(text: String(repeating: "字", count: 100_001), number: nil), on: draft)?.message(for: "text") == "不能超过10万字")
        let waiting = refusal(.submit, on: saved.state, facts: facts(outstanding: ["城关镇（依法行政，待报送）"]))
        #expect(waiting?.message(for: "status")?.contains("城关镇（依法行政，待报送）") == true)
        let review = try ReportRules.apply(.submit, to: saved.state, facts: facts()).state
        #expect(review.status == .review)
        #expect(refusal(.submit, on: review)?.message(for: "status") == "只有起草中的报告可以提交审核")
        #expect(refusal(.approve(official: "县长"), on: review, facts: facts(approver: false))?.message(for: "status") == "没有批准年度报告的权限")
        #expect(refusal(.approve(official: " "), on: review)?.message(for: "official")?.contains("党政主要负责人") == true)
        #expect(refusal(.approve(official: "县长"), on: saved.state)?.message(for: "status") == "审核中的报告才能批准")
        let approved = try ReportRules.apply(.approve(official: "县长 王某"), to: review, facts: facts())
        #expect(approved.state.status == .approved && approved.state.approvedBy == "县长 王某" && approved.state.approvedOn == "2026-02-20")
        #expect(approved.effects == [.freezeFigures])
        // Frozen: the text cannot change after approval.
        #expect(refusal(.save(text: "改写", number: nil), on: approved.state)?.message(for: "text") == "报告已批准，数字和文字不能再改")
    }

    @Test("报送 once, to named recipients, closing the 3月1日 clock (late is said); 公开 after approval closes the 4月1日 clock and anchors the audit chain")
    func sendAndPublish() throws {
        let approved = ReportState(status: .approved, year: 2025, text: "正文", approvedOn: "2026-02-18", approvedBy: "县长")
        #expect(refusal(.send(to: "县委"), on: ReportState(status: .review, year: 2025))?.message(for: "status") == "批准后才能报送")
        #expect(refusal(.send(to: " "), on: approved)?.message(for: "to")?.contains("不能为空") == true)
        #expect(refusal(.send(to: String(repeating: "委", count: 201)), on: approved)?.message(for: "to") != nil)
        let sent = try ReportRules.apply(.send(to: "县委、县人大常委会"), to: approved, facts: facts())
        #expect(sent.state.sentOn == "2026-02-20" && sent.effects == [.completeClock("reports.submit")] && !sent.detail.contains("晚于"))
        #expect(refusal(.send(to: "县委"), on: sent.state)?.message(for: "status") == "已于2026-02-20报送")
        let late = try ReportRules.apply(.send(to: "县委"), to: approved, facts: facts(on: CivilDate("2026-03-02")!))
        #expect(late.detail.contains("（晚于2026-03-01）"))
        #expect(refusal(.publish, on: approved, facts: facts(approver: false))?.message(for: "status") == "没有公开年度报告的权限")
        let published = try ReportRules.apply(.publish, to: sent.state, facts: facts())
        #expect(published.state.status == .published && published.effects == [.completeClock("reports.publish"), .anchorAuditChain])
        #expect(refusal(.publish, on: published.state)?.message(for: "status") == "批准后才能公开")
        // Sending after publication is still possible once.
        #expect(try ReportRules.apply(.send(to: "县委"), to: ReportState(status: .published, year: 2025), facts: facts()).state.sentOn == "2026-02-20")
    }
}

@Suite struct ContributionRulesTests {
    static let report = "# 一、主要举措\n全县推进依法行政。\n# 二、存在的不足\n仍有差距。"

    static func facts(drafter: Bool = true, status: ReportStatus = .draft, unknown: [String] = [], on day: String = "2026-02-10") -> ContributionFacts {
        var facts = ContributionFacts(today: CivilDate(day)!, actorName: "冯乡干", isDrafter: drafter, reportStatus: status, reportText: report)
        facts.unknownFigures = unknown
        return facts
    }

    static let requested = ContributionState(status: .requested, unitName: "城关镇", section: "一、主要举措", due: "2026-02-15")

    static func refusal(_ action: ContributionService.Action, on state: ContributionState, facts: ContributionFacts = facts()) -> ValidationFailure? {
        do {
            _ = try ContributionRules.apply(action, to: state, facts: facts)
            return nil
        } catch {
            return error
        }
    }

    @Test("a unit submits its part once, while the report is a draft, without headings or unknown figures; late is said; its clock completes")
    func submit() throws {
        let step = try #require(try ContributionRules.apply(.submit(text: " 城关镇办结行政复议{reconsideration.concluded}件。 "), to: Self.requested, facts: Self.facts(on: "2026-02-16")))
        #expect(step.state.status == .submitted && step.state.text == "城关镇办结行政复议{reconsideration.concluded}件。" && step.state.submittedBy == "冯乡干")
        #expect(step.effects == [.completeClock(reason: "已报送")] && step.detail.contains("晚于截止日期2026-02-15"))
        #expect(Self.refusal(.submit(text: "x"), on: step.state)?.message(for: "status") == "已报送，待采用，不能再报送")
        #expect(Self.refusal(.submit(text: "x"), on: Self.requested, facts: Self.facts(status: .review))?.message(for: "status") == "报告已提交审核，不再接收分项材料")
        #expect(Self.refusal(.submit(text: "# 新标题\n内容"), on: Self.requested)?.message(for: "text")?.contains("不能包含标题行") == true)
        #expect(Self.refusal(.submit(text: "{x.y}"), on: Self.requested, facts: Self.facts(unknown: ["x.y"]))?.message(for: "text")?.contains("{x.y}") == true)
        #expect(Self.refusal(.submit(text: " "), on: Self.requested)?.message(for: "text") == "不能为空")
    }

    @Test("the drafter merges a submitted part under its section, returns it with a reason (the clock runs again) or withdraws the request; others cannot")
    func drafterSteps() throws {
        let submitted = ContributionState(status: .submitted, unitName: "城关镇", section: "一、主要举措", due: "2026-02-15", text: "城关镇调解纠纷12件。")
        let merged = try #require(try ContributionRules.apply(.merge, to: submitted, facts: Self.facts()))
        guard case .replaceReportText(let text)? = merged.effects.first else { Issue.record("no merged text"); return }
        #expect(text.contains("城关镇调解纠纷12件。") && text.range(of: "城关镇")!.lowerBound < text.range(of: "# 二、存在的不足")!.lowerBound)
        #expect(merged.state.status == .merged)
        #expect(try ContributionRules.apply(.merge, to: submitted, facts: Self.facts(drafter: false)) == nil)
        #expect(Self.refusal(.merge, on: Self.requested)?.message(for: "status") == "待报送，只有已报送的材料可以采用")
        #expect(Self.refusal(.merge, on: submitted, facts: Self.facts(status: .approved))?.message(for: "status") == "报告已批准，文字不能再改")
        let orphan = ContributionState(status: .submitted, unitName: "城关镇", section: "三、已删除的章节", due: "2026-02-15", text: "x")
        #expect(Self.refusal(.merge, on: orphan)?.message(for: "section")?.contains("三、已删除的章节") == true)
        let back = try #require(try ContributionRules.apply(.sendBack(reason: "请补充数字"), to: submitted, facts: Self.facts()))
        #expect(back.state.status == .requested && back.state.note == "请补充数字" && back.effects == [.reopenClock(reason: "退回修改：请补充数字")])
        #expect(Self.refusal(.sendBack(reason: " "), on: submitted)?.message(for: "reason") == "不能为空，且不超过500字")
        #expect(Self.refusal(.sendBack(reason: "x"), on: Self.requested)?.message(for: "status") == "待报送，只有已报送的材料可以退回")
        let withdrawn = try #require(try ContributionRules.apply(.withdraw(reason: "本年不设该部分"), to: Self.requested, facts: Self.facts()))
        #expect(withdrawn.state.status == .withdrawn && withdrawn.effects == [.completeClock(reason: "起草单位撤回征集：本年不设该部分")])
        #expect(Self.refusal(.withdraw(reason: "x"), on: withdrawn.state)?.message(for: "status") == "已撤回，不能撤回")
        #expect(Self.refusal(.withdraw(reason: String(repeating: "理", count: 501)), on: Self.requested)?.message(for: "reason") != nil)
    }
}
