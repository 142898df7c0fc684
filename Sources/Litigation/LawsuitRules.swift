import FazhiCalendar
import FazhiCore
import Foundation

// 行政应诉 steps as plain values; `LawsuitService` loads the lawsuit, applies these and writes the
// result, its clock and the audit row in one transaction. docs/law.md §9.

/// A lawsuit as the rules see it.
public struct LawsuitState: Sendable, Equatable {
    public var filedOn: CivilDate
    public var defenceOn: CivilDate?
    public var judgment: Judgment?

    public init(filedOn: CivilDate, defenceOn: CivilDate? = nil, judgment: Judgment? = nil) {
        self.filedOn = filedOn
        self.defenceOn = defenceOn
        self.judgment = judgment
    }
}

/// Who appeared for the agency at a court session.
public struct Appearance: Sendable, Equatable {
    public var headAppeared: Bool
    public var headName: String?
    public var headPost: String?
    public var substitute: String?

    public init(headAppeared: Bool, headName: String?, headPost: String?, substitute: String?) {
        self.headAppeared = headAppeared
        self.headName = headName
        self.headPost = headPost
        self.substitute = substitute
    }
}

public enum LawsuitRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    static func blank(_ text: String?) -> Bool { (text ?? "").trimmingCharacters(in: .whitespaces).isEmpty }

    /// 行政诉讼法第六十七条第一款: the defence, once, between filing and today.
    public static func fileDefence(on date: CivilDate, to state: LawsuitState, today: CivilDate) throws(ValidationFailure) -> LawsuitState {
        guard date <= today, date >= state.filedOn else { throw fail("on", "日期", "应在立案日期与今天之间") }
        if let filed = state.defenceOn { throw fail("on", "日期", "已于\(filed)提交答辩") }
        var next = state
        next.defenceOn = date
        return next
    }

    /// A court session: the head appears (named, with a post that makes them a 负责人, 行诉解释第一百二十八条),
    /// or the agency's own staff member stands in (行政诉讼法第三条第三款). Every problem at once.
    public static func hearing(on heldOn: CivilDate, appearance: Appearance, to state: LawsuitState, today: CivilDate) throws(ValidationFailure) -> Appearance {
        var validator = Validator()
        if heldOn > today { validator.add("heldOn", "开庭日期", "不能晚于今天") }
        if heldOn < state.filedOn { validator.add("heldOn", "开庭日期", "不能早于立案日期") }
        if appearance.headAppeared {
            if blank(appearance.headName) { validator.add("headName", "出庭负责人", "负责人出庭的，须写明姓名") }
            if blank(appearance.headPost) { validator.add("headPost", "职务", "须写明职务（行政诉讼法司法解释第一百二十八条：正职、副职负责人及其他参与分管的负责人）") }
        } else if blank(appearance.substitute) {
            validator.add("substitute", "代为出庭人员", "负责人不能出庭的，应当委托行政机关相应的工作人员出庭（行政诉讼法第三条第三款），须写明")
        }
        if !validator.errors.isEmpty { throw ValidationFailure(validator.errors) }
        // Only what applies is kept: a head's name and post, or the substitute.
        return appearance.headAppeared
            ? Appearance(headAppeared: true, headName: appearance.headName, headPost: appearance.headPost, substitute: nil)
            : Appearance(headAppeared: false, headName: nil, headPost: nil, substitute: appearance.substitute)
    }

    /// The judgment, once, between filing and today.
    public static func recordJudgment(_ judgment: Judgment, on date: CivilDate, to state: LawsuitState, today: CivilDate) throws(ValidationFailure) -> LawsuitState {
        guard date <= today, date >= state.filedOn else { throw fail("on", "日期", "应在立案日期与今天之间") }
        if let recorded = state.judgment { throw fail("judgment", "裁判结果", "已记录裁判结果：\(recorded.label)") }
        var next = state
        next.judgment = judgment
        return next
    }
}
