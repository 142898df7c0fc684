import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

/// Every page of the mediation module: registered, linked and put in the menu from here only.
public enum MediationRoute: String, RouteTemplate, CaseIterable {
    case list = "mediation"
    case new = "mediation/new"
    case bodies = "mediation/bodies"
    case mediators = "mediation/mediators"
    case importPage = "mediation/import"
    case importTemplate = "mediation/import/template.csv"
    case record = "mediation/:id"
    case steps = "mediation/:id/steps"
}

/// 矛盾纠纷化解 (人民调解法): bodies at three levels and professional ones, disputes from intake to
/// agreement or the other routes, escalation, 司法确认 within 30 days, performance and 回访.
public enum MediationModule {
    public static let manifest = FazhiModule(
        id: "mediation",
        name: "矛盾纠纷化解",
        migrations: MediationMigrations.all,
        permissions: MediationPermissions.all,
        grants: MediationPermissions.grants,
        menu: [MenuEntry(title: "矛盾纠纷调解", route: MediationRoute.list, permission: MediationPermissions.read, section: "化解与监督")],
        routes: { router in
            MediationPages.register(router)
            MediationAPI.register(router)
        },
        metrics: MediationMetrics.all,
        importers: [DisputeImporter()],
        demoSeed: { context in try await MediationDemo.seed(context) },
        clockKinds: MediationClocks.all,
        unitPathColumns: [UnitPathColumn(MediationBody.schema), UnitPathColumn(Dispute.schema), UnitPathColumn(Mediator.schema)]
    )
}

enum MediationPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, MediationRoute.list, permission: MediationPermissions.read) { req in try await list(req) }
        router.page(.GET, MediationRoute.new, permission: MediationPermissions.handle) { req in try await newPage(req, values: [:], failure: nil) }
        router.form(MediationRoute.new, permission: MediationPermissions.handle, submit: { req, fields in
            let row = try await MediationService.accept(bodyName: fields["body"], source: fields["source"], category: fields["category"], parties: fields["parties"],
                                                        summary: fields["summary"], amount: fields["amount"], acceptedOn: fields["acceptedOn"], mediator: fields["mediator"],
                                                        by: try req.caller,
                                                        services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已受理 \(row.number)")
        }, reshow: { req, fields, failure in try await newPage(req, values: fields.values, failure: failure) })
        router.page(.GET, MediationRoute.bodies, permission: MediationPermissions.read) { req in try await bodies(req, values: [:], failure: nil) }
        router.form(MediationRoute.bodies, permission: MediationPermissions.bodies, submit: { req, fields in
            let row = try await MediationService.createBody(name: fields["name"], level: fields["level"], unitCode: fields["unitCode"], mediators: fields["mediators"],
                                                            fullTime: fields["fullTime"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: MediationRoute.bodies.path(), notice: "已登记 \(row.name)")
        }, reshow: { req, fields, failure in try await bodies(req, values: fields.values, failure: failure) })
        router.form(MediationRoute.mediators, permission: MediationPermissions.bodies, submit: { req, fields in
            let row = try await MediationService.addMediator(bodyName: fields["mediatorBody"], name: fields["mediatorName"], fullTime: fields.text("fullTimeMediator") == "yes",
                                                             background: fields["background"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: MediationRoute.bodies.path(), notice: "已登记调解员 \(row.name)")
        }, reshow: { req, fields, failure in try await bodies(req, values: fields.values, failure: failure) })
        router.imports(DisputeImporter(), page: MediationRoute.importPage, template: MediationRoute.importTemplate)
        router.page(.GET, MediationRoute.record, permission: MediationPermissions.read) { req in try await show(req, values: [:], failure: nil) }
        router.form(MediationRoute.steps, permission: MediationPermissions.handle, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            guard try await Dispute.scoped(for: try req.caller, on: req.db).filter(\.$id == id).first() != nil else { throw ScopeDenied(entityType: Dispute.schema, entityID: id.uuidString) }
            let warnings = try await MediationService.perform(try step(fields), on: id, toBody: fields["toBody"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: MediationRoute.record.path(id), notice: (["已记录"] + warnings).joined(separator: "；"))
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
    }

    static func step(_ fields: FormFields) throws(ValidationFailure) -> DisputeStep {
        let on = try fields.date("on", label: "日期")
        switch fields.text("step") {
        case "session": return .session(on: on)
        case "written": return .agree(on: on, written: true)
        case "oral": return .agree(on: on, written: false)
        case "fail":
            let routes = OtherRoute.allCases.filter { fields.text("route-\($0.rawValue)") == "on" }
            return .fail(on: on, routes: routes)
        case "escalate": return .escalate(on: on)
        case "withdraw": return .withdraw(on: on)
        case "confirmation": return .applyConfirmation(on: on)
        case "confirmed": return .confirmationResult(on: on, confirmed: true)
        case "rejected": return .confirmationResult(on: on, confirmed: false)
        case "perform": return .perform(on: on)
        case "revisit": return .revisit(on: on)
        default: throw ValidationFailure(field: "step", label: "操作", message: "请选择操作")
        }
    }

    static func status(_ row: Dispute) -> String {
        guard let outcome = row.outcome.flatMap(MediationOutcome.init(rawValue:)) else { return "调解中" }
        var text = "\(row.endedOn ?? "")\(outcome.label)"
        if row.confirmed == true { text += "，已司法确认" }
        if row.performedOn != nil { text += "，已履行" }
        return text
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: MediationRoute.list.path(), keys: ["page"])
        // Kept until a record changes (`Request.keptList`): the count and the page are read once
        // per change, not on every visit (issue 16).
        let table = try await req.keptList("mediation.disputes", query: query) { read in
            let request = PageRequest(number: query.page)
            let page = try await Dispute.scoped(in: read.scope, on: read.db).sort(\.$acceptedOn, .descending).sort(\.$id).page(withIndex: request.number, size: request.size)
            let bodies = try await MediationBody.query(on: read.db).filter(\.$id ~~ Set(page.items.map(\.bodyID))).all()
            let names = Dictionary(bodies.map { ($0.id!, $0.name) }, uniquingKeysWith: { first, _ in first })
            return [
                UI.table(caption: "矛盾纠纷", columns: [UI.Column("编号"), UI.Column("调解组织"), UI.Column("类型"), UI.Column("当事人"), UI.Column("受理日期"), UI.Column("结果")],
                         rows: page.items.map { [link($0.number, $0.link), .text(names[$0.bodyID] ?? "—"), .text(DisputeCategory(rawValue: $0.category)?.label ?? $0.category),
                                                 .text($0.partiesMasked), .text($0.acceptedOn), .text(status($0))] },
                         query: query),
                UI.pagination(Page(items: page.items, total: page.metadata.total, request: request), query: query),
            ]
        }
        var actions: [Node] = [link("调解组织", MediationRoute.bodies.path())]
        if principal.has(MediationPermissions.handle) { actions = [link("受理纠纷", MediationRoute.new.path(), [.cls("button")]), link("导入台账", MediationRoute.importPage.path())] + actions }
        return Layout.page(req, title: "矛盾纠纷调解", content: [
            el("div", [.cls("actions")], actions),
            table,
        ])
    }

    static func newPage(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let bodies = try await MediationBody.scoped(for: try req.caller, on: req.db).sort(\.$unitPath).all()
        func field(_ label: String, _ name: String, type: String = "text", required: Bool = true, hint: String? = nil) -> Node {
            UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), required: required, hint: hint)
        }
        return Layout.page(req, title: "受理矛盾纠纷", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.form(action: MediationRoute.new.path(), csrf: req.csrfToken, [
                UI.select("调解组织", name: "body", options: bodies.map { ($0.name, $0.name) }, selected: values["body"], error: failure?.message(for: "body"), required: true),
                UI.select("纠纷来源", name: "source", options: DisputeSource.allCases.map { ($0.rawValue, $0.label) }, selected: values["source"], error: failure?.message(for: "source")),
                UI.select("纠纷类型", name: "category", options: DisputeCategory.allCases.map { ($0.rawValue, $0.label) }, selected: values["category"],
                          error: failure?.message(for: "category")),
                field("当事人", "parties", hint: "以顿号分隔；加密保存，列表中只显示姓氏"), field("纠纷简要情况", "summary"),
                field("涉及金额（元）", "amount", required: false), field("受理日期", "acceptedOn", type: "date"),
                field("主持调解员", "mediator", required: false, hint: "该调解组织登记的调解员姓名（见“调解组织”页）"),
                el("button", [.type("submit")], text: "受理"),
            ]),
        ])
    }

    static func bodies(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        // By level (county, township, village, professional …), then name: a unit path is an id, no order a reader sees.
        let levels = MediationLevel.allCases.map(\.rawValue)
        let rows = try await MediationBody.scoped(for: principal, on: req.db).all()
            .sorted { (levels.firstIndex(of: $0.level) ?? 99, $0.name) < (levels.firstIndex(of: $1.level) ?? 99, $1.name) }
        let people = try await Mediator.scoped(for: principal, on: req.db).sort(\.$name).all()
        let byBody = Dictionary(grouping: people, by: \.bodyID)
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.simpleTable(caption: "人民调解组织", headers: ["名称", "层级", "调解员", "其中专职", "名册登记的调解员"], rows: rows.map { body in
                let registered = byBody[body.id!] ?? []
                return [.text(body.name), .text(body.mediationLevel.label), .text(String(body.mediators)), .text(String(body.fullTime)),
                        .text(registered.isEmpty ? "—" : registered.map { "\($0.name)（\($0.fullTime ? "专职" : "兼职")\($0.background.isEmpty ? "" : "，" + $0.background)）" }
                            .joined(separator: "、"))]
            }),
        ]
        if principal.has(MediationPermissions.bodies) {
            content.append(UI.form(action: MediationRoute.bodies.path(), csrf: req.csrfToken, [
                UI.field("名称", name: "name", value: values["name"], error: failure?.message(for: "name"), required: true),
                UI.select("层级", name: "level", options: MediationLevel.allCases.map { ($0.rawValue, $0.label) }, selected: values["level"], error: failure?.message(for: "level")),
                UI.field("所在单位编码", name: "unitCode", value: values["unitCode"], error: failure?.message(for: "unitCode"), required: true),
                UI.field("调解员人数", name: "mediators", value: values["mediators"], error: failure?.message(for: "mediators"), required: true, hint: "村（居）、乡镇（街道）调委会为三至九人（人民调解法第九条）"),
                UI.field("其中专职", name: "fullTime", value: values["fullTime"], error: failure?.message(for: "fullTime")),
                el("button", [.type("submit")], text: "登记调解组织"),
            ]))
            content += [el("h2", text: "登记调解员"), UI.form(action: MediationRoute.mediators.path(), csrf: req.csrfToken, [
                UI.select("调解组织", name: "mediatorBody", options: rows.map { ($0.name, $0.name) }, selected: values["mediatorBody"], error: failure?.message(for: "mediatorBody")),
                UI.field("调解员姓名", name: "mediatorName", value: values["mediatorName"], error: failure?.message(for: "mediatorName"), required: true),
                UI.select("专职或兼职", name: "fullTimeMediator", options: [("no", "兼职"), ("yes", "专职")], selected: values["fullTimeMediator"]),
                UI.field("专业背景", name: "background", value: values["background"], error: failure?.message(for: "background"), hint: "如退休法官、律师、村干部"),
                el("button", [.type("submit")], text: "登记调解员"),
            ])]
        }
        return Layout.page(req, title: "人民调解组织", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func show(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        guard let row = try await Dispute.scoped(for: principal, on: req.db).filter(\.$id == id).first() else { throw ScopeDenied(entityType: Dispute.schema, entityID: id.uuidString) }
        let body = try await MediationBody.find(row.bodyID, on: req.db)
        var lead: Mediator?
        if let mediatorID = row.mediatorID { lead = try await Mediator.find(mediatorID, on: req.db) }
        let events = try await DisputeEvent.query(on: req.db).filter(\.$disputeID == id).sort(\.$createdAt).all()
        let calendar = try await CalendarService.current(services: req.fazhi, on: req.db)
        let clocks = try await ClockService.clocks(record: row.clockRecord, on: req.db)
        let explanation = try clocks.map { try $0.clock.evaluate(calendar: calendar, asOf: CivilDateTime(req.fazhi.now)).explain() }.joined(separator: "\n\n")
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("调解组织", .text("\(body?.name ?? "—")（\(MediationLevel(rawValue: row.level)?.label ?? "")）")),
                ("来源", .text(DisputeSource(rawValue: row.source)?.label ?? row.source)), ("类型", .text(DisputeCategory(rawValue: row.category)?.label ?? row.category)),
                ("主持调解员", .text(lead?.name ?? "—")), ("当事人", .text(row.partiesMasked)), ("简要情况", .text(row.summary)), ("涉及金额", .text("\(row.amountYuan)元")),
                ("受理日期", .text(row.acceptedOn)), ("结果", .text(status(row))),
                ("申请司法确认期限", .text(row.confirmationDueOn.map { "\($0)（人民调解法第三十三条）" } ?? "—")),
            ]),
            el("h2", text: "期限计算"), el("pre", text: explanation.isEmpty ? "—" : explanation),
            UI.simpleTable(caption: "调解过程", headers: ["日期", "事项", "经办"], rows: events.map { [.text($0.happenedOn ?? "—"), .text($0.detail), .text($0.actor)] }),
        ]
        if principal.has(MediationPermissions.handle) {
            content.append(UI.form(action: MediationRoute.steps.path(id), csrf: req.csrfToken, [
                UI.select("操作", name: "step", options: [("session", "记录调解"), ("written", "达成书面调解协议"), ("oral", "达成口头调解协议"), ("fail", "调解不成，终止调解"),
                                                       ("escalate", "移交上一级调解组织"), ("withdraw", "当事人撤回"), ("confirmation", "申请司法确认"),
                                                       ("confirmed", "司法确认：协议有效"), ("rejected", "司法确认：驳回申请"), ("perform", "协议已履行"), ("revisit", "回访")],
                          selected: values["step"], error: failure?.message(for: "step") ?? failure?.message(for: "action")),
                UI.field("日期", name: "on", value: values["on"], type: "date", error: failure?.message(for: "on")),
                el("fieldset", [], [el("legend", text: "调解不成时告知的其他途径（人民调解法第二十六条）")] + OtherRoute.allCases.map { route in
                    el("label", [], [.void("input", [.type("checkbox"), .name("route-\(route.rawValue)"), .value("on")]), .text(route.label)])
                } + [failure?.message(for: "routes").map { el("p", [.cls("error")], text: $0) } ?? .text("")]),
                UI.field("上一级调解组织名称（移交时）", name: "toBody", value: values["toBody"], error: failure?.message(for: "toBody")),
                el("button", [.type("submit")], text: "记录"),
            ]))
        }
        return Layout.page(req, title: "矛盾纠纷 \(row.number)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}
