import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

/// Every page of the suggestions module: registered, linked and put in the menu from here only.
public enum SuggestionRoute: String, RouteTemplate, CaseIterable {
    case list = "suggestions"
    case new = "suggestions/new"
    case importPage = "suggestions/import"
    case importTemplate = "suggestions/import/template.csv"
    case record = "suggestions/:id"
    case steps = "suggestions/:id/steps"
    case reassign = "suggestions/:id/reassign"
    /// The answers released to the public.
    case portal = "gongshi/suggestions"
}

/// 人大代表建议 and 政协委员提案: assignment, contact, answer, satisfaction and re-handling, each
/// answer's period a clock (`SuggestionRules`).
public enum SuggestionsModule {
    public static let manifest = FazhiModule(
        id: "suggestions",
        name: "建议提案办理",
        migrations: SuggestionMigrations.all,
        permissions: SuggestionPermissions.all,
        grants: SuggestionPermissions.grants,
        menu: [MenuEntry(title: "建议提案", route: SuggestionRoute.list, permission: SuggestionPermissions.read, section: "政务公开")],
        routes: { router in
            SuggestionPages.register(router)
            SuggestionAPI.register(router)
        },
        metrics: SuggestionMetrics.all,
        importers: [SuggestionImporter()],
        demoSeed: { context in try await SuggestionDemo.seed(context) },
        clockKinds: SuggestionClocks.all,
        unitPathColumns: [UnitPathColumn(Suggestion.schema, "lead_unit_path"), UnitPathColumn(SuggestionUnit.schema)],
        ruleSettings: SuggestionSettings.all,
        publicServices: [
            PublicService(title: "建议提案办理复文", path: SuggestionRoute.portal.path(), summary: "人大代表建议、政协委员提案的办理复文。",
                          basis: "全国人民代表大会和地方各级人民代表大会代表法第五十一条；国务院办公厅关于做好全国人大代表建议和全国政协委员提案办理结果公开工作的通知"),
        ],
        publicSearch: { query, db in
            try await Suggestion.query(on: db).filter(\.$releasedOn != nil).group(.or) { $0.filter(\.$title ~~ query).filter(\.$number ~~ query) }
                .sort(\.$releasedOn, .descending).limit(PublicPortal.hitsPerModule).all()
                .map { PublicSearchHit(kind: "建议提案复文", title: "\($0.number) \($0.title)", link: SuggestionRoute.portal.path(), date: $0.releasedOn ?? "") }
        }
    )
}

enum SuggestionPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, SuggestionRoute.list, permission: SuggestionPermissions.read) { req in try await list(req) }
        router.page(.GET, SuggestionRoute.new, permission: SuggestionPermissions.assign) { req in newPage(req, values: [:], failure: nil) }
        router.form(SuggestionRoute.new, permission: SuggestionPermissions.assign, submit: { req, fields in
            let row = try await SuggestionService.create(kind: fields["kind"], session: fields["session"], number: fields["number"], title: fields["title"],
                                                         proposers: fields["proposers"], content: fields["content"], leadUnitCode: fields["leadUnitCode"],
                                                         otherUnits: fields["otherUnits"], assignedOn: fields["assignedOn"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已登记并交办，答复期限至\(row.dueOn ?? "")")
        }, reshow: { req, fields, failure in newPage(req, values: fields.values, failure: failure) })
        router.imports(SuggestionImporter(), page: SuggestionRoute.importPage, template: SuggestionRoute.importTemplate)
        router.page(.GET, SuggestionRoute.record, permission: SuggestionPermissions.read) { req in try await show(req, values: [:], failure: nil) }
        router.form(SuggestionRoute.steps, permission: SuggestionPermissions.handle, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            _ = try await SuggestionService.find(id, for: try req.caller, on: req.db)
            let warnings = try await SuggestionService.perform(try step(fields), on: id, text: fields["text"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: SuggestionRoute.record.path(id), notice: (["已记录"] + warnings).joined(separator: "；"))
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
        router.form(SuggestionRoute.reassign, permission: SuggestionPermissions.assign, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            _ = try await SuggestionService.find(id, for: try req.caller, on: req.db)
            try await SuggestionService.reassign(id, to: fields["unitCode"], on: fields["on"], reason: fields["reason"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: SuggestionRoute.record.path(id), notice: "已重新交办")
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
        router.open(.GET, SuggestionRoute.portal) { req in try await portal(req) }
    }

    static func step(_ fields: FormFields) throws(ValidationFailure) -> SuggestionStep {
        let on = try fields.date("on", label: "日期")
        switch fields.text("step") {
        case "contact": return .contact(on: on, how: fields.text("how"))
        case "extend":
            guard let months = Int(fields.text("months")) else { throw ValidationFailure(field: "months", label: "延长后期限", message: "应为月数") }
            return .extend(on: on, months: months, approver: fields.text("approver"), reason: fields.text("reason"))
        case "answer":
            guard let answerClass = AnswerClass(rawValue: fields.text("answerClass")) else { throw ValidationFailure(field: "answerClass", label: "答复类别", message: "请选择A、B或C类") }
            return .answer(on: on, answerClass: answerClass, reason: fields.text("reason"))
        case "feedback":
            guard let satisfaction = Satisfaction(rawValue: fields.text("satisfaction")) else { throw ValidationFailure(field: "satisfaction", label: "反馈意见", message: "请选择满意、基本满意或不满意") }
            return .feedback(on: on, satisfaction: satisfaction)
        case "rehandle": return .rehandle(on: on)
        case "release": return .release(on: on)
        default: throw ValidationFailure(field: "step", label: "操作", message: "请选择操作")
        }
    }

    static func status(_ row: Suggestion) -> String {
        if let answered = row.answeredOn {
            return "\(answered)答复（\(row.answerClass ?? "")类）" + (row.satisfaction.flatMap(Satisfaction.init(rawValue:)).map { "，\($0.label)" } ?? "")
        }
        return row.rehandleCount > 0 ? "重新办理中，期限\(row.dueOn ?? "")" : "办理中，期限\(row.dueOn ?? "")"
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: SuggestionRoute.list.path(), keys: ["page"])
        let services = req.fazhi
        // Kept until a record changes (`Request.keptList`): the count and the page are read once
        // per change, not on every visit (issue 16).
        let table = try await req.keptList("suggestions.list", query: query) { read in
            let request = PageRequest(number: query.page)
            let page = try await SuggestionService.visible(in: read.scope, on: read.db).sort(\.$assignedOn, .descending).sort(\.$id)
                .page(withIndex: request.number, size: request.size)
            let names = try await services.unitNames.of(Set(page.items.map(\.leadUnitID)), services: services, on: read.db)
            return [
                UI.table(caption: "建议提案", columns: [UI.Column("编号"), UI.Column("标题"), UI.Column("提出人"), UI.Column("主办单位"), UI.Column("交办日期"), UI.Column("办理情况")],
                         rows: page.items.map { [link($0.heading, $0.link), .text($0.title), .text($0.proposers), .text(names[$0.leadUnitID] ?? "—"),
                                                 .text($0.assignedOn ?? "—"), .text(status($0))] },
                         query: query),
                UI.pagination(Page(items: page.items, total: page.metadata.total, request: request), query: query),
            ]
        }
        var actions: [Node] = []
        if principal.has(SuggestionPermissions.assign) {
            actions += [link("登记交办", SuggestionRoute.new.path(), [.cls("button")]), link("导入", SuggestionRoute.importPage.path())]
        }
        return Layout.page(req, title: "人大代表建议和政协委员提案", content: [
            el("p", text: "承办单位自交办之日起三个月内答复，涉及面广、处理难度大的六个月内答复（代表法第五十一条）；代表、委员不满意的重新办理。"),
            el("div", [.cls("actions")], actions),
            table,
        ])
    }

    static func newPage(_ req: Request, values: [String: String], failure: ValidationFailure?) -> Response {
        func field(_ label: String, _ name: String, type: String = "text", required: Bool = true, hint: String? = nil) -> Node {
            UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), required: required, hint: hint)
        }
        return Layout.page(req, title: "登记交办建议提案", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.form(action: SuggestionRoute.new.path(), csrf: req.csrfToken, [
                UI.select("类别", name: "kind", options: SuggestionKind.allCases.map { ($0.rawValue, $0.label) }, selected: values["kind"], error: failure?.message(for: "kind")),
                field("届次会议", "session", hint: "如“县第十八届人民代表大会第三次会议”"), field("编号", "number", hint: "如“15”"),
                field("标题", "title"), field("提出人", "proposers", hint: "联名的以顿号分隔，领衔人在前"), field("内容", "content", required: false),
                field("主办单位编码", "leadUnitCode"), field("会办、分办单位", "otherUnits", required: false, hint: "如“SFX-ZJ:会办 SFX-CG:分办”"),
                field("交办日期", "assignedOn", type: "date"),
                el("button", [.type("submit")], text: "登记并交办"),
            ]),
        ])
    }

    static func show(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        let row = try await SuggestionService.find(id, for: principal, on: req.db)
        let events = try await SuggestionEvent.query(on: req.db).filter(\.$suggestionID == id).sort(\.$createdAt).all()
        let others = try await SuggestionUnit.query(on: req.db).filter(\.$suggestionID == id).all()
        let names = try await req.fazhi.unitNames.of(Set([row.leadUnitID] + others.map(\.unitID)), services: req.fazhi, on: req.db)
        let calendar = try await CalendarService.current(services: req.fazhi, on: req.db)
        let clocks = try await ClockService.clocks(record: row.clockRecord, on: req.db)
        let explanation = try clocks.last.map { try $0.clock.evaluate(calendar: calendar, asOf: CivilDateTime(req.fazhi.now)).explain() }
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("标题", .text(row.title)), ("提出人", .text(row.proposers)), ("主办单位", .text(names[row.leadUnitID] ?? "—")),
                ("会办、分办单位", .text(others.map { "\(names[$0.unitID] ?? "")（\(SuggestionUnit.roles[$0.role] ?? $0.role)）" }.joined(separator: "、").nilIfEmpty ?? "—")),
                ("交办日期", .text(row.assignedOn ?? "—")), ("答复期限", .text(row.dueOn ?? "—")), ("办理情况", .text(status(row))),
                ("答复内容", .text(row.answerText ?? "—")), ("公开", .text(row.releasedOn.map { "\($0)已公开" } ?? "未公开")),
            ]),
            el("h2", text: "期限计算"), el("pre", text: explanation ?? "—"),
            UI.simpleTable(caption: "办理过程", headers: ["日期", "事项", "经办"], rows: events.map { [.text($0.happenedOn ?? "—"), .text($0.detail), .text($0.actor)] }),
        ]
        func field(_ label: String, _ name: String, type: String = "text") -> Node {
            UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name))
        }
        if principal.has(SuggestionPermissions.handle) {
            content.append(UI.form(action: SuggestionRoute.steps.path(id), csrf: req.csrfToken, [
                UI.select("操作", name: "step", options: [("contact", "记录与代表、委员沟通"), ("extend", "延期（涉及面广、处理难度大）"), ("answer", "答复"),
                                                       ("feedback", "记录反馈意见"), ("rehandle", "不满意，重新办理"), ("release", "公开答复")],
                          selected: values["step"], error: failure?.message(for: "step") ?? failure?.message(for: "action")),
                field("日期", "on", type: "date"), field("沟通方式和意见", "how"), field("延长后期限（月）", "months"), field("批准人", "approver"),
                field("说明（延期理由；C类答复的原因）", "reason"),
                UI.select("答复类别", name: "answerClass", options: AnswerClass.allCases.map { ($0.rawValue, $0.label) }, selected: values["answerClass"],
                          error: failure?.message(for: "answerClass")),
                field("答复内容", "text"),
                UI.select("反馈意见", name: "satisfaction", options: Satisfaction.allCases.map { ($0.rawValue, $0.label) }, selected: values["satisfaction"],
                          error: failure?.message(for: "satisfaction")),
                el("button", [.type("submit")], text: "记录"),
            ]))
        }
        if principal.has(SuggestionPermissions.assign) && row.answeredOn == nil {
            content += [el("h2", text: "重新交办"), UI.form(action: SuggestionRoute.reassign.path(id), csrf: req.csrfToken, [
                field("新主办单位编码", "unitCode"), field("日期", "on", type: "date"), field("理由（承办单位的异议）", "reason"),
                el("button", [.type("submit")], text: "重新交办"),
            ])]
        }
        return Layout.page(req, title: row.heading, status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    /// `/gongshi/suggestions`: released answers (their texts are answers to public persons' public
    /// proposals, and name no private person).
    static func portal(_ req: Request) async throws -> Response {
        let query = ListQuery(req, path: SuggestionRoute.portal.path(), keys: ["page"])
        let request = PageRequest(number: query.page, size: 20)
        let page = try await Suggestion.query(on: req.db).filter(\.$releasedOn != nil).sort(\.$releasedOn, .descending).sort(\.$kind).sort(\.$number).sort(\.$id)
            .page(withIndex: request.number, size: request.size)
        let names = try await req.fazhi.unitNames.of(Set(page.items.map(\.leadUnitID)), services: req.fazhi, on: req.db)
        return Layout.portal(req, title: "建议提案办理结果公开", section: "政务公开", content: [
            el("p", text: "人大代表建议和政协委员提案的办理复文，依法公开。"),
        ] + page.items.map { row in
            el("article", [.cls("suggestion")], [
                el("h2", text: "\(row.heading)：\(row.title)"),
                el("p", text: "提出人：\(row.proposers)；主办单位：\(names[row.leadUnitID] ?? "")；答复日期：\(row.answeredOn ?? "")；\(row.answerClass.flatMap(AnswerClass.init(rawValue:))?.label ?? "")"),
                el("p", text: row.answerText ?? ""),
            ])
        } + [UI.pagination(Page(items: page.items, total: page.metadata.total, request: request), query: query)])
    }
}
