import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit
import Vapor

/// 重大行政决策: the yearly catalogue, the five procedures as gates before 集体讨论决定
/// (`DecisionRules`), publication, execution, 决策后评估 and 责任追究; the catalogue and the
/// procedures' results on the public site.
public enum MajorDecisionsModule {
    public static let manifest = FazhiModule(
        id: "decisions",
        name: "重大行政决策",
        migrations: DecisionMigrations.all,
        permissions: DecisionPermissions.all,
        grants: DecisionPermissions.grants,
        menu: [MenuEntry(title: "重大行政决策", route: DecisionRoute.list, permission: DecisionPermissions.read, section: "依法决策")],
        routes: { router in
            DecisionPages.register(router)
            DecisionAPI.register(router)
        },
        metrics: DecisionMetrics.all,
        importers: [DecisionImporter()],
        demoSeed: { context in try await DecisionDemo.seed(context) },
        unitPathColumns: [UnitPathColumn(MajorDecision.schema), UnitPathColumn(DecisionCatalogue.schema)],
        ruleSettings: DecisionSettings.all,
        openConsultations: { services, db in try await DecisionService.openConsultations(services: services, on: db) },
        publicServices: [
            PublicService(title: "重大行政决策事项目录", path: PortalRoute.decisions.path(), summary: "年度重大行政决策事项目录，各项决策的公众参与、专家论证、风险评估、合法性审查和集体讨论情况。",
                          basis: "重大行政决策程序暂行条例第十条、第三十二条"),
        ],
        publicSearch: { query, db in
            try await MajorDecision.query(on: db).group(.or) { $0.filter(\.$publishedOn != nil).filter(\.$inCatalogue == true) }.filter(\.$title ~~ query)
                .sort(\.$year, .descending).limit(PublicPortal.hitsPerModule).all()
                .map { PublicSearchHit(kind: "重大行政决策", title: $0.title, link: PortalRoute.majorDecision.path($0.id!), date: $0.publishedOn ?? "\($0.year)年目录") }
        }
    )
}

enum DecisionPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, DecisionRoute.list, permission: DecisionPermissions.read) { req in try await list(req, values: [:], failure: nil) }
        router.page(.GET, DecisionRoute.new, permission: DecisionPermissions.manage) { req in newPage(req, values: [:], failure: nil) }
        router.form(DecisionRoute.new, permission: DecisionPermissions.manage, submit: { req, fields in
            let row = try await DecisionService.create(title: fields["title"], unitCode: fields["unitCode"], year: fields["year"], by: try req.caller,
                                                       services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已登记 \(row.title)")
        }, reshow: { req, fields, failure in newPage(req, values: fields.values, failure: failure) })
        router.form(DecisionRoute.catalogue, permission: DecisionPermissions.manage, submit: { req, fields in
            let count = try await DecisionService.publishCatalogue(unitCode: fields["unitCode"], year: fields["year"], on: fields["on"], by: try req.caller,
                                                                   services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: DecisionRoute.list.path(), notice: "目录已公布，列入\(count)项")
        }, reshow: { req, fields, failure in try await list(req, values: fields.values, failure: failure) })
        router.page(.GET, DecisionRoute.record, permission: DecisionPermissions.read) { req in try await show(req, values: [:], failure: nil) }
        router.form(DecisionRoute.steps, permission: DecisionPermissions.manage, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            if fields.text("step") == "include" {
                try await DecisionService.include(id, on: fields["on"], reason: fields["text"], by: try req.caller, services: req.fazhi, on: req.db)
            } else {
                try await DecisionService.perform(try action(fields), on: id, by: try req.caller, services: req.fazhi, on: req.db)
            }
            return Layout.redirect(req, to: DecisionRoute.record.path(id), notice: "已记录")
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
        router.form(DecisionRoute.draft, permission: DecisionPermissions.manage, body: .collect(maxSize: "1mb"), submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            try await DecisionService.saveDraft(id, text: fields["draft"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: DecisionRoute.record.path(id), notice: "已保存决策草案")
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
        router.open(.POST, PortalRoute.majorDecision, body: .collect(maxSize: "64kb")) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            let values = (try? req.content.decode([String: String].self)) ?? [:]
            guard req.fazhi.publicCommentLimiter.allow(req.clientIP, now: req.fazhi.now) else {
                return try await DecisionPortal.decision(req, values: values, failure: ValidationFailure(field: "body", label: "意见",
                    message: "提交过于频繁：每个地址每小时最多提交\(req.fazhi.config.publicCommentsPerHour)条意见，请稍后再试"), status: .tooManyRequests)
            }
            do {
                try await DecisionService.receiveComment(on: id, body: values["body"], contact: values["contact"], from: req.clientIP, services: req.fazhi, on: req.db)
            } catch let failure as ValidationFailure {
                return try await DecisionPortal.decision(req, values: values, failure: failure)
            }
            return Layout.portal(req, title: "意见已收到", section: DecisionPortal.section, content: [
                el("p", text: "您的意见已收到，感谢参与。征求意见结束后，决策机关将公布意见采纳情况。"), link("返回", PortalRoute.majorDecision.path(id)),
            ])
        }
        router.imports(DecisionImporter(), page: DecisionRoute.importPage, template: DecisionRoute.importTemplate)
        router.open(.GET, PortalRoute.decisions) { req in try await DecisionPortal.catalogue(req) }
        router.open(.GET, PortalRoute.majorDecision) { req in try await DecisionPortal.decision(req, values: [:], failure: nil) }
    }

    /// The step the form names, with its fields.
    static func action(_ fields: FormFields) throws(ValidationFailure) -> DecisionAction {
        let text = fields.text("text")
        func day(_ key: String, _ label: String) throws(ValidationFailure) -> CivilDate { try fields.date(key, label: label) }
        switch fields.text("step") {
        case "consult":
            let short = fields.text("shortReason")
            return .consult(from: try day("from", "开始日期"), to: try day("to", "结束日期"), adoption: text, shortReason: short.isEmpty ? nil : short)
        case "hearing": return .hearing(heldOn: try day("on", "日期"), materialsOn: try day("materialsOn", "材料送达日期"))
        case "expert": return .expertReview(from: try day("from", "开始日期"), to: try day("to", "结束日期"), result: text)
        case "risk": return .riskAssessment(from: try day("from", "开始日期"), to: try day("to", "结束日期"), result: text)
        case "legality-submit": return .submitLegalityReview(on: try day("on", "日期"))
        case "consultation-open": return .openConsultation(on: try day("on", "日期"))
        case "legality": return .legalityReview(from: try day("from", "送审日期"), to: try day("to", "意见日期"), opinion: text)
        case "waive":
            guard let procedure = DecisionProcedure(rawValue: fields.text("procedure")) else {
                throw ValidationFailure(field: "procedure", label: "程序", message: "请选择不履行的程序")
            }
            return .waive(procedure, reason: text)
        case "discuss": return .discuss(on: try day("on", "日期"), meeting: text, headDecision: fields.text("headDecision"))
        case "publish": return .publish(on: try day("on", "日期"))
        case "archive": return .archive(on: try day("on", "日期"))
        case "track": return .track(on: try day("on", "日期"), note: text)
        case "evaluate": return .evaluate(on: try day("on", "日期"), result: text)
        case "accountability": return .accountability(on: try day("on", "日期"), note: text)
        default: throw ValidationFailure(field: "step", label: "操作", message: "请选择操作")
        }
    }

    struct Row: Decodable, Sendable {
        var id: UUID; var title: String; var unit_id: UUID; var year: Int; var in_catalogue: Bool; var discussed_on: String?; var published_on: String?
        var archived_on: String?; var legality_submitted_on: String?
    }

    static func stage(_ row: Row) -> String {
        if row.archived_on != nil { return "已归档" }
        if row.published_on != nil { return "已公布" }
        if row.discussed_on != nil { return "已决定" }
        if row.legality_submitted_on != nil { return "合法性审查中" }
        return row.in_catalogue ? "履行程序中" : "未列入目录"
    }

    static func list(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: DecisionRoute.list.path(), keys: ["year", "page"])
        let year = RequestNumbers.int(query["year"], in: RequestNumbers.years)
        let services = req.fazhi
        // The table, its pager and the published catalogues, kept until a record changes
        // (`Request.keptList`): read once per change, not on every visit (issue 16).
        let tables = try await req.keptList("decisions.list", query: query) { read in
            func select() -> SQLSelectBuilder {
                let select = MajorDecision.scopedSelect(in: read.scope, on: read.db, services: services)
                if let year { select.where("year", .equal, SQLBind(year)) }
                return select
            }
            let request = PageRequest(number: query.page)
            let total = try await select().countRows()
            let rows = try await select().columns("id", "title", "unit_id", "year", "in_catalogue", "discussed_on", "published_on", "archived_on", "legality_submitted_on")
                .orderBy("year", .descending).orderBy("created_at", .descending).orderBy("id").limit(request.size).offset(request.offset).all(decoding: Row.self)
            let catalogues = try await DecisionCatalogue.scoped(in: read.scope, on: read.db).sort(\.$year, .descending).limit(50).all()
            let names = try await services.unitNames.of(Set(rows.map(\.unit_id)).union(catalogues.map(\.unitID)), services: services, on: read.db)
            return [
                UI.table(caption: "重大行政决策事项", columns: [UI.Column("决策事项"), UI.Column("决策机关"), UI.Column("年度"), UI.Column("进展")],
                         rows: rows.map { [link($0.title, DecisionRoute.record.path($0.id)), .text(names[$0.unit_id] ?? "—"), .text("\($0.year)"), .text(stage($0))] },
                         query: query),
                UI.pagination(Page(items: rows, total: total, request: request), query: query),
                UI.simpleTable(caption: "已公布的决策事项目录", headers: ["决策机关", "年度", "公布日期"], rows: catalogues.map {
                    [.text(names[$0.unitID] ?? "—"), .text("\($0.year)"), .text($0.publishedOn)]
                }),
            ]
        }
        var content: [Node] = [UI.errorSummary(failure)]
        var actions: [Node] = []
        if principal.has(DecisionPermissions.manage) { actions.append(link("登记决策事项", DecisionRoute.new.path(), [.cls("button")])) }
        if principal.has(DecisionPermissions.review) { actions.append(link("导入决策事项目录", DecisionRoute.importPage.path())) }
        content.append(el("div", [.cls("actions")], actions))
        content += [
            el("form", [Attribute("method", "get"), Attribute("action", DecisionRoute.list.path()), .cls("filters"), Attribute("role", "search")], [
                UI.field("目录年度", name: "year", value: query["year"], type: "number"),
                el("div", [.cls("field")], [el("button", [.type("submit")], text: "筛选")]),
            ]),
            tables,
            link("公开的决策事项目录", PortalRoute.decisions.path()),
        ]
        if principal.has(DecisionPermissions.manage) {
            content.append(UI.form(action: DecisionRoute.catalogue.path(), csrf: req.csrfToken, [
                el("h2", text: "公布决策事项目录"),
                el("p", text: "决策事项目录经同级党委同意后向社会公布（重大行政决策程序暂行条例第三条）。公布时，该机关该年度已登记的事项一并列入。"),
                UI.field("决策机关编码", name: "unitCode", value: values["unitCode"], error: failure?.message(for: "unitCode"), required: true),
                UI.field("目录年度", name: "year", value: values["year"], error: failure?.message(for: "year"), required: true),
                UI.field("公布日期", name: "on", value: values["on"], type: "date", error: failure?.message(for: "on"), required: true),
                el("button", [.type("submit")], text: "公布目录"),
            ]))
        }
        return Layout.page(req, title: "重大行政决策", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func newPage(_ req: Request, values: [String: String], failure: ValidationFailure?) -> Response {
        Layout.page(req, title: "登记重大行政决策事项", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.form(action: DecisionRoute.new.path(), csrf: req.csrfToken, [
                UI.field("决策事项", name: "title", value: values["title"], error: failure?.message(for: "title"), required: true),
                UI.field("决策机关编码", name: "unitCode", value: values["unitCode"], error: failure?.message(for: "unitCode"), required: true),
                UI.field("目录年度", name: "year", value: values["year"], error: failure?.message(for: "year"), required: true),
                el("button", [.type("submit")], text: "登记"),
            ]),
        ])
    }

    /// Each procedure's line: done (dates and result), waived (reason) or still to do.
    static func procedureRows(_ state: DecisionState) -> [[Node]] {
        DecisionProcedure.allCases.map { procedure in
            let status: String
            switch state.procedures[procedure] {
            case .done(let from, let to, let result)?: status = "已履行（\(from)至\(to)）：\(result)"
            case .waived(let reason)?: status = "依法不履行：\(reason)"
            case nil: status = procedure == .legalityReview && state.legalitySubmittedOn != nil ? "\(state.legalitySubmittedOn!)已送审，待出具意见" : "未履行"
            }
            return [.text(procedure.label), .text(status), .text(procedure.basis)]
        }
    }

    static func show(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        let row = try await MajorDecision.find(id, for: principal, on: req.db)
        let events = try await MajorDecisionEvent.query(on: req.db).filter(\.$decisionID == id).sort(\.$createdAt).all()
        let unitName = try await req.fazhi.unitNames.of([row.unitID], services: req.fazhi, on: req.db)[row.unitID]
        let state = row.state
        let comments = try await DecisionComment.query(on: req.db).filter(\.$decisionID == id).sort(\.$receivedAt).limit(1_000).all()
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("决策机关", .text(unitName ?? "—")), ("目录", .text(row.inCatalogue ? "\(row.year)年度（\(row.cataloguedOn ?? "")列入）" : "\(row.year)年度，尚未列入")),
                ("进展", .text(row.stageLabel)),
                ("集体讨论决定", .text(row.discussedOn.map { "\($0) \(row.meeting ?? "")；行政首长决定：\(row.headDecision ?? "")" } ?? "—")),
                ("公布", .text(row.publishedOn ?? "—")), ("决策后评估", .text(row.evaluatedOn.map { "\($0)：\(row.evaluation ?? "")" } ?? "—")),
                ("归档", .text(row.archivedOn ?? "—")),
            ]),
            UI.simpleTable(caption: "法定程序", headers: ["程序", "情况", "依据"], rows: procedureRows(state)),
            UI.simpleTable(caption: "办理过程", headers: ["日期", "事项", "经办"], rows: events.map { [.text($0.happenedOn ?? "—"), .text($0.detail), .text($0.actor)] }),
            el("h2", text: "决策草案及其说明"),
            el("div", [.cls("document-text")], row.draft.split(separator: "\n", omittingEmptySubsequences: false).map { el("p", text: String($0)) }),
        ]
        if !comments.isEmpty {
            content.append(UI.simpleTable(caption: "公众意见（\(comments.count)条）", headers: ["收到时间", "意见", "联系方式"], rows: comments.map {
                [.text(CivilDateTime($0.receivedAt).description), .text($0.body), .text($0.contactMasked ?? "—")]
            }))
        }
        if principal.has(DecisionPermissions.manage) && row.consultationOpenedOn == nil && row.participationFrom == nil && row.discussedOn == nil {
            content.append(UI.form(action: DecisionRoute.draft.path(id), csrf: req.csrfToken, [
                el("div", [.cls("field")], [
                    el("label", [Attribute("for", "draft")], text: "决策草案及其说明（每段一行）"),
                    el("textarea", [.id("draft"), .name("draft"), Attribute("rows", "12")], text: values["draft"] ?? row.draft),
                    failure?.message(for: "draft").map { el("p", [.cls("error")], text: $0) } ?? .empty,
                ]),
                el("button", [.type("submit")], text: "保存草案"),
            ]))
        }
        if principal.has(DecisionPermissions.manage) {
            func field(_ label: String, _ name: String, type: String = "text") -> Node {
                UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name))
            }
            content.append(UI.form(action: DecisionRoute.steps.path(id), csrf: req.csrfToken, [
                UI.select("操作", name: "step", options: [
                    ("include", "目录调整：列入已公布的目录（写明理由）"), ("consultation-open", "在网上公布草案，公开征求意见（日期）"),
                    ("consult", "公开征求意见结束或线下征求意见（起止日期、采纳情况）"), ("hearing", "听证会（日期、材料送达日期）"),
                    ("expert", "专家论证（起止日期、论证意见）"), ("risk", "风险评估（起止日期、评估结论）"), ("legality-submit", "送请合法性审查"),
                    ("legality", "合法性审查意见（司法行政部门）"), ("waive", "不履行某项程序（写明依据和理由）"),
                    ("discuss", "集体讨论决定（会议、行政首长决定）"), ("publish", "决策公布"), ("track", "执行情况"), ("evaluate", "决策后评估"),
                    ("accountability", "责任追究"), ("archive", "归档"),
                ], selected: values["step"], error: failure?.message(for: "step") ?? failure?.message(for: "action")),
                UI.select("程序（不履行时）", name: "procedure", options: DecisionProcedure.allCases.map { ($0.rawValue, $0.label) }, selected: values["procedure"],
                          error: failure?.message(for: "procedure")),
                field("日期", "on", type: "date"), field("开始日期（送审日期）", "from", type: "date"), field("结束日期（意见日期）", "to", type: "date"),
                field("听证材料送达日期", "materialsOn", type: "date"),
                UI.field("说明（采纳情况、论证意见、评估结论、审查意见、理由、会议、执行情况）", name: "text", value: values["text"],
                         error: failure?.message(for: "text") ?? failure?.message(for: "adoption") ?? failure?.message(for: "result") ?? failure?.message(for: "opinion")
                            ?? failure?.message(for: "reason") ?? failure?.message(for: "meeting") ?? failure?.message(for: "note")),
                field("缩短征求意见期限的理由", "shortReason"), field("行政首长决定", "headDecision"),
                el("button", [.type("submit")], text: "记录"),
            ]))
        }
        return Layout.page(req, title: row.title, status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}

/// The public site: the catalogues by year and each decision's procedures and result once the
/// decision is taken (第三十二条); who keyed each step is not shown.
enum DecisionPortal {
    static let section = "政务公开"

    static func catalogue(_ req: Request) async throws -> Response {
        let years = try await DecisionCatalogue.query(on: req.db).sort(\.$year, .descending).limit(200).all()
        let year = RequestNumbers.int(req.query[String.self, at: "year"], in: RequestNumbers.years) ?? years.first?.year
        let rows = try await MajorDecision.query(on: req.db).filter(\.$inCatalogue == true).filter(\.$year == (year ?? 0)).sort(\.$cataloguedOn).sort(\.$title).limit(500).all()
        let names = try await req.fazhi.unitNames.of(Set(rows.map(\.unitID)).union(years.map(\.unitID)), services: req.fazhi, on: req.db)
        return Layout.portal(req, title: "重大行政决策事项目录", section: section, content: [
            el("p", text: "决策事项目录经同级党委同意后向社会公布（重大行政决策程序暂行条例第三条）；决策作出后公布其履行程序的情况。"),
            el("p", [], Array(Set(years.map(\.year))).sorted(by: >).map { link("\($0)年度", PortalRoute.decisions.path() + "?year=\($0)") }),
            UI.simpleTable(caption: "\(year.map { "\($0)年度" } ?? "")目录公布", headers: ["决策机关", "公布日期"], rows: years.filter { $0.year == year }.map {
                [.text(names[$0.unitID] ?? "—"), .text($0.publishedOn)]
            }),
            UI.simpleTable(caption: "决策事项", headers: ["决策事项", "决策机关", "列入日期", "进展"], rows: rows.map {
                [$0.publishedOn == nil && $0.consultationOpenedOn == nil ? .text($0.title) : link($0.title, PortalRoute.majorDecision.path($0.id!)),
                 .text(names[$0.unitID] ?? "—"), .text($0.cataloguedOn ?? ""),
                 .text($0.publishedOn.map { "已公布（\($0)）" } ?? ($0.consultationOpenedOn != nil ? "公开征求意见中" : "办理中"))]
            }),
        ])
    }

    /// A published decision's procedures, or a draft open for comment with the form.
    static func decision(_ req: Request, values: [String: String], failure: ValidationFailure?, status: HTTPResponseStatus? = nil) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let row = try await MajorDecision.find(id, on: req.db),
              row.publishedOn != nil || row.consultationOpenedOn != nil else {
            return Layout.portal(req, title: "未找到", section: section, status: .notFound, content: [el("p", text: "没有这项已公布的决策。"), link("返回目录", PortalRoute.decisions.path())])
        }
        let events = try await MajorDecisionEvent.query(on: req.db).filter(\.$decisionID == id).filter(\.$action ~~ Array(DecisionService.publicActions))
            .sort(\.$createdAt).all()
        let unit = try await req.fazhi.unitNames.of([row.unitID], services: req.fazhi, on: req.db)[row.unitID] ?? "—"
        let settings = DecisionSettings.current(req.fazhi)
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([("决策机关", .text(unit)), ("目录年度", .text("\(row.year)")), ("集体讨论", .text("\(row.discussedOn ?? "") \(row.meeting ?? "")")),
                        ("公布日期", .text(row.publishedOn ?? "—"))]),
            UI.simpleTable(caption: "法定程序", headers: ["程序", "情况", "依据"], rows: DecisionPages.procedureRows(row.state)),
            UI.simpleTable(caption: "决策过程", headers: ["日期", "事项"], rows: events.map { [.text($0.happenedOn ?? CivilDateTime($0.createdAt).date.description), .text($0.detail)] }),
        ]
        if let opened = row.consultationOpenedOn.flatMap(CivilDate.init) {
            content += [
                el("h2", text: "决策草案及其说明（征求意见稿）"),
                el("p", text: "征求意见自\(opened)起，不少于\(settings.consultationDays)日（重大行政决策程序暂行条例第十五条）。您的联系方式仅用于决策机关联系您，不会公开。"),
                el("div", [.cls("document-text")], row.draft.split(separator: "\n", omittingEmptySubsequences: false).map { el("p", text: String($0)) }),
            ]
            if DecisionRules.takesOpinions(row.state, on: CivilDateTime(req.fazhi.now).date, settings: settings) {
                content += [
                    el("form", [Attribute("method", "post"), Attribute("action", PortalRoute.majorDecision.path(id))], [
                        UI.field("意见和建议", name: "body", value: values["body"], error: failure?.message(for: "body"), required: true),
                        UI.field("联系方式（选填，不公开）", name: "contact", value: values["contact"], error: failure?.message(for: "contact")),
                        el("button", [.type("submit")], text: "提交"),
                    ]),
                ]
            }
        }
        content.append(link("返回目录", PortalRoute.decisions.path()))
        return Layout.portal(req, title: row.title, section: section, status: status ?? (failure == nil ? .ok : .unprocessableEntity), content: content)

    }
}
