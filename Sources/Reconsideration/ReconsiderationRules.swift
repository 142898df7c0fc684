import FazhiCalendar
import FazhiCore
import Foundation

// The 行政复议法 (2023) procedure as plain values: no database, no clock reads, no framework.
// `CaseService.perform` loads the case and the facts, calls `ReconsiderationRules.apply` and writes
// what comes back in one transaction; the ledger importer replays rows through the same service.
// docs/law.md §8 states each rule with its article.

/// A reconsideration case as the rules see it.
public struct ReconsiderationState: Sendable, Equatable {
    public var caseNumber: String
    public var status: CaseStatus
    public var receivedOn: CivilDate
    public var statusBeforeSuspension: CaseStatus?
    public var intake: String?
    public var intakeOn: CivilDate?
    public var intakeReason: String?
    public var procedure: Procedure?
    public var major = false
    public var extended = false
    /// Days added to the decision period so far (第六十二条第一款: thirty at most in all).
    public var extendedDays = 0
    /// 第三十一条第一款: the one 补正 notice.
    public var correctionRequestedOn: CivilDate?
    /// 第五十三条: why the summary procedure applies.
    public var summaryGround: SummaryGround?
    /// 第四十八条, 第五十四条: the day the respondent received the copy.
    public var copyReceivedOn: CivilDate?
    public var suspensionGround: SuspensionGround?
    /// The day of the current or last 中止, and the reason written with it.
    public var suspendedOn: CivilDate?
    public var suspensionNote: String?
    public var actCategory: ActCategory?
    public var copySentOn: CivilDate?
    public var replyOn: CivilDate?
    public var hearingOn: CivilDate?
    public var outcome: CaseOutcome?
    public var outcomeOn: CivilDate?
    public var selfCorrected = false
    public var servedOn: CivilDate?
    public var archivedOn: CivilDate?
    /// 第三十一条: the day the applicant's supplement arrived (the review period runs again from it).
    public var correctionReceivedOn: CivilDate?

    public init(caseNumber: String, status: CaseStatus, receivedOn: CivilDate) {
        self.caseNumber = caseNumber
        self.status = status
        self.receivedOn = receivedOn
    }
}

/// What the rules read besides the case: loaded by the service, made by hand in tests.
public struct ReconsiderationFacts: Sendable {
    /// The moment of the step (Beijing time); its date is "today".
    public var now: CivilDateTime
    public var calendar: WorkCalendar
    /// Due dates of the case's open clocks, where the step needs them.
    public var acceptanceDue: CivilDate?
    public var correctionDue: CivilDate?
    public var decisionDue: CivilDate?
    /// An imported ledger row that states a historical breach (the column 历史违规说明): the
    /// statute's gates do not refuse the step but record what it breached as findings, so a county
    /// brings in its true, imperfect past and it is counted. Never set for steps taken on the platform.
    public var recordingHistory = false

    public init(now: CivilDateTime, calendar: WorkCalendar, acceptanceDue: CivilDate? = nil, correctionDue: CivilDate? = nil,
                decisionDue: CivilDate? = nil) {
        self.now = now
        self.calendar = calendar
        self.acceptanceDue = acceptanceDue
        self.correctionDue = correctionDue
        self.decisionDue = decisionDue
    }

    public var today: CivilDate { now.date }
}

/// What the service does to the case's clocks besides saving the new state.
public enum ReconsiderationEffect: Sendable {
    /// Record an event on the case's open clock of this kind, if there is one.
    case record(ClockKind, ClockEvent)
    /// Open a clock of this kind from `from`.
    case open(ClockKind, from: CivilDate, reason: String)
}

public struct ReconsiderationStep: Sendable {
    public var state: ReconsiderationState
    public var effects: [ReconsiderationEffect]
    public var detail: String
    /// Things the officer should check again: recorded with the step, never a refusal.
    public var warnings: [String] = []
    /// The statute's gates this step breached, each with its article: only for a ledger row that
    /// states the breach (`ReconsiderationFacts.recordingHistory`); otherwise a breach is refused.
    public var findings: [String] = []
}

public enum ReconsiderationRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// 第二十条: an application is made within sixty days of knowing of the act. The platform knows the
    /// act's date, not when the applicant learnt of it, so a late application is a warning to check.
    public static func applicationWarnings(actOn: CivilDate?, receivedOn: CivilDate, calendar: WorkCalendar) -> [String] {
        guard let actOn else { return [] }
        let rule = ClockRule(title: "申请行政复议", period: .days(60), basis: "行政复议法第二十条第一款")
        guard let due = Clock(rule: rule, start: CivilDateTime(date: actOn)).dueDate(calendar: calendar), receivedOn > due else { return [] }
        return ["申请于\(receivedOn)收到，距行政行为作出之日（\(actOn)）已超过六十日（至\(due)届满，行政复议法第二十条第一款）：请核实申请人知道该行政行为的日期，或者是否有不可抗力等正当理由（第二十条第二款）"]
    }

    /// Checks `action` against the case and the statute; the case after it, or the refusal with its article.
    public static func apply(_ action: CaseAction, to current: ReconsiderationState, facts: ReconsiderationFacts) throws(ValidationFailure) -> ReconsiderationStep {
        var row = current
        var effects: [ReconsiderationEffect] = []
        var warnings: [String] = []
        let date = action.date
        let today = facts.today
        let calendar = facts.calendar
        guard date <= today else { throw fail("on", "日期", "不能晚于今天") }
        guard date >= row.receivedOn else { throw fail("on", "日期", "不能早于收到申请日期 \(row.receivedOn)") }
        let status = row.status
        func require(_ allowed: Set<CaseStatus>, _ why: String) throws(ValidationFailure) {
            guard allowed.contains(status) else { throw fail("action", "操作", "案件当前为“\(status.label)”，不能\(action.label)：\(why)") }
        }
        var findings: [String] = []
        /// A gate of the statute (its message cites the article): refused on the platform; for an
        /// imported row that states the breach, recorded as a finding and passed.
        func gate(_ field: String, _ label: String, _ message: String) throws(ValidationFailure) {
            guard facts.recordingHistory else { throw fail(field, label, message) }
            findings.append(message)
        }
        func record(_ kind: ClockKind, _ event: ClockEvent) { effects.append(.record(kind, event)) }
        func open(_ kind: ClockKind, from start: CivilDate, reason: String) { effects.append(.open(kind, from: start, reason: reason)) }
        // A step recorded for today completes its clocks at the present minute; a past one at midnight.
        let completeAt = CivilDateTime(date: date, minuteOfDay: date == today ? facts.now.minuteOfDay : 0)
        /// 第三十条第三款: once the review period has run out without a refusal, the application is accepted.
        func requireReviewPeriodOpen() throws(ValidationFailure) {
            if let due = facts.acceptanceDue, date > due {
                try gate("on", "日期", "审查期限已于\(due)届满，行政复议机关未作出不予受理决定的，审查期限届满之日起视为受理（行政复议法第三十条第三款），不能再\(action.label)；请记录受理")
            }
        }
        /// A receipt date lies between the sending and today.
        func checkReceipt(_ received: CivilDate?, sent: CivilDate, _ field: String, _ label: String) throws(ValidationFailure) {
            guard let received else { return }
            guard received >= sent, received <= today else { throw fail(field, label, "应在发出之日（\(sent)）至今天之间") }
        }
        var detail = action.label
        switch action {
        case .requestCorrection(_, let items, let receivedOn):
            try require([.received], "补正只能在受理审查阶段通知（行政复议法第三十一条）")
            if let earlier = row.correctionRequestedOn {
                throw fail("action", "操作", "补正通知应当一次性载明需要补正的事项（行政复议法第三十一条第一款），本案已于\(earlier)通知补正，不能再次通知")
            }
            try requireReviewPeriodOpen()
            guard !items.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("items", "补正事项", "须写明需要补正的事项和合理的补正期限（行政复议法第三十一条）") }
            try checkReceipt(receivedOn, sent: date, "receivedOn", "申请人收到通知日期")
            record(ReconsiderationClocks.acceptance, .complete(completeAt, reason: "已通知补正"))
            if let receivedOn {
                open(ReconsiderationClocks.correction, from: receivedOn, reason: "申请人于\(receivedOn)收到补正通知（行政复议法第三十一条第二款：自收到之日起计算）")
            } else {
                open(ReconsiderationClocks.correction, from: date, reason: "发出补正通知；申请人收到日期尚未记录，暂自发出之日起计算（行政复议法第三十一条第二款：自收到补正通知之日起十日内）")
                warnings.append("补正期限应自申请人收到补正通知之日起计算（行政复议法第三十一条第二款），请在收到回执后记录收到日期")
            }
            row.correctionRequestedOn = date
            row.status = .awaitingCorrection
            detail += "：\(items)\(receivedOn.map { "（申请人\($0)收到）" } ?? "")"
        case .correctionNoticeReceived:
            try require([.awaitingCorrection], "未通知补正")
            try checkReceipt(date, sent: row.correctionRequestedOn ?? row.receivedOn, "on", "申请人收到通知日期")
            record(ReconsiderationClocks.correction, .restart(date, reason: "申请人于\(date)收到补正通知，补正期限自收到之日起计算（行政复议法第三十一条第二款）"))
        case .extendCorrection(_, let workdays, let reason):
            try require([.awaitingCorrection], "未通知补正")
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("reason", "理由", "须写明申请人不能按期补正的正当理由（行政复议法第三十一条第二款）")
            }
            guard (1...20).contains(workdays) else { throw fail("days", "延长工作日", "应为1到20个工作日") }
            if let due = facts.correctionDue, date > due {
                throw fail("on", "日期", "补正期限已于\(due)届满，届满后不能延长（行政复议法第三十一条第二款）")
            }
            record(ReconsiderationClocks.correction, .extend(date, by: .workdays(workdays), approver: "行政复议机构", reason: reason))
            detail += "\(workdays)个工作日：\(reason)"
        case .receiveCorrection:
            try require([.awaitingCorrection], "未通知补正")
            record(ReconsiderationClocks.correction, .complete(completeAt, reason: "收到补正材料"))
            // 第三十一条: the review period runs again from the day the supplement arrives.
            open(ReconsiderationClocks.acceptance, from: date, reason: "收到补正材料，审查期限重新计算")
            row.status = .received
            row.correctionReceivedOn = date
        case .deemWithdrawn:
            try require([.awaitingCorrection], "未通知补正")
            if let due = facts.correctionDue, date <= due {
                try gate("on", "日期", "补正期限至\(due)届满，届满前不能视为撤回（行政复议法第三十一条第二款：无正当理由逾期不补正的，视为放弃）")
            }
            record(ReconsiderationClocks.correction, .complete(completeAt, reason: "逾期未补正"))
            row.status = .deemedWithdrawn
            row.intake = "deemedWithdrawn"
            row.intakeOn = date
        case .accept(_, let procedure, let major, let summaryGround):
            try require([.received], "只有待审查的申请可以受理")
            if procedure == .summary && major { throw fail("procedure", "程序", "重大、疑难、复杂案件不适用简易程序（行政复议法第五十三条）") }
            if procedure == .summary && summaryGround == nil {
                try gate("summaryGround", "适用简易程序的情形", "适用简易程序须事实清楚、权利义务关系明确、争议不大，且属于当场作出、警告或者通报批评、款额三千元以下、政府信息公开案件之一；或者当事人各方同意（行政复议法第五十三条）")
            }
            var start = date
            if let due = facts.acceptanceDue, date > due {
                // 第三十条第三款: silence past the review period counts as acceptance from its last day.
                start = due
                detail += "（审查期限于\(due)届满，依行政复议法第三十条第三款视为自该日受理）"
            }
            record(ReconsiderationClocks.acceptance, .complete(completeAt, reason: "受理"))
            row.status = .underReview
            row.intake = "accepted"
            row.intakeOn = start
            row.procedure = procedure
            row.major = major
            row.summaryGround = procedure == .summary ? summaryGround : nil
            open(ReconsiderationClocks.decision(procedure), from: start, reason: "受理")
            open(ReconsiderationClocks.copy(procedure), from: start, reason: "受理")
            detail += "，\(procedure.label)\(major ? "，重大疑难复杂案件" : "")"
            if procedure == .summary, let summaryGround { detail += "（\(summaryGround.label)，\(summaryGround.article)）" }
        case .refuse(_, let reason), .refer(_, let reason):
            let refusing: Bool
            if case .refuse = action { refusing = true } else { refusing = false }
            try require([.received], refusing ? "受理后发现不符合受理条件的，应当决定驳回复议申请（行政复议法第三十三条）" : "只能在受理审查阶段告知")
            try requireReviewPeriodOpen()
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("reason", refusing ? "不予受理理由" : "有权机关", refusing ? "不予受理须说明理由（行政复议法第三十条第一款）" : "须写明有权受理的行政复议机关")
            }
            record(ReconsiderationClocks.acceptance, .complete(completeAt, reason: action.label))
            row.status = refusing ? .refused : .referred
            row.intake = refusing ? "refused" : "referred"
            row.intakeOn = date
            row.intakeReason = reason
            detail += "：\(reason)"
        case .sendCopy(_, let receivedOn):
            try require([.underReview], "受理后才能发送申请书副本")
            if let sent = row.copySentOn { throw fail("action", "操作", "申请书副本已于\(sent)发送") }
            try checkReceipt(receivedOn, sent: date, "receivedOn", "被申请人收到日期")
            let procedure = row.procedure ?? .ordinary
            record(ReconsiderationClocks.copy(procedure), .complete(completeAt, reason: "已发送"))
            // 第四十八条, 第五十四条: the respondent answers within its period from receiving the copy.
            if let receivedOn {
                open(ReconsiderationClocks.reply(procedure), from: receivedOn, reason: "被申请人于\(receivedOn)收到申请书副本")
                detail += "（被申请人\(receivedOn)收到）"
            } else {
                open(ReconsiderationClocks.reply(procedure), from: date, reason: "发送申请书副本；被申请人收到日期尚未记录，暂自发送之日起计算（行政复议法第四十八条：自收到之日起计算）")
            }
            row.copySentOn = date
            row.copyReceivedOn = receivedOn
        case .copyReceived:
            try require([.underReview], "受理后才能记录")
            guard let sent = row.copySentOn else { throw fail("action", "操作", "尚未发送申请书副本") }
            if let received = row.copyReceivedOn { throw fail("action", "操作", "已记录被申请人于\(received)收到申请书副本") }
            guard row.replyOn == nil else { throw fail("action", "操作", "已收到书面答复") }
            try checkReceipt(date, sent: sent, "on", "被申请人收到日期")
            record(ReconsiderationClocks.reply(row.procedure ?? .ordinary), .restart(date, reason: "被申请人于\(date)收到申请书副本，答复期限自收到之日起计算（行政复议法第四十八条、第五十四条）"))
            row.copyReceivedOn = date
        case .receiveReply:
            try require([.underReview], "受理后才能收到答复")
            guard row.copySentOn != nil else { throw fail("action", "操作", "尚未发送申请书副本") }
            record(ReconsiderationClocks.reply(row.procedure ?? .ordinary), .complete(completeAt, reason: "收到答复"))
            row.replyOn = date
        case .scheduleHearing(let noticeOn, let hearingOn):
            try require([.underReview], "受理后才能听证")
            let notice = calendar.workdays(after: noticeOn, through: hearingOn)
            // 第五十一条: notice at least five (working) days before the hearing.
            let message = "应当在举行听证的五日（工作日）前书面通知当事人（行政复议法第五十一条），通知日与听证日之间只有\(max(0, notice - 1))个工作日"
            guard hearingOn > noticeOn else { throw fail("hearingOn", "听证日期", message) }
            if calendar.workdays(after: noticeOn, through: hearingOn.adding(days: -1)) < 5 {
                try gate("hearingOn", "听证日期", message)
            }
            row.hearingOn = hearingOn
            detail += "：\(hearingOn)举行听证"
        case .suspend(_, let ground, let reason):
            try require([.received, .underReview], "只有审查或审理中的案件可以中止")
            let note = reason.trimmingCharacters(in: .whitespaces)
            if ground == .other && note.isEmpty { throw fail("reason", "中止理由", "“其他情形”须写明需要中止的具体理由（行政复议法第三十九条第一款第十项）") }
            let clockKind = status == .received ? ReconsiderationClocks.acceptance : ReconsiderationClocks.decision(row.procedure ?? .ordinary)
            record(clockKind, .suspend(date, reason: "中止：\(ground.label)（\(ground.article)）"))
            // 第四十一条第五项: only a 中止 on grounds 一、二、四 ends the case after sixty days.
            if ground.endsCaseAfterSixtyDays { open(ReconsiderationClocks.suspensionLimit, from: date, reason: "中止（\(ground.article)）") }
            row.statusBeforeSuspension = status
            row.suspensionGround = ground
            row.suspendedOn = date
            row.suspensionNote = note.nilIfEmpty
            row.status = .suspended
            detail += "：\(ground.label)（\(ground.article)）\(note.isEmpty ? "" : "；\(note)")"
        case .resume:
            try require([.suspended], "案件未中止")
            let back = row.statusBeforeSuspension ?? .underReview
            let clockKind = back == .received ? ReconsiderationClocks.acceptance : ReconsiderationClocks.decision(row.procedure ?? .ordinary)
            record(clockKind, .resume(date, reason: "恢复"))
            record(ReconsiderationClocks.suspensionLimit, .complete(completeAt, reason: "恢复审理"))
            row.status = back
            row.statusBeforeSuspension = nil
        case .extend(_, let days, let approver, let reason):
            try require([.underReview], "只有审理中的案件可以延长")
            guard row.procedure == .ordinary else {
                throw fail("action", "操作", "简易程序案件应当自受理之日起三十日内作出决定，不得延长（行政复议法第六十二条第二款）；案情复杂的可转为普通程序（第五十五条）")
            }
            // 第六十二条第一款: extensions may be several, thirty days at most in all, and only while
            // the period runs.
            guard days >= 1, days <= 30 - row.extendedDays else {
                throw fail("days", "延长天数", row.extendedDays == 0 ? "应为1到30日（行政复议法第六十二条第一款）"
                    : "已延长\(row.extendedDays)日，延长期限合计最多不得超过三十日（行政复议法第六十二条第一款），本次最多\(max(0, 30 - row.extendedDays))日")
            }
            guard !approver.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("approver", "批准人", "须经行政复议机构的负责人批准（行政复议法第六十二条第一款）") }
            if let due = facts.decisionDue, date > due {
                try gate("on", "日期", "审理期限已于\(due)届满，期限届满后不能再延长（行政复议法第六十二条第一款）")
            }
            record(ReconsiderationClocks.decisionOrdinary, .extend(date, by: .days(days), approver: approver, reason: reason))
            row.extended = true
            row.extendedDays += days
            detail += "\(days)日，批准人：\(approver)，理由：\(reason)"
        case .convertToOrdinary(_, let approver, let reason):
            try require([.underReview], "只有审理中的案件可以转换程序")
            guard row.procedure == .summary else { throw fail("action", "操作", "本案已适用普通程序") }
            guard !approver.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("approver", "批准人", "转为普通程序须经行政复议机构的负责人批准（行政复议法第五十五条）")
            }
            // 第五十五条: the case continues under the ordinary procedure; its sixty days run from
            // acceptance (⚠️ the statute does not say from when; counted from acceptance here).
            record(ReconsiderationClocks.decisionSummary, .complete(completeAt, reason: "转为普通程序"))
            let start = row.intakeOn ?? row.receivedOn
            open(ReconsiderationClocks.decisionOrdinary, from: start, reason: "简易程序转为普通程序，自受理之日起计算")
            if row.copySentOn == nil {
                record(ReconsiderationClocks.copySummary, .complete(completeAt, reason: "转为普通程序"))
                open(ReconsiderationClocks.copyOrdinary, from: start, reason: "转为普通程序")
            } else if row.replyOn == nil, let sent = row.copySentOn {
                record(ReconsiderationClocks.replySummary, .complete(completeAt, reason: "转为普通程序"))
                open(ReconsiderationClocks.replyOrdinary, from: sent, reason: "转为普通程序")
            }
            row.procedure = .ordinary
            detail += "，批准人：\(approver)，理由：\(reason)（行政复议法第五十五条）"
        case .conclude(_, let outcome, let selfCorrected, let note):
            if outcome == .termination {
                try require([.underReview, .suspended], "终止只能在受理后作出（行政复议法第四十一条）")
            } else {
                try require([.underReview], status == .received || status == .awaitingCorrection
                    ? "尚未受理，不能作出行政复议决定；不符合受理条件的应决定不予受理（行政复议法第三十条）"
                    : (status == .suspended ? "案件中止期间不能作出决定，请先恢复审理（行政复议法第三十九条）" : "案件已结案"))
            }
            if outcome.isDecision, outcome != .dismissApplication, row.procedure == .ordinary, row.copySentOn == nil {
                try gate("outcome", "结案方式", "作出决定前应当向被申请人发送申请书副本、听取答复（行政复议法第四十八条）")
            }
            // 第五十条: a major, difficult or complex case is heard before it is decided.
            if row.major, outcome.isDecision, outcome != .dismissApplication, row.hearingOn == nil {
                try gate("outcome", "结案方式", "重大、疑难、复杂的行政复议案件，行政复议机构应当组织听证（行政复议法第五十条第一款），请先通知并举行听证")
            }
            if selfCorrected && outcome != .withdrawal { throw fail("selfCorrected", "被申请人自行纠正", "只适用于因被申请人改变原行政行为而撤回申请的情形") }
            if let warning = outcome.warning(actCategory: row.actCategory) { warnings.append(warning) }
            let procedure = row.procedure ?? .ordinary
            record(ReconsiderationClocks.decision(procedure), .complete(completeAt, reason: outcome.label))
            for kind in [ReconsiderationClocks.copy(procedure), ReconsiderationClocks.reply(procedure), ReconsiderationClocks.suspensionLimit] {
                record(kind, .complete(completeAt, reason: "案件结案"))
            }
            row.status = .decided
            row.statusBeforeSuspension = nil
            row.outcome = outcome
            row.outcomeOn = date
            row.selfCorrected = selfCorrected
            detail += "：\(outcome.label)（\(outcome.article)）\(selfCorrected ? "，被申请人自行纠正" : "")\(note.isEmpty ? "" : "；\(note)")"
        case .serve:
            try require([.decided], "结案后才能送达")
            row.status = .served
            row.servedOn = date
        case .archive:
            try require([.served, .refused, .referred, .deemedWithdrawn], "送达后或受理审查结束后才能归档")
            row.status = .archived
            row.archivedOn = date
        }
        if !warnings.isEmpty { detail += "（提示：\(warnings.joined(separator: "；"))）" }
        if !findings.isEmpty { detail += "（历史违规：\(findings.joined(separator: "；"))）" }
        return ReconsiderationStep(state: row, effects: effects, detail: detail, warnings: warnings, findings: findings)
    }
}
