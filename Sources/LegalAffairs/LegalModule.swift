import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import FluentSQL
import Foundation
import MajorDecisions
import NormativeDocuments
import SQLKit
import Vapor

public enum LegalPermissions {
    public static let read = Permission("legal.read", "查看合法性审查和法律顾问")
    public static let submit = Permission("legal.submit", "送审合同、行政协议和其他事项")
    public static let review = Permission("legal.review", "出具合法性审查意见")
    public static let advisers = Permission("legal.advisers", "管理法律顾问和公职律师名册")

    static let all = [read, submit, review, advisers]

    /// The justice bureau keeps the queue and the roster; departments and townships send their
    /// contracts and record whether they adopted the opinion.
    static let grants: [Role: [Permission]] = [
        .supervisor: [read, submit, review, advisers],
        .leader: [read],
        .departmentOfficer: [read, submit],
        .legalReviewer: [read],
        .townshipStaff: [read, submit],
    ]
}

/// 合法性审查 (one queue in the justice bureau for documents, major decisions, 行政协议, contracts and
/// other matters) and the 法律顾问 / 公职律师 rosters with their coverage.
public enum LegalAffairsModule {
    public static let manifest = FazhiModule(
        id: "legal",
        name: "合法性审查和法律顾问",
        migrations: LegalMigrations.all,
        permissions: LegalPermissions.all,
        grants: LegalPermissions.grants,
        menu: [
            MenuEntry(title: "合法性审查", route: LegalRoute.reviews, permission: LegalPermissions.read, section: "依法决策"),
            MenuEntry(title: "法律顾问", route: LegalRoute.advisers, permission: LegalPermissions.read, section: "依法决策"),
        ],
        routes: { router in
            LegalPages.register(router)
            LegalAPI.register(router)
        },
        metrics: LegalMetrics.all,
        importers: [ReviewLedgerImporter(), AdviserImporter()],
        demoSeed: { context in try await LegalDemo.seed(context) },
        clockKinds: LegalClocks.all,
        dashboardWidgets: [DashboardWidget(id: "legal", permission: LegalPermissions.read) { req in try await LegalPages.widget(req) }],
        unitPathColumns: [UnitPathColumn(LegalityReview.schema), UnitPathColumn(LegalAdviserAssignment.schema), UnitPathColumn(LegalAdviser.schema)],
        ruleSettings: LegalSettings.all
    )
}

enum LegalPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, LegalRoute.reviews, permission: LegalPermissions.read) { req in try await queue(req, values: [:], failure: nil) }
        router.form(LegalRoute.reviews, permission: LegalPermissions.submit, submit: { req, fields in
            let row = try await LegalService.submit(kind: fields["kind"], title: fields["title"], unitCode: fields["unitCode"], counterparty: fields["counterparty"],
                                                    amount: fields["amount"], submittedOn: fields["submittedOn"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已送审 \(row.title)")
        }, reshow: { req, fields, failure in try await queue(req, values: fields.values, failure: failure) })
        router.imports(ReviewLedgerImporter(), page: LegalRoute.reviewsImport, template: LegalRoute.reviewsImportTemplate)
        router.imports(AdviserImporter(), page: LegalRoute.advisersImport, template: LegalRoute.advisersImportTemplate)
        router.page(.GET, LegalRoute.review, permission: LegalPermissions.read) { req in try await show(req, values: [:], failure: nil) }
        router.form(LegalRoute.reviewSteps, permission: LegalPermissions.submit, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            let principal = try req.caller
            let action: ReviewAction
            switch fields.text("step") {
            case "opinion":
                guard principal.has(LegalPermissions.review) else {
                    throw ValidationFailure(field: "step", label: "操作", message: "审查意见由司法行政部门（合法性审查机构）出具")
                }
                action = .opinion(on: try fields.date("on", label: "日期"), text: fields.text("text"))
            case "adopted": action = .adoption(adopted: true)
            case "rejected": action = .adoption(adopted: false)
            default: throw ValidationFailure(field: "step", label: "操作", message: "请选择操作")
            }
            try await LegalService.perform(action, on: id, by: principal, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: LegalRoute.review.path(id), notice: "已记录")
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
        router.page(.GET, LegalRoute.advisers, permission: LegalPermissions.read) { req in try await advisers(req, values: [:], failure: nil) }
        router.form(LegalRoute.advisers, permission: LegalPermissions.advisers, submit: { req, fields in
            let row = try await LegalService.addAdviser(name: fields["name"], kind: fields["kind"], employer: fields["employer"], contact: fields["contact"],
                                                        termFrom: fields["termFrom"], termTo: fields["termTo"], unitCodes: fields["unitCodes"],
                                                        by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: LegalRoute.advisers.path(), notice: "已登记 \(row.name)")
        }, reshow: { req, fields, failure in try await advisers(req, values: fields.values, failure: failure) })
        router.form(LegalRoute.adviserServices, permission: LegalPermissions.advisers, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            try await LegalService.recordService(adviser: id, on: fields["on"], hours: fields["hours"], opinions: fields["opinions"], note: fields["note"],
                                                 by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: LegalRoute.advisers.path(), notice: "已记录")
        }, reshow: { req, fields, failure in try await advisers(req, values: fields.values, failure: failure) })
    }

    /// The dashboard card: reviews waiting for an opinion, advisers' terms ending soon.
    static func widget(_ req: Request) async throws -> Node {
        let warn = req.fazhi.rule(LegalSettings.expiryWarning)
        // Counted once per change of the records (the day is part of the version), per scope.
        let (waiting, expiring) = try await req.keptForScope("legal.widget|\(warn)") { read in
            let waiting = try await LegalityReview.scoped(in: read.scope, on: read.db).filter(\.$opinionOn == nil).count()
            let expiring = try await LegalAdviser.scoped(in: read.scope, on: read.db).filter(\.$termTo >= read.today.description)
                .filter(\.$termTo <= read.today.adding(days: warn).description).count()
            return (waiting, expiring)
        }
        return el("section", [.cls("widget"), .aria("labelledby", "legal-heading")], [
            el("h2", [.id("legal-heading")], text: "合法性审查和法律顾问"),
            el("p", text: "待审查的合同和其他事项 \(waiting) 件；法律顾问、公职律师聘期 \(warn) 日内届满 \(expiring) 人。"),
            el("p", [], [link("审查队列", LegalRoute.reviews.path()), .text(" · "), link("法律顾问名册", LegalRoute.advisers.path())]),
        ])
    }

    static func yuan(_ amount: Int64?) -> String {
        guard let amount else { return "—" }
        return "\(Decimal(amount) / 10_000)万元"
    }

    /// One line of the queue, whichever module the matter is in.
    struct Waiting {
        var kind: String; var title: String; var link: String; var unitID: UUID; var submittedOn: String; var due: String
    }

    /// The justice bureau's queue: every review waiting for an opinion, oldest first.
    static func queue(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let services = req.fazhi
        // The two tables, kept until a record changes (`Request.keptList`; the rule setting read
        // below is the process's configuration, fixed while it runs): the queue read each waiting
        // item's clock one by one on every visit (issue 16: 240 requests a second on the demo county).
        let tables = try await req.keptList("legal.queue", query: ListQuery(req, path: LegalRoute.reviews.path(), keys: [])) { read in
            let calendar = try await CalendarService.current(services: services, on: read.db)
            var waiting: [Waiting] = []
            for row in try await LegalityReview.scoped(in: read.scope, on: read.db).filter(\.$opinionOn == nil).sort(\.$submittedOn).limit(500).all() {
                let clock = try await ClockService.openClock(kind: LegalClocks.review.key, record: row.clockRecord, on: read.db)
                waiting.append(Waiting(kind: ReviewKind(rawValue: row.kind)?.label ?? row.kind, title: row.title, link: row.link, unitID: row.unitID,
                                       submittedOn: row.submittedOn, due: clock?.dueDate ?? "—"))
            }
            for row in try await NormativeDocument.scoped(in: read.scope, on: read.db).filter(\.$stage == DocumentStage.reviewing.rawValue).limit(500).all() {
                let clock = try await ClockService.openClock(kind: DocumentClocks.review.key, record: row.clockRecord, on: read.db)
                waiting.append(Waiting(kind: "规范性文件", title: row.title, link: row.link, unitID: row.unitID, submittedOn: row.reviewSubmittedOn ?? "", due: clock?.dueDate ?? "—"))
            }
            for row in try await MajorDecision.scoped(in: read.scope, on: read.db).filter(\.$legalitySubmittedOn != nil).limit(500).all() {
                // The 条例 sets a minimum, not a limit: the opinion comes no earlier than this.
                let minimum = services.rule(DecisionSettings.legalityReview)
                let earliest = CivilDate(row.legalitySubmittedOn ?? "").map { calendar.workday(minimum, after: $0) }
                waiting.append(Waiting(kind: "重大行政决策", title: row.title, link: row.link, unitID: row.unitID, submittedOn: row.legalitySubmittedOn ?? "",
                                       due: earliest.map { "审查时间不少于\(minimum)个工作日（\($0)）" } ?? "—"))
            }
            waiting.sort { ($0.submittedOn, $0.title) < ($1.submittedOn, $1.title) }
            let done = try await LegalityReview.scoped(in: read.scope, on: read.db).filter(\.$opinionOn != nil).sort(\.$opinionOn, .descending).limit(50).all()
            let names = try await services.unitNames.of(Set(waiting.map(\.unitID)).union(done.map(\.unitID)), services: services, on: read.db)
            return [
                UI.simpleTable(caption: "待审查（\(waiting.count)件）", headers: ["类别", "名称", "送审单位", "送审日期", "期限"], rows: waiting.map {
                    [.text($0.kind), link($0.title, $0.link), .text(names[$0.unitID] ?? "—"), .text($0.submittedOn), .text($0.due)]
                }),
                UI.simpleTable(caption: "近期已审查的合同和其他事项", headers: ["类别", "名称", "送审单位", "金额", "意见日期", "采纳"], rows: done.map {
                    [.text(ReviewKind(rawValue: $0.kind)?.label ?? $0.kind), link($0.title, $0.link), .text(names[$0.unitID] ?? "—"), .text(yuan($0.amountYuan)),
                     .text($0.opinionOn ?? ""), .text($0.adopted.map { $0 ? "已采纳" : "未采纳" } ?? "—")]
                }),
            ]
        }
        var content: [Node] = [
            UI.errorSummary(failure),
            tables,
        ]
        if principal.has(LegalPermissions.submit) {
            func field(_ label: String, _ name: String, type: String = "text", required: Bool = true) -> Node {
                UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), required: required)
            }
            content.append(UI.form(action: LegalRoute.reviews.path(), csrf: req.csrfToken, [
                el("h2", text: "送审合同、行政协议或其他事项"),
                principal.has(LegalPermissions.review) ? link("导入审查台账", LegalRoute.reviewsImport.path()) : .empty,
                UI.select("类别", name: "kind", options: ReviewKind.allCases.map { ($0.rawValue, $0.label) }, selected: values["kind"], error: failure?.message(for: "kind")),
                field("名称", "title"), field("送审单位编码", "unitCode"), field("相对方", "counterparty", required: false),
                field("金额（万元）", "amount", required: false), field("送审日期", "submittedOn", type: "date"),
                el("button", [.type("submit")], text: "送审"),
            ]))
        }
        return Layout.page(req, title: "合法性审查", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func show(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        let row = try await LegalityReview.find(id, for: principal, on: req.db)
        let unit = try await req.fazhi.unitNames.of([row.unitID], services: req.fazhi, on: req.db)[row.unitID]
        let clock = try await ClockService.clocks(record: row.clockRecord, on: req.db).first
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("类别", .text(ReviewKind(rawValue: row.kind)?.label ?? row.kind)), ("送审单位", .text(unit ?? "—")), ("相对方", .text(row.counterparty ?? "—")),
                ("金额", .text(yuan(row.amountYuan))), ("送审日期", .text(row.submittedOn)), ("审查期限", .text(clock?.dueDate ?? "—")),
                ("审查意见", .text(row.opinionOn.map { "\($0)：\(row.opinion ?? "")" } ?? "尚未出具")),
                ("采纳情况", .text(row.adopted.map { $0 ? "已采纳" : "未采纳" } ?? "—")),
            ]),
        ]
        if principal.has(LegalPermissions.submit) {
            content.append(UI.form(action: LegalRoute.reviewSteps.path(id), csrf: req.csrfToken, [
                UI.select("操作", name: "step", options: [("opinion", "出具审查意见（司法行政部门）"), ("adopted", "审查意见已采纳"), ("rejected", "审查意见未采纳")],
                          selected: values["step"], error: failure?.message(for: "step") ?? failure?.message(for: "action")),
                UI.field("日期", name: "on", value: values["on"], type: "date", error: failure?.message(for: "on")),
                UI.field("审查意见", name: "text", value: values["text"], error: failure?.message(for: "text")),
                el("button", [.type("submit")], text: "记录"),
            ]))
        }
        content.append(link("返回审查队列", LegalRoute.reviews.path()))
        return Layout.page(req, title: row.title, status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func advisers(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let today = CivilDateTime(req.fazhi.now).date
        let rows = try await LegalAdviser.scoped(for: principal, on: req.db).sort(\.$termTo).limit(1_000).all()
        let ids = rows.compactMap(\.id)
        let assignments = ids.isEmpty ? [] : try await LegalAdviserAssignment.query(on: req.db).filter(\.$adviserID ~~ ids).all()
        let names = try await req.fazhi.unitNames.of(Set(assignments.map(\.unitID)), services: req.fazhi, on: req.db)
        let served = Dictionary(grouping: assignments, by: \.adviserID)
        struct Totals: Decodable { var adviser_id: UUID; var hours: Int; var opinions: Int }
        let totals = ids.isEmpty ? [] : try await (req.db as! any SQLDatabase).select()
            .column("adviser_id").column(SQLRaw("CAST(SUM(hours) AS BIGINT)"), as: "hours").column(SQLRaw("CAST(SUM(opinions) AS BIGINT)"), as: "opinions")
            .from(LegalAdviserService.schema).where("adviser_id", .in, SQLBind.group(ids)).groupBy("adviser_id").all(decoding: Totals.self)
        let byAdviser = Dictionary(uniqueKeysWithValues: totals.map { ($0.adviser_id, $0) })
        var coverage: [[Node]] = []
        let scope = MetricScope(year: today.year, unitPath: principal.scopePrefix, unitName: "")
        for (label, kinds) in LegalMetrics.coverageKinds {
            let total = try await LegalMetrics.units(scope, kinds: kinds, on: req.db).count()
            let covered = try await LegalMetrics.covered(scope, kinds: kinds, on: req.db, day: today).count()
            coverage.append([.text(label), .text("\(covered) / \(total)"), .text(total == 0 ? "—" : "\(covered * 100 / total)%")])
        }
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.simpleTable(caption: "法律顾问覆盖（\(today)）", headers: ["单位类型", "已配备 / 单位数", "覆盖率"], rows: coverage),
            UI.simpleTable(caption: "法律顾问和公职律师名册", headers: ["姓名", "类别", "所在律所或单位", "联系电话", "聘期", "服务单位", "工作小时", "法律意见"], rows: rows.map { row in
                let until = CivilDate(row.termTo)
                let term = "\(row.termFrom) 至 \(row.termTo)" + (until.map { LegalRules.expiring(to: $0, on: today, settings: LegalSettings.current(req.fazhi)) ? "（即将到期，请续聘）" : ($0 < today ? "（已到期）" : "") } ?? "")
                return [.text(row.name), .text(AdviserKind(rawValue: row.kind)?.label ?? row.kind), .text(row.employer), .text(row.contactMasked ?? "—"), .text(term),
                        .text((served[row.id!] ?? []).compactMap { names[$0.unitID] }.sorted().joined(separator: "、")),
                        .text("\(byAdviser[row.id!]?.hours ?? 0)"), .text("\(byAdviser[row.id!]?.opinions ?? 0)")]
            }),
        ]
        if principal.has(LegalPermissions.advisers) {
            func field(_ label: String, _ name: String, type: String = "text", required: Bool = true, hint: String? = nil) -> Node {
                UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), required: required, hint: hint)
            }
            content += [
                UI.form(action: LegalRoute.advisers.path(), csrf: req.csrfToken, [
                    el("h2", text: "登记法律顾问或公职律师"),
                    link("导入名册", LegalRoute.advisersImport.path()),
                    field("姓名", "name"),
                    UI.select("类别", name: "kind", options: AdviserKind.allCases.map { ($0.rawValue, $0.label) }, selected: values["kind"], error: failure?.message(for: "kind")),
                    field("所在律师事务所或单位", "employer"), field("联系电话", "contact", required: false),
                    field("聘期开始", "termFrom", type: "date"), field("聘期截止", "termTo", type: "date"),
                    field("服务单位编码", "unitCodes", hint: "以逗号或空格分隔，可填部门、乡镇、村（社区）"),
                    el("button", [.type("submit")], text: "登记"),
                ]),
            ]
            if !rows.isEmpty {
                content.append(el("h2", text: "记录服务情况"))
                for row in rows.prefix(50) {
                    content.append(UI.form(action: LegalRoute.adviserServices.path(row.id!), csrf: req.csrfToken, [
                        el("p", text: row.name),
                        UI.field("日期", name: "on", value: nil, type: "date"), UI.field("工作小时", name: "hours", value: nil),
                        UI.field("出具法律意见（件）", name: "opinions", value: nil), UI.field("事项", name: "note", value: nil),
                        el("button", [.type("submit")], text: "记录"),
                    ]))
                }
            }
        }
        return Layout.page(req, title: "法律顾问和公职律师", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}
