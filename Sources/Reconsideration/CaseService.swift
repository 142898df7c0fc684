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
    case requestCorrection(on: CivilDate, items: String)
    case receiveCorrection(on: CivilDate)
    case deemWithdrawn(on: CivilDate)
    case accept(on: CivilDate, procedure: Procedure, major: Bool)
    case refuse(on: CivilDate, reason: String)
    case refer(on: CivilDate, body: String)
    case sendCopy(on: CivilDate)
    case receiveReply(on: CivilDate)
    case scheduleHearing(noticeOn: CivilDate, hearingOn: CivilDate)
    case suspend(on: CivilDate, reason: String)
    case resume(on: CivilDate)
    case extend(on: CivilDate, days: Int, approver: String, reason: String)
    case convertToOrdinary(on: CivilDate, approver: String, reason: String)
    case conclude(on: CivilDate, outcome: CaseOutcome, selfCorrected: Bool, note: String)
    case serve(on: CivilDate)
    case archive(on: CivilDate)

    public var label: String {
        switch self {
        case .requestCorrection: return "通知补正"
        case .receiveCorrection: return "收到补正材料"
        case .deemWithdrawn: return "逾期未补正，视为撤回"
        case .accept: return "受理"
        case .refuse: return "不予受理"
        case .refer: return "告知向有权机关申请"
        case .sendCopy: return "发送申请书副本"
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
        case .requestCorrection(let on, _), .receiveCorrection(let on), .deemWithdrawn(let on), .accept(let on, _, _), .refuse(let on, _),
             .refer(let on, _), .sendCopy(let on), .receiveReply(let on), .suspend(let on, _), .resume(let on), .extend(let on, _, _, _),
             .convertToOrdinary(let on, _, _),
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
            row.selfCorrected = false
            row.createdAt = stamp
            row.updatedAt = stamp
            try await row.create(on: tx)
            try await log(row, action: "register", on: checked.receivedOn!, detail: "收到行政复议申请（\(checked.channel!.label)），被申请人：\(respondent.name)", by: principal, stamp: stamp, on: tx)
            try await ClockService.open(kind: ReconsiderationClocks.acceptance.key, unitID: respondent.id, title: "\(number) 受理审查", link: row.link,
                                        start: CivilDateTime(date: checked.receivedOn!), startReason: "收到行政复议申请", by: principal, services: services, on: tx)
            return row
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
                                             detail: "\(row.caseNumber)：\(detail)（\(date)）"),
                                  by: principal.auditActor, at: stamp, on: db)
    }

    /// Records one step. Refused, with the article, when the case's state or the statute does not allow it.
    @discardableResult
    public static func perform(_ action: CaseAction, on caseID: UUID, by principal: Principal, services: FazhiServices,
                               on db: any Database) async throws -> ReconsiderationCase {
        let stamp = services.now
        let today = CivilDateTime(stamp).date
        return try await db.write { tx in
            let row = try await find(caseID, for: principal, on: tx)
            let date = action.date
            guard date <= today else { throw fail("on", "日期", "不能晚于今天") }
            guard date >= CivilDate(row.receivedOn)! else { throw fail("on", "日期", "不能早于收到申请日期 \(row.receivedOn)") }
            let calendar = try await CalendarService.current(services: services, on: tx)
            let status = row.caseStatus
            func require(_ allowed: Set<CaseStatus>, _ why: String) throws {
                guard allowed.contains(status) else { throw fail("action", "操作", "案件当前为“\(status.label)”，不能\(action.label)：\(why)") }
            }
            func clock(_ kind: ClockKind) async throws -> StatutoryClock? { try await ClockService.openClock(kind: kind.key, link: row.link, on: tx) }
            func record(_ kind: ClockKind, _ event: ClockEvent) async throws {
                if let open = try await clock(kind) { try await ClockService.record(event, on: open.id!, by: principal, services: services, on: tx) }
            }
            func open(_ kind: ClockKind, from start: CivilDate, reason: String) async throws {
                try await ClockService.open(kind: kind.key, unitID: row.respondentID, title: "\(row.caseNumber) \(kind.rule.title)", link: row.link,
                                            start: CivilDateTime(date: start), startReason: reason, by: principal, services: services, on: tx)
            }
            let completeAt = CivilDateTime(date: date, minuteOfDay: date == today ? CivilDateTime(stamp).minuteOfDay : 0)
            var detail = action.label
            switch action {
            case .requestCorrection(_, let items):
                try require([.received], "补正只能在受理审查阶段通知（行政复议法第三十一条）")
                guard !items.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("items", "补正事项", "须写明需要补正的事项和合理的补正期限（行政复议法第三十一条）") }
                try await record(ReconsiderationClocks.acceptance, .complete(completeAt, reason: "已通知补正"))
                try await open(ReconsiderationClocks.correction, from: date, reason: "发出补正通知")
                row.status = CaseStatus.awaitingCorrection.rawValue
                detail += "：\(items)"
            case .receiveCorrection:
                try require([.awaitingCorrection], "未通知补正")
                try await record(ReconsiderationClocks.correction, .complete(completeAt, reason: "收到补正材料"))
                // 第三十一条: the review period runs again from the day the supplement arrives.
                try await open(ReconsiderationClocks.acceptance, from: date, reason: "收到补正材料，审查期限重新计算")
                row.status = CaseStatus.received.rawValue
            case .deemWithdrawn:
                try require([.awaitingCorrection], "未通知补正")
                if let open = try await clock(ReconsiderationClocks.correction),
                   let due = try open.clock.dueDate(calendar: calendar), date <= due {
                    throw fail("on", "日期", "补正期限至\(due)届满，届满前不能视为撤回（行政复议法第三十一条第二款：无正当理由逾期不补正的，视为放弃）")
                }
                try await record(ReconsiderationClocks.correction, .complete(completeAt, reason: "逾期未补正"))
                row.status = CaseStatus.deemedWithdrawn.rawValue
                row.intake = "deemedWithdrawn"
                row.intakeOn = date.description
            case .accept(_, let procedure, let major):
                try require([.received], "只有待审查的申请可以受理")
                if procedure == .summary && major { throw fail("procedure", "程序", "重大、疑难、复杂案件不适用简易程序（行政复议法第五十三条）") }
                var start = date
                if let open = try await clock(ReconsiderationClocks.acceptance), let due = try open.clock.dueDate(calendar: calendar), date > due {
                    // 第三十条第二款: silence past the review period counts as acceptance on its last day.
                    start = due
                    detail += "（审查期限于\(due)届满，依行政复议法第三十条第二款视为自该日受理）"
                }
                try await record(ReconsiderationClocks.acceptance, .complete(completeAt, reason: "受理"))
                row.status = CaseStatus.underReview.rawValue
                row.intake = "accepted"
                row.intakeOn = start.description
                row.procedure = procedure.rawValue
                row.major = major
                try await open(ReconsiderationClocks.decision(procedure), from: start, reason: "受理")
                try await open(ReconsiderationClocks.copy(procedure), from: start, reason: "受理")
                detail += "，\(procedure.label)\(major ? "，重大疑难复杂案件" : "")"
            case .refuse(_, let reason), .refer(_, let reason):
                let refusing: Bool
                if case .refuse = action { refusing = true } else { refusing = false }
                try require([.received], refusing ? "受理后发现不符合受理条件的，应当决定驳回复议申请（行政复议法第三十三条）" : "只能在受理审查阶段告知")
                guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw fail("reason", refusing ? "不予受理理由" : "有权机关", refusing ? "不予受理须说明理由（行政复议法第三十条第一款）" : "须写明有权受理的行政复议机关")
                }
                try await record(ReconsiderationClocks.acceptance, .complete(completeAt, reason: action.label))
                row.status = (refusing ? CaseStatus.refused : CaseStatus.referred).rawValue
                row.intake = refusing ? "refused" : "referred"
                row.intakeOn = date.description
                row.intakeReason = reason
                detail += "：\(reason)"
            case .sendCopy:
                try require([.underReview], "受理后才能发送申请书副本")
                guard row.copySentOn == nil else { throw fail("action", "操作", "申请书副本已于\(row.copySentOn!)发送") }
                let procedure = row.caseProcedure ?? .ordinary
                try await record(ReconsiderationClocks.copy(procedure), .complete(completeAt, reason: "已发送"))
                try await open(ReconsiderationClocks.reply(procedure), from: date, reason: "发送申请书副本")
                row.copySentOn = date.description
            case .receiveReply:
                try require([.underReview], "受理后才能收到答复")
                guard row.copySentOn != nil else { throw fail("action", "操作", "尚未发送申请书副本") }
                try await record(ReconsiderationClocks.reply(row.caseProcedure ?? .ordinary), .complete(completeAt, reason: "收到答复"))
                row.replyOn = date.description
            case .scheduleHearing(let noticeOn, let hearingOn):
                try require([.underReview], "受理后才能听证")
                let notice = calendar.workdays(after: noticeOn, through: hearingOn)
                // 第五十一条: notice at least five (working) days before the hearing.
                guard hearingOn > noticeOn, calendar.workdays(after: noticeOn, through: hearingOn.adding(days: -1)) >= 5 else {
                    throw fail("hearingOn", "听证日期", "应当在举行听证的五日（工作日）前书面通知当事人（行政复议法第五十一条），通知日与听证日之间只有\(max(0, notice - 1))个工作日")
                }
                row.hearingOn = hearingOn.description
                detail += "：\(hearingOn)举行听证"
            case .suspend(_, let reason):
                try require([.received, .underReview], "只有审查或审理中的案件可以中止")
                guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("reason", "中止理由", "须写明中止的法定情形（行政复议法第三十九条）") }
                let clockKind = status == .received ? ReconsiderationClocks.acceptance : ReconsiderationClocks.decision(row.caseProcedure ?? .ordinary)
                try await record(clockKind, .suspend(date, reason: "中止：\(reason)"))
                try await open(ReconsiderationClocks.suspensionLimit, from: date, reason: "中止")
                row.statusBeforeSuspension = status.rawValue
                row.status = CaseStatus.suspended.rawValue
                detail += "：\(reason)"
            case .resume:
                try require([.suspended], "案件未中止")
                let back = CaseStatus(rawValue: row.statusBeforeSuspension ?? "") ?? .underReview
                let clockKind = back == .received ? ReconsiderationClocks.acceptance : ReconsiderationClocks.decision(row.caseProcedure ?? .ordinary)
                try await record(clockKind, .resume(date, reason: "恢复"))
                try await record(ReconsiderationClocks.suspensionLimit, .complete(completeAt, reason: "恢复审理"))
                row.status = back.rawValue
                row.statusBeforeSuspension = nil
            case .extend(_, let days, let approver, let reason):
                try require([.underReview], "只有审理中的案件可以延长")
                guard row.caseProcedure == .ordinary else {
                    throw fail("action", "操作", "简易程序案件应当自受理之日起三十日内作出决定，不得延长（行政复议法第六十二条第二款）；案情复杂的可转为普通程序（第五十五条）")
                }
                guard !row.extended else { throw fail("action", "操作", "审理期限已延长过一次，不得再次延长（行政复议法第六十二条第一款：延长期限最多不得超过三十日）") }
                guard (1...30).contains(days) else { throw fail("days", "延长天数", "应为1到30日（行政复议法第六十二条第一款）") }
                guard !approver.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("approver", "批准人", "须经行政复议机构的负责人批准（行政复议法第六十二条第一款）") }
                try await record(ReconsiderationClocks.decisionOrdinary, .extend(date, by: .days(days), approver: approver, reason: reason))
                row.extended = true
                detail += "\(days)日，批准人：\(approver)，理由：\(reason)"
            case .convertToOrdinary(_, let approver, let reason):
                try require([.underReview], "只有审理中的案件可以转换程序")
                guard row.caseProcedure == .summary else { throw fail("action", "操作", "本案已适用普通程序") }
                guard !approver.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw fail("approver", "批准人", "转为普通程序须经行政复议机构的负责人批准（行政复议法第五十五条）")
                }
                // 第五十五条: the case continues under the ordinary procedure; its sixty days run from
                // acceptance (⚠️ the statute does not say from when; counted from acceptance here).
                try await record(ReconsiderationClocks.decisionSummary, .complete(completeAt, reason: "转为普通程序"))
                let start = CivilDate(row.intakeOn ?? row.receivedOn)!
                try await open(ReconsiderationClocks.decisionOrdinary, from: start, reason: "简易程序转为普通程序，自受理之日起计算")
                if row.copySentOn == nil {
                    try await record(ReconsiderationClocks.copySummary, .complete(completeAt, reason: "转为普通程序"))
                    try await open(ReconsiderationClocks.copyOrdinary, from: start, reason: "转为普通程序")
                } else if row.replyOn == nil {
                    try await record(ReconsiderationClocks.replySummary, .complete(completeAt, reason: "转为普通程序"))
                    try await open(ReconsiderationClocks.replyOrdinary, from: CivilDate(row.copySentOn!)!, reason: "转为普通程序")
                }
                row.procedure = Procedure.ordinary.rawValue
                detail += "，批准人：\(approver)，理由：\(reason)（行政复议法第五十五条）"
            case .conclude(_, let outcome, let selfCorrected, let note):
                if outcome == .termination {
                    try require([.underReview, .suspended], "终止只能在受理后作出（行政复议法第四十一条）")
                } else {
                    try require([.underReview], status == .received || status == .awaitingCorrection
                        ? "尚未受理，不能作出行政复议决定；不符合受理条件的应决定不予受理（行政复议法第三十条）"
                        : (status == .suspended ? "案件中止期间不能作出决定，请先恢复审理（行政复议法第三十九条）" : "案件已结案"))
                }
                if outcome.isDecision, outcome != .dismissApplication, row.caseProcedure == .ordinary, row.copySentOn == nil {
                    throw fail("outcome", "结案方式", "作出决定前应当向被申请人发送申请书副本、听取答复（行政复议法第四十八条）")
                }
                // 第五十条: a major, difficult or complex case is heard before it is decided.
                if row.major, outcome.isDecision, outcome != .dismissApplication, row.hearingOn == nil {
                    throw fail("outcome", "结案方式", "重大、疑难、复杂的行政复议案件，行政复议机构应当组织听证（行政复议法第五十条第一款），请先通知并举行听证")
                }
                if selfCorrected && outcome != .withdrawal { throw fail("selfCorrected", "被申请人自行纠正", "只适用于因被申请人改变原行政行为而撤回申请的情形") }
                let procedure = row.caseProcedure ?? .ordinary
                try await record(ReconsiderationClocks.decision(procedure), .complete(completeAt, reason: outcome.label))
                for kind in [ReconsiderationClocks.copy(procedure), ReconsiderationClocks.reply(procedure), ReconsiderationClocks.suspensionLimit] {
                    try await record(kind, .complete(completeAt, reason: "案件结案"))
                }
                row.status = CaseStatus.decided.rawValue
                row.statusBeforeSuspension = nil
                row.outcome = outcome.rawValue
                row.outcomeOn = date.description
                row.selfCorrected = selfCorrected
                detail += "：\(outcome.label)（\(outcome.article)）\(selfCorrected ? "，被申请人自行纠正" : "")\(note.isEmpty ? "" : "；\(note)")"
            case .serve:
                try require([.decided], "结案后才能送达")
                row.status = CaseStatus.served.rawValue
                row.servedOn = date.description
            case .archive:
                try require([.served, .refused, .referred, .deemedWithdrawn], "送达后或受理审查结束后才能归档")
                row.status = CaseStatus.archived.rawValue
                row.archivedOn = date.description
            }
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await log(row, action: actionKey(action), on: date, detail: detail, by: principal, stamp: stamp, on: tx)
            return row
        }
    }

    static func actionKey(_ action: CaseAction) -> String {
        switch action {
        case .requestCorrection: return "request-correction"
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
