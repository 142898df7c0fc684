import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit

/// An inspection (督察): the county's own or a higher level's feedback, led by a unit.
public final class Inspection: Model, @unchecked Sendable {
    public static let schema = "oversight_inspections"

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    @Field(key: "kind") public var kind: String
    @Field(key: "year") public var year: Int
    @Field(key: "started_on") public var startedOn: String
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    /// The principal head (党政主要负责人) who led it in person, the 第一责任人's duty; nil when none did.
    @OptionalField(key: "leader") public var leader: String?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var link: String { OversightRoute.inspection.path(id!) }
}

extension Inspection: UnitScoped {
    public static var unitPathField: KeyPath<Inspection, FieldProperty<Inspection, String>> { \.$unitPath }
}

/// A finding of an inspection in an inspected unit, with its rectification.
public final class InspectionFinding: Model, @unchecked Sendable {
    public static let schema = "oversight_findings"

    @ID(key: .id) public var id: UUID?
    @Field(key: "inspection_id") public var inspectionID: UUID
    /// The inspected unit: its scope, and the deadline list the rectification shows on.
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "category") public var category: String
    @Field(key: "problem") public var problem: String
    @Field(key: "found_on") public var foundOn: String
    @Field(key: "due_on") public var dueOn: String
    @Field(key: "status") public var status: String
    @OptionalField(key: "submitted_on") public var submittedOn: String?
    @OptionalField(key: "evidence") public var evidence: String?
    @OptionalField(key: "closed_on") public var closedOn: String?
    /// The first period's last day, kept when a rectification is sent back: on time is measured against it.
    @Field(key: "first_due_on") public var firstDueOn: String
    @Field(key: "returns") public var returns: Int
    @OptionalField(key: "rechecked_on") public var recheckedOn: String?
    @Field(key: "rebounds") public var rebounds: Int
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { OversightRoute.finding.path(id!) }

    public var state: FindingState {
        var state = FindingState(foundOn: CivilDate(foundOn)!, dueOn: CivilDate(dueOn)!)
        state.status = FindingStatus(rawValue: status) ?? .open
        state.submittedOn = submittedOn.flatMap(CivilDate.init)
        state.evidence = evidence
        state.closedOn = closedOn.flatMap(CivilDate.init)
        state.returns = returns
        state.recheckedOn = recheckedOn.flatMap(CivilDate.init)
        state.rebounds = rebounds
        return state
    }

    func apply(_ state: FindingState) {
        dueOn = state.dueOn.description
        status = state.status.rawValue
        submittedOn = state.submittedOn?.description
        evidence = state.evidence
        closedOn = state.closedOn?.description
        returns = state.returns
        recheckedOn = state.recheckedOn?.description
        rebounds = state.rebounds
    }
}

extension InspectionFinding: UnitScoped {
    public static var unitPathField: KeyPath<InspectionFinding, FieldProperty<InspectionFinding, String>> { \.$unitPath }
}

extension InspectionFinding: ClockOwner {}

public final class FindingEvent: TimelineEvent, @unchecked Sendable {
    public static let schema = "oversight_finding_events"

    @ID(key: .id) public var id: UUID?
    @Field(key: "finding_id") public var findingID: UUID
    @Field(key: "action") public var action: String
    @OptionalField(key: "happened_on") public var happenedOn: String?
    @Field(key: "detail") public var detail: String
    @Field(key: "actor") public var actor: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var recordID: UUID {
        get { findingID }
        set { findingID = newValue }
    }
}

enum OversightMigrations {
    struct Create: AsyncMigration {
        var name: String { "oversight.001.inspections" }

        func prepare(on database: any Database) async throws {
            try await database.schema(Inspection.schema).id()
                .field("title", .string, .required).field("kind", .string, .required).field("year", .int, .required).field("started_on", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id")).field("unit_path", .string, .required).field("created_at", .datetime, .required)
                .create()
            try await database.schema(InspectionFinding.schema).id()
                .field("inspection_id", .uuid, .required, .references(Inspection.schema, "id"))
                .field("unit_id", .uuid, .required, .references("units", "id")).field("unit_path", .string, .required)
                .field("category", .string, .required).field("problem", .string, .required)
                .field("found_on", .string, .required).field("due_on", .string, .required).field("status", .string, .required)
                .field("submitted_on", .string).field("evidence", .string).field("closed_on", .string)
                .field("first_due_on", .string, .required).field("returns", .int, .required)
                .field("created_at", .datetime, .required).field("updated_at", .datetime, .required)
                .create()
            try await database.schema(FindingEvent.schema).id()
                .field("finding_id", .uuid, .required, .references(InspectionFinding.schema, "id"))
                .field("action", .string, .required).field("happened_on", .string).field("detail", .string, .required)
                .field("actor", .string, .required).field("created_at", .datetime, .required)
                .create()
            try await (database as! any SQLDatabase).raw("CREATE INDEX oversight_findings_scope ON oversight_findings (unit_path, found_on)").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(FindingEvent.schema).delete()
            try await database.schema(InspectionFinding.schema).delete()
            try await database.schema(Inspection.schema).delete()
        }
    }

    static let all: [any Migration] = [
        Create(),
        AddColumns("oversight.002.recheck", table: InspectionFinding.schema, ["rechecked_on TEXT", "rebounds INTEGER NOT NULL DEFAULT 0"]),
        AddColumns("oversight.003.head-led", table: Inspection.schema, ["leader TEXT"]),
    ]
}

public enum OversightSettings {
    public static let rectifyDays = RuleSetting("oversight.rectify-days", "督察问题整改期限（日）", default: 30, range: 1...365, basis: "本地法治督察工作办法（🏷）")
    public static let all = [rectifyDays]
}

public enum OversightClocks {
    public static let rectify = ClockKind(key: "oversight.rectify", moduleID: "oversight", rule: ClockRule(
        title: "督察问题整改", period: .days(30), basis: "法治政府建设与责任落实督察工作规定；本地法治督察工作办法（🏷）"))
    public static let all = [rectify]
}

public enum OversightPermissions {
    public static let read = Permission("oversight.read", "查看法治督察")
    /// The inspector: plans, findings, 销号, sending back, 约谈, 通报.
    public static let inspect = Permission("oversight.inspect", "开展法治督察")
    /// The inspected unit reports its rectification.
    public static let rectify = Permission("oversight.rectify", "报送督察整改情况")

    static let all = [read, inspect, rectify]

    static let grants: [Role: [Permission]] = [
        .supervisor: [read, inspect],
        .leader: [read],
        .departmentOfficer: [read, rectify],
        .legalReviewer: [read],
        .townshipStaff: [read, rectify],
    ]
}

public enum OversightService {
    @discardableResult
    public static func createInspection(title: String?, kind: String?, startedOn: String?, unitCode: String?, leader: String? = nil, by principal: Principal,
                                        services: FazhiServices, on db: any Database) async throws -> Inspection {
        guard principal.has(OversightPermissions.inspect) else { throw ValidationFailure(field: "title", label: "督察", message: "由督察机构组织") }
        var validator = Validator()
        let name = validator.required(title, field: "title", label: "督察名称", maxLength: 200)
        let inspectionKind = InspectionKind(rawValue: kind ?? "") ?? InspectionKind.allCases.first { $0.label == kind }
        if inspectionKind == nil { validator.add("kind", "督察类别", "请选择督察类别") }
        let day = CivilDate(validator.required(startedOn, field: "startedOn", label: "开始日期", maxLength: 10))
        if day == nil { validator.add("startedOn", "开始日期", FormFields.dateRule) }
        let code = validator.required(unitCode, field: "unitCode", label: "组织单位编码", maxLength: 32)
        let head = (leader ?? "").trimmingCharacters(in: .whitespaces).nilIfEmpty
        if let head, head.count > 50 { validator.add("leader", "带队的主要负责人", "不超过50字") }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "组织单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let inspectionKind, let day, let unit else { throw ValidationFailure(field: "title", label: "督察", message: "请检查填写内容") }
        let stamp = services.now
        return try await db.write { tx in
            let row = Inspection()
            row.title = name
            row.kind = inspectionKind.rawValue
            row.year = day.components.year
            row.startedOn = day.description
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.leader = head
            row.createdAt = stamp
            try await row.create(on: tx)
            let led = head.map { "，\($0)带队" } ?? ""
            try await AuditLog.append(AuditEvent(action: "oversight.inspection", entityType: Inspection.schema, entityID: row.id!.uuidString,
                                                 detail: "\(name)（\(inspectionKind.label)\(led)）"),
                                      by: principal.auditActor, at: stamp, on: tx)
            return row
        }
    }

    /// A finding in an inspected unit; its rectification clock opens on that unit's deadline list.
    @discardableResult
    public static func addFinding(to inspectionID: UUID, unitCode: String?, category: String?, description: String?, foundOn: String?, days: String? = nil,
                                  by principal: Principal, services: FazhiServices, on db: any Database) async throws -> InspectionFinding {
        guard principal.has(OversightPermissions.inspect) else { throw ValidationFailure(field: "description", label: "问题", message: "由督察机构记录") }
        var validator = Validator()
        let code = validator.required(unitCode, field: "unitCode", label: "被督察单位编码", maxLength: 32)
        let kind = FindingCategory(rawValue: category ?? "") ?? FindingCategory.allCases.first { $0.label == category }
        if kind == nil { validator.add("category", "问题类别", "请选择问题类别") }
        let text = validator.required(description, field: "description", label: "问题描述", maxLength: 5_000)
        let day = CivilDate(validator.required(foundOn, field: "foundOn", label: "发现日期", maxLength: 10))
        if day == nil { validator.add("foundOn", "发现日期", FormFields.dateRule) }
        let dayText = (days ?? "").trimmingCharacters(in: .whitespaces)
        let period = dayText.isEmpty ? services.rule(OversightSettings.rectifyDays) : Int(dayText)
        if period == nil || !(1...365).contains(period!) { validator.add("days", "整改期限（日）", "应为1至365日") }
        let stamp = services.now
        if let day, day > CivilDateTime(stamp).date { validator.add("foundOn", "发现日期", "不能晚于今天") }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "被督察单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let kind, let day, let unit, let period else { throw ValidationFailure(field: "description", label: "问题", message: "请检查填写内容") }
        return try await db.write { tx in
            guard let inspection = try await Inspection.scoped(for: principal, on: tx).filter(\.$id == inspectionID).first() else {
                throw ScopeDenied(entityType: Inspection.schema, entityID: inspectionID.uuidString)
            }
            guard day.description >= inspection.startedOn else { throw ValidationFailure(field: "foundOn", label: "发现日期", message: "不能早于督察开始日期（\(inspection.startedOn)）") }
            let calendar = try await CalendarService.current(services: services, on: tx)
            let due = OversightRules.due(from: day, days: period, calendar: calendar)
            let row = InspectionFinding()
            row.id = .v4()
            row.inspectionID = inspectionID
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.category = kind.rawValue
            row.problem = text
            row.foundOn = day.description
            row.dueOn = due.description
            row.firstDueOn = due.description
            row.status = FindingStatus.open.rawValue
            row.returns = 0
            row.rebounds = 0
            row.createdAt = stamp
            row.updatedAt = stamp
            try await row.create(on: tx)
            var rule = OversightClocks.rectify.rule
            rule.period = .days(period)
            try await ClockService.open(kind: OversightClocks.rectify.key, unitID: unit.id, title: "督察整改：\(String(text.prefix(30)))", record: row.clockRecord,
                                        start: CivilDateTime(date: day), startReason: "\(inspection.title)发现问题", rule: rule, by: principal, services: services, on: tx)
            try await log(row, "found", on: day, detail: "\(inspection.title)发现问题（\(kind.label)），整改期限至\(due)", by: principal, stamp: stamp, on: tx)
            return row
        }
    }

    /// One step. Whether the caller acts as the inspector follows from its permissions; a seed or an
    /// import replaying the inspected unit's own steps says so with `asInspector: false`.
    @discardableResult
    public static func perform(_ step: FindingStep, on id: UUID, by principal: Principal, asInspector: Bool? = nil, services: FazhiServices,
                               on db: any Database) async throws -> [String] {
        let stamp = services.now
        return try await db.write { tx in
            guard let row = try await InspectionFinding.scoped(for: principal, on: tx).filter(\.$id == id).first() else {
                throw ScopeDenied(entityType: InspectionFinding.schema, entityID: id.uuidString)
            }
            let calendar = try await CalendarService.current(services: services, on: tx)
            let inspector = asInspector ?? principal.has(OversightPermissions.inspect)
            if !inspector && !principal.has(OversightPermissions.rectify) { throw ScopeDenied(entityType: InspectionFinding.schema, entityID: id.uuidString) }
            let result = try OversightRules.apply(step, to: row.state, facts: FindingFacts(today: CivilDateTime(stamp).date, isInspector: inspector), calendar: calendar)
            row.apply(result.state)
            row.updatedAt = stamp
            try await row.update(on: tx)
            let date: CivilDate
            switch step {
            case .submit(let on, _):
                date = on
                try await ClockService.recordOnOpen(.complete(CivilDateTime(date: on), reason: "报送整改情况"), kind: OversightClocks.rectify.key, record: row.clockRecord,
                                                    by: principal, services: services, on: tx)
            case .sendBack(let on, _, let days):
                date = on
                var rule = OversightClocks.rectify.rule
                rule.period = .days(days)
                try await ClockService.open(kind: OversightClocks.rectify.key, unitID: row.unitID, title: "督察整改（退回）：\(String(row.problem.prefix(30)))",
                                            record: row.clockRecord, start: CivilDateTime(date: on), startReason: "整改情况被退回", rule: rule, by: principal,
                                            services: services, on: tx)
            case .recheck(let on, let held, _, let days):
                date = on
                if !held {
                    var rule = OversightClocks.rectify.rule
                    rule.period = .days(days)
                    try await ClockService.open(kind: OversightClocks.rectify.key, unitID: row.unitID, title: "督察整改（复查反弹）：\(String(row.problem.prefix(30)))",
                                                record: row.clockRecord, start: CivilDateTime(date: on), startReason: "复查发现问题反弹", rule: rule, by: principal,
                                                services: services, on: tx)
                }
            case .close(let on), .talk(let on, _), .notice(let on, _): date = on
            }
            let action: String
            switch step {
            case .submit: action = "submit"
            case .close: action = "close"
            case .sendBack: action = "send-back"
            case .talk: action = "talk"
            case .notice: action = "notice"
            case .recheck: action = "recheck"
            }
            try await log(row, action, on: date, detail: ([result.detail] + result.warnings).joined(separator: "；"), by: principal, stamp: stamp, on: tx)
            return result.warnings
        }
    }

    static func log(_ row: InspectionFinding, _ action: String, on date: CivilDate?, detail: String, by principal: Principal, stamp: Date, on db: any Database) async throws {
        try await Timeline.append(FindingEvent.self, record: row.id!, title: String(row.problem.prefix(40)), entityType: InspectionFinding.schema, module: "oversight",
                                  action: action, on: date?.description, detail: detail, by: principal, stamp: stamp, on: db)
    }
}
