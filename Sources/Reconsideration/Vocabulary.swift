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

/// The grounds of 中止, 行政复议法第三十九条第一款第一至十项. Only grounds 一、二、四 lead to 终止 when
/// they last sixty days (第四十一条第五项).
public enum SuspensionGround: String, Codable, Sendable, CaseIterable {
    case applicantDied, applicantIncapacitated, applicantMissing, organisationEnded, forceMajeure
    case mediationAgreed, interpretationNeeded, otherCasePending, normReview, other

    public var item: Int { Self.allCases.firstIndex(of: self)! + 1 }

    public var label: String {
        switch self {
        case .applicantDied: return "作为申请人的公民死亡，其近亲属尚未确定是否参加行政复议"
        case .applicantIncapacitated: return "作为申请人的公民丧失参加行政复议的行为能力，尚未确定法定代理人"
        case .applicantMissing: return "作为申请人的公民下落不明"
        case .organisationEnded: return "作为申请人的法人或者其他组织终止，尚未确定权利义务承受人"
        case .forceMajeure: return "申请人、被申请人因不可抗力或者其他正当理由，不能参加行政复议"
        case .mediationAgreed: return "依法进行调解、和解，申请人和被申请人同意中止"
        case .interpretationNeeded: return "涉及的法律适用问题需要有权机关作出解释或者确认"
        case .otherCasePending: return "审理需要以其他案件的审理结果为依据，而其他案件尚未审结"
        case .normReview: return "有本法第五十六条或者第五十七条规定的情形（附带审查规范性文件）"
        case .other: return "需要中止行政复议的其他情形"
        }
    }

    /// "行政复议法第三十九条第一款第N项".
    public var article: String { "行政复议法第三十九条第一款第\(["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"][item - 1])项" }

    /// 第四十一条第五项: a 中止 on grounds 一、二、四 that lasts sixty days ends the case.
    public var endsCaseAfterSixtyDays: Bool { self == .applicantDied || self == .applicantIncapacitated || self == .organisationEnded }
}

/// Why a case may take the summary procedure (行政复议法第五十三条): facts clear, rights and duties
/// clear and the dispute small, and one of the first four; or the parties' consent.
public enum SummaryGround: String, Codable, Sendable, CaseIterable {
    case onTheSpot, warningOrCriticism, smallAmount, disclosure, consent

    public var label: String {
        switch self {
        case .onTheSpot: return "被申请行政复议的行政行为是当场作出"
        case .warningOrCriticism: return "被申请行政复议的行政行为是警告或者通报批评"
        case .smallAmount: return "案件涉及款额三千元以下"
        case .disclosure: return "属于政府信息公开案件"
        case .consent: return "当事人各方同意适用简易程序"
        }
    }

    public var article: String { self == .consent ? "行政复议法第五十三条第二款" : "行政复议法第五十三条第一款" }
}

/// How a case ends, each with its article of 行政复议法 (2023).
public enum CaseOutcome: String, Codable, Sendable, CaseIterable {
    case alter, annul, annulAndRedo, declareUnlawful, orderPerformance, declareVoid
    case uphold, rejectClaim, dismissApplication
    /// 第七十一条: an administrative agreement — the respondent is ordered to conclude, perform, remedy
    /// or compensate (第一款), or to pay fair compensation for a lawful change or rescission (第二款).
    case agreementRemedy, agreementCompensation
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
        case .agreementRemedy: return "责令依法订立、继续履行行政协议、采取补救措施或者赔偿损失"
        case .agreementCompensation: return "责令依法给予合理补偿（行政协议）"
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
        case .agreementRemedy: return "行政复议法第七十一条第一款"
        case .agreementCompensation: return "行政复议法第七十一条第二款"
        case .mediation: return "行政复议法第七十三条"
        case .settlementWithdrawal: return "行政复议法第七十四条"
        case .withdrawal: return "行政复议法第四十一条第一项、第七十四条"
        case .termination: return "行政复议法第四十一条"
        }
    }

    /// 直接纠错: the decision itself corrects the act (docs/law.md §12; 确认无效 included).
    /// ⚠️ The 行政协议 outcomes of 第七十一条 order the respondent to act as the law requires, so they are
    /// counted as direct correction (docs/law.md §12).
    public var isDirectCorrection: Bool {
        [.alter, .annul, .annulAndRedo, .declareUnlawful, .orderPerformance, .declareVoid, .agreementRemedy, .agreementCompensation].contains(self)
    }

    /// A mismatch between this outcome and the case that the officer should look at again (warned,
    /// not refused: the act category may have been recorded loosely).
    public func warning(actCategory: ActCategory?) -> String? {
        switch self {
        case .orderPerformance where actCategory != .nonPerformance, .rejectClaim where actCategory != .nonPerformance:
            return "\(label)适用于被申请人不履行法定职责的案件（\(article)），本案被申请行为类别为“\(actCategory?.label ?? "未记录")”，请核对"
        case .declareVoid:
            return "确认无效适用于申请人申请确认行政行为无效、且行政行为有重大且明显违法情形的案件（行政复议法第六十七条），请核对申请人是否提出该请求"
        case .agreementRemedy where actCategory != .agreement, .agreementCompensation where actCategory != .agreement:
            return "\(label)适用于行政协议案件（\(article)），本案被申请行为类别为“\(actCategory?.label ?? "未记录")”，请核对"
        default:
            return nil
        }
    }

    /// 调解、和解 (docs/law.md §12 ⚠️: 调解书 + 和解后撤回).
    public var isMediationOrSettlement: Bool { self == .mediation || self == .settlementWithdrawal }

    /// A decision on the merits (决定书), as opposed to a withdrawal or termination.
    public var isDecision: Bool { !(self == .withdrawal || self == .settlementWithdrawal || self == .termination || self == .mediation) }
}
