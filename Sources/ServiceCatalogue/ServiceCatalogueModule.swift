import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Vapor

/// Every page of the service catalogue: registered, linked and put in the menu from here only.
public enum ServiceRoute: String, RouteTemplate, CaseIterable {
    case list = "services"
    case new = "services/new"
    case importPage = "services/import"
    case importTemplate = "services/import/template.csv"
    case record = "services/:id"
    case withdraw = "services/:id/withdraw"
    case portal = "gongshi/services"
}

/// 政务服务事项目录: each unit's items with their time limits and ways of being done, versioned,
/// imported from the province's catalogue export; the shares the reports give (马上办, 网上办,
/// 一次办, 就近办) and the compression of promised against legal time limits.
public enum ServiceCatalogueModule {
    public static let manifest = FazhiModule(
        id: "services",
        name: "政务服务事项目录",
        migrations: ServiceMigrations.all,
        permissions: ServicePermissions.all,
        grants: ServicePermissions.grants,
        menu: [MenuEntry(title: "政务服务事项", route: ServiceRoute.list, permission: ServicePermissions.read, section: "政务公开")],
        routes: { router in
            ServicePages.register(router)
            ServiceAPI.register(router)
        },
        metrics: ServiceMetrics.all,
        importers: [CatalogueImporter()],
        demoSeed: { context in try await ServiceDemo.seed(context) },
        unitPathColumns: [UnitPathColumn(ServiceItem.schema)],
        publicServices: [
            PublicService(title: "政务服务事项目录", path: ServiceRoute.portal.path(), summary: "现行政务服务事项的办理时限、跑动次数、网办程度和申请材料。",
                          basis: "优化营商环境条例第三十五条；国务院关于加快推进全国一体化在线政务服务平台建设的指导意见"),
        ],
        publicSearch: { query, db in
            try await ServiceItem.query(on: db).filter(\.$withdrawnOn == nil).group(.or) { $0.filter(\.$name ~~ query).filter(\.$code ~~ query) }
                .sort(\.$code).limit(PublicPortal.hitsPerModule).all()
                .map { PublicSearchHit(kind: "政务服务事项", title: "\($0.code) \($0.name)", link: ServiceRoute.portal.path() + "?q=" + ($0.name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""), date: $0.effectiveOn) }
        }
    )
}

enum ServicePages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, ServiceRoute.list, permission: ServicePermissions.read) { req in try await list(req) }
        router.page(.GET, ServiceRoute.new, permission: ServicePermissions.manage) { req in editPage(req, values: [:], failure: nil) }
        router.form(ServiceRoute.new, permission: ServicePermissions.manage, submit: { req, fields in
            let result = try await ServiceCatalogueService.save(input(fields), by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: result.item.link, notice: result.change == nil ? "没有变化" : "已保存第\(result.item.version)版")
        }, reshow: { req, fields, failure in editPage(req, values: fields.values, failure: failure) })
        router.imports(CatalogueImporter(), page: ServiceRoute.importPage, template: ServiceRoute.importTemplate)
        router.page(.GET, ServiceRoute.record, permission: ServicePermissions.read) { req in try await show(req, failure: nil) }
        router.form(ServiceRoute.withdraw, permission: ServicePermissions.manage, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            try await ServiceCatalogueService.withdraw(id, on: fields["on"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: ServiceRoute.record.path(id), notice: "已撤销")
        }, reshow: { req, _, failure in try await show(req, failure: failure) })
        router.open(.GET, ServiceRoute.portal) { req in try await portal(req) }
    }

    static func input(_ fields: FormFields) -> ServiceCatalogueService.Input {
        ServiceCatalogueService.Input(code: fields["code"], name: fields["name"], kind: fields["kind"], unitCode: fields["unitCode"], legalLimit: fields["legalLimit"],
                                      promisedLimit: fields["promisedLimit"], onTheSpot: fields["onTheSpot"], fullyOnline: fields["fullyOnline"], visits: fields["visits"],
                                      nearby: fields["nearby"], notificationCommitment: fields["notificationCommitment"], documents: fields["documents"],
                                      effectiveOn: fields["effectiveOn"])
    }

    static func ways(_ row: ServiceItem) -> String {
        var ways: [String] = []
        if row.onTheSpot { ways.append("马上办") }
        if row.fullyOnline { ways.append("全程网办") }
        if row.visits <= 1 { ways.append(row.visits == 0 ? "零跑动" : "一次办") }
        if let nearby = row.nearby.flatMap(NearbyLevel.init(rawValue:)) { ways.append("就近办（\(nearby == .village ? "村" : "乡镇")）") }
        if row.notificationCommitment { ways.append("告知承诺") }
        return ways.joined(separator: "、")
    }

    static func limits(_ row: ServiceItem) -> String {
        "法定\(row.legalLimit.map { "\($0)个工作日" } ?? "无")，承诺\(row.promisedLimit == 0 ? "即办" : "\(row.promisedLimit)个工作日")"
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: ServiceRoute.list.path(), keys: ["page"])
        let services = req.fazhi
        // Kept until a record changes (`Request.keptList`): the count and the page are read once
        // per change, not on every visit (issue 16).
        let table = try await req.keptList("services.items", query: query) { read in
            let request = PageRequest(number: query.page)
            let page = try await ServiceItem.scoped(in: read.scope, on: read.db).filter(\.$withdrawnOn == nil).sort(\.$code)
                .page(withIndex: request.number, size: request.size)
            let names = try await services.unitNames.of(Set(page.items.map(\.unitID)), services: services, on: read.db)
            return [
                UI.table(caption: "政务服务事项", columns: [UI.Column("事项编码"), UI.Column("事项名称"), UI.Column("类型"), UI.Column("实施主体"), UI.Column("时限"), UI.Column("办理方式"), UI.Column("版本")],
                         rows: page.items.map { [link($0.code, $0.link), .text($0.name), .text(ServiceKind(rawValue: $0.kind)?.label ?? $0.kind), .text(names[$0.unitID] ?? "—"),
                                                 .text(limits($0)), .text(ways($0)), .text("第\($0.version)版")] },
                         query: query),
                UI.pagination(Page(items: page.items, total: page.metadata.total, request: request), query: query),
            ]
        }
        var actions: [Node] = []
        if principal.has(ServicePermissions.manage) {
            actions += [link("新增或修改事项", ServiceRoute.new.path(), [.cls("button")]), link("导入省级目录", ServiceRoute.importPage.path())]
        }
        return Layout.page(req, title: "政务服务事项目录", content: [
            el("div", [.cls("actions")], actions),
            table,
        ])
    }

    static func editPage(_ req: Request, values: [String: String], failure: ValidationFailure?) -> Response {
        func field(_ label: String, _ name: String, required: Bool = false, hint: String? = nil) -> Node {
            UI.field(label, name: name, value: values[name], error: failure?.message(for: name), required: required, hint: hint)
        }
        let yesNo = [("否", "否"), ("是", "是")]
        return Layout.page(req, title: "新增或修改政务服务事项", status: failure == nil ? .ok : .unprocessableEntity, content: [
            el("p", text: "按事项编码保存：编码已存在的，记为新版本并保留修改记录。"),
            UI.errorSummary(failure),
            UI.form(action: ServiceRoute.new.path(), csrf: req.csrfToken, [
                field("事项编码", "code", required: true), field("事项名称", "name", required: true),
                UI.select("事项类型", name: "kind", options: ServiceKind.allCases.map { ($0.rawValue, $0.label) }, selected: values["kind"], error: failure?.message(for: "kind")),
                field("实施主体编码", "unitCode", required: true),
                field("法定办结时限（工作日）", "legalLimit", hint: "行政许可一般为20个工作日（行政许可法第四十二条）；无法定时限的留空"),
                field("承诺办结时限（工作日）", "promisedLimit", required: true, hint: "即办件填0"),
                UI.select("马上办", name: "onTheSpot", options: yesNo, selected: values["onTheSpot"], error: failure?.message(for: "onTheSpot")),
                UI.select("全程网办", name: "fullyOnline", options: yesNo, selected: values["fullyOnline"], error: failure?.message(for: "fullyOnline")),
                field("最多跑几次", "visits", hint: "0为零跑动，1为一次办"),
                UI.select("就近办", name: "nearby", options: [("", "否"), ("township", "乡镇（街道）"), ("village", "村（社区）")], selected: values["nearby"],
                          error: failure?.message(for: "nearby")),
                UI.select("证明事项告知承诺", name: "notificationCommitment", options: yesNo, selected: values["notificationCommitment"], error: failure?.message(for: "notificationCommitment")),
                field("申请材料（每行一项）", "documents"), field("纳入目录日期", "effectiveOn", hint: "新增事项填写，默认今天"),
                el("button", [.type("submit")], text: "保存"),
            ]),
        ])
    }

    static func show(_ req: Request, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        guard let row = try await ServiceItem.scoped(for: principal, on: req.db).filter(\.$id == id).first() else {
            throw ScopeDenied(entityType: ServiceItem.schema, entityID: id.uuidString)
        }
        let versions = try await ServiceItemVersion.query(on: req.db).filter(\.$itemID == id).sort(\.$version, .descending).all()
        let names = try await req.fazhi.unitNames.of([row.unitID], services: req.fazhi, on: req.db)
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([("事项编码", .text(row.code)), ("类型", .text(ServiceKind(rawValue: row.kind)?.label ?? row.kind)), ("实施主体", .text(names[row.unitID] ?? "—")),
                        ("时限", .text(limits(row))), ("办理方式", .text(ways(row).nilIfEmpty ?? "—")), ("申请材料", .text(row.documents.nilIfEmpty ?? "—")),
                        ("纳入目录", .text(row.effectiveOn)), ("撤销", .text(row.withdrawnOn ?? "—"))]),
            UI.simpleTable(caption: "修改记录", headers: ["版本", "日期", "内容", "经办"], rows: versions.map {
                [.text("第\($0.version)版"), .text($0.changedOn), .text($0.changes.replacingOccurrences(of: "\n", with: "；")), .text($0.actor)]
            }),
        ]
        if principal.has(ServicePermissions.manage) && row.withdrawnOn == nil {
            content.append(UI.form(action: ServiceRoute.withdraw.path(id), csrf: req.csrfToken, [
                UI.field("撤销日期", name: "on", type: "date", error: failure?.message(for: "on"), required: true), el("button", [.type("submit")], text: "撤销事项"),
            ]))
        }
        return Layout.page(req, title: row.name, status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    /// `/gongshi/services`: the catalogue in force, searchable by name, for the public (no personal data in it).
    static func portal(_ req: Request) async throws -> Response {
        let words = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        let query = ListQuery(req, path: ServiceRoute.portal.path(), keys: ["page", "q"])
        let request = PageRequest(number: query.page, size: 50)
        let builder = ServiceItem.query(on: req.db).filter(\.$withdrawnOn == nil)
        if !words.isEmpty { builder.filter(\.$name ~~ String(words.prefix(50))) }
        let page = try await builder.sort(\.$code).page(withIndex: request.number, size: request.size)
        let names = try await req.fazhi.unitNames.of(Set(page.items.map(\.unitID)), services: req.fazhi, on: req.db)
        return Layout.portal(req, title: "政务服务事项目录", section: "政务服务", content: [
            el("form", [Attribute("method", "get"), Attribute("action", ServiceRoute.portal.path()), Attribute("role", "search")], [
                UI.field("事项名称", name: "q", value: words), el("button", [.type("submit")], text: "查询"),
            ]),
            UI.simpleTable(caption: "政务服务事项", headers: ["事项名称", "实施主体", "时限", "办理方式", "申请材料"], rows: page.items.map {
                [.text($0.name), .text(names[$0.unitID] ?? "—"), .text(limits($0)), .text(ways($0)), .text($0.documents.replacingOccurrences(of: "\n", with: "；"))]
            }),
            UI.pagination(Page(items: page.items, total: page.metadata.total, request: request), query: query),
        ])
    }
}
