import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import SQLKit
import Foundation
import Vapor

enum ActionPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, EnforcementRoute.actions, permission: EnforcementPermissions.read) { req in try await list(req, values: [:], failure: nil) }
        router.form(EnforcementRoute.actions, permission: EnforcementPermissions.manage, submit: { req, fields in
            let values = fields.values
            guard let kind = ActionKind(rawValue: values["kind"] ?? "") else { throw ValidationFailure(field: "kind", label: "类别", message: "请选择行政强制措施、行政许可或行政检查") }
            let row = try await ActionService.register(kind: kind, number: values["number"], unitCode: values["unitCode"], partyKind: values["partyKind"],
                                                       party: values["party"], subject: values["subject"], startedOn: values["startedOn"],
                                                       by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已登记 \(row.number)")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await list(req, values: values, failure: failure)
        })
        router.page(.GET, EnforcementRoute.actionsRecord, permission: EnforcementPermissions.read) { req in try await show(req, failure: nil) }
        router.form(EnforcementRoute.actionsRecord, permission: EnforcementPermissions.manage, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            let day = CivilDate((values["on"] ?? "").trimmingCharacters(in: .whitespaces))
            guard let day else { throw ValidationFailure(field: "on", label: "日期", message: FormFields.dateRule) }
            let text = (values["text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let numbers = (values["officers"] ?? "").split(whereSeparator: { ",，、 ".contains($0) }).map(String.init)
            let step: ActionStep
            switch values["action"] ?? "" {
            case "impose":
                let time = (values["time"] ?? "").trimmingCharacters(in: .whitespaces)
                step = .impose(on: day, measure: values["measure"] ?? "", certificateNumbers: numbers, approvedBy: values["approvedBy"],
                               at: time.isEmpty ? nil : CivilDateTime(date: day, minuteOfDay: Self.minutes(time)))
            case "requestCorrection": step = .requestCorrection(on: day, items: text)
            case "receiveCorrection": step = .receiveCorrection(on: day)
            case "approve": step = .approve(at: CivilDateTime(date: day, minuteOfDay: Self.minutes(values["time"])), approver: text)
            case "extendSeizure": step = .extendSeizure(on: day, days: Int(values["days"] ?? "") ?? 0, approver: values["approver"] ?? "", reason: text)
            case "lift": step = .lift(on: day, reason: text)
            case "accept": step = .accept(on: day)
            case "refuse": step = .refuse(on: day, reason: text)
            case "extendLicence": step = .extendLicence(on: day, approver: values["approver"] ?? "", reason: text)
            case "decide": step = .decide(on: day, granted: values["granted"] != "0", decision: text)
            case "issue": step = .issue(on: day)
            case "inspect": step = .inspect(on: day, certificateNumbers: numbers, findings: text)
            case "publish": step = .publish(on: day)
            case "close": step = .close(on: day)
            default: throw ValidationFailure(field: "action", label: "操作", message: "未知操作")
            }
            try await ActionService.perform(step, on: id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: EnforcementRoute.actionsRecord.path(id), notice: "已记录：\(step.label)")
        }, reshow: { req, fields, failure in
            return try await show(req, failure: failure)
        })
    }

    static func minutes(_ text: String?) -> Int {
        let parts = (text ?? "").split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else { return 0 }
        return parts[0] * 60 + parts[1]
    }

    static func list(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: EnforcementRoute.actions.path(), keys: ["kind", "page"])
        // Kept until a record changes (`Request.keptList`): the count and the page are read once
        // per change, not on every visit (issue 16).
        let table = try await req.keptList("enforcement.actions", query: query) { read in
            let builder = EnforcementAction.scoped(in: read.scope, on: read.db)
            if let kind = query["kind"], ActionKind(rawValue: kind) != nil { builder.filter(\.$kind == kind) }
            let request = PageRequest(number: query.page)
            let total = try await builder.count()
            let rows = try await builder.sort(\.$startedOn, .descending).range(request.offset..<(request.offset + request.size)).all()
            return [
                UI.table(caption: "行政强制、行政许可、行政检查（当事人已脱敏）", columns: [UI.Column("编号"), UI.Column("类别"), UI.Column("当事人"), UI.Column("事由"), UI.Column("日期"), UI.Column("状态")],
                         rows: rows.map { [link($0.number, $0.link), .text($0.actionKind.label), .text($0.partyMasked), .text($0.subject), .text($0.startedOn), .text($0.actionStatus.label)] },
                         query: query),
                UI.pagination(Page(items: rows, total: total, request: request), query: query),
            ]
        }
        var content: [Node] = [
            UI.errorSummary(failure),
            el("form", [Attribute("method", "get"), Attribute("action", EnforcementRoute.actions.path()), .cls("filters"), Attribute("role", "search")], [
                UI.select("类别", name: "kind", options: ActionKind.allCases.map { ($0.rawValue, $0.label) }, selected: query["kind"], includeBlank: "全部"),
                el("div", [.cls("field")], [el("button", [.type("submit")], text: "筛选")]),
            ]),
            table,
        ]
        if principal.has(EnforcementPermissions.manage) {
            func field(_ label: String, _ name: String, type: String = "text") -> Node {
                UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), required: true)
            }
            content += [el("h2", text: "登记"), UI.form(action: EnforcementRoute.actions.path(), csrf: req.csrfToken, [
                UI.select("类别", name: "kind", options: ActionKind.allCases.map { ($0.rawValue, $0.label) }, selected: values["kind"], error: failure?.message(for: "kind"),
                          required: true, includeBlank: "请选择"),
                field("编号", "number"), field("实施单位编码", "unitCode"),
                UI.select("当事人类型", name: "partyKind", options: [("natural", "自然人"), ("legal", "法人"), ("other", "其他组织")], selected: values["partyKind"],
                          error: failure?.message(for: "partyKind"), required: true, includeBlank: "请选择"),
                field("当事人（申请人）", "party"), field("事由（申请事项）", "subject"), field("日期（收到申请日期）", "startedOn", type: "date"),
                el("button", [.type("submit")], text: "登记"),
            ])]
        }
        return Layout.page(req, title: "行政强制、许可与检查", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func show(_ req: Request, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let row = try await ActionService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        let officers = try await EnforcementOfficer.query(on: req.db).filter(\.$id ~~ row.officerIDs.split(separator: ",").compactMap { UUID(uuidString: String($0)) }).all()
        let calendar = try await CalendarService.current(services: req.fazhi, on: req.db)
        let clocks = try await ClockService.clocks(record: row.clockRecord, on: req.db).map {
            try ClockService.view($0, calendar: calendar, now: CivilDateTime(req.fazhi.now), warnWithin: req.fazhi.config.deadlineWarnWorkdays)
        }
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([("类别", .text(row.actionKind.label)), ("编号", .text(row.number)), ("当事人", .text(row.partyMasked)), ("事由", .text(row.subject)),
                        ("状态", .text(row.actionStatus.label)), ("执法人员", .text(officers.isEmpty ? "—" : officers.map(\.nameMasked).joined(separator: "、"))),
                        ("决定", .text(row.decision.map { "\(row.decidedOn ?? "") \($0)" } ?? "—")), ("公示", .text(row.publishedOn ?? "—"))]),
            el("h2", text: "法定期限"), DeadlinePages.clockSection(clocks),
            el("h2", text: "办理记录"), el("pre", text: row.history),
        ]
        func form(_ key: String, _ title: String, _ fields: [Node]) -> Node {
            el("details", [.cls("action")], [el("summary", text: title), UI.form(action: row.link, csrf: req.csrfToken,
                [.void("input", [.type("hidden"), .name("action"), .value(key)]), UI.field("日期", name: "on", value: CivilDateTime(req.fazhi.now).date.description, type: "date", required: true)]
                + fields + [el("button", [.type("submit")], text: title)])])
        }
        var forms: [Node] = []
        if principal.has(EnforcementPermissions.manage) {
            switch (row.actionKind, row.actionStatus) {
            case (.coercion, .registered):
                forms.append(form("impose", "实施强制措施", [
                    UI.field("措施", name: "measure", required: true, hint: "查封、扣押场所设施财物等；查封、扣押期限三十日（行政强制法第二十五条）"),
                    UI.field("执法证号", name: "officers", required: true, hint: "至少两名（行政强制法第十八条第二项）"),
                    UI.field("批准的负责人", name: "approvedBy", hint: "情况紧急当场实施的留空，须在二十四小时内补办批准（第十九条）"),
                    UI.field("实施时间", name: "time", hint: "当场实施的必填，如 14:30：二十四小时自实施时起计算（第十九条）"),
                ]))
            case (.coercion, .imposed):
                forms += [form("approve", "补办批准", [UI.field("时间", name: "time", value: "09:00"), UI.field("批准的负责人", name: "text")]),
                          form("extendSeizure", "延长查封扣押期限", [UI.field("延长天数", name: "days", hint: "期限届满前延长，合计不超过三十日（第二十五条第一款）"), UI.field("批准的负责人", name: "approver"), UI.field("理由", name: "text")]),
                          form("decide", "作出处理决定", [UI.field("决定内容", name: "text")]), form("lift", "解除", [UI.field("理由", name: "text")])]
            case (.coercion, .decided): forms += [form("lift", "解除", [UI.field("理由", name: "text")]), form("close", "办结", [])]
            case (.licence, .received):
                forms += [form("accept", "受理", []), form("refuse", "不予受理", [UI.field("理由", name: "text")])]
                if row.correctionRequestedOn == nil {
                    forms.append(form("requestCorrection", "告知补正", [UI.field("需要补正的全部内容", name: "text", hint: "收到申请材料后五个工作日内一次告知；逾期不告知的，自收到之日起即为受理（行政许可法第三十二条第一款第四项）")]))
                }
            case (.licence, .awaitingCorrection):
                forms.append(form("receiveCorrection", "收到补正材料", []))
            case (.licence, .accepted):
                forms += [form("extendLicence", "延长审查期限（10个工作日）", [UI.field("批准的负责人", name: "approver"), UI.field("理由", name: "text")]),
                          form("decide", "作出许可决定", [UI.select("决定", name: "granted", options: [("1", "准予许可"), ("0", "不予许可")], selected: "1"), UI.field("决定内容", name: "text")])]
            case (.licence, .decided): forms += row.granted == true ? [form("issue", "颁发证件", [])] : [form("close", "办结", [])]
            case (.licence, .issued): forms.append(form("close", "办结", []))
            case (.inspection, .accepted):
                forms.append(form("inspect", "记录检查", [UI.field("执法证号", name: "officers", required: true, hint: "至少两名"), UI.field("检查情况", name: "text")]))
            case (.inspection, .decided): forms.append(form("close", "办结", []))
            default: break
            }
            if row.actionKind != .inspection && row.decidedOn != nil && row.publishedOn == nil { forms.append(form("publish", "公示决定", [])) }
        }
        if !forms.isEmpty { content += [el("h2", text: "办理")] + forms }
        return Layout.page(req, title: "\(row.actionKind.label) \(row.number)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}

/// Figures of the other enforcement actions.
enum ActionMetrics {
    static func actions(_ kind: ActionKind, _ scope: MetricScope, _ db: any Database, by field: KeyPath<EnforcementAction, OptionalFieldProperty<EnforcementAction, String>>) -> QueryBuilder<EnforcementAction> {
        let query = EnforcementAction.query(on: db).filter(\.$kind == kind.rawValue).filter(field >= "\(scope.year)-01-01").filter(field < "\(scope.year + 1)-01-01")
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    @Sendable static func ref(_ row: EnforcementAction) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: row.number, link: row.link) }

    /// The year's decided actions by kind, read once for the three figures: one `GROUP BY` instead
    /// of a statement per kind (issue 16; the same rows `actions(_:_:_:by:)` lists).
    static func decidedByKind(_ scope: MetricScope, on db: any Database) async throws -> [String: Int] {
        try await MetricFamilyCache.counts("enforcement.actions-decided", scope: scope) {
            // For one county, SQLite's planner takes the (kind, decided_on) index and reads every
            // county's year; `+decided_on` leaves it the unit-path index, the county's rows alone
            // (province dataset: 60–85 ms → 3 ms a year in the sqlite3 shell).
            let decided: any SQLExpression = scope.unitPath != nil && DatabaseFlavor(db) == .sqlite ? SQLRaw("+decided_on") : SQLColumn("decided_on")
            var select = db.sql.select().column("kind").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(EnforcementAction.schema)
                .where(decided, .greaterThanOrEqual, SQLBind("\(scope.year)-01-01")).where(decided, .lessThan, SQLBind("\(scope.year + 1)-01-01"))
            if let path = scope.unitPath { select = select.where("unit_path", .like, SQLBind(path + "%")) }
            var counts: [String: Int] = [:]
            for row in try await select.groupBy("kind").all() {
                counts[try row.decode(column: "kind", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }

    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "enforcement.coercive-decisions", label: "行政强制措施处理决定", definition: "本年度对已实施的行政强制措施作出处理决定的件数", unit: .piece, compute: { scope, db in
                .count(try await decidedByKind(scope, on: db)[ActionKind.coercion.rawValue] ?? 0)
            }, records: .query({ scope, db in actions(.coercion, scope, db, by: \.$decidedOn) }, ref)),
            MetricDefinition(key: "enforcement.licence-decisions", label: "行政许可决定", definition: "本年度作出的行政许可决定（准予和不予）件数", unit: .piece, compute: { scope, db in
                .count(try await decidedByKind(scope, on: db)[ActionKind.licence.rawValue] ?? 0)
            }, records: .query({ scope, db in actions(.licence, scope, db, by: \.$decidedOn) }, ref)),
            MetricDefinition(key: "enforcement.inspection-records", label: "行政检查", definition: "本年度记录的行政检查次数（两名以上持证执法人员实施）", unit: .times, compute: { scope, db in
                .count(try await decidedByKind(scope, on: db)[ActionKind.inspection.rawValue] ?? 0)
            }, records: .query({ scope, db in actions(.inspection, scope, db, by: \.$decidedOn) }, ref)),
        ]
    }
}

/// Enforcement statistics by body: the registered figures evaluated for each body's subtree, so
/// the table and `/figures` can never disagree.
enum EnforcementStatisticsPage {
    static let keys = ["enforcement.penalty-cases", "enforcement.penalty-decisions", "enforcement.fines", "enforcement.major-reviewed-rate", "enforcement.decided-on-time-rate",
                       "enforcement.publication-on-time-rate", "enforcement.decisions-outside-benchmark", "enforcement.lenient-cases",
                       "enforcement.coercive-decisions", "enforcement.licence-decisions", "enforcement.inspection-records"]

    static func register(_ router: ModuleRouter) {
        router.page(.GET, EnforcementRoute.statistics, permission: EnforcementPermissions.read) { req in try await page(req) }
    }

    static func page(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let year = req.queryYear() ?? CivilDateTime(req.fazhi.now).date.year
        let registry = req.fazhi.metrics
        let definitions = keys.compactMap { registry.definition($0) }
        let bodies = try await EnforcementBody.query(on: req.db).all().filter { principal.covers(unitPath: $0.unitPath) }
        let units = try await OrgUnit.query(on: req.db).filter(\.$id ~~ bodies.map(\.unitID)).sort(\.$sortOrder).all()
        var rows: [[Node]] = []
        for unit in units {
            var cells: [Node] = [.text(unit.name)]
            for definition in definitions {
                let result = try await registry.evaluate(definition, scope: MetricScope(year: year, unitPath: unit.path, unitName: unit.name), on: req.db)
                cells.append(.text(result.value ?? "—"))
            }
            rows.append(cells)
        }
        var total: [Node] = [.text(principal.isCountyWide ? "全县" : principal.unitName)]
        for definition in definitions {
            let result = try await registry.evaluate(definition, scope: MetricScope(year: year, unitPath: principal.scopePrefix, unitName: ""), on: req.db)
            total.append(.text(result.value ?? "—"))
        }
        rows.append(total)
        return Layout.page(req, title: "\(year)年行政执法统计", content: [
            el("p", text: "各项数字即指标登记中的同名指标，按单位（含下属单位）计算；“—”表示无数据。定义见“指标”页。"),
            el("form", [Attribute("method", "get"), Attribute("action", EnforcementRoute.statistics.path()), .cls("filters")], [
                UI.field("年度", name: "year", value: String(year)), el("div", [.cls("field")], [el("button", [.type("submit")], text: "查看")]),
            ]),
            UI.simpleTable(caption: "按执法主体", headers: ["单位"] + definitions.map { "\($0.label)（\($0.unit.rawValue)）" }, rows: rows),
        ])
    }
}

/// The total of the year's fines, in 万元, as annual reports state it.
enum FineMetrics {
    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "enforcement.fines", label: "罚款金额", definition: "本年度作出的行政处罚决定的罚款合计（万元）", unit: .tenThousandYuan, compute: { scope, db in
                // SUM in the database; a year without decisions is missing, never 0.
                let decided = try await PenaltyMetrics.decided(scope, on: db)
                guard (decided["decided"] ?? 0) > 0 else { return .missing }
                return .amount(Decimal(decided["fines"] ?? 0) / 10_000)
            }, records: .query({ scope, db in PenaltyMetrics.cases(scope, db, by: \.$decidedOn).filter(\.$fineYuan != nil) }, PenaltyMetrics.ref)),
        ]
    }
}
