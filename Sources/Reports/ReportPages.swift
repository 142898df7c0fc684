import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

enum ReportPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, ReportRoute.list, permission: ReportPermissions.read) { req in try await list(req, values: [:], failure: nil) }
        router.form(ReportRoute.list, permission: ReportPermissions.manage, submit: { req, fields in
            let values = fields.values
            guard let kind = ReportKind(rawValue: values["kind"] ?? ReportKind.ruleOfLaw.rawValue) else {
                throw ValidationFailure(field: "kind", label: "报告类别", message: "请选择报告类别")
            }
            let row = try await ReportService.create(year: values["year"], unitCode: values["unitCode"], kind: kind, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已按模板新建 \(row.title)")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await list(req, values: values, failure: failure)
        })
        router.page(.GET, ReportRoute.template, permission: ReportPermissions.template) { req in try await templatePage(req, text: nil, failure: nil) }
        router.form(ReportRoute.template, permission: ReportPermissions.template, submit: { req, fields in
            let values = fields.values
            let kind = templateKind(req)
            _ = try await ReportService.saveTemplate(values["text"], kind: kind, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: ReportRoute.template.path() + "?kind=\(kind.rawValue)", notice: "模板已保存")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await templatePage(req, text: values["text"], failure: failure)
        })
        router.page(.GET, ReportRoute.record, permission: ReportPermissions.read) { req in try await show(req, values: [:], failure: nil) }
        router.form(ReportRoute.record, permission: ReportPermissions.manage, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            let action: ReportService.Action
            switch values["action"] ?? "" {
            case "save": action = .save(text: values["text"], number: values["number"])
            case "submit": action = .submit
            case "approve": action = .approve(official: values["official"])
            case "send": action = .send(to: values["to"])
            case "publish": action = .publish
            default: throw ValidationFailure(field: "action", label: "操作", message: "未知操作")
            }
            try await ReportService.perform(action, on: id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: ReportRoute.record.path(id), notice: "已保存")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await show(req, values: values, failure: failure)
        })
        router.page(.GET, ReportRoute.export, permission: ReportPermissions.read) { req async throws -> Response in
            let row = try await ReportService.find(try req.parameters.require("id", as: UUID.self), for: try req.caller, on: req.db)
            let report = try await ReportService.render(row, services: req.fazhi, on: req.db, figureDatabases: req.figureDatabases)
            let format = req.query[String.self, at: "format"] ?? "docx"
            let (data, type, suffix): (Data, HTTPMediaType, String)
            switch format {
            case "md": (data, type, suffix) = (Data(report.markdown.utf8), HTTPMediaType(type: "text", subType: "markdown", parameters: ["charset": "utf-8"]), "md")
            case "pdf":
                do { (data, type, suffix) = (try await ReportFormats.pdfOffLoop(report, siteURL: siteURL(req)), HTTPMediaType(type: "application", subType: "pdf"), "pdf") }
                catch let failure as CommandFailure { return Layout.redirect(req, to: row.link, notice: failure.description) }
            default:
                (data, type, suffix) = (try report.document(siteURL: siteURL(req)).docx(),
                                        HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.wordprocessingml.document"), "docx")
            }
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.contentType = type
            response.headers.contentDisposition = .init(.attachment, filename: "report-\(row.year).\(suffix)")
            return response
        }
        router.open(.GET, PortalRoute.reports) { req in try await publicList(req) }
        router.open(.GET, PortalRoute.report) { req in try await publicShow(req) }
    }

    static func list(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let builder = AnnualReport.scoped(for: principal, on: req.db)
        let rows = try await builder.sort(\.$year, .descending).sort(\.$unitName).all()
        var content: [Node] = [
            UI.errorSummary(failure),
            el("p", text: "依据法治政府建设与责任落实督察工作规定，每年3月1日前报送上一年度报告，4月1日前向社会公开。报告中的数字全部由业务记录计算，批准后固定不变。"),
            el("p", text: "政府信息公开工作年度报告依据政府信息公开条例第四十九条、第五十条，按国务院办公厅政府信息公开办公室统一格式编制：部门1月31日前报送并公开，县（区）政府3月31日前公开。"),
            UI.simpleTable(caption: "年度报告", headers: ["报告", "年度", "状态", "报送期限", "公开期限"], rows: rows.map { row in
                [link(row.title, row.link), .text(String(row.year)), .text(row.reportStatus.label), .text(row.submitBy), .text(row.publishBy)]
            }),
        ]
        if principal.has(ReportPermissions.manage) {
            content += [el("h2", text: "新建报告"), UI.form(action: ReportRoute.list.path(), csrf: req.csrfToken, [
                UI.field("年度", name: "year", value: values["year"] ?? String(CivilDateTime(req.fazhi.now).date.year - 1), error: failure?.message(for: "year"), required: true),
                UI.field("单位编码", name: "unitCode", value: values["unitCode"], error: failure?.message(for: "unitCode"), required: true, hint: "县（区）政府、部门或乡镇"),
                UI.select("报告类别", name: "kind", options: ReportKind.allCases.map { ($0.rawValue, $0.label) }, selected: values["kind"], error: failure?.message(for: "kind")),
                el("button", [.type("submit")], text: "按模板新建"),
            ])]
        }
        if principal.has(ReportPermissions.template) {
            content += ReportKind.allCases.map { el("p", [], [link("编辑\($0.label)模板", ReportRoute.template.path() + "?kind=\($0.rawValue)")]) }
        }
        return Layout.page(req, title: "年度报告", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    /// The address links in a downloaded document point to: `FAZHI_SITE_URL`, or else the host the
    /// download was asked from (only if it looks like a host name).
    static func siteURL(_ req: Request) -> String? {
        if let configured = req.fazhi.config.siteURL { return configured }
        guard let host = req.headers.first(name: .host), !host.isEmpty,
              host.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || ".-:[]".unicodeScalars.contains($0) }) else { return nil }
        return "\(req.fazhi.config.secureCookies ? "https" : "http")://\(host)"
    }

    static func clocks(_ req: Request, record: ClockRecord) async throws -> Node {
        let calendar = try await CalendarService.current(services: req.fazhi, on: req.db)
        return DeadlinePages.clockSection(try await ClockService.clocks(record: record, on: req.db).map {
            try ClockService.view($0, calendar: calendar, now: CivilDateTime(req.fazhi.now), warnWithin: req.fazhi.config.deadlineWarnWorkdays)
        })
    }

    static func textarea(_ name: String, _ label: String, _ value: String, failure: ValidationFailure?, hint: String) -> Node {
        el("div", [.cls("field")], [
            el("label", [Attribute("for", name)], text: label),
            el("textarea", [.id(name), .name(name), Attribute("rows", "24")], text: value),
            el("p", [.cls("hint")], text: hint),
            failure?.message(for: name).map { el("p", [.cls("error")], text: $0) } ?? .text(""),
        ])
    }

    static let markupHint = "“# ”开头为一级标题，“## ”为二级标题，其余每行一段。{指标代码} 为数字，{指标代码|同比} 为同比变化，{指标代码|上年} 为上年数字，{指标代码|趋势} 为近五年柱状图；指标代码见“统计指标”页。"

    /// The template a page edits: `?kind=` (the 法治政府 report's when absent or unknown).
    static func templateKind(_ req: Request) -> ReportKind {
        req.query[String.self, at: "kind"].flatMap(ReportKind.init(rawValue:)) ?? .ruleOfLaw
    }

    static func templatePage(_ req: Request, text: String?, failure: ValidationFailure?) async throws -> Response {
        let kind = templateKind(req)
        let template = try await ReportService.template(kind, on: req.db)
        return Layout.page(req, title: "\(kind.label)模板", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            el("p", text: "新建报告时复制此模板；已建的报告不受影响。最后修改：\(template.updatedBy)。"),
            UI.form(action: ReportRoute.template.path() + "?kind=\(kind.rawValue)", csrf: req.csrfToken, [textarea("text", "模板", text ?? template.text, failure: failure, hint: markupHint),
                                                                       el("button", [.type("submit")], text: "保存")]),
        ])
    }

    static func show(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let row = try await ReportService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        let report = try await ReportService.render(row, services: req.fazhi, on: req.db, figureDatabases: req.figureDatabases)
        let missing = report.figures.filter { $0.value == nil }
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("状态", .text(row.reportStatus.label)), ("报送期限", .text("\(row.submitBy)（报上级党委政府）")), ("公开期限", .text(row.publishBy)),
                ("报送", .text(row.sentOn.map { "\($0) 报送\(row.sentTo ?? "")" } ?? "—")),
                ("批准", .text(row.approvedOn.map { "\($0) \(row.approvedBy ?? "")" } ?? "—")), ("公开", .text(row.publishedOn.map { _ in row.publicLink } ?? "—")),
                ("数字", .text("\(report.figures.count)项\(row.frozen == nil ? "（实时计算，批准时固定）" : "（已固定）")\(missing.isEmpty ? "" : "；无数据\(missing.count)项：" + missing.map(\.label).joined(separator: "、"))")),
            ]),
            el("p", [], [link("下载 DOCX", "\(row.link)/export?format=docx"), .text(" · "), link("PDF", "\(row.link)/export?format=pdf"), .text(" · "),
                         link("Markdown", "\(row.link)/export?format=md")]),
            el("article", [.cls("report")], [el("h2", text: report.title)] + ReportFormats.html(report, linked: true)),
        ]
        if row.reportKind == .disclosure {
            // The national format's identities, checked on the report as it prints.
            let checked = DisclosureReportCheck.claims(report.markdown.components(separatedBy: "\n")).claims
            let wrong = checked.filter { $0.verdict == .inconsistent }
            content += [el("h2", text: "勾稽关系"),
                        el("p", [.cls(wrong.isEmpty ? "notice" : "error")], text: "勾稽关系：一致\(checked.count - wrong.count)处，不一致\(wrong.count)处（\(DisclosureReportCheck.note)）"),
                        UI.simpleTable(caption: "不一致的勾稽关系", headers: ["关系", "计算"], rows: wrong.map { [.text($0.text), .text($0.computation ?? "")] })]
        }
        content += [el("h2", text: "期限"), try await clocks(req, record: row.clockRecord)]
        content += try await ContributionPages.section(req, report: row, values: values, failure: failure)
        if principal.has(ReportPermissions.manage) {
            switch row.reportStatus {
            case .draft, .review:
                content += [el("h2", text: "编辑"), UI.form(action: row.link, csrf: req.csrfToken, [
                    .void("input", [.type("hidden"), .name("action"), .value("save")]),
                    UI.field("文号", name: "number", value: values["number"] ?? row.number),
                    textarea("text", "正文", values["text"] ?? row.text, failure: failure, hint: markupHint),
                    el("button", [.type("submit")], text: "保存"),
                ])]
                if row.reportStatus == .draft {
                    content.append(UI.form(action: row.link, csrf: req.csrfToken, [.void("input", [.type("hidden"), .name("action"), .value("submit")]),
                                                                                   el("button", [.type("submit")], text: "提交审核")]))
                }
            default: break
            }
        }
        if principal.has(ReportPermissions.approve) {
            if row.reportStatus == .review {
                content.append(UI.form(action: row.link, csrf: req.csrfToken, [
                    .void("input", [.type("hidden"), .name("action"), .value("approve")]),
                    UI.field("批准人（党政主要负责人）", name: "official", error: failure?.message(for: "official"), required: true),
                    el("button", [.type("submit")], text: "批准（固定数字）"),
                ]))
            }
            if [.approved, .published].contains(row.reportStatus), row.sentOn == nil {
                content.append(UI.form(action: row.link, csrf: req.csrfToken, [
                    .void("input", [.type("hidden"), .name("action"), .value("send")]),
                    UI.field("报送对象", name: "to", value: values["to"], error: failure?.message(for: "to"), required: true,
                             hint: "政府报同级党委和人大常委会；部门报同级党委、政府和上级部门（督察工作规定）"),
                    el("button", [.type("submit")], text: "记录报送"),
                ]))
            }
            if row.reportStatus == .approved {
                content.append(UI.form(action: row.link, csrf: req.csrfToken, [.void("input", [.type("hidden"), .name("action"), .value("publish")]),
                                                                               el("button", [.type("submit")], text: "在公开网站公布")]))
            }
        }
        return Layout.page(req, title: row.title, status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func publicPage(_ req: Request, title: String, status: HTTPResponseStatus = .ok, _ content: [Node]) -> Response {
        Layout.portal(req, title: title, section: "政务公开", status: status, content: content)
    }

    static func publicList(_ req: Request) async throws -> Response {
        let rows = try await AnnualReport.query(on: req.db).filter(\.$status == ReportStatus.published.rawValue).sort(\.$year, .descending).sort(\.$unitName).all()
        return publicPage(req, title: "年度报告", [
            UI.simpleTable(caption: "已公开的年度报告", headers: ["报告", "公开日期"], rows: rows.map { [link($0.title, $0.publicLink), .text($0.publishedOn ?? "")] }),
            link("核对一份报告中的数字", PortalRoute.checkReport.path()),
        ])
    }

    static func publicShow(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let row = try await AnnualReport.find(id, on: req.db), row.reportStatus == .published else {
            return publicPage(req, title: "未找到", status: .notFound, [el("p", text: "没有这份已公开的报告。"), link("返回", PortalRoute.reports.path())])
        }
        let report = try await ReportService.render(row, services: req.fazhi, on: req.db, figureDatabases: req.figureDatabases)
        return publicPage(req, title: report.title, [el("article", [.cls("report")], ReportFormats.html(report, linked: false))])
    }
}

/// `fazhi report --year 2025 [--unit CODE] --format html|docx|pdf|md --out FILE`.
struct ReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "year", help: "年度")
        var year: Int?
        @Option(name: "unit", help: "单位编码（默认全县）")
        var unit: String?
        @Option(name: "format", help: "html、docx、pdf 或 md（默认 docx）")
        var format: String?
        @Option(name: "type", help: "rule-of-law（法治政府建设情况报告，默认）或 disclosure（政府信息公开工作年度报告）")
        var type: String?
        @Option(name: "out", help: "输出文件")
        var out: String?
    }

    var help: String { "生成年度法治政府建设情况报告或政府信息公开工作年度报告（数字由记录计算）" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let year = signature.year, (2000...2100).contains(year) else { throw CommandFailure("--year：应为年份，例如 --year 2025") }
        guard let out = signature.out, !out.isEmpty else { throw CommandFailure("--out：请给出输出文件") }
        let format = signature.format ?? "docx"
        guard let kind = ReportKind(rawValue: signature.type ?? ReportKind.ruleOfLaw.rawValue) else { throw CommandFailure("--type：应为 rule-of-law 或 disclosure") }
        // Progress on standard error (a PDF through LibreOffice takes a while); standard output gets the answer.
        let progress = ProgressReporter(title: "生成报告", total: format == "pdf" ? 3 : 2)
        let report = try await ReportService.render(year: year, unitCode: signature.unit, kind: kind, services: app.fazhi, on: app.db, figureDatabases: app.figureDatabases())
        progress.step("计算数字（\(report.figures.count)项）")
        if format == "pdf" { progress.step("排版") }
        let data: Data
        switch format {
        case "docx": data = try report.document(siteURL: app.fazhi.config.siteURL).docx()
        case "md": data = Data(report.markdown.utf8)
        case "pdf": data = try ReportFormats.pdf(report, siteURL: app.fazhi.config.siteURL)
        case "html":
            let body = el("article", [.cls("report")], [el("h1", text: report.title)] + ReportFormats.html(report, linked: true))
            data = Data(("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>\(report.title)</title></head><body>" + body.render() + "</body></html>\n").utf8)
        default: throw CommandFailure("--format：应为 html、docx、pdf 或 md")
        }
        do { try data.write(to: URL(fileURLWithPath: out)) } catch { throw CommandFailure("无法写入 \(out)：\(error.localizedDescription)") }
        progress.step(format == "pdf" ? "转换为PDF并写入" : "写入文件")
        let missing = report.figures.filter { $0.value == nil }.map(\.label)
        context.console.print("已生成 \(out)：\(report.figures.count)项数字\(missing.isEmpty ? "" : "，无数据\(missing.count)项（\(missing.joined(separator: "、"))）")")
    }
}
