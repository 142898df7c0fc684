import Fluent
import Foundation
import SQLKit

/// What a form or an import row says about a unit.
public struct UnitInput: Sendable {
    public var code: String?
    public var name: String?
    public var kind: String?
    public var parentCode: String?
    public var uscc: String?
    public var sortOrder: String?

    public init(code: String? = nil, name: String? = nil, kind: String? = nil, parentCode: String? = nil,
                uscc: String? = nil, sortOrder: String? = nil) {
        self.code = code
        self.name = name
        self.kind = kind
        self.parentCode = parentCode
        self.uscc = uscc
        self.sortOrder = sortOrder
    }
}

/// The public shape of a unit (API and pages): never the Fluent model.
public struct UnitDTO: Sendable, Codable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var kind: String
    public var kindLabel: String
    public var uscc: String?
    public var parentID: UUID?
    public var depth: Int
    public var sortOrder: Int
    public var active: Bool

    public init(_ unit: OrgUnit) {
        id = unit.id!
        code = unit.code
        name = unit.name
        kind = unit.kind
        kindLabel = unit.unitKind.label
        uscc = unit.uscc
        parentID = unit.parentID
        depth = unit.depth
        sortOrder = unit.sortOrder
        active = unit.active
    }

    /// The text the audit trail digests for before/after.
    var auditText: String {
        "\(code)|\(name)|\(kind)|\(uscc ?? "")|\(parentID?.uuidString ?? "")|\(sortOrder)|\(active)"
    }
}

/// Rules of the unit tree. Handlers and importers call these; nothing else writes `units`.
public enum UnitService {
    static let codeCharacters = CharacterSet(charactersIn: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_")

    /// Finds a unit the caller may see, or says why not. A unit outside the caller's subtree is
    /// refused the same way whether or not it exists.
    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> OrgUnit {
        guard let unit = try await OrgUnit.find(id, on: db), principal.covers(unitPath: unit.path) else {
            throw ScopeDenied(entityType: "unit", entityID: id.uuidString)
        }
        return unit
    }

    public static func find(code: String, on db: any Database) async throws -> OrgUnit? {
        try await OrgUnit.query(on: db).filter(\.$code == code).first()
    }

    /// Checks the fields shared by create and import; returns the normalised values.
    static func validate(_ input: UnitInput, validator: inout Validator) -> (code: String, name: String, kind: UnitKind?, uscc: String?, sortOrder: Int) {
        let code = validator.required(input.code, field: "code", label: "单位编码", maxLength: 32)
        if !code.isEmpty, code.unicodeScalars.contains(where: { !codeCharacters.contains($0) }) {
            validator.add("code", "单位编码", "只能使用字母、数字、“-”和“_”")
        }
        let name = validator.required(input.name, field: "name", label: "单位名称", maxLength: 100)
        var kind: UnitKind?
        let kindText = validator.required(input.kind, field: "kind", label: "单位类型", maxLength: 20)
        if !kindText.isEmpty {
            kind = UnitKind(label: kindText)
            if kind == nil {
                validator.add("kind", "单位类型", "“\(kindText)”不是有效类型，可选：\(UnitKind.allCases.map(\.label).joined(separator: "、"))")
            }
        }
        var uscc: String?
        if let raw = validator.optional(input.uscc, field: "uscc", label: "统一社会信用代码", maxLength: 18) {
            do {
                uscc = try USCC(raw).value
            } catch {
                validator.add("uscc", "统一社会信用代码", error.errors.first?.message ?? "格式错误")
            }
        }
        var sortOrder = 0
        if let raw = validator.optional(input.sortOrder, field: "sortOrder", label: "排序号", maxLength: 9) {
            if let value = Int(raw), value >= 0 {
                sortOrder = value
            } else {
                validator.add("sortOrder", "排序号", "应为非负整数")
            }
        }
        return (code, name, kind, uscc, sortOrder)
    }

    static func checkParent(kind: UnitKind?, parent: OrgUnit?, parentCode: String?, validator: inout Validator) {
        guard let kind else { return }
        if kind.allowedParents.isEmpty {
            if parentCode != nil { validator.add("parentCode", "上级单位", "\(kind.label)是根单位，不能有上级单位") }
            return
        }
        guard let parent else {
            if parentCode == nil || parentCode!.isEmpty {
                validator.add("parentCode", "上级单位", "\(kind.label)必须有上级单位")
            } else {
                validator.add("parentCode", "上级单位", "找不到编码为“\(parentCode!)”的单位")
            }
            return
        }
        if !parent.active {
            validator.add("parentCode", "上级单位", "上级单位“\(parent.name)”已停用")
        }
        if !kind.allowedParents.contains(parent.unitKind) {
            let allowed = kind.allowedParents.map(\.label).sorted().joined(separator: "、")
            validator.add("parentCode", "上级单位", "\(kind.label)的上级应为\(allowed)，而“\(parent.name)”是\(parent.unitKind.label)")
        }
    }

    /// Creates a unit under `input.parentCode`. Runs inside the caller's write transaction when
    /// there is one.
    @discardableResult
    public static func create(_ input: UnitInput, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> OrgUnit {
        defer { services.sessionCache.removeAll(); services.unitNames.removeAll() }
        return try await database.write { db in
            var validator = Validator()
            let fields = validate(input, validator: &validator)
            let parentCode = input.parentCode?.trimmingCharacters(in: .whitespaces)
            let parent = (parentCode?.isEmpty ?? true) ? nil : try await find(code: parentCode!, on: db)
            checkParent(kind: fields.kind, parent: parent, parentCode: parentCode, validator: &validator)
            if let parent, !principal.covers(unitPath: parent.path) {
                validator.add("parentCode", "上级单位", "不在您的管理范围内")
            }
            if fields.kind == .jurisdiction, try await OrgUnit.query(on: db).filter(\.$parentID == nil).count() > 0 {
                validator.add("kind", "单位类型", "已有行政区域根单位，一个安装只能有一个")
            }
            try await checkUnique(code: fields.code, uscc: fields.uscc, excluding: nil, on: db, validator: &validator)
            try validator.check()

            let now = services.now
            let unit = OrgUnit()
            unit.id = UUID()
            unit.code = fields.code
            unit.name = fields.name
            unit.kind = fields.kind!.rawValue
            unit.uscc = fields.uscc
            unit.parentID = parent?.id
            unit.path = (parent?.path ?? "/") + unit.id!.uuidString + "/"
            unit.depth = (parent?.depth ?? -1) + 1
            unit.sortOrder = fields.sortOrder
            unit.active = true
            unit.createdAt = now
            unit.updatedAt = now
            try await unit.create(on: db)
            try await AuditLog.append(
                AuditEvent(action: "unit.create", entityType: "unit", entityID: unit.id!.uuidString,
                           detail: AuditEvent.changeDetail("新建单位 \(unit.code) \(unit.name)", before: nil, after: UnitDTO(unit).auditText)),
                by: principal.auditActor, at: now, on: db)
            return unit
        }
    }

    static func checkUnique(code: String, uscc: String?, excluding id: UUID?, on db: any Database, validator: inout Validator) async throws {
        if !code.isEmpty, let other = try await find(code: code, on: db), other.id != id {
            validator.add("code", "单位编码", "“\(code)”已被“\(other.name)”使用")
        }
        if let uscc, let other = try await OrgUnit.query(on: db).filter(\.$uscc == uscc).first(), other.id != id {
            validator.add("uscc", "统一社会信用代码", "已被“\(other.name)”使用")
        }
    }

    /// Edits code, name, USCC and sort order. The kind and the parent change only by `move`.
    @discardableResult
    public static func update(_ id: UUID, _ input: UnitInput, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> OrgUnit {
        defer { services.sessionCache.removeAll(); services.unitNames.removeAll() }
        return try await database.write { db in
            let unit = try await find(id, for: principal, on: db)
            let before = UnitDTO(unit).auditText
            var validator = Validator()
            var patched = input
            patched.kind = unit.unitKind.label
            let fields = validate(patched, validator: &validator)
            try await checkUnique(code: fields.code, uscc: fields.uscc, excluding: unit.id, on: db, validator: &validator)
            try validator.check()
            unit.code = fields.code
            unit.name = fields.name
            unit.uscc = fields.uscc
            unit.sortOrder = fields.sortOrder
            unit.updatedAt = services.now
            try await unit.save(on: db)
            try await AuditLog.append(
                AuditEvent(action: "unit.update", entityType: "unit", entityID: id.uuidString,
                           detail: AuditEvent.changeDetail("修改单位 \(unit.code) \(unit.name)", before: before, after: UnitDTO(unit).auditText)),
                by: principal.auditActor, at: services.now, on: db)
            return unit
        }
    }

    /// Moves a unit and its whole subtree under a new parent.
    @discardableResult
    public static func move(_ id: UUID, toParentCode parentCode: String, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> OrgUnit {
        defer { services.sessionCache.removeAll(); services.unitNames.removeAll() }
        return try await database.write { db in
            let unit = try await find(id, for: principal, on: db)
            let before = UnitDTO(unit).auditText
            var validator = Validator()
            let code = parentCode.trimmingCharacters(in: .whitespaces)
            let parent = code.isEmpty ? nil : try await find(code: code, on: db)
            checkParent(kind: unit.unitKind, parent: parent, parentCode: code, validator: &validator)
            if let parent {
                if parent.path.hasPrefix(unit.path) {
                    validator.add("parentCode", "上级单位", "不能移到本单位或其下级单位之下")
                }
                if !principal.covers(unitPath: parent.path) {
                    validator.add("parentCode", "上级单位", "不在您的管理范围内")
                }
            }
            try validator.check()
            guard let parent else { return unit }
            let oldPath = unit.path
            let newPath = parent.path + unit.id!.uuidString + "/"
            let depthShift = parent.depth + 1 - unit.depth
            // The whole subtree keeps its shape: swap the path prefix and shift the depth.
            try await db.sql.raw("""
                UPDATE units SET path = \(bind: newPath) || substr(path, CAST(\(bind: oldPath.count + 1) AS INTEGER)), \
                depth = depth + CAST(\(bind: depthShift) AS INTEGER) WHERE path LIKE \(bind: oldPath + "%")
                """).run()
            // Every module's copies of the subtree's paths move with it, or the unit's own staff would
            // lose its records and the old parent keep them.
            for copy in services.modules.flatMap(\.unitPathColumns) {
                try await db.sql.raw("""
                    UPDATE \(ident: copy.table) SET \(ident: copy.column) = \(bind: newPath) || substr(\(ident: copy.column), CAST(\(bind: oldPath.count + 1) AS INTEGER)) \
                    WHERE \(ident: copy.column) LIKE \(bind: oldPath + "%")
                    """).run()
            }
            unit.parentID = parent.id
            unit.path = newPath
            unit.depth += depthShift
            unit.updatedAt = services.now
            try await unit.save(on: db)
            try await AuditLog.append(
                AuditEvent(action: "unit.move", entityType: "unit", entityID: id.uuidString,
                           detail: AuditEvent.changeDetail("移动单位 \(unit.name) 至 \(parent.name) 之下", before: before, after: UnitDTO(unit).auditText)),
                by: principal.auditActor, at: services.now, on: db)
            return unit
        }
    }

    /// Stops a unit from taking new records. Units are never deleted: records point to them.
    @discardableResult
    public static func setActive(_ id: UUID, active: Bool, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> OrgUnit {
        defer { services.sessionCache.removeAll(); services.unitNames.removeAll() }
        return try await database.write { db in
            let unit = try await find(id, for: principal, on: db)
            let before = UnitDTO(unit).auditText
            var validator = Validator()
            if !active {
                let children = try await OrgUnit.query(on: db).filter(\.$parentID == id).filter(\.$active == true).count()
                if children > 0 {
                    validator.add("active", "状态", "还有\(children)个下级单位在用，请先停用或移走下级单位")
                }
                let users = try await UserAccount.query(on: db).filter(\.$unitID == id).filter(\.$active == true).count()
                if users > 0 {
                    validator.add("active", "状态", "还有\(users)个账户属于本单位，请先调整这些账户")
                }
            } else if let parentID = unit.parentID, let parent = try await OrgUnit.find(parentID, on: db), !parent.active {
                validator.add("active", "状态", "上级单位“\(parent.name)”已停用，请先启用上级单位")
            }
            try validator.check()
            unit.active = active
            unit.deactivatedAt = active ? nil : services.now
            unit.updatedAt = services.now
            try await unit.save(on: db)
            try await AuditLog.append(
                AuditEvent(action: active ? "unit.activate" : "unit.deactivate", entityType: "unit", entityID: id.uuidString,
                           detail: AuditEvent.changeDetail((active ? "启用" : "停用") + "单位 \(unit.name)", before: before, after: UnitDTO(unit).auditText)),
                by: principal.auditActor, at: services.now, on: db)
            return unit
        }
    }

    /// Units in the caller's scope, filtered and paged, in tree order.
    public static func list(for principal: Principal, search: String?, kind: UnitKind?, includeInactive: Bool,
                            sort: String?, page: PageRequest, on db: any Database) async throws -> Page<OrgUnit> {
        let query = OrgUnit.scoped(for: principal, on: db)
        if let search, !search.isEmpty {
            query.group(.or) { group in
                group.filter(\.$name ~~ search)
                group.filter(\.$code ~~ search)
            }
        }
        if let kind { query.filter(\.$kind == kind.rawValue) }
        if !includeInactive { query.filter(\.$active == true) }
        switch sort {
        case "name": query.sort(\.$name)
        case "code": query.sort(\.$code)
        case "kind": query.sort(\.$kind).sort(\.$sortOrder)
        default: query.sort(\.$depth).sort(\.$sortOrder).sort(\.$code)
        }
        let total = try await query.count()
        let items = try await query.range(page.offset..<(page.offset + page.size)).all()
        return Page(items: items, total: total, request: page)
    }
}

/// A record outside the caller's unit scope, or one that does not exist: the caller is told the
/// same in both cases so ids cannot be probed.
public struct ScopeDenied: Error, Sendable {
    public var entityType: String
    public var entityID: String

    public init(entityType: String, entityID: String) {
        self.entityType = entityType
        self.entityID = entityID
    }
}
