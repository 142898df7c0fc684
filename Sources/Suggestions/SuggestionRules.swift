import FazhiCalendar
import FazhiCore
import Foundation

// 人大代表建议 and 政协委员提案 as plain values (docs/law.md §20): assigned to a lead unit, answered
// within the period (代表法第五十一条: three months from 交办, six for broad or difficult items; 🏷 the
// 政协 period is set by local rules and defaults to the same), contact with the proposer before the
// answer, the answer's class, the proposer's satisfaction and the re-handling of an unsatisfied item.

public enum SuggestionKind: String, Sendable, Codable, CaseIterable {
    case deputySuggestion, cppccProposal

    public var label: String {
        switch self {
        case .deputySuggestion: "人大代表建议"
        case .cppccProposal: "政协委员提案"
        }
    }

    /// Where the answer period comes from.
    public var basis: String {
        switch self {
        case .deputySuggestion: "全国人民代表大会和地方各级人民代表大会代表法第五十一条"
        case .cppccProposal: "本地政协提案工作办法（🏷 默认与代表建议相同）"
        }
    }
}

/// How the answer resolves the item (the classes county reports count).
public enum AnswerClass: String, Sendable, Codable, CaseIterable {
    case a = "A", b = "B", c = "C"

    public var label: String {
        switch self {
        case .a: "A类（已经解决或者采纳）"
        case .b: "B类（正在解决或者列入计划逐步解决）"
        case .c: "C类（因条件限制或者其他原因暂时不能解决、留作参考）"
        }
    }
}

public enum Satisfaction: String, Sendable, Codable, CaseIterable {
    case satisfied, basicallySatisfied, unsatisfied

    public var label: String {
        switch self {
        case .satisfied: "满意"
        case .basicallySatisfied: "基本满意"
        case .unsatisfied: "不满意"
        }
    }
}

/// An item as the rules see it.
public struct SuggestionState: Sendable, Equatable {
    public var kind: SuggestionKind
    public var assignedOn: CivilDate?
    /// The period's months from `assignedOn`, lengthened once by approval.
    public var months: Int = 3
    public var extended = false
    public var contactedOn: CivilDate?
    public var answeredOn: CivilDate?
    public var answerClass: AnswerClass?
    public var feedbackOn: CivilDate?
    public var satisfaction: Satisfaction?
    /// Re-handling of an unsatisfied item: started on, its months, answered on.
    public var rehandledFrom: CivilDate?
    public var rehandleMonths: Int = 1
    public var rehandleCount = 0
    public var releasedOn: CivilDate?

    public init(kind: SuggestionKind) { self.kind = kind }
}

/// What a step reads besides the item.
public struct SuggestionFacts: Sendable {
    public var today: CivilDate
    public var calendar: WorkCalendar
    /// The period (🏷 `suggestions.answer-months`, 3) and its longest extension (`suggestions.longest-months`, 6).
    public var answerMonths = 3
    public var longestMonths = 6
    /// 🏷 The period for answering again after 不满意 (`suggestions.rehandle-months`, 1).
    public var rehandleMonths = 1

    public init(today: CivilDate, calendar: WorkCalendar) {
        self.today = today
        self.calendar = calendar
    }
}

public enum SuggestionStep: Sendable, Equatable {
    /// 交办 to a lead unit (a re-assignment after a dispute restarts the period ⚠️).
    case assign(on: CivilDate)
    /// 面商: contact with the proposer before the answer, and how.
    case contact(on: CivilDate, how: String)
    /// Broad or difficult: the period lengthened to at most six months, once, approved.
    case extend(on: CivilDate, months: Int, approver: String, reason: String)
    case answer(on: CivilDate, answerClass: AnswerClass, reason: String)
    case feedback(on: CivilDate, satisfaction: Satisfaction)
    /// 不满意: handled again, answered within the re-handling period.
    case rehandle(on: CivilDate)
    /// The answer published where the proposer and the law allow.
    case release(on: CivilDate)
}

public enum SuggestionRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// The answer clock: `months` from 交办 (民法典第二百零二条 for the month's end, the last day moved past a rest day).
    public static func answerClock(_ state: SuggestionState) -> Clock? {
        guard let assigned = state.assignedOn else { return nil }
        return Clock(rule: ClockRule(title: "答复\(state.kind.label)", period: .months(state.months), basis: state.kind.basis),
                     start: CivilDateTime(date: assigned), startReason: "交办", events: [])
    }

    public static func dueDate(_ state: SuggestionState, calendar: WorkCalendar) -> CivilDate? {
        if let from = state.rehandledFrom {
            return Clock(rule: ClockRule(title: "重新办理", period: .months(state.rehandleMonths), basis: "本地代表建议、政协提案办理办法（🏷）"),
                         start: CivilDateTime(date: from), startReason: "代表、委员不满意，重新办理", events: []).dueDate(calendar: calendar)
        }
        return answerClock(state)?.dueDate(calendar: calendar)
    }

    public static func apply(_ step: SuggestionStep, to current: SuggestionState, facts: SuggestionFacts) throws(ValidationFailure)
        -> (state: SuggestionState, warnings: [String], detail: String) {
        var state = current
        var warnings: [String] = []
        let detail: String
        func within(_ on: CivilDate, after start: CivilDate?, _ what: String) throws(ValidationFailure) {
            guard on <= facts.today else { throw fail("on", "日期", "不能晚于今天") }
            if let start, on < start { throw fail("on", "日期", "不能早于\(what)（\(start)）") }
        }
        let answering = state.rehandledFrom != nil ? state.answeredOn == nil : state.answeredOn == nil
        switch step {
        case .assign(let on):
            guard state.answeredOn == nil else { throw fail("action", "操作", "已答复的不能重新交办") }
            try within(on, after: state.assignedOn, "原交办日期")
            let again = state.assignedOn != nil
            state.assignedOn = on
            state.months = facts.answerMonths
            state.extended = false
            detail = again ? "重新交办（承办单位有异议，交办机关重新确定承办单位；办理期限自重新交办之日起计算）" : "交办"
        case .contact(let on, let how):
            guard state.assignedOn != nil else { throw fail("action", "操作", "尚未交办") }
            try within(on, after: state.assignedOn, "交办日期")
            guard !how.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("how", "沟通方式", "请写明面商、电话或走访等沟通方式和代表、委员的意见") }
            state.contactedOn = on
            detail = "与代表、委员沟通（\(how)）"
        case .extend(let on, let months, let approver, let reason):
            guard answering, state.rehandledFrom == nil else { throw fail("action", "操作", "已答复或正在重新办理的不能延期") }
            guard !state.extended else { throw fail("action", "操作", "办理期限只能延长一次") }
            guard months > state.months, months <= facts.longestMonths else {
                throw fail("months", "延长后期限", "涉及面广、处理难度大的，应当在\(facts.longestMonths)个月内答复（\(state.kind.basis)），延长后期限应多于\(state.months)个月、不超过\(facts.longestMonths)个月")
            }
            guard !approver.trimmingCharacters(in: .whitespaces).isEmpty, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("approver", "批准人", "延期须写明涉及面广、处理难度大的理由并经交办机关同意")
            }
            try within(on, after: state.assignedOn, "交办日期")
            if let due = dueDate(state, calendar: facts.calendar), on > due { throw fail("on", "日期", "应在办理期限（\(due)）届满前申请延期") }
            state.months = months
            state.extended = true
            detail = "经\(approver)同意，办理期限延长至交办之日起\(months)个月：\(reason)"
        case .answer(let on, let answerClass, let reason):
            guard state.assignedOn != nil else { throw fail("action", "操作", "尚未交办") }
            guard answering else { throw fail("action", "操作", "已于\(state.answeredOn!)答复") }
            try within(on, after: state.rehandledFrom ?? state.assignedOn, "交办日期")
            if answerClass == .c && reason.trimmingCharacters(in: .whitespaces).isEmpty {
                throw fail("reason", "说明", "C类答复须向代表、委员说明暂时不能解决的原因")
            }
            if state.contactedOn == nil {
                warnings.append("答复前未记录与代表、委员的沟通（各地办理办法要求答复前面商或沟通，请补记）")
            }
            if let due = dueDate(state, calendar: facts.calendar), on > due { warnings.append("逾期答复：办理期限至\(due)（\(state.kind.basis)）") }
            state.answeredOn = on
            state.answerClass = answerClass
            detail = (state.rehandledFrom == nil ? "答复：" : "重新办理后答复：") + answerClass.label
        case .feedback(let on, let satisfaction):
            guard let answered = state.answeredOn else { throw fail("action", "操作", "答复后才能记录代表、委员的意见") }
            guard state.feedbackOn == nil || state.rehandledFrom != nil && state.feedbackOn! < answered else { throw fail("action", "操作", "已记录本次答复的反馈意见") }
            try within(on, after: answered, "答复日期")
            state.feedbackOn = on
            state.satisfaction = satisfaction
            detail = "代表、委员反馈：\(satisfaction.label)"
        case .rehandle(let on):
            guard state.satisfaction == .unsatisfied, let feedback = state.feedbackOn else { throw fail("action", "操作", "代表、委员对答复不满意的，才重新办理") }
            try within(on, after: feedback, "反馈日期")
            state.rehandledFrom = on
            state.rehandleMonths = facts.rehandleMonths
            state.rehandleCount += 1
            state.answeredOn = nil
            state.answerClass = nil
            state.satisfaction = nil
            detail = "代表、委员不满意，重新办理（\(facts.rehandleMonths)个月内再次答复）"
        case .release(let on):
            guard let answered = state.answeredOn else { throw fail("action", "操作", "答复后才能公开") }
            guard state.releasedOn == nil else { throw fail("action", "操作", "已于\(state.releasedOn!)公开") }
            try within(on, after: answered, "答复日期")
            state.releasedOn = on
            detail = "答复全文公开"
        }
        return (state, warnings, detail)
    }
}
