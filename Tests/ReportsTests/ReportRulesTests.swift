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
