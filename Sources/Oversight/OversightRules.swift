import FazhiCalendar
import FazhiCore
import Foundation

// 法治督察 (法治政府建设与责任落实督察工作规定, 厅字〔2019〕28号) as plain values (docs/law.md §23): an
// inspection's findings, each with a rectification period (🏷 `oversight.rectify-days`, 30 days by
// default), the unit's rectification with its evidence, 销号 by the inspector only, a rejected
// rectification returned with a new period, 约谈 and 通报 recorded.

/// Where an inspection comes from: the county's own plan, a special one, or a higher level's feedback.
public enum InspectionKind: String, Sendable, Codable, CaseIterable {
    case annual, special, central, provincial, city

    public var label: String {
        switch self {
        case .annual: "年度督察"
        case .special: "专项督察"
        case .central: "中央依法治国办督察反馈"
        case .provincial: "省级督察反馈"
        case .city: "市级督察反馈"
        }
    }
}

/// A finding's subject (the chapters of the 督察 规定's content ⚠️ a working list).
public enum FindingCategory: String, Sendable, Codable, CaseIterable {
    case leadership, decisions, documents, enforcement, reconsideration, openness, disputes, other

    public var label: String {
        switch self {
        case .leadership: "第一责任人职责和组织领导"
        case .decisions: "重大行政决策"
        case .documents: "行政规范性文件"
        case .enforcement: "行政执法"
        case .reconsideration: "行政复议和应诉"
        case .openness: "政务公开"
        case .disputes: "矛盾纠纷化解"
        case .other: "其他"
        }
    }
}

public enum FindingStatus: String, Sendable, Codable, CaseIterable {
    case open, submitted, closed

    public var label: String {
        switch self {
        case .open: "整改中"
        case .submitted: "已报整改情况，待销号"
        case .closed: "已销号"
        }
    }
}

public struct FindingState: Sendable, Equatable {
    public var foundOn: CivilDate
    public var dueOn: CivilDate
    public var status: FindingStatus = .open
    public var submittedOn: CivilDate?
    public var evidence: String?
    public var closedOn: CivilDate?
    /// How many times a rectification was sent back.
    public var returns = 0
    /// The last 复查 of a closed finding, and how many found the problem back (反弹).
    public var recheckedOn: CivilDate?
    public var rebounds = 0

    public init(foundOn: CivilDate, dueOn: CivilDate) {
        self.foundOn = foundOn
        self.dueOn = dueOn
    }
}

public enum FindingStep: Sendable, Equatable {
    /// The inspected unit reports its rectification, with the evidence.
    case submit(on: CivilDate, evidence: String)
    /// 销号: the inspector accepts the rectification.
    case close(on: CivilDate)
    /// The inspector sends it back, with the reason and a new period in days.
    case sendBack(on: CivilDate, reason: String, days: Int)
    /// 约谈 or 通报 over this finding.
    case talk(on: CivilDate, note: String)
    case notice(on: CivilDate, note: String)
    /// 复查 of a closed finding: the rectification held, or the problem is back and the finding
    /// reopens with a new period in days.
    case recheck(on: CivilDate, held: Bool, note: String, days: Int)
}

public struct FindingFacts: Sendable {
    public var today: CivilDate
    /// The step is the inspector's (销号, sending back, 约谈, 通报), not the inspected unit's.
    public var isInspector: Bool

    public init(today: CivilDate, isInspector: Bool) {
        self.today = today
        self.isInspector = isInspector
    }
}

public enum OversightRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// The rectification's last day: `days` calendar days after the finding (民事诉讼法第八十五条's rest-day rule).
    public static func due(from: CivilDate, days: Int, calendar: WorkCalendar) -> CivilDate {
        Clock(rule: ClockRule(title: "督察整改", period: .days(days), basis: "法治政府建设与责任落实督察工作规定"), start: CivilDateTime(date: from),
              startReason: "督察发现问题", events: []).dueDate(calendar: calendar) ?? from.adding(days: days)
    }

    public static func apply(_ step: FindingStep, to current: FindingState, facts: FindingFacts, calendar: WorkCalendar) throws(ValidationFailure)
        -> (state: FindingState, warnings: [String], detail: String) {
        var state = current
        var warnings: [String] = []
        let detail: String
        func dated(_ on: CivilDate, after start: CivilDate, _ what: String) throws(ValidationFailure) {
            guard on <= facts.today else { throw fail("on", "日期", "不能晚于今天") }
            guard on >= start else { throw fail("on", "日期", "不能早于\(what)（\(start)）") }
        }
        switch step {
        case .submit(let on, let evidence):
            guard state.status == .open else { throw fail("action", "操作", state.status == .closed ? "已销号" : "已报送整改情况，待督察机构销号") }
            guard !facts.isInspector else { throw fail("action", "操作", "整改情况由被督察单位报送") }
            try dated(on, after: state.foundOn, "发现问题日期")
            let text = evidence.trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.count >= 10 else { throw fail("evidence", "整改情况和佐证", "须写明整改措施和佐证材料（至少10字），销号以佐证为据") }
            if on > state.dueOn { warnings.append("逾期整改：整改期限至\(state.dueOn)") }
            state.status = .submitted
            state.submittedOn = on
            state.evidence = text
            detail = "报送整改情况：\(text)"
        case .close(let on):
            guard facts.isInspector else { throw fail("action", "操作", "销号由督察机构确认") }
            guard state.status == .submitted, let submitted = state.submittedOn else { throw fail("action", "操作", "被督察单位报送整改情况后才能销号") }
            try dated(on, after: submitted, "报送日期")
            state.status = .closed
            state.closedOn = on
            detail = "销号"
        case .sendBack(let on, let reason, let days):
            guard facts.isInspector else { throw fail("action", "操作", "退回整改由督察机构决定") }
            guard state.status == .submitted, let submitted = state.submittedOn else { throw fail("action", "操作", "只能退回已报送的整改情况") }
            try dated(on, after: submitted, "报送日期")
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("reason", "退回理由", "请写明整改不到位之处") }
            guard (1...180).contains(days) else { throw fail("days", "重新整改期限", "应为1至180日") }
            state.status = .open
            state.submittedOn = nil
            state.evidence = nil
            state.returns += 1
            state.dueOn = due(from: on, days: days, calendar: calendar)
            detail = "退回重新整改（\(reason)），期限至\(state.dueOn)"
        case .recheck(let on, let held, let note, let days):
            guard facts.isInspector else { throw fail("action", "操作", "复查由督察机构开展") }
            guard state.status == .closed, let closed = state.closedOn else { throw fail("action", "操作", "销号后才能复查") }
            try dated(on, after: closed, "销号日期")
            guard !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("note", "说明", "请写明复查发现的情况") }
            state.recheckedOn = on
            if held {
                detail = "复查：整改成效巩固（\(note)）"
            } else {
                guard (1...180).contains(days) else { throw fail("days", "重新整改期限", "应为1至180日") }
                state.status = .open
                state.closedOn = nil
                state.submittedOn = nil
                state.evidence = nil
                state.rebounds += 1
                state.dueOn = due(from: on, days: days, calendar: calendar)
                detail = "复查发现问题反弹（\(note)），撤销销号，重新整改，期限至\(state.dueOn)"
            }
        case .talk(let on, let note), .notice(let on, let note):
            guard facts.isInspector else { throw fail("action", "操作", "约谈、通报由督察机构作出") }
            try dated(on, after: state.foundOn, "发现问题日期")
            guard !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("note", "说明", "请写明约谈对象或通报内容") }
            if case .talk = step { detail = "约谈：\(note)" } else { detail = "通报：\(note)" }
        }
        return (state, warnings, detail)
    }
}
