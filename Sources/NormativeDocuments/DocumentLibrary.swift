import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// A document's standing (效力状态) as an SQL condition on `normative_documents` for a day, so the
/// public library filters in the database what `DocumentRules.standing` says of one document.
enum DocumentStanding: String, CaseIterable {
    case inForce = "in-force", pending, amended, expired, repealed

    var label: String {
        switch self {
        case .inForce: "现行有效"
        case .pending: "尚未施行"
        case .amended: "已修改"
        case .expired: "已失效"
        case .repealed: "已废止"
        }
    }

    func condition(today: String) -> SQLQueryString {
        switch self {
        case .inForce: "stage = 'published' AND effective_on <= \(bind: today) AND (valid_until IS NULL OR valid_until >= \(bind: today)) AND (amended_on IS NULL OR amended_on > \(bind: today))"
        case .pending: "stage = 'published' AND effective_on > \(bind: today)"
        case .amended: "stage = 'published' AND amended_on <= \(bind: today)"
        case .expired: "stage = 'published' AND valid_until < \(bind: today) AND (amended_on IS NULL OR amended_on > \(bind: today))"
        case .repealed: "stage = 'repealed'"
        }
    }
}

/// The public side (no login): the library of published documents with search, and the drafts
/// open for comment. Documents are public information; what is not shown is who keyed each step
/// and the opinions' senders.
enum DocumentLibraryPages {
    static let section = "政务公开"

    static func register(_ router: ModuleRouter) {
        router.open(.GET, PortalRoute.documents) { req in try await library(req) }
        router.open(.GET, PortalRoute.document) { req in try await document(req, values: [:], failure: nil) }
        router.open(.POST, PortalRoute.document, body: .collect(maxSize: "64kb")) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            let values = (try? req.content.decode([String: String].self)) ?? [:]
            guard req.fazhi.publicCommentLimiter.allow(req.clientIP, now: req.fazhi.now) else {
                return try await document(req, values: values, failure: ValidationFailure(field: "objection", label: "异议或审查建议",
                    message: "提交过于频繁：每个地址每小时最多提交\(req.fazhi.config.publicCommentsPerHour)条，请稍后再试"), status: .tooManyRequests)
            }
            do {
                try await ObjectionService.receive(on: id, body: values["objection"], contact: values["objectionContact"], from: req.clientIP, services: req.fazhi, on: req.db)
            } catch let failure as ValidationFailure {
                return try await document(req, values: values, failure: failure)
            }
            return Layout.portal(req, title: "审查建议已收到", section: section, content: [
                el("p", text: "您的异议或审查建议已收到，备案审查机关将在\(req.fazhi.rule(DocumentSettings.objection))日内审查并答复。"),
                link("返回文件", PortalRoute.document.path(id)),
            ])
        }
        router.open(.GET, PortalRoute.consultations) { req in try await consultations(req) }
        router.open(.GET, PortalRoute.consultation) { req in try await consultation(req, values: [:], failure: nil) }
        router.open(.POST, PortalRoute.consultation, body: .collect(maxSize: "64kb")) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            let values = (try? req.content.decode([String: String].self)) ?? [:]
            guard req.fazhi.publicCommentLimiter.allow(req.clientIP, now: req.fazhi.now) else {
                return try await consultation(req, values: values, failure: ValidationFailure(field: "body", label: "意见",
                    message: "提交过于频繁：每个地址每小时最多提交\(req.fazhi.config.publicCommentsPerHour)条意见，请稍后再试"), status: .tooManyRequests)
            }
            do {
                try await DocumentService.receiveComment(on: id, body: values["body"], contact: values["contact"], from: req.clientIP, services: req.fazhi, on: req.db)
            } catch let failure as ValidationFailure {
                return try await consultation(req, values: values, failure: failure)
            }
            return Layout.portal(req, title: "意见已收到", section: section, content: [
                el("p", text: "您的意见已收到，感谢参与。征求意见结束后，起草单位将公布意见采纳情况。"),
                link("返回征求意见稿", PortalRoute.consultation.path(id)), link("正在征求意见的文件", PortalRoute.consultations.path()),
            ])
        }
    }

    struct Listed: Decodable, Sendable {
        var id: UUID; var title: String; var unit_id: UUID; var stage: String; var number: String?; var published_on: String?
        var effective_on: String?; var valid_until: String?; var repealed_on: String?; var amended_on: String?; var body: String
    }

    static func standing(_ row: Listed, today: CivilDate) -> String {
        var state = DocumentState(title: row.title, affectsRights: false)
        state.stage = DocumentStage(rawValue: row.stage) ?? .drafting
        state.effectiveOn = row.effective_on.flatMap(CivilDate.init)
        state.validUntil = row.valid_until.flatMap(CivilDate.init)
        state.repealedOn = row.repealed_on.flatMap(CivilDate.init)
        state.amendedOn = row.amended_on.flatMap(CivilDate.init)
        return DocumentRules.standing(state, on: today)
    }

    /// The text with each occurrence of the search's first word marked.
    static func snippet(_ row: Listed, words: [String]) -> Node {
        for word in words {
            if let hit = TextSnippet.around(word, in: row.body) {
                return el("p", [.cls("snippet")], [.text(hit.before), el("mark", text: hit.match), .text(hit.after)])
            }
        }
        return .empty
    }

    /// `/gongshi/documents`: search by words of the title or text, by drafting unit, year of
    /// publication and standing; newest first.
    static func library(_ req: Request) async throws -> Response {
        let query = ListQuery(req, path: PortalRoute.documents.path(), keys: ["q", "unit", "year", "status", "page"])
        let words = DocumentSearch.words(query["q"])
        let unitID = query["unit"].flatMap(UUID.init(uuidString:))
        let year = RequestNumbers.int(query["year"], in: RequestNumbers.years)
        let status = query["status"].flatMap(DocumentStanding.init(rawValue:))
        let services = req.fazhi
        // The search form's units, the count, the results and the pager depend on the published
        // documents, the query and the day alone: kept for every visitor until a record changes
        // (`Request.keptList`). The day is the records version's, so a standing that lapses at
        // midnight is shown from the first visit of the next day.
        let found = try await req.keptList("gongshi.documents", query: query, scope: .everything) { read in
            let day = read.today, today = read.today.description
            let sql = read.db as! any SQLDatabase
            func select() -> SQLSelectBuilder {
                let select = sql.select().from(NormativeDocument.schema).where(SQLQueryString("stage IN ('published', 'repealed')"))
                DocumentSearch.filter(select, words: words, on: read.db)
                if let unitID { select.where("unit_id", .equal, SQLBind(unitID)) }
                if let year { select.where("published_on", .greaterThanOrEqual, SQLBind("\(year)-01-01")).where("published_on", .lessThan, SQLBind("\(year + 1)-01-01")) }
                if let status { select.where(status.condition(today: today)) }
                return select
            }
            let request = PageRequest(number: query.page)
            let total = try await select().countRows()
            let rows = try await select().columns("id", "title", "unit_id", "stage", "number", "published_on", "effective_on", "valid_until", "repealed_on", "amended_on", "body")
                .orderBy("published_on", .descending).orderBy("id", .descending).limit(request.size).offset(request.offset).all(decoding: Listed.self)
            struct Drafter: Decodable { var unit_id: UUID }
            let drafters = try await sql.select().distinct().column("unit_id").from(NormativeDocument.schema)
                .where(SQLQueryString("stage IN ('published', 'repealed')")).all(decoding: Drafter.self)
            let names = try await services.unitNames.of(Set(drafters.map(\.unit_id)).union(rows.map(\.unit_id)), services: services, on: read.db)
            return [
                el("form", [Attribute("method", "get"), Attribute("action", PortalRoute.documents.path()), .cls("filters"), Attribute("role", "search")], [
                    UI.field("关键词（标题或正文，空格分隔）", name: "q", value: query["q"]),
                    UI.select("制定机关", name: "unit", options: names.sorted { $0.value < $1.value }.map { ($0.key.uuidString, $0.value) }, selected: query["unit"], includeBlank: "全部"),
                    UI.field("公布年度", name: "year", value: query["year"], type: "number"),
                    UI.select("效力状态", name: "status", options: DocumentStanding.allCases.map { ($0.rawValue, $0.label) }, selected: query["status"], includeBlank: "全部"),
                    el("div", [.cls("field")], [el("button", [.type("submit")], text: "检索")]),
                ]),
                el("p", text: "共\(total)件"),
                el("ol", [.cls("results")], rows.map { row in
                    el("li", [], [
                        link(row.title, PortalRoute.document.path(row.id)),
                        el("p", text: [row.number, names[row.unit_id], row.published_on.map { "\($0)公布" }, standing(row, today: day)].compactMap { $0 }.joined(separator: " · ")),
                        snippet(row, words: words),
                    ])
                }),
                UI.pagination(Page(items: rows, total: total, request: request), query: query),
            ]
        }
        return Layout.portal(req, title: "行政规范性文件库", section: section, content: [
            el("p", text: "本级政府及其部门公布的行政规范性文件。未经公布的规范性文件不得作为行政管理依据（国办发〔2018〕37号）。"),
            found,
            link("正在征求意见的文件", PortalRoute.consultations.path()),
        ])
    }

    static func notFound(_ req: Request, back: String, title: String) -> Response {
        Layout.portal(req, title: "未找到", section: section, status: .notFound, content: [el("p", text: "没有这份文件。"), link(title, back)])
    }

    /// One published document: its text, standing, history and 解读.
    static func document(_ req: Request, values: [String: String], failure: ValidationFailure?, status: HTTPResponseStatus? = nil) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let row = try await NormativeDocument.find(id, on: req.db),
              [DocumentStage.published.rawValue, DocumentStage.repealed.rawValue].contains(row.stage) else {
            return notFound(req, back: PortalRoute.documents.path(), title: "返回文件库")
        }
        let events = try await NormativeDocumentEvent.query(on: req.db).filter(\.$documentID == id).filter(\.$action ~~ Array(DocumentService.publicActions))
            .sort(\.$createdAt).all()
        let unit = try await req.fazhi.unitNames.of([row.unitID], services: req.fazhi, on: req.db)[row.unitID] ?? "—"
        var content: [Node] = [
            UI.details([
                ("文号", .text(row.number ?? "—")), ("制定机关", .text(unit)), ("公布日期", .text(row.publishedOn ?? "—")), ("施行日期", .text(row.effectiveOn ?? "—")),
                ("有效期至", .text(row.validUntil ?? "—")), ("效力状态", .text(DocumentRules.standing(row.state, on: CivilDateTime(req.fazhi.now).date))),
            ]),
            el("h2", text: "正文"),
            el("div", [.cls("document-text")], TextDiff.split(row.body).map { el("p", text: $0) }),
        ]
        if let interpretation = row.interpretation {
            content += [el("h2", text: "政策解读"), el("div", [.cls("document-text")], TextDiff.split(interpretation).map { el("p", text: $0) })]
        }
        let attachments = try await DocumentAttachment.query(on: req.db).filter(\.$documentID == id).field(\.$id).field(\.$documentID).field(\.$kind)
            .field(\.$filename).field(\.$size).sort(\.$createdAt).all()
        content += DocumentAttachmentPages.section(row, attachments: attachments, publicPage: true, canUpload: false, csrf: "")
        if let by = row.amendedBy { content.append(el("p", [], [.text("本文件已于\(row.amendedOn ?? "")修改，见"), link("修改后的文件", PortalRoute.document.path(by))])) }
        content.append(UI.simpleTable(caption: "制定和效力变化", headers: ["日期", "事项"], rows: events.map { [.text($0.happenedOn ?? CivilDateTime($0.createdAt).date.description), .text($0.detail)] }))
        if row.stage == DocumentStage.published.rawValue {
            content += [
                el("h2", text: "提出异议或审查建议"),
                UI.errorSummary(failure),
                el("form", [Attribute("method", "post"), Attribute("action", PortalRoute.document.path(id))], [
                    UI.field("认为本文件与法律、法规、规章相抵触或者不适当的，请写明理由", name: "objection", value: values["objection"], error: failure?.message(for: "objection"), required: true),
                    UI.field("联系方式（选填，不公开）", name: "objectionContact", value: values["objectionContact"], error: failure?.message(for: "objectionContact")),
                    el("button", [.type("submit")], text: "提交"),
                ]),
            ]
        }
        content.append(link("返回文件库", PortalRoute.documents.path()))
        return Layout.portal(req, title: row.title, section: section, status: status ?? (failure == nil ? .ok : .unprocessableEntity), content: content)
    }

    /// `/gongshi/consultations`: drafts open for comment now, and the adoption summaries of those closed.
    static func consultations(_ req: Request) async throws -> Response {
        let open = try await NormativeDocument.query(on: req.db).filter(\.$stage == DocumentStage.consulting.rawValue).sort(\.$consultationDue).limit(200).all()
        let closed = try await NormativeDocument.query(on: req.db).filter(\.$consultationSummary != nil).sort(\.$consultationClosedOn, .descending).limit(50).all()
        var others: [PublicConsultation] = []
        for module in req.fazhi.modules { if let list = module.openConsultations { others += try await list(req.fazhi, req.db) } }
        let names = try await req.fazhi.unitNames.of(Set((open + closed).map(\.unitID)).union(others.map(\.unitID)), services: req.fazhi, on: req.db)
        return Layout.portal(req, title: "公开征求意见", section: section, content: [
            el("p", text: "涉及公民、法人和其他组织权利义务的规范性文件，起草单位应当公开征求意见（国办发〔2018〕37号）。您的联系方式仅用于起草单位联系您，不会公开。"),
            UI.simpleTable(caption: "正在征求意见", headers: ["文件", "起草单位", "征求意见期间"], rows: open.map {
                [link($0.title, PortalRoute.consultation.path($0.id!)), .text(names[$0.unitID] ?? "—"), .text("\($0.consultationFrom ?? "") 至 \($0.consultationDue ?? "")")]
            }),
            UI.simpleTable(caption: "其他正在征求意见的草案", headers: ["类别", "名称", "起草或决策机关", "征求意见期间"], rows: others.map {
                [.text($0.kind), link($0.title, $0.link), .text(names[$0.unitID] ?? "—"), .text("\($0.from) 至 \($0.due)")]
            }),
            UI.simpleTable(caption: "意见采纳情况", headers: ["文件", "起草单位", "截止", "采纳情况"], rows: closed.map {
                [.text($0.title), .text(names[$0.unitID] ?? "—"), .text($0.consultationClosedOn ?? ""), .text($0.consultationSummary ?? "")]
            }),
            link("行政规范性文件库", PortalRoute.documents.path()),
        ])
    }

    /// One draft open for comment, with the form.
    static func consultation(_ req: Request, values: [String: String], failure: ValidationFailure?, status: HTTPResponseStatus? = nil) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let row = try await NormativeDocument.find(id, on: req.db),
              row.stage == DocumentStage.consulting.rawValue || row.consultationSummary != nil else {
            return notFound(req, back: PortalRoute.consultations.path(), title: "返回征求意见列表")
        }
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([("征求意见期间", .text("\(row.consultationFrom ?? "") 至 \(row.consultationDue ?? "")")),
                        ("采纳情况", .text(row.consultationSummary ?? "征求意见结束后公布"))]),
            el("h2", text: "征求意见稿"),
            el("div", [.cls("document-text")], TextDiff.split(row.body).map { el("p", text: $0) }),
        ]
        if row.stage == DocumentStage.consulting.rawValue {
            content += [
                el("h2", text: "提交意见"),
                el("form", [Attribute("method", "post"), Attribute("action", PortalRoute.consultation.path(id))], [
                    UI.field("意见和建议", name: "body", value: values["body"], error: failure?.message(for: "body"), required: true),
                    UI.field("联系方式（选填，不公开）", name: "contact", value: values["contact"], error: failure?.message(for: "contact")),
                    el("button", [.type("submit")], text: "提交"),
                ]),
            ]
        }
        content.append(link("返回征求意见列表", PortalRoute.consultations.path()))
        return Layout.portal(req, title: "征求意见：\(row.title)", section: section, status: status ?? (failure == nil ? .ok : .unprocessableEntity), content: content)
    }
}
