import FazhiCalendar
import FazhiCore
import Foundation

// Coercive measures (行政强制法), licences (行政许可法) and inspections as plain values: no database,
// no clock reads, no framework. `ActionService.perform` loads the record and the facts, calls
// `ActionRules.apply` and writes what comes back in one transaction. docs/law.md §5.

/// An enforcement action as the rules see it.
public struct ActionState: Sendable, Equatable {
    public var kind: ActionKind
    public var status: ActionStatus
    public var startedOn: CivilDate
    public var officerIDs: [UUID] = []
    public var decidedOn: CivilDate?
    public var decision: String?
    public var granted: Bool?
    public var closedOn: CivilDate?
    public var publishedOn: CivilDate?
    /// 行政许可法第三十二条第一款第四项: the one 补正 notice.
    public var correctionRequestedOn: CivilDate?

    public init(kind: ActionKind, status: ActionStatus, startedOn: CivilDate) {
        self.kind = kind
        self.status = status
        self.startedOn = startedOn
    }
}

/// What the rules read besides the record.
public struct ActionFacts: Sendable {
    /// The moment of the step (Beijing time); its date is "today".
    public var now: CivilDateTime
    public var unitPath: String
    /// Enforcement certificates by number; a number absent here does not exist.
    public var certificates: [String: CertificateFacts] = [:]
    /// Keys of the record's open clocks.
    public var openClocks: Set<String> = []
    /// Due dates of open clocks by key, where a step needs them.
    public var dueDates: [String: CivilDate] = [:]
    /// Days the seizure has been extended so far (行政强制法第二十五条: thirty at most).
    public var seizureExtendedDays = 0

    public init(now: CivilDateTime, unitPath: String) {
        self.now = now
        self.unitPath = unitPath
    }
}

public enum ActionEffect: Sendable {
    case openClock(ClockKind, at: CivilDateTime, reason: String)
    case completeClock(ClockKind, at: CivilDateTime, reason: String)
    case record(ClockKind, ClockEvent)
    /// Publish the redacted decision on the public site.
    case publish
}

public struct ActionOutcome: Sendable {
    public var state: ActionState
    public var effects: [ActionEffect]
    public var detail: String
}

public enum ActionRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// Two distinct officers whose enforcement certificates are valid that day, of the acting unit
    /// (行政处罚法第四十二条; 行政强制法第十八条第二项).
    static func officers(_ numbers: [String], on day: CivilDate, article: String, facts: ActionFacts) throws(ValidationFailure) -> [UUID] {
        let distinct = Set(numbers.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }).sorted()
        guard distinct.count >= 2 else { throw fail("officers", "执法人员", "执法人员不得少于两人（\(article)），请填写至少两个执法证号") }
        var ids: [UUID] = []
        for number in distinct {
            guard let certificate = facts.certificates[number], certificate.qualified else {
                throw fail("officers", "执法人员", "执法证“\(number)”在\(day)不是有效状态，持证人不能实施（\(article)）")
            }
            guard certificate.unitPath.hasPrefix(facts.unitPath) || facts.unitPath.hasPrefix(certificate.unitPath) else {
                throw fail("officers", "执法人员", "执法证“\(number)”的持证人不属于实施单位")
            }
            ids.append(certificate.officerID)
        }
        return ids
    }

    public static func apply(_ step: ActionStep, to current: ActionState, facts: ActionFacts) throws(ValidationFailure) -> ActionOutcome {
        var row = current
        var effects: [ActionEffect] = []
        let now = facts.now
        guard step.day <= now.date else { throw fail("on", "日期", "不能晚于今天") }
        guard step.day >= row.startedOn else { throw fail("on", "日期", "不能早于\(row.startedOn)") }
        let kind = row.kind, status = row.status
        func require(_ kinds: Set<ActionKind>, _ statuses: Set<ActionStatus>) throws(ValidationFailure) {
            guard kinds.contains(kind), statuses.contains(status) else {
                throw fail("action", "操作", "\(kind.label)当前为“\(status.label)”，不能\(step.label)")
            }
        }
        let day = CivilDateTime(date: step.day)
        var detail = step.label
        switch step {
        case .impose(let on, let measure, let numbers, let approvedBy, let at):
            try require([.coercion], [.registered])
            row.officerIDs = try officers(numbers, on: on, article: "行政强制法第十八条第二项", facts: facts)
            row.status = .imposed
            if measure.contains("查封") || measure.contains("扣押") { effects.append(.openClock(ActionClocks.seizure, at: day, reason: measure)) }
            if let approvedBy = approvedBy?.trimmingCharacters(in: .whitespaces).nilIfEmpty {
                detail += "：\(measure)，经\(approvedBy)批准"
            } else {
                // 第十九条: on the spot in an emergency, reported and approved within 24 hours of the
                // measure itself, so the clock starts at the recorded time, not at midnight.
                guard let moment = at ?? (on == now.date ? now : nil) else {
                    throw fail("at", "实施时间", "情况紧急当场实施的，须记录实施的时间：二十四小时自实施时起计算（行政强制法第十九条）")
                }
                guard moment.date == on, moment <= now else { throw fail("at", "实施时间", "应为\(on)当天、不晚于现在的时间") }
                effects.append(.openClock(ActionClocks.emergencyApproval, at: moment, reason: "当场实施（\(moment)）"))
                detail += "：\(measure)（情况紧急当场实施，须在二十四小时内向负责人报告并补办批准）"
            }
        case .approve(let at, let approver):
            guard kind == .coercion, facts.openClocks.contains(ActionClocks.emergencyApproval.key) else { throw fail("action", "操作", "没有待补办批准的当场强制措施") }
            guard !approver.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "批准人", "须写明批准的负责人") }
            effects.append(.completeClock(ActionClocks.emergencyApproval, at: at, reason: "\(approver)补办批准"))
            detail += "：\(approver)（\(at)）"
        case .extendSeizure(let on, let days, let approver, let reason):
            guard kind == .coercion, status == .imposed, facts.openClocks.contains(ActionClocks.seizure.key) else { throw fail("action", "操作", "没有正在计算的查封、扣押期限") }
            // 第二十五条第一款: extended with the head's approval, thirty days at most in all, while the
            // period runs.
            guard !approver.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("approver", "批准人", "延长查封、扣押期限须经行政机关负责人批准（行政强制法第二十五条第一款）") }
            let left = 30 - facts.seizureExtendedDays
            guard days >= 1, days <= left else {
                throw fail("days", "延长天数", facts.seizureExtendedDays == 0 ? "应为1到30日（行政强制法第二十五条第一款）"
                    : "已延长\(facts.seizureExtendedDays)日，延长期限合计不得超过三十日（行政强制法第二十五条第一款），本次最多\(max(0, left))日")
            }
            if let due = facts.dueDates[ActionClocks.seizure.key], on > due {
                throw fail("on", "日期", "查封、扣押期限已于\(due)届满，期限届满后不能延长（行政强制法第二十五条第一款）")
            }
            effects.append(.record(ActionClocks.seizure, .extend(on, by: .days(days), approver: approver, reason: reason)))
            detail += "\(days)日：\(reason)（\(approver)批准）"
        case .lift(_, let reason):
            try require([.coercion], [.imposed, .decided])
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "理由", "须写明解除的理由（行政强制法第二十八条）") }
            effects.append(.completeClock(ActionClocks.seizure, at: day, reason: "已解除"))
            row.status = .lifted
            row.closedOn = step.day
            detail += "：\(reason)"
        case .requestCorrection(let on, let items):
            try require([.licence], [.received])
            if let earlier = row.correctionRequestedOn {
                throw fail("action", "操作", "补正应当一次告知申请人需要补正的全部内容（行政许可法第三十二条第一款第四项），本申请已于\(earlier)告知补正")
            }
            if let due = facts.dueDates[ActionClocks.licenceAcceptance.key], on > due {
                throw fail("on", "日期", "收到申请材料后五日内未告知补正的，自收到申请材料之日起即为受理（行政许可法第三十二条第一款第四项），期限已于\(due)届满，请记录受理")
            }
            guard !items.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "补正内容", "须一次告知需要补正的全部内容（行政许可法第三十二条第一款第四项）") }
            effects.append(.completeClock(ActionClocks.licenceAcceptance, at: day, reason: "已告知补正"))
            row.correctionRequestedOn = on
            row.status = .awaitingCorrection
            detail += "：\(items)"
        case .receiveCorrection:
            try require([.licence], [.awaitingCorrection])
            // ⚠️ The statute sets no period for accepting a supplemented application; the platform
            // gives the same five working days again.
            effects.append(.openClock(ActionClocks.licenceAcceptance, at: day, reason: "收到补正材料"))
            row.status = .received
        case .accept:
            try require([.licence], [.received])
            var from = day
            if row.correctionRequestedOn == nil, let due = facts.dueDates[ActionClocks.licenceAcceptance.key], step.day > due {
                // 第三十二条第一款第四项: no 补正 notice within five days — accepted from the day the
                // materials arrived, and the twenty working days run from then.
                from = CivilDateTime(date: row.startedOn)
                detail += "（五日内未告知补正，依行政许可法第三十二条第一款第四项自收到申请材料之日\(row.startedOn)起即为受理）"
            }
            effects.append(.completeClock(ActionClocks.licenceAcceptance, at: day, reason: "已受理"))
            row.status = .accepted
            effects.append(.openClock(ActionClocks.licenceDecision, at: from, reason: "受理"))
        case .refuse(_, let reason):
            try require([.licence], [.received])
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "理由", "不予受理须出具书面凭证并说明理由（行政许可法第三十二条）") }
            effects.append(.completeClock(ActionClocks.licenceAcceptance, at: day, reason: "不予受理"))
            row.status = .refused
            row.closedOn = step.day
            detail += "：\(reason)"
        case .extendLicence(let on, let approver, let reason):
            guard kind == .licence, status == .accepted, facts.openClocks.contains(ActionClocks.licenceDecision.key) else { throw fail("action", "操作", "没有正在计算的许可审查期限") }
            effects.append(.record(ActionClocks.licenceDecision, .extend(on, by: .workdays(10), approver: approver, reason: reason)))
            detail += "10个工作日：\(reason)（\(approver)批准）"
        case .decide(let on, let granted, let decision):
            try require([.licence, .coercion], [.accepted, .imposed])
            guard !decision.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "决定内容", "须写明决定内容和依据") }
            if kind == .licence {
                effects.append(.completeClock(ActionClocks.licenceDecision, at: day, reason: "已作出决定"))
                if granted { effects.append(.openClock(ActionClocks.licenceIssue, at: day, reason: "准予许可")) }
                // 国办发〔2018〕118号: licence decisions are published within seven working days.
                effects.append(.openClock(PublicationClocks.licence, at: day, reason: "作出许可决定"))
            } else {
                // A decision on what was seized ends the seizure period; published as an "other" decision (20 working days).
                effects.append(.completeClock(ActionClocks.seizure, at: day, reason: "已作出处理决定"))
                effects.append(.openClock(PublicationClocks.otherDecision, at: day, reason: "作出处理决定"))
            }
            row.granted = granted
            row.decision = decision
            row.decidedOn = on
            row.status = .decided
            detail += "：\(kind == .licence ? (granted ? "准予许可" : "不予许可") : "处理决定")；\(decision)"
        case .issue:
            guard kind == .licence, status == .decided, row.granted == true else { throw fail("action", "操作", "准予许可后才能颁发证件") }
            effects.append(.completeClock(ActionClocks.licenceIssue, at: day, reason: "已颁发"))
            row.status = .issued
        case .inspect(let on, let numbers, let findings):
            try require([.inspection], [.accepted])
            let ids = try officers(numbers, on: on, article: "行政处罚法第四十二条、第五十五条", facts: facts)
            guard !findings.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "检查情况", "须记录检查情况") }
            row.officerIDs = ids
            row.decidedOn = on
            row.decision = findings
            row.status = .decided
            detail += "：\(findings)"
        case .publish:
            guard kind != .inspection, let decided = row.decidedOn else { throw fail("action", "操作", "作出决定后才能公示") }
            if let published = row.publishedOn { throw fail("action", "操作", "已于\(published)公示") }
            guard step.day >= decided else { throw fail("on", "日期", "公示日期不能早于决定日期 \(decided)") }
            row.publishedOn = step.day
            effects.append(.publish)
            effects.append(.completeClock(PublicationClocks.licence, at: day, reason: "已公示"))
            effects.append(.completeClock(PublicationClocks.otherDecision, at: day, reason: "已公示"))
        case .close:
            try require([.licence, .coercion, .inspection], [.decided, .issued])
            row.status = .closed
            row.closedOn = step.day
        }
        return ActionOutcome(state: row, effects: effects, detail: detail)
    }
}
