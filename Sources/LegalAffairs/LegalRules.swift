import FazhiCalendar
import FazhiCore
import Foundation

// 合法性审查 of contracts, 行政协议 and other matters the government sends the justice bureau, and
// the 法律顾问 / 公职律师 rosters, as plain values (docs/legal.md; the law: docs/law.md §17).

/// What a review in the justice bureau's queue is of. Documents and major decisions are reviewed in
/// their own modules and appear in the same queue.
public enum ReviewKind: String, Sendable, Codable, CaseIterable {
    /// 行政协议 (行政诉讼法第十二条第一款第十一项).
    case agreement
    /// Other contracts the government or a department signs (民事合同).
    case contract
    /// 其他事项: a matter the government sends for a legal opinion.
    case other

    public var label: String {
        switch self {
        case .agreement: "行政协议"
        case .contract: "合同"
        case .other: "其他事项"
        }
    }

    /// Whether an amount (合同金额) belongs to it.
    public var hasAmount: Bool { self != .other }
}

/// The review periods a province sets (🏷), with a default where none is set.
public struct LegalRuleSettings: Sendable, Equatable {
    /// The review of a contract or other matter (🏷; ⚠️ local rules seen: 5 to 7 working days; default 7).
    public var review = Period.workdays(7)
    /// How long before an adviser's contract ends the roster warns (days).
    public var expiryWarningDays = 60

    public init() {}
}

/// A review as the rules see it.
public struct ReviewState: Sendable, Equatable {
    public var kind: ReviewKind
    public var submittedOn: CivilDate
    public var opinionOn: CivilDate?
    public var opinion: String?
    /// Whether the submitting unit took the opinion up (采纳), recorded after the opinion.
    public var adopted: Bool?

    public init(kind: ReviewKind, submittedOn: CivilDate) {
        self.kind = kind
        self.submittedOn = submittedOn
    }
}

public enum ReviewAction: Sendable, Equatable {
    case opinion(on: CivilDate, text: String)
    case adoption(adopted: Bool)
}

public enum LegalRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// The amount of a contract in 万元 as written ("1250.5"), to whole 元: at most 4 decimal places,
    /// not negative, at most 1,000,000 万元 (100 亿元), so sums stay exact in 64 bits.
    public static func amountYuan(_ text: String, kind: ReviewKind) throws(ValidationFailure) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty {
            if kind.hasAmount { throw fail("amount", "金额（万元）", "\(kind.label)须填写合同金额（万元）") }
            return nil
        }
        guard trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), trimmed.filter({ $0 == "." }).count <= 1,
              let value = Decimal(string: trimmed), trimmed.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first.map({ $0.count <= 4 }) ?? true
        else { throw fail("amount", "金额（万元）", "应为非负数，最多四位小数（单位：万元）") }
        guard value <= 1_000_000 else { throw fail("amount", "金额（万元）", "不能超过1000000万元") }
        return NSDecimalNumber(decimal: value * 10_000).int64Value
    }

    /// A step of a review: the opinion (dated between submission and today, with its text), then
    /// whether it was adopted.
    public static func apply(_ action: ReviewAction, to current: ReviewState, today: CivilDate) throws(ValidationFailure) -> ReviewState {
        var state = current
        switch action {
        case .opinion(let on, let text):
            guard state.opinionOn == nil else { throw fail("action", "操作", "已于\(state.opinionOn!)出具审查意见") }
            guard on >= state.submittedOn, on <= today else { throw fail("on", "日期", "应在送审日期 \(state.submittedOn) 与今天之间") }
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "审查意见", "须写明审查意见") }
            state.opinionOn = on
            state.opinion = text
        case .adoption(let adopted):
            guard state.opinionOn != nil else { throw fail("action", "操作", "出具审查意见后才能记录采纳情况") }
            state.adopted = adopted
        }
        return state
    }

    /// An adviser's term as written: the end not before the start.
    public static func checkTerm(from: CivilDate, to: CivilDate) throws(ValidationFailure) {
        guard to >= from else { throw fail("termTo", "聘期截止", "不能早于聘期开始日期 \(from)") }
    }

    /// Whether a term is in force on `day`.
    public static func serving(from: CivilDate, to: CivilDate, on day: CivilDate) -> Bool { from <= day && day <= to }

    /// Whether a term in force ends within the warning period (续聘 or a new adviser is due).
    public static func expiring(to: CivilDate, on day: CivilDate, settings: LegalRuleSettings = LegalRuleSettings()) -> Bool {
        day <= to && to <= day.adding(days: settings.expiryWarningDays)
    }
}
