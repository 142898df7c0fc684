import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

/// Every page of 法治督察: registered, linked and put in the menu from here only.
public enum OversightRoute: String, RouteTemplate, CaseIterable {
    case list = "oversight"
    case importPage = "oversight/import"
    case importTemplate = "oversight/import/template.csv"
    case inspection = "oversight/:id"
    case findings = "oversight/:id/findings"
    case finding = "oversight/findings/:id"
    case findingSteps = "oversight/findings/:id/steps"
}

/// 法治督察: inspections and higher levels' feedback, findings with their rectification clocks on
/// the inspected units' deadline lists, 销号, sending back, 约谈 and 通报.
public enum OversightModule {
    public static let manifest = FazhiModule(
        id: "oversight",
        name: "法治督察",
        migrations: OversightMigrations.all,
        permissions: OversightPermissions.all,
        grants: OversightPermissions.grants,
        menu: [MenuEntry(title: "法治督察", route: OversightRoute.list, permission: OversightPermissions.read, section: "化解与监督")],
        routes: { router in
            OversightPages.register(router)
            OversightAPI.register(router)
        },
        metrics: OversightMetrics.all,
        importers: [FindingImporter()],
        demoSeed: { context in try await OversightDemo.seed(context) },
        clockKinds: OversightClocks.all,
        unitPathColumns: [UnitPathColumn(Inspection.schema), UnitPathColumn(InspectionFinding.schema)],
        ruleSettings: OversightSettings.all
    )
}

enum OversightPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, OversightRoute.list, permission: OversightPermissions.read) { req in try await list(req, values: [:], failure: nil) }
        router.form(OversightRoute.list, permission: OversightPermissions.inspect, submit: { req, fields in
            let row = try await OversightService.createInspection(title: fields["title"], kind: fields["kind"], startedOn: fields["startedOn"], unitCode: fields["unitCode"],
                                                                  leader: fields["leader"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已建立 \(row.title)")
        }, reshow: { req, fields, failure in try await list(req, values: fields.values, failure: failure) })
        router.imports(FindingImporter(), page: OversightRoute.importPage, template: OversightRoute.importTemplate)
        router.page(.GET, OversightRoute.inspection, permission: OversightPermissions.read) { req in try await inspection(req, values: [:], failure: nil) }
        router.form(OversightRoute.findings, permission: OversightPermissions.inspect, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            guard try await Inspection.scoped(for: try req.caller, on: req.db).filter(\.$id == id).first() != nil else { throw ScopeDenied(entityType: Inspection.schema, entityID: id.uuidString) }
            let row = try await OversightService.addFinding(to: id, unitCode: fields["unitCode"], category: fields["category"], description: fields["description"],
                                                            foundOn: fields["foundOn"], days: fields["days"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: OversightRoute.inspection.path(id), notice: "已记录问题，整改期限至\(row.dueOn)")
        }, reshow: { req, fields, failure in try await inspection(req, values: fields.values, failure: failure) })
        router.page(.GET, OversightRoute.finding, permission: OversightPermissions.read) { req in try await finding(req, values: [:], failure: nil) }
        router.form(OversightRoute.findingSteps, permission: OversightPermissions.read, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            guard try await InspectionFinding.scoped(for: try req.caller, on: req.db).filter(\.$id == id).first() != nil else {
                throw ScopeDenied(entityType: InspectionFinding.schema, entityID: id.uuidString)
            }
            let warnings = try await OversightService.perform(try step(fields), on: id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: OversightRoute.finding.path(id), notice: (["已记录"] + warnings).joined(separator: "；"))
        }, reshow: { req, fields, failure in try await finding(req, values: fields.values, failure: failure) })
    }

    static func step(_ fields: FormFields) throws(ValidationFailure) -> FindingStep {
        let on = try fields.date("on", label: "日期")
        switch fields.text("step") {
        case "submit": return .submit(on: on, evidence: fields.text("text"))
        case "close": return .close(on: on)
        case "send-back":
            guard let days = Int(fields.text("days")) else { throw ValidationFailure(field: "days", label: "重新整改期限", message: "应为日数") }
            return .sendBack(on: on, reason: fields.text("text"), days: days)
        case "talk": return .talk(on: on, note: fields.text("text"))
        case "notice": return .notice(on: on, note: fields.text("text"))
        case "recheck-held": return .recheck(on: on, held: true, note: fields.text("text"), days: 0)
        case "recheck-rebound":
            guard let days = Int(fields.text("days")) else { throw ValidationFailure(field: "days", label: "重新整改期限", message: "应为日数") }
            return .recheck(on: on, held: false, note: fields.text("text"), days: days)
        default: throw ValidationFailure(field: "step", label: "操作", message: "请选择操作")
        }
    }

    static func list(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: OversightRoute.list.path(), keys: ["page"])
        let services = req.fazhi
        // Kept until a record changes (`Request.keptList`): the inspections, the findings' count
        // and page are read once per change, not on every visit (issue 16).
        let tables = try await req.keptList("oversight.list", query: query) { read in
            let inspections = try await Inspection.scoped(in: read.scope, on: read.db).sort(\.$startedOn, .descending).range(0..<50).all()
            let request = PageRequest(number: query.page)
            let findings = try await InspectionFinding.scoped(in: read.scope, on: read.db).sort(\.$status, .descending).sort(\.$dueOn).sort(\.$id)
                .page(withIndex: request.number, size: request.size)
            let names = try await services.unitNames.of(Set(findings.items.map(\.unitID)), services: services, on: read.db)
            return [
                UI.simpleTable(caption: "督察", headers: ["名称", "类别", "开始日期"], rows: inspections.map {
                    [link($0.title, $0.link), .text(InspectionKind(rawValue: $0.kind)?.label ?? $0.kind), .text($0.startedOn)]
                }),
                UI.table(caption: "督察发现的问题", columns: [UI.Column("问题"), UI.Column("被督察单位"), UI.Column("整改期限"), UI.Column("状态")],
                         rows: findings.items.map { [link(String($0.problem.prefix(40)), $0.link), .text(names[$0.unitID] ?? "—"), .text($0.dueOn),
                                                     .text(FindingStatus(rawValue: $0.status)?.label ?? $0.status)] },
                         query: query),
                UI.pagination(Page(items: findings.items, total: findings.metadata.total, request: request), query: query),
            ]
        }
        var content: [Node] = [
            UI.errorSummary(failure),
            tables,
        ]
        if principal.has(OversightPermissions.inspect) {
            content += [link("导入督察问题整改台账", OversightRoute.importPage.path()), el("h2", text: "新建督察"), UI.form(action: OversightRoute.list.path(), csrf: req.csrfToken, [
                UI.field("督察名称", name: "title", value: values["title"], error: failure?.message(for: "title"), required: true),
                UI.select("类别", name: "kind", options: InspectionKind.allCases.map { ($0.rawValue, $0.label) }, selected: values["kind"], error: failure?.message(for: "kind")),
                UI.field("开始日期", name: "startedOn", value: values["startedOn"], type: "date", error: failure?.message(for: "startedOn"), required: true),
                UI.field("组织单位编码", name: "unitCode", value: values["unitCode"], error: failure?.message(for: "unitCode"), required: true),
                UI.field("带队的主要负责人", name: "leader", value: values["leader"], error: failure?.message(for: "leader"),
                         hint: "党政主要负责人亲自带队督察的，写明职务和姓名（第一责任人职责）；否则留空"),
                el("button", [.type("submit")], text: "新建"),
            ])]
        }
        return Layout.page(req, title: "法治督察", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func inspection(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        guard let row = try await Inspection.scoped(for: principal, on: req.db).filter(\.$id == id).first() else { throw ScopeDenied(entityType: Inspection.schema, entityID: id.uuidString) }
        let findings = try await InspectionFinding.query(on: req.db).filter(\.$inspectionID == id).sort(\.$foundOn).all().filter { principal.covers(unitPath: $0.unitPath) }
        let names = try await req.fazhi.unitNames.of(Set(findings.map(\.unitID)), services: req.fazhi, on: req.db)
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([("类别", .text(InspectionKind(rawValue: row.kind)?.label ?? row.kind)), ("开始日期", .text(row.startedOn)),
                        ("带队", .text(row.leader.map { "\($0)（主要负责人带队）" } ?? "—"))]),
            UI.simpleTable(caption: "发现的问题", headers: ["问题", "被督察单位", "类别", "整改期限", "状态"], rows: findings.map {
                [link(String($0.problem.prefix(40)), $0.link), .text(names[$0.unitID] ?? "—"), .text(FindingCategory(rawValue: $0.category)?.label ?? ""),
                 .text($0.dueOn), .text(FindingStatus(rawValue: $0.status)?.label ?? $0.status)]
            }),
        ]
        if principal.has(OversightPermissions.inspect) {
            content += [el("h2", text: "记录问题"), UI.form(action: OversightRoute.findings.path(id), csrf: req.csrfToken, [
                UI.field("被督察单位编码", name: "unitCode", value: values["unitCode"], error: failure?.message(for: "unitCode"), required: true),
                UI.select("问题类别", name: "category", options: FindingCategory.allCases.map { ($0.rawValue, $0.label) }, selected: values["category"],
                          error: failure?.message(for: "category")),
                UI.field("问题描述", name: "description", value: values["description"], error: failure?.message(for: "description"), required: true),
                UI.field("发现日期", name: "foundOn", value: values["foundOn"], type: "date", error: failure?.message(for: "foundOn"), required: true),
                UI.field("整改期限（日）", name: "days", value: values["days"], error: failure?.message(for: "days"), hint: "默认\(req.fazhi.rule(OversightSettings.rectifyDays))日"),
                el("button", [.type("submit")], text: "记录"),
            ])]
        }
        return Layout.page(req, title: row.title, status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func finding(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        guard let row = try await InspectionFinding.scoped(for: principal, on: req.db).filter(\.$id == id).first() else {
            throw ScopeDenied(entityType: InspectionFinding.schema, entityID: id.uuidString)
        }
        let events = try await FindingEvent.query(on: req.db).filter(\.$findingID == id).sort(\.$createdAt).all()
        let names = try await req.fazhi.unitNames.of([row.unitID], services: req.fazhi, on: req.db)
        let calendar = try await CalendarService.current(services: req.fazhi, on: req.db)
        let clocks = try await ClockService.clocks(record: row.clockRecord, on: req.db)
        let explanation = try clocks.last.map { try $0.clock.evaluate(calendar: calendar, asOf: CivilDateTime(req.fazhi.now)).explain() }
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([("被督察单位", .text(names[row.unitID] ?? "—")), ("类别", .text(FindingCategory(rawValue: row.category)?.label ?? "")),
                        ("问题", .text(row.problem)), ("发现日期", .text(row.foundOn)), ("整改期限", .text(row.dueOn)),
                        ("状态", .text(FindingStatus(rawValue: row.status)?.label ?? row.status)), ("整改情况", .text(row.evidence ?? "—")),
                        ("复查", .text(row.recheckedOn.map { "最近一次\($0)" + (row.rebounds > 0 ? "，问题反弹\(row.rebounds)次" : "") } ?? "—"))]),
            el("h2", text: "期限计算"), el("pre", text: explanation ?? "—"),
            UI.simpleTable(caption: "整改过程", headers: ["日期", "事项", "经办"], rows: events.map { [.text($0.happenedOn ?? "—"), .text($0.detail), .text($0.actor)] }),
        ]
        let inspector = principal.has(OversightPermissions.inspect)
        if inspector || principal.has(OversightPermissions.rectify) {
            let options = inspector ? [("close", "销号"), ("send-back", "退回重新整改"), ("recheck-held", "复查：整改成效巩固"), ("recheck-rebound", "复查：问题反弹，撤销销号重新整改"),
                                       ("talk", "约谈"), ("notice", "通报")] : [("submit", "报送整改情况")]
            content.append(UI.form(action: OversightRoute.findingSteps.path(id), csrf: req.csrfToken, [
                UI.select("操作", name: "step", options: options, selected: values["step"], error: failure?.message(for: "step") ?? failure?.message(for: "action")),
                UI.field("日期", name: "on", value: values["on"], type: "date", error: failure?.message(for: "on")),
                UI.field(inspector ? "说明（退回理由、复查情况、约谈对象、通报内容）" : "整改措施和佐证材料", name: "text", value: values["text"],
                         error: failure?.message(for: "evidence") ?? failure?.message(for: "reason") ?? failure?.message(for: "note")),
                inspector ? UI.field("重新整改期限（日）", name: "days", value: values["days"], error: failure?.message(for: "days")) : .text(""),
                el("button", [.type("submit")], text: "记录"),
            ]))
        }
        return Layout.page(req, title: "督察问题", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}
