import FazhiCalendar
import FazhiCore
import Foundation

// Complaints about enforcement as plain values: `ComplaintService.perform` loads the complaint, calls
// `ComplaintRules.apply` and writes what comes back in one transaction. docs/law.md §6.

/// A complaint as the rules see it.
public struct ComplaintState: Sendable, Equatable {
    public var status: ComplaintStatus
    public var receivedOn: CivilDate
    public var findings: String?
    public var outcome: SupervisionOutcome?
    public var orderedOn: CivilDate?
    public var rectifiedOn: CivilDate?
    public var closedOn: CivilDate?
    public var disciplineOn: CivilDate?

    public init(status: ComplaintStatus, receivedOn: CivilDate) {
        self.status = status
        self.receivedOn = receivedOn
    }
}

public enum ComplaintEffect: Sendable {
    /// Opens a rectification clock for the unit complained about.
    case openRectification(title: String, on: CivilDate)
    /// Completes every open clock of this kind of the complaint.
    case completeClocks(ClockKind, on: CivilDate, reason: String)
}

public struct ComplaintStep: Sendable {
    public var state: ComplaintState
    public var effects: [ComplaintEffect]
    public var detail: String
}

public enum ComplaintRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    public static func apply(_ action: ComplaintAction, to current: ComplaintState, today: CivilDate) throws(ValidationFailure) -> ComplaintStep {
        var row = current
        var effects: [ComplaintEffect] = []
        let date = action.date
        guard date <= today else { throw fail("on", "日期", "不能晚于今天") }
        guard date >= row.receivedOn else { throw fail("on", "日期", "不能早于收到日期 \(row.receivedOn)") }
        let status = row.status
        func require(_ allowed: Set<ComplaintStatus>, _ why: String) throws(ValidationFailure) {
            guard allowed.contains(status) else { throw fail("action", "操作", "当前为“\(status.label)”，不能\(action.label)：\(why)") }
        }
        func required(_ text: String, _ label: String) throws(ValidationFailure) -> String {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw fail("text", label, "不能为空") }
            return trimmed
        }
        var detail = action.label
        switch action {
        case .decline(_, let reason):
            try require([.received], "只有待审查的投诉可以不予立案")
            detail += "：\(try required(reason, "不予立案理由"))"
            row.status = .declined
            row.closedOn = date
            effects.append(.completeClocks(SupervisionClocks.complaint, on: date, reason: "不予立案并告知"))
        case .accept:
            try require([.received], "只有待审查的投诉可以立案")
            row.status = .investigating
        case .conclude(_, let outcome, let findings):
            try require([.investigating], "立案调查后才能作出结论")
            let text = try required(findings, "调查结论")
            row.findings = text
            row.outcome = outcome
            detail += "：\(outcome.label)；\(text)"
            if outcome == .unfounded {
                row.status = .closed
                row.closedOn = date
                effects.append(.completeClocks(SupervisionClocks.complaint, on: date, reason: "投诉不成立，已办结"))
            } else {
                // 🏷 A supervision opinion or correction order: the unit rectifies within its period.
                row.status = .ordered
                row.orderedOn = date
                effects.append(.openRectification(title: "\(outcome.label)整改", on: date))
            }
        case .rectified(_, let report):
            try require([.ordered], "发出意见书或纠正通知后才有整改")
            detail += "：\(try required(report, "整改情况"))"
            row.status = .rectified
            row.rectifiedOn = date
            effects.append(.completeClocks(SupervisionClocks.rectification, on: date, reason: "已报告整改"))
        case .discipline(_, let note):
            if let earlier = row.disciplineOn { throw fail("action", "操作", "已于\(earlier)移送") }
            try require([.investigating, .ordered, .rectified, .closed], "立案调查后发现问题线索的才移送")
            detail += "：\(try required(note, "移送的问题线索"))"
            row.disciplineOn = date
        case .close:
            try require([.rectified], "整改完成后办结")
            row.status = .closed
            row.closedOn = date
            effects.append(.completeClocks(SupervisionClocks.complaint, on: date, reason: "已办结"))
        }
        return ComplaintStep(state: row, effects: effects, detail: detail)
    }
}
