import FazhiCalendar
import FazhiCore
import Foundation

/// The annual report's workflow as plain Swift (法治政府建设与责任落实督察工作规定: drafted, reviewed,
/// approved by the named primary responsible official, 报送 by 3月1日 and published by 4月1日; docs/
/// reports.md). No database, no clock: `ReportService.perform` loads the report and these facts,
/// applies the step and writes the result, its clock and its audit row in one transaction.
public struct ReportState: Sendable, Equatable {
    public var status: ReportStatus
    public var year: Int
    public var text: String
    public var number: String?
    public var approvedOn: String?
    public var approvedBy: String?
    public var sentOn: String?
    public var sentTo: String?
    public var publishedOn: String?

    public init(status: ReportStatus, year: Int, text: String = "", number: String? = nil, approvedOn: String? = nil, approvedBy: String? = nil,
                sentOn: String? = nil, sentTo: String? = nil, publishedOn: String? = nil) {
        self.status = status
        self.year = year
        self.text = text
        self.number = number
        self.approvedOn = approvedOn
        self.approvedBy = approvedBy
        self.sentOn = sentOn
        self.sentTo = sentTo
        self.publishedOn = publishedOn
    }

    /// The report's 报送 and publication dates, if not the 法治政府 report's (`ReportKind.deadlines`).
    public var deadlines: ReportDeadlines?

    /// The 3月1日 and 4月1日 of the following year (期日: never moved for a holiday), unless `deadlines` says otherwise.
    public var submitBy: String { deadlines?.submit ?? "\(year + 1)-03-01" }
    public var publishBy: String { deadlines?.publish ?? "\(year + 1)-04-01" }
}

public struct ReportDeadlines: Sendable, Equatable {
    public var submit: String
    public var publish: String

    public init(submit: String, publish: String) {
        self.submit = submit
        self.publish = publish
    }
}

/// What a step reads besides the report.
public struct ReportFacts: Sendable {
    public var today: CivilDate
    /// The caller may approve, send and publish (the report's approver).
    public var canApprove: Bool
    /// Department and township inputs not yet merged, returned or withdrawn ("单位（部分，状态）").
    public var outstandingInputs: [String] = []
    /// Placeholders in a saved text that no module registers.
    public var unknownFigures: [String] = []

    public init(today: CivilDate, canApprove: Bool) {
        self.today = today
        self.canApprove = canApprove
    }
}

public enum ReportEffect: Sendable, Equatable {
    /// Evaluate every figure of the text for the report's year and scope and keep them.
    case freezeFigures
    /// Complete the report's clock of this kind (its key).
    case completeClock(String)
    /// Sign the audit chain's head (a published report comes with an anchor).
    case anchorAuditChain
}

public struct ReportStep: Sendable {
    public var state: ReportState
    public var effects: [ReportEffect]
    public var detail: String
}

public enum ReportRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    public static func apply(_ action: ReportService.Action, to current: ReportState, facts: ReportFacts) throws(ValidationFailure) -> ReportStep {
        var row = current
        var effects: [ReportEffect] = []
        let today = facts.today.description
        let detail: String
        switch action {
        case .save(let text, let number):
            guard [.draft, .review].contains(row.status) else { throw fail("text", "报告", "报告已批准，数字和文字不能再改") }
            let body = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else { throw fail("text", "报告正文", "不能为空") }
            guard body.count <= 100_000 else { throw fail("text", "报告正文", "不能超过10万字") }
            guard facts.unknownFigures.isEmpty else {
                throw fail("text", "报告正文", "没有以下指标：" + facts.unknownFigures.map { "{\($0)}" }.joined(separator: "、") + "（指标代码见“统计指标”页）")
            }
            let trimmed = (number ?? "").trimmingCharacters(in: .whitespaces)
            guard trimmed.count <= 60 else { throw fail("number", "文号", "不能超过60字") }
            row.text = body
            row.number = trimmed.isEmpty ? nil : trimmed
            detail = "修改正文（\(body.count)字）"
        case .submit:
            guard row.status == .draft else { throw fail("status", "状态", "只有起草中的报告可以提交审核") }
            guard facts.outstandingInputs.isEmpty else {
                throw fail("status", "状态", "以下分项材料尚未报送或采用：" + facts.outstandingInputs.joined(separator: "、") + "；请采用、退回或撤回后再提交审核")
            }
            row.status = .review
            detail = "提交审核"
        case .approve(let official):
            guard facts.canApprove else { throw fail("status", "状态", "没有批准年度报告的权限") }
            guard row.status == .review else { throw fail("status", "状态", "审核中的报告才能批准") }
            let name = (official ?? "").trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 60 else {
                throw fail("official", "批准人", "须写明批准报告的党政主要负责人（法治政府建设与责任落实督察工作规定）")
            }
            row.status = .approved
            row.approvedOn = today
            row.approvedBy = name
            effects.append(.freezeFigures)
            detail = "\(name)批准"
        case .send(let recipients):
            guard facts.canApprove else { throw fail("status", "状态", "没有报送年度报告的权限") }
            guard [.approved, .published].contains(row.status) else { throw fail("status", "状态", "批准后才能报送") }
            if let sent = row.sentOn { throw fail("status", "状态", "已于\(sent)报送") }
            let to = (recipients ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !to.isEmpty, to.count <= 200 else {
                throw fail("to", "报送对象", "不能为空（如“县委、县人大常委会”），不超过200字（法治政府建设与责任落实督察工作规定）")
            }
            row.sentOn = today
            row.sentTo = to
            effects.append(.completeClock(ReportClocks.submit.key))
            detail = "报送\(to)\(today > row.submitBy ? "（晚于\(row.submitBy)）" : "")"
        case .publish:
            guard facts.canApprove else { throw fail("status", "状态", "没有公开年度报告的权限") }
            guard row.status == .approved else { throw fail("status", "状态", "批准后才能公开") }
            row.status = .published
            row.publishedOn = today
            effects += [.completeClock(ReportClocks.publish.key), .anchorAuditChain]
            detail = "在公开网站公布\(today > row.publishBy ? "（晚于\(row.publishBy)）" : "")"
        }
        return ReportStep(state: row, effects: effects, detail: detail)
    }
}

/// A department's or township's input to a report, as `ContributionRules` sees it.
public struct ContributionState: Sendable, Equatable {
    public var status: ContributionStatus
    public var unitName: String
    public var section: String
    public var due: String
    public var text: String?
    public var note: String?
    public var submittedBy: String?
    public var submittedOn: String?

    public init(status: ContributionStatus, unitName: String, section: String, due: String, text: String? = nil, note: String? = nil,
                submittedBy: String? = nil, submittedOn: String? = nil) {
        self.status = status
        self.unitName = unitName
        self.section = section
        self.due = due
        self.text = text
        self.note = note
        self.submittedBy = submittedBy
        self.submittedOn = submittedOn
    }
}

public struct ContributionFacts: Sendable {
    public var today: CivilDate
    public var actorName: String
    /// The caller drafts the report (its unit covers the report's): merges, returns, withdraws.
    public var isDrafter: Bool
    public var reportStatus: ReportStatus
    /// The report's text as it stands (merging writes into it).
    public var reportText: String
    /// Placeholders in a submitted text that no module registers.
    public var unknownFigures: [String] = []

    public init(today: CivilDate, actorName: String, isDrafter: Bool, reportStatus: ReportStatus, reportText: String) {
        self.today = today
        self.actorName = actorName
        self.isDrafter = isDrafter
        self.reportStatus = reportStatus
        self.reportText = reportText
    }
}

public enum ContributionEffect: Sendable, Equatable {
    /// The unit's clock for this input is done.
    case completeClock(reason: String)
    /// Returned for revision: the unit's clock runs again to the same due date.
    case reopenClock(reason: String)
    /// The report's text with the input merged under its section.
    case replaceReportText(String)
}

public struct ContributionStep: Sendable {
    public var state: ContributionState
    public var effects: [ContributionEffect]
    public var detail: String
}

public enum ContributionRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// A reason given for returning or withdrawing: present and at most 500 characters.
    static func reason(_ text: String?, label: String) throws(ValidationFailure) -> String {
        let reason = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else { throw fail("reason", label, "不能为空，且不超过500字") }
        return reason
    }

    /// Returns nil when the step is the drafter's and the caller does not draft the report: the
    /// service answers that as out of scope (403), not as a rule.
    public static func apply(_ action: ContributionService.Action, to current: ContributionState,
                             facts: ContributionFacts) throws(ValidationFailure) -> ContributionStep? {
        var row = current
        var effects: [ContributionEffect] = []
        let today = facts.today.description
        let detail: String
        switch action {
        case .submit(let text):
            guard row.status == .requested else { throw fail("status", "状态", "\(row.status.label)，不能再报送") }
            guard facts.reportStatus == .draft else { throw fail("status", "状态", "报告已提交审核，不再接收分项材料") }
            let body = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else { throw fail("text", "分项材料", "不能为空") }
            guard body.count <= 100_000 else { throw fail("text", "分项材料", "不能超过10万字") }
            guard facts.unknownFigures.isEmpty else {
                throw fail("text", "分项材料", "没有以下指标：" + facts.unknownFigures.map { "{\($0)}" }.joined(separator: "、") + "（指标代码见“统计指标”页）")
            }
            if body.split(separator: "\n").contains(where: { ReportOutline.headingLevel($0) != nil }) {
                throw fail("text", "分项材料", "不能包含标题行（以 # 开头）：材料写入“\(row.section)”章节之下")
            }
            row.text = body
            row.status = .submitted
            row.submittedBy = facts.actorName
            row.submittedOn = today
            row.note = nil
            effects.append(.completeClock(reason: "已报送"))
            detail = "\(row.unitName)报送“\(row.section)”（\(body.count)字）\(today > row.due ? "，晚于截止日期\(row.due)" : "")"
        case .merge:
            guard facts.isDrafter else { return nil }
            guard row.status == .submitted else { throw fail("status", "状态", "\(row.status.label)，只有已报送的材料可以采用") }
            guard [.draft, .review].contains(facts.reportStatus) else { throw fail("status", "状态", "报告已批准，文字不能再改") }
            guard let merged = ReportOutline.merging(row.text ?? "", under: row.section, into: facts.reportText) else {
                throw fail("section", "章节", "报告中已没有标题为“\(row.section)”的章节，请先恢复该标题或撤回后重新征集")
            }
            row.status = .merged
            effects.append(.replaceReportText(merged))
            detail = "采用\(row.unitName)的“\(row.section)”材料，写入报告"
        case .sendBack(let back):
            guard facts.isDrafter else { return nil }
            guard row.status == .submitted else { throw fail("status", "状态", "\(row.status.label)，只有已报送的材料可以退回") }
            let why = try reason(back, label: "退回理由")
            row.status = .requested
            row.note = why
            effects.append(.reopenClock(reason: "退回修改：\(why)"))
            detail = "退回\(row.unitName)的“\(row.section)”材料：\(why)"
        case .withdraw(let text):
            guard facts.isDrafter else { return nil }
            guard row.status == .requested || row.status == .submitted else { throw fail("status", "状态", "\(row.status.label)，不能撤回") }
            let why = try reason(text, label: "撤回理由")
            row.status = .withdrawn
            row.note = why
            effects.append(.completeClock(reason: "起草单位撤回征集：\(why)"))
            detail = "撤回向\(row.unitName)的“\(row.section)”材料：\(why)"
        }
        return ContributionStep(state: row, effects: effects, detail: detail)
    }
}
