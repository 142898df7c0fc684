import FazhiCalendar
import FazhiCore
import Foundation

// 重大行政决策 (国务院令第713号, 重大行政决策程序暂行条例, in force 2019-09-01) as plain values:
// `DecisionService` loads a decision, applies these and writes the result, its timeline line and the
// audit row in one transaction (docs/modules.md §4). docs/law.md §16.
//
// The five procedures are gates before 集体讨论决定: 公众参与, 专家论证, 风险评估 and 合法性审查 are
// each done, or (where the 条例 lets the maker judge them unnecessary) waived with a recorded reason;
// 合法性审查 can never be waived (第二十五条).

/// The procedures a decision passes before it is discussed.
public enum DecisionProcedure: String, Sendable, Codable, CaseIterable {
    case publicParticipation
    case expertReview
    case riskAssessment
    case legalityReview

    public var label: String {
        switch self {
        case .publicParticipation: "公众参与"
        case .expertReview: "专家论证"
        case .riskAssessment: "风险评估"
        case .legalityReview: "合法性审查"
        }
    }

    /// The articles of the 条例 that set the procedure.
    public var basis: String {
        switch self {
        case .publicParticipation: "重大行政决策程序暂行条例第十四条至第十八条"
        case .expertReview: "重大行政决策程序暂行条例第十九条至第二十一条"
        case .riskAssessment: "重大行政决策程序暂行条例第二十二条至第二十四条"
        case .legalityReview: "重大行政决策程序暂行条例第二十五条至第二十八条"
        }
    }
}

/// How a procedure stands on a decision.
public enum ProcedureRecord: Sendable, Equatable {
    /// Done: from and to (a consultation's period; a review's submission and opinion), with its result.
    case done(from: CivilDate, to: CivilDate, result: String)
    /// Not needed, with the recorded reason (not allowed for 合法性审查).
    case waived(reason: String)
}

/// The periods the 条例 sets as minimums ("一般不少于"), configurable where a province is stricter.
public struct DecisionRuleSettings: Sendable, Equatable {
    /// 公开征求意见的期限一般不少于30日 (第十五条).
    public var consultationDays = 30
    /// 听证: the materials reach the participants at least 7 days before the hearing (第十六条).
    public var hearingNoticeDays = 7
    /// 合法性审查: 应当保证必要的审查时间，一般不少于7个工作日 (第二十五条至第二十八条).
    public var legalityReviewWorkdays = 7

    public init() {}
}

/// A major decision as the rules see it.
public struct DecisionState: Sendable, Equatable {
    public var title: String
    /// In the year's published 决策事项目录 (第三条、第四条: 目录经同级党委同意后向社会公布).
    public var inCatalogue: Bool
    public var procedures: [DecisionProcedure: ProcedureRecord] = [:]
    /// 集体讨论决定: the meeting, the day, and the head's decision (行政首长最后发表意见, 第三十条).
    public var discussedOn: CivilDate?
    public var meeting: String?
    public var headDecision: String?
    public var publishedOn: CivilDate?
    public var archivedOn: CivilDate?
    /// A consultation open on the public site: from this day, its draft taking opinions (第十五条).
    public var consultationOpenedOn: CivilDate?
    /// Sent to the legality-review body (the justice bureau's queue), not yet answered.
    public var legalitySubmittedOn: CivilDate?
    /// 决策后评估 (第三十六条).
    public var evaluatedOn: CivilDate?
    public var evaluation: String?

    public init(title: String, inCatalogue: Bool) {
        self.title = title
        self.inCatalogue = inCatalogue
    }
}

public enum DecisionAction: Sendable, Equatable {
    /// A public consultation from `from` to `to`; a shorter period than the minimum needs `shortReason`
    /// (因情况紧急等原因需要缩短期限的，公开征求意见时应当予以说明, 第十五条).
    case consult(from: CivilDate, to: CivilDate, adoption: String, shortReason: String?)
    /// A hearing held on `heldOn`, the materials sent on `materialsOn` (第十六条).
    case hearing(heldOn: CivilDate, materialsOn: CivilDate)
    case expertReview(from: CivilDate, to: CivilDate, result: String)
    case riskAssessment(from: CivilDate, to: CivilDate, result: String)
    /// The legality review: sent on `from`, the opinion on `to`.
    case legalityReview(from: CivilDate, to: CivilDate, opinion: String)
    /// A procedure the decision does not need, with the recorded reason.
    case waive(DecisionProcedure, reason: String)
    /// 集体讨论决定 at the 常务会议 or 全体会议, with the head's decision.
    case discuss(on: CivilDate, meeting: String, headDecision: String)
    /// Published (第三十二条).
    case publish(on: CivilDate)
    /// 决策过程记录和材料归档 (第三十三条).
    case archive(on: CivilDate)
    /// The draft put out for comment on the public site from `on` (第十五条: 通过政府网站等途径公布决策草案及其说明).
    /// Closed by `consult(from:` that day`…)`, with the adoption summary.
    case openConsultation(on: CivilDate)
    /// The draft sent to the legality-review body; its opinion is `legalityReview(from:` this day`…)`.
    case submitLegalityReview(on: CivilDate)
    /// 决策执行情况: the executing unit's report (第三十四条、第三十五条).
    case track(on: CivilDate, note: String)
    /// 决策后评估 (第三十六条).
    case evaluate(on: CivilDate, result: String)
    /// 责任追究 (第三十八条).
    case accountability(on: CivilDate, note: String)

    /// The day the step is dated, for the timeline.
    public var date: CivilDate? {
        switch self {
        case .consult(_, let to, _, _), .expertReview(_, let to, _), .riskAssessment(_, let to, _), .legalityReview(_, let to, _): to
        case .hearing(let heldOn, _): heldOn
        case .waive: nil
        case .discuss(let on, _, _), .publish(let on), .archive(let on), .submitLegalityReview(let on), .track(let on, _), .evaluate(let on, _),
             .accountability(let on, _), .openConsultation(let on): on
        }
    }
}

public enum DecisionRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    static func blank(_ text: String?) -> Bool { (text ?? "").trimmingCharacters(in: .whitespaces).isEmpty }

    /// Checks `action` against the decision and the 条例; returns the decision after it, or throws
    /// the refusal with its article.
    public static func apply(_ action: DecisionAction, to current: DecisionState, today: CivilDate, calendar: WorkCalendar,
                             settings: DecisionRuleSettings = DecisionRuleSettings()) throws(ValidationFailure) -> DecisionState {
        var state = current
        if state.discussedOn != nil {
            switch action {
            case .publish, .archive, .track, .evaluate, .accountability: break
            default: throw fail("action", "操作", "决策已于\(state.discussedOn!)集体讨论决定，程序不能再补记")
            }
        }
        func dated(_ from: CivilDate, _ to: CivilDate) throws(ValidationFailure) {
            if to > today { throw fail("to", "日期", "不能晚于今天") }
            if to < from { throw fail("to", "日期", "结束日期不能早于开始日期 \(from)") }
        }
        switch action {
        case .openConsultation(let on):
            if on > today { throw fail("on", "日期", "不能晚于今天") }
            if state.procedures[.publicParticipation] != nil || state.consultationOpenedOn != nil {
                throw fail("action", "操作", "公众参与已经记录或正在征求意见")
            }
            state.consultationOpenedOn = on
        case .consult(let from, let to, let adoption, let shortReason):
            if let opened = state.consultationOpenedOn, from != opened {
                throw fail("from", "开始日期", "本次征求意见自\(opened)在网上公开，开始日期应为该日")
            }
            try dated(from, to)
            let days = from.days(until: to)
            if days < settings.consultationDays && blank(shortReason) {
                throw fail("to", "征求意见期限", "公开征求意见的期限一般不少于\(settings.consultationDays)日（重大行政决策程序暂行条例第十五条），本次\(days)日；因情况紧急等原因缩短的，须写明理由")
            }
            if blank(adoption) { throw fail("adoption", "采纳情况", "须写明意见的采纳情况（重大行政决策程序暂行条例第十四条至第十八条）") }
            state.procedures[.publicParticipation] = .done(from: from, to: to, result: adoption + (blank(shortReason) ? "" : "（缩短期限的理由：\(shortReason!)）"))
            state.consultationOpenedOn = nil
        case .hearing(let heldOn, let materialsOn):
            try dated(materialsOn, heldOn)
            if materialsOn.days(until: heldOn) < settings.hearingNoticeDays {
                throw fail("materialsOn", "材料送达日期", "应当于召开听证会\(settings.hearingNoticeDays)日前向听证参加人送达材料（重大行政决策程序暂行条例第十六条）")
            }
            guard case .done(let from, let to, let result)? = state.procedures[.publicParticipation] else {
                throw fail("action", "操作", "听证是公众参与的方式之一：先记录公开征求意见，或同时记录")
            }
            state.procedures[.publicParticipation] = .done(from: min(from, materialsOn), to: max(to, heldOn), result: result + "；\(heldOn)举行听证会")
        case .expertReview(let from, let to, let result):
            try dated(from, to)
            if blank(result) { throw fail("result", "论证意见", "须写明专家论证意见") }
            state.procedures[.expertReview] = .done(from: from, to: to, result: result)
        case .riskAssessment(let from, let to, let result):
            try dated(from, to)
            if blank(result) { throw fail("result", "评估结论", "须写明风险评估报告的结论（作为决策的重要依据，第二十四条）") }
            state.procedures[.riskAssessment] = .done(from: from, to: to, result: result)
        case .legalityReview(let from, let to, let opinion):
            try dated(from, to)
            if blank(opinion) { throw fail("opinion", "审查意见", "须写明合法性审查意见") }
            if let submitted = state.legalitySubmittedOn, from != submitted {
                throw fail("from", "送审日期", "合法性审查自\(submitted)送审起算")
            }
            if calendar.workdays(after: from, through: to) < settings.legalityReviewWorkdays {
                throw fail("to", "审查意见日期", "送请合法性审查应当保证必要的审查时间，一般不少于\(settings.legalityReviewWorkdays)个工作日（重大行政决策程序暂行条例第二十五条至第二十八条）")
            }
            state.procedures[.legalityReview] = .done(from: from, to: to, result: opinion)
            state.legalitySubmittedOn = nil
        case .waive(let procedure, let reason):
            if procedure == .legalityReview {
                throw fail("procedure", "程序", "决策草案提交决策机关讨论前，应当由负责合法性审查的部门进行合法性审查，不得以征求意见等方式代替（\(procedure.basis)）")
            }
            if blank(reason) { throw fail("reason", "理由", "不履行\(procedure.label)程序须写明依据和理由（\(procedure.basis)）") }
            state.procedures[procedure] = .waived(reason: reason)
        case .discuss(let on, let meeting, let headDecision):
            if on > today { throw fail("on", "日期", "不能晚于今天") }
            guard state.inCatalogue else { throw fail("action", "操作", "决策事项应当列入经同级党委同意后公布的决策事项目录（重大行政决策程序暂行条例第三条、第四条）") }
            let missing = DecisionProcedure.allCases.filter { state.procedures[$0] == nil }
            if !missing.isEmpty {
                throw ValidationFailure(missing.map { FieldError(field: "procedure", label: $0.label, message: "提交集体讨论前须履行或依法说明不履行（\($0.basis)）") })
            }
            for (procedure, record) in state.procedures {
                if case .done(_, let to, _) = record, to > on {
                    throw fail("on", "日期", "集体讨论日期不能早于\(procedure.label)完成的日期 \(to)")
                }
            }
            if !["常务会议", "全体会议"].contains(where: { meeting.contains($0) }) {
                throw fail("meeting", "会议", "重大行政决策应当经决策机关常务会议或者全体会议讨论（重大行政决策程序暂行条例第三十条）")
            }
            if blank(headDecision) { throw fail("headDecision", "行政首长意见", "行政首长最后发表意见，须记录其决定（重大行政决策程序暂行条例第三十条）") }
            state.discussedOn = on
            state.meeting = meeting
            state.headDecision = headDecision
        case .publish(let on):
            guard let discussed = state.discussedOn else { throw fail("action", "操作", "集体讨论决定后才能公布") }
            if on > today || on < discussed { throw fail("on", "日期", "应在集体讨论日期 \(discussed) 与今天之间") }
            state.publishedOn = on
        case .archive(let on):
            guard let discussed = state.discussedOn else { throw fail("action", "操作", "集体讨论决定后才能归档") }
            if on > today || on < discussed { throw fail("on", "日期", "应在集体讨论日期 \(discussed) 与今天之间") }
            state.archivedOn = on
        case .submitLegalityReview(let on):
            if on > today { throw fail("on", "日期", "不能晚于今天") }
            if case .done? = state.procedures[.legalityReview] { throw fail("action", "操作", "已经过合法性审查") }
            if state.legalitySubmittedOn != nil { throw fail("action", "操作", "已于\(state.legalitySubmittedOn!)送请合法性审查，尚待审查意见") }
            state.legalitySubmittedOn = on
        case .track(let on, let note):
            guard let published = state.publishedOn else { throw fail("action", "操作", "决策公布后才能记录执行情况（重大行政决策程序暂行条例第三十四条）") }
            if on > today || on < published { throw fail("on", "日期", "应在公布日期 \(published) 与今天之间") }
            if blank(note) { throw fail("note", "执行情况", "须写明执行情况（重大行政决策程序暂行条例第三十四条、第三十五条）") }
        case .evaluate(let on, let result):
            guard let published = state.publishedOn else { throw fail("action", "操作", "决策公布并实施后才能评估（重大行政决策程序暂行条例第三十六条）") }
            if on > today || on < published { throw fail("on", "日期", "应在公布日期 \(published) 与今天之间") }
            if blank(result) { throw fail("result", "评估结论", "须写明决策后评估的结论（重大行政决策程序暂行条例第三十六条）") }
            state.evaluatedOn = on
            state.evaluation = result
        case .accountability(let on, let note):
            guard let discussed = state.discussedOn else { throw fail("action", "操作", "决策作出后才能记录责任追究（重大行政决策程序暂行条例第三十八条）") }
            if on > today || on < discussed { throw fail("on", "日期", "应在集体讨论日期 \(discussed) 与今天之间") }
            if blank(note) { throw fail("note", "责任追究", "须写明责任追究的对象和结果（重大行政决策程序暂行条例第三十八条）") }
        }
        return state
    }

    /// Whether the public may send an opinion on `day`: the consultation is open and its minimum
    /// period (from the first day, `settings.consultationDays` days) has not run out. After that the
    /// organ closes it with the adoption summary.
    public static func takesOpinions(_ state: DecisionState, on day: CivilDate, settings: DecisionRuleSettings = DecisionRuleSettings()) -> Bool {
        guard let opened = state.consultationOpenedOn else { return false }
        return opened <= day && day <= opened.adding(days: settings.consultationDays)
    }

    /// Whether all five procedures were carried out (none waived): the figure "履行全部法定程序".
    public static func allProceduresDone(_ state: DecisionState) -> Bool {
        DecisionProcedure.allCases.allSatisfy { if case .done? = state.procedures[$0] { true } else { false } } && state.discussedOn != nil
    }
}
