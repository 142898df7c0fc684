import FazhiCalendar
import FazhiCore
import Foundation

// The 行政处罚法 procedure as plain values: no database, no clock reads, no framework. The service
// (`PenaltyCaseService.perform`) loads a case and the facts a step needs, calls `PenaltyRules.apply`
// and writes what comes back, in one transaction; importers replay through the same path.
// docs/law.md §1 and §2 state each rule with its article.

/// A penalty case as the rules see it.
public struct PenaltyCaseState: Sendable, Equatable {
    public var caseNumber: String
    public var status: PenaltyStatus
    /// "natural", "legal" or "other".
    public var partyKind: String
    public var violationOn: CivilDate
    public var discoveredOn: CivilDate
    public var graveHarm: Bool
    /// The user id of the officer who registered the case ("system" for an import).
    public var handledBy: String
    public var officerIDs: [UUID] = []
    public var major = false
    public var complex = false
    public var summary = false
    public var filedOn: CivilDate?
    public var notifiedOn: CivilDate?
    public var reviewOn: CivilDate?
    public var reviewer: String?
    public var deliberationOn: CivilDate?
    public var fineYuan: Int?
    public var decision: String?
    public var decidedOn: CivilDate?
    public var noPenalty = false
    public var servedOn: CivilDate?
    public var executedOn: CivilDate?
    public var closedOn: CivilDate?
    public var archivedOn: CivilDate?
    public var changedOn: CivilDate?
    public var changeKind: DecisionChange?
    public var changeReason: String?
    public var discretion: DiscretionRecord?
    public var impactAssessedOn: CivilDate?
    public var impactAssessment: String?
    public var hearingNoticeOn: CivilDate?
    public var hearingOn: CivilDate?
    /// 第四十四条, 第六十三条: the party was told of the right to a hearing.
    public var hearingRight = false
    public var hearingRequestedOn: CivilDate?
    public var hearingWaivedOn: CivilDate?

    public init(caseNumber: String, status: PenaltyStatus, partyKind: String, violationOn: CivilDate, discoveredOn: CivilDate,
                graveHarm: Bool, handledBy: String) {
        self.caseNumber = caseNumber
        self.status = status
        self.partyKind = partyKind
        self.violationOn = violationOn
        self.discoveredOn = discoveredOn
        self.graveHarm = graveHarm
        self.handledBy = handledBy
    }

    var isNaturalPerson: Bool { partyKind == "natural" }
}

/// What a decision recorded about the discretion benchmark and lenience lists (裁量基准, 首违不罚).
public struct DiscretionRecord: Sendable, Equatable {
    public var benchmarkID: String?
    public var tier: DiscretionTier?
    public var proposedTiers: [DiscretionTier]
    public var circumstances: [String]
    public var outside: Bool
    public var outsideReason: String?
    public var lenienceItemID: String?
    public var lenienceReason: String?
}

/// The discretion check's result for a decision (`DiscretionService.evaluate`), as values.
public struct DiscretionOutcome: Sendable, Equatable {
    public var benchmark: (id: String, code: String, version: Int)?
    public var tier: DiscretionTier?
    public var proposal: [DiscretionTier]
    public var outside: Bool
    public var lenience: (id: String, listLabel: String, code: String)?

    public init(benchmark: (id: String, code: String, version: Int)?, tier: DiscretionTier?, proposal: [DiscretionTier], outside: Bool,
                lenience: (id: String, listLabel: String, code: String)?) {
        self.benchmark = benchmark
        self.tier = tier
        self.proposal = proposal
        self.outside = outside
        self.lenience = lenience
    }

    public static func == (a: DiscretionOutcome, b: DiscretionOutcome) -> Bool {
        a.benchmark?.id == b.benchmark?.id && a.tier == b.tier && a.proposal == b.proposal && a.outside == b.outside && a.lenience?.id == b.lenience?.id
    }
}

/// An enforcement certificate as 立案 needs to know it, on the day of the step.
public struct CertificateFacts: Sendable, Equatable {
    public var officerID: UUID
    /// Valid on the day, and its holder active with a valid certificate (第四十二条).
    public var qualified: Bool
    public var statusLabel: String
    public var unitPath: String

    public init(officerID: UUID, qualified: Bool, statusLabel: String, unitPath: String) {
        self.officerID = officerID
        self.qualified = qualified
        self.statusLabel = statusLabel
        self.unitPath = unitPath
    }
}

/// Who takes the step, as far as the rules care.
public struct StepActor: Sendable, Equatable {
    public var userID: String?
    public var name: String
    /// May handle cases (立案 to 归档).
    public var canHandle: Bool
    /// May carry out 法制审核.
    public var canReview: Bool

    public init(userID: String?, name: String, canHandle: Bool, canReview: Bool) {
        self.userID = userID
        self.name = name
        self.canHandle = canHandle
        self.canReview = canReview
    }
}

/// Everything outside the case that a step's rules read: loaded by the service, made by hand in tests.
public struct PenaltyFacts: Sendable {
    public var today: CivilDate
    public var actor: StepActor
    public var unitPath: String
    /// 🏷 Fines at or above these make a decision 重大 (第五十八条第一款第四项 and local rules).
    public var majorFinePersonYuan: Int
    public var majorFineOrganisationYuan: Int
    /// 🏷 An impact assessment before a major decision against an enterprise.
    public var enterpriseImpactRequired: Bool
    /// Enforcement certificates by number (立案); a number absent here does not exist.
    public var certificates: [String: CertificateFacts] = [:]
    /// The discretion check of a decision that names a benchmark or lenience item.
    public var discretion: Result<DiscretionOutcome, ValidationFailure>?
    /// The working-day calendar (hearing notice, publication due date).
    public var calendar: WorkCalendar?
    /// The day the decision currently on `/gongshi` was published, if one is.
    public var publishedOn: CivilDate?
    /// An imported ledger row that states a historical breach (the column 历史违规说明): the law's
    /// gates do not refuse the step but record what it breached as findings, so a county brings in
    /// its true, imperfect past and supervision sees it. Never set for steps taken on the platform.
    public var recordingHistory = false
    /// 🏷 The decision clock of the body's enforcement domain (行政处罚法第六十条: ninety days unless a
    /// law, regulation or 规章 says otherwise), opened at 立案.
    public var decisionClock: ClockKind = PenaltyClocks.decision
    /// The extensions already on the open decision clock, and its due date (延长决定期限).
    public var decisionExtensions: [Period] = []
    public var decisionDue: CivilDate?

    public init(today: CivilDate, actor: StepActor, unitPath: String, majorFinePersonYuan: Int, majorFineOrganisationYuan: Int,
                enterpriseImpactRequired: Bool) {
        self.today = today
        self.actor = actor
        self.unitPath = unitPath
        self.majorFinePersonYuan = majorFinePersonYuan
        self.majorFineOrganisationYuan = majorFineOrganisationYuan
        self.enterpriseImpactRequired = enterpriseImpactRequired
    }
}

/// What the service does besides saving the new state.
public enum PenaltyEffect: Sendable {
    case openClock(ClockKind, reason: String)
    case completeClock(ClockKind, reason: String)
    case extendClock(ClockKind, by: Period, approver: String, reason: String)
    /// Publish the redacted decision, due on `due`; `note` goes after the link in the timeline.
    case publish(due: CivilDate, note: String)
    case withdrawPublication(reason: String)
}

/// One accepted step: the case after it, the effects, and the timeline text.
public struct PenaltyStep: Sendable {
    public var state: PenaltyCaseState
    public var effects: [PenaltyEffect]
    public var detail: String
    /// The gates of the law this step breached, each with its article: only for a ledger row that
    /// states the breach (`PenaltyFacts.recordingHistory`); otherwise a breach is refused.
    public var findings: [String] = []
}

public enum PenaltyRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// 第三十六条: the last day on which a violation may still be discovered and punished.
    public static func limitationEnd(violationOn: CivilDate, graveHarm: Bool) -> CivilDate {
        violationOn.adding(months: graveHarm ? 60 : 24)
    }

    /// 第六十四条第一项: the last day on which the party may ask for a hearing (five working days from 告知).
    public static func hearingRequestEnd(notifiedOn: CivilDate, calendar: WorkCalendar) -> CivilDate? {
        Clock(rule: PenaltyClocks.hearingRequest.rule, start: CivilDateTime(date: notifiedOn)).dueDate(calendar: calendar)
    }

    /// Checks `action` against the case and the law; returns the case after it, or throws the
    /// refusal with its article.
    public static func apply(_ action: PenaltyAction, to current: PenaltyCaseState, facts: PenaltyFacts) throws(ValidationFailure) -> PenaltyStep {
        var row = current
        var effects: [PenaltyEffect] = []
        let date = action.date
        guard date <= facts.today else { throw fail("on", "日期", "不能晚于今天") }
        guard date >= row.discoveredOn else { throw fail("on", "日期", "不能早于发现日期 \(row.discoveredOn)") }
        // Each step is done by those whose duty it is: 法制审核 by a legal reviewer, the rest by the
        // case-handling staff (第五十八条 keeps the two apart).
        if case .review = action {
            guard facts.actor.canReview else { throw fail("action", "操作", "法制审核须由法制审核人员进行") }
        } else {
            guard facts.actor.canHandle else {
                throw fail("action", "操作", "\(action.label)须由办案人员进行；法制审核人员只能进行法制审核（行政处罚法第五十八条）")
            }
        }
        let status = row.status
        func require(_ allowed: Set<PenaltyStatus>, _ why: String) throws(ValidationFailure) {
            guard allowed.contains(status) else { throw fail("action", "操作", "案件当前为“\(status.label)”，不能\(action.label)：\(why)") }
        }
        var findings: [String] = []
        /// A gate of the law (its message cites the article): refused on the platform; for an
        /// imported row that states the breach, recorded as a finding and passed.
        func gate(_ field: String, _ label: String, _ message: String) throws(ValidationFailure) {
            guard facts.recordingHistory else { throw fail(field, label, message) }
            findings.append(message)
        }
        /// A step before which the law requires another (告知 before a decision): the same.
        func requireOrRecord(_ allowed: Set<PenaltyStatus>, breachedFrom: Set<PenaltyStatus>, _ why: String) throws(ValidationFailure) {
            if allowed.contains(status) { return }
            guard facts.recordingHistory, breachedFrom.contains(status) else { try require(allowed, why); return }
            findings.append("案件当时为“\(status.label)”即\(action.label)：\(why)")
        }
        var detail = action.label
        switch action {
        case .file(_, let numbers, let major, let complex, let summary):
            if summary && (major || complex) {
                throw fail("summary", "简易程序", "属于法制审核或集体讨论情形的案件不适用简易程序（行政处罚法第五十一条、第五十七条、第五十八条）")
            }
            try require([.lead], "只有案源可以立案")
            let end = limitationEnd(violationOn: row.violationOn, graveHarm: row.graveHarm)
            if row.discoveredOn > end {
                try gate("discoveredOn", "发现日期", "违法行为发生于\(row.violationOn)，至\(end)未被发现，依行政处罚法第三十六条不再给予行政处罚（\(row.graveHarm ? "五年" : "二年")）")
            }
            let distinct = Set(numbers.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }).sorted()
            if distinct.count < 2 { try gate("officers", "执法人员", "执法人员不得少于两人（行政处罚法第四十二条），请填写至少两个执法证号") }
            var officerIDs: [UUID] = []
            for number in distinct {
                guard let certificate = facts.certificates[number] else {
                    throw fail("officers", "执法人员", "没有执法证号为“\(number)”的行政执法证")
                }
                if !certificate.qualified {
                    try gate("officers", "执法人员", "执法证“\(number)”在\(date)不是有效状态（\(certificate.statusLabel)），持证人不能办案（行政处罚法第四十二条）")
                }
                guard certificate.unitPath.hasPrefix(facts.unitPath) || facts.unitPath.hasPrefix(certificate.unitPath) else {
                    throw fail("officers", "执法人员", "执法证“\(number)”的持证人不属于办案单位")
                }
                officerIDs.append(certificate.officerID)
            }
            row.summary = summary
            row.officerIDs = officerIDs
            row.major = major
            row.complex = complex
            row.filedOn = date
            row.status = .filed
            effects.append(.openClock(facts.decisionClock, reason: "立案"))
            detail += "，执法证号：\(distinct.joined(separator: "、"))\(major ? "；需法制审核" : "")\(complex ? "；需集体讨论" : "")"
        case .drop(_, let reason):
            try require([.lead], "只有案源可以不予立案")
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("reason", "理由", "不予立案须写明理由") }
            row.status = .dropped
            detail += "：\(reason)"
        case .notify(_, let hearingRight):
            try require([.filed], "立案并调查取证后才能告知")
            row.notifiedOn = date
            row.status = .notified
            row.hearingRight = hearingRight
            if hearingRight { effects.append(.openClock(PenaltyClocks.hearingRequest, reason: "告知听证权利")) }
            detail += hearingRight ? "（含听证权利）" : ""
        case .requestHearing, .waiveHearing:
            let requesting: Bool
            if case .requestHearing = action { requesting = true } else { requesting = false }
            try require([.notified, .reviewed], "告知后、作出决定前")
            guard row.hearingRight, let notified = row.notifiedOn else { throw fail("action", "操作", "告知时未告知听证权利（行政处罚法第六十三条）") }
            if let earlier = row.hearingRequestedOn ?? row.hearingWaivedOn {
                throw fail("action", "操作", "已于\(earlier)记录当事人\(row.hearingRequestedOn != nil ? "要求听证" : "放弃听证")")
            }
            guard date >= notified else { throw fail("on", "日期", "不能早于告知日期 \(notified)") }
            if requesting {
                guard let calendar = facts.calendar, let end = hearingRequestEnd(notifiedOn: notified, calendar: calendar) else { throw fail("on", "日期", "工作日历未覆盖告知后的日期，请先导入工作日历") }
                if date > end {
                    try gate("on", "日期", "当事人应当在告知后五日内提出听证要求（行政处罚法第六十四条第一项、第八十五条：工作日），期限至\(end)届满")
                }
                row.hearingRequestedOn = date
            } else {
                row.hearingWaivedOn = date
            }
            effects.append(.completeClock(PenaltyClocks.hearingRequest, reason: requesting ? "当事人要求听证" : "当事人书面放弃听证"))
        case .review(_, let passed, let opinion):
            try require([.notified], "告知当事人拟作出的处罚后再进行法制审核")
            // 第五十八条: the reviewer is someone other than the officers who handled the case.
            guard facts.actor.userID != row.handledBy else {
                throw fail("action", "操作", "办案人员不能审核本人承办的案件（行政处罚法第五十八条：由从事行政处罚决定法制审核的人员进行审核）")
            }
            row.reviewOn = passed ? date : nil
            row.reviewer = facts.actor.name
            if passed { row.status = .reviewed }
            detail += passed ? "：通过" : "：未通过，退回"
            if !opinion.isEmpty { detail += "；\(opinion)" }
        case .deliberate(_, let participants):
            try require([.notified, .reviewed], "告知后才能集体讨论")
            guard !participants.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "参加人员", "须写明参加集体讨论的负责人") }
            row.deliberationOn = date
            detail += "：\(participants)"
        case .decide(_, let fine, let decision, let penalty, let discretion):
            let party = row.isNaturalPerson ? "公民" : "法人或者其他组织"
            if row.summary {
                // 第四十四条 applies to the summary procedure too: the party is told before the decision.
                try requireOrRecord([.notified], breachedFrom: [.filed], "简易程序当场作出决定前，也应当告知当事人拟作出的处罚内容及事实、理由、依据和陈述申辩权利（行政处罚法第四十四条）")
                // 第五十一条: on the spot only a warning or a fine up to 200 元 (citizens) / 3,000 元 (organisations).
                let limit = row.isNaturalPerson ? 200 : 3000
                if let fine, fine > limit {
                    try gate("fine", "罚款", "简易程序只能对\(party)处\(limit)元以下罚款或者警告（行政处罚法第五十一条），请按普通程序办理")
                }
            } else {
                try requireOrRecord([.notified, .reviewed], breachedFrom: [.filed], "立案、调查、告知后才能作出决定（行政处罚法第四十四条）")
                // 第六十三条, 第六十四条: no decision while the party may still ask for a hearing, and none
                // before a requested hearing has been held.
                if row.hearingRight && row.hearingOn == nil {
                    if let requested = row.hearingRequestedOn {
                        try gate("action", "操作", "当事人已于\(requested)要求听证，应当组织听证后再作出决定（行政处罚法第六十三条、第六十四条）")
                    }
                    if row.hearingRequestedOn == nil, row.hearingWaivedOn == nil, let notified = row.notifiedOn {
                        guard let calendar = facts.calendar, let end = hearingRequestEnd(notifiedOn: notified, calendar: calendar) else {
                            throw fail("on", "日期", "工作日历未覆盖告知后的日期，请先导入工作日历")
                        }
                        if date <= end {
                            try gate("on", "日期", "当事人可以在告知后五日内要求听证（行政处罚法第六十四条第一项、第八十五条：工作日），期限至\(end)届满；期限内不得作出决定，除非当事人书面放弃听证")
                        }
                    }
                }
            }
            // 🏷 The amount threshold: a large fine makes the decision 重大 even if it was not flagged at 立案.
            let threshold = row.isNaturalPerson ? facts.majorFinePersonYuan : facts.majorFineOrganisationYuan
            if let fine, fine >= threshold, row.reviewOn == nil {
                try gate("fine", "罚款", "对\(party)罚款\(threshold)元以上属于本地规定的重大执法决定，未经法制审核不得作出决定（行政处罚法第五十八条第一款第四项），请先告知并提交法制审核")
            }
            if !penalty, fine != nil { throw fail("fine", "罚款", "不予行政处罚决定不能有罚款") }
            if row.major && !row.isNaturalPerson && facts.enterpriseImpactRequired && row.impactAssessedOn == nil {
                try gate("action", "操作", "对企业作出重大行政处罚决定前，应当评估对企业生产经营的影响并记录（🏷 本地涉企行政执法规定），请先记录涉企经济影响评估")
            }
            if let discretion {
                let checked: DiscretionOutcome
                switch facts.discretion {
                case .success(let outcome)?: checked = outcome
                case .failure(let refusal)?: throw refusal
                case nil: throw fail("benchmarkCode", "裁量基准", "裁量基准未经核对")
                }
                row.discretion = DiscretionRecord(
                    benchmarkID: checked.benchmark?.id, tier: checked.tier, proposedTiers: checked.proposal,
                    circumstances: discretion.circumstances.map(\.rawValue).sorted(), outside: checked.outside,
                    outsideReason: checked.outside ? discretion.outsideReason : nil,
                    lenienceItemID: checked.lenience?.id, lenienceReason: checked.lenience == nil ? nil : discretion.lenienceReason)
                if let benchmark = checked.benchmark {
                    detail += "；裁量基准\(benchmark.code)第\(benchmark.version)版，\(checked.tier?.label ?? "")（平台建议\(checked.proposal.map(\.label).joined(separator: "或"))）"
                }
                if checked.outside { detail += "；偏离基准，理由：\(discretion.outsideReason ?? "")" }
                if let item = checked.lenience { detail += "；适用\(item.listLabel)\(item.code)：\(discretion.lenienceReason ?? "")" }
            }
            if row.major && row.reviewOn == nil {
                try gate("action", "操作", "本案属于行政处罚法第五十八条规定的情形，未经法制审核或者审核未通过的，不得作出决定")
            }
            if row.complex && row.deliberationOn == nil {
                try gate("action", "操作", "情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定（行政处罚法第五十七条第二款）")
            }
            if let fine, fine < 0 { throw fail("fine", "罚款", "不能为负数") }
            guard !decision.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "决定内容", "须写明处罚种类和依据") }
            row.noPenalty = !penalty
            effects.append(.completeClock(PenaltyClocks.hearingRequest, reason: "作出决定"))
            effects.append(.completeClock(PenaltyClocks.decision, reason: "作出决定"))
            effects.append(.openClock(PenaltyClocks.service, reason: "作出决定"))
            effects.append(.openClock(PublicationClocks.kind(noPenalty: row.noPenalty), reason: "作出决定"))
            row.fineYuan = fine
            row.decision = decision
            row.decidedOn = date
            row.status = .decided
            detail += "：\(decision)\(fine.map { "，罚款\($0)元" } ?? "")"
        case .serve:
            try require([.decided], "作出决定后才能送达")
            effects.append(.completeClock(PenaltyClocks.service, reason: "已送达"))
            row.servedOn = date
            row.status = .served
        case .execute:
            try require([.served], "送达后才能执行")
            row.executedOn = date
            row.status = .executed
        case .close:
            try require([.executed], "执行完毕后才能结案")
            row.closedOn = date
            row.status = .closed
        case .archive:
            try require([.closed, .dropped], "结案或不予立案后才能归档（行政处罚法第四十七条：全过程记录，归档保存）")
            row.archivedOn = date
            row.status = .archived
        case .assessImpact(_, let assessment):
            try require([.filed, .notified, .reviewed], "立案后、决定前评估")
            guard !row.isNaturalPerson else { throw fail("action", "操作", "当事人是自然人，不需要涉企经济影响评估") }
            guard !assessment.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "评估意见", "须写明对企业生产经营的影响和拟采取的措施") }
            row.impactAssessedOn = date
            row.impactAssessment = assessment
            detail += "：\(assessment)"
        case .hearing(_, let noticeOn, let record):
            try require([.notified], "告知听证权利、当事人要求听证后举行")
            guard let notified = row.notifiedOn, noticeOn <= date, noticeOn >= notified else { throw fail("noticeOn", "听证通知日期", "应在告知之后、听证之前") }
            // 第六十四条第二项: notified at least seven (working, 第八十五条) days before the hearing.
            guard let calendar = facts.calendar else { throw fail("on", "日期", "工作日历未载入") }
            let between = calendar.workdays(after: noticeOn, through: date.adding(days: -1))
            if between < 7 {
                try gate("noticeOn", "听证通知日期", "应当在举行听证的七日前通知当事人（行政处罚法第六十四条第二项、第八十五条：工作日），\(noticeOn)通知至\(date)听证只隔\(between)个工作日")
            }
            guard !record.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "听证笔录", "须记录听证情况（第六十四条第八项：听证应当制作笔录）") }
            effects.append(.completeClock(PenaltyClocks.hearingRequest, reason: "已举行听证"))
            row.hearingNoticeOn = noticeOn
            row.hearingOn = date
            detail += "（\(noticeOn)通知）：\(record)"
        case .publish:
            guard let decided = row.decidedOn else { throw fail("action", "操作", "作出决定后才能公示") }
            if let change = row.changeKind, change == .annulled || change == .void {
                throw fail("action", "操作", "决定已被\(change.label)，不得公示（行政处罚法第四十八条第二款）")
            }
            guard date >= decided else { throw fail("on", "日期", "公示日期不能早于决定日期 \(decided)") }
            guard facts.publishedOn == nil else { throw fail("action", "操作", "本决定已公示，如决定变更请先撤回") }
            let kind = PublicationClocks.kind(noPenalty: row.noPenalty)
            guard let calendar = facts.calendar, let due = Clock(rule: kind.rule, start: CivilDateTime(date: decided)).dueDate(calendar: calendar) else {
                throw fail("on", "日期", "工作日历未覆盖\(decided)之后的日期，请先导入工作日历")
            }
            effects.append(.publish(due: due, note: date > due ? "（超过\(kind.rule.basis)规定的期限\(due)）" : ""))
            effects.append(.completeClock(kind, reason: "已公示"))
        case .change(_, let kind, let reason):
            guard row.decidedOn != nil else { throw fail("action", "操作", "尚未作出决定") }
            if let existing = row.changeKind { throw fail("action", "操作", "已记录决定\(existing.label)") }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "依据", "须写明变更或撤销的依据（复议决定、判决或者本机关决定的文号）") }
            row.changedOn = date
            row.changeKind = kind
            row.changeReason = reason
            if facts.publishedOn != nil {
                effects.append(.openClock(PublicationClocks.withdrawal, reason: "决定\(kind.label)"))
            } else if kind == .annulled || kind == .void {
                effects.append(.completeClock(PublicationClocks.kind(noPenalty: row.noPenalty), reason: "决定已\(kind.label)，不再公示"))
            }
            detail += "（\(kind.label)）：\(reason)"
        case .extendDecision(_, let days, let approver, let reason):
            try require([.filed, .notified, .reviewed], "立案后、作出决定前才能延长决定期限")
            let rule = facts.decisionClock.rule
            guard let limit = rule.extensionLimit else {
                throw fail("action", "操作", "\(rule.title)的期限依法不得延长（\(rule.basis)）")
            }
            guard (1...366).contains(days) else { throw fail("days", "延长日数", "应为1到366之间的整数") }
            guard !approver.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("approver", "批准人", "延长须经批准，写明批准人（\(limit.basis)）") }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "理由", "须写明延长的理由") }
            if let due = facts.decisionDue, date > due { throw fail("on", "日期", "决定期限已于\(due)届满，届满后不能延长") }
            guard facts.decisionExtensions.count < limit.maxCount else {
                throw fail("action", "操作", "\(rule.title)最多延长\(limit.maxCount)次（\(limit.basis)）")
            }
            let total = facts.decisionExtensions.filter { $0.unit == .days }.map(\.count).reduce(0, +) + days
            guard total <= limit.maxPeriod.count else { throw fail("days", "延长日数", "延长合计不得超过\(limit.maxPeriod.chinese)（\(limit.basis)）") }
            effects.append(.extendClock(PenaltyClocks.decision, by: .days(days), approver: approver, reason: reason))
            detail += "\(days)日（批准人：\(approver)）：\(reason)"
        case .withdraw:
            guard let publishedOn = facts.publishedOn else { throw fail("action", "操作", "本决定没有正在公示的信息") }
            guard let change = row.changeKind else {
                throw fail("action", "操作", "只有决定被变更、撤销或者确认违法、无效的，才撤回公示信息（行政处罚法第四十八条第二款）；请先记录决定的变更")
            }
            guard date >= publishedOn else { throw fail("on", "日期", "撤回日期不能早于公示日期 \(publishedOn)") }
            effects.append(.withdrawPublication(reason: "决定已\(change.label)：\(row.changeReason ?? "")"))
            effects.append(.completeClock(PublicationClocks.withdrawal, reason: "已撤回"))
        }
        if !findings.isEmpty { detail += "（历史违规：\(findings.joined(separator: "；"))）" }
        return PenaltyStep(state: row, effects: effects, detail: detail, findings: findings)
    }
}
