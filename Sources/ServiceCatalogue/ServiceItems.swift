import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import SQLKit

/// One item of a unit's 政务服务事项目录, as in force now; each change is a version
/// (`ServiceItemVersion`). An item is in the catalogue from `effective_on` until `withdrawn_on`.
public final class ServiceItem: Model, @unchecked Sendable {
    public static let schema = "service_items"

    @ID(key: .id) public var id: UUID?
    /// The province's item code (事项编码): the key an import matches on.
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @OptionalField(key: "legal_limit") public var legalLimit: Int?
    @Field(key: "promised_limit") public var promisedLimit: Int
    @Field(key: "on_the_spot") public var onTheSpot: Bool
    @Field(key: "fully_online") public var fullyOnline: Bool
    @Field(key: "visits") public var visits: Int
    @OptionalField(key: "nearby") public var nearby: String?
    @Field(key: "notification_commitment") public var notificationCommitment: Bool
    /// 申请材料, one per line.
    @Field(key: "documents") public var documents: String
    @Field(key: "version") public var version: Int
    @Field(key: "effective_on") public var effectiveOn: String
    @OptionalField(key: "withdrawn_on") public var withdrawnOn: String?
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { ServiceRoute.record.path(id!) }

    public var facts: ServiceItemFacts {
        ServiceItemFacts(name: name, kind: ServiceKind(rawValue: kind) ?? .publicService, legalLimit: legalLimit, promisedLimit: promisedLimit, onTheSpot: onTheSpot,
                         fullyOnline: fullyOnline, visits: visits, nearby: nearby.flatMap(NearbyLevel.init(rawValue:)), notificationCommitment: notificationCommitment)
    }

    func apply(_ facts: ServiceItemFacts) {
        name = facts.name
        kind = facts.kind.rawValue
        legalLimit = facts.legalLimit
        promisedLimit = facts.promisedLimit
        onTheSpot = facts.onTheSpot
        fullyOnline = facts.fullyOnline
        visits = facts.visits
        nearby = facts.nearby?.rawValue
        notificationCommitment = facts.notificationCommitment
    }
}

extension ServiceItem: UnitScoped {
    public static var unitPathField: KeyPath<ServiceItem, FieldProperty<ServiceItem, String>> { \.$unitPath }
}

/// A version of an item: what changed, when, by whom (the catalogue's change history).
public final class ServiceItemVersion: Model, @unchecked Sendable {
    public static let schema = "service_item_versions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "item_id") public var itemID: UUID
    @Field(key: "version") public var version: Int
    @Field(key: "changed_on") public var changedOn: String
    /// "新增", "撤销", or the changed fields, one per line.
    @Field(key: "changes") public var changes: String
    @Field(key: "actor") public var actor: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

enum ServiceMigrations {
    struct Create: AsyncMigration {
        var name: String { "services.001.items" }

        func prepare(on database: any Database) async throws {
            try await database.schema(ServiceItem.schema).id()
                .field("code", .string, .required).field("name", .string, .required).field("kind", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id")).field("unit_path", .string, .required)
                .field("legal_limit", .int).field("promised_limit", .int, .required)
                .field("on_the_spot", .bool, .required).field("fully_online", .bool, .required).field("visits", .int, .required)
                .field("nearby", .string).field("notification_commitment", .bool, .required).field("documents", .string, .required)
                .field("version", .int, .required).field("effective_on", .string, .required).field("withdrawn_on", .string)
                .field("updated_at", .datetime, .required)
                .unique(on: "code")
                .create()
            try await database.schema(ServiceItemVersion.schema).id()
                .field("item_id", .uuid, .required, .references(ServiceItem.schema, "id"))
                .field("version", .int, .required).field("changed_on", .string, .required).field("changes", .string, .required)
                .field("actor", .string, .required).field("created_at", .datetime, .required)
                .unique(on: "item_id", "version")
                .create()
            try await (database as! any SQLDatabase).raw("CREATE INDEX service_items_scope ON service_items (unit_path, effective_on)").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(ServiceItemVersion.schema).delete()
            try await database.schema(ServiceItem.schema).delete()
        }
    }

    static let all: [any Migration] = [Create()]
}

public enum ServicePermissions {
    public static let read = Permission("services.read", "查看政务服务事项目录")
    public static let manage = Permission("services.manage", "维护政务服务事项目录")

    static let all = [read, manage]

    static let grants: [Role: [Permission]] = [
        .supervisor: [read, manage],
        .leader: [read],
        .departmentOfficer: [read, manage],
        .legalReviewer: [read],
        // Townships keep the items done at their service centres (就近办).
        .townshipStaff: [read, manage],
    ]
}

public enum ServiceCatalogueService {
    public struct Input: Sendable {
        public var code: String?, name: String?, kind: String?, unitCode: String?, legalLimit: String?, promisedLimit: String?
        public var onTheSpot: String?, fullyOnline: String?, visits: String?, nearby: String?, notificationCommitment: String?, documents: String?
        public var effectiveOn: String?

        public init(code: String? = nil, name: String? = nil, kind: String? = nil, unitCode: String? = nil, legalLimit: String? = nil, promisedLimit: String? = nil,
                    onTheSpot: String? = nil, fullyOnline: String? = nil, visits: String? = nil, nearby: String? = nil, notificationCommitment: String? = nil,
                    documents: String? = nil, effectiveOn: String? = nil) {
            self.code = code; self.name = name; self.kind = kind; self.unitCode = unitCode; self.legalLimit = legalLimit; self.promisedLimit = promisedLimit
            self.onTheSpot = onTheSpot; self.fullyOnline = fullyOnline; self.visits = visits; self.nearby = nearby
            self.notificationCommitment = notificationCommitment; self.documents = documents; self.effectiveOn = effectiveOn
        }
    }

    /// "是"/"否", "1"/"0", "true"/"false", "on" (a checkbox).
    static func flag(_ text: String?) -> Bool? {
        switch (text ?? "").trimmingCharacters(in: .whitespaces) {
        case "是", "1", "true", "on", "Y", "y": true
        case "否", "0", "false", "", "N", "n": false
        default: nil
        }
    }

    static func parse(_ input: Input, on db: any Database) async throws -> (facts: ServiceItemFacts, unit: OrgUnit, code: String, documents: String, effective: String) {
        var validator = Validator()
        let code = validator.required(input.code, field: "code", label: "事项编码", maxLength: 64)
        let name = validator.required(input.name, field: "name", label: "事项名称", maxLength: 200)
        let kind = ServiceKind.allCases.first { $0.rawValue == input.kind || $0.label == input.kind }
        if kind == nil { validator.add("kind", "事项类型", "应为\(ServiceKind.allCases.map(\.label).joined(separator: "、"))之一") }
        let unitCode = validator.required(input.unitCode, field: "unitCode", label: "实施主体编码", maxLength: 32)
        func number(_ text: String?, _ field: String, _ label: String, optional: Bool) -> Int? {
            let value = (text ?? "").trimmingCharacters(in: .whitespaces)
            if value.isEmpty { if !optional { validator.add(field, label, "不能为空") }; return nil }
            guard let number = Int(value), (0...365).contains(number) else { validator.add(field, label, "应为0至365的整数（工作日）"); return nil }
            return number
        }
        let legal = number(input.legalLimit, "legalLimit", "法定办结时限", optional: true)
        let promised = number(input.promisedLimit, "promisedLimit", "承诺办结时限", optional: false)
        let visitsText = (input.visits ?? "").trimmingCharacters(in: .whitespaces)
        let visits = visitsText.isEmpty ? 1 : Int(visitsText)
        if visits == nil { validator.add("visits", "最多跑几次", "应为0至5的整数") }
        var flags: [String: Bool] = [:]
        for (field, label, text) in [("onTheSpot", "马上办", input.onTheSpot), ("fullyOnline", "全程网办", input.fullyOnline), ("notificationCommitment", "告知承诺", input.notificationCommitment)] {
            if let value = flag(text) { flags[field] = value } else { validator.add(field, label, "应为“是”或“否”") }
        }
        let nearbyText = (input.nearby ?? "").trimmingCharacters(in: .whitespaces)
        let nearby = NearbyLevel.allCases.first { $0.rawValue == nearbyText || $0.label == nearbyText || (nearbyText == "乡镇" && $0 == .township) || (nearbyText == "村" && $0 == .village) }
        if !nearbyText.isEmpty && nearbyText != "否" && nearby == nil { validator.add("nearby", "就近办", "应为“乡镇”“村”或留空") }
        let documents = validator.optional(input.documents, field: "documents", label: "申请材料", maxLength: 5_000) ?? ""
        let effective = (input.effectiveOn ?? "").trimmingCharacters(in: .whitespaces)
        if !effective.isEmpty && CivilDate(effective) == nil { validator.add("effectiveOn", "纳入目录日期", FormFields.dateRule) }
        var unit: OrgUnit?
        if !unitCode.isEmpty { unit = try await UnitService.find(code: unitCode, on: db); if unit == nil { validator.add("unitCode", "实施主体编码", "没有编码为“\(unitCode)”的单位") } }
        try validator.check()
        let facts = ServiceItemFacts(name: name, kind: kind!, legalLimit: legal, promisedLimit: promised!, onTheSpot: flags["onTheSpot"]!, fullyOnline: flags["fullyOnline"]!,
                                     visits: visits!, nearby: nearby, notificationCommitment: flags["notificationCommitment"]!)
        try ServiceRules.check(facts)
        return (facts, unit!, code, documents, effective)
    }

    /// Adds an item, or (same code) records a new version of it if anything changed. Returns the
    /// item and whether it was new or changed.
    @discardableResult
    public static func save(_ input: Input, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> (item: ServiceItem, change: String?) {
        let parsed = try await parse(input, on: db)
        guard principal.covers(unitPath: parsed.unit.path) else { throw ScopeDenied(entityType: "unit", entityID: parsed.unit.code) }
        let stamp = services.now
        let today = CivilDateTime(stamp).date.description
        return try await db.write { tx in
            let existing = try await ServiceItem.query(on: tx).filter(\.$code == parsed.code).first()
            let row = existing ?? ServiceItem()
            var change: String?
            if let existing {
                guard principal.covers(unitPath: existing.unitPath) else { throw ScopeDenied(entityType: ServiceItem.schema, entityID: existing.code) }
                var changes = ServiceRules.changes(from: existing.facts, to: parsed.facts)
                if existing.unitID != parsed.unit.id { changes.append("实施主体：\(parsed.unit.name)") }
                if existing.documents != parsed.documents { changes.append("申请材料已修改") }
                if existing.withdrawnOn != nil { changes.append("恢复纳入目录") }
                guard !changes.isEmpty else { return (existing, nil) }
                change = changes.joined(separator: "\n")
                row.version += 1
                row.withdrawnOn = nil
            } else {
                row.id = .v4()
                row.code = parsed.code
                row.version = 1
                row.effectiveOn = parsed.effective.isEmpty ? today : parsed.effective
                change = "新增"
            }
            row.apply(parsed.facts)
            row.unitID = parsed.unit.id!
            row.unitPath = parsed.unit.path
            row.documents = parsed.documents
            row.updatedAt = stamp
            try await row.save(on: tx)
            try await version(row, changes: change!, on: existing == nil ? row.effectiveOn : today, by: principal, stamp: stamp, on: tx)
            return (row, change)
        }
    }

    /// Takes an item out of the catalogue (撤销), kept with its history.
    public static func withdraw(_ id: UUID, on date: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        let day = CivilDate((date ?? "").trimmingCharacters(in: .whitespaces))
        guard let day else { throw ValidationFailure(field: "on", label: "撤销日期", message: FormFields.dateRule) }
        let stamp = services.now
        try await db.write { tx in
            guard let row = try await ServiceItem.find(id, on: tx), principal.covers(unitPath: row.unitPath) else { throw ScopeDenied(entityType: ServiceItem.schema, entityID: id.uuidString) }
            guard row.withdrawnOn == nil else { throw ValidationFailure(field: "on", label: "撤销日期", message: "已于\(row.withdrawnOn!)撤销") }
            guard day.description >= row.effectiveOn, day <= CivilDateTime(stamp).date else {
                throw ValidationFailure(field: "on", label: "撤销日期", message: "应在纳入目录之日（\(row.effectiveOn)）与今天之间")
            }
            row.withdrawnOn = day.description
            row.version += 1
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await version(row, changes: "撤销", on: day.description, by: principal, stamp: stamp, on: tx)
        }
    }

    static func version(_ row: ServiceItem, changes: String, on date: String, by principal: Principal, stamp: Date, on db: any Database) async throws {
        let entry = ServiceItemVersion()
        entry.itemID = row.id!
        entry.version = row.version
        entry.changedOn = date
        entry.changes = changes
        entry.actor = principal.auditActor.name
        entry.createdAt = stamp
        try await entry.create(on: db)
        try await AuditLog.append(AuditEvent(action: "services.save", entityType: ServiceItem.schema, entityID: row.id!.uuidString,
                                             detail: "\(row.name) 第\(row.version)版：\(changes.replacingOccurrences(of: "\n", with: "；"))"),
                                  by: principal.auditActor, at: stamp, on: db)
    }
}
