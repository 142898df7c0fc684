import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Vapor

/// 期限预警: every open clock in the caller's units, the dashboard card, a clock's own page with its
/// explanation and ledger, and registering a clock by hand.
public enum DeadlinePages {
    struct NewForm: Content {
        var kind: String?
        var title: String?
        var unitCode: String?
        var startDate: String?
        var startTime: String?
        var startReason: String?
    }

    struct EventForm: Content {
        var kind: String?
        var date: String?
        var reason: String?
        var count: String?
        var approver: String?
    }

    static func register(_ router: ModuleRouter) {
        router.page(.GET, DeadlineRoute.list, permission: DeadlinePermissions.view) { req in try await list(req) }
        router.page(.GET, DeadlineRoute.new, permission: DeadlinePermissions.manage) { req async throws -> Response in
            var unit: OrgUnit?
            if let id = try req.caller.unitID { unit = try await OrgUnit.find(id, on: req.db) }
            return newPage(req, form: NewForm(unitCode: unit?.code), failure: nil)
        }
        router.form(DeadlineRoute.new, permission: DeadlinePermissions.manage, decoding: NewForm.self, submit: { req, form in
            let principal = try req.caller
            let unit = try await unitID(code: form.unitCode, on: req.db)
            let kind = req.fazhi.clockKind(form.kind ?? "")
            guard kind?.manual ?? true else {
                throw ValidationFailure(field: "kind", label: "期限类型", message: "该类期限由所属模块的办理流程自动登记，不能手工登记")
            }
            let row = try await ClockService.open(kind: form.kind ?? "", unitID: unit, title: form.title, record: nil,
                                                  start: startMoment(form.startDate, form.startTime), startReason: form.startReason,
                                                  by: principal, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: DeadlineRoute.record.path(row.id!), notice: "已登记期限，届满日 \(row.dueDate ?? "—")")
        }, reshow: { req, form, failure in
            return newPage(req, form: form, failure: failure)
        })
        router.page(.GET, DeadlineRoute.record, permission: DeadlinePermissions.view) { req in try await show(req, failure: nil, form: EventForm()) }
        router.form(DeadlineRoute.events, permission: DeadlinePermissions.manage, decoding: EventForm.self, submit: { req, form in
            let id = try req.parameters.require("id", as: UUID.self)
            let principal = try req.caller
            let row = try await ClockService.find(id, for: principal, on: req.db)
            guard req.fazhi.clockKind(row.kind)?.manual == true else {
                throw ValidationFailure(field: "kind", label: "事件", message: "该期限由所属模块的办理流程记载，请在业务记录中操作")
            }
            let event = try parseEvent(form, clock: try row.clock, now: CivilDateTime(req.fazhi.now))
            try await ClockService.record(event, on: id, by: principal, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: DeadlineRoute.record.path(id), notice: "已记载：\(event.kind.label)")
        }, reshow: { req, form, failure in
            return try await show(req, failure: failure, form: form)
        })
    }

    static func unitID(code: String?, on db: any Database) async throws -> UUID? {
        let code = (code ?? "").trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty else { return nil }
        return try await UnitService.find(code: code, on: db)?.id
    }

    static func startMoment(_ date: String?, _ time: String?) -> CivilDateTime? {
        let date = (date ?? "").trimmingCharacters(in: .whitespaces)
        let time = (time ?? "").trimmingCharacters(in: .whitespaces)
        return CivilDateTime(time.isEmpty ? date : "\(date)T\(time)")
    }

    /// Reads the event form; every problem is named with its field.
    static func parseEvent(_ form: EventForm, clock: Clock, now: CivilDateTime) throws -> ClockEvent {
        var validator = Validator()
        let kind = ClockEvent.Kind(rawValue: form.kind ?? "")
        if kind == nil { validator.add("kind", "事件", "请选择事件类型") }
        let date = CivilDate((form.date ?? "").trimmingCharacters(in: .whitespaces))
        if date == nil { validator.add("date", "日期", FormFields.dateRule) }
        let reason = (form.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.count > 200 { validator.add("reason", "事由", "不能超过200个字符") }
        var period: Period?
        if kind == .extend {
            let unit = clock.rule.extensionLimit?.maxPeriod.unit ?? clock.rule.period.unit
            if let count = Int((form.count ?? "").trimmingCharacters(in: .whitespaces)), (1...366).contains(count) {
                period = Period(unit, count)
            } else {
                validator.add("count", "延长期限", "应为1到366之间的整数（单位：\(unit.label)）")
            }
        }
        try validator.check()
        // A completion recorded today is stamped with the current minute (hours rules compare it).
        let at = kind == .complete && date == now.date ? now : CivilDateTime(date: date!)
        let approver = (form.approver ?? "").trimmingCharacters(in: .whitespaces)
        return ClockEvent(kind: kind!, at: at, reason: reason, period: period, approver: approver.isEmpty ? nil : approver)
    }

    static func moduleName(_ id: String, _ services: FazhiServices) -> String {
        id == "deadlines" ? "手工登记" : (services.modules.first { $0.id == id }?.name ?? id)
    }

    public static func statusText(_ result: ClockResult) -> String {
        switch result.state {
        case .running: return result.warning == .none ? "计时中" : result.warning.label
        case .overdue: return result.warning.label
        default: return result.state.label
        }
    }

    public static func statusClass(_ result: ClockResult) -> String {
        switch result.warning {
        case .overdue, .overdueHours: return "status-overdue"
        case .dueSoon, .dueWithinHours: return "status-soon"
        case .none: return result.state == .paused ? "status-paused" : "status-ok"
        }
    }

    /// A record's clocks, each a disclosure with its due date, status and step-by-step explanation.
    public static func clockSection(_ views: [ClockView]) -> Node {
        guard !views.isEmpty else { return el("p", text: "无") }
        return el("div", [], views.map { view in
            el("details", [.cls("clock")], [
                el("summary", [], [
                    .text("\(view.clock.rule.title)（\(view.clock.rule.period.chinese)）：届满 \(dueText(view.result)) "),
                    el("span", [.cls(statusClass(view.result))], text: statusText(view.result)),
                ]),
                el("ol", [.cls("explanation")], view.result.steps.map { el("li", text: $0.text) }),
            ])
        })
    }

    public static func dueText(_ result: ClockResult) -> String {
        if let dueAt = result.dueAt { return dueAt.description }
        if let due = result.due { return due.description }
        if let projected = result.projectedDue { return "暂停（若明日恢复：\(projected)）" }
        return "暂停中"
    }

    static func matches(_ view: ClockView, status: String?) -> Bool {
        switch status ?? "" {
        case "overdue": return view.result.state == .overdue
        case "soon": return view.result.warning.severity == 1
        case "paused": return view.result.state == .paused
        case "running": return view.result.state == .running
        default: return true
        }
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let services = req.fazhi
        let query = ListQuery(req, path: DeadlineRoute.list.path(), keys: ["status", "module", "unit", "page"])
        let all = try await ClockService.openClocks(for: principal, services: services, on: req.db)
        // The units of the open clocks, by path, named from the server's kept names (no query).
        let unitPaths = Dictionary(all.map { ($0.unitID, $0.unitPath) }, uniquingKeysWith: { first, _ in first })
        let unitNames = try await services.unitNames.of(Set(unitPaths.keys), services: services, on: req.db)
        let unitFilter = query["unit"].flatMap(UUID.init(uuidString:))
        let filtered = all.filter { view in
            matches(view, status: query["status"]) && (query["module"].map { $0 == view.moduleID } ?? true)
                && (unitFilter.map { $0 == view.unitID } ?? true)
        }
        let pageRequest = PageRequest(number: query.page)
        let page = Page(items: Array(filtered.dropFirst(pageRequest.offset).prefix(pageRequest.size)), total: filtered.count, request: pageRequest)

        func counts(_ views: [ClockView]) -> [Node] {
            let overdue = views.filter { $0.result.state == .overdue }.count
            let soon = views.filter { $0.result.warning.severity == 1 }.count
            let paused = views.filter { $0.result.state == .paused }.count
            return [.text(String(views.count)), .text(String(overdue)), .text(String(soon)), .text(String(paused))]
        }
        let summary = el("div", [.cls("cards")], [
            ("已逾期", "overdue", all.filter { $0.result.state == .overdue }.count),
            ("临期", "soon", all.filter { $0.result.warning.severity == 1 }.count),
            ("已暂停", "paused", all.filter { $0.result.state == .paused }.count),
            ("全部未办结", "", all.count),
        ].map { title, status, count in
            el("div", [.cls("card")], [el("div", [.cls("figure")], text: String(count)), el("div", text: title), link("查看", query.with(["status": status.isEmpty ? nil : status, "page": nil]))])
        })
        let statusOptions = [("overdue", "已逾期"), ("soon", "临期"), ("paused", "已暂停"), ("running", "计时中")]
        let moduleOptions = Array(Set(all.map(\.moduleID))).sorted().map { ($0, moduleName($0, services)) }
        let filters = el("form", [Attribute("method", "get"), Attribute("action", DeadlineRoute.list.path()), .cls("filters"), Attribute("role", "search")], [
            UI.select("状态", name: "status", options: statusOptions, selected: query["status"], includeBlank: "全部"),
            UI.select("来源", name: "module", options: moduleOptions, selected: query["module"], includeBlank: "全部"),
            UI.select("承办单位", name: "unit", options: unitPaths.sorted { $0.value < $1.value }.map { ($0.key.uuidString, unitNames[$0.key] ?? "—") }, selected: query["unit"], includeBlank: "全部"),
            el("div", [.cls("field")], [el("button", [.type("submit")], text: "筛选")]),
        ])
        let rows: [[Node]] = page.items.map { view in
            [
                link(view.title, view.link),
                .text(view.clock.rule.title + "（" + view.clock.rule.period.chinese + "）"),
                .text(unitNames[view.unitID] ?? "—"),
                .text(view.clock.rule.period.unit == .hours ? view.clock.start.description : view.clock.start.date.description),
                .text(dueText(view.result)),
                el("span", [.cls(statusClass(view.result))], text: statusText(view.result)),
                link("计算过程", DeadlineRoute.record.path(view.id)),
            ]
        }
        let byUnit = Dictionary(grouping: all, by: \.unitID).sorted { (unitNames[$0.key] ?? "") < (unitNames[$1.key] ?? "") }
        let byModule = Dictionary(grouping: all, by: \.moduleID).sorted { $0.key < $1.key }
        let countColumns = ["未办结", "已逾期", "临期", "已暂停"]
        var actions: [Node] = []
        if principal.has(DeadlinePermissions.manage) { actions.append(link("手工登记期限", DeadlineRoute.new.path(), [.cls("button")])) }
        return Layout.page(req, title: "期限预警", content: [
            el("div", [.cls("actions")], actions),
            summary,
            filters,
            UI.table(caption: "未办结的法定期限（逾期、临期在前）", columns: [
                UI.Column("事项"), UI.Column("期限"), UI.Column("承办单位"), UI.Column("起算"), UI.Column("届满"), UI.Column("状态"), UI.Column("计算过程"),
            ], rows: rows, query: query),
            UI.pagination(page, query: query),
            el("h2", text: "按单位统计"),
            UI.simpleTable(caption: "各单位未办结期限", headers: ["单位"] + countColumns, rows: byUnit.map { unit, views in
                [link(unitNames[unit] ?? "—", query.with(["unit": unit.uuidString, "page": nil]))] + counts(views)
            }),
            el("h2", text: "按来源统计"),
            UI.simpleTable(caption: "各模块未办结期限", headers: ["来源"] + countColumns, rows: byModule.map { module, views in
                [link(moduleName(module, services), query.with(["module": module, "page": nil]))] + counts(views)
            }),
        ])
    }

    static func newPage(_ req: Request, form: NewForm, failure: ValidationFailure?) -> Response {
        let kinds = req.fazhi.clockKinds.filter(\.manual)
        return Layout.page(req, title: "手工登记期限", status: failure == nil ? .ok : .unprocessableEntity, content: [
            el("p", text: "用于尚无业务模块的事项（如政府信息公开申请、人大代表建议）。事项名称请勿填写申请人姓名等个人信息。"),
            UI.errorSummary(failure),
            UI.form(action: DeadlineRoute.new.path(), csrf: req.csrfToken, [
                UI.select("期限类型", name: "kind", options: kinds.map { ($0.key, "\($0.rule.title)（\($0.rule.period.chinese)，\($0.rule.basis)）") },
                          selected: form.kind, error: failure?.message(for: "kind"), required: true, includeBlank: "请选择"),
                UI.field("事项名称", name: "title", value: form.title, error: failure?.message(for: "title"), required: true, hint: "如“2026年第15号政府信息公开申请”"),
                UI.field("承办单位编码", name: "unitCode", value: form.unitCode, error: failure?.message(for: "unit"), required: true),
                UI.field("起算日", name: "startDate", value: form.startDate, type: "date", error: failure?.message(for: "start"), required: true, hint: "收到申请、交办等事件发生之日；当日不计入期限"),
                UI.field("起算时间", name: "startTime", value: form.startTime, type: "time", hint: "按小时计算的期限（如24小时内移送）必填"),
                UI.field("起算事由", name: "startReason", value: form.startReason, error: failure?.message(for: "startReason"), hint: "如“收到申请”“交办”"),
                el("button", [.type("submit")], text: "登记"),
            ]),
        ])
    }

    static func show(_ req: Request, failure: ValidationFailure?, form: EventForm) async throws -> Response {
        let principal = try req.caller
        let services = req.fazhi
        let row = try await ClockService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        let calendar = try await CalendarService.current(services: services, on: req.db)
        let view = try ClockService.view(row, calendar: calendar, now: CivilDateTime(services.now), warnWithin: services.config.deadlineWarnWorkdays)
        let unit = try await OrgUnit.find(row.unitID, on: req.db)
        let changes = try await ClockDueChange.query(on: req.db).filter(\.$clock.$id == row.id!).sort(\.$createdAt, .descending).all()
        let manual = services.clockKind(row.kind)?.manual == true
        var content: [Node] = [
            UI.details([
                ("事项", row.link.map { link(row.title, $0) } ?? .text(row.title)),
                ("期限", .text("\(view.clock.rule.title)，\(view.clock.rule.period.chinese)")),
                ("依据", .text(view.clock.rule.basis)),
                ("承办单位", .text(unit?.name ?? "—")),
                ("来源", .text(moduleName(row.moduleID, services))),
                ("届满", .text(dueText(view.result))),
                ("状态", el("span", [.cls(statusClass(view.result))], text: statusText(view.result))),
                ("日历版本", .text("第\(calendar.version)版")),
            ]),
            el("h2", text: "计算过程"),
            el("ol", [.cls("explanation")], view.result.steps.map { el("li", text: $0.text) }),
            el("h2", text: "台账"),
            UI.simpleTable(caption: "期限事件", headers: ["日期", "事件", "期限", "批准人", "事由"], rows:
                [[.text(view.clock.start.description), .text("起算"), .text(""), .text(""), .text(view.clock.startReason)]]
                + view.clock.events.map { event in
                    [.text(event.at.description), .text(event.kind.label), .text(event.period?.chinese ?? ""), .text(event.approver ?? ""), .text(event.reason)]
                }),
        ]
        if !changes.isEmpty {
            content.append(el("h2", text: "因日历更新而变动"))
            content.append(UI.simpleTable(caption: "届满日变动", headers: ["时间", "原届满日", "新届满日", "原因"], rows: changes.map {
                [.text(DateText.minute($0.createdAt)), .text($0.oldDue ?? "—"), .text($0.newDue ?? "—"), .text($0.reason)]
            }))
        }
        if manual, !row.closed, principal.has(DeadlinePermissions.manage) {
            let extensionUnit = view.clock.rule.extensionLimit?.maxPeriod.unit ?? view.clock.rule.period.unit
            content += [
                el("h2", text: "记载事件"),
                UI.errorSummary(failure),
                UI.form(action: DeadlineRoute.events.path(row.id!), csrf: req.csrfToken, [
                    UI.select("事件", name: "kind", options: ClockEvent.Kind.allCases.map { ($0.rawValue, $0.label) }, selected: form.kind,
                              error: failure?.message(for: "kind"), required: true, includeBlank: "请选择"),
                    UI.field("日期", name: "date", value: form.date ?? CivilDateTime(services.now).date.description, type: "date", error: failure?.message(for: "date"), required: true,
                             hint: "暂停：自当日起不计入；恢复：自当日起重新计入；重新起算：当日不计入，自次日起重新计算"),
                    UI.field("事由", name: "reason", value: form.reason, error: failure?.message(for: "reason"),
                             hint: "暂停、延长、重新起算须写明理由（暂停如：" + ClockEvent.pauseReasons.map(\.reason).joined(separator: "、") + "；收到补正材料的，期限重新起算，不是暂停）"),
                    UI.field("延长期限（\(extensionUnit.label)）", name: "count", value: form.count, error: failure?.message(for: "count"), hint: "仅延长时填写"),
                    UI.field("批准人", name: "approver", value: form.approver, error: failure?.message(for: "approver"), hint: "仅延长时填写"),
                    el("button", [.type("submit")], text: "记载"),
                ]),
            ]
        } else if !manual {
            content.append(el("p", text: "该期限由“\(moduleName(row.moduleID, services))”的办理流程记载事件，请在业务记录中操作。"))
        }
        return Layout.page(req, title: "期限：\(row.title)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    /// A due date a calendar change moved, as the dashboard card lists it.
    struct DueChangeLine: Sendable {
        var title: String, link: String, oldDue: String?, newDue: String?, reason: String
    }

    /// The dashboard card: counts, the most urgent items, and due dates moved by calendar changes.
    static func widget(_ req: Request) async throws -> Node {
        let principal = try req.caller
        let services = req.fazhi
        let (open, views) = try await ClockService.nearClocks(for: principal, services: services, on: req.db)
        let overdue = views.filter { $0.result.state == .overdue }.count
        let soon = views.filter { $0.result.warning.severity == 1 }.count
        let paused = views.filter { $0.result.state == .paused }.count
        let urgent = views.filter { $0.result.warning != .none }.prefix(8)
        // The due dates calendar changes moved in the last 30 days (from the start of the day 30
        // days back), kept until a record changes: a calendar change is audited, and the day is
        // part of the version.
        let changes = try await req.keptForScope("deadlines.due-changes") { read in
            try await ClockService.recentDueChanges(in: read.scope, since: CivilDateTime(date: read.today.adding(days: -30)).instant, on: read.db)
                .prefix(10).map { DueChangeLine(title: $0.clock.title, link: $0.clock.recordLink, oldDue: $0.oldDue, newDue: $0.newDue, reason: $0.reason) }
        }
        return el("section", [.cls("widget"), .aria("labelledby", "deadlines-heading")], [
            el("h2", [.id("deadlines-heading")], text: "期限预警"),
            el("p", text: "未办结 \(open) 项：已逾期 \(overdue) 项，临期 \(soon) 项，暂停 \(paused) 项。"),
            urgent.isEmpty ? el("p", text: "没有逾期或临期的事项。") : el("ul", [], urgent.map { view in
                el("li", [], [
                    el("span", [.cls(statusClass(view.result))], text: statusText(view.result)),
                    .text(" "), link(view.title, view.link), .text("：\(view.clock.rule.title)，届满 \(dueText(view.result))"),
                ])
            }),
            changes.isEmpty ? .empty : el("div", [], [
                el("h3", text: "近30日因日历更新而变动的届满日"),
                el("ul", [], changes.map { change in
                    el("li", [], [link(change.title, change.link), .text("：\(change.oldDue ?? "—") → \(change.newDue ?? "—")（\(change.reason)）")])
                }),
            ]),
            link("查看全部期限", DeadlineRoute.list.path()),
        ])
    }
}
