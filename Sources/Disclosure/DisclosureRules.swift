import FazhiCalendar
import FazhiCore
import Foundation

// 依申请公开 (政府信息公开条例, 国务院令第711号, in force 2019-05-15) as plain values: the receipt
// date (第三十一条), the one 补正 (第三十条), third-party consultation outside the period (第三十二条),
// the answer period and its one extension (第三十三条), and the answer types as the yearly report
// (国办公开办函〔2021〕30号) classes them. The service and pages are issue 18's next steps;
// docs/law.md §19 states each rule.

/// The yearly report's applicant columns (Table 三).
public enum ApplicantClass: String, Sendable, Codable, CaseIterable {
    case naturalPerson, business, research, publicInterest, legalService, other

    public var label: String {
        switch self {
        case .naturalPerson: "自然人"
        case .business: "商业企业"
        case .research: "科研机构"
        case .publicInterest: "社会公益组织"
        case .legalService: "法律服务机构"
        case .other: "其他"
        }
    }
}

/// How a request arrived, which fixes its receipt date (第三十一条).
public enum ReceiptChannel: String, Sendable, Codable, CaseIterable {
    case inPerson, registeredMail, ordinaryMail, online, fax

    public var label: String {
        switch self {
        case .inPerson: "当面提交"
        case .registeredMail: "邮寄（需签收）"
        case .ordinaryMail: "平常信函"
        case .online: "互联网渠道"
        case .fax: "传真"
        }
    }
}

/// Every answer the yearly report counts (Table 三, 三（一）to（六）), with its group and the
/// article it rests on (the mapping is docs/disclosure-report.md's ⚠️).
public enum DisclosureOutcome: String, Sendable, Codable, CaseIterable {
    case disclosed, partlyDisclosed
    case stateSecret, otherLawForbids, threeSecurities, thirdParty, internalAffairs, processInformation, enforcementFile, inquiry
    case notHeld, needsCreating, stillUnclear
    case complaint, repeated, publication, excessive, confirmation
    case notCorrected, feeNotPaid, otherHandling

    public enum Group: String, Sendable, CaseIterable {
        case disclosed = "（一）予以公开", partly = "（二）部分公开", withheld = "（三）不予公开", unavailable = "（四）无法提供"
        case notProcessed = "（五）不予处理", other = "（六）其他处理"
    }

    public var group: Group {
        switch self {
        case .disclosed: .disclosed
        case .partlyDisclosed: .partly
        case .stateSecret, .otherLawForbids, .threeSecurities, .thirdParty, .internalAffairs, .processInformation, .enforcementFile, .inquiry: .withheld
        case .notHeld, .needsCreating, .stillUnclear: .unavailable
        case .complaint, .repeated, .publication, .excessive, .confirmation: .notProcessed
        case .notCorrected, .feeNotPaid, .otherHandling: .other
        }
    }

    public var label: String {
        switch self {
        case .disclosed: "予以公开"
        case .partlyDisclosed: "部分公开"
        case .stateSecret: "属于国家秘密"
        case .otherLawForbids: "其他法律行政法规禁止公开"
        case .threeSecurities: "危及“三安全一稳定”"
        case .thirdParty: "保护第三方合法权益"
        case .internalAffairs: "属于三类内部事务信息"
        case .processInformation: "属于四类过程性信息"
        case .enforcementFile: "属于行政执法案卷"
        case .inquiry: "属于行政查询事项"
        case .notHeld: "本机关不掌握相关政府信息"
        case .needsCreating: "没有现成信息需要另行制作"
        case .stillUnclear: "补正后申请内容仍不明确"
        case .complaint: "信访举报投诉类申请"
        case .repeated: "重复申请"
        case .publication: "要求提供公开出版物"
        case .excessive: "无正当理由大量反复申请"
        case .confirmation: "要求行政机关确认或重新出具已获取信息"
        case .notCorrected: "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
        case .feeNotPaid: "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
        case .otherHandling: "其他"
        }
    }

    /// The article the answer rests on (⚠️ the mapping of the 30号 rows to articles is inferred).
    public var basis: String {
        switch self {
        case .disclosed: "政府信息公开条例第三十六条第（一）项、第（二）项"
        case .partlyDisclosed: "政府信息公开条例第三十七条"
        case .stateSecret, .otherLawForbids, .threeSecurities: "政府信息公开条例第十四条"
        case .thirdParty: "政府信息公开条例第十五条、第三十二条"
        case .internalAffairs, .processInformation, .enforcementFile: "政府信息公开条例第十六条"
        case .inquiry: "政府信息公开条例第三十六条第（七）项"
        case .notHeld: "政府信息公开条例第三十六条第（四）项"
        case .needsCreating: "政府信息公开条例第三十八条"
        case .stillUnclear, .notCorrected: "政府信息公开条例第三十条"
        case .complaint, .publication: "政府信息公开条例第三十九条"
        case .repeated: "政府信息公开条例第三十六条第（六）项"
        case .excessive: "政府信息公开条例第三十五条"
        case .confirmation: "政府信息公开条例第三十九条"
        case .feeNotPaid: "政府信息公开条例第四十二条"
        case .otherHandling: "政府信息公开条例"
        }
    }
}

/// A request as the rules see it.
public struct RequestState: Sendable, Equatable {
    public var receivedOn: CivilDate
    public var correctionNoticeOn: CivilDate?
    /// Everything the applicant must supply, named at once (一次性告知).
    public var correctionItems: [String] = []
    /// The reasonable period the notice gave the applicant.
    public var correctionDue: CivilDate?
    public var correctionReceivedOn: CivilDate?
    public var extended: (on: CivilDate, workdays: Int, approver: String)?
    /// Third-party (第三十二条) and other agencies' (第三十四条) consultations: the days they take are not counted.
    public var consultations: [(from: CivilDate, to: CivilDate?)] = []
    public var answeredOn: CivilDate?
    public var outcome: DisclosureOutcome?
    /// 信息处理费 charged, in yuan (第四十二条).
    public var fee = 0

    public init(receivedOn: CivilDate) { self.receivedOn = receivedOn }

    public static func == (a: RequestState, b: RequestState) -> Bool {
        a.receivedOn == b.receivedOn && a.correctionNoticeOn == b.correctionNoticeOn && a.correctionItems == b.correctionItems && a.correctionDue == b.correctionDue
            && a.correctionReceivedOn == b.correctionReceivedOn && a.extended?.on == b.extended?.on && a.extended?.workdays == b.extended?.workdays
            && a.consultations.map(\.from) == b.consultations.map(\.from) && a.consultations.map(\.to) == b.consultations.map(\.to)
            && a.answeredOn == b.answeredOn && a.outcome == b.outcome && a.fee == b.fee
    }
}

public enum RequestAction: Sendable, Equatable {
    /// 补正 notice (第三十条): within 7 working days of receipt, once, naming every item, with the period given.
    case noticeCorrection(on: CivilDate, items: [String], due: CivilDate)
    case receiveCorrection(on: CivilDate)
    /// A third party's (or another agency's) opinion asked (第三十二条、第三十四条).
    case startConsultation(on: CivilDate)
    case endConsultation(on: CivilDate)
    /// The one extension (第三十三条第二款): at most 20 working days, approved by the head of the disclosure office.
    case extend(on: CivilDate, workdays: Int, approver: String)
    /// The answer, with the 信息处理费 charged if any (第四十二条).
    case answer(on: CivilDate, outcome: DisclosureOutcome, fee: Int = 0)
}

public enum DisclosureRules {
    /// 第三十三条: the answer period, and its extension's limit.
    public static let answerPeriod = 20
    public static let extensionLimit = 20
    /// 第三十条: the 补正 notice's period.
    public static let correctionNotice = 7
    /// 国办函〔2020〕109号: 100元 a request above an applicant's monthly free ten, rising by 100元 each
    /// further ten; a fee above this bound is a typing error, not a charge.
    public static let feeLimit = 100_000

    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// The receipt date (第三十一条): in person, the day submitted; registered mail, the day signed
    /// for; ordinary mail, online and fax, the day confirmed with the applicant.
    public static func receivedOn(channel: ReceiptChannel, submittedOn: CivilDate, signedOn: CivilDate?, confirmedOn: CivilDate?) throws(ValidationFailure) -> CivilDate {
        switch channel {
        case .inPerson:
            return submittedOn
        case .registeredMail:
            guard let signedOn else { throw fail("signedOn", "签收日期", "邮寄申请以签收之日为收到申请之日（政府信息公开条例第三十一条第（二）项），须填写签收日期") }
            guard signedOn >= submittedOn else { throw fail("signedOn", "签收日期", "不能早于寄出日期 \(submittedOn)") }
            return signedOn
        case .ordinaryMail, .online, .fax:
            guard let confirmedOn else { throw fail("confirmedOn", "确认日期", "以双方确认之日为收到申请之日（政府信息公开条例第三十一条第（三）项），须填写确认日期") }
            guard confirmedOn >= submittedOn else { throw fail("confirmedOn", "确认日期", "不能早于提交日期 \(submittedOn)") }
            return confirmedOn
        }
    }

    /// The answer clock: from receipt (or from the corrected request, which restarts it), stopped
    /// while a consultation runs, lengthened by the extension.
    public static func answerClock(_ state: RequestState) -> Clock {
        var events: [ClockEvent] = []
        if let notice = state.correctionNoticeOn { events.append(.suspend(notice, reason: "告知补正（政府信息公开条例第三十条）")) }
        if let corrected = state.correctionReceivedOn { events.append(.restart(corrected, reason: "收到补正后的申请（政府信息公开条例第三十条）")) }
        for consultation in state.consultations {
            events.append(.suspend(consultation.from, reason: "征求第三方意见（政府信息公开条例第三十二条）"))
            if let to = consultation.to { events.append(.resume(to)) }
        }
        if let ext = state.extended { events.append(.extend(ext.on, by: .workdays(ext.workdays), approver: ext.approver, reason: "延长答复期限")) }
        events.sort { $0.at < $1.at }
        return Clock(rule: ClockRule(title: "答复政府信息公开申请", period: .workdays(answerPeriod), basis: "政府信息公开条例第三十三条",
                                     extensionLimit: ExtensionLimit(maxCount: 1, maxPeriod: .workdays(extensionLimit), basis: "政府信息公开条例第三十三条第二款")),
                     start: CivilDateTime(date: state.receivedOn), startReason: "收到申请", events: events)
    }

    /// Checks `action`; returns the request after it, or the refusal with its article. `warnings`
    /// names a late answer (recorded, counted).
    public static func apply(_ action: RequestAction, to current: RequestState, today: CivilDate, calendar: WorkCalendar) throws(ValidationFailure)
        -> (state: RequestState, warnings: [String]) {
        var state = current
        var warnings: [String] = []
        if state.answeredOn != nil { throw fail("action", "操作", "已于\(state.answeredOn!)答复") }
        switch action {
        case .noticeCorrection(let on, let items, let due):
            guard state.correctionNoticeOn == nil else {
                throw fail("action", "操作", "补正应当一次性告知（政府信息公开条例第三十条），已于\(state.correctionNoticeOn!)告知")
            }
            guard on >= state.receivedOn, on <= today else { throw fail("on", "日期", "应在收到申请之日 \(state.receivedOn) 与今天之间") }
            let limit = calendar.workday(correctionNotice, after: state.receivedOn)
            guard on <= limit else {
                throw fail("on", "日期", "应当自收到申请之日起\(correctionNotice)个工作日内一次性告知补正（政府信息公开条例第三十条），期限至\(limit)")
            }
            let named = items.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !named.isEmpty else { throw fail("items", "补正事项", "须写明需要补正的事项和合理的补正期限（政府信息公开条例第三十条）") }
            guard due > on else { throw fail("due", "补正期限", "补正期限应晚于告知日期") }
            state.correctionNoticeOn = on
            state.correctionItems = named
            state.correctionDue = due
        case .receiveCorrection(let on):
            guard let notice = state.correctionNoticeOn else { throw fail("action", "操作", "未告知补正") }
            guard state.correctionReceivedOn == nil else { throw fail("action", "操作", "已于\(state.correctionReceivedOn!)收到补正") }
            guard on >= notice, on <= today else { throw fail("on", "日期", "应在告知补正之日 \(notice) 与今天之间") }
            state.correctionReceivedOn = on
        case .startConsultation(let on):
            if state.consultations.contains(where: { $0.to == nil }) { throw fail("action", "操作", "已有正在进行的征求意见") }
            guard on >= state.receivedOn, on <= today else { throw fail("on", "日期", "应在收到申请之日 \(state.receivedOn) 与今天之间") }
            state.consultations.append((on, nil))
        case .endConsultation(let on):
            guard let index = state.consultations.firstIndex(where: { $0.to == nil }) else { throw fail("action", "操作", "没有正在进行的征求意见") }
            guard on >= state.consultations[index].from, on <= today else { throw fail("on", "日期", "应在征求意见开始之日 \(state.consultations[index].from) 与今天之间") }
            // The third party has 15 working days (第三十二条); a longer wait is recorded, not refused.
            if calendar.workdays(after: state.consultations[index].from, through: on) > 15 {
                warnings.append("征求第三方意见超过15个工作日（政府信息公开条例第三十二条：第三方逾期未提出意见的，由行政机关依照本条例的规定决定是否公开）")
            }
            state.consultations[index].to = on
        case .extend(let on, let workdays, let approver):
            guard state.extended == nil else { throw fail("action", "操作", "答复期限只能延长一次（政府信息公开条例第三十三条第二款）") }
            guard (1...extensionLimit).contains(workdays) else {
                throw fail("workdays", "延长期限", "延长的期限最长不得超过\(extensionLimit)个工作日（政府信息公开条例第三十三条第二款）")
            }
            guard !approver.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("approver", "批准人", "延长答复期限应当经政府信息公开工作机构负责人同意（政府信息公开条例第三十三条第二款）")
            }
            let due = answerClock(state).dueDate(calendar: calendar)
            guard on <= today, due.map({ on <= $0 }) ?? true else { throw fail("on", "日期", "应在答复期限届满（\(due?.description ?? "")）前延长，且不晚于今天") }
            state.extended = (on, workdays, approver)
        case .answer(let on, let outcome, let fee):
            guard (0...feeLimit).contains(fee) else { throw fail("fee", "信息处理费", "应为0至\(feeLimit)元（政府信息公开条例第四十二条）") }
            if fee > 0 && [.notHeld, .needsCreating, .stillUnclear, .notCorrected, .feeNotPaid].contains(outcome) || fee > 0 && outcome.group == .notProcessed {
                throw fail("fee", "信息处理费", "未提供政府信息的答复不收取信息处理费（政府信息公开条例第四十二条）")
            }
            guard on >= state.receivedOn, on <= today else { throw fail("on", "日期", "应在收到申请之日 \(state.receivedOn) 与今天之间") }
            if state.consultations.contains(where: { $0.to == nil }) { throw fail("action", "操作", "征求意见尚未结束") }
            switch outcome {
            case .notCorrected:
                guard let due = state.correctionDue, state.correctionReceivedOn == nil else {
                    throw fail("outcome", "办理结果", "只有告知补正而申请人未补正的，才视为放弃申请（政府信息公开条例第三十条）")
                }
                guard on > due else { throw fail("on", "日期", "补正期限至\(due)，期限届满后才能视为放弃申请（政府信息公开条例第三十条）") }
            case .stillUnclear:
                guard state.correctionReceivedOn != nil else { throw fail("outcome", "办理结果", "“补正后申请内容仍不明确”须已收到补正（政府信息公开条例第三十条）") }
            default:
                if state.correctionNoticeOn != nil && state.correctionReceivedOn == nil {
                    throw fail("action", "操作", "已告知补正，申请人补正后才能答复；逾期未补正的，视为放弃申请")
                }
            }
            if outcome != .notCorrected, let due = answerClock(state).dueDate(calendar: calendar), on > due {
                warnings.append("逾期答复：答复期限至\(due)（政府信息公开条例第三十三条）")
            }
            state.answeredOn = on
            state.outcome = outcome
            state.fee = fee
        }
        return (state, warnings)
    }
}
