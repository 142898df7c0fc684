import Enforcement
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

/// Shared bits of the supervision pages.
enum SupervisionUI {
    static func clocks(_ req: Request, record: ClockRecord) async throws -> Node {
        let calendar = try await CalendarService.current(services: req.fazhi, on: req.db)
        let views = try await ClockService.clocks(record: record, on: req.db).map {
            try ClockService.view($0, calendar: calendar, now: CivilDateTime(req.fazhi.now), warnWithin: req.fazhi.config.deadlineWarnWorkdays)
        }
        return DeadlinePages.clockSection(views)
    }

    static func stepForm(_ req: Request, action: String, key: String, title: String, date: String = "on", dateType: String = "date", _ fields: [Node]) -> Node {
        let now = CivilDateTime(req.fazhi.now)
        let value = dateType == "date" ? now.date.description : now.description.replacingOccurrences(of: " ", with: "T")
        return el("details", [.cls("action")], [el("summary", text: title), UI.form(action: action, csrf: req.csrfToken,
            [.void("input", [.type("hidden"), .name("action"), .value(key)]), UI.field(dateType == "date" ? "日期" : "时间", name: date, value: value, type: dateType, required: true)]
            + fields + [el("button", [.type("submit")], text: title)])])
    }

    static func date(_ values: [String: String]) throws -> CivilDate {
        try FormFields(values).date("on", label: "日期")
    }
}

enum InspectionPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, SupervisionRoute.inspections, permission: SupervisionPermissions.read) { req in try await list(req, values: [:], failure: nil) }
        router.form(SupervisionRoute.inspections, permission: SupervisionPermissions.inspect, submit: { req, fields in
            let values = fields.values
            let plan = try await InspectionService.createPlan(unitCode: values["unitCode"], title: values["title"], matter: values["matter"], seed: values["seed"],
                                                              count: values["count"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: plan.link, notice: "已按种子\(plan.seed)抽取\(plan.targetCount)户")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await list(req, values: values, failure: failure)
        })
        let importer = InspectionTargetImporter()
        router.page(.GET, SupervisionRoute.inspectionsImport, permission: SupervisionPermissions.inspect) { req in
            ImportPages.page(req, importer: importer, action: SupervisionRoute.inspectionsImport.path(), report: nil)
        }
        router.page(.GET, SupervisionRoute.inspectionsImportTemplateCsv, permission: SupervisionPermissions.inspect) { _ in ImportPages.template(importer) }
        router.page(.POST, SupervisionRoute.inspectionsImport, permission: SupervisionPermissions.inspect, body: .collect(maxSize: "20mb")) { req in
            try await ImportPages.handle(req, importer: importer, action: SupervisionRoute.inspectionsImport.path())
        }
        router.page(.GET, SupervisionRoute.inspectionsRecord, permission: SupervisionPermissions.read) { req in try await show(req, failure: nil) }
        router.form(SupervisionRoute.inspectionsDrawsRecord, permission: SupervisionPermissions.inspect, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            guard let draw = try await InspectionDraw.find(id, on: req.db) else { throw ScopeDenied(entityType: "inspection_draw", entityID: id.uuidString) }
            if values["action"] == "publish" {
                try await InspectionService.publish(id, on: values["on"], by: try req.caller, services: req.fazhi, on: req.db)
            } else {
                try await InspectionService.recordResult(id, result: values["result"], on: values["on"], by: try req.caller, services: req.fazhi, on: req.db)
            }
            return Layout.redirect(req, to: SupervisionRoute.inspectionsRecord.path(draw.$plan.id), notice: "已记录")
        }, reshow: { req, fields, failure in
            let id = try req.parameters.require("id", as: UUID.self)
            guard let draw = try await InspectionDraw.find(id, on: req.db) else { throw ScopeDenied(entityType: "inspection_draw", entityID: id.uuidString) }
            req.parameters.set("id", to: draw.$plan.id.uuidString)
            return try await show(req, failure: failure)
        })
        router.open(.GET, PortalRoute.inspections) { req in try await publicResults(req) }
    }

    static func list(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let builder = InspectionPlan.scoped(for: principal, on: req.db)
        let plans = try await builder.sort(\.$drawnOn, .descending).all()
        let names = Dictionary(uniqueKeysWithValues: try await OrgUnit.query(on: req.db).filter(\.$id ~~ Array(Set(plans.map(\.unitID)))).all().map { ($0.id!, $0.name) })
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.simpleTable(caption: "双随机抽查计划", headers: ["计划", "单位", "抽查事项", "名录库", "抽取", "随机种子", "抽取日期"], rows: plans.map { plan in
                [link(plan.title, plan.link), .text(names[plan.unitID] ?? ""), .text(plan.matter), .text("\(plan.poolSize)户"), .text("\(plan.targetCount)户"), .text(plan.seed), .text(plan.drawnOn)]
            }),
            link("公开的抽查结果", PortalRoute.inspections.path()),
        ]
        if principal.has(SupervisionPermissions.inspect) {
            func field(_ label: String, _ name: String, hint: String? = nil, required: Bool = true) -> Node {
                UI.field(label, name: name, value: values[name], error: failure?.message(for: name), required: required, hint: hint)
            }
            content += [
                el("h2", text: "新建抽查计划"),
                el("p", text: "从本单位检查对象名录库随机抽取检查对象，并从持有效执法证的人员中为每户随机选派两名检查人员（优化营商环境条例第五十四条）。种子公布后任何人可复核。"),
                link("导入检查对象名录", SupervisionRoute.inspectionsImport.path()),
                UI.form(action: SupervisionRoute.inspections.path(), csrf: req.csrfToken, [
                    field("检查单位编码", "unitCode"), field("计划名称", "title"), field("抽查事项", "matter"), field("抽取户数", "count"),
                    field("随机种子", "seed", hint: "非负整数；留空由系统生成并公布", required: false),
                    el("button", [.type("submit")], text: "抽取"),
                ]),
            ]
        }
        return Layout.page(req, title: "双随机抽查", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func show(_ req: Request, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        guard let plan = try await InspectionPlan.find(id, on: req.db), principal.covers(unitPath: plan.unitPath) else {
            throw ScopeDenied(entityType: "inspection_plan", entityID: id.uuidString)
        }
        let draws = try await InspectionDraw.query(on: req.db).filter(\.$plan.$id == id).sort(\.$creditCode).all()
        let canAct = principal.has(SupervisionPermissions.inspect)
        let rows: [[Node]] = draws.map { draw in
            var action: Node = .text("—")
            if canAct && draw.inspectedOn == nil {
                action = SupervisionUI.stepForm(req, action: SupervisionRoute.inspectionsDrawsRecord.path(draw.id!), key: "result", title: "记录结果", [
                    UI.select("检查结果", name: "result", options: InspectionResult.allCases.map { ($0.rawValue, $0.label) }, selected: nil, includeBlank: "请选择"),
                ])
            } else if canAct && draw.publishedOn == nil {
                action = SupervisionUI.stepForm(req, action: SupervisionRoute.inspectionsDrawsRecord.path(draw.id!), key: "publish", title: "公示结果", [])
            }
            return [.text(draw.targetName), .text(draw.creditCode), .text(draw.inspectors), .text(draw.inspectedOn ?? "—"),
                    .text(draw.result.flatMap(InspectionResult.init(rawValue:))?.label ?? "—"), .text(draw.dueOn ?? "—"), .text(draw.publishedOn ?? "—"), action]
        }
        return Layout.page(req, title: plan.title, status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.details([
                ("抽查事项", .text(plan.matter)), ("名录库", .text("\(plan.poolSize)户")), ("随机种子", .text(plan.seed)), ("抽取日期", .text(plan.drawnOn)),
                ("抽取规则", .text("检查对象按统一社会信用代码排序、执法人员按执法证号排序；SplitMix64（种子）部分Fisher–Yates洗牌先抽对象，再为每户抽两名人员")),
            ]),
            UI.simpleTable(caption: "抽取结果", headers: ["检查对象", "统一社会信用代码", "检查人员", "检查日期", "结果", "公示期限", "公示日期", "办理"], rows: rows),
        ])
    }

    /// Published results, on the public site (一公开).
    static func publicResults(_ req: Request) async throws -> Response {
        let draws = try await InspectionDraw.query(on: req.db).filter(\.$publishedOn != nil).sort(\.$publishedOn, .descending).sort(\.$creditCode).limit(500).all()
        let plans = Dictionary(uniqueKeysWithValues: try await InspectionPlan.query(on: req.db).filter(\.$id ~~ Array(Set(draws.map { $0.$plan.id }))).all().map { ($0.id!, $0) })
        return Layout.portal(req, title: "双随机抽查结果公示", section: "行政执法公示", content: [
            el("p", text: "依据优化营商环境条例第五十四条公开随机抽查结果。"),
            UI.simpleTable(caption: "抽查结果", headers: ["检查对象", "统一社会信用代码", "抽查事项", "检查日期", "结果", "公示日期"], rows: draws.map { draw in
                [.text(draw.targetName), .text(draw.creditCode), .text(plans[draw.$plan.id]?.matter ?? ""), .text(draw.inspectedOn ?? ""),
                 .text(draw.result.flatMap(InspectionResult.init(rawValue:))?.label ?? ""), .text(draw.publishedOn ?? "")]
            }),
            link("行政执法决定公示", PortalRoute.index.path()),
        ])
    }
}

enum TransferPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, SupervisionRoute.transfers, permission: SupervisionPermissions.read) { req in try await list(req, values: [:], failure: nil) }
        router.form(SupervisionRoute.transfers, permission: SupervisionPermissions.inspect, submit: { req, fields in
            let values = fields.values
            let row = try await TransferService.report(caseNumber: values["caseNumber"], unitCode: values["unitCode"], suspect: values["suspect"], offence: values["offence"],
                                                       reportedOn: values["reportedOn"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已登记，负责人须在三日内决定是否移送")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await list(req, values: values, failure: failure)
        })
        router.page(.GET, SupervisionRoute.transfersRecord, permission: SupervisionPermissions.read) { req in try await show(req, failure: nil) }
        router.form(SupervisionRoute.transfersRecord, permission: SupervisionPermissions.inspect, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            let action: TransferAction
            let yes = values["accepted"] == "1"
            switch values["action"] ?? "" {
            case "decide", "transfer":
                guard let at = CivilDateTime((values["at"] ?? "").replacingOccurrences(of: "T", with: " ")) ?? CivilDateTime((values["at"] ?? "").replacingOccurrences(of: " ", with: "T")) else {
                    throw ValidationFailure(field: "at", label: "时间", message: "应为有效时间（YYYY-MM-DD HH:MM）")
                }
                action = values["action"] == "decide" ? .decide(at: at, transfer: values["transfer"] != "0", reason: values["text"] ?? "") : .transfer(at: at)
            case "police": action = .policeAnswer(on: try SupervisionUI.date(values), accepted: yes)
            case "reconsider": action = .reconsider(on: try SupervisionUI.date(values))
            case "answer": action = .reconsiderAnswer(on: try SupervisionUI.date(values), accepted: yes)
            case "exhibits": action = .exhibits(on: try SupervisionUI.date(values))
            default: throw ValidationFailure(field: "action", label: "操作", message: "未知操作")
            }
            try await TransferService.perform(action, on: id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: SupervisionRoute.transfersRecord.path(id), notice: "已记录：\(action.label)")
        }, reshow: { req, fields, failure in
            return try await show(req, failure: failure)
        })
    }

    static func list(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let builder = CriminalTransfer.scoped(for: principal, on: req.db)
        let rows = try await builder.sort(\.$reportedOn, .descending).all()
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.simpleTable(caption: "涉嫌犯罪案件移送（当事人已脱敏）", headers: ["案号", "当事人", "涉嫌罪名", "报告日期", "状态"], rows: rows.map {
                [link($0.caseNumber, $0.link), .text($0.suspectMasked), .text($0.offence), .text($0.reportedOn), .text($0.transferStatus.label)]
            }),
        ]
        if principal.has(SupervisionPermissions.inspect) {
            func field(_ label: String, _ name: String, type: String = "text") -> Node {
                UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), required: true)
            }
            content += [el("h2", text: "登记涉嫌犯罪案件"), el("p", text: "执法人员发现涉嫌犯罪的，报告本机关负责人；负责人自接到报告之日起三日内决定，批准的二十四小时内移送公安机关（行政执法机关移送涉嫌犯罪案件的规定第五条）。行政处罚不能代替移送（第十一条）。"),
                        UI.form(action: SupervisionRoute.transfers.path(), csrf: req.csrfToken, [
                            field("案号", "caseNumber"), field("移送单位编码", "unitCode"), field("涉嫌犯罪的当事人", "suspect"), field("涉嫌罪名", "offence"),
                            field("报告日期", "reportedOn", type: "date"), el("button", [.type("submit")], text: "登记"),
                        ])]
        }
        return Layout.page(req, title: "两法衔接", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func show(_ req: Request, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let row = try await TransferService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([("案号", .text(row.caseNumber)), ("当事人", .text(row.suspectMasked)), ("涉嫌罪名", .text(row.offence)), ("状态", .text(row.transferStatus.label)),
                        ("移送时间", .text(row.transferredAt ?? "—")), ("涉案物品移交", .text(row.exhibitsOn ?? "—"))]),
            el("h2", text: "法定期限"), try await SupervisionUI.clocks(req, record: row.clockRecord),
            el("h2", text: "办理记录"), el("pre", text: row.history),
        ]
        if principal.has(SupervisionPermissions.inspect) {
            let action = row.link
            var forms: [Node] = []
            switch row.transferStatus {
            case .reported where row.decidedOn == nil:
                forms.append(SupervisionUI.stepForm(req, action: action, key: "decide", title: "负责人决定", date: "at", dateType: "datetime-local", [
                    UI.select("决定", name: "transfer", options: [("1", "批准移送"), ("0", "不批准移送")], selected: "1"), UI.field("不移送的理由", name: "text"),
                ]))
            case .reported: forms.append(SupervisionUI.stepForm(req, action: action, key: "transfer", title: "移送公安机关", date: "at", dateType: "datetime-local", []))
            case .transferred:
                forms.append(SupervisionUI.stepForm(req, action: action, key: "police", title: "公安机关立案决定", [UI.select("决定", name: "accepted", options: [("1", "立案"), ("0", "不予立案")], selected: "1")]))
            case .refused: forms.append(SupervisionUI.stepForm(req, action: action, key: "reconsider", title: "提请复议", []))
            case .reconsidering:
                forms.append(SupervisionUI.stepForm(req, action: action, key: "answer", title: "复议决定", [UI.select("决定", name: "accepted", options: [("1", "立案"), ("0", "维持不予立案")], selected: "0")]))
            case .accepted where row.exhibitsOn == nil: forms.append(SupervisionUI.stepForm(req, action: action, key: "exhibits", title: "移交涉案物品", []))
            default: break
            }
            if !forms.isEmpty { content += [el("h2", text: "办理")] + forms }
        }
        return Layout.page(req, title: "两法衔接 \(row.caseNumber)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}

enum ComplaintPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, SupervisionRoute.complaints, permission: SupervisionPermissions.manage) { req in try await list(req, values: [:], failure: nil) }
        router.form(SupervisionRoute.complaints, permission: SupervisionPermissions.manage, submit: { req, fields in
            let values = fields.values
            let row = try await ComplaintService.register(number: values["number"], source: values["source"], complainant: values["complainant"],
                                                          aboutUnitCode: values["aboutUnitCode"], content: values["content"], receivedOn: values["receivedOn"],
                                                          by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已登记投诉 \(row.number)")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await list(req, values: values, failure: failure)
        })
        router.page(.GET, SupervisionRoute.complaintsRecord, permission: SupervisionPermissions.manage) { req in try await show(req, failure: nil) }
        router.form(SupervisionRoute.complaintsRecord, permission: SupervisionPermissions.manage, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            let day = try SupervisionUI.date(values)
            let text = values["text"] ?? ""
            let action: ComplaintAction
            switch values["action"] ?? "" {
            case "decline": action = .decline(on: day, reason: text)
            case "accept": action = .accept(on: day)
            case "conclude":
                guard let outcome = SupervisionOutcome(rawValue: values["outcome"] ?? "") else { throw ValidationFailure(field: "outcome", label: "监督结论", message: "请选择") }
                action = .conclude(on: day, outcome: outcome, findings: text)
            case "rectified": action = .rectified(on: day, report: text)
            case "discipline": action = .discipline(on: day, note: text)
            case "close": action = .close(on: day)
            default: throw ValidationFailure(field: "action", label: "操作", message: "未知操作")
            }
            try await ComplaintService.perform(action, on: id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: SupervisionRoute.complaintsRecord.path(id), notice: "已记录：\(action.label)")
        }, reshow: { req, fields, failure in
            return try await show(req, failure: failure)
        })
    }

    static func list(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let rows = try await EnforcementComplaint.query(on: req.db).sort(\.$receivedOn, .descending).all()
        let names = Dictionary(uniqueKeysWithValues: try await OrgUnit.query(on: req.db).filter(\.$id ~~ Array(Set(rows.map(\.aboutUnitID)))).all().map { ($0.id!, $0.name) })
        func field(_ label: String, _ name: String, type: String = "text", required: Bool = true, hint: String? = nil) -> Node {
            UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), required: required, hint: hint)
        }
        return Layout.page(req, title: "行政执法投诉", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.simpleTable(caption: "投诉与监督案件（投诉人已脱敏，仅监督机构可见）", headers: ["编号", "来源", "被投诉单位", "收到日期", "状态"], rows: rows.map {
                [link($0.number, $0.link), .text(ComplaintSource(rawValue: $0.source)?.label ?? $0.source), .text(names[$0.aboutUnitID] ?? ""), .text($0.receivedOn), .text($0.complaintStatus.label)]
            }),
            el("h2", text: "登记投诉"),
            UI.form(action: SupervisionRoute.complaints.path(), csrf: req.csrfToken, [
                field("投诉编号", "number"),
                UI.select("来源", name: "source", options: ComplaintSource.allCases.map { ($0.rawValue, $0.label) }, selected: values["source"], error: failure?.message(for: "source"), required: true, includeBlank: "请选择"),
                field("投诉人", "complainant", required: false, hint: "可匿名；加密保存"), field("被投诉单位编码", "aboutUnitCode"), field("投诉内容", "content"),
                field("收到日期", "receivedOn", type: "date"), el("button", [.type("submit")], text: "登记"),
            ]),
        ])
    }

    static func show(_ req: Request, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let row = try await ComplaintService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        let unit = try await OrgUnit.find(row.aboutUnitID, on: req.db)
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([("编号", .text(row.number)), ("来源", .text(ComplaintSource(rawValue: row.source)?.label ?? row.source)), ("投诉人", .text(row.complainantMasked)),
                        ("被投诉单位", .text(unit?.name ?? "")), ("投诉内容", .text(row.content)), ("状态", .text(row.complaintStatus.label)),
                        ("监督结论", .text(row.outcome.flatMap(SupervisionOutcome.init(rawValue:)).map { "\($0.label)：\(row.findings ?? "")" } ?? "—")),
                        ("移送纪检监察机关", .text(row.disciplineOn ?? "—"))]),
            el("h2", text: "法定期限"), try await SupervisionUI.clocks(req, record: row.clockRecord),
            el("h2", text: "办理记录"), el("pre", text: row.history),
        ]
        let action = row.link
        var forms: [Node] = []
        switch row.complaintStatus {
        case .received:
            forms += [SupervisionUI.stepForm(req, action: action, key: "accept", title: "立案监督", []),
                      SupervisionUI.stepForm(req, action: action, key: "decline", title: "不予立案", [UI.field("理由（告知投诉人）", name: "text")])]
        case .investigating:
            forms.append(SupervisionUI.stepForm(req, action: action, key: "conclude", title: "作出监督结论", [
                UI.select("结论", name: "outcome", options: SupervisionOutcome.allCases.map { ($0.rawValue, $0.label) }, selected: nil, includeBlank: "请选择"),
                UI.field("调查结论", name: "text"),
            ]))
        case .ordered: forms.append(SupervisionUI.stepForm(req, action: action, key: "rectified", title: "整改完成", [UI.field("整改情况", name: "text")]))
        case .rectified: forms.append(SupervisionUI.stepForm(req, action: action, key: "close", title: "办结", []))
        default: break
        }
        if row.disciplineOn == nil && [.investigating, .ordered, .rectified, .closed].contains(row.complaintStatus) {
            forms.append(SupervisionUI.stepForm(req, action: action, key: "discipline", title: "移送纪检监察机关", [UI.field("问题线索", name: "text")]))
        }
        if !forms.isEmpty { content += [el("h2", text: "办理")] + forms }
        return Layout.page(req, title: "执法投诉 \(row.number)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}

/// 历史违规: breaches of the law that units stated when importing their past cases (the ledger
/// column 历史违规说明), each with the article the rules found; supervision follows them up.
enum FindingPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, SupervisionRoute.findings, permission: SupervisionPermissions.read) { req async throws -> Response in
            let query = ListQuery(req, path: SupervisionRoute.findings.path(), keys: ["page"])
            let page = try await EnforcementRecords.findings(for: try req.caller, page: PageRequest(number: query.page, size: 50), on: req.db)
            return Layout.page(req, title: "导入历史中的违法情形", content: [
                el("p", text: "各单位导入过去的执法台账时，如实说明了违反法定程序的情形；系统按规则核对出的问题列于此，供执法监督跟进。"),
                UI.table(caption: "违法情形（共\(page.total)项）", columns: [UI.Column("案号"), UI.Column("环节"), UI.Column("日期"), UI.Column("核对出的问题"), UI.Column("单位说明")],
                         rows: page.items.map { [link($0.caseNumber, $0.link), .text($0.step), .text($0.happenedOn), .text($0.finding), .text($0.statement)] },
                         query: query),
                UI.pagination(page, query: query),
            ])
        }
    }
}
