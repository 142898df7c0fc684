import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// Where a complaint about enforcement came from.
public enum ComplaintSource: String, Codable, Sendable, CaseIterable {
    case hotline, letter, website, visit, referral

    public var label: String {
        switch self {
        case .hotline: return "12345热线"
        case .letter: return "来信"
        case .website: return "网站留言"
        case .visit: return "来访"
        case .referral: return "上级交办"
        }
    }
}

public enum ComplaintStatus: String, Codable, Sendable, CaseIterable {
    case received, declined, investigating, ordered, rectified, closed

    public var label: String {
        switch self {
        case .received: return "已登记，待审查"
        case .declined: return "不予立案（已告知）"
        case .investigating: return "已立案为监督案件，调查中"
        case .ordered: return "已发出监督意见书或责令纠正通知，待整改"
        case .rectified: return "已整改"
        case .closed: return "已办结"
        }
    }
}

/// What supervision concludes on a complaint (行政执法监督条例; ⚠️ the 条例's exact instruments are not verified).
public enum SupervisionOutcome: String, Codable, Sendable, CaseIterable {
    case unfounded, opinion, correction

    public var label: String {
        switch self {
        case .unfounded: return "投诉不成立"
        case .opinion: return "发出行政执法监督意见书"
        case .correction: return "责令限期纠正"
        }
    }
}

/// A complaint about enforcement and the supervision case it becomes.
public final class EnforcementComplaint: Model, @unchecked Sendable {
    public static let schema = "enforcement_complaints"

    @ID(key: .id) public var id: UUID?
    @Field(key: "number") public var number: String
    @Field(key: "source") public var source: String
    @OptionalField(key: "complainant_sealed") public var complainantSealed: String?
    @Field(key: "complainant_masked") public var complainantMasked: String
    @Field(key: "about_unit_id") public var aboutUnitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "content") public var content: String
    @Field(key: "received_on") public var receivedOn: String
    @Field(key: "status") public var status: String
    @OptionalField(key: "findings") public var findings: String?
    @OptionalField(key: "outcome") public var outcome: String?
    @OptionalField(key: "ordered_on") public var orderedOn: String?
    @OptionalField(key: "rectified_on") public var rectifiedOn: String?
    @OptionalField(key: "closed_on") public var closedOn: String?
    /// The last day of the sixty days as it stood when the complaint was closed (from its clock):
    /// 按期办结率 counts `closed_on <= close_due_on`.
    @OptionalField(key: "close_due_on") public var closeDueOn: String?
    @OptionalField(key: "discipline_on") public var disciplineOn: String?
    @Field(key: "history") public var history: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var link: String { SupervisionRoute.complaintsRecord.path(id!) }
    public var complaintStatus: ComplaintStatus { ComplaintStatus(rawValue: status) ?? .received }
}

extension SupervisionMigrations {
    struct CreateComplaints: AsyncMigration {
        var name: String { "supervision.004.complaints" }

        func prepare(on database: any Database) async throws {
            try await database.schema("enforcement_complaints")
                .id()
                .field("number", .string, .required)
                .field("source", .string, .required)
                .field("complainant_sealed", .string)
                .field("complainant_masked", .string, .required)
                .field("about_unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("content", .string, .required)
                .field("received_on", .string, .required)
                .field("status", .string, .required)
                .field("findings", .string)
                .field("outcome", .string)
                .field("ordered_on", .string)
                .field("rectified_on", .string)
                .field("closed_on", .string)
                .field("discipline_on", .string)
                .field("history", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "number")
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("enforcement_complaints").delete()
        }
    }
}

extension SupervisionClocks {
    /// 🏷 ⚠️ Handling a complaint: sixty days, by analogy with 信访工作条例第三十五条's time for a 信访事项
    /// (the 行政执法监督条例's own period is not verified).
    public static let complaint = ClockKind(key: "supervision.complaint", moduleID: "supervision", rule: ClockRule(
        title: "办结行政执法投诉", period: .days(60), basis: "🏷 参照信访工作条例第三十五条（六十日内办结）"))

    public static let all = [rectification, inspectionResult, complaint]
}

public enum ComplaintAction: Sendable {
    case decline(on: CivilDate, reason: String)
    case accept(on: CivilDate)
    case conclude(on: CivilDate, outcome: SupervisionOutcome, findings: String)
    case rectified(on: CivilDate, report: String)
    case discipline(on: CivilDate, note: String)
    case close(on: CivilDate)

    public var label: String {
        switch self {
        case .decline: return "不予立案"
        case .accept: return "立案监督"
        case .conclude: return "作出监督结论"
        case .rectified: return "整改完成"
        case .discipline: return "移送纪检监察机关"
        case .close: return "办结"
        }
    }

    var date: CivilDate {
        switch self {
        case .decline(let on, _), .accept(let on), .conclude(let on, _, _), .rectified(let on, _), .discipline(let on, _), .close(let on): return on
        }
    }
}

public enum ComplaintService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    @discardableResult
    public static func register(number: String?, source: String?, complainant: String?, aboutUnitCode: String?, content: String?, receivedOn: String?,
                                by principal: Principal, services: FazhiServices, on db: any Database) async throws -> EnforcementComplaint {
        let today = CivilDateTime(services.now).date
        var validator = Validator()
        let number = validator.required(number, field: "number", label: "投诉编号", maxLength: 60)
        let sourceValue = ComplaintSource(rawValue: source ?? "")
        if sourceValue == nil { validator.add("source", "来源", "请选择来源") }
        let person = validator.optional(complainant, field: "complainant", label: "投诉人", maxLength: 100)
        let code = validator.required(aboutUnitCode, field: "aboutUnitCode", label: "被投诉单位编码", maxLength: 32)
        let text = validator.required(content, field: "content", label: "投诉内容", maxLength: 2000)
        let day = CivilDate((receivedOn ?? "").trimmingCharacters(in: .whitespaces))
        if day == nil { validator.add("receivedOn", "收到日期", FormFields.dateRule) }
        if let day, day > today { validator.add("receivedOn", "收到日期", "不能晚于今天") }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("aboutUnitCode", "被投诉单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        let target = unit!
        return try await db.write { tx in
            if try await EnforcementComplaint.query(on: tx).filter(\.$number == number).count() > 0 { throw fail("number", "投诉编号", "“\(number)”已登记") }
            let row = EnforcementComplaint()
            row.number = number
            row.source = sourceValue!.rawValue
            row.complainantSealed = try person.map { try services.cipher.seal($0) }
            row.complainantMasked = person.map(Masking.personName) ?? "匿名"
            row.aboutUnitID = target.id!
            row.unitPath = target.path
            row.content = text
            row.receivedOn = day!.description
            row.status = ComplaintStatus.received.rawValue
            row.history = "\(day!) 收到（\(sourceValue!.label)）"
            row.createdAt = services.now
            try await row.create(on: tx)
            // The supervision body holds the clock; the complained-about unit cannot see it run.
            let holder = principal.unitID ?? target.id!
            try await ClockService.open(kind: SupervisionClocks.complaint.key, unitID: holder, title: "\(number) 行政执法投诉", record: row.clockRecord,
                                        start: CivilDateTime(date: day!), startReason: "收到投诉", by: principal, services: services, on: tx)
            try await AuditLog.append(AuditEvent(action: "supervision.complaint-register", entityType: "enforcement_complaint", entityID: row.id!.uuidString,
                                                 detail: "\(number)（\(sourceValue!.label)）：\(target.name)"), by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }

    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> EnforcementComplaint {
        // Only the supervision body sees complaints: the unit complained about must not learn who complained.
        guard let row = try await EnforcementComplaint.find(id, on: db), principal.isCountyWide else {
            throw ScopeDenied(entityType: "enforcement_complaint", entityID: id.uuidString)
        }
        return row
    }

    @discardableResult
    public static func perform(_ action: ComplaintAction, on id: UUID, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> EnforcementComplaint {
        let today = CivilDateTime(services.now).date
        return try await db.write { tx in
            let row = try await find(id, for: principal, on: tx)
            let step = try ComplaintRules.apply(action, to: row.state, today: today)
            var closeDue: String?
            for effect in step.effects {
                switch effect {
                case .openRectification(let title, let on):
                    try await ClockService.open(kind: SupervisionClocks.rectification.key, unitID: row.aboutUnitID, title: "\(row.number) \(title)",
                                                record: row.clockRecord, start: CivilDateTime(date: on), startReason: step.state.outcome?.label ?? title,
                                                by: principal, services: services, on: tx)
                case .completeClocks(let kind, let on, let reason):
                    for clock in try await ClockService.clocks(record: row.clockRecord, on: tx) where clock.kind == kind.key && !clock.closed {
                        if kind.key == SupervisionClocks.complaint.key { closeDue = clock.dueDate ?? on.description }
                        try await ClockService.record(.complete(CivilDateTime(date: on), reason: reason), on: clock.id!, by: principal, services: services, on: tx)
                    }
                }
            }
            row.apply(step.state)
            if row.closedOn != nil && row.closeDueOn == nil {
                if let closeDue { row.closeDueOn = closeDue } else {
                    row.closeDueOn = try await EnforcementComplaint.closeDue(receivedOn: row.receivedOn, on: tx)?.description
                }
            }
            row.history += "\n\(action.date) \(step.detail)"
            try await row.update(on: tx)
            try await AuditLog.append(AuditEvent(action: "supervision.complaint-step", entityType: "enforcement_complaint", entityID: row.id!.uuidString,
                                                 detail: AuditEvent.stepDetail(row.number, on: action.date.description, text: step.detail)), by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }
}

extension EnforcementComplaint {
    /// Sixty days from receipt (SupervisionClocks.complaint), for a complaint without a clock.
    static func closeDue(receivedOn: String, on db: any Database) async throws -> CivilDate? {
        guard let received = CivilDate(receivedOn) else { return nil }
        return Clock(rule: SupervisionClocks.complaint.rule, start: CivilDateTime(date: received)).dueDate(calendar: try await CalendarService.load(on: db))
    }

    /// 按期办结率 counts `closed_on <= close_due_on`: complaints closed before this migration get
    /// the due date of their (closed) clock, or sixty days from receipt.
    struct AddCloseDue: AsyncMigration {
        var name: String { "supervision.006.complaint-close-due" }

        func prepare(on database: any Database) async throws {
            try await database.sql.raw("ALTER TABLE enforcement_complaints ADD COLUMN close_due_on TEXT").run()
            for row in try await EnforcementComplaint.query(on: database).filter(\.$closedOn != nil).all() {
                let clock = try await StatutoryClock.query(on: database).filter(\.$recordType == EnforcementComplaint.schema)
                    .filter(\.$recordID == row.id!.uuidString).filter(\.$kind == SupervisionClocks.complaint.key).first()
                if let due = clock?.dueDate { row.closeDueOn = due } else {
                    row.closeDueOn = try await closeDue(receivedOn: row.receivedOn, on: database)?.description
                }
                try await row.update(on: database)
            }
        }

        func revert(on database: any Database) async throws {
            try await database.sql.raw("ALTER TABLE enforcement_complaints DROP COLUMN close_due_on").run()
        }
    }

    /// The complaint as `ComplaintRules` sees it.
    var state: ComplaintState {
        var state = ComplaintState(status: complaintStatus, receivedOn: CivilDate(receivedOn)!)
        state.findings = findings
        state.outcome = outcome.flatMap(SupervisionOutcome.init(rawValue:))
        state.orderedOn = orderedOn.flatMap(CivilDate.init)
        state.rectifiedOn = rectifiedOn.flatMap(CivilDate.init)
        state.closedOn = closedOn.flatMap(CivilDate.init)
        state.disciplineOn = disciplineOn.flatMap(CivilDate.init)
        return state
    }

    func apply(_ state: ComplaintState) {
        status = state.status.rawValue
        findings = state.findings
        outcome = state.outcome?.rawValue
        orderedOn = state.orderedOn?.description
        rectifiedOn = state.rectifiedOn?.description
        closedOn = state.closedOn?.description
        disciplineOn = state.disciplineOn?.description
    }
}
