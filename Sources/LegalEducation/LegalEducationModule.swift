import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// One record of 学法 or 普法 in a unit (`EducationKind` says which, `EducationRules` what it needs).
public final class EducationRecord: Model, @unchecked Sendable {
    public static let schema = "education_records"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "held_on") public var heldOn: String
    @Field(key: "title") public var title: String
    @Field(key: "count") public var count: Int
    @OptionalField(key: "passed") public var passed: Int?
    @OptionalField(key: "level") public var level: String?
    @OptionalField(key: "batch") public var batch: String?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

extension EducationRecord: UnitScoped {
    public static var unitPathField: KeyPath<EducationRecord, FieldProperty<EducationRecord, String>> { \.$unitPath }
}

enum EducationMigrations {
    struct Create: AsyncMigration {
        var name: String { "education.001.records" }

        func prepare(on database: any Database) async throws {
            try await database.schema(EducationRecord.schema).id()
                .field("kind", .string, .required).field("unit_id", .uuid, .required, .references("units", "id")).field("unit_path", .string, .required)
                .field("held_on", .string, .required).field("title", .string, .required).field("count", .int, .required)
                .field("passed", .int).field("level", .string).field("batch", .string).field("created_at", .datetime, .required)
                .create()
            try await (database as! any SQLDatabase).raw("CREATE INDEX education_records_scope ON education_records (unit_path, held_on, kind)").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(EducationRecord.schema).delete()
        }
    }

    static let all: [any Migration] = [Create()]
}

public enum EducationPermissions {
    public static let read = Permission("education.read", "查看学法普法")
    public static let record = Permission("education.record", "记录学法普法")

    static let all = [read, record]

    static let grants: [Role: [Permission]] = [
        .supervisor: [read, record], .leader: [read], .departmentOfficer: [read, record], .legalReviewer: [read], .townshipStaff: [read, record],
    ]
}

public enum EducationRoute: String, RouteTemplate, CaseIterable {
    case list = "education"
    case importPage = "education/import"
    case importTemplate = "education/import/template.csv"
}

public enum EducationService {
    /// Records one 学法 or 普法 item in a unit.
    @discardableResult
    public static func record(kind: String?, unitCode: String?, on date: String?, title: String?, count: String?, passed: String?, level: String?, batch: String?,
                              by principal: Principal, services: FazhiServices, on db: any Database) async throws -> EducationRecord {
        var validator = Validator()
        let recordKind = EducationKind(rawValue: kind ?? "") ?? EducationKind.allCases.first { $0.label == kind }
        if recordKind == nil { validator.add("kind", "类别", "请选择类别") }
        let code = validator.required(unitCode, field: "unitCode", label: "单位编码", maxLength: 32)
        let day = CivilDate(validator.required(date, field: "on", label: "日期", maxLength: 10))
        if day == nil { validator.add("on", "日期", FormFields.dateRule) }
        let name = validator.optional(title, field: "title", label: "主题", maxLength: 200) ?? ""
        func number(_ text: String?, _ field: String, _ label: String) -> Int? {
            let value = (text ?? "").trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { return nil }
            guard let number = Int(value) else { validator.add(field, label, "应为整数"); return nil }
            return number
        }
        let amount = number(count, "count", "人数或数量") ?? 0
        let passes = number(passed, "passed", "合格人数")
        let modelLevel = ModelLevel(rawValue: level ?? "") ?? ModelLevel.allCases.first { $0.label == level }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let recordKind, let day, let unit else { throw ValidationFailure(field: "kind", label: "类别", message: "请检查填写内容") }
        let facts = EducationRecordFacts(kind: recordKind, on: day, title: name, count: amount, passed: passes, level: modelLevel,
                                         batch: batch?.trimmingCharacters(in: .whitespaces).nilIfEmpty)
        try EducationRules.check(facts, today: CivilDateTime(services.now).date)
        guard principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let stamp = services.now
        return try await db.write { tx in
            let row = EducationRecord()
            row.kind = recordKind.rawValue
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.heldOn = day.description
            row.title = name
            row.count = amount
            row.passed = passes
            row.level = modelLevel?.rawValue
            row.batch = facts.batch
            row.createdAt = stamp
            try await row.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "education.record", entityType: EducationRecord.schema, entityID: row.id!.uuidString,
                                                 detail: "\(unit.name) \(recordKind.label)：\(name)"), by: principal.auditActor, at: stamp, on: tx)
            return row
        }
    }
}

/// 学法与普法: law study, exams, 述法, 谁执法谁普法 lists, events and model villages as records of each unit.
public enum LegalEducationModule {
    public static let manifest = FazhiModule(
        id: "education",
        name: "学法普法",
        migrations: EducationMigrations.all,
        permissions: EducationPermissions.all,
        grants: EducationPermissions.grants,
        menu: [MenuEntry(title: "学法普法", route: EducationRoute.list, permission: EducationPermissions.read, section: "化解与监督")],
        routes: { router in
            EducationPages.register(router)
            EducationAPI.register(router)
        },
        metrics: EducationMetrics.all,
        importers: [EducationImporter()],
        demoSeed: { context in try await EducationDemo.seed(context) },
        unitPathColumns: [UnitPathColumn(EducationRecord.schema)]
    )
}

enum EducationPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, EducationRoute.list, permission: EducationPermissions.read) { req in try await list(req, values: [:], failure: nil) }
        router.form(EducationRoute.list, permission: EducationPermissions.record, submit: { req, fields in
            try await EducationService.record(kind: fields["kind"], unitCode: fields["unitCode"], on: fields["on"], title: fields["title"], count: fields["count"],
                                              passed: fields["passed"], level: fields["level"], batch: fields["batch"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: EducationRoute.list.path(), notice: "已记录")
        }, reshow: { req, fields, failure in try await list(req, values: fields.values, failure: failure) })
        router.imports(EducationImporter(), page: EducationRoute.importPage, template: EducationRoute.importTemplate)
    }

    static func list(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: EducationRoute.list.path(), keys: ["page", "kind"])
        let services = req.fazhi
        // Kept until a record changes (`Request.keptList`): the count and the page are read once
        // per change, not on every visit (issue 16).
        let table = try await req.keptList("education.records", query: query) { read in
            let request = PageRequest(number: query.page)
            let builder = EducationRecord.scoped(in: read.scope, on: read.db)
            if let kind = query["kind"].flatMap(EducationKind.init(rawValue:)) { builder.filter(\.$kind == kind.rawValue) }
            let page = try await builder.sort(\.$heldOn, .descending).sort(\.$id).page(withIndex: request.number, size: request.size)
            let names = try await services.unitNames.of(Set(page.items.map(\.unitID)), services: services, on: read.db)
            return [
                UI.table(caption: "学法普法记录", columns: [UI.Column("日期"), UI.Column("单位"), UI.Column("类别"), UI.Column("主题"), UI.Column("人数或数量")],
                         rows: page.items.map { row in
                             let kind = EducationKind(rawValue: row.kind)
                             let amount = kind == .exam ? "参考\(row.count)人，合格\(row.passed ?? 0)人" : kind == .modelVillage ? "\(ModelLevel(rawValue: row.level ?? "")?.label ?? "")\(row.batch ?? "")" : "\(row.count)"
                             return [.text(row.heldOn), .text(names[row.unitID] ?? "—"), .text(kind?.label ?? row.kind), .text(row.title), .text(amount)]
                         }, query: query),
                UI.pagination(Page(items: page.items, total: page.metadata.total, request: request), query: query),
            ]
        }
        var content: [Node] = [
            UI.errorSummary(failure),
            el("p", [], EducationKind.allCases.map { link($0.label, EducationRoute.list.path() + "?kind=\($0.rawValue)") }.flatMap { [$0, .text(" · ")] }),
            table,
        ]
        if principal.has(EducationPermissions.record) {
            func field(_ label: String, _ name: String, type: String = "text", hint: String? = nil) -> Node {
                UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), hint: hint)
            }
            content += [el("h2", text: "记录"), link("导入台账", EducationRoute.importPage.path()), UI.form(action: EducationRoute.list.path(), csrf: req.csrfToken, [
                UI.select("类别", name: "kind", options: EducationKind.allCases.map { ($0.rawValue, $0.label) }, selected: values["kind"], error: failure?.message(for: "kind")),
                field("单位编码", "unitCode"), field("日期", "on", type: "date"), field("主题（述法的为述法人及职务，示范村为村名）", "title"),
                field("人数或数量", "count", hint: "学法为参加人数，考试为参考人数，普法活动为受众人次，责任清单为事项数"),
                field("合格人数（考试）", "passed"),
                UI.select("级别（示范村）", name: "level", options: [("", "—")] + ModelLevel.allCases.map { ($0.rawValue, $0.label) }, selected: values["level"],
                          error: failure?.message(for: "level")),
                field("批次（示范村）", "batch"),
                el("button", [.type("submit")], text: "记录"),
            ])]
        }
        return Layout.page(req, title: "学法普法", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}

/// 学法普法's figures (docs/law.md §24).
enum EducationMetrics {
    static func records(_ kinds: [EducationKind], _ scope: MetricScope, on db: any Database) -> QueryBuilder<EducationRecord> {
        let query = EducationRecord.query(on: db).filter(\.$heldOn >= "\(scope.year)-01-01").filter(\.$heldOn < "\(scope.year + 1)-01-01")
            .filter(\.$kind ~~ kinds.map(\.rawValue))
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    @Sendable static func ref(_ row: EducationRecord) -> MetricRecordRef {
        MetricRecordRef(id: row.id!.uuidString, title: "\(row.heldOn) \(EducationKind(rawValue: row.kind)?.label ?? "")：\(row.title)", link: EducationRoute.list.path() + "?kind=\(row.kind)")
    }

    /// Passed takers (an exam's `passed`; other kinds have none).
    static let passed = "COALESCE(passed, 0)"

    /// The year's records by kind, counted with their people and passes summed: one statement a year
    /// for every figure here (`FamilyTable`).
    static func table(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("education.records", scope: scope, groupedBy: ["kind"], summing: ["count", passed]) {
            scope.rows(of: EducationRecord.schema, dated: "held_on", path: "unit_path", on: db)
        }
    }

    static func of(_ kinds: [EducationKind]) -> @Sendable (FamilyTable.Row) -> Bool { FamilyTable.matching("kind", kinds.map(\.rawValue)) }

    static func count(_ key: String, _ label: String, _ definition: String, _ kinds: [EducationKind], unit: MetricUnit = .times) -> MetricDefinition {
        MetricDefinition(key: "education.\(key)", label: label, definition: definition, unit: unit, compute: { scope, db in
            .count(try await table(scope, on: db).count(where: of(kinds)))
        }, records: .query({ scope, db in records(kinds, scope, on: db).sort(\.$heldOn) }, ref))
    }

    static func sum(_ key: String, _ label: String, _ definition: String, _ kinds: [EducationKind], unit: MetricUnit) -> MetricDefinition {
        MetricDefinition(key: "education.\(key)", label: label, definition: definition, unit: unit, compute: { scope, db in
            .count(try await table(scope, on: db).sum("count", where: of(kinds)))
        }, records: .query({ scope, db in records(kinds, scope, on: db).sort(\.$heldOn) }, ref))
    }

    static var all: [MetricDefinition] {
        [
            sum("rule-of-law-topics", "常务会议研究法治建设议题", "本年度政府常务会议研究法治建设的议题数（第一责任人履职）", [.ruleOfLawTopic], unit: .item),
            count("pre-meeting-study", "常务会议会前学法", "本年度政府常务会议会前学法次数", [.preMeetingStudy]),
            count("study-sessions", "集体学法", "本年度会前学法、中心组学法、专题讲座和旁听庭审次数", [.preMeetingStudy, .groupStudy, .lecture, .courtHearing]),
            sum("exam-takers", "法律知识考试参考人数", "本年度领导干部法律知识考试参考人数", [.exam], unit: .person),
            MetricDefinition(key: "education.exam-pass-rate", label: "法律知识考试合格率", definition: "本年度领导干部法律知识考试合格人数 ÷ 参考人数 × 100%", unit: .percent,
                             compute: { scope, db in
                let exams = try await table(scope, on: db)
                let takers = exams.sum("count", where: of([.exam]))
                guard takers > 0 else { return .missing }
                return .ratio(numerator: exams.sum(passed, where: of([.exam])), denominator: takers)
            }, records: .query({ scope, db in records([.exam], scope, on: db).sort(\.$heldOn) }, ref)),
            sum("duty-reports", "述法", "本年度部门、乡镇主要负责人述法人数", [.dutyReport], unit: .person),
            sum("duty-documents", "印发法治建设文件", "本年度主要负责人签发或政府印发的法治建设部署文件数（第一责任人履职）", [.dutyDocument], unit: .piece),
            count("events", "普法活动", "本年度开展的普法活动场次", [.event]),
            sum("audience", "普法受众", "本年度普法活动受众人次", [.event], unit: .personTime),
            sum("sites", "法治宣传教育阵地", "本年度建成的法治文化公园、广场、长廊等法治宣传教育阵地数", [.site], unit: .count),
            count("responsibility-lists", "谁执法谁普法责任清单", "本年度公布谁执法谁普法责任清单的单位数", [.responsibilityList], unit: .count),
            count("model-villages", "民主法治示范村（社区）", "本年度命名的民主法治示范村（社区）数", [.modelVillage], unit: .count),
        ]
    }
}

/// Imports a 学法普法 ledger (CSV or XLSX), each row checked as on the page, all or nothing.
public struct EducationImporter: Importer {
    public init() {}

    public var id: String { "education" }
    public var title: String { "学法普法台账" }
    public var permission: Permission { EducationPermissions.record }

    public var columns: [ImportColumn] {
        [
            ImportColumn("类别", required: true, note: EducationKind.allCases.map(\.label).joined(separator: "、")),
            ImportColumn("单位编码", required: true, note: ""), ImportColumn("日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("主题", required: true, note: ""), ImportColumn("人数或数量", required: false, note: "示范村不填"),
            ImportColumn("合格人数", required: false, note: "考试必填"), ImportColumn("级别", required: false, note: "示范村：全国、省级、市级、县级"),
            ImportColumn("批次", required: false, note: "示范村必填"),
        ]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        let errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        let labels = ["kind": "类别", "unitCode": "单位编码", "on": "日期", "title": "主题", "count": "人数或数量", "passed": "合格人数", "level": "级别", "batch": "批次"]
        do {
            try await database.write { db in
                var problems: [ImportRowError] = []
                for position in table.rows.indices {
                    let row = ImportRow(table, position: position)
                    do {
                        try await EducationService.record(kind: row.value("类别"), unitCode: row.value("单位编码"), on: row.value("日期"), title: row.value("主题"),
                                                          count: row.value("人数或数量"), passed: row.value("合格人数"), level: row.value("级别"), batch: row.value("批次"),
                                                          by: principal, services: services, on: db)
                    } catch let failure as ValidationFailure {
                        problems += failure.errors.map { ImportRowError(row: row.number, column: labels[$0.field] ?? "类别", message: $0.message) }
                    } catch is ScopeDenied {
                        problems.append(ImportRowError(row: row.number, column: "单位编码", message: "不在您的管辖范围内"))
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems) }
                try await AuditLog.append(AuditEvent(action: "education.import", entityType: EducationRecord.schema, detail: "导入学法普法记录\(table.rows.count)条"),
                                          by: principal.auditActor, at: services.now, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: table.rows.count, errors: [])
    }
}

/// The demo county's 学法普法: two past years and this year of study before meetings, the exam,
/// 述法, lists, events and model villages.
enum EducationDemo {
    static func seed(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        let bureau = try await context.principal("supervisor")
        let topics = ["行政复议法", "行政处罚法", "民法典", "政府信息公开条例", "重大行政决策程序暂行条例", "优化营商环境条例"]
        func add(_ kind: EducationKind, _ unit: String, _ on: CivilDate, _ title: String, _ count: Int, passed: Int? = nil, level: ModelLevel? = nil, batch: String? = nil) async throws {
            guard on <= today else { return }
            try await EducationService.record(kind: kind.rawValue, unitCode: unit, on: on.description, title: title, count: String(count), passed: passed.map(String.init),
                                              level: level?.rawValue, batch: batch, by: bureau, services: services, on: db)
        }
        for (offset, year) in [today.year - 2, today.year - 1, today.year].enumerated() {
            for month in stride(from: 1, through: 12, by: 2) {
                try await add(.preMeetingStudy, DemoCounty.governmentCode, CivilDate(year: year, month: month, day: 12)!, "学习\(topics[(month + offset) % topics.count])", 24 + month % 5)
            }
            for (index, month) in [3, 6, 9, 12].enumerated() {
                try await add(.ruleOfLawTopic, DemoCounty.governmentCode, CivilDate(year: year, month: month, day: 20)!,
                              ["研究年度法治政府建设工作要点", "听取行政复议工作情况汇报", "审议重大行政决策事项目录", "听取法治督察问题整改情况"][index], 1 + index % 2)
            }
            try await add(.dutyDocument, DemoCounty.governmentCode, CivilDate(year: year, month: 2, day: 26)!, "印发\(year)年法治政府建设工作要点", 1)
            try await add(.dutyDocument, DemoCounty.governmentCode, CivilDate(year: year, month: 4, day: 2)!, "印发\(year)年法治督察工作方案", 1)
            try await add(.groupStudy, DemoCounty.governmentCode, CivilDate(year: year, month: 6, day: 18)!, "习近平法治思想专题学习", 15)
            try await add(.courtHearing, "SFX-SFJ", CivilDate(year: year, month: 5, day: 20)!, "旁听行政诉讼案件庭审", 36)
            try await add(.exam, DemoCounty.governmentCode, CivilDate(year: year, month: 11, day: 8)!, "\(year)年度领导干部学法用法考试", 180 + offset * 10, passed: 176 + offset * 10)
            for (index, unit) in ["SFX-SCJG", "SFX-ZHZF", "SFX-ZRZY", "SFX-CG"].enumerated() {
                try await add(.dutyReport, unit, CivilDate(year: year, month: 12, day: 10 + index)!, "主要负责人年度述法", 1)
                try await add(.responsibilityList, unit, CivilDate(year: year, month: 3, day: 1 + index)!, "\(year)年谁执法谁普法责任清单", 12 + index)
            }
            for (index, title) in ["宪法宣传周", "民法典宣传月", "法律进乡村", "法治文艺演出"].enumerated() {
                try await add(.event, ["SFX-SFJ", "SFX-CG", "SFX-DL", "SFX-SCJG"][index], CivilDate(year: year, month: [12, 5, 8, 10][index], day: 4)!, title, 800 + index * 350 + offset * 100)
            }
            try await add(.site, ["SFX-CG", "SFX-DL", "SFX-XH"][offset], CivilDate(year: year, month: 7, day: 1)!, ["城关镇法治文化广场", "东岭镇法治长廊", "西河镇宪法公园"][offset], 1)
            if offset < 2 {
                try await add(.modelVillage, "SFX-CG-0\(offset + 1)", CivilDate(year: year, month: 9, day: 1)!, "城关镇第\(offset == 0 ? "一" : "二")村", 0, level: .provincial,
                              batch: "第\(offset + 8)批")
            }
        }
    }
}
