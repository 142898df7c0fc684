import FazhiCore

/// How the application reached the reconsideration body.
public enum ApplicationChannel: String, Codable, Sendable, CaseIterable {
    case inPerson, post, online

    public var label: String {
        switch self {
        case .inPerson: return "当面递交"
        case .post: return "邮寄"
        case .online: return "网上申请"
        }
    }
}

public enum ApplicantKind: String, Codable, Sendable, CaseIterable {
    case naturalPerson, legalPerson, otherOrganisation

    public var label: String {
        switch self {
        case .naturalPerson: return "自然人"
        case .legalPerson: return "法人"
        case .otherOrganisation: return "其他组织"
        }
    }
}

/// The challenged act's category (the breakdown the annual statistics use).
public enum ActCategory: String, Codable, Sendable, CaseIterable {
    case penalty, coerciveMeasure, licence, informationDisclosure, complaintHandling, nonPerformance, workInjury, agreement, other

    public var label: String {
        switch self {
        case .penalty: return "行政处罚"
        case .coerciveMeasure: return "行政强制"
        case .licence: return "行政许可"
        case .informationDisclosure: return "政府信息公开"
        case .complaintHandling: return "举报投诉处理"
        case .nonPerformance: return "不履行法定职责"
        case .workInjury: return "工伤认定"
        case .agreement: return "行政协议"
        case .other: return "其他"
        }
    }
}

public enum Procedure: String, Codable, Sendable, CaseIterable {
    case ordinary, summary

    public var label: String { self == .ordinary ? "普通程序" : "简易程序" }
}

/// Where the case stands.
public enum CaseStatus: String, Codable, Sendable, CaseIterable {
    /// Received; the 5-working-day acceptance review runs (行政复议法第三十条).
    case received
    /// A 补正 notice was sent; the applicant has 10 working days (第三十一条).
    case awaitingCorrection
    /// Accepted and under review (普通 or 简易).
    case underReview
    /// 中止 (第三十九条).
    case suspended
    /// Decided (or otherwise concluded); waiting to be served.
    case decided
    case served
    case archived
    /// Intake ended without acceptance.
    case refused, referred, deemedWithdrawn

    public var label: String {
        switch self {
        case .received: return "待审查受理"
        case .awaitingCorrection: return "待补正"
        case .underReview: return "审理中"
        case .suspended: return "中止"
        case .decided: return "已决定待送达"
        case .served: return "已送达"
        case .archived: return "已归档"
        case .refused: return "不予受理"
        case .referred: return "已告知向有权机关申请"
        case .deemedWithdrawn: return "逾期未补正视为撤回"
        }
    }
}

/// How a case ends, each with its article of 行政复议法 (2023).
public enum CaseOutcome: String, Codable, Sendable, CaseIterable {
    case alter, annul, annulAndRedo, declareUnlawful, orderPerformance, declareVoid
    case uphold, rejectClaim, dismissApplication
    case mediation, settlementWithdrawal, withdrawal, termination

    public var label: String {
        switch self {
        case .alter: return "变更"
        case .annul: return "撤销"
        case .annulAndRedo: return "撤销并责令重新作出"
        case .declareUnlawful: return "确认违法"
        case .orderPerformance: return "责令履行"
        case .declareVoid: return "确认无效"
        case .uphold: return "维持"
        case .rejectClaim: return "驳回复议请求"
        case .dismissApplication: return "驳回复议申请"
        case .mediation: return "调解（制作调解书）"
        case .settlementWithdrawal: return "和解后撤回申请"
        case .withdrawal: return "撤回申请"
        case .termination: return "终止"
        }
    }

    /// The article that provides for this outcome.
    public var article: String {
        switch self {
        case .alter: return "行政复议法第六十三条"
        case .annul, .annulAndRedo: return "行政复议法第六十四条"
        case .declareUnlawful: return "行政复议法第六十五条"
        case .orderPerformance: return "行政复议法第六十六条"
        case .declareVoid: return "行政复议法第六十七条"
        case .uphold: return "行政复议法第六十八条"
        case .rejectClaim: return "行政复议法第六十九条"
        case .dismissApplication: return "行政复议法第三十三条"
        case .mediation: return "行政复议法第七十三条"
        case .settlementWithdrawal: return "行政复议法第七十四条"
        case .withdrawal: return "行政复议法第四十一条第一项、第七十四条"
        case .termination: return "行政复议法第四十一条"
        }
    }

    /// 直接纠错: the decision itself corrects the act (docs/law.md §12; 确认无效 included).
    public var isDirectCorrection: Bool {
        [.alter, .annul, .annulAndRedo, .declareUnlawful, .orderPerformance, .declareVoid].contains(self)
    }

    /// 调解、和解 (docs/law.md §12 ⚠️: 调解书 + 和解后撤回).
    public var isMediationOrSettlement: Bool { self == .mediation || self == .settlementWithdrawal }

    /// A decision on the merits (决定书), as opposed to a withdrawal or termination.
    public var isDecision: Bool { !(self == .withdrawal || self == .settlementWithdrawal || self == .termination || self == .mediation) }
}
