import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// What the application form or an import row says.
public struct ApplicationInput: Sendable {
    public var caseNumber: String?
    public var receivedOn: String?
    public var channel: String?
    public var applicantKind: String?
    public var applicantName: String?
    public var applicantID: String?
    public var agent: String?
    public var thirdParties: String?
    public var respondentCode: String?
    public var actCategory: String?
    public var enforcementDomain: String?
    public var actOn: String?
    public var request: String?

    public init(caseNumber: String? = nil, receivedOn: String? = nil, channel: String? = nil, applicantKind: String? = nil,
                applicantName: String? = nil, applicantID: String? = nil, agent: String? = nil, thirdParties: String? = nil,
                respondentCode: String? = nil, actCategory: String? = nil, enforcementDomain: String? = nil, actOn: String? = nil,
                request: String? = nil) {
        self.caseNumber = caseNumber
        self.receivedOn = receivedOn
        self.channel = channel
        self.applicantKind = applicantKind
        self.applicantName = applicantName
        self.applicantID = applicantID
        self.agent = agent
        self.thirdParties = thirdParties
        self.respondentCode = respondentCode
        self.actCategory = actCategory
        self.enforcementDomain = enforcementDomain
        self.actOn = actOn
        self.request = request
    }
}

/// One step of the procedure. Each is checked against the case's state and the statute before it
/// is recorded; a step the law does not allow is refused with the article.
public enum CaseAction: Sendable {
    /// 第三十一条: the notice names everything missing, once; `receivedOn` is the day the applicant
    /// received it, from which the ten working days run (unknown: counted from sending until recorded).
    case requestCorrection(on: CivilDate, items: String, receivedOn: CivilDate? = nil)
    /// The applicant received the 补正 notice on this day: the period runs again from it.
    case correctionNoticeReceived(on: CivilDate)
    /// 第三十一条第二款: a reasonable longer period for a proper reason.
    case extendCorrection(on: CivilDate, workdays: Int, reason: String)
    case receiveCorrection(on: CivilDate)
    case deemWithdrawn(on: CivilDate)
    /// `summaryGround`: why the summary procedure applies (第五十三条); required for it.
    case accept(on: CivilDate, procedure: Procedure, major: Bool, summaryGround: SummaryGround? = nil)
    case refuse(on: CivilDate, reason: String)
    case refer(on: CivilDate, body: String)
    /// `receivedOn`: the day the respondent received the copy, from which its reply period runs
    /// (第四十八条, 第五十四条); unknown: counted from sending until recorded.
    case sendCopy(on: CivilDate, receivedOn: CivilDate? = nil)
    /// The respondent received the copy on this day: the reply period runs again from it.
    case copyReceived(on: CivilDate)
    case receiveReply(on: CivilDate)
    case scheduleHearing(noticeOn: CivilDate, hearingOn: CivilDate)
    case suspend(on: CivilDate, ground: SuspensionGround, reason: String)
    case resume(on: CivilDate)
    case extend(on: CivilDate, days: Int, approver: String, reason: String)
    case convertToOrdinary(on: CivilDate, approver: String, reason: String)
    case conclude(on: CivilDate, outcome: CaseOutcome, selfCorrected: Bool, note: String)
    case serve(on: CivilDate)
    case archive(on: CivilDate)

    public var label: String {
        switch self {
        case .requestCorrection: return "通知补正"
        case .correctionNoticeReceived: return "申请人收到补正通知"
        case .extendCorrection: return "延长补正期限"
        case .receiveCorrection: return "收到补正材料"
        case .deemWithdrawn: return "逾期未补正，视为撤回"
        case .accept: return "受理"
        case .refuse: return "不予受理"
        case .refer: return "告知向有权机关申请"
        case .sendCopy: return "发送申请书副本"
        case .copyReceived: return "被申请人收到申请书副本"
        case .receiveReply: return "收到书面答复和证据"
        case .scheduleHearing: return "通知听证"
        case .suspend: return "中止"
        case .resume: return "恢复审理"
        case .extend: return "延长审理期限"
        case .convertToOrdinary: return "转为普通程序"
        case .conclude: return "结案"
        case .serve: return "送达"
        case .archive: return "归档"
        }
    }

    var date: CivilDate {
        switch self {
        case .requestCorrection(let on, _, _), .correctionNoticeReceived(let on), .extendCorrection(let on, _, _), .receiveCorrection(let on),
             .deemWithdrawn(let on), .accept(let on, _, _, _), .refuse(let on, _), .refer(let on, _), .sendCopy(let on, _), .copyReceived(let on),
             .receiveReply(let on), .suspend(let on, _, _), .resume(let on), .extend(let on, _, _, _), .convertToOrdinary(let on, _, _),
             .conclude(let on, _, _, _), .serve(let on), .archive(let on):
            return on
        case .scheduleHearing(let noticeOn, _):
            return noticeOn
        }
    }
}

public enum CaseService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// Checks an application; the normalised values, or every problem with its field.
    static func validate(_ input: ApplicationInput, validator: inout Validator, today: CivilDate) -> (
        receivedOn: CivilDate?, channel: ApplicationChannel?, kind: ApplicantKind?, name: String, id: String?, category: ActCategory?, actOn: CivilDate?, request: String
    ) {
        func date(_ text: String?, _ field: String, _ label: String, required: Bool) -> CivilDate? {
            let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                if required { validator.add(field, label, "不能为空") }
                return nil
            }
            guard let value = CivilDate(trimmed.replacingOccurrences(of: "/", with: "-")) else {
                validator.add(field, label, "“\(trimmed)”不是有效日期（YYYY-MM-DD）")
                return nil
            }
            if value > today { validator.add(field, label, "不能晚于今天") }
            return value
        }
        func pick<T: RawRepresentable & CaseIterable>(_ text: String?, _ field: String, _ label: String, labels: (T) -> String, required: Bool) -> T? where T.RawValue == String {
            let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                if required { validator.add(field, label, "不能为空") }
                return nil
            }
            if let value = T(rawValue: trimmed) ?? T.allCases.first(where: { labels($0) == trimmed }) { return value }
            validator.add(field, label, "应为以下之一：" + T.allCases.map(labels).joined(separator: "、"))
            return nil
        }
        let receivedOn = date(input.receivedOn, "receivedOn", "收到申请日期", required: true)
        let channel = pick(input.channel, "channel", "申请方式", labels: { (c: ApplicationChannel) in c.label }, required: true)
        let kind = pick(input.applicantKind, "applicantKind", "申请人类型", labels: { (k: ApplicantKind) in k.label }, required: true)
        let name = validator.required(input.applicantName, field: "applicantName", label: "申请人", maxLength: 100)
        var id: String?
        let rawID = (input.applicantID ?? "").trimmingCharacters(in: .whitespaces)
        if !rawID.isEmpty {
            do {
                id = kind == .naturalPerson ? try ResidentID(rawID, field: "applicantID").value : try USCC(rawID, field: "applicantID").value
            } catch {
                for item in error.errors { validator.add("applicantID", kind == .naturalPerson ? "身份证号码" : "统一社会信用代码", item.message) }
            }
        } else if kind == .naturalPerson {
            validator.add("applicantID", "身份证号码", "自然人申请人须填写身份证号码")
        }
        let category = pick(input.actCategory, "actCategory", "被申请行为类别", labels: { (c: ActCategory) in c.label }, required: true)
        let actOn = date(input.actOn, "actOn", "行政行为日期", required: false)
        if let actOn, let receivedOn, actOn > receivedOn { validator.add("actOn", "行政行为日期", "不能晚于收到申请日期") }
        let request = validator.required(input.request, field: "request", label: "行政复议请求", maxLength: 2000)
        return (receivedOn, channel, kind, name, id, category, actOn, request)
    }

    /// The next case number of a year: "（2026）复字第12号".
    static func nextNumber(year: Int, on db: any Database) async throws -> String {
        let count = try await ReconsiderationCase.query(on: db).filter(\.$receivedOn >= "\(year)-01-01").filter(\.$receivedOn < "\(year + 1)-01-01").count()
        var number = count + 1
        while try await ReconsiderationCase.query(on: db).filter(\.$caseNumber == "（\(year)）复字第\(number)号").count() > 0 { number += 1 }
        return "（\(year)）复字第\(number)号"
    }

    /// Registers an application and starts the five-working-day acceptance review (第三十条).
    @discardableResult
    public static func register(_ input: ApplicationInput, by principal: Principal, services: FazhiServices,
                                on db: any Database) async throws -> ReconsiderationCase {
        try await registerWithWarnings(input, by: principal, services: services, on: db).row
    }

    /// `register`, also returning what the officer should check again (第二十条's sixty days).
    public static func registerWithWarnings(_ input: ApplicationInput, by principal: Principal, services: FazhiServices,
                                            on db: any Database) async throws -> (row: ReconsiderationCase, warnings: [String]) {
        let today = CivilDateTime(services.now).date
        var validator = Validator()
        let checked = validate(input, validator: &validator, today: today)
        let respondentCode = validator.required(input.respondentCode, field: "respondentCode", label: "被申请人（单位编码）", maxLength: 32)
        var respondent: OrgUnit?
        if !respondentCode.isEmpty {
            respondent = try await UnitService.find(code: respondentCode, on: db)
            if respondent == nil { validator.add("respondentCode", "被申请人（单位编码）", "没有编码为“\(respondentCode)”的单位") }
        }
        let requestedNumber = (input.caseNumber ?? "").trimmingCharacters(in: .whitespaces)
        if requestedNumber.count > 60 { validator.add("caseNumber", "案号", "不能超过60个字符") }
        try validator.check()
        guard let respondent, principal.covers(unitPath: respondent.path) else { throw ScopeDenied(entityType: "unit", entityID: respondentCode) }
        let stamp = services.now
        let cipher = services.cipher
        return try await db.write { tx in
            let number = requestedNumber.isEmpty ? try await nextNumber(year: checked.receivedOn!.year, on: tx) : requestedNumber
            if try await ReconsiderationCase.query(on: tx).filter(\.$caseNumber == number).count() > 0 {
                throw fail("caseNumber", "案号", "“\(number)”已存在")
            }
            let row = ReconsiderationCase()
            row.caseNumber = number
            row.receivedOn = checked.receivedOn!.description
            row.channel = checked.channel!.rawValue
            row.applicantKind = checked.kind!.rawValue
            row.applicantNameSealed = try cipher.seal(checked.name)
            row.applicantNameMasked = checked.kind == .naturalPerson ? Masking.personName(checked.name) : checked.name
            if let id = checked.id {
                row.applicantIDSealed = try cipher.seal(id)
                row.applicantIDMasked = checked.kind == .naturalPerson ? Masking.residentID(id) : id
                row.applicantIDHash = cipher.searchHash(id)
            }
            row.agent = input.agent?.trimmingCharacters(in: .whitespaces).nilIfEmpty
            row.thirdParties = input.thirdParties?.trimmingCharacters(in: .whitespaces).nilIfEmpty
            row.respondentID = respondent.id!
            row.respondentPath = respondent.path
            row.actCategory = checked.category!.rawValue
            row.enforcementDomain = input.enforcementDomain?.trimmingCharacters(in: .whitespaces).nilIfEmpty
            row.actOn = checked.actOn?.description
            row.request = checked.request
            row.status = CaseStatus.received.rawValue
            row.major = false
            row.extended = false
            row.extendedDays = 0
            row.selfCorrected = false
            row.createdAt = stamp
            row.updatedAt = stamp
            try await row.create(on: tx)
            let calendar = try await CalendarService.current(services: services, on: tx)
            let warnings = ReconsiderationRules.applicationWarnings(actOn: checked.actOn, receivedOn: checked.receivedOn!, calendar: calendar)
            let note = warnings.isEmpty ? "" : "（提示：\(warnings.joined(separator: "；"))）"
            try await log(row, action: "register", on: checked.receivedOn!, detail: "收到行政复议申请（\(checked.channel!.label)），被申请人：\(respondent.name)\(note)", by: principal, stamp: stamp, on: tx)
            try await ClockService.open(kind: ReconsiderationClocks.acceptance.key, unitID: respondent.id, title: "\(number) 受理审查", record: row.clockRecord,
                                        start: CivilDateTime(date: checked.receivedOn!), startReason: "收到行政复议申请", by: principal, services: services, on: tx)
            return (row, warnings)
        }
    }

    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> ReconsiderationCase {
        guard let row = try await ReconsiderationCase.find(id, on: db), principal.covers(unitPath: row.respondentPath) else {
            throw ScopeDenied(entityType: "reconsideration_case", entityID: id.uuidString)
        }
        return row
    }

    static func log(_ row: ReconsiderationCase, action: String, on date: CivilDate, detail: String, by principal: Principal, stamp: Date, on db: any Database) async throws {
        let event = ReconsiderationEvent()
        event.$reconsiderationCase.id = row.id!
        event.action = action
        event.happenedOn = date.description
        event.detail = detail
        event.actor = principal.auditActor.name
        event.createdAt = stamp
        try await event.create(on: db)
        try await AuditLog.append(AuditEvent(action: "reconsideration.\(action)", entityType: "reconsideration_case", entityID: row.id!.uuidString,
                                             detail: AuditEvent.stepDetail(row.caseNumber, on: date.description, text: detail)),
                                  by: principal.auditActor, at: stamp, on: db)
    }

    /// Records one step: loads the case and the facts, applies `ReconsiderationRules`, and writes the
    /// case, its clocks, the timeline and the audit row in one transaction. Refused, with the article,
    /// when the case's state or the statute does not allow it.
    @discardableResult
    public static func perform(_ action: CaseAction, on caseID: UUID, by principal: Principal, services: FazhiServices,
                               on db: any Database) async throws -> ReconsiderationCase {
        try await performWithWarnings(action, on: caseID, by: principal, services: services, on: db).row
    }

    /// `perform`, also returning what the officer should check again (recorded in the timeline too).
    ///
    /// `historicalBreach` is only for a ledger row that states a breach of the statute in the
    /// county's past (the import column 历史违规说明): the step is recorded as it happened and each
    /// breach is kept as a `ReconsiderationFinding` with that statement, audited.
    public static func performWithWarnings(_ action: CaseAction, on caseID: UUID, by principal: Principal, services: FazhiServices,
                                           on db: any Database, historicalBreach: String? = nil) async throws -> (row: ReconsiderationCase, warnings: [String]) {
        let stamp = services.now
        return try await db.write { tx in
            let row = try await find(caseID, for: principal, on: tx)
            let calendar = try await CalendarService.current(services: services, on: tx)
            func due(_ kind: ClockKind) async throws -> CivilDate? {
                try await ClockService.openClock(kind: kind.key, record: row.clockRecord, on: tx)?.clock.dueDate(calendar: calendar)
            }
            var facts = ReconsiderationFacts(now: CivilDateTime(stamp), calendar: calendar)
            facts.recordingHistory = historicalBreach != nil
            switch action {
            case .accept, .requestCorrection, .refuse, .refer: facts.acceptanceDue = try await due(ReconsiderationClocks.acceptance)
            case .deemWithdrawn, .extendCorrection: facts.correctionDue = try await due(ReconsiderationClocks.correction)
            case .extend: facts.decisionDue = try await due(ReconsiderationClocks.decisionOrdinary)
            default: break
            }
            let step = try ReconsiderationRules.apply(action, to: row.state, facts: facts)
            for finding in step.findings {
                let record = ReconsiderationFinding()
                record.caseID = row.id!
                record.respondentPath = row.respondentPath
                record.caseNumber = row.caseNumber
                record.step = action.label
                record.happenedOn = action.date.description
                record.finding = finding
                record.statement = historicalBreach ?? ""
                record.createdAt = stamp
                try await record.create(on: tx)
                try await AuditLog.append(AuditEvent(action: "reconsideration.finding", entityType: "reconsideration_case", entityID: row.id!.uuidString,
                                                     detail: AuditEvent.stepDetail(row.caseNumber, on: action.date.description, text: finding)),
                                          by: principal.auditActor, at: stamp, on: tx)
            }
            for effect in step.effects {
                switch effect {
                case .record(let kind, let event):
                    try await ClockService.recordOnOpen(event, kind: kind.key, record: row.clockRecord, by: principal, services: services, on: tx)
                case .open(let kind, let start, let reason):
                    try await ClockService.open(kind: kind.key, unitID: row.respondentID, title: "\(row.caseNumber) \(kind.rule.title)", record: row.clockRecord,
                                                start: CivilDateTime(date: start), startReason: reason, by: principal, services: services, on: tx)
                }
            }
            row.apply(step.state)
            if case .conclude = action, row.accepted {
                row.decisionDueOn = try await ReconsiderationClocks.decisionDue(row, calendar: calendar, on: tx)?.description
            }
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await log(row, action: actionKey(action), on: action.date, detail: step.detail, by: principal, stamp: stamp, on: tx)
            return (row, step.warnings)
        }
    }

    static func actionKey(_ action: CaseAction) -> String {
        switch action {
        case .requestCorrection: return "request-correction"
        case .correctionNoticeReceived: return "correction-notice-received"
        case .extendCorrection: return "extend-correction"
        case .copyReceived: return "copy-received"
        case .receiveCorrection: return "receive-correction"
        case .deemWithdrawn: return "deem-withdrawn"
        case .accept: return "accept"
        case .refuse: return "refuse"
        case .refer: return "refer"
        case .sendCopy: return "send-copy"
        case .receiveReply: return "receive-reply"
        case .scheduleHearing: return "schedule-hearing"
        case .suspend: return "suspend"
        case .resume: return "resume"
        case .extend: return "extend"
        case .convertToOrdinary: return "convert-to-ordinary"
        case .conclude: return "conclude"
        case .serve: return "serve"
        case .archive: return "archive"
        }
    }
}

extension ReconsiderationCase {
    /// The case as `ReconsiderationRules` sees it.
    var state: ReconsiderationState {
        func day(_ text: String?) -> CivilDate? { text.flatMap(CivilDate.init) }
        var state = ReconsiderationState(caseNumber: caseNumber, status: caseStatus, receivedOn: CivilDate(receivedOn)!)
        state.statusBeforeSuspension = statusBeforeSuspension.flatMap(CaseStatus.init(rawValue:))
        state.intake = intake
        state.intakeOn = day(intakeOn)
        state.intakeReason = intakeReason
        state.procedure = caseProcedure
        state.major = major
        state.extended = extended
        state.extendedDays = extendedDays
        state.correctionRequestedOn = day(correctionRequestedOn)
        state.correctionReceivedOn = day(correctionReceivedOn)
        state.summaryGround = summaryGround.flatMap(SummaryGround.init(rawValue:))
        state.copyReceivedOn = day(copyReceivedOn)
        state.suspensionGround = suspensionGround.flatMap(SuspensionGround.init(rawValue:))
        state.suspendedOn = day(suspendedOn)
        state.suspensionNote = suspensionNote
        state.actCategory = ActCategory(rawValue: actCategory)
        state.copySentOn = day(copySentOn)
        state.replyOn = day(replyOn)
        state.hearingOn = day(hearingOn)
        state.outcome = caseOutcome
        state.outcomeOn = day(outcomeOn)
        state.selfCorrected = selfCorrected
        state.servedOn = day(servedOn)
        state.archivedOn = day(archivedOn)
        return state
    }

    /// Copies the rules' result onto the stored row.
    func apply(_ state: ReconsiderationState) {
        status = state.status.rawValue
        statusBeforeSuspension = state.statusBeforeSuspension?.rawValue
        intake = state.intake
        intakeOn = state.intakeOn?.description
        intakeReason = state.intakeReason
        procedure = state.procedure?.rawValue
        major = state.major
        extended = state.extended
        extendedDays = state.extendedDays
        correctionRequestedOn = state.correctionRequestedOn?.description
        correctionReceivedOn = state.correctionReceivedOn?.description
        summaryGround = state.summaryGround?.rawValue
        copyReceivedOn = state.copyReceivedOn?.description
        suspensionGround = state.suspensionGround?.rawValue
        suspendedOn = state.suspendedOn?.description
        suspensionNote = state.suspensionNote
        copySentOn = state.copySentOn?.description
        replyOn = state.replyOn?.description
        hearingOn = state.hearingOn?.description
        outcome = state.outcome?.rawValue
        outcomeOn = state.outcomeOn?.description
        selfCorrected = state.selfCorrected
        servedOn = state.servedOn?.description
        archivedOn = state.archivedOn?.description
    }
}
