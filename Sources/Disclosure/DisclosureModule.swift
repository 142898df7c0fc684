import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit
import Vapor

/// Every page of the disclosure module: registered, linked and put in the menu from here only.
public enum DisclosureRoute: String, RouteTemplate, CaseIterable {
    case list = "disclosure"
    case new = "disclosure/new"
    case record = "disclosure/:id"
    case steps = "disclosure/:id/steps"
    case importPage = "disclosure/import"
    case importTemplate = "disclosure/import/template.csv"
    case release = "disclosure/:id/release"
    case letter = "disclosure/:id/letter"
}

/// 政府信息公开 (依申请公开): requests from receipt to answer with their clocks (`DisclosureRules`).
/// Built so far: the requests, their steps and pages; the yearly report, figures, public pages,
/// import and demo are issue 18's next steps.
public enum DisclosureModule {
    public static let manifest = FazhiModule(
        id: "disclosure",
        name: "政府信息公开",
        migrations: DisclosureMigrations.all,
        permissions: DisclosurePermissions.all,
        grants: DisclosurePermissions.grants,
        menu: [MenuEntry(title: "依申请公开", route: DisclosureRoute.list, permission: DisclosurePermissions.read, section: "政务公开")],
        routes: { router in
            DisclosurePages.register(router)
            DisclosureAPI.register(router)
        },
        metrics: DisclosureMetrics.all,
        importers: [RequestImporter()],
        demoSeed: { context in try await DisclosureDemo.seed(context) },
        clockKinds: DisclosureClocks.all,
        unitPathColumns: [UnitPathColumn(DisclosureRequest.schema)],
        publicServices: [
            PublicService(title: "依申请公开政府信息", path: PortalRoute.disclosure.path(), summary: "在线提交政府信息公开申请，凭查询码查询办理进度，查阅依法主动公开的答复。",
                          basis: "政府信息公开条例第二十七条、第二十九条、第四十四条"),
        ],
        publicSearch: { query, db in
            try await DisclosureRequest.query(on: db).filter(\.$releasedOn != nil).filter(\.$publicSummary ~~ query)
                .sort(\.$releasedOn, .descending).limit(PublicPortal.hitsPerModule).all()
                .map { PublicSearchHit(kind: "政府信息公开答复", title: String(($0.publicSummary ?? "").prefix(60)), link: PortalRoute.disclosureTrack.path(), date: $0.releasedOn ?? "") }
        }
    )
}

enum DisclosurePages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, DisclosureRoute.list, permission: DisclosurePermissions.read) { req in try await list(req) }
        router.page(.GET, DisclosureRoute.new, permission: DisclosurePermissions.handle) { req in newPage(req, values: [:], failure: nil) }
        router.form(DisclosureRoute.new, permission: DisclosurePermissions.handle, submit: { req, fields in
            let row = try await DisclosureService.register(unitCode: fields["unitCode"], applicant: fields["applicant"], applicantClass: fields["applicantClass"],
                                                           channel: fields["channel"], submittedOn: fields["submittedOn"], signedOn: fields["signedOn"],
                                                           confirmedOn: fields["confirmedOn"], content: fields["content"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已登记，查询码 \(row.number)")
        }, reshow: { req, fields, failure in newPage(req, values: fields.values, failure: failure) })
        router.page(.GET, DisclosureRoute.record, permission: DisclosurePermissions.read) { req in try await show(req, values: [:], failure: nil) }
        router.form(DisclosureRoute.steps, permission: DisclosurePermissions.handle, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            let warnings = try await DisclosureService.perform(try action(fields), on: id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: DisclosureRoute.record.path(id), notice: (["已记录"] + warnings).joined(separator: "；"))
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
        router.form(DisclosureRoute.release, permission: DisclosurePermissions.handle, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            try await DisclosureService.release(id, summary: fields["summary"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: DisclosureRoute.record.path(id), notice: "答复已向社会公开")
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
        router.page(.GET, DisclosureRoute.letter, permission: DisclosurePermissions.read) { req async throws -> Response in
            let row = try await DisclosureRequest.find(try req.parameters.require("id", as: UUID.self), for: try req.caller, on: req.db)
            let unit = try await req.fazhi.unitNames.of([row.unitID], services: req.fazhi, on: req.db)[row.unitID] ?? ""
            let data = try DisclosureService.letter(row, unitName: unit, services: req.fazhi).docx()
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.wordprocessingml.document")
            response.headers.contentDisposition = .init(.attachment, filename: "\(row.number).docx")
            return response
        }
        router.imports(RequestImporter(), page: DisclosureRoute.importPage, template: DisclosureRoute.importTemplate)
        DisclosurePortal.register(router)
    }

    static func action(_ fields: FormFields) throws(ValidationFailure) -> RequestAction {
        let on = try fields.date("on", label: "日期")
        switch fields.text("step") {
        case "correction":
            let items = fields.text("text").split(whereSeparator: { $0 == "；" || $0 == ";" || $0.isNewline }).map(String.init)
            return .noticeCorrection(on: on, items: items, due: try fields.date("due", label: "补正期限"))
        case "corrected": return .receiveCorrection(on: on)
        case "consult": return .startConsultation(on: on)
        case "consulted": return .endConsultation(on: on)
        case "extend":
            guard let days = Int(fields.text("workdays")) else { throw ValidationFailure(field: "workdays", label: "延长期限", message: "应为工作日数") }
            return .extend(on: on, workdays: days, approver: fields.text("approver"))
        case "answer":
            guard let outcome = DisclosureOutcome(rawValue: fields.text("outcome")) else { throw ValidationFailure(field: "outcome", label: "办理结果", message: "请选择办理结果") }
            let feeText = fields.text("fee").trimmingCharacters(in: .whitespaces)
            guard let fee = feeText.isEmpty ? 0 : Int(feeText) else { throw ValidationFailure(field: "fee", label: "信息处理费", message: "应为整数（元）") }
            return .answer(on: on, outcome: outcome, fee: fee)
        default: throw ValidationFailure(field: "step", label: "操作", message: "请选择操作")
        }
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: DisclosureRoute.list.path(), keys: ["page"])
        let services = req.fazhi
        // Kept until a record changes (`Request.keptList`): the count and the page are read once
        // per change, not on every visit (issue 16).
        let table = try await req.keptList("disclosure.requests", query: query) { read in
            let request = PageRequest(number: query.page)
            let total = try await DisclosureRequest.scoped(in: read.scope, on: read.db).count()
            let rows = try await DisclosureRequest.scoped(in: read.scope, on: read.db).sort(\.$receivedOn, .descending).sort(\.$id)
                .range(request.offset..<(request.offset + request.size)).all()
            let names = try await services.unitNames.of(Set(rows.map(\.unitID)), services: services, on: read.db)
            return [
                UI.table(caption: "政府信息公开申请", columns: [UI.Column("查询码"), UI.Column("受理机关"), UI.Column("申请人"), UI.Column("收到日期"), UI.Column("办理结果")],
                         rows: rows.map { [link($0.number, $0.link), .text(names[$0.unitID] ?? "—"), .text($0.applicantMasked), .text($0.receivedOn),
                                           .text($0.outcome.flatMap(DisclosureOutcome.init(rawValue:)).map { "\($0.group.rawValue) \($0.label)" } ?? "办理中")] },
                         query: query),
                UI.pagination(Page(items: rows, total: total, request: request), query: query),
            ]
        }
        var actions: [Node] = []
        if principal.has(DisclosurePermissions.handle) {
            actions.append(link("登记申请", DisclosureRoute.new.path(), [.cls("button")]))
            actions.append(link("导入台账", DisclosureRoute.importPage.path()))
        }
        return Layout.page(req, title: "政府信息公开申请", content: [
            el("div", [.cls("actions")], actions),
            table,
        ])
    }

    static func newPage(_ req: Request, values: [String: String], failure: ValidationFailure?) -> Response {
        func field(_ label: String, _ name: String, type: String = "text", required: Bool = true, hint: String? = nil) -> Node {
            UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), required: required, hint: hint)
        }
        return Layout.page(req, title: "登记政府信息公开申请", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.form(action: DisclosureRoute.new.path(), csrf: req.csrfToken, [
                field("受理机关编码", "unitCode"), field("申请人", "applicant", hint: "加密保存，列表中自然人仅显示姓氏"),
                UI.select("申请人类别", name: "applicantClass", options: ApplicantClass.allCases.map { ($0.rawValue, $0.label) }, selected: values["applicantClass"],
                          error: failure?.message(for: "applicantClass")),
                UI.select("申请方式", name: "channel", options: ReceiptChannel.allCases.map { ($0.rawValue, $0.label) }, selected: values["channel"],
                          error: failure?.message(for: "channel")),
                field("提交日期", "submittedOn", type: "date"),
                field("签收日期（邮寄）", "signedOn", type: "date", required: false), field("确认日期（平常信函、互联网、传真）", "confirmedOn", type: "date", required: false),
                field("申请内容", "content"),
                el("button", [.type("submit")], text: "登记"),
            ]),
        ])
    }

    static func show(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        let row = try await DisclosureRequest.find(id, for: principal, on: req.db)
        let events = try await DisclosureRequestEvent.query(on: req.db).filter(\.$requestID == id).sort(\.$createdAt).all()
        let clock = try await ClockService.clocks(record: row.clockRecord, on: req.db).first
        let calendar = try await CalendarService.current(services: req.fazhi, on: req.db)
        let explanation = try clock.map { try $0.clock.evaluate(calendar: calendar, asOf: CivilDateTime(req.fazhi.now)).explain() }
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("查询码", .text(row.number)), ("申请人", .text("\(row.applicantMasked)（\(ApplicantClass(rawValue: row.applicantClass)?.label ?? "")）")),
                ("申请方式", .text(ReceiptChannel(rawValue: row.channel)?.label ?? row.channel)), ("收到申请之日", .text(row.receivedOn)),
                ("申请内容", .text(row.content)), ("获取方式", .text(row.formWanted ?? "—")), ("来源", .text(row.source == "online" ? "网上申请" : "窗口登记")),
                ("答复期限", .text(clock?.dueDate ?? (row.answeredOn == nil ? "暂停中" : "—"))),
                ("办理结果", .text(row.outcome.flatMap(DisclosureOutcome.init(rawValue:)).map { "\($0.group.rawValue) \($0.label)（\($0.basis)）" } ?? "办理中")),
            ]),
            el("h2", text: "期限计算"),
            el("pre", text: explanation ?? "—"),
            UI.simpleTable(caption: "办理过程", headers: ["日期", "事项", "经办"], rows: events.map { [.text($0.happenedOn ?? "—"), .text($0.detail), .text($0.actor)] }),
        ]
        if principal.has(DisclosurePermissions.handle) && row.answeredOn == nil {
            func field(_ label: String, _ name: String, type: String = "text") -> Node {
                UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name))
            }
            content.append(UI.form(action: DisclosureRoute.steps.path(id), csrf: req.csrfToken, [
                UI.select("操作", name: "step", options: [("correction", "告知补正（一次性写明全部事项，以分号分隔）"), ("corrected", "收到补正"),
                                                       ("consult", "征求第三方意见"), ("consulted", "征求意见结束"), ("extend", "延长答复期限"), ("answer", "答复")],
                          selected: values["step"], error: failure?.message(for: "step") ?? failure?.message(for: "action")),
                field("日期", "on", type: "date"), field("补正事项", "text"), field("补正期限", "due", type: "date"),
                field("延长工作日数", "workdays"), field("批准人（政府信息公开工作机构负责人）", "approver"),
                field("信息处理费（元，不收取的不填）", "fee"),
                UI.select("办理结果", name: "outcome", options: DisclosureOutcome.allCases.map { ($0.rawValue, "\($0.group.rawValue) \($0.label)") }, selected: values["outcome"],
                          error: failure?.message(for: "outcome")),
                el("button", [.type("submit")], text: "记录"),
            ]))
        }
        if row.answeredOn != nil {
            content.append(el("p", [], [link("下载答复书（DOCX）", DisclosureRoute.letter.path(id))]))
            if let released = row.releasedOn {
                content.append(el("p", text: "已于\(released)依政府信息公开条例第四十四条向社会公开：\(row.publicSummary ?? "")"))
            } else if principal.has(DisclosurePermissions.handle), [DisclosureOutcome.disclosed.rawValue, DisclosureOutcome.partlyDisclosed.rawValue].contains(row.outcome ?? "") {
                content.append(UI.form(action: DisclosureRoute.release.path(id), csrf: req.csrfToken, [
                    UI.field("公开内容摘要（不得含申请人信息）", name: "summary", value: values["summary"], error: failure?.message(for: "summary"), required: true,
                             hint: "多个申请人就相同政府信息申请公开、且该信息可以公开的，可以纳入主动公开范围（政府信息公开条例第四十四条）"),
                    el("button", [.type("submit")], text: "向社会公开答复"),
                ]))
            }
        }
        return Layout.page(req, title: "政府信息公开申请 \(row.number)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}
