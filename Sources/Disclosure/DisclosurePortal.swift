import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit
import Vapor

extension DisclosureService {
    /// Who an online request is registered by: the platform itself, on the applicant's behalf.
    static let portal = Principal.system("互联网申请（公众）")

    /// An online request (`/gongshi/disclosure`). 第三十一条第（三）项 dates an online request by the day
    /// receipt is confirmed: the platform confirms it on submission with the tracking code (回执),
    /// so that day is the receipt date (⚠️ some provinces count from the next working day).
    public static func submitOnline(unitCode: String?, applicant: String?, applicantClass: String?, contact: String?, content: String?, form: String?,
                                    services: FazhiServices, on db: any Database) async throws -> DisclosureRequest {
        var validator = Validator()
        let phone = validator.required(contact, field: "contact", label: "联系电话", maxLength: 30)
        if !phone.isEmpty && phone.filter(\.isNumber).count < 7 { validator.add("contact", "联系电话", "请填写可以联系到您的电话号码（查询办理进度时需要其后四位）") }
        try validator.check()
        let today = CivilDateTime(services.now).date.description
        return try await register(unitCode: unitCode, applicant: applicant, applicantClass: applicantClass, channel: ReceiptChannel.online.rawValue,
                                  submittedOn: today, signedOn: nil, confirmedOn: today, content: content, contact: phone, form: form, source: "online",
                                  by: portal, services: services, on: db)
    }

    /// The request a tracking code and the contact's last four digits name; nil for any mismatch
    /// (the page says the same for a wrong code and a wrong number).
    public static func track(code: String?, last4: String?, services: FazhiServices, on db: any Database) async throws -> DisclosureRequest? {
        let code = (code ?? "").trimmingCharacters(in: .whitespaces).uppercased(), digits = (last4 ?? "").trimmingCharacters(in: .whitespaces)
        guard (8...40).contains(code.count), digits.count == 4, digits.allSatisfy(\.isNumber),
              let row = try await DisclosureRequest.query(on: db).filter(\.$number == code).first(),
              let sealed = row.contactSealed, let contact = try? services.cipher.open(sealed),
              String(contact.filter(\.isNumber).suffix(4)) == digits else { return nil }
        return row
    }

    /// 第四十四条: an answer released to the public, with a summary that names no applicant.
    public static func release(_ id: UUID, summary: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        var validator = Validator()
        let text = validator.required(summary, field: "summary", label: "公开内容摘要", maxLength: 2_000)
        try validator.check()
        let stamp = services.now
        try await db.write { tx in
            let row = try await DisclosureRequest.find(id, for: principal, on: tx)
            guard let outcome = row.outcome.flatMap(DisclosureOutcome.init(rawValue:)), [.disclosed, .partlyDisclosed].contains(outcome) else {
                throw ValidationFailure(field: "summary", label: "公开内容摘要", message: "只有予以公开或部分公开的答复才能向社会公开（政府信息公开条例第四十四条）")
            }
            guard row.releasedOn == nil else { throw ValidationFailure(field: "summary", label: "公开内容摘要", message: "已于\(row.releasedOn!)公开") }
            row.releasedOn = CivilDateTime(stamp).date.description
            row.publicSummary = text
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await log(row, "release", on: CivilDateTime(stamp).date, detail: "依政府信息公开条例第四十四条向社会公开答复", by: principal, stamp: stamp, on: tx)
        }
    }

    /// The answer letter (答复书) in 公文 layout: what was asked, the answer with its article, and
    /// the remedies (行政复议法第二十条: 60日; 行政诉讼法第四十六条: 6个月).
    public static func letter(_ row: DisclosureRequest, unitName: String, services: FazhiServices) throws -> OfficialDocument {
        guard let outcome = row.outcome.flatMap(DisclosureOutcome.init(rawValue:)), let answered = row.answeredOn else {
            throw ValidationFailure(field: "letter", label: "答复书", message: "尚未答复")
        }
        let applicant = (try? services.cipher.open(row.applicantSealed)) ?? row.applicantMasked
        func chinese(_ iso: String) -> String { CivilDate(iso)?.chinese ?? iso }
        var blocks: [OfficialDocument.Block] = [
            .flush("\(applicant)："),
            .paragraph("本机关于\(chinese(row.receivedOn))收到您提出的政府信息公开申请（查询码\(row.number)），申请获取“\(row.content)”。"
                       + (row.correctionReceivedOn.map { "经告知补正，本机关于\(chinese($0))收到补正后的申请。" } ?? "") + "经审查，现答复如下："),
            .paragraph(outcome.answerText + "（依据：\(outcome.basis)）"),
        ]
        if row.feeYuan > 0 { blocks.append(.paragraph("依据政府信息公开条例第四十二条，本次收取信息处理费\(row.feeYuan)元。")) }
        blocks.append(.paragraph("如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法向人民法院提起行政诉讼。"))
        return OfficialDocument(title: "政府信息公开申请答复书", number: row.number, blocks: blocks, signature: unitName, date: chinese(answered))
    }
}

extension DisclosureOutcome {
    /// The answer's words in the letter.
    var answerText: String {
        switch group {
        case .disclosed: "您申请获取的政府信息属于公开范围，本机关予以公开，现将有关信息提供给您。"
        case .partly: "您申请获取的政府信息中含有不应当公开的内容，本机关对可以公开的部分予以公开，不予公开的部分说明理由如下：\(label)。"
        case .withheld: "您申请获取的政府信息\(label)，本机关不予公开。"
        case .unavailable: self == .stillUnclear ? "经补正，您的申请内容仍不明确，本机关无法提供。" : "经检索，\(label)，本机关无法提供。"
        case .notProcessed: "您的申请属于\(label)，本机关不作为政府信息公开申请处理。"
        case .other: self == .notCorrected ? "您未在补正期限内补正，视为放弃申请，本机关不再处理该申请。" : "\(label)。"
        }
    }
}

/// The public pages of 依申请公开: the online form and its receipt, tracking by code, and the
/// answers released under 第四十四条. Nothing names an applicant.
enum DisclosurePortal {
    static let section = "政务公开"

    static func register(_ router: ModuleRouter) {
        router.open(.GET, PortalRoute.disclosure) { req in try await page(req, values: [:], failure: nil) }
        router.open(.POST, PortalRoute.disclosure, body: .collect(maxSize: "64kb")) { req async throws -> Response in
            let values = (try? req.content.decode([String: String].self)) ?? [:]
            guard req.fazhi.publicCommentLimiter.allow(req.clientIP, now: req.fazhi.now) else {
                return try await page(req, values: values, failure: ValidationFailure(field: "content", label: "申请内容",
                    message: "提交过于频繁：每个地址每小时最多提交\(req.fazhi.config.publicCommentsPerHour)次，请稍后再试"), status: .tooManyRequests)
            }
            let row: DisclosureRequest
            do {
                row = try await DisclosureService.submitOnline(unitCode: values["unitCode"], applicant: values["applicant"], applicantClass: values["applicantClass"],
                                                               contact: values["contact"], content: values["content"], form: values["form"], services: req.fazhi, on: req.db)
            } catch let failure as ValidationFailure {
                return try await page(req, values: values, failure: failure)
            }
            return Layout.portal(req, title: "申请已收到", section: section, content: [
                el("p", text: "您的政府信息公开申请已于\(row.receivedOn)收到。请保存查询码，凭查询码和联系电话后四位查询办理进度。"),
                UI.details([("查询码", .text(row.number)), ("收到申请之日", .text(row.receivedOn)),
                            ("答复期限", .text("\(row.answerDueOn ?? "—")（20个工作日，政府信息公开条例第三十三条；需要补正、征求第三方意见或经批准延长的，另行告知）"))]),
                link("查询办理进度", PortalRoute.disclosureTrack.path() + "?code=\(row.number)"),
            ])
        }
        router.open(.GET, PortalRoute.disclosureTrack) { req in try await track(req) }
    }

    static func page(_ req: Request, values: [String: String], failure: ValidationFailure?, status: HTTPResponseStatus? = nil) async throws -> Response {
        let db = req.db, services = req.fazhi
        let query = ListQuery(req, path: PortalRoute.disclosure.path(), keys: ["page"])
        // Both parts below are kept until a record changes; the records' version is read once for both.
        let version = try await RecordsVersion.current(on: db, services: services)
        let (agencies, released) = try await RecordsVersion.$shared.withValue(version) {
            // The agencies a citizen may address (code and name): every visit read them as
            // FluentKit models, most of the page's time.
            let agencies = try await services.recordsCache.value("gongshi.disclosure.agencies", on: db, services: services) { _ in
                try await OrgUnit.query(on: db).filter(\.$kind ~~ [UnitKind.countyGovernment.rawValue, UnitKind.department.rawValue, UnitKind.township.rawValue,
                                                                  UnitKind.subdistrict.rawValue]).sort(\.$sortOrder).sort(\.$code).all().map { ($0.code, $0.name) }
            }
            // The released answers depend on the records and the page alone (`Request.keptList`).
            let released = try await req.keptList("gongshi.disclosure.released", query: query, scope: .everything) { read in
                let request = PageRequest(number: query.page, size: 20)
                let page = try await DisclosureRequest.query(on: read.db).filter(\.$releasedOn != nil).sort(\.$releasedOn, .descending).sort(\.$number)
                    .page(withIndex: request.number, size: request.size)
                let names = try await services.unitNames.of(Set(page.items.map(\.unitID)), services: services, on: read.db)
                return [
                    UI.simpleTable(caption: "已向社会公开的答复", headers: ["答复机关", "申请内容", "答复", "公开日期", "摘要"], rows: page.items.map { row in
                        [.text(names[row.unitID] ?? "—"), .text(row.content), .text(row.outcome.flatMap(DisclosureOutcome.init(rawValue:))?.label ?? ""),
                         .text(row.releasedOn ?? ""), .text(row.publicSummary ?? "")]
                    }),
                    UI.pagination(Page(items: page.items, total: page.metadata.total, request: request), query: query),
                ]
            }
            return (agencies, released)
        }
        func field(_ label: String, _ name: String, required: Bool = true, hint: String? = nil) -> Node {
            UI.field(label, name: name, value: values[name], error: failure?.message(for: name), required: required, hint: hint)
        }
        return Layout.portal(req, title: "政府信息公开申请", section: section, status: status ?? (failure == nil ? .ok : .unprocessableEntity), content: [
            el("p", text: "依据《中华人民共和国政府信息公开条例》第二十七条至第二十九条，公民、法人或者其他组织可以向行政机关申请获取相关政府信息。网上提交的申请，以提交之日为收到申请之日，行政机关自收到申请之日起20个工作日内答复。"),
            UI.errorSummary(failure),
            el("form", [Attribute("method", "post"), Attribute("action", PortalRoute.disclosure.path())], [
                UI.select("受理机关", name: "unitCode", options: agencies, selected: values["unitCode"], error: failure?.message(for: "unitCode"),
                          required: true, includeBlank: "请选择"),
                field("申请人姓名或名称", "applicant", hint: "加密保存，不在任何公开页面显示"),
                UI.select("申请人类别", name: "applicantClass", options: ApplicantClass.allCases.map { ($0.rawValue, $0.label) }, selected: values["applicantClass"],
                          error: failure?.message(for: "applicantClass"), required: true),
                field("联系电话", "contact", hint: "查询办理进度时需要其后四位"),
                field("所需政府信息的名称、文号或者便于查询的其他特征性描述", "content"),
                field("获取信息的方式", "form", required: false, hint: "如：电子邮件、邮寄纸质件、当面领取"),
                el("button", [.type("submit")], text: "提交申请"),
            ]),
            el("p", [], [link("查询办理进度", PortalRoute.disclosureTrack.path())]),
            el("h2", text: "依申请公开答复的公开（政府信息公开条例第四十四条）"),
            released,
        ])
    }

    static func track(_ req: Request) async throws -> Response {
        let code = req.query[String.self, at: "code"], last4 = req.query[String.self, at: "last4"]
        var content: [Node] = [
            el("form", [Attribute("method", "get"), Attribute("action", PortalRoute.disclosureTrack.path()), Attribute("role", "search")], [
                UI.field("查询码", name: "code", value: code, required: true), UI.field("联系电话后四位", name: "last4", value: nil, required: true),
                el("button", [.type("submit")], text: "查询"),
            ]),
        ]
        var status = HTTPResponseStatus.ok
        if last4 != nil {
            // Each lookup counts against the address's hourly submissions, so codes cannot be guessed at speed.
            guard req.fazhi.publicCommentLimiter.allow(req.clientIP, now: req.fazhi.now) else {
                return Layout.portal(req, title: "查询办理进度", section: section, status: .tooManyRequests, content: [el("p", [.cls("error")], text: "查询过于频繁，请稍后再试")])
            }
            if let row = try await DisclosureService.track(code: code, last4: last4, services: req.fazhi, on: req.db) {
                let events = try await DisclosureRequestEvent.query(on: req.db).filter(\.$requestID == row.id!).sort(\.$createdAt).all()
                let outcome = row.outcome.flatMap(DisclosureOutcome.init(rawValue:))
                content += [
                    UI.details([("查询码", .text(row.number)), ("收到申请之日", .text(row.receivedOn)),
                                ("答复期限", .text(row.answeredOn == nil ? (row.answerDueOn ?? "暂停计算（补正或征求意见期间不计入答复期限）") : "—")),
                                ("办理结果", .text(outcome.map { "\($0.group.rawValue) \($0.label)，\(row.answeredOn ?? "")答复" } ?? "办理中"))]),
                    UI.simpleTable(caption: "办理过程", headers: ["日期", "事项"], rows: events.map { [.text($0.happenedOn ?? "—"), .text(publicStep($0.action))] }),
                ]
            } else {
                status = .notFound
                content.append(el("p", [.cls("error")], text: "查询码或联系电话后四位不正确"))
            }
        }
        return Layout.portal(req, title: "查询办理进度", section: section, status: status, content: content)
    }

    /// A step as the applicant sees it: what happened, not who keyed it or the internal note.
    static func publicStep(_ action: String) -> String {
        switch action {
        case "register": "收到申请"
        case "correction-notice": "告知补正"
        case "correction-received": "收到补正"
        case "consultation-start": "征求第三方意见（期间不计入答复期限）"
        case "consultation-end": "征求意见结束"
        case "extend": "延长答复期限"
        case "answer": "作出答复"
        case "release": "答复向社会公开"
        default: "办理"
        }
    }
}
