import Enforcement
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// A market entity in an enforcement body's pool of inspection targets (双随机 检查对象名录库).
public final class InspectionTarget: Model, @unchecked Sendable {
    public static let schema = "inspection_targets"

    @ID(key: .id) public var id: UUID?
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "name") public var name: String
    @Field(key: "credit_code") public var creditCode: String
    @Field(key: "category") public var category: String
    @Field(key: "active") public var active: Bool
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

/// A random inspection plan: targets and inspector pairs drawn with a published seed.
public final class InspectionPlan: Model, @unchecked Sendable {
    public static let schema = "inspection_plans"

    @ID(key: .id) public var id: UUID?
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "title") public var title: String
    @Field(key: "matter") public var matter: String
    @Field(key: "seed") public var seed: String
    @Field(key: "target_count") public var targetCount: Int
    @Field(key: "pool_size") public var poolSize: Int
    @Field(key: "drawn_on") public var drawnOn: String
    @Field(key: "created_by") public var createdBy: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var link: String { SupervisionRoute.inspectionsRecord.path(id!) }
}

/// One drawn target with its two inspectors, and the result once inspected.
public final class InspectionDraw: Model, @unchecked Sendable {
    public static let schema = "inspection_draws"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "plan_id") public var plan: InspectionPlan
    @Field(key: "target_id") public var targetID: UUID
    @Field(key: "target_name") public var targetName: String
    @Field(key: "credit_code") public var creditCode: String
    @Field(key: "inspectors") public var inspectors: String
    @Field(key: "unit_path") public var unitPath: String
    @OptionalField(key: "inspected_on") public var inspectedOn: String?
    @OptionalField(key: "result") public var result: String?
    @OptionalField(key: "published_on") public var publishedOn: String?
    @OptionalField(key: "due_on") public var dueOn: String?

    public init() {}

    public var link: String { SupervisionRoute.inspectionsDrawsRecord.path(id!) }
}

/// What an inspection found (the usual result categories of 双随机 publications).
public enum InspectionResult: String, Codable, Sendable, CaseIterable {
    case compliant, problemsFixed, violation, notFound

    public var label: String {
        switch self {
        case .compliant: return "未发现问题"
        case .problemsFixed: return "发现问题，已责令整改"
        case .violation: return "发现违法行为，已立案查处"
        case .notFound: return "未发现市场主体（通过登记的住所无法联系）"
        }
    }
}

extension SupervisionMigrations {
    struct CreateInspections: AsyncMigration {
        var name: String { "supervision.002.inspections" }

        func prepare(on database: any Database) async throws {
            try await database.schema("inspection_targets")
                .id()
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("name", .string, .required)
                .field("credit_code", .string, .required)
                .field("category", .string, .required)
                .field("active", .bool, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "unit_id", "credit_code")
                .create()
            try await database.schema("inspection_plans")
                .id()
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("title", .string, .required)
                .field("matter", .string, .required)
                .field("seed", .string, .required)
                .field("target_count", .int, .required)
                .field("pool_size", .int, .required)
                .field("drawn_on", .string, .required)
                .field("created_by", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await database.schema("inspection_draws")
                .id()
                .field("plan_id", .uuid, .required, .references("inspection_plans", "id"))
                .field("target_id", .uuid, .required, .references("inspection_targets", "id"))
                .field("target_name", .string, .required)
                .field("credit_code", .string, .required)
                .field("inspectors", .string, .required)
                .field("unit_path", .string, .required)
                .field("inspected_on", .string)
                .field("result", .string)
                .field("published_on", .string)
                .field("due_on", .string)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("inspection_draws").delete()
            try await database.schema("inspection_plans").delete()
            try await database.schema("inspection_targets").delete()
        }
    }
}

extension SupervisionClocks {
    /// 🏷 双随机 results are published within twenty working days of the inspection (河北; the national
    /// rule's timing is not verified, docs/law.md §6; 优化营商环境条例第五十四条 says "及时向社会公开").
    public static let inspectionResult = ClockKind(key: "supervision.inspection-result", moduleID: "supervision", rule: ClockRule(
        title: "公开双随机抽查结果", period: .workdays(20), basis: "🏷 优化营商环境条例第五十四条；河北省规定检查结束后20个工作日内公示"))
}

/// The published draw rule (docs/supervision.md): targets in the order of their credit codes,
/// inspectors (officers holding an enforcement certificate valid on the day) in the order of
/// their certificate numbers; one SplitMix64 generator seeded with the seed; a partial
/// Fisher–Yates shuffle gives the targets, then for each target in drawn order a partial shuffle
/// of the inspector list gives its two inspectors.
public struct InspectionDrawRule: Sendable {
    public var seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public func draw(targets: [String], inspectors: [String], count: Int, perTarget: Int = 2) -> [(target: String, inspectors: [String])] {
        var random = SeededRandom(seed: seed)
        var pool = targets.sorted()
        let n = min(count, pool.count)
        for i in 0..<n { pool.swapAt(i, i + Int(random.next() % UInt64(pool.count - i))) }
        let people = inspectors.sorted()
        return pool.prefix(n).map { target in
            var order = people
            let k = min(perTarget, order.count)
            for i in 0..<k { order.swapAt(i, i + Int(random.next() % UInt64(order.count - i))) }
            return (target, Array(order.prefix(k)))
        }
    }
}

public enum InspectionService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// Draws a plan's targets and inspector pairs with the published seed.
    @discardableResult
    public static func createPlan(unitCode: String?, title: String?, matter: String?, seed seedText: String?, count countText: String?,
                                  by principal: Principal, services: FazhiServices, on db: any Database) async throws -> InspectionPlan {
        var validator = Validator()
        let code = validator.required(unitCode, field: "unitCode", label: "检查单位编码", maxLength: 32)
        let title = validator.required(title, field: "title", label: "抽查计划名称", maxLength: 100)
        let matter = validator.required(matter, field: "matter", label: "抽查事项", maxLength: 200)
        let count = Int((countText ?? "").trimmingCharacters(in: .whitespaces))
        if count == nil || !(1...1000).contains(count!) { validator.add("count", "抽取户数", "应为1至1000之间的整数") }
        let trimmed = (seedText ?? "").trimmingCharacters(in: .whitespaces)
        let seed = trimmed.isEmpty ? UInt64.random(in: 1...9_999_999_999) : UInt64(trimmed)
        if seed == nil { validator.add("seed", "随机种子", "应为非负整数，或留空由系统生成") }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "检查单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let today = CivilDateTime(services.now).date
        let targets = try await InspectionTarget.query(on: db).filter(\.$unitID == unit.id!).filter(\.$active == true).all()
        guard !targets.isEmpty else { throw fail("unitCode", "检查单位编码", "\(unit.name)的检查对象名录库为空，请先导入检查对象") }
        let qualified = try await EnforcementRecords.inspectors(unitPath: unit.path, on: today, db: db)
        let inspectors = Dictionary(uniqueKeysWithValues: qualified.map { ($0.certificateNumber, $0.officerID) })
        // 行政处罚法第四十二条 and 双随机: two inspectors with valid certificates for each target.
        guard inspectors.count >= 2 else { throw fail("unitCode", "检查单位编码", "\(unit.name)持有效行政执法证的人员不足两名，不能随机选派检查人员（行政处罚法第四十二条）") }
        let byCode = Dictionary(uniqueKeysWithValues: targets.map { ($0.creditCode, $0) })
        let drawn = InspectionDrawRule(seed: seed!).draw(targets: Array(byCode.keys), inspectors: Array(inspectors.keys), count: count!)
        let officers = Dictionary(qualified.map { ($0.officerID, $0.nameMasked) }, uniquingKeysWith: { first, _ in first })
        let pool = inspectors, chosenSeed = seed!
        return try await db.write { tx in
            let plan = InspectionPlan()
            plan.unitID = unit.id!
            plan.unitPath = unit.path
            plan.title = title
            plan.matter = matter
            plan.seed = String(chosenSeed)
            plan.targetCount = drawn.count
            plan.poolSize = targets.count
            plan.drawnOn = today.description
            plan.createdBy = principal.auditActor.name
            plan.createdAt = services.now
            try await plan.create(on: tx)
            for (creditCode, pair) in drawn {
                let target = byCode[creditCode]!
                let row = InspectionDraw()
                row.$plan.id = plan.id!
                row.targetID = target.id!
                row.targetName = target.name
                row.creditCode = creditCode
                row.inspectors = pair.map { "\(officers[pool[$0]!] ?? "")（\($0)）" }.joined(separator: "、")
                row.unitPath = unit.path
                try await row.create(on: tx)
            }
            try await AuditLog.append(AuditEvent(action: "supervision.inspection-draw", entityType: "inspection_plan", entityID: plan.id!.uuidString,
                                                 detail: "\(title)：名录库\(targets.count)户，执法人员\(pool.count)名，种子\(chosenSeed)，抽取\(drawn.count)户"),
                                      by: principal.auditActor, at: services.now, on: tx)
            return plan
        }
    }

    /// Records an inspection's result; the 20-working-day publication clock starts.
    public static func recordResult(_ drawID: UUID, result: String?, on dateText: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        let today = CivilDateTime(services.now).date
        try await db.write { tx in
            guard let row = try await InspectionDraw.find(drawID, on: tx), principal.covers(unitPath: row.unitPath) else {
                throw ScopeDenied(entityType: "inspection_draw", entityID: drawID.uuidString)
            }
            guard row.inspectedOn == nil else { throw fail("result", "检查结果", "已于\(row.inspectedOn!)记录检查结果") }
            let plan = try await row.$plan.get(on: tx)
            var validator = Validator()
            let value = InspectionResult(rawValue: result ?? "")
            if value == nil { validator.add("result", "检查结果", "请选择检查结果") }
            let day = CivilDate((dateText ?? "").trimmingCharacters(in: .whitespaces))
            if day == nil { validator.add("on", "检查日期", FormFields.dateRule) }
            if let day, day > today { validator.add("on", "检查日期", "不能晚于今天") }
            if let day, day < CivilDate(plan.drawnOn)! { validator.add("on", "检查日期", "不能早于抽取日期 \(plan.drawnOn)") }
            try validator.check()
            row.inspectedOn = day!.description
            row.result = value!.rawValue
            let clock = try await ClockService.open(kind: SupervisionClocks.inspectionResult.key, unitID: plan.unitID, title: "\(row.targetName) 抽查结果公示",
                                                    record: row.clockRecord, start: CivilDateTime(date: day!), startReason: "检查结束", by: principal, services: services, on: tx)
            row.dueOn = clock.dueDate
            try await row.update(on: tx)
            try await AuditLog.append(AuditEvent(action: "supervision.inspection-result", entityType: "inspection_draw", entityID: row.id!.uuidString,
                                                 detail: "\(row.targetName)：\(value!.label)（\(day!)）"), by: principal.auditActor, at: services.now, on: tx)
        }
    }

    /// Publishes a result on the public site.
    public static func publish(_ drawID: UUID, on dateText: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        let today = CivilDateTime(services.now).date
        try await db.write { tx in
            guard let row = try await InspectionDraw.find(drawID, on: tx), principal.covers(unitPath: row.unitPath) else {
                throw ScopeDenied(entityType: "inspection_draw", entityID: drawID.uuidString)
            }
            guard let inspected = row.inspectedOn.flatMap(CivilDate.init) else { throw fail("on", "公示", "记录检查结果后才能公示") }
            guard row.publishedOn == nil else { throw fail("on", "公示", "已于\(row.publishedOn!)公示") }
            guard let day = CivilDate((dateText ?? "").trimmingCharacters(in: .whitespaces)), day <= today, day >= inspected else {
                throw fail("on", "公示日期", "应为检查日期\(inspected)至今天之间的有效日期")
            }
            row.publishedOn = day.description
            try await row.update(on: tx)
            try await ClockService.recordOnOpen(.complete(CivilDateTime(date: day), reason: "已公示"), kind: SupervisionClocks.inspectionResult.key, record: row.clockRecord, by: principal, services: services, on: tx)
            try await AuditLog.append(AuditEvent(action: "supervision.inspection-publish", entityType: "inspection_draw", entityID: row.id!.uuidString,
                                                 detail: "\(row.targetName)（\(day)）"), by: principal.auditActor, at: services.now, on: tx)
        }
    }
}

/// `检查对象名录` import: 名称, 统一社会信用代码, 类别, 检查单位编码 — all or nothing.
public struct InspectionTargetImporter: Importer {
    public init() {}
    public var id: String { "inspection-targets" }
    public var title: String { "双随机检查对象名录" }
    public var permission: Permission { SupervisionPermissions.inspect }
    public var columns: [ImportColumn] {
        [
            ImportColumn("名称", required: true, note: "市场主体名称"),
            ImportColumn("统一社会信用代码", required: true, note: "18位，校验码须正确"),
            ImportColumn("类别", required: true, note: "如 食品经营、特种设备使用单位"),
            ImportColumn("检查单位编码", required: true, note: "建立名录库的执法部门"),
        ]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        struct Row: Sendable { var name: String; var code: String; var category: String; var unit: OrgUnit }
        var rows: [Row] = []
        var seen: [String: Int] = [:]
        var units: [String: OrgUnit] = [:]
        for (position, cells) in table.rows.enumerated() {
            let number = ImportTable.rowNumber(position)
            func value(_ header: String) -> String { table.value(cells, header).trimmingCharacters(in: .whitespaces) }
            func error(_ column: String, _ message: String) { errors.append(ImportRowError(row: number, column: column, message: message)) }
            let name = value("名称"), category = value("类别"), unitCode = value("检查单位编码")
            if name.isEmpty { error("名称", "不能为空") }
            if category.isEmpty { error("类别", "不能为空") }
            var code: String?
            do { code = try USCC(value("统一社会信用代码")).value } catch let failure { error("统一社会信用代码", failure.summary) }
            var unit: OrgUnit?
            if unitCode.isEmpty { error("检查单位编码", "不能为空") } else {
                if units[unitCode] == nil { units[unitCode] = try await UnitService.find(code: unitCode, on: database) }
                unit = units[unitCode]
                if unit == nil { error("检查单位编码", "没有编码为“\(unitCode)”的单位") } else if !principal.covers(unitPath: unit!.path) { error("检查单位编码", "“\(unitCode)”不在您的管辖范围内") }
            }
            if let code, let unit {
                let key = "\(unit.code)|\(code)"
                if let first = seen[key] { error("统一社会信用代码", "与第\(first)行重复") } else { seen[key] = number }
                if !name.isEmpty && !category.isEmpty { rows.append(Row(name: name, code: code, category: category, unit: unit)) }
            }
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        let prepared = rows
        let stamp = services.now
        do {
            try await database.write { db in
                var clashes: [ImportRowError] = []
                for (index, row) in prepared.enumerated()
                where try await InspectionTarget.query(on: db).filter(\.$unitID == row.unit.id!).filter(\.$creditCode == row.code).count() > 0 {
                    clashes.append(ImportRowError(row: ImportTable.rowNumber(index), column: "统一社会信用代码", message: "“\(row.code)”已在\(row.unit.name)的名录库中"))
                }
                if !clashes.isEmpty { throw ImportRejected(errors: clashes) }
                for row in prepared {
                    let target = InspectionTarget()
                    target.unitID = row.unit.id!
                    target.unitPath = row.unit.path
                    target.name = row.name
                    target.creditCode = row.code
                    target.category = row.category
                    target.active = true
                    target.createdAt = stamp
                    try await target.create(on: db)
                }
                try await AuditLog.append(AuditEvent(action: "supervision.target-import", entityType: "inspection_target", detail: "导入检查对象\(prepared.count)户"),
                                          by: principal.auditActor, at: stamp, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: prepared.count, errors: [])
    }
}

extension InspectionPlan: UnitScoped {
    public static var unitPathField: KeyPath<InspectionPlan, FieldProperty<InspectionPlan, String>> { \.$unitPath }
}

extension InspectionDraw: UnitScoped {
    public static var unitPathField: KeyPath<InspectionDraw, FieldProperty<InspectionDraw, String>> { \.$unitPath }
}
