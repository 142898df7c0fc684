import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Vapor

enum IndicatorPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, IndicatorRoute.list, permission: IndicatorPermissions.read) { req in try await list(req, values: [:], failure: nil) }
        router.form(IndicatorRoute.list, permission: IndicatorPermissions.manage, submit: { req, fields in
            guard let year = Int(fields.text("year")) else { throw ValidationFailure(field: "year", label: "年度", message: "应为年份") }
            let system = try await IndicatorService.createSystem(year: year, name: "法治政府建设考核指标", rows: GenericIndicatorSystem.rows, by: try req.caller,
                                                                 services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: system.link, notice: "已按通用指标体系建立\(year)年第\(system.version)版")
        }, reshow: { req, fields, failure in try await list(req, values: fields.values, failure: failure) })
        router.imports(IndicatorImporter(), page: IndicatorRoute.importPage, template: IndicatorRoute.importTemplate)
        router.page(.GET, IndicatorRoute.system, permission: IndicatorPermissions.read) { req in try await system(req, values: [:], failure: nil) }
        router.form(IndicatorRoute.system, permission: IndicatorPermissions.manage, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            guard try await IndicatorSystem.find(id, on: req.db) != nil else { throw ScopeDenied(entityType: IndicatorSystem.schema, entityID: id.uuidString) }
            try await IndicatorService.addIndicator(to: id, code: fields["code"], name: fields["name"], weight: fields["weight"], metric: fields["metric"], rule: fields["rule"],
                                                    perUnit: fields.text("perUnit") != "no", by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: IndicatorRoute.system.path(id), notice: "已添加指标")
        }, reshow: { req, fields, failure in try await system(req, values: fields.values, failure: failure) })
        router.form(IndicatorRoute.assess, permission: IndicatorPermissions.manage, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            guard try await IndicatorSystem.find(id, on: req.db) != nil else { throw ScopeDenied(entityType: IndicatorSystem.schema, entityID: id.uuidString) }
            try await IndicatorService.assess(in: id, code: fields.text("indicator"), unitCode: fields["unitCode"], evidence: fields["evidence"], points: fields["points"],
                                              reason: fields["reason"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: IndicatorRoute.system.path(id), notice: "已评分")
        }, reshow: { req, fields, failure in try await system(req, values: fields.values, failure: failure) })
        router.page(.GET, IndicatorRoute.scores, permission: IndicatorPermissions.read) { req in try await scores(req) }
        router.page(.GET, IndicatorRoute.unit, permission: IndicatorPermissions.read) { req in try await unitPage(req, values: [:], failure: nil) }
        router.page(.POST, IndicatorRoute.evidence, permission: IndicatorPermissions.evidence, body: .collect(maxSize: "12mb")) { req async throws -> Response in
            let (system, unit) = try await systemAndUnit(req)
            let upload = try req.content.decode(EvidenceUpload.self)
            do {
                guard let code = upload.indicator, let indicator = try await Indicator.query(on: req.db).filter(\.$systemID == system.id!).filter(\.$code == code).first() else {
                    throw ValidationFailure(field: "indicator", label: "指标", message: "请选择依佐证评分的指标")
                }
                let file = upload.file.flatMap { $0.data.readableBytes > 0 ? EvidenceFile(filename: $0.filename, data: Data(buffer: $0.data)) : nil }
                try await IndicatorService.submitEvidence(indicator.id!, unit: unit, statement: upload.statement, file: file, by: try req.caller, services: req.fazhi, on: req.db)
                return Layout.redirect(req, to: IndicatorRoute.unit.path(system.id!, unit.id!), notice: "已提交佐证材料，待评分")
            } catch let failure as ValidationFailure {
                return try await unitPage(req, values: ["indicator": upload.indicator ?? "", "statement": upload.statement ?? ""], failure: failure)
            }
        }
        router.page(.GET, IndicatorRoute.evidenceFile, permission: IndicatorPermissions.read) { req async throws -> Response in
            let (_, unit) = try await systemAndUnit(req)
            let id = try req.parameters.require("evidence", as: UUID.self)
            guard let row = try await IndicatorEvidence.find(id, on: req.db), row.unitID == unit.id, let data = row.data, let name = row.filename else { throw Abort(.notFound) }
            return Response.upload(data, filename: name, fallback: "evidence-\(id.uuidString.prefix(8))")
        }
    }

    struct EvidenceUpload: Content {
        var indicator: String?
        var statement: String?
        var file: File?
    }

    /// The system and the unit of a unit route, the unit within the caller's scope.
    static func systemAndUnit(_ req: Request) async throws -> (IndicatorSystem, OrgUnit) {
        let system = try await find(req)
        let unitID = try req.parameters.require("unit", as: UUID.self)
        guard let unit = try await OrgUnit.find(unitID, on: req.db), try req.caller.covers(unitPath: unit.path) else {
            throw ScopeDenied(entityType: "unit", entityID: unitID.uuidString)
        }
        return (system, unit)
    }

    static func list(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let systems = try await IndicatorSystem.query(on: req.db).sort(\.$year, .descending).sort(\.$version, .descending).all()
        var content: [Node] = [
            UI.errorSummary(failure),
            el("p", text: "每项指标或绑定统计指标按规则计分，或依佐证材料评分；各单位得分由实时记录计算，每一分都可追溯到统计指标及其记录。"),
            UI.simpleTable(caption: "考核指标体系", headers: ["年度", "名称", "版本", "得分"], rows: systems.map {
                [.text(String($0.year)), link($0.name, $0.link), .text("第\($0.version)版"), link("各单位得分", IndicatorRoute.scores.path($0.id!))]
            }),
        ]
        if try req.caller.has(IndicatorPermissions.manage) {
            content += [el("h2", text: "按通用指标体系新建"), UI.form(action: IndicatorRoute.list.path(), csrf: req.csrfToken, [
                UI.field("年度", name: "year", value: values["year"], error: failure?.message(for: "year"), required: true), el("button", [.type("submit")], text: "新建"),
            ]), link("导入指标体系", IndicatorRoute.importPage.path())]
        }
        return Layout.page(req, title: "考核指标", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func find(_ req: Request) async throws -> IndicatorSystem {
        let id = try req.parameters.require("id", as: UUID.self)
        guard let system = try await IndicatorSystem.find(id, on: req.db) else { throw ScopeDenied(entityType: IndicatorSystem.schema, entityID: id.uuidString) }
        return system
    }

    static func system(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let system = try await find(req)
        let indicators = try await Indicator.query(on: req.db).filter(\.$systemID == system.id!).all().sorted { $0.code.compare($1.code, options: .numeric) == .orderedAscending }
        var content: [Node] = [
            UI.errorSummary(failure),
            el("p", [], [link("各单位得分", IndicatorRoute.scores.path(system.id!))]),
            UI.simpleTable(caption: "指标", headers: ["代码", "名称", "分值", "统计指标", "评分规则", "计分范围"], rows: indicators.map {
                [.text($0.code), .text($0.name), .text($0.weight), .text($0.metricKey ?? "—"), .text($0.scoringRule.label), .text($0.perUnit ? "各单位" : "全县")]
            }),
        ]
        if try req.caller.has(IndicatorPermissions.manage) {
            func field(_ label: String, _ name: String, hint: String? = nil) -> Node {
                UI.field(label, name: name, value: values[name], error: failure?.message(for: name), hint: hint)
            }
            content += [
                el("h2", text: "添加指标"),
                UI.form(action: IndicatorRoute.system.path(system.id!), csrf: req.csrfToken, [
                    field("代码", "code", hint: "如 3.4"), field("名称", "name"), field("分值", "weight"),
                    field("统计指标代码", "metric", hint: "见“统计指标”页；依佐证评分的留空"),
                    field("评分规则", "rule", hint: "threshold:100:higher（达到100得满分）、threshold:5:lower、linear:60:100 或 evidence"),
                    UI.select("计分范围", name: "perUnit", options: [("yes", "各单位分别计分"), ("no", "全县统一计分")], selected: values["perUnit"]),
                    el("button", [.type("submit")], text: "添加"),
                ]),
                el("h2", text: "依佐证评分"),
                UI.form(action: IndicatorRoute.assess.path(system.id!), csrf: req.csrfToken, [
                    field("指标代码", "indicator"), field("单位编码", "unitCode"), field("佐证材料", "evidence"), field("得分", "points"), field("评分理由", "reason"),
                    el("button", [.type("submit")], text: "评分"),
                ]),
            ]
        }
        return Layout.page(req, title: "\(system.year)年\(system.name)（第\(system.version)版）", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func scores(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let system = try await find(req)
        guard let county = try await IndicatorService.county(on: req.db) else { throw Abort(.notFound) }
        let units = try await IndicatorService.units(on: req.db).filter { principal.covers(unitPath: $0.path) }
        var rows: [(IndicatorService.UnitScore, Decimal)] = []
        for unit in units {
            let now = try await IndicatorService.score(system, unit: unit, year: system.year, county: county, services: req.fazhi, on: req.db)
            let before = try await IndicatorService.score(system, unit: unit, year: system.year - 1, county: county, services: req.fazhi, on: req.db)
            rows.append((now, before.total))
        }
        rows.sort { $0.0.total != $1.0.total ? $0.0.total > $1.0.total : $0.0.unit.path < $1.0.unit.path }
        return Layout.page(req, title: "\(system.year)年考核得分", content: [
            el("p", text: "按\(system.name)第\(system.version)版，以实时记录计算；上年一栏为同一指标体系用上年记录计算的得分。"),
            UI.simpleTable(caption: "各单位得分", headers: ["名次", "单位", "得分", "满分", "上年", "变化"], rows: rows.enumerated().map { index, row in
                let change = row.0.total - row.1
                return [.text(String(index + 1)), link(row.0.unit.name, IndicatorRoute.unit.path(system.id!, row.0.unit.id!)), .text("\(row.0.total)"),
                        .text("\(row.0.maximum)"), .text("\(row.1)"), .text(change == 0 ? "持平" : change > 0 ? "+\(change)" : "\(change)")]
            }),
        ])
    }

    static func unitPage(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let (system, unit) = try await systemAndUnit(req)
        guard let county = try await IndicatorService.county(on: req.db) else { throw Abort(.notFound) }
        let score = try await IndicatorService.score(system, unit: unit, year: system.year, county: county, services: req.fazhi, on: req.db)
        let evidenceLines = score.lines.filter { $0.indicator.scoringRule == .evidence }
        var content: [Node] = [
            UI.errorSummary(failure),
            el("p", text: "得分 \(score.total) / \(score.maximum)"),
            UI.simpleTable(caption: "逐项得分", headers: ["代码", "指标", "得分", "分值", "计算"], rows: score.lines.map { line in
                [.text(line.indicator.code), .text(line.indicator.name), .text("\(line.score.points)"), .text("\(line.score.weight)"),
                 line.link.map { link(line.score.explanation, $0) } ?? .text(line.score.explanation)]
            }),
        ]
        if !evidenceLines.isEmpty {
            content.append(UI.simpleTable(caption: "佐证材料", headers: ["代码", "指标", "最近提交", "附件"], rows: evidenceLines.map { line in
                let row = line.submitted
                return [.text(line.indicator.code), .text(line.indicator.name),
                        .text(row.map { "\(CivilDateTime($0.submittedAt).date) \($0.submittedBy)：\($0.statement)" } ?? "未提交"),
                        row.flatMap { evidence in evidence.filename.map { link($0, IndicatorRoute.evidenceFile.path(system.id!, unit.id!, evidence.id!)) } } ?? .text("—")]
            }))
            if principal.has(IndicatorPermissions.evidence) {
                content += [
                    el("h2", text: "提交佐证材料"),
                    UI.form(action: IndicatorRoute.evidence.path(system.id!, unit.id!), csrf: req.csrfToken, multipart: true, [
                        UI.select("指标", name: "indicator", options: evidenceLines.map { ($0.indicator.code, "\($0.indicator.code) \($0.indicator.name)") }, selected: values["indicator"]),
                        UI.field("佐证说明", name: "statement", value: values["statement"], error: failure?.message(for: "statement"), required: true, hint: "做了什么、材料在哪里；不超过5000字"),
                        el("div", [.cls("field")], [
                            el("label", [Attribute("for", "f-evidence-file")], text: "附件（可选，不超过10MB）"),
                            .void("input", [.id("f-evidence-file"), .name("file"), .type("file")]),
                        ]),
                        el("button", [.type("submit")], text: "提交"),
                    ]),
                ]
            }
        }
        return Layout.page(req, title: "\(unit.name)\(system.year)年考核得分", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    /// The dashboard card: the caller's unit's score this year, and the indicators it is losing most on.
    static func widget(_ req: Request) async throws -> Node {
        let principal = try req.caller
        let services = req.fazhi
        let year = CivilDateTime(services.now).date.year
        guard let unitID = principal.unitID else { return .empty }
        let database = req.db
        // Scored afresh only when a record has changed since the last visit (`RecordsCache`): the
        // score reads every figure of the unit's year, a statement or more each.
        let summary = try await services.recordsCache.value("indicators.widget|\(unitID)|\(year)", on: database, services: services) { _ in
            try await WidgetSummary.make(unitID: unitID, year: year, services: services, on: database)
        }
        guard let summary else { return .empty }
        return el("section", [.cls("widget"), .aria("labelledby", "indicators-heading")], [
            el("h2", [.id("indicators-heading")], text: "考核指标"),
            el("p", [], [.text("\(summary.unitName)\(year)年得分 \(summary.total) / \(summary.maximum)　"), link("逐项得分", IndicatorRoute.unit.path(summary.systemID, unitID))]),
            summary.losing.isEmpty ? el("p", text: "没有失分的指标。") : el("ul", [], summary.losing.map { line in
                el("li", [], [.text("\(line.code) \(line.name)：失\(line.lost)分（\(line.explanation)）")])
            }),
        ])
    }

    /// What the dashboard shows of a unit's score: its total and the five indicators that lost most.
    struct WidgetSummary: Sendable {
        struct Losing: Sendable {
            var code: String, name: String, lost: Decimal, explanation: String
        }

        var unitName: String
        var systemID: UUID
        var total: Decimal
        var maximum: Decimal
        var losing: [Losing]

        /// Nil when the unit, the county or the year's indicator system is missing.
        static func make(unitID: UUID, year: Int, services: FazhiServices, on database: any Database) async throws -> WidgetSummary? {
            guard let unit = try await OrgUnit.find(unitID, on: database), let county = try await IndicatorService.county(on: database),
                  let system = try await IndicatorSystem.query(on: database).filter(\.$year == year).sort(\.$version, .descending).first(),
                  let systemID = system.id else { return nil }
            let score = try await IndicatorService.score(system, unit: unit, year: year, county: county, services: services, on: database)
            let losing = score.lines.filter { $0.score.lost > 0 }.sorted { $0.score.lost > $1.score.lost }.prefix(5)
            return WidgetSummary(unitName: unit.name, systemID: systemID, total: score.total, maximum: score.maximum,
                                 losing: losing.map { Losing(code: $0.indicator.code, name: $0.indicator.name, lost: $0.score.lost, explanation: $0.score.explanation) })
        }
    }
}

/// Imports an indicator system (CSV or XLSX): a new version for its year, all or nothing.
public struct IndicatorImporter: Importer {
    public init() {}

    public var id: String { "indicators" }
    public var title: String { "考核指标体系" }
    public var permission: Permission { IndicatorPermissions.manage }

    public var columns: [ImportColumn] {
        [
            ImportColumn("年度", required: true, note: "同一文件同一年度"), ImportColumn("体系名称", required: true, note: ""),
            ImportColumn("代码", required: true, note: "如 1、1.2、1.2.3；有下级的为分类，不计分"), ImportColumn("名称", required: true, note: ""),
            ImportColumn("分值", required: true, note: ""), ImportColumn("统计指标代码", required: false, note: "依佐证评分的留空"),
            ImportColumn("评分规则", required: true, note: "threshold:目标:higher|lower、linear:下限:上限、evidence"),
            ImportColumn("计分范围", required: false, note: "各单位（默认）或全县"),
        ]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        var rows: [(String, String, String, String?, String, Bool)] = []
        var year: Int?, name = ""
        for position in table.rows.indices {
            var row = ImportRow(table, position: position)
            guard let rowYear = Int(row.value("年度")) else { row.error("年度", "应为年份"); errors += row.errors; continue }
            if let year, year != rowYear { row.error("年度", "同一文件应为同一年度（\(year)）") }
            year = year ?? rowYear
            name = row.value("体系名称")
            rows.append((row.value("代码"), row.value("名称"), row.value("分值"), row.value("统计指标代码").nilIfEmpty, row.value("评分规则"), row.value("计分范围") != "全县"))
            errors += row.errors
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        guard let year else { return ImportReport(rowsRead: 0, rowsWritten: 0, errors: []) }
        do {
            try await IndicatorService.createSystem(year: year, name: name, rows: rows, by: principal, services: services, on: database)
        } catch let failure as ValidationFailure {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: failure.errors.map { item in
                let number = Int(item.message.firstMatch(of: #/第(\d+)项/#)?.output.1 ?? "0") ?? 0
                return ImportRowError(row: number + 1, column: item.label, message: item.message)
            })
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: rows.count, errors: [])
    }
}
