import FazhiCore
import Foundation

// 政务服务事项目录 as plain values (docs/law.md §21): each item's kind, its legal and promised time
// limits in working days, and the ways it can be done — 马上办 (即办件, answered on the spot), 网上办
// (全程网办), 一次办 (at most one visit), 就近办 (at a township or village), 证明事项告知承诺.

/// The kinds of item the catalogues list (国务院关于加快推进全国一体化在线政务服务平台建设的指导意见
/// 国发〔2018〕27号 and the provincial catalogues built on it ⚠️).
public enum ServiceKind: String, Sendable, Codable, CaseIterable {
    case licence, confirmation, benefit, adjudication, award, inspection, otherPower, publicService

    public var label: String {
        switch self {
        case .licence: "行政许可"
        case .confirmation: "行政确认"
        case .benefit: "行政给付"
        case .adjudication: "行政裁决"
        case .award: "行政奖励"
        case .inspection: "行政检查"
        case .otherPower: "其他行政权力"
        case .publicService: "公共服务"
        }
    }
}

/// Where an item can be done besides the county hall.
public enum NearbyLevel: String, Sendable, Codable, CaseIterable {
    case township, village

    public var label: String {
        switch self {
        case .township: "乡镇（街道）便民服务中心"
        case .village: "村（社区）便民服务站"
        }
    }
}

/// An item as the rules see it.
public struct ServiceItemFacts: Sendable, Equatable {
    public var name: String
    public var kind: ServiceKind
    /// 法定办结时限, working days; nil where no law sets one (most public services).
    public var legalLimit: Int?
    /// 承诺办结时限, working days; 0 is 即办件.
    public var promisedLimit: Int
    public var onTheSpot: Bool
    public var fullyOnline: Bool
    /// 最多跑几次: 0 零跑动, 1 一次办.
    public var visits: Int
    public var nearby: NearbyLevel?
    public var notificationCommitment: Bool

    public init(name: String, kind: ServiceKind, legalLimit: Int?, promisedLimit: Int, onTheSpot: Bool = false, fullyOnline: Bool = false, visits: Int = 1,
                nearby: NearbyLevel? = nil, notificationCommitment: Bool = false) {
        self.name = name
        self.kind = kind
        self.legalLimit = legalLimit
        self.promisedLimit = promisedLimit
        self.onTheSpot = onTheSpot
        self.fullyOnline = fullyOnline
        self.visits = visits
        self.nearby = nearby
        self.notificationCommitment = notificationCommitment
    }

    /// 承诺件 or 即办件.
    public var immediate: Bool { promisedLimit == 0 }
}

public enum ServiceRules {
    /// 行政许可法第四十二条: a licence is decided within 20 working days (extendable by 10 with approval).
    public static let licenceLegalLimit = 20

    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// Checks an item; every refusal names the field and the rule.
    public static func check(_ item: ServiceItemFacts) throws(ValidationFailure) {
        var errors: [FieldError] = []
        func add(_ field: String, _ label: String, _ message: String) { errors.append(FieldError(field: field, label: label, message: message)) }
        if let legal = item.legalLimit {
            if !(0...365).contains(legal) { add("legalLimit", "法定办结时限", "应为0至365个工作日") }
            if item.promisedLimit > legal { add("promisedLimit", "承诺办结时限", "承诺时限不得超过法定时限（\(legal)个工作日）") }
            if item.kind == .licence && legal > licenceLegalLimit + 10 {
                add("legalLimit", "法定办结时限", "行政许可一般应在20个工作日内作出决定，经批准可延长10个工作日（行政许可法第四十二条）；法律、法规另有规定的请在名称中注明依据")
            }
        } else if item.kind == .licence {
            add("legalLimit", "法定办结时限", "行政许可须填写法定办结时限（行政许可法第四十二条：20个工作日）")
        }
        if !(0...365).contains(item.promisedLimit) { add("promisedLimit", "承诺办结时限", "应为0至365个工作日") }
        if item.onTheSpot && !item.immediate { add("onTheSpot", "马上办", "马上办事项应为即办件（承诺办结时限为0）") }
        if !(0...5).contains(item.visits) { add("visits", "最多跑几次", "应为0至5次") }
        if item.fullyOnline && item.visits > 0 { add("visits", "最多跑几次", "全程网办事项不需要到现场（零跑动），应为0次") }
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    /// The fields of two versions that differ, as the change history names them.
    public static func changes(from old: ServiceItemFacts, to new: ServiceItemFacts) -> [String] {
        var changed: [String] = []
        if old.name != new.name { changed.append("事项名称：\(old.name) → \(new.name)") }
        if old.kind != new.kind { changed.append("事项类型：\(old.kind.label) → \(new.kind.label)") }
        if old.legalLimit != new.legalLimit { changed.append("法定时限：\(old.legalLimit.map(String.init) ?? "无") → \(new.legalLimit.map(String.init) ?? "无")") }
        if old.promisedLimit != new.promisedLimit { changed.append("承诺时限：\(old.promisedLimit) → \(new.promisedLimit)个工作日") }
        if old.onTheSpot != new.onTheSpot { changed.append("马上办：\(old.onTheSpot ? "是" : "否") → \(new.onTheSpot ? "是" : "否")") }
        if old.fullyOnline != new.fullyOnline { changed.append("全程网办：\(old.fullyOnline ? "是" : "否") → \(new.fullyOnline ? "是" : "否")") }
        if old.visits != new.visits { changed.append("最多跑：\(old.visits) → \(new.visits)次") }
        if old.nearby != new.nearby { changed.append("就近办：\(old.nearby?.label ?? "否") → \(new.nearby?.label ?? "否")") }
        if old.notificationCommitment != new.notificationCommitment {
            changed.append("告知承诺：\(old.notificationCommitment ? "是" : "否") → \(new.notificationCommitment ? "是" : "否")")
        }
        return changed
    }
}
