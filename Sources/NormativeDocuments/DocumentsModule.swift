import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import SQLKit
import Vapor

public enum DocumentPermissions {
    public static let read = Permission("documents.read", "查看行政规范性文件")
    public static let manage = Permission("documents.manage", "起草和办理行政规范性文件")
    public static let review = Permission("documents.review", "出具规范性文件合法性审核意见")

    static let all = [read, manage, review]

    /// Departments and townships draft their own documents (unit scope); the justice bureau reviews all.
    static let grants: [Role: [Permission]] = [
        .supervisor: [read, manage, review],
        .leader: [read],
        .departmentOfficer: [read, manage],
        .legalReviewer: [read],
        .townshipStaff: [read, manage],
    ]
}

/// 行政规范性文件: drafts through public comment, 合法性审核, 集体审议, publication and filing
/// (`DocumentRules`). Built so far: the procedure, its pages and timeline; the public library,
/// search, clocks, figures and import are issue 17's next steps.
public enum NormativeDocumentsModule {
    public static let manifest = FazhiModule(
        id: "documents",
        name: "行政规范性文件",
        migrations: DocumentMigrations.all,
        permissions: DocumentPermissions.all,
        grants: DocumentPermissions.grants,
        menu: [MenuEntry(title: "规范性文件", route: DocumentRoute.list, permission: DocumentPermissions.read, section: "依法决策")],
        routes: { router in
            DocumentPages.register(router)
            DocumentAPI.register(router)
        },
        metrics: DocumentMetrics.all,
        importers: [DocumentImporter()],
        demoSeed: { context in try await DocumentDemo.seed(context) },
        clockKinds: DocumentClocks.all,
        dashboardWidgets: [DashboardWidget(id: "documents", permission: DocumentPermissions.read) { req in try await DocumentPages.widget(req) }],
        unitPathColumns: [UnitPathColumn(NormativeDocument.schema), UnitPathColumn(DocumentCleanup.schema), UnitPathColumn(DocumentCleanupResult.schema),
                          UnitPathColumn(DocumentObjection.schema)],
        ruleSettings: DocumentSettings.all,
        publicServices: [
            PublicService(title: "行政规范性文件库", path: PortalRoute.documents.path(), summary: "现行有效和已失效、已废止的行政规范性文件及其起草说明。",
                          basis: "国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知；政府信息公开条例第二十条"),
            PublicService(title: "公开征求意见", path: PortalRoute.consultations.path(), summary: "正在公开征求意见的规范性文件草案和重大行政决策草案，可在线提交意见。",
                          basis: "国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见；重大行政决策程序暂行条例第十四条"),
        ],
        publicSearch: { query, db in
            try await NormativeDocument.query(on: db).filter(\.$stage ~~ [DocumentStage.published.rawValue, DocumentStage.repealed.rawValue])
                .group(.or) { $0.filter(\.$title ~~ query).filter(\.$number ~~ query) }.sort(\.$publishedOn, .descending).limit(PublicPortal.hitsPerModule).all()
                .map { PublicSearchHit(kind: "行政规范性文件", title: "\($0.title)\($0.number.map { "（\($0)）" } ?? "")", link: PortalRoute.document.path($0.id!), date: $0.publishedOn ?? "") }
        }
    )
}

enum DocumentPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, DocumentRoute.list, permission: DocumentPermissions.read) { req in try await list(req) }
        router.page(.GET, DocumentRoute.new, permission: DocumentPermissions.manage) { req in
            newPage(req, values: ["amends": req.query[String.self, at: "amends"].flatMap(UUID.init(uuidString:))?.uuidString ?? ""], failure: nil)
        }
        router.form(DocumentRoute.new, permission: DocumentPermissions.manage, submit: { req, fields in
            let row = try await DocumentService.create(title: fields["title"], unitCode: fields["unitCode"], affectsRights: fields.flag("affectsRights"),
                                                       provisional: fields.flag("provisional"), amends: fields["amends"].flatMap(UUID.init(uuidString:)),
                                                       by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已登记 \(row.title)")
        }, reshow: { req, fields, failure in newPage(req, values: fields.values, failure: failure) })
        router.page(.GET, DocumentRoute.record, permission: DocumentPermissions.read) { req in try await show(req, values: [:], failure: nil) }
        router.form(DocumentRoute.steps, permission: DocumentPermissions.manage, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            let step = try await DocumentService.perform(try action(fields), on: id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: DocumentRoute.record.path(id), notice: (["已记录：" + step.detail] + step.warnings).joined(separator: "；"))
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
        router.page(.GET, DocumentRoute.versions, permission: DocumentPermissions.read) { req in try await compare(req) }
        router.form(DocumentRoute.versions, permission: DocumentPermissions.manage, body: .collect(maxSize: "1mb"), submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            let version = try await DocumentService.revise(id, body: fields["body"], note: fields["note"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: DocumentRoute.record.path(id), notice: "已保存第\(version.number)稿")
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
        router.form(DocumentRoute.interpretation, permission: DocumentPermissions.manage, body: .collect(maxSize: "256kb"), submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            try await DocumentService.interpret(id, text: fields["interpretation"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: DocumentRoute.record.path(id), notice: "已发布政策解读")
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
        router.imports(DocumentImporter(), page: DocumentRoute.importPage, template: DocumentRoute.importTemplate)
        CleanupPages.register(router)
        DocumentAttachmentPages.register(router)
        router.form(DocumentRoute.objection, permission: DocumentPermissions.review, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            try await ObjectionService.answer(id, on: fields["on"], upheld: fields.flag("upheld"), text: fields["answer"], by: try req.caller, services: req.fazhi, on: req.db)
            guard let row = try await DocumentObjection.find(id, on: req.db) else { throw ScopeDenied(entityType: DocumentObjection.schema, entityID: id.uuidString) }
            return Layout.redirect(req, to: DocumentRoute.record.path(row.documentID), notice: "已答复")
        }, reshow: { req, fields, failure in
            let id = try req.parameters.require("id", as: UUID.self)
            guard let row = try await DocumentObjection.find(id, on: req.db), try req.caller.covers(unitPath: row.unitPath) else {
                throw ScopeDenied(entityType: DocumentObjection.schema, entityID: id.uuidString)
            }
            req.parameters.set("id", to: row.documentID.uuidString)
            return try await show(req, values: fields.values, failure: failure)
        })
        DocumentLibraryPages.register(router)
    }

    /// Two versions of the text side by side as one list of kept, removed and added lines.
    static func compare(_ req: Request) async throws -> Response {
        let id = try req.parameters.require("id", as: UUID.self)
        let row = try await NormativeDocument.find(id, for: try req.caller, on: req.db)
        let versions = try await NormativeDocumentVersion.query(on: req.db).filter(\.$documentID == id).sort(\.$number).all()
        let to = req.queryInt("to", in: 1...100_000) ?? versions.last?.number ?? 0
        let from = req.queryInt("from", in: 0...100_000) ?? (to - 1)
        let old = versions.first { $0.number == from }?.body ?? ""
        guard let new = versions.first(where: { $0.number == to }) else {
            return Layout.page(req, title: row.title, status: .notFound, content: [el("p", text: "没有第\(to)稿"), link("返回", row.link)])
        }
        let lines = TextDiff.lines(from: old, to: new.body)
        return Layout.page(req, title: "\(row.title)：第\(from)稿与第\(to)稿对照", content: [
            el("p", text: "删除\(lines.filter { $0.change == .removed }.count)行，增加\(lines.filter { $0.change == .added }.count)行。" + (new.note.isEmpty ? "" : "修改说明：\(new.note)")),
            el("div", [.cls("diff")], lines.map { line in
                switch line.change {
                case .kept: el("p", text: line.text)
                case .removed: el("p", [], [el("del", text: line.text)])
                case .added: el("p", [], [el("ins", text: line.text)])
                }
            }),
            link("返回", row.link),
        ])
    }

    /// The step the form names, with its fields.
    static func action(_ fields: FormFields) throws(ValidationFailure) -> DocumentAction {
        switch fields.text("step") {
        case "consult": return .consult(on: try fields.date("on", label: "日期"))
        case "close": return .closeConsultation(on: try fields.date("on", label: "日期"), summary: fields.text("text"))
        case "skip": return .skipConsultation(reason: fields.text("text"))
        case "submit": return .submitReview(on: try fields.date("on", label: "日期"))
        case "opinion": return .reviewOpinion(on: try fields.date("on", label: "日期"), passed: fields.flag("passed"), opinion: fields.text("text"))
        case "deliberate": return .deliberate(on: try fields.date("on", label: "日期"), meeting: fields.text("text"))
        case "publish":
            return .publish(on: try fields.date("on", label: "日期"), number: fields.text("number"), effectiveOn: try fields.date("effectiveOn", label: "施行日期"))
        case "file": return .file(on: try fields.date("on", label: "日期"))
        case "repeal": return .repeal(on: try fields.date("on", label: "日期"), reason: fields.text("text"))
        case "filing-review": return .filingReview(on: try fields.date("on", label: "日期"), result: fields.text("text"))
        default: throw ValidationFailure(field: "step", label: "操作", message: "请选择操作")
        }
    }

    struct Row: Decodable, Sendable {
        var id: UUID; var title: String; var unit_id: UUID; var stage: String; var number: String?; var published_on: String?
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: DocumentRoute.list.path(), keys: ["stage", "q", "expiring", "page"])
        let expiringUntil = query["expiring"] == "1" ? CivilDateTime(req.fazhi.now).date.adding(days: req.fazhi.rule(DocumentSettings.expiryWarning)) : nil
        let stage = query["stage"].flatMap(DocumentStage.init(rawValue:))
        let words = DocumentSearch.words(query["q"])
        func select() -> SQLSelectBuilder {
            let select = NormativeDocument.scopedSelect(for: principal, on: req.db, services: req.fazhi)
            if let stage { select.where("stage", .equal, SQLBind(stage.rawValue)) }
            DocumentSearch.filter(select, words: words, on: req.db)
            if let expiringUntil {
                select.where("stage", .equal, SQLBind(DocumentStage.published.rawValue)).where("valid_until", .greaterThanOrEqual, SQLBind(CivilDateTime(req.fazhi.now).date.description))
                    .where("valid_until", .lessThanOrEqual, SQLBind(expiringUntil.description))
            }
            return select
        }
        // A county issues tens of documents a year: a page number is enough here.
        let request = PageRequest(number: query.page)
        let total = try await select().countRows()
        let rows = try await select().columns("id", "title", "unit_id", "stage", "number", "published_on")
            .orderBy("created_at", .descending).orderBy("id", .descending).limit(request.size).offset(request.offset).all(decoding: Row.self)
        let names = try await req.fazhi.unitNames.of(Set(rows.map(\.unit_id)), services: req.fazhi, on: req.db)
        var actions: [Node] = []
        if principal.has(DocumentPermissions.manage) { actions.append(link("起草文件", DocumentRoute.new.path(), [.cls("button")])) }
        if principal.has(DocumentPermissions.review) {
            actions.append(link("导入文件目录", DocumentRoute.importPage.path()))
            actions.append(link("文件清理", DocumentRoute.cleanups.path()))
        }
        actions.append(link("公开的文件库", PortalRoute.documents.path()))
        return Layout.page(req, title: "行政规范性文件", content: [
            el("div", [.cls("actions")], actions),
            el("form", [Attribute("method", "get"), Attribute("action", DocumentRoute.list.path()), .cls("filters"), Attribute("role", "search")], [
                UI.field("关键词（标题或正文）", name: "q", value: query["q"]),
                UI.select("阶段", name: "stage", options: DocumentStage.allCases.map { ($0.rawValue, $0.label) }, selected: query["stage"], includeBlank: "全部"),
                el("div", [.cls("field")], [el("button", [.type("submit")], text: "筛选")]),
            ]),
            UI.table(caption: "行政规范性文件", columns: [UI.Column("文件名称"), UI.Column("起草单位"), UI.Column("阶段"), UI.Column("文号"), UI.Column("公布日期")],
                     rows: rows.map { [link($0.title, DocumentRoute.record.path($0.id)), .text(names[$0.unit_id] ?? "—"),
                                            .text(DocumentStage(rawValue: $0.stage)?.label ?? $0.stage), .text($0.number ?? "—"), .text($0.published_on ?? "—")] },
                     query: query),
            UI.pagination(Page(items: rows, total: total, request: request), query: query),
        ])
    }

    /// The dashboard card: documents whose validity ends within the warning period (🏷).
    static func widget(_ req: Request) async throws -> Node {
        let days = req.fazhi.rule(DocumentSettings.expiryWarning)
        // Counted once per change of the records (the day is part of the version), per scope.
        let (expiring, reviewing) = try await req.keptForScope("documents.widget|\(days)") { read in
            let expiring = try await NormativeDocument.scoped(in: read.scope, on: read.db).filter(\.$stage == DocumentStage.published.rawValue)
                .filter(\.$validUntil >= read.today.description).filter(\.$validUntil <= read.today.adding(days: days).description).count()
            let reviewing = try await NormativeDocument.scoped(in: read.scope, on: read.db).filter(\.$stage == DocumentStage.reviewing.rawValue).count()
            return (expiring, reviewing)
        }
        return el("section", [.cls("widget"), .aria("labelledby", "documents-heading")], [
            el("h2", [.id("documents-heading")], text: "行政规范性文件"),
            el("p", text: "有效期 \(days) 日内届满 \(expiring) 件（请评估后续期、修改或废止）；合法性审核中 \(reviewing) 件。"),
            el("p", [], [link("查看即将届满", DocumentRoute.list.path() + "?expiring=1"), .text(" · "), link("审核中", DocumentRoute.list.path() + "?stage=reviewing")]),
        ])
    }

    static func newPage(_ req: Request, values: [String: String], failure: ValidationFailure?) -> Response {
        Layout.page(req, title: "起草行政规范性文件", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.form(action: DocumentRoute.new.path(), csrf: req.csrfToken, [
                UI.field("文件名称", name: "title", value: values["title"], error: failure?.message(for: "title"), required: true),
                UI.field("起草单位编码", name: "unitCode", value: values["unitCode"], error: failure?.message(for: "unitCode"), required: true),
                UI.select("是否涉及公民、法人和其他组织权利义务", name: "affectsRights", options: [("1", "是（应当公开征求意见）"), ("0", "否")], selected: values["affectsRights"] ?? "1"),
                el("input", [.type("hidden"), .name("amends"), .value(values["amends"] ?? "")]),
                (values["amends"] ?? "").isEmpty ? .empty : el("p", text: "本文件修改已公布的文件：公布后，原文件的效力状态为“已修改”。"),
                UI.select("暂行、试行", name: "provisional", options: [("0", "否（有效期\(req.fazhi.rule(DocumentSettings.validity))年）"),
                                                                    ("1", "是（有效期\(req.fazhi.rule(DocumentSettings.provisionalValidity))年）")], selected: values["provisional"] ?? "0"),
                el("button", [.type("submit")], text: "登记"),
            ]),
        ])
    }

    static func show(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        let row = try await NormativeDocument.find(id, for: principal, on: req.db)
        let events = try await NormativeDocumentEvent.query(on: req.db).filter(\.$documentID == id).sort(\.$createdAt).all()
        let versions = try await NormativeDocumentVersion.query(on: req.db).filter(\.$documentID == id).sort(\.$number).all()
        let comments = try await NormativeDocumentComment.query(on: req.db).filter(\.$documentID == id).sort(\.$receivedAt).limit(1_000).all()
        let objections = try await DocumentObjection.query(on: req.db).filter(\.$documentID == id).sort(\.$receivedOn).limit(1_000).all()
        let attachments = try await DocumentAttachment.query(on: req.db).filter(\.$documentID == id).field(\.$id).field(\.$documentID).field(\.$kind)
            .field(\.$filename).field(\.$size).sort(\.$createdAt).all()
        let unitName = try await req.fazhi.unitNames.of([row.unitID], services: req.fazhi, on: req.db)[row.unitID]
        let today = CivilDateTime(req.fazhi.now).date
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("起草单位", .text(unitName ?? "—")), ("阶段", .text(DocumentStage(rawValue: row.stage)?.label ?? row.stage)),
                ("效力", .text(DocumentRules.standing(row.state, on: today))),
                ("涉及权利义务", .text(row.affectsRights ? "是" : "否")), ("征求意见", .text(row.consultationFrom.map { "\($0) 至 \(row.consultationDue ?? "")" } ?? row.consultationExemption.map { "未征求：\($0)" } ?? "—")),
                ("合法性审核", .text(row.reviewSubmittedOn.map { "\($0)送审" + (row.reviewOpinionOn.map { "，\($0)\(row.reviewPassed == true ? "通过" : "未通过")" } ?? "") } ?? "—")),
                ("文号", .text(row.number ?? "—")), ("公布 / 施行", .text(row.publishedOn.map { "\($0) / \(row.effectiveOn ?? "")" } ?? "—")),
                ("有效期至", .text(row.validUntil ?? "—")), ("备案", .text(row.filedOn.map { "\($0)报送" } ?? row.filingDue.map { "应于\($0)前报送" } ?? "—")),
            ]),
            UI.simpleTable(caption: "办理过程", headers: ["日期", "事项", "经办"], rows: events.map { [.text($0.happenedOn ?? "—"), .text($0.detail), .text($0.actor)] }),
            UI.simpleTable(caption: "文本版本", headers: ["稿次", "保存时间", "修改说明", "经办", "对照"], rows: versions.map {
                [.text("第\($0.number)稿"), .text(CivilDateTime($0.createdAt).description), .text($0.note), .text($0.actor),
                 $0.number > 1 ? link("与第\($0.number - 1)稿对照", DocumentRoute.versions.path(id) + "?from=\($0.number - 1)&to=\($0.number)") : .text("—")]
            }),
            el("h2", text: "现行文本"),
            el("div", [.cls("document-text")], TextDiff.split(row.body).map { el("p", text: $0) }),
        ]
        content += DocumentAttachmentPages.section(row, attachments: attachments, publicPage: false, canUpload: principal.has(DocumentPermissions.manage), csrf: req.csrfToken)
        if let filingReview = row.filingReview { content.append(el("p", text: "备案审查结果：\(filingReview)")) }
        if let amends = row.amendsID { content.append(el("p", [], [.text("本文件修改："), link("原文件", DocumentRoute.record.path(amends))])) }
        if let by = row.amendedBy { content.append(el("p", [], [.text("已于\(row.amendedOn ?? "")修改："), link("修改文件", DocumentRoute.record.path(by))])) }
        if row.stage == DocumentStage.published.rawValue && row.amendedOn == nil && principal.has(DocumentPermissions.manage) {
            content.append(link("起草修改本文件的文件", DocumentRoute.new.path() + "?amends=\(id.uuidString)"))
        }
        if !objections.isEmpty {
            content.append(UI.simpleTable(caption: "异议和审查建议（\(objections.count)条）", headers: ["收到日期", "内容", "联系方式", "答复"], rows: objections.map { objection in
                var answer: Node = .text(objection.answeredOn.map { "\($0)：\(objection.upheld == true ? "成立" : "不成立")，\(objection.answer ?? "")" } ?? "待答复")
                if objection.answeredOn == nil && principal.has(DocumentPermissions.review) {
                    answer = UI.form(action: DocumentRoute.objection.path(objection.id!), csrf: req.csrfToken, [
                        UI.field("日期", name: "on", value: values["on"], type: "date", error: failure?.message(for: "on")),
                        UI.select("结论", name: "upheld", options: [("0", "不成立"), ("1", "成立，文件须纠正")], selected: values["upheld"]),
                        UI.field("答复", name: "answer", value: values["answer"], error: failure?.message(for: "answer")),
                        el("button", [.type("submit")], text: "答复"),
                    ])
                }
                return [.text(objection.receivedOn), .text(objection.body), .text(objection.contactMasked ?? "—"), answer]
            }))
        }
        if !comments.isEmpty {
            content.append(UI.simpleTable(caption: "公众意见（\(comments.count)条）", headers: ["收到时间", "意见", "联系方式"], rows: comments.map {
                [.text(CivilDateTime($0.receivedAt).description), .text($0.body), .text($0.contactMasked ?? "—")]
            }))
        }
        if principal.has(DocumentPermissions.manage) && row.stage == DocumentStage.drafting.rawValue {
            content.append(UI.form(action: DocumentRoute.versions.path(id), csrf: req.csrfToken, [
                el("h2", text: "保存新稿"),
                el("div", [.cls("field")], [
                    el("label", [Attribute("for", "body")], text: "文本（每段一行）"),
                    el("textarea", [.id("body"), .name("body"), Attribute("rows", "16")], text: values["body"] ?? row.body),
                    failure?.message(for: "body").map { el("p", [.cls("error")], text: $0) } ?? .empty,
                ]),
                UI.field("修改说明", name: "note", value: values["note"], error: failure?.message(for: "note")),
                el("button", [.type("submit")], text: "保存"),
            ]))
        }
        if principal.has(DocumentPermissions.manage) && row.stage == DocumentStage.published.rawValue {
            content.append(UI.form(action: DocumentRoute.interpretation.path(id), csrf: req.csrfToken, [
                el("h2", text: "政策解读"),
                UI.field("解读", name: "interpretation", value: values["interpretation"] ?? row.interpretation, error: failure?.message(for: "interpretation")),
                el("button", [.type("submit")], text: "发布"),
            ]))
        }
        if principal.has(DocumentPermissions.manage) {
            content.append(UI.form(action: DocumentRoute.steps.path(id), csrf: req.csrfToken, [
                UI.select("操作", name: "step", options: [("consult", "公开征求意见"), ("close", "结束征求意见（写明采纳情况）"), ("skip", "不征求意见（写明理由）"),
                                                       ("submit", "送合法性审核"), ("opinion", "合法性审核意见（司法行政部门）"), ("deliberate", "集体审议（写明会议）"),
                                                       ("publish", "公布"), ("file", "报送备案"), ("filing-review", "备案审查结果"), ("repeal", "废止（写明理由）")],
                          selected: values["step"], error: failure?.message(for: "step")),
                UI.field("日期", name: "on", value: values["on"], type: "date", error: failure?.message(for: "on")),
                UI.field("说明（采纳情况、理由、审核意见、会议）", name: "text", value: values["text"], error: failure?.message(for: "text") ?? failure?.message(for: "summary") ?? failure?.message(for: "reason") ?? failure?.message(for: "opinion") ?? failure?.message(for: "meeting")),
                UI.select("审核结论", name: "passed", options: [("1", "通过"), ("0", "不通过")], selected: values["passed"] ?? "1"),
                UI.field("文号", name: "number", value: values["number"], error: failure?.message(for: "number")),
                UI.field("施行日期", name: "effectiveOn", value: values["effectiveOn"], type: "date", error: failure?.message(for: "effectiveOn")),
                el("button", [.type("submit")], text: "记录"),
            ]))
        }
        return Layout.page(req, title: row.title, status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}
