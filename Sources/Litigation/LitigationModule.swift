import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

public enum LitigationPermissions {
    public static let read = Permission("litigation.read", "查看行政应诉案件")
    public static let handle = Permission("litigation.handle", "办理行政应诉案件")
    public static let importCases = Permission("litigation.import", "导入行政应诉台账")

    static let all = [read, handle, importCases]

    /// Every defendant unit answers its own lawsuits (unit scope); the justice bureau oversees all.
    static let grants: [Role: [Permission]] = [
        .supervisor: [read, handle, importCases],
        .leader: [read],
        .departmentOfficer: [read, handle, importCases],
        .legalReviewer: [read, handle],
        .townshipStaff: [read, handle],
    ]
}

/// 行政应诉: lawsuits against the county's units, court sessions with the head's appearance,
/// judgments, figures, import.
public enum LitigationModule {
    public static let manifest = FazhiModule(
        id: "litigation",
        name: "行政应诉",
        migrations: LitigationMigrations.all,
        permissions: LitigationPermissions.all,
        grants: LitigationPermissions.grants,
        menu: [MenuEntry(title: "行政应诉", route: LitigationRoute.list, permission: LitigationPermissions.read, section: "业务办理")],
        routes: { router in LitigationPages.register(router) },
        metrics: LitigationMetrics.all,
        importers: [LawsuitImporter()],
        demoSeed: { context in try await LitigationDemo.seed(context) },
        clockKinds: LitigationClocks.all,
        unitPathColumns: [UnitPathColumn("lawsuits", "defendant_path"), UnitPathColumn("lawsuit_hearings", "defendant_path"), UnitPathColumn("lawsuit_recommendations", "defendant_path")]
    )
}

extension LawsuitInput {
    /// The registration form as posted (field names are the input's property names).
    init(_ fields: FormFields) {
        self.init(caseNumber: fields["caseNumber"], court: fields["court"], instance: fields["instance"], filedOn: fields["filedOn"],
                  servedOn: fields["servedOn"], defendantCode: fields["defendantCode"], coDefendant: fields["coDefendant"],
                  reconsiderationCaseNumber: fields["reconsiderationCaseNumber"], plaintiff: fields["plaintiff"], cause: fields["cause"])
    }
}

enum LitigationPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, LitigationRoute.list, permission: LitigationPermissions.read) { req in try await list(req) }
        router.page(.GET, LitigationRoute.new, permission: LitigationPermissions.handle) { req in formPage(req, form: LawsuitInput(instance: "first"), failure: nil) }
        router.form(LitigationRoute.new, permission: LitigationPermissions.handle, submit: { req, fields in
            let row = try await LawsuitService.create(LawsuitInput(fields), by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已登记 \(row.caseNumber)")
        }, reshow: { req, fields, failure in formPage(req, form: LawsuitInput(fields), failure: failure) })
        router.page(.GET, LitigationRoute.importPage, permission: LitigationPermissions.importCases) { req in
            ImportPages.page(req, importer: LawsuitImporter(), action: LitigationRoute.importPage.path(), report: nil)
        }
        router.page(.GET, LitigationRoute.importTemplate, permission: LitigationPermissions.importCases) { _ in ImportPages.template(LawsuitImporter()) }
        router.page(.POST, LitigationRoute.importPage, permission: LitigationPermissions.importCases, body: .collect(maxSize: "20mb")) { req in
            try await ImportPages.handle(req, importer: LawsuitImporter(), action: LitigationRoute.importPage.path())
        }
        router.page(.GET, LitigationRoute.statistics, permission: LitigationPermissions.read) { req in try await LitigationStatistics.page(req) }
        router.page(.GET, LitigationRoute.export, permission: LitigationPermissions.importCases) { req in try await LitigationStatistics.exportCSV(req) }
        LitigationStatistics.registerAPI(router)
        router.page(.GET, LitigationRoute.lawsuit, permission: LitigationPermissions.read) { req in try await show(req, failure: nil) }
        let reshow: @Sendable (Request, FormFields, ValidationFailure) async throws -> Response = { req, _, failure in try await show(req, failure: failure) }
        router.form(LitigationRoute.recommendations, permission: LitigationPermissions.handle, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            try await RecommendationService.record(lawsuitID: id, procuratorial: fields["kind"] == "procuratorial", receivedOn: try fields.date("on", label: "日期"),
                                                   content: fields.text("text"), by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: LitigationRoute.lawsuit.path(id), notice: "已登记")
        }, reshow: reshow)
        router.form(LitigationRoute.recommendationReply, permission: LitigationPermissions.handle, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            let date = try fields.date("on", label: "日期")
            try await RecommendationService.reply(recommendationID: try req.parameters.require("recommendation", as: UUID.self), on: date,
                                                  reply: fields.text("text"), by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: LitigationRoute.lawsuit.path(id), notice: "已记录回复")
        }, reshow: reshow)
        router.form(LitigationRoute.steps, permission: LitigationPermissions.handle, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            let principal = try req.caller
            let date = try fields.date("on", label: "日期")
            switch fields.text("step") {
            case "defence":
                try await LawsuitService.fileDefence(id, on: date, by: principal, services: req.fazhi, on: req.db)
            case "hearing":
                try await LawsuitService.addHearing(id, heldOn: date, headAppeared: fields.flag("headAppeared"), headName: fields["headName"], headPost: fields["headPost"],
                                                    substitute: fields["substitute"], by: principal, services: req.fazhi, on: req.db)
            case "judgment":
                guard let judgment = Judgment(rawValue: fields.text("judgment")) else {
                    throw ValidationFailure(field: "judgment", label: "裁判结果", message: "请选择裁判结果")
                }
                try await LawsuitService.recordJudgment(id, judgment: judgment, on: date, appealed: fields.flag("appealed"), performance: fields["performance"],
                                                        by: principal, services: req.fazhi, on: req.db)
            default:
                throw ValidationFailure(field: "step", label: "操作", message: "未知操作")
            }
            return Layout.redirect(req, to: LitigationRoute.lawsuit.path(id), notice: "已记录")
        }, reshow: reshow)
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: LitigationRoute.list.path(), keys: ["year", "q", "page"])
        // Kept until a record changes (`Request.keptList`): the count and the page are read once
        // per change, not on every visit (issue 16).
        let services = req.fazhi
        let table = try await req.keptList("litigation.cases", query: query) { read in
            let builder = Lawsuit.scoped(in: read.scope, on: read.db)
            if let year = RequestNumbers.year(query["year"]) { builder.filter(\.$filedOn >= "\(year)-01-01").filter(\.$filedOn < "\(year + 1)-01-01") }
            if let q = query["q"], !q.isEmpty { builder.filter(\.$caseNumber ~~ q) }
            let request = PageRequest(number: query.page)
            let total = try await builder.count()
            let rows = try await builder.sort(\.$filedOn, .descending).range(request.offset..<(request.offset + request.size)).all()
            let names = try await services.unitNames.of(Set(rows.map(\.defendantID)), services: services, on: read.db)
            return [
                UI.table(caption: "行政诉讼案件（原告信息已脱敏）", columns: [
                    UI.Column("法院"), UI.Column("案号"), UI.Column("审级"), UI.Column("立案"), UI.Column("被告"), UI.Column("原告"), UI.Column("裁判结果"),
                ], rows: rows.map { row in
                    [.text(row.court), link(row.caseNumber, row.link), .text(Instance(rawValue: row.instance)?.label ?? row.instance), .text(row.filedOn),
                     .text(names[row.defendantID] ?? "—"), .text(row.plaintiffMasked), .text(row.caseJudgment.map { $0.label + ($0.isLoss ? "（败诉）" : "") } ?? "未审结")]
                }, query: query),
                UI.pagination(Page(items: rows, total: total, request: request), query: query),
            ]
        }
        var actions: [Node] = []
        if principal.has(LitigationPermissions.handle) { actions.append(link("登记案件", LitigationRoute.new.path(), [.cls("button")])) }
        actions.append(link("分项统计", LitigationRoute.statistics.path()))
        if principal.has(LitigationPermissions.importCases) {
            actions.append(link("导入台账", LitigationRoute.importPage.path()))
            actions.append(link("导出台账（CSV）", LitigationRoute.export.path() + (query["year"].map { "?year=\($0)" } ?? "")))
        }
        return Layout.page(req, title: "行政应诉", content: [
            el("div", [.cls("actions")], actions),
            el("form", [Attribute("method", "get"), Attribute("action", LitigationRoute.list.path()), .cls("filters"), Attribute("role", "search")], [
                UI.field("案号", name: "q", value: query["q"]), UI.field("立案年度", name: "year", value: query["year"]),
                el("div", [.cls("field")], [el("button", [.type("submit")], text: "筛选")]),
            ]),
            table,
        ])
    }

    static func formPage(_ req: Request, form: LawsuitInput, failure: ValidationFailure?) -> Response {
        func field(_ label: String, _ name: String, _ value: String?, type: String = "text", required: Bool = false, hint: String? = nil) -> Node {
            UI.field(label, name: name, value: value, type: type, error: failure?.message(for: name), required: required, hint: hint)
        }
        return Layout.page(req, title: "登记行政诉讼案件", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.form(action: LitigationRoute.new.path(), csrf: req.csrfToken, [
                field("法院", "court", form.court, required: true),
                field("案号", "caseNumber", form.caseNumber, required: true),
                UI.select("审级", name: "instance", options: Instance.allCases.map { ($0.rawValue, $0.label) }, selected: form.instance, error: failure?.message(for: "instance")),
                field("立案日期", "filedOn", form.filedOn, type: "date", required: true),
                field("收到起诉状副本日期", "servedOn", form.servedOn, type: "date", hint: "应当在收到之日起十五日内提交答辩状和证据（行政诉讼法第六十七条）"),
                field("被告单位编码", "defendantCode", form.defendantCode, required: true),
                UI.select("复议机关为共同被告", name: "coDefendant", options: [("否", "否"), ("是", "是（复议维持，行政诉讼法第二十六条第二款）")], selected: form.coDefendant ?? "否"),
                field("关联复议案号", "reconsiderationCaseNumber", form.reconsiderationCaseNumber),
                field("原告", "plaintiff", form.plaintiff, required: true, hint: "加密保存，列表中脱敏显示"),
                field("案由", "cause", form.cause, required: true),
                el("button", [.type("submit")], text: "登记"),
            ]),
        ])
    }

    static func show(_ req: Request, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let services = req.fazhi
        let row = try await LawsuitService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        let defendant = try await OrgUnit.find(row.defendantID, on: req.db)
        let hearings = try await LawsuitHearing.query(on: req.db).filter(\.$lawsuit.$id == row.id!).sort(\.$heldOn).all()
        let calendar = try await CalendarService.current(services: services, on: req.db)
        let now = CivilDateTime(services.now)
        let recommendations = try await LawsuitRecommendation.query(on: req.db).filter(\.$lawsuit.$id == row.id!).sort(\.$receivedOn).all()
        var clockRows = try await ClockService.clocks(record: row.clockRecord, on: req.db)
        for item in recommendations { clockRows += try await ClockService.clocks(record: item.clockRecord, on: req.db) }
        let clocks = try clockRows.map {
            try ClockService.view($0, calendar: calendar, now: now, warnWithin: services.config.deadlineWarnWorkdays)
        }
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("法院、案号", .text("\(row.court) \(row.caseNumber)（\(Instance(rawValue: row.instance)?.label ?? "")）")),
                ("被告", .text((defendant?.name ?? "—") + (row.reconsiderationCoDefendant ? "；复议机关为共同被告" : ""))),
                ("原告", .text(row.plaintiffMasked)),
                ("案由", .text(row.cause)),
                ("立案", .text(row.filedOn)),
                ("收到起诉状副本", .text(row.servedOn ?? "—")),
                ("答辩", .text(row.defenceOn ?? "未提交")),
                ("裁判结果", .text(row.caseJudgment.map { "\($0.label)（\($0.article)）\($0.isLoss ? "，败诉" : "")，\(row.judgmentOn ?? "")" } ?? "未审结")),
            ]),
            el("h2", text: "法定期限"),
            DeadlinePages.clockSection(clocks),
            el("h2", text: "开庭与负责人出庭"),
            UI.simpleTable(caption: "庭审记录", headers: ["开庭日期", "负责人出庭", "出庭负责人", "代为出庭人员"], rows: hearings.map {
                [.text($0.heldOn), .text($0.headAppeared ? "是" : "否"), .text([$0.headName, $0.headPost].compactMap { $0 }.joined(separator: "，")), .text($0.substitute ?? "")]
            }),
        ]
        content.append(el("h2", text: "司法建议、检察建议"))
        content.append(UI.simpleTable(caption: "建议及回复", headers: ["类别", "收到日期", "内容", "回复"], rows: recommendations.map { item in
            [.text(item.kindLabel), .text(item.receivedOn), el("span", [.id("recommendation-\(item.id!)")], text: item.content),
             item.repliedOn.map { .text("\($0)：\(item.reply ?? "")") } ?? (principal.has(LitigationPermissions.handle)
                ? UI.form(action: LitigationRoute.recommendationReply.path(row.id!, item.id!), csrf: req.csrfToken, [
                    UI.field("回复日期", name: "on", value: now.date.description, type: "date", required: true), UI.field("回复内容", name: "text"),
                    el("button", [.type("submit")], text: "记录回复"),
                ]) : .text("未回复"))]
        }))
        if principal.has(LitigationPermissions.handle) {
            content.append(el("details", [.cls("action")], [el("summary", text: "登记司法建议或检察建议"), UI.form(action: LitigationRoute.recommendations.path(row.id!), csrf: req.csrfToken, [
                UI.select("类别", name: "kind", options: [("judicial", "司法建议"), ("procuratorial", "检察建议（默认二个月内书面回复）")], selected: "judicial"),
                UI.field("收到日期", name: "on", value: now.date.description, type: "date", required: true),
                UI.field("建议内容", name: "text", required: true),
                el("button", [.type("submit")], text: "登记"),
            ])]))
            let action = LitigationRoute.steps.path(row.id!)
            func form(_ step: String, _ title: String, _ fields: [Node]) -> Node {
                el("details", [.cls("action")], [el("summary", text: title), UI.form(action: action, csrf: req.csrfToken,
                    [.void("input", [.type("hidden"), .name("step"), .value(step)]), UI.field("日期", name: "on", value: now.date.description, type: "date", required: true)]
                    + fields + [el("button", [.type("submit")], text: title)])])
            }
            content.append(el("h2", text: "办理"))
            if row.defenceOn == nil { content.append(form("defence", "提交答辩状", [])) }
            content.append(form("hearing", "登记开庭", [
                UI.select("负责人是否出庭", name: "headAppeared", options: [("1", "是"), ("0", "否")], selected: "1"),
                UI.field("出庭负责人", name: "headName"), UI.field("职务", name: "headPost", hint: "正职、副职或其他参与分管的负责人（行政诉讼法司法解释第一百二十八条）"),
                UI.field("代为出庭人员", name: "substitute", hint: "负责人未出庭时填写，应为本机关工作人员"),
            ]))
            if row.judgment == nil {
                content.append(form("judgment", "登记裁判结果", [
                    UI.select("裁判结果", name: "judgment", options: Judgment.allCases.map { ($0.rawValue, "\($0.label)（\($0.article)）") }, selected: nil, required: true, includeBlank: "请选择"),
                    UI.select("是否上诉", name: "appealed", options: [("0", "否"), ("1", "是")], selected: "0"),
                    UI.select("履行情况", name: "performance", options: [("不涉及", "不涉及"), ("已履行", "已履行"), ("未履行", "未履行")], selected: "不涉及"),
                ]))
            }
        }
        return Layout.page(req, title: "行政应诉 \(row.caseNumber)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}

/// The demo county's lawsuits: a year of cases with sessions, some answered by the head, some not.
enum LitigationDemo {
    static func seed(_ context: DemoContext) async throws {
        let by = Principal.system("演示数据")
        let today = CivilDateTime(context.now).date
        let defendants = ["SFX-GOV", "SFX-SCJG", "SFX-ZRZY", "SFX-RS", "SFX-ZHZF", "SFX-DL"]
        let judgments: [Judgment?] = [.dismissClaims, .dismissClaims, .withdrawn, .annul, nil, .dismissSuit, nil, .declareUnlawful]
        for index in 0..<16 {
            let filed = today.adding(days: -(10 + index * 19))
            let served = filed.adding(days: 3)
            let row = try await LawsuitService.create(LawsuitInput(
                caseNumber: "（\(filed.year)）示行初\(100 + index)号", court: "示范县人民法院", instance: "first", filedOn: filed.description,
                servedOn: served <= today ? served.description : nil, defendantCode: defendants[index % defendants.count],
                coDefendant: index % 5 == 0 ? "是" : "否", plaintiff: ["王某某", "示范县宏达商贸有限公司", "李某、张某"][index % 3],
                cause: ["行政处罚", "政府信息公开", "行政强制", "工伤认定"][index % 4]), by: by, services: context.services, on: context.database)
            if index % 4 != 1, served.adding(days: 12) <= today {
                try await LawsuitService.fileDefence(row.id!, on: served.adding(days: 12), by: by, services: context.services, on: context.database)
            }
            let hearingOn = filed.adding(days: 45)
            if hearingOn <= today {
                let head = index % 6 != 3
                try await LawsuitService.addHearing(row.id!, heldOn: hearingOn, headAppeared: head, headName: head ? "赵局长" : nil, headPost: head ? "副局长" : nil,
                                                    substitute: head ? nil : "法制科科长", by: by, services: context.services, on: context.database)
            }
            if let judgment = judgments[index % judgments.count], filed.adding(days: 90) <= today {
                try await LawsuitService.recordJudgment(row.id!, judgment: judgment, on: filed.adding(days: 90), appealed: judgment.isLoss,
                                                        performance: judgment.isLoss ? "已履行" : "不涉及", by: by, services: context.services, on: context.database)
            }
        }
    }
}
