import FazhiCalendar
import FazhiCore
import Foundation

// 人民调解 (人民调解法, 2010) as plain values (docs/law.md §22): a dispute from intake through
// sessions to an agreement (written or oral, 第二十八条至第三十一条) or the end of mediation with the
// other routes told (第二十六条), escalation to the level above, 司法确认 applied for within 30 days of
// the agreement taking effect (第三十三条), performance followed up and 回访.

/// The level of a mediation body (三级: county centre, township or street, village or community),
/// or a 行业性、专业性 body.
public enum MediationLevel: String, Sendable, Codable, CaseIterable {
    case county, township, village, professional
    /// A department's 行政调解 and 行政裁决, recorded alike (issue 19): not 人民调解, but counted beside it.
    case administrative, adjudication

    public var label: String {
        switch self {
        case .county: "县（区）级"
        case .township: "乡镇（街道）级"
        case .village: "村（社区）级"
        case .professional: "行业性、专业性"
        case .administrative: "行政调解"
        case .adjudication: "行政裁决"
        }
    }

    /// The level a dispute goes up to when this one cannot settle it.
    public var above: MediationLevel? {
        switch self {
        case .village: .township
        case .township, .professional: .county
        case .county, .administrative, .adjudication: nil
        }
    }
}

/// Where a dispute came from (the counts by source: 主动排查, 申请, 移交/委托 — 诉调、警调、访调对接).
public enum DisputeSource: String, Sendable, Codable, CaseIterable {
    case screening, application, court, police, petition, hotline, referral

    public var label: String {
        switch self {
        case .screening: "排查发现（主动调解）"
        case .application: "当事人申请"
        case .court: "法院委派、委托（诉调对接）"
        case .police: "公安移交（警调对接）"
        case .petition: "信访移交（访调对接）"
        case .hotline: "12345热线转办"
        case .referral: "其他单位移交"
        }
    }
}

/// The dispute types of the counties' statistics (黄石's 15, docs/mediation.md §3 ⚠️ the 司法部 form
/// itself was not found).
public enum DisputeCategory: String, Sendable, Codable, CaseIterable {
    case family, neighbour, housing, contract, business, damages, land, expropriation, environment, labour, consumer, medical, traffic, property, other

    public var label: String {
        switch self {
        case .family: "婚姻家庭"
        case .neighbour: "邻里"
        case .housing: "房屋宅基地"
        case .contract: "合同"
        case .business: "生产经营"
        case .damages: "损害赔偿"
        case .land: "山林土地"
        case .expropriation: "征地拆迁"
        case .environment: "环境污染"
        case .labour: "劳动争议"
        case .consumer: "消费"
        case .medical: "医疗"
        case .traffic: "道路交通事故"
        case .property: "物业"
        case .other: "其他"
        }
    }
}

/// How a dispute ended.
public enum MediationOutcome: String, Sendable, Codable, CaseIterable {
    case writtenAgreement, oralAgreement, failed, escalated, withdrawn

    public var label: String {
        switch self {
        case .writtenAgreement: "达成书面调解协议"
        case .oralAgreement: "达成口头调解协议"
        case .failed: "调解不成，终止调解"
        case .escalated: "移交上一级调解组织"
        case .withdrawn: "当事人撤回"
        }
    }

    public var article: String {
        switch self {
        case .writtenAgreement: "人民调解法第二十八条、第二十九条"
        case .oralAgreement: "人民调解法第二十八条、第三十条"
        case .failed: "人民调解法第二十六条"
        case .escalated: "本地矛盾纠纷多元化解办法（⚠️）"
        case .withdrawn: "人民调解法第二十三条"
        }
    }

    public var isSuccess: Bool { self == .writtenAgreement || self == .oralAgreement }
}

/// The other routes a failed mediation tells the parties of (第二十六条).
public enum OtherRoute: String, Sendable, Codable, CaseIterable {
    case lawsuit, arbitration, administrative

    public var label: String {
        switch self {
        case .lawsuit: "诉讼"
        case .arbitration: "仲裁"
        case .administrative: "行政途径（行政调解、行政裁决等）"
        }
    }
}

/// A dispute as the rules see it.
public struct DisputeState: Sendable, Equatable {
    public var acceptedOn: CivilDate
    public var sessions: [CivilDate] = []
    public var outcome: MediationOutcome?
    public var endedOn: CivilDate?
    public var routes: [OtherRoute] = []
    /// The agreement's effect date: the signing of a written one (第二十九条), the day of an oral one (第三十条).
    public var agreementEffectiveOn: CivilDate?
    public var confirmationAppliedOn: CivilDate?
    public var confirmed: Bool?
    public var performedOn: CivilDate?
    public var revisitedOn: CivilDate?

    public init(acceptedOn: CivilDate) { self.acceptedOn = acceptedOn }
}

public enum DisputeStep: Sendable, Equatable {
    case session(on: CivilDate)
    case agree(on: CivilDate, written: Bool)
    case fail(on: CivilDate, routes: [OtherRoute])
    case escalate(on: CivilDate)
    case withdraw(on: CivilDate)
    /// 司法确认 applied for jointly by the parties (第三十三条); confirmed or refused by the court.
    case applyConfirmation(on: CivilDate)
    case confirmationResult(on: CivilDate, confirmed: Bool)
    case perform(on: CivilDate)
    case revisit(on: CivilDate)
}

public enum MediationRules {
    /// 第三十三条: 司法确认 is applied for within 30 days of the agreement taking effect.
    public static let confirmationDays = 30
    /// 人民调解工作若干规定第三十三条: a dispute is settled within a month in general (a warning, not a bar 🏷).
    public static let settleDays = 30

    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// The last day to apply for 司法确认: 30 days after the agreement takes effect (days, the rest-day rule of 民事诉讼法第八十五条).
    public static func confirmationDue(_ state: DisputeState, calendar: WorkCalendar) -> CivilDate? {
        guard let effective = state.agreementEffectiveOn else { return nil }
        return Clock(rule: ClockRule(title: "申请司法确认", period: .days(confirmationDays), basis: "人民调解法第三十三条"),
                     start: CivilDateTime(date: effective), startReason: "调解协议生效", events: []).dueDate(calendar: calendar)
    }

    public static func apply(_ step: DisputeStep, to current: DisputeState, today: CivilDate, calendar: WorkCalendar) throws(ValidationFailure)
        -> (state: DisputeState, warnings: [String], detail: String) {
        var state = current
        var warnings: [String] = []
        let detail: String
        func dated(_ on: CivilDate, after start: CivilDate, _ what: String) throws(ValidationFailure) {
            guard on <= today else { throw fail("on", "日期", "不能晚于今天") }
            guard on >= start else { throw fail("on", "日期", "不能早于\(what)（\(start)）") }
        }
        func open() throws(ValidationFailure) {
            if let outcome = state.outcome { throw fail("action", "操作", "已于\(state.endedOn!)\(outcome.label)") }
        }
        switch step {
        case .session(let on):
            try open()
            try dated(on, after: state.sessions.last ?? state.acceptedOn, "受理或上次调解")
            state.sessions.append(on)
            detail = "第\(state.sessions.count)次调解"
        case .agree(let on, let written):
            try open()
            guard !state.sessions.isEmpty else { throw fail("action", "操作", "须先记录调解过程（人民调解法第二十七条：调解员应当记录调解情况）") }
            try dated(on, after: state.sessions.last!, "最后一次调解")
            state.outcome = written ? .writtenAgreement : .oralAgreement
            state.endedOn = on
            state.agreementEffectiveOn = on
            detail = "\(state.outcome!.label)（\(state.outcome!.article)）"
        case .fail(let on, let routes):
            try open()
            try dated(on, after: state.acceptedOn, "受理日期")
            guard !routes.isEmpty else { throw fail("routes", "告知的其他途径", "调解不成的，应当终止调解，并依据有关法律、法规的规定，告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利（人民调解法第二十六条）") }
            state.outcome = .failed
            state.endedOn = on
            state.routes = routes
            detail = "调解不成，终止调解，告知当事人可通过\(routes.map(\.label).joined(separator: "、"))解决（人民调解法第二十六条）"
        case .escalate(let on):
            try open()
            try dated(on, after: state.acceptedOn, "受理日期")
            state.outcome = .escalated
            state.endedOn = on
            detail = "移交上一级调解组织"
        case .withdraw(let on):
            try open()
            try dated(on, after: state.acceptedOn, "受理日期")
            state.outcome = .withdrawn
            state.endedOn = on
            detail = "当事人撤回（人民调解法第二十三条：当事人有权要求终止调解）"
        case .applyConfirmation(let on):
            guard let effective = state.agreementEffectiveOn else { throw fail("action", "操作", "达成调解协议后才能申请司法确认") }
            guard state.confirmationAppliedOn == nil else { throw fail("action", "操作", "已于\(state.confirmationAppliedOn!)申请司法确认") }
            try dated(on, after: effective, "协议生效日期")
            if let due = confirmationDue(state, calendar: calendar), on > due {
                throw fail("on", "申请日期", "应当自调解协议生效之日起三十日内共同向人民法院申请司法确认（人民调解法第三十三条），期限至\(due)")
            }
            state.confirmationAppliedOn = on
            detail = "当事人共同申请司法确认（人民调解法第三十三条）"
        case .confirmationResult(let on, let confirmed):
            guard let applied = state.confirmationAppliedOn else { throw fail("action", "操作", "尚未申请司法确认") }
            guard state.confirmed == nil else { throw fail("action", "操作", "已记录司法确认结果") }
            try dated(on, after: applied, "申请日期")
            state.confirmed = confirmed
            detail = confirmed ? "人民法院裁定调解协议有效（民事诉讼法第二百零六条）" : "人民法院裁定驳回申请（民事诉讼法第二百零六条）"
        case .perform(let on):
            guard let effective = state.agreementEffectiveOn else { throw fail("action", "操作", "达成调解协议后才记录履行") }
            guard state.performedOn == nil else { throw fail("action", "操作", "已于\(state.performedOn!)记录履行") }
            try dated(on, after: effective, "协议生效日期")
            state.performedOn = on
            detail = "协议已履行（人民调解法第三十一条：调解委员会应当对调解协议的履行情况进行监督）"
        case .revisit(let on):
            guard let ended = state.endedOn else { throw fail("action", "操作", "结案后才回访") }
            try dated(on, after: ended, "结案日期")
            state.revisitedOn = on
            detail = "回访"
        }
        if case .agree(let on, _) = step, Int(on.dayNumber - state.acceptedOn.dayNumber) > settleDays {
            warnings.append("自受理之日起超过一个月调结（人民调解工作若干规定第三十三条：一般在一个月内调结）")
        }
        return (state, warnings, detail)
    }
}
