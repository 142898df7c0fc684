import FazhiCore
import Foundation

// 考核指标 as plain values (docs/law.md §25): an indicator bound to a registered figure scores it by
// a rule — a threshold (all points at or past the target, none short of it) or a line between two
// bounds — higher or lower being better; an evidence indicator is scored by an assessor with a
// reason. Every point carries its explanation (the figure, its value, the rule).

public enum ScoringRule: Sendable, Equatable, Codable {
    /// All points when the value reaches `target` (or, lower being better, stays at or under it).
    case threshold(target: Decimal, higherIsBetter: Bool)
    /// Points in proportion between `worst` (0) and `best` (all), clamped.
    case linear(worst: Decimal, best: Decimal)
    /// Scored by an assessor from the unit's evidence.
    case evidence

    public var label: String {
        switch self {
        case .threshold(let target, let higher): "\(higher ? "达到" : "不超过")\(target)得满分，否则不得分"
        case .linear(let worst, let best): "\(worst)得0分，\(best)得满分，其间按比例"
        case .evidence: "依佐证材料评分"
        }
    }

    /// "threshold:95:higher", "threshold:5:lower", "linear:60:100", "evidence" (how a system file writes it).
    public init?(spec: String) {
        let parts = spec.split(separator: ":").map(String.init)
        switch parts.first {
        case "threshold" where parts.count == 3:
            guard let target = Decimal(string: parts[1]), ["higher", "lower"].contains(parts[2]) else { return nil }
            self = .threshold(target: target, higherIsBetter: parts[2] == "higher")
        case "linear" where parts.count == 3:
            guard let worst = Decimal(string: parts[1]), let best = Decimal(string: parts[2]), worst != best else { return nil }
            self = .linear(worst: worst, best: best)
        case "evidence" where parts.count == 1:
            self = .evidence
        default: return nil
        }
    }

    public var spec: String {
        switch self {
        case .threshold(let target, let higher): "threshold:\(target):\(higher ? "higher" : "lower")"
        case .linear(let worst, let best): "linear:\(worst):\(best)"
        case .evidence: "evidence"
        }
    }
}

/// A score and why.
public struct IndicatorScore: Sendable, Equatable {
    public var points: Decimal
    public var weight: Decimal
    public var explanation: String

    public var lost: Decimal { weight - points }
}

public enum IndicatorRules {
    /// Rounds points to two places, half up.
    static func round(_ value: Decimal) -> Decimal {
        var input = value, output = Decimal()
        NSDecimalRound(&output, &input, 2, .plain)
        return output
    }

    /// The score of a figure's value under a rule, out of `weight`. No value (no records: a unit with
    /// no such matters) makes the indicator not applicable: no points, and out of the unit's maximum too.
    public static func score(value: Decimal?, rule: ScoringRule, weight: Decimal, figure: String) -> IndicatorScore {
        guard let value else { return IndicatorScore(points: 0, weight: 0, explanation: "\(figure)无数据，本项不适用，不计入满分") }
        switch rule {
        case .threshold(let target, let higher):
            let met = higher ? value >= target : value <= target
            return IndicatorScore(points: met ? weight : 0, weight: weight,
                                  explanation: "\(figure)为\(value)，\(higher ? "应达到" : "应不超过")\(target)：\(met ? "得满分\(weight)分" : "不得分")")
        case .linear(let worst, let best):
            let share = max(0, min(1, (value - worst) / (best - worst)))
            let points = round(weight * share)
            return IndicatorScore(points: points, weight: weight, explanation: "\(figure)为\(value)，在\(worst)（0分）与\(best)（\(weight)分）之间按比例：\(points)分")
        case .evidence:
            return IndicatorScore(points: 0, weight: weight, explanation: "依佐证材料评分")
        }
    }

    /// An assessor's score of evidence: within the weight, with a reason.
    public static func assess(points: Decimal, weight: Decimal, reason: String) throws(ValidationFailure) -> IndicatorScore {
        guard points >= 0, points <= weight else { throw ValidationFailure(field: "points", label: "得分", message: "应在0至\(weight)分之间") }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationFailure(field: "reason", label: "评分理由", message: "请写明评分理由") }
        return IndicatorScore(points: round(points), weight: weight, explanation: "评分：\(reason)")
    }
}
