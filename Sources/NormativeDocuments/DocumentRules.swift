import FazhiCalendar
import FazhiCore
import Foundation

// 行政规范性文件 (normative documents) from draft to filing, as plain values: `DocumentService` loads
// a document, applies these and writes the result, its clocks and the audit row in one transaction,
// as the other modules do (docs/modules.md §4). docs/law.md §15.
//
// Sources (docs/law.md §15): 国办发〔2018〕37号 (public consultation, 三统一 registration,
// numbering and publication, a document not published cannot be relied on, regular 清理) ⚠️;
// 国办发〔2018〕115号 (合法性审核 before 集体审议, "一般不少于5个工作日，最长不超过15个工作日") ⚠️;
// 法规规章备案审查条例第二十五条 (filing of 规范性文件 is set by each province) 🏷; validity periods 🏷.

/// Where a document stands in its procedure.
public enum DocumentStage: String, Sendable, Codable, CaseIterable {
    case drafting
    case consulting
    case reviewing
    case reviewed
    case deliberated
    case published
    case repealed

    public var label: String {
        switch self {
        case .drafting: "起草中"
        case .consulting: "征求意见中"
        case .reviewing: "合法性审核中"
        case .reviewed: "已通过合法性审核"
        case .deliberated: "已集体审议"
        case .published: "已公布"
        case .repealed: "已废止"
        }
    }
}

/// What a 清理 campaign decided for one document.
public enum CleanupResult: String, Sendable, Codable, CaseIterable {
    case keep, amend, repeal, invalidate

    public var label: String {
        switch self {
        case .keep: "继续有效"
        case .amend: "需要修改"
        case .repeal: "废止"
        case .invalidate: "宣布失效"
        }
    }
}

/// The periods a province sets (🏷) with the national defaults, each with its basis for the page.
public struct DocumentRuleSettings: Sendable, Equatable {
    /// Public comment on a document that affects rights and duties (⚠️ 国办发〔2018〕37号: 一般不少于7个工作日).
    public var consultation = Period.workdays(7)
    /// The legality review's minimum (the drafting unit leaves the reviewer at least this) and its
    /// time limit (⚠️ 国办发〔2018〕115号: 一般不少于5个工作日，最长不超过15个工作日).
    public var reviewMinimum = Period.workdays(5)
    public var reviewLimit = Period.workdays(15)
    /// 备案 to the filing bodies after publication (🏷; seen: 15 days, 30 days, 3 working days).
    public var filing = Period.days(30)
    /// Validity (🏷): 一般不超过5年; 暂行、试行 2 years.
    public var validityYears = 5
    public var provisionalValidityYears = 2

    public init() {}
}

/// A normative document as the rules see it.
public struct DocumentState: Sendable, Equatable {
    public var title: String
    public var stage: DocumentStage = .drafting
    /// 涉及公民、法人和其他组织权利义务: public comment is required.
    public var affectsRights: Bool
    /// 暂行、试行: the shorter validity.
    public var provisional: Bool
    public var consultationFrom: CivilDate?
    public var consultationDue: CivilDate?
    public var consultationClosedOn: CivilDate?
    /// Why a document that affects rights was not put out for comment (a recorded legal reason).
    public var consultationExemption: String?
    public var reviewSubmittedOn: CivilDate?
    public var reviewOpinionOn: CivilDate?
    public var reviewPassed: Bool?
    public var deliberatedOn: CivilDate?
    public var number: String?
    public var publishedOn: CivilDate?
    public var effectiveOn: CivilDate?
    public var validUntil: CivilDate?
    public var filedOn: CivilDate?
    public var filingDue: CivilDate?
    public var repealedOn: CivilDate?
    /// 宣布失效: the day it was declared no longer in force (清理), with the reason.
    public var invalidatedOn: CivilDate?
    /// 已修改: the day a later document amending it was published.
    public var amendedOn: CivilDate?
    /// The filing body's 备案审查 result.
    public var filingReview: String?

    public init(title: String, affectsRights: Bool, provisional: Bool = false) {
        self.title = title
        self.affectsRights = affectsRights
        self.provisional = provisional
    }
}

/// One step of a document's procedure.
public enum DocumentAction: Sendable, Equatable {
    /// Put the draft out for public comment from `on`.
    case consult(on: CivilDate)
    /// Close the comment period with the summary of opinions and how they were taken up (采纳情况).
    case closeConsultation(on: CivilDate, summary: String)
    /// Go without public comment: only with a recorded reason (for a document that affects rights,
    /// a reason the law accepts, such as 涉及国家秘密 or an emergency).
    case skipConsultation(reason: String)
    /// Send the draft to the justice bureau for 合法性审核.
    case submitReview(on: CivilDate)
    /// The bureau's opinion: passed or not, with its text.
    case reviewOpinion(on: CivilDate, passed: Bool, opinion: String)
    /// 集体审议 by the government's (or department's) meeting.
    case deliberate(on: CivilDate, meeting: String)
    /// 三统一: registered, numbered and published; in force from `effectiveOn`.
    case publish(on: CivilDate, number: String, effectiveOn: CivilDate)
    /// 备案 with the filing bodies.
    case file(on: CivilDate)
    case repeal(on: CivilDate, reason: String)
    /// 宣布失效 (a 清理 result): no longer in force from `on`.
    case declareInvalid(on: CivilDate, reason: String)
    /// The filing body's 备案审查 result.
    case filingReview(on: CivilDate, result: String)

    public var date: CivilDate? {
        switch self {
        case .consult(let on), .closeConsultation(let on, _), .submitReview(let on), .reviewOpinion(let on, _, _), .deliberate(let on, _),
             .publish(let on, _, _), .file(let on), .repeal(let on, _), .declareInvalid(let on, _), .filingReview(let on, _):
            on
        case .skipConsultation:
            nil
        }
    }
}

/// What a step did besides the new state: timeline text and the clocks to open or close.
public struct DocumentStep: Sendable, Equatable {
    public var state: DocumentState
    public var detail: String
    /// Late but recorded (a review past its limit, a filing past its period): shown and counted.
    public var warnings: [String] = []
}

public enum DocumentRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    static func blank(_ text: String) -> Bool { text.trimmingCharacters(in: .whitespaces).isEmpty }

    /// The last day of `period` from `start` on the calendar.
    static func due(_ period: Period, from start: CivilDate, title: String, basis: String, calendar: WorkCalendar) -> CivilDate? {
        Clock(rule: ClockRule(title: title, period: period, basis: basis), start: CivilDateTime(date: start)).dueDate(calendar: calendar)
    }

    /// Checks `action` against the document and the procedure; returns the document after it, or
    /// throws the refusal with its basis.
    public static func apply(_ action: DocumentAction, to current: DocumentState, today: CivilDate, calendar: WorkCalendar,
                             settings: DocumentRuleSettings = DocumentRuleSettings()) throws(ValidationFailure) -> DocumentStep {
        if let date = action.date, date > today { throw fail("on", "日期", "不能晚于今天") }
        var state = current
        var detail = ""
        var warnings: [String] = []
        if state.stage == .repealed { throw fail("action", "操作", "文件已废止（\(state.repealedOn?.description ?? "")），不能再办理") }
        switch action {
        case .consult(let on):
            guard state.stage == .drafting else { throw fail("action", "操作", "只有起草中的文件可以征求意见（当前：\(state.stage.label)）") }
            guard let due = due(settings.consultation, from: on, title: "征求意见", basis: "国办发〔2018〕37号", calendar: calendar) else {
                throw fail("on", "日期", "工作日历未覆盖\(on)之后的日期，请先导入工作日历")
            }
            state.stage = .consulting
            state.consultationFrom = on
            state.consultationDue = due
            detail = "公开征求意见，期限至\(due)（\(settings.consultation.chinese)）"
        case .closeConsultation(let on, let summary):
            guard state.stage == .consulting, let from = state.consultationFrom, let due = state.consultationDue else {
                throw fail("action", "操作", "文件不在征求意见期间")
            }
            guard on >= due else {
                throw fail("on", "日期", "征求意见期限不得少于\(settings.consultation.chinese)（国办发〔2018〕37号），\(from)起算的期限至\(due)届满")
            }
            guard !blank(summary) else { throw fail("summary", "采纳情况", "须写明意见的采纳情况，并向社会公布") }
            state.stage = .drafting
            state.consultationClosedOn = on
            detail = "征求意见结束：\(summary)"
        case .skipConsultation(let reason):
            guard state.stage == .drafting, state.consultationClosedOn == nil else { throw fail("action", "操作", "只有起草中且未征求意见的文件可以记录不征求意见的理由") }
            guard !blank(reason) else {
                throw fail("reason", "理由", state.affectsRights
                    ? "涉及公民、法人和其他组织权利义务的文件应当公开征求意见（国办发〔2018〕37号）；不征求意见须写明法定理由"
                    : "须写明不征求意见的理由")
            }
            state.consultationExemption = reason
            detail = "不公开征求意见：\(reason)"
        case .submitReview(let on):
            guard state.stage == .drafting else { throw fail("action", "操作", "只有起草完成的文件可以送审（当前：\(state.stage.label)）") }
            if state.affectsRights && state.consultationClosedOn == nil && state.consultationExemption == nil {
                throw fail("action", "操作", "涉及公民、法人和其他组织权利义务的文件，应当先公开征求意见（国办发〔2018〕37号），或记录不征求意见的法定理由")
            }
            if let closed = state.consultationClosedOn, on < closed { throw fail("on", "日期", "送审日期不能早于征求意见结束日期 \(closed)") }
            state.stage = .reviewing
            state.reviewSubmittedOn = on
            detail = "送司法行政部门合法性审核"
        case .reviewOpinion(let on, let passed, let opinion):
            guard state.stage == .reviewing, let submitted = state.reviewSubmittedOn else { throw fail("action", "操作", "文件未送合法性审核") }
            guard on >= submitted else { throw fail("on", "日期", "审核意见日期不能早于送审日期 \(submitted)") }
            guard !blank(opinion) else { throw fail("opinion", "审核意见", "须写明审核意见") }
            if let limit = due(settings.reviewLimit, from: submitted, title: "合法性审核", basis: "国办发〔2018〕115号", calendar: calendar), on > limit {
                warnings.append("审核超过\(settings.reviewLimit.chinese)（国办发〔2018〕115号：最长不超过15个工作日），期限至\(limit)")
            }
            state.reviewOpinionOn = on
            state.reviewPassed = passed
            // Not passed: back to the drafting unit, which revises and submits again.
            state.stage = passed ? .reviewed : .drafting
            detail = (passed ? "合法性审核通过：" : "合法性审核未通过，退回修改：") + opinion
        case .deliberate(let on, let meeting):
            guard state.stage == .reviewed, let submitted = state.reviewSubmittedOn, let opinionOn = state.reviewOpinionOn else {
                throw fail("action", "操作", "未经合法性审核或者经审核不合法的，不得提交集体审议（国办发〔2018〕115号）")
            }
            guard on >= opinionOn else { throw fail("on", "日期", "集体审议日期不能早于审核意见日期 \(opinionOn)") }
            // The reviewer is given its minimum time: a deliberation earlier than that means the
            // review was rushed (⚠️ 国办发〔2018〕115号: 一般不少于5个工作日).
            if let minimum = due(settings.reviewMinimum, from: submitted, title: "合法性审核", basis: "国办发〔2018〕115号", calendar: calendar), on < minimum {
                throw fail("on", "日期", "合法性审核时间一般不少于\(settings.reviewMinimum.chinese)（国办发〔2018〕115号），\(submitted)送审的文件\(minimum)后方可集体审议")
            }
            guard !blank(meeting) else { throw fail("meeting", "会议", "须写明审议的会议（常务会议、办公会议等）") }
            state.stage = .deliberated
            state.deliberatedOn = on
            detail = "经\(meeting)集体审议通过"
        case .publish(let on, let number, let effectiveOn):
            guard state.stage == .deliberated, let deliberated = state.deliberatedOn else {
                throw fail("action", "操作", "未经集体审议的文件不得公布")
            }
            guard on >= deliberated else { throw fail("on", "日期", "公布日期不能早于集体审议日期 \(deliberated)") }
            guard !blank(number) else { throw fail("number", "文号", "规范性文件统一登记、统一编号、统一印发（国办发〔2018〕37号），须有文号") }
            guard effectiveOn >= on else { throw fail("effectiveOn", "施行日期", "未经公布的文件不得作为行政管理依据，施行日期不能早于公布日期 \(on)") }
            guard let filingDue = due(settings.filing, from: on, title: "备案", basis: "法规规章备案审查条例第二十五条及本省规定", calendar: calendar) else {
                throw fail("on", "日期", "工作日历未覆盖\(on)之后的日期，请先导入工作日历")
            }
            state.stage = .published
            state.number = number
            state.publishedOn = on
            state.effectiveOn = effectiveOn
            let years = state.provisional ? settings.provisionalValidityYears : settings.validityYears
            state.validUntil = effectiveOn.adding(months: 12 * years).adding(days: -1)
            state.filingDue = filingDue
            detail = "以\(number)公布，\(effectiveOn)起施行，有效期至\(state.validUntil!)；应于\(filingDue)前报送备案"
        case .file(let on):
            guard state.stage == .published, let published = state.publishedOn else { throw fail("action", "操作", "公布后才能报送备案") }
            guard state.filedOn == nil else { throw fail("action", "操作", "已于\(state.filedOn!)报送备案") }
            guard on >= published else { throw fail("on", "日期", "备案日期不能早于公布日期 \(published)") }
            if let filingDue = state.filingDue, on > filingDue {
                warnings.append("逾期报送备案：应于\(filingDue)前报送（本省规定的期限）")
            }
            state.filedOn = on
            detail = "报送备案"
        case .repeal(let on, let reason):
            guard state.stage == .published, let published = state.publishedOn else { throw fail("action", "操作", "只有已公布的文件可以废止") }
            guard on >= published else { throw fail("on", "日期", "废止日期不能早于公布日期 \(published)") }
            guard !blank(reason) else { throw fail("reason", "理由", "须写明废止的理由（清理结果、上位法修改等）") }
            state.stage = .repealed
            state.repealedOn = on
            detail = "废止：\(reason)"
        case .declareInvalid(let on, let reason):
            guard state.stage == .published, let published = state.publishedOn else { throw fail("action", "操作", "只有已公布的文件可以宣布失效") }
            guard state.invalidatedOn == nil else { throw fail("action", "操作", "已于\(state.invalidatedOn!)宣布失效") }
            guard on >= published else { throw fail("on", "日期", "失效日期不能早于公布日期 \(published)") }
            guard !blank(reason) else { throw fail("reason", "理由", "须写明宣布失效的理由（清理结果等）") }
            state.invalidatedOn = on
            // No longer in force from `on`: its validity ends the day before.
            if state.validUntil.map({ $0 >= on }) ?? true { state.validUntil = on.adding(days: -1) }
            detail = "宣布失效：\(reason)"
        case .filingReview(_, let result):
            guard state.filedOn != nil else { throw fail("action", "操作", "报送备案后才能记录备案审查结果") }
            guard !blank(result) else { throw fail("result", "备案审查结果", "须写明备案审查结果") }
            state.filingReview = result
            detail = "备案审查结果：\(result)"
        }
        return DocumentStep(state: state, detail: detail, warnings: warnings)
    }

    /// A 清理 campaign's verdict on a document: kept (保留), to be amended (修改), repealed (废止) or
    /// declared invalid (宣布失效); each but 保留 with its reason (国办发〔2018〕37号: 定期清理 ⚠️).
    public static func checkCleanup(_ result: CleanupResult, reason: String, state: DocumentState, on day: CivilDate) throws(ValidationFailure) {
        guard state.stage == .published, ["现行有效", "尚未施行"].contains(standing(state, on: day)) else {
            throw fail("document", "文件", "只有现行有效的文件参加清理（当前：\(standing(state, on: day))）")
        }
        if result != .keep && blank(reason) { throw fail("reason", "理由", "清理结果为“\(result.label)”的，须写明理由") }
    }

    /// A draft's text is saved as a new version only while the drafting unit holds it: the text put
    /// out for comment, the one under review and the one published are the texts they were (a
    /// document changed after its review needs a new review: 国办发〔2018〕115号 ⚠️).
    public static func checkRevision(_ state: DocumentState) throws(ValidationFailure) {
        guard state.stage == .drafting else {
            throw fail("body", "文本", "只有起草中的文件可以修改文本（当前：\(state.stage.label)）；征求意见、审核中和已公布的文本不能改动，修改须退回起草后重新履行程序（国办发〔2018〕115号）")
        }
    }

    /// An opinion from the public is taken while the draft is open for comment: from the day it was
    /// put out through the last day of its period (国办发〔2018〕37号 ⚠️).
    public static func checkComment(_ state: DocumentState, today: CivilDate) throws(ValidationFailure) {
        guard state.stage == .consulting, let from = state.consultationFrom, let due = state.consultationDue else {
            throw fail("body", "意见", "该文件当前未公开征求意见")
        }
        guard today >= from else { throw fail("body", "意见", "征求意见自\(from)开始") }
        guard today <= due else { throw fail("body", "意见", "征求意见已于\(due)截止") }
    }

    /// The document's standing on a day (现行有效, 尚未施行, 已失效, 已废止), for lists and the public library.
    public static func standing(_ state: DocumentState, on day: CivilDate) -> String {
        if let repealed = state.repealedOn, repealed <= day { return "已废止" }
        guard state.stage == .published || state.stage == .repealed, let effective = state.effectiveOn else { return "未公布" }
        if let amended = state.amendedOn, amended <= day { return "已修改" }
        if day < effective { return "尚未施行" }
        if let until = state.validUntil, day > until { return "已失效" }
        return "现行有效"
    }
}
