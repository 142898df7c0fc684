import Fluent
import Foundation
import Vapor

/// The figures of the metrics registry for a year and a unit subtree, with their definitions.
enum FiguresPage {
    /// The year and unit of a request; a unit outside the caller's scope is refused.
    static func scope(_ req: Request) async throws -> MetricScope {
        let principal = try req.caller
        let year = req.queryYear() ?? (Calendar.current.dateComponents(in: .shanghai, from: req.fazhi.now).year! - 1)
        guard (2000...2100).contains(year) else {
            throw ValidationFailure(field: "year", label: "年度", message: "应为2000至2100之间的年份")
        }
        if let code = req.query[String.self, at: "unit"], !code.isEmpty {
            guard let unit = try await UnitService.find(code: code, on: req.db), principal.covers(unitPath: unit.path) else {
                throw ScopeDenied(entityType: "unit", entityID: code)
            }
            return MetricScope(year: year, unitPath: unit.path, unitName: unit.name)
        }
        return MetricScope(year: year, unitPath: principal.scopePrefix, unitName: principal.isCountyWide ? "全县（区）" : principal.unitName)
    }

    static func register(_ router: ModuleRouter) {
        // The records behind one figure: what a report's rendered number links to.
        router.page(.GET, CoreRoute.figuresRecord, permission: CorePermissions.metricsRead) { req async throws -> Response in
            let key = try req.parameters.require("key")
            guard let definition = req.fazhi.metrics.definition(key) else { throw Abort(.notFound, reason: "没有代码为“\(key)”的指标") }
            let scope = try await scope(req)
            let result = try await req.fazhi.metrics.evaluate(definition, scope: scope, on: req.db)
            let query = ListQuery(req, path: CoreRoute.figuresRecord.path(key), keys: ["year", "unit", "page"])
            let records = try await definition.records.page(scope, PageRequest(number: query.page, size: 100), req.db)
            return Layout.page(req, title: "\(scope.year)年 \(scope.unitName)：\(definition.label)", content: [
                UI.details([
                    ("数值", .text(result.value.map { $0 + result.unit } ?? "无数据")),
                    ("上年", .text(result.previousValue.map { $0 + result.unit } ?? "无数据")),
                    ("口径", .text(result.definition + "（" + result.rounding + "）")),
                    ("计算", .text(result.numerator.map { "\($0) ÷ \(result.denominator ?? 0)" } ?? "—")),
                ]),
                UI.table(caption: "所依据的记录（共\(records.total)条）", columns: [UI.Column("记录")], rows: records.items.map { [link($0.title, $0.link)] }, query: query),
                UI.pagination(records, query: query),
                link("返回全部指标", CoreRoute.figures.path() + "?year=\(scope.year)"),
            ])
        }
        router.page(.GET, CoreRoute.figures, permission: CorePermissions.metricsRead) { req async throws -> Response in
            let scope = try await scope(req)
            let results = try await req.fazhi.metrics.evaluateAll(scope: scope, on: req.figureDatabases)
            let rows: [[Node]] = results.map { result in
                [el("code", text: result.key), .text(result.label), .text(result.value.map { $0 + result.unit } ?? "无数据"),
                 .text(result.previousValue.map { $0 + result.unit } ?? "无数据"), .text(result.yearOverYear.map { $0 + "%" } ?? "—"),
                 .text(result.definition + "（" + result.rounding + "）")]
            }
            return Layout.page(req, title: "统计指标", content: [
                el("form", [Attribute("method", "get"), Attribute("action", CoreRoute.figures.path()), .cls("filters")], [
                    UI.field("年度", name: "year", value: String(scope.year)),
                    UI.field("单位编码", name: "unit", value: req.query[String.self, at: "unit"], hint: "留空为本人管辖范围"),
                    el("div", [.cls("field")], [el("button", [.type("submit")], text: "查询")]),
                ]),
                UI.table(caption: "\(scope.year)年 \(scope.unitName)", columns: [UI.Column("代码"), UI.Column("指标"), UI.Column("本年"), UI.Column("上年"),
                                                                            UI.Column("同比"), UI.Column("口径")], rows: rows,
                         query: ListQuery(path: CoreRoute.figures.path(), parameters: [:])),
            ])
        }
    }
}
