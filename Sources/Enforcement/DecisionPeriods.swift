import FazhiCalendar
import FazhiCore
import FazhiDeadlines

/// 行政处罚法第六十条: a penalty is decided within ninety days of 立案, "法律、法规、规章另有规定的，
/// 从其规定". 🏷 The period is the enforcement body's domain's: each body records its domain
/// (`enforcement_bodies.domain`), the domains below carry the rule that sets their period, and an
/// installation may set another number of days per domain (`FAZHI_PENALTY_DECISION_DAYS`,
/// `market=90,public-security=30`) where a provincial 规章 says so. See docs/law.md §1.
public struct PenaltyDomain: Sendable, Hashable {
    public var key: String
    public var label: String
    public var rule: ClockRule

    /// The decision clock for a case of this domain: the kind of 第六十条, with this domain's rule.
    public func decisionClock(config: AppConfig) -> ClockKind {
        var rule = rule
        if let days = config.penaltyDecisionDays[key], rule.period != .days(days) {
            rule.period = .days(days)
            rule.basis += "（本地配置为\(days)日）"
        }
        return ClockKind(key: PenaltyClocks.decision.key, moduleID: PenaltyClocks.decision.moduleID, rule: rule)
    }
}

public enum PenaltyDomains {
    /// 行政处罚法第六十条 itself: ninety days, no extension in the law.
    public static let general = PenaltyDomain(key: "general", label: "一般（行政处罚法）", rule: PenaltyClocks.decision.rule)

    /// ⚠️ 市场监督管理行政处罚程序规定第六十四条 (as amended 2022; the article number is unverified):
    /// ninety days from 立案; the head of the department may approve thirty days more. A further
    /// extension decided collectively by the heads "for a reasonable period" has no fixed length and
    /// is recorded as a second extension of the length decided; ⚠️ the platform caps the two at 366
    /// days in all.
    public static let market = PenaltyDomain(key: "market", label: "市场监管", rule: ClockRule(
        title: "作出行政处罚决定", period: .days(90), basis: "行政处罚法第六十条；市场监督管理行政处罚程序规定第六十四条",
        extensionLimit: ExtensionLimit(maxCount: 2, maxPeriod: .days(366), basis: "市场监督管理行政处罚程序规定第六十四条（经负责人批准延长三十日；经集体讨论可继续延期）")))

    /// ⚠️ 治安管理处罚法 (the 2012 text, 第九十九条; the article number differs in the revision in force
    /// from 2026): a 治安 case is handled within thirty days of 受理 (the platform counts from 立案), and
    /// the next-higher public-security organ may approve thirty days more.
    public static let publicSecurity = PenaltyDomain(key: "public-security", label: "治安管理", rule: ClockRule(
        title: "作出治安管理处罚决定", period: .days(30), basis: "行政处罚法第六十条；治安管理处罚法（办理治安案件的期限）",
        extensionLimit: ExtensionLimit(maxCount: 1, maxPeriod: .days(30), basis: "治安管理处罚法（经上一级公安机关批准延长三十日）")))

    public static let all = [general, market, publicSecurity]

    /// The domain of a key; an unknown or missing key is the general rule.
    public static func domain(_ key: String?) -> PenaltyDomain { all.first { $0.key == key } ?? general }

    /// A domain named by its key or its label (as an import or a form gives it).
    public static func named(_ text: String) -> PenaltyDomain? {
        let text = text.trimmingCharacters(in: .whitespaces)
        return all.first { $0.key == text || $0.label == text || $0.label.hasPrefix(text) && !text.isEmpty }
    }
}
