import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

/// Enforcement other than penalties: coercive measures (行政强制法), licences (行政许可法) and
/// inspections (行政检查). Each kind has its own steps and clocks; they share the record.
public enum ActionKind: String, Codable, Sendable, CaseIterable {
    case coercion, licence, inspection

    public var label: String {
        switch self {
        case .coercion: return "行政强制措施"
        case .licence: return "行政许可"
        case .inspection: return "行政检查"
        }
    }
}

public enum ActionStatus: String, Codable, Sendable, CaseIterable {
    case registered, received, awaitingCorrection, accepted, imposed, decided, lifted, issued, closed, refused

    public var label: String {
        switch self {
        case .registered: return "已登记，待实施"
        case .received: return "已收到申请，待受理"
        case .awaitingCorrection: return "已告知补正，待申请人补正"
        case .accepted: return "已受理，审查中"
        case .imposed: return "强制措施实施中"
        case .decided: return "已作出决定"
        case .lifted: return "已解除"
        case .issued: return "已颁发证件"
        case .closed: return "已办结"
        case .refused: return "不予受理"
        }
    }
}

public final class EnforcementAction: Model, @unchecked Sendable {
    public static let schema = "enforcement_actions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "number") public var number: String
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "party_kind") public var partyKind: String
    @Field(key: "party_sealed") public var partySealed: String
    @Field(key: "party_masked") public var partyMasked: String
    @Field(key: "subject") public var subject: String
    @Field(key: "status") public var status: String
    @Field(key: "started_on") public var startedOn: String
    @Field(key: "officer_ids") public var officerIDs: String
    @OptionalField(key: "decided_on") public var decidedOn: String?
    @OptionalField(key: "decision") public var decision: String?
    @OptionalField(key: "granted") public var granted: Bool?
    @OptionalField(key: "closed_on") public var closedOn: String?
    @OptionalField(key: "published_on") public var publishedOn: String?
    @OptionalField(key: "public_text") public var publicText: String?
    /// 行政许可法第三十二条第一款第四项: the one 补正 notice of a licence application.
    @OptionalField(key: "correction_requested_on") public var correctionRequestedOn: String?
    @Field(key: "history") public var history: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var link: String { EnforcementRoute.actionsRecord.path(id!) }
    public var actionKind: ActionKind { ActionKind(rawValue: kind) ?? .inspection }
    public var actionStatus: ActionStatus { ActionStatus(rawValue: status) ?? .received }
}

public enum ActionClocks {
    /// 行政强制法第二十五条: 查封、扣押 last no more than thirty days; extended with the head's approval
    /// by thirty days at most in all.
    public static let seizure = ClockKind(key: "enforcement.seizure", moduleID: "enforcement", rule: ClockRule(
        title: "查封、扣押期限", period: .days(30), basis: "行政强制法第二十五条第一款",
        extensionLimit: ExtensionLimit(maxCount: 30, maxPeriod: .days(30), basis: "行政强制法第二十五条第一款：情况复杂的，经行政机关负责人批准，可以延长，但是延长期限不得超过三十日")))
    /// 行政强制法第十九条: a measure taken on the spot in an emergency is reported to the head within
    /// 24 hours and approved afterwards.
    public static let emergencyApproval = ClockKind(key: "enforcement.coercion-approval", moduleID: "enforcement", rule: ClockRule(
        title: "当场实施强制措施后补办批准", period: .hours(24), basis: "行政强制法第十九条"))
    /// 行政许可法第三十二条: a defective application is answered on the spot or within five (working,
    /// 第八十二条) days, or it counts as accepted.
    public static let licenceAcceptance = ClockKind(key: "enforcement.licence-acceptance", moduleID: "enforcement", rule: ClockRule(
        title: "受理行政许可申请", period: .workdays(5), basis: "行政许可法第三十二条第一款第四项、第八十二条"))
    /// 行政许可法第四十二条: decide within twenty working days of acceptance; ten more with the head's approval.
    public static let licenceDecision = ClockKind(key: "enforcement.licence-decision", moduleID: "enforcement", rule: ClockRule(
        title: "作出行政许可决定", period: .workdays(20), basis: "行政许可法第四十二条第一款、第八十二条",
        extensionLimit: ExtensionLimit(maxCount: 1, maxPeriod: .workdays(10), basis: "行政许可法第四十二条第一款：经本行政机关负责人批准，可以延长十日")))
    /// 行政许可法第四十四条: the certificate is issued within ten working days of the decision to grant.
    public static let licenceIssue = ClockKind(key: "enforcement.licence-issue", moduleID: "enforcement", rule: ClockRule(
        title: "颁发、送达行政许可证件", period: .workdays(10), basis: "行政许可法第四十四条、第八十二条"))

    public static let all = [seizure, emergencyApproval, licenceAcceptance, licenceDecision, licenceIssue]
}

public enum ActionStep: Sendable {
    /// A coercive measure: imposed by two certified officers with the head's approval, or on the
    /// spot in an emergency (`at`: when; approval within 24 hours of it).
    case impose(on: CivilDate, measure: String, certificateNumbers: [String], approvedBy: String?, at: CivilDateTime? = nil)
    case approve(at: CivilDateTime, approver: String)
    case extendSeizure(on: CivilDate, days: Int, approver: String, reason: String)
    case lift(on: CivilDate, reason: String)
    /// A licence application: a 补正 notice naming everything missing, once, within five working
    /// days (行政许可法第三十二条第一款第四项); the supplement; accepted, or refused with a reason.
    case requestCorrection(on: CivilDate, items: String)
    case receiveCorrection(on: CivilDate)
    case accept(on: CivilDate)
    case refuse(on: CivilDate, reason: String)
    case extendLicence(on: CivilDate, approver: String, reason: String)
    /// Decision (licence: granted or not; coercion: the handling of what was seized).
    case decide(on: CivilDate, granted: Bool, decision: String)
    case issue(on: CivilDate)
    /// An inspection's record by two certified officers.
    case inspect(on: CivilDate, certificateNumbers: [String], findings: String)
    case publish(on: CivilDate)
    case close(on: CivilDate)

    public var label: String {
        switch self {
        case .impose: return "实施强制措施"
        case .approve: return "补办批准"
        case .extendSeizure: return "延长查封扣押期限"
        case .lift: return "解除强制措施"
        case .requestCorrection: return "告知补正"
        case .receiveCorrection: return "收到补正材料"
        case .accept: return "受理"
        case .refuse: return "不予受理"
        case .extendLicence: return "延长许可审查期限"
        case .decide: return "作出决定"
        case .issue: return "颁发证件"
        case .inspect: return "检查"
        case .publish: return "公示"
        case .close: return "办结"
        }
    }

    var day: CivilDate {
        switch self {
        case .impose(let on, _, _, _, _), .requestCorrection(let on, _), .receiveCorrection(let on), .extendSeizure(let on, _, _, _), .lift(let on, _), .accept(let on), .refuse(let on, _), .extendLicence(let on, _, _),
             .decide(let on, _, _), .issue(let on), .inspect(let on, _, _), .publish(let on), .close(let on):
            return on
        case .approve(let at, _): return at.date
        }
    }
}

public enum ActionService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// Registers a coercive measure, a licence application (its acceptance clock starts) or an inspection.
    @discardableResult
    public static func register(kind: ActionKind, number: String?, unitCode: String?, partyKind: String?, party: String?, subject: String?, startedOn: String?,
                                by principal: Principal, services: FazhiServices, on db: any Database) async throws -> EnforcementAction {
        let today = CivilDateTime(services.now).date
        var validator = Validator()
        let number = validator.required(number, field: "number", label: "编号", maxLength: 60)
        let code = validator.required(unitCode, field: "unitCode", label: "实施单位编码", maxLength: 32)
        let name = validator.required(party, field: "party", label: kind == .licence ? "申请人" : "当事人", maxLength: 100)
        let subject = validator.required(subject, field: "subject", label: kind == .licence ? "申请事项" : "事由", maxLength: 300)
        let partyKind = ["natural", "legal", "other"].contains(partyKind ?? "") ? partyKind! : nil
        if partyKind == nil { validator.add("partyKind", "当事人类型", "应为自然人、法人或其他组织") }
        let day = CivilDate((startedOn ?? "").trimmingCharacters(in: .whitespaces))
        if day == nil { validator.add("startedOn", kind == .licence ? "收到申请日期" : "日期", FormFields.dateRule) }
        if let day, day > today { validator.add("startedOn", "日期", "不能晚于今天") }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "实施单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let target = unit
        return try await db.write { tx in
            guard try await EnforcementBody.query(on: tx).filter(\.$unitID == target.id!).count() > 0 else {
                throw fail("unitCode", "实施单位编码", "\(target.name)不是已确认的行政执法主体")
            }
            if try await EnforcementAction.query(on: tx).filter(\.$number == number).count() > 0 { throw fail("number", "编号", "“\(number)”已存在") }
            let row = EnforcementAction()
            row.kind = kind.rawValue
            row.number = number
            row.unitID = target.id!
            row.unitPath = target.path
            row.partyKind = partyKind!
            row.partySealed = try services.cipher.seal(name)
            row.partyMasked = partyKind == "natural" ? Masking.personName(name) : name
            row.subject = subject
            switch kind {
            case .licence: row.status = ActionStatus.received.rawValue
            case .coercion: row.status = ActionStatus.registered.rawValue
            case .inspection: row.status = ActionStatus.accepted.rawValue
            }
            row.startedOn = day!.description
            row.officerIDs = ""
            row.history = "\(day!) 登记：\(subject)"
            row.createdAt = services.now
            try await row.create(on: tx)
            if kind == .licence {
                try await ClockService.open(kind: ActionClocks.licenceAcceptance.key, unitID: target.id!, title: "\(number) \(ActionClocks.licenceAcceptance.rule.title)",
                                            record: row.clockRecord, start: CivilDateTime(date: day!), startReason: "收到申请", by: principal, services: services, on: tx)
            }
            try await AuditLog.append(AuditEvent(action: "enforcement.action-register", entityType: "enforcement_action", entityID: row.id!.uuidString,
                                                 detail: AuditEvent.stepDetail("\(kind.label) \(number)", on: day!.description, text: subject)), by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }

    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> EnforcementAction {
        guard let row = try await EnforcementAction.find(id, on: db), principal.covers(unitPath: row.unitPath) else {
            throw ScopeDenied(entityType: "enforcement_action", entityID: id.uuidString)
        }
        return row
    }

    /// Records one step: loads the record and the facts, applies `ActionRules`, and writes the
    /// record, its clocks, its publication and the audit row in one transaction.
    @discardableResult
    public static func perform(_ step: ActionStep, on id: UUID, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> EnforcementAction {
        let now = CivilDateTime(services.now)
        return try await db.write { tx in
            let row = try await find(id, for: principal, on: tx)
            let facts = try await loadFacts(for: step, row: row, now: now, services: services, on: tx)
            let outcome = try ActionRules.apply(step, to: row.state, facts: facts)
            row.apply(outcome.state)
            for effect in outcome.effects {
                switch effect {
                case .openClock(let kind, let at, let reason):
                    try await ClockService.open(kind: kind.key, unitID: row.unitID, title: "\(row.number) \(kind.rule.title)", record: row.clockRecord, start: at,
                                                startReason: reason, by: principal, services: services, on: tx)
                case .completeClock(let kind, let at, let reason):
                    try await ClockService.recordOnOpen(.complete(at, reason: reason), kind: kind.key, record: row.clockRecord, by: principal, services: services, on: tx)
                case .record(let kind, let event):
                    try await ClockService.recordOnOpen(event, kind: kind.key, record: row.clockRecord, by: principal, services: services, on: tx)
                case .publish:
                    let name = try services.cipher.open(row.partySealed)
                    let people = row.partyKind == "natural" ? [name] : []
                    row.publicText = "\(row.partyKind == "natural" ? Masking.publicPersonName(name) : name)：" + Redaction.publicText(row.decision ?? "", personNames: people)
                }
            }
            row.history += "\n\(step.day) \(outcome.detail)"
            try await row.update(on: tx)
            try await AuditLog.append(AuditEvent(action: "enforcement.action-step", entityType: "enforcement_action", entityID: row.id!.uuidString,
                                                 detail: AuditEvent.stepDetail(row.number, on: step.day.description, text: outcome.detail)), by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }

    /// What `ActionRules` reads besides the record, inside the step's transaction.
    static func loadFacts(for step: ActionStep, row: EnforcementAction, now: CivilDateTime, services: FazhiServices, on tx: any Database) async throws -> ActionFacts {
        var facts = ActionFacts(now: now, unitPath: row.unitPath)
        let numbers: [String]
        switch step {
        case .impose(_, _, let list, _, _), .inspect(_, let list, _): numbers = list
        default: numbers = []
        }
        for number in Set(numbers.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }) {
            guard let certificate = try await OfficerCertificate.query(on: tx).filter(\.$number == number)
                .filter(\.$kind == CertificateKind.enforcement.rawValue).first() else { continue }
            var qualified = certificate.valid(on: step.day.description)
            if qualified { qualified = try await OfficerService.qualified(certificate.$officer.id, on: step.day, db: tx) }
            facts.certificates[number] = CertificateFacts(officerID: certificate.$officer.id, qualified: qualified,
                                                          statusLabel: certificate.statusLabel(on: step.day.description), unitPath: certificate.unitPath)
        }
        let clocks = try await ClockService.clocks(record: row.clockRecord, on: tx).filter { !$0.closed }
        facts.openClocks = Set(clocks.map(\.kind))
        let needsDue: Set<String> = [ActionClocks.seizure.key, ActionClocks.licenceAcceptance.key]
        if clocks.contains(where: { needsDue.contains($0.kind) }) {
            let calendar = try await CalendarService.current(services: services, on: tx)
            for clock in clocks where needsDue.contains(clock.kind) {
                let ledger = try clock.clock
                facts.dueDates[clock.kind] = ledger.dueDate(calendar: calendar)
                if clock.kind == ActionClocks.seizure.key {
                    facts.seizureExtendedDays = ledger.events.filter { $0.kind == .extend }.compactMap(\.period).filter { $0.unit == .days }.reduce(0) { $0 + $1.count }
                }
            }
        }
        return facts
    }
}

extension EnforcementAction {
    /// The record as `ActionRules` sees it.
    var state: ActionState {
        var state = ActionState(kind: actionKind, status: actionStatus, startedOn: CivilDate(startedOn)!)
        state.officerIDs = officerIDs.split(separator: ",").compactMap { UUID(uuidString: String($0)) }
        state.decidedOn = decidedOn.flatMap(CivilDate.init)
        state.decision = decision
        state.granted = granted
        state.closedOn = closedOn.flatMap(CivilDate.init)
        state.publishedOn = publishedOn.flatMap(CivilDate.init)
        state.correctionRequestedOn = correctionRequestedOn.flatMap(CivilDate.init)
        return state
    }

    func apply(_ state: ActionState) {
        status = state.status.rawValue
        officerIDs = state.officerIDs.map(\.uuidString).joined(separator: ",")
        decidedOn = state.decidedOn?.description
        decision = state.decision
        granted = state.granted
        closedOn = state.closedOn?.description
        publishedOn = state.publishedOn?.description
        correctionRequestedOn = state.correctionRequestedOn?.description
    }
}

extension EnforcementMigrations {
    struct CreateActions: AsyncMigration {
        var name: String { "enforcement.006.actions" }

        func prepare(on database: any Database) async throws {
            try await database.schema("enforcement_actions")
                .id()
                .field("kind", .string, .required)
                .field("number", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("party_kind", .string, .required)
                .field("party_sealed", .string, .required)
                .field("party_masked", .string, .required)
                .field("subject", .string, .required)
                .field("status", .string, .required)
                .field("started_on", .string, .required)
                .field("officer_ids", .string, .required)
                .field("decided_on", .string)
                .field("decision", .string)
                .field("granted", .bool)
                .field("closed_on", .string)
                .field("published_on", .string)
                .field("public_text", .string)
                .field("history", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "number")
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("enforcement_actions").delete()
        }
    }
}

extension EnforcementAction: UnitScoped {
    public static var unitPathField: KeyPath<EnforcementAction, FieldProperty<EnforcementAction, String>> { \.$unitPath }
}
