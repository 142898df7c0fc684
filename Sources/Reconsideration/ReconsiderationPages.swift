import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit
import Vapor

enum ReconsiderationPages {
    struct ApplicationForm: Content {
        var caseNumber: String?
        var receivedOn: String?
        var channel: String?
        var applicantKind: String?
        var applicantName: String?
        var applicantID: String?
        var agent: String?
        var thirdParties: String?
        var respondentCode: String?
        var actCategory: String?
        var enforcementDomain: String?
        var actOn: String?
        var request: String?

        var input: ApplicationInput {
            ApplicationInput(caseNumber: caseNumber, receivedOn: receivedOn, channel: channel, applicantKind: applicantKind, applicantName: applicantName,
                             applicantID: applicantID, agent: agent, thirdParties: thirdParties, respondentCode: respondentCode, actCategory: actCategory,
                             enforcementDomain: enforcementDomain, actOn: actOn, request: request)
        }
    }


    static func register(_ router: ModuleRouter) {
        router.page(.GET, ReconsiderationRoute.list, permission: ReconsiderationPermissions.read) { req in try await list(req) }
        router.page(.GET, ReconsiderationRoute.new, permission: ReconsiderationPermissions.handle) { req in
            formPage(req, form: ApplicationForm(receivedOn: CivilDateTime(req.fazhi.now).date.description), failure: nil)
        }
        router.form(ReconsiderationRoute.new, permission: ReconsiderationPermissions.handle, decoding: ApplicationForm.self, submit: { req, form in
            let (row, warnings) = try await CaseService.registerWithWarnings(form.input, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: (["已登记 \(row.caseNumber)，受理审查期限开始计算"] + warnings).joined(separator: "。提示："))
        }, reshow: { req, form, failure in formPage(req, form: form, failure: failure) })
        router.page(.GET, ReconsiderationRoute.importPage, permission: ReconsiderationPermissions.importCases) { req in
            ImportPages.page(req, importer: CaseImporter(), action: ReconsiderationRoute.importPage.path(), report: nil)
        }
        router.page(.GET, ReconsiderationRoute.importTemplateCsv, permission: ReconsiderationPermissions.importCases) { _ in
            ImportPages.template(CaseImporter())
        }
        router.page(.POST, ReconsiderationRoute.importPage, permission: ReconsiderationPermissions.importCases, body: .collect(maxSize: "20mb")) { req in
            try await ImportPages.handle(req, importer: CaseImporter(), action: ReconsiderationRoute.importPage.path())
        }
        router.page(.GET, ReconsiderationRoute.statistics, permission: ReconsiderationPermissions.read) { req in try await ReconsiderationStatistics.page(req) }
        router.page(.GET, ReconsiderationRoute.exportCsv, permission: ReconsiderationPermissions.importCases) { req in try await ReconsiderationStatistics.exportCSV(req) }
        ReconsiderationStatistics.registerAPI(router)
        AttachmentPages.register(router)
        router.page(.GET, ReconsiderationRoute.record, permission: ReconsiderationPermissions.read) { req in try await show(req, failure: nil) }
        router.page(.GET, ReconsiderationRoute.documentsRecord, permission: ReconsiderationPermissions.handle) { req in try await document(req) }
        let reshow: @Sendable (Request, FormFields, ValidationFailure) async throws -> Response = { req, _, failure in try await show(req, failure: failure) }
        router.form(ReconsiderationRoute.opinions, permission: ReconsiderationPermissions.handle, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            try await OpinionService.issue(caseID: id, recipientCode: fields.optionalText("recipientCode"), issuedOn: try fields.date("on", label: "日期"),
                                           receivedOn: try fields.optionalDate("receivedOn", label: "收文机关收到日期"), content: fields.text("text"),
                                           by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: ReconsiderationRoute.record.path(id), notice: "已制发意见书，六十日报送期限开始计算")
        }, reshow: reshow)
        router.form(ReconsiderationRoute.opinionsReceived, permission: ReconsiderationPermissions.handle, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            try await OpinionService.recordReceipt(opinionID: try req.parameters.require("opinion", as: UUID.self), on: try fields.date("on", label: "日期"),
                                                   by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: ReconsiderationRoute.record.path(id), notice: "已记录收文机关收到意见书的日期，六十日期限自该日起计算")
        }, reshow: reshow)
        router.form(ReconsiderationRoute.opinionsReply, permission: ReconsiderationPermissions.handle, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            try await OpinionService.recordReply(opinionID: try req.parameters.require("opinion", as: UUID.self), on: try fields.date("on", label: "日期"),
                                                 reply: fields.text("text"), by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: ReconsiderationRoute.record.path(id), notice: "已记录纠正情况报告")
        }, reshow: reshow)
        router.form(ReconsiderationRoute.actions, permission: ReconsiderationPermissions.handle, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            let action = try parse(fields)
            let (_, warnings) = try await CaseService.performWithWarnings(action, on: id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: ReconsiderationRoute.record.path(id), notice: (["已记录：\(action.label)"] + warnings).joined(separator: "。提示："))
        }, reshow: reshow)
    }

    /// The step a case page's form asks for, its fields read with one wording for every date.
    static func parse(_ form: FormFields) throws -> CaseAction {
        let text = form.text("text")
        if text.count > 1000 { throw ValidationFailure(field: "text", label: "说明", message: "不能超过1000个字符") }
        let date = try form.date("on", label: "日期")
        switch form.text("action") {
        case "request-correction":
            return .requestCorrection(on: date, items: text, receivedOn: try form.optionalDate("receivedOn", label: "申请人收到通知日期"))
        case "correction-notice-received": return .correctionNoticeReceived(on: date)
        case "extend-correction":
            guard let days = Int(form.text("days")) else {
                throw ValidationFailure(field: "days", label: "延长工作日", message: "应为1到20的整数")
            }
            return .extendCorrection(on: date, workdays: days, reason: text)
        case "receive-correction": return .receiveCorrection(on: date)
        case "deem-withdrawn": return .deemWithdrawn(on: date)
        case "accept":
            guard let procedure = Procedure(rawValue: form.text("procedure")) else { throw ValidationFailure(field: "procedure", label: "程序", message: "请选择普通程序或简易程序") }
            let ground = SummaryGround(rawValue: form.text("summaryGround"))
            return .accept(on: date, procedure: procedure, major: form.flag("major"), summaryGround: procedure == .summary ? ground : nil)
        case "refuse": return .refuse(on: date, reason: text)
        case "refer": return .refer(on: date, body: text)
        case "send-copy": return .sendCopy(on: date, receivedOn: try form.optionalDate("receivedOn", label: "被申请人收到日期"))
        case "copy-received": return .copyReceived(on: date)
        case "receive-reply": return .receiveReply(on: date)
        case "schedule-hearing":
            return .scheduleHearing(noticeOn: date, hearingOn: try form.date("hearingOn", label: "听证日期"))
        case "suspend":
            guard let ground = SuspensionGround(rawValue: form.text("ground")) else {
                throw ValidationFailure(field: "ground", label: "中止情形", message: "请选择行政复议法第三十九条第一款所列的中止情形")
            }
            return .suspend(on: date, ground: ground, reason: text)
        case "convert-to-ordinary": return .convertToOrdinary(on: date, approver: form.text("approver"), reason: text)
        case "resume": return .resume(on: date)
        case "extend":
            guard let days = Int(form.text("days")) else {
                throw ValidationFailure(field: "days", label: "延长天数", message: "应为1到30的整数（行政复议法第六十二条第一款）")
            }
            return .extend(on: date, days: days, approver: form.text("approver"), reason: text)
        case "conclude":
            guard let outcome = CaseOutcome(rawValue: form.text("outcome")) else { throw ValidationFailure(field: "outcome", label: "结案方式", message: "请选择结案方式") }
            return .conclude(on: date, outcome: outcome, selfCorrected: form.flag("selfCorrected"), note: text)
        case "serve": return .serve(on: date)
        case "archive": return .archive(on: date)
        default: throw ValidationFailure(field: "action", label: "操作", message: "未知操作")
        }
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: ReconsiderationRoute.list.path(), keys: ["status", "year", "q", "page", "after", "before"])
        // The shown columns through SQL, not a `ReconsiderationCase` model per row (issue 16).
        let status = query["status"].flatMap(CaseStatus.init(rawValue:)), year = RequestNumbers.year(query["year"]), q = query["q"] ?? ""
        struct Row: SQLListRow {
            var id: UUID; var case_number: String; var received_on: String; var applicant_name_masked: String; var respondent_id: UUID
            var act_category: String; var status: String; var outcome: String?
            init(row: any SQLRow) throws {
                id = try row.decodeUUID(column: "id")
                case_number = try row.decode(column: "case_number", as: String.self)
                received_on = try row.decode(column: "received_on", as: String.self)
                applicant_name_masked = try row.decode(column: "applicant_name_masked", as: String.self)
                respondent_id = try row.decodeUUID(column: "respondent_id")
                act_category = try row.decode(column: "act_category", as: String.self)
                status = try row.decode(column: "status", as: String.self)
                outcome = try row.decodeOptional(column: "outcome", as: String.self)
            }
        }
        let services = req.fazhi
        // The table and its pager depend on the records in the caller's units and the query only.
        let table = try await req.keptList("reconsideration.cases", query: query) { read in
            let select = ReconsiderationCase.scopedSelect(in: read.scope, on: read.db, services: services)
            if let status { select.where("status", .equal, SQLBind(status.rawValue)) }
            if let year { select.where("received_on", .greaterThanOrEqual, SQLBind("\(year)-01-01")).where("received_on", .lessThan, SQLBind("\(year + 1)-01-01")) }
            if !q.isEmpty { select.where("case_number", .like, SQLBind("%" + q + "%")) }
            // Newest received first, paged by cursor on (received_on, case_number).
            let page = try await select.plainColumns("id", "case_number", "received_on", "applicant_name_masked", "respondent_id", "act_category", "status", "outcome")
                .cursorPage(key: "received_on", id: "case_number", uuid: false, query: query, decoding: Row.self) { ($0.received_on, $0.case_number) }
            let rows = page.rows
            let names = try await services.unitNames.of(Set(rows.map(\.respondent_id)), services: services, on: read.db)
            return [
                UI.table(caption: "行政复议案件（申请人信息已脱敏）", columns: [
                    UI.Column("案号"), UI.Column("收到日期"), UI.Column("申请人"), UI.Column("被申请人"), UI.Column("行为类别"), UI.Column("状态"), UI.Column("结案方式"),
                ], rows: rows.map { row in
                    [link(row.case_number, ReconsiderationRoute.record.path(row.id)), .text(row.received_on), .text(row.applicant_name_masked), .text(names[row.respondent_id] ?? "—"),
                     .text(ActCategory(rawValue: row.act_category)?.label ?? row.act_category), .text(CaseStatus(rawValue: row.status)?.label ?? row.status),
                     .text(row.outcome.flatMap(CaseOutcome.init(rawValue:))?.label ?? "—")]
                }, query: query),
                UI.cursorPagination(page, query: query),
            ]
        }
        var actions: [Node] = []
        if principal.has(ReconsiderationPermissions.handle) { actions.append(link("登记申请", ReconsiderationRoute.new.path(), [.cls("button")])) }
        actions.append(link("分项统计", ReconsiderationRoute.statistics.path()))
        if principal.has(ReconsiderationPermissions.importCases) {
            actions.append(link("导入台账", ReconsiderationRoute.importPage.path()))
            actions.append(link("导出台账（CSV）", ReconsiderationRoute.exportCsv.path() + (query["year"].map { "?year=\($0)" } ?? "")))
        }
        return Layout.page(req, title: "行政复议", content: [
            el("div", [.cls("actions")], actions),
            el("form", [Attribute("method", "get"), Attribute("action", ReconsiderationRoute.list.path()), .cls("filters"), Attribute("role", "search")], [
                UI.field("案号", name: "q", value: query["q"]),
                UI.field("收到年度", name: "year", value: query["year"]),
                UI.select("状态", name: "status", options: CaseStatus.allCases.map { ($0.rawValue, $0.label) }, selected: query["status"], includeBlank: "全部"),
                el("div", [.cls("field")], [el("button", [.type("submit")], text: "筛选")]),
            ]),
            table,
        ])
    }

    static func formPage(_ req: Request, form: ApplicationForm, failure: ValidationFailure?) -> Response {
        func field(_ label: String, _ name: String, _ value: String?, type: String = "text", required: Bool = false, hint: String? = nil) -> Node {
            UI.field(label, name: name, value: value, type: type, error: failure?.message(for: name), required: required, hint: hint)
        }
        return Layout.page(req, title: "登记行政复议申请", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.form(action: ReconsiderationRoute.new.path(), csrf: req.csrfToken, [
                field("案号", "caseNumber", form.caseNumber, hint: "留空则自动编号，如“（2026）复字第1号”"),
                field("收到申请日期", "receivedOn", form.receivedOn, type: "date", required: true, hint: "受理审查的五个工作日自次日起计算（行政复议法第三十条）"),
                UI.select("申请方式", name: "channel", options: ApplicationChannel.allCases.map { ($0.rawValue, $0.label) }, selected: form.channel,
                          error: failure?.message(for: "channel"), required: true, includeBlank: "请选择"),
                UI.select("申请人类型", name: "applicantKind", options: ApplicantKind.allCases.map { ($0.rawValue, $0.label) }, selected: form.applicantKind,
                          error: failure?.message(for: "applicantKind"), required: true, includeBlank: "请选择"),
                field("申请人", "applicantName", form.applicantName, required: true, hint: "加密保存，列表中脱敏显示"),
                field("证件号码", "applicantID", form.applicantID, hint: "自然人填身份证号码（必填），组织填统一社会信用代码"),
                field("代理人", "agent", form.agent),
                field("第三人", "thirdParties", form.thirdParties),
                field("被申请人（单位编码）", "respondentCode", form.respondentCode, required: true),
                UI.select("被申请行为类别", name: "actCategory", options: ActCategory.allCases.map { ($0.rawValue, $0.label) }, selected: form.actCategory,
                          error: failure?.message(for: "actCategory"), required: true, includeBlank: "请选择"),
                field("执法领域", "enforcementDomain", form.enforcementDomain),
                field("行政行为日期", "actOn", form.actOn, type: "date"),
                field("行政复议请求", "request", form.request, required: true),
                el("button", [.type("submit")], text: "登记"),
            ]),
        ])
    }

    /// The forms for the steps the case's state allows.
    static func actionForms(_ row: ReconsiderationCase, csrf: String, today: String) -> [Node] {
        let action = ReconsiderationRoute.actions.path(row.id!)
        func form(_ key: String, _ title: String, _ fields: [Node]) -> Node {
            el("details", [.cls("action")], [
                el("summary", text: title),
                UI.form(action: action, csrf: csrf, [.void("input", [.type("hidden"), .name("action"), .value(key)])]
                    + [UI.field("日期", name: "on", value: today, type: "date", required: true)] + fields
                    + [el("button", [.type("submit")], text: title)]),
            ])
        }
        func text(_ label: String, hint: String? = nil) -> Node { UI.field(label, name: "text", hint: hint) }
        let outcomes = CaseOutcome.allCases.map { ($0.rawValue, "\($0.label)（\($0.article)）") }
        let suspendForm = form("suspend", "中止", [
            UI.select("中止情形", name: "ground", options: SuspensionGround.allCases.map { ($0.rawValue, "第\($0.item)项：\($0.label)") }, selected: nil, required: true, includeBlank: "请选择"),
            text("说明", hint: "第一、二、四项中止满六十日仍未消除的，行政复议终止（行政复议法第四十一条第五项）"),
        ])
        switch row.caseStatus {
        case .received:
            return [
                form("accept", "受理", [
                    UI.select("程序", name: "procedure", options: Procedure.allCases.map { ($0.rawValue, $0.label) }, selected: nil, required: true, includeBlank: "请选择"),
                    UI.select("重大、疑难、复杂案件", name: "major", options: [("0", "否"), ("1", "是（应当听证，不适用简易程序）")], selected: "0"),
                    UI.select("适用简易程序的情形（第五十三条）", name: "summaryGround", options: SummaryGround.allCases.map { ($0.rawValue, $0.label) }, selected: nil,
                              includeBlank: "普通程序不填"),
                ]),
                form("request-correction", "通知补正", [
                    text("补正事项", hint: "一次性载明全部需要补正的事项（行政复议法第三十一条第一款）"),
                    UI.field("申请人收到通知日期", name: "receivedOn", type: "date", hint: "补正期限自收到之日起十个工作日（第三十一条第二款）；不详可以以后记录"),
                ]),
                form("refuse", "不予受理", [text("理由")]),
                form("refer", "告知向有权机关申请", [text("有权机关")]),
                suspendForm,
            ]
        case .awaitingCorrection:
            return [
                form("receive-correction", "收到补正材料", []),
                form("correction-notice-received", "记录申请人收到补正通知的日期", []),
                form("extend-correction", "延长补正期限", [UI.field("延长工作日", name: "days", hint: "有正当理由不能按期补正的（第三十一条第二款）"), text("正当理由")]),
                form("deem-withdrawn", "逾期未补正，视为撤回", []),
            ]
        case .underReview:
            var forms: [Node] = []
            if row.copySentOn == nil {
                forms.append(form("send-copy", "发送申请书副本", [
                    UI.field("被申请人收到日期", name: "receivedOn", type: "date", hint: "答复期限自收到之日起计算（第四十八条、第五十四条）；不详可以以后记录"),
                ]))
            }
            if row.copySentOn != nil && row.copyReceivedOn == nil && row.replyOn == nil {
                forms.append(form("copy-received", "记录被申请人收到申请书副本的日期", []))
            }
            if row.copySentOn != nil && row.replyOn == nil { forms.append(form("receive-reply", "收到书面答复和证据", [])) }
            forms.append(form("schedule-hearing", "通知听证", [UI.field("听证日期", name: "hearingOn", type: "date", hint: "须在听证五个工作日前通知（行政复议法第五十一条）")]))
            if row.caseProcedure == .summary {
                forms.append(form("convert-to-ordinary", "转为普通程序", [UI.field("批准人", name: "approver", hint: "行政复议机构负责人（第五十五条）"), text("理由")]))
            }
            if row.caseProcedure == .ordinary && row.extendedDays < 30 {
                forms.append(form("extend", "延长审理期限", [
                    UI.field("延长天数", name: "days", hint: "期限届满前延长，合计不超过30日（第六十二条第一款），已延长\(row.extendedDays)日"),
                    UI.field("批准人", name: "approver", hint: "行政复议机构负责人"), text("理由"),
                ]))
            }
            forms.append(suspendForm)
            forms.append(form("conclude", "结案", [
                UI.select("结案方式", name: "outcome", options: outcomes, selected: nil, required: true, includeBlank: "请选择"),
                UI.select("被申请人自行纠正后撤回", name: "selfCorrected", options: [("0", "否"), ("1", "是（计入综合纠错）")], selected: "0"),
                text("说明"),
            ]))
            return forms
        case .suspended:
            return [form("resume", "恢复审理", []), form("conclude", "终止", [
                .void("input", [.type("hidden"), .name("outcome"), .value(CaseOutcome.termination.rawValue)]), text("终止理由", hint: "如中止满六十日（行政复议法第四十一条第五项）"),
            ])]
        case .decided:
            return [form("serve", "送达", [])]
        case .served, .refused, .referred, .deemedWithdrawn:
            return [form("archive", "归档", [])]
        case .archived:
            return []
        }
    }

    /// A filled document as DOCX. Its download is audited: it carries the applicant's name.
    static func document(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let row = try await CaseService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        guard let kind = CaseDocument(rawValue: req.parameters.get("kind") ?? "") else { throw Abort(.notFound) }
        let events = try await ReconsiderationEvent.query(on: req.db).filter(\.$reconsiderationCase.$id == row.id!).sort(\.$createdAt).all()
        guard kind.available(for: row, events: events) else {
            throw ValidationFailure(field: "kind", label: kind.title, message: "案件尚未到达该文书对应的环节，不能生成")
        }
        let issuer = try await OrgUnit.query(on: req.db).filter(\.$kind == UnitKind.countyGovernment.rawValue).sort(\.$path).first()?.name ?? req.fazhi.config.siteName
        let respondent = try await OrgUnit.find(row.respondentID, on: req.db)?.name ?? ""
        let applicant = try req.fazhi.cipher.open(row.applicantNameSealed)
        let document = CaseDocuments.build(kind, row: row, events: events, issuer: issuer, respondent: respondent, applicant: applicant,
                                           today: CivilDateTime(req.fazhi.now).date)
        let data = try document.docx()
        try await AuditLog.append(AuditEvent(action: "reconsideration.document", entityType: "reconsideration_case", entityID: row.id!.uuidString,
                                             detail: "\(row.caseNumber)：生成\(kind.title)"), by: principal.auditActor, at: req.fazhi.now, on: req.db)
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.wordprocessingml.document")
        response.headers.contentDisposition = .init(.attachment, filename: "\(kind.rawValue).docx")
        return response
    }

    static func show(_ req: Request, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let services = req.fazhi
        let row = try await CaseService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        let respondent = try await OrgUnit.find(row.respondentID, on: req.db)
        let events = try await ReconsiderationEvent.query(on: req.db).filter(\.$reconsiderationCase.$id == row.id!).sort(\.$createdAt).all()
        let calendar = try await CalendarService.current(services: services, on: req.db)
        let now = CivilDateTime(services.now)
        let opinions = try await ReconsiderationOpinion.query(on: req.db).filter(\.$reconsiderationCase.$id == row.id!).sort(\.$issuedOn).all()
        var clockRows = try await ClockService.clocks(record: row.clockRecord, on: req.db)
        for opinion in opinions { clockRows += try await ClockService.clocks(record: opinion.clockRecord, on: req.db) }
        let clocks = try clockRows.map {
            try ClockService.view($0, calendar: calendar, now: now, warnWithin: services.config.deadlineWarnWorkdays)
        }
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("案号", .text(row.caseNumber)),
                ("状态", .text(row.caseStatus.label)),
                ("收到申请", .text("\(row.receivedOn)（\(ApplicationChannel(rawValue: row.channel)?.label ?? row.channel)）")),
                ("申请人", .text("\(row.applicantNameMasked)（\(ApplicantKind(rawValue: row.applicantKind)?.label ?? "")）\(row.applicantIDMasked.map { "，\($0)" } ?? "")")),
                ("被申请人", .text(respondent?.name ?? "—")),
                ("被申请行为", .text("\(ActCategory(rawValue: row.actCategory)?.label ?? row.actCategory)\(row.enforcementDomain.map { "，\($0)" } ?? "")\(row.actOn.map { "，\($0)" } ?? "")")),
                ("行政复议请求", .text(row.request)),
                ("程序", .text(row.caseProcedure?.label ?? "—")),
                ("结案", .text(row.caseOutcome.map { "\($0.label)（\($0.article)），\(row.outcomeOn ?? "")" } ?? "—")),
            ]),
            el("h2", text: "法定期限"),
            DeadlinePages.clockSection(clocks),
            el("h2", text: "办理记录"),
            UI.simpleTable(caption: "案件时间线", headers: ["日期", "操作", "经办人"], rows: events.map {
                [.text($0.happenedOn), .text($0.detail), .text($0.actor)]
            }),
        ]
        let findings = try await ReconsiderationFinding.query(on: req.db).filter(\.$caseID == row.id!).sort(\.$happenedOn).all()
        if !findings.isEmpty {
            content.append(el("h2", text: "历史违法情形"))
            content.append(UI.simpleTable(caption: "导入台账时经规则核对、由复议机构如实说明的违反法定程序情形（计入统计“导入历史中的违法情形”）",
                                          headers: ["日期", "环节", "违法情形", "台账说明"], rows: findings.map {
                [.text($0.happenedOn), .text($0.step), .text($0.finding), .text($0.statement)]
            }))
        }
        let attachments = try await ReconsiderationAttachment.query(on: req.db).filter(\.$reconsiderationCase.$id == row.id!).sort(\.$createdAt).all()
        content += AttachmentPages.section(row, attachments: attachments, canUpload: principal.has(ReconsiderationPermissions.handle), csrf: req.csrfToken)
        if !opinions.isEmpty {
            content.append(el("h2", text: "行政复议意见书"))
            content.append(UI.simpleTable(caption: "意见书（行政复议法第七十六条）", headers: ["制发日期", "收文机关收到", "内容", "纠正情况报告"], rows: opinions.map { opinion in
                [.text(opinion.issuedOn),
                 opinion.receivedOn.map { .text($0) } ?? (principal.has(ReconsiderationPermissions.handle) && opinion.repliedOn == nil
                    ? UI.form(action: "\(row.link)/opinions/\(opinion.id!)/received", csrf: req.csrfToken, [
                        UI.field("收到日期", name: "on", value: now.date.description, type: "date", required: true), el("button", [.type("submit")], text: "记录"),
                    ]) : .text("未记录")),
                 el("span", [.id("opinion-\(opinion.id!)")], text: opinion.content),
                 opinion.repliedOn.map { .text("\($0)：\(opinion.reply ?? "")") } ?? (principal.has(ReconsiderationPermissions.handle)
                    ? UI.form(action: "\(row.link)/opinions/\(opinion.id!)/reply", csrf: req.csrfToken, [
                        UI.field("收到日期", name: "on", value: now.date.description, type: "date", required: true), UI.field("纠正情况", name: "text"),
                        el("button", [.type("submit")], text: "记录"),
                    ]) : .text("未报送"))]
            }))
        }
        if principal.has(ReconsiderationPermissions.handle) {
            if row.accepted {
                content.append(el("details", [.cls("action")], [el("summary", text: "制发行政复议意见书"), UI.form(action: "\(row.link)/opinions", csrf: req.csrfToken, [
                    UI.field("日期", name: "on", value: now.date.description, type: "date", required: true),
                    UI.field("收文机关（单位编码）", name: "recipientCode", required: true, hint: "被申请人或者其他下级行政机关"),
                    UI.field("收文机关收到日期", name: "receivedOn", type: "date", hint: "六十日自收到之日起计算（第七十六条）；不详可以以后记录"),
                    UI.field("意见书内容", name: "text", required: true, hint: "发现的违法或者不当行政行为及纠正意见；收文机关应在六十日内报送纠正情况"),
                    el("button", [.type("submit")], text: "制发"),
                ])]))
            }
            let documents = CaseDocument.allCases.filter { $0.available(for: row, events: events) }
            if !documents.isEmpty {
                content.append(el("h2", text: "文书（DOCX，公文格式）"))
                content.append(el("ul", [], documents.map { el("li", [], [link($0.title, "\(row.link)/documents/\($0.rawValue)")]) }))
            }
            let forms = actionForms(row, csrf: req.csrfToken, today: now.date.description)
            if !forms.isEmpty { content += [el("h2", text: "办理")] + forms }
        }
        return Layout.page(req, title: "行政复议 \(row.caseNumber)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}
