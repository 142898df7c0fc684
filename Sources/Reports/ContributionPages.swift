import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

/// 分项材料: the drafting office asks departments and townships for their parts of a report by a
/// date; each unit sees its requests and deadlines on its dashboard and writes its part here.
enum ContributionPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, ReportRoute.inputs, permission: ReportPermissions.manage) { req in try await list(req) }
        router.form(ReportRoute.reportInputs, permission: ReportPermissions.manage, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            let rows = try await ContributionService.request(reportID: id, unitCodes: values["unitCodes"], section: values["section"], request: values["request"],
                                                             due: values["due"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: ReportRoute.record.path(id), notice: "已向\(rows.map(\.unitName).joined(separator: "、"))征集分项材料")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await ReportPages.show(req, values: values, failure: failure)
        })
        router.page(.GET, ReportRoute.inputsRecord, permission: ReportPermissions.manage) { req in try await show(req, values: [:], failure: nil) }
        router.form(ReportRoute.inputsRecord, permission: ReportPermissions.manage, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            let action: ContributionService.Action
            switch values["action"] ?? "" {
            case "submit": action = .submit(text: values["text"])
            case "merge": action = .merge
            case "return": action = .sendBack(reason: values["reason"])
            case "withdraw": action = .withdraw(reason: values["reason"])
            default: throw ValidationFailure(field: "action", label: "操作", message: "未知操作")
            }
            let row = try await ContributionService.perform(action, on: id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: row.contributionStatus.label)
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await show(req, values: values, failure: failure)
        })
    }

    static func scoped(_ req: Request) throws -> QueryBuilder<ReportContribution> {
        let builder = ReportContribution.scoped(for: try req.caller, on: req.db)
        return builder
    }

    static func list(_ req: Request) async throws -> Response {
        let rows = try await scoped(req).sort(\.$due).all()
        let today = CivilDateTime(req.fazhi.now).date.description
        let open = rows.filter { $0.contributionStatus == .requested }
        return Layout.page(req, title: "年度报告分项材料", content: [
            el("p", text: "起草单位征集的年度报告分项材料：每项在截止日期前报送，报送后由起草单位采用或退回。截止日期同时列入本单位的期限预警。"),
            UI.simpleTable(caption: "待报送（\(open.count)项）", headers: ["报告", "单位", "章节", "截止日期", "状态"], rows: open.map { row in
                [link(row.reportTitle, row.link), .text(row.unitName), .text(row.section),
                 el("span", [.cls(row.due < today ? "overdue" : "")], text: row.due + (row.due < today ? "（已逾期）" : "")), .text(row.contributionStatus.label)]
            }),
            UI.simpleTable(caption: "全部", headers: ["报告", "单位", "章节", "截止日期", "报送日期", "状态"], rows: rows.map { row in
                [link(row.reportTitle, row.link), .text(row.unitName), .text(row.section), .text(row.due), .text(row.submittedOn ?? "—"), .text(row.contributionStatus.label)]
            }),
        ])
    }

    static func show(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let row = try await ContributionService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        let report = try await AnnualReport.find(row.reportID, on: req.db)
        let drafter = report.map { principal.covers(unitPath: $0.unitPath) } ?? false
        let clocks = try await ReportPages.clocks(req, record: row.clockRecord)
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("报告", drafter && report != nil ? link(row.reportTitle, report!.link) : .text(row.reportTitle)),
                ("报送单位", .text(row.unitName)), ("章节", .text(row.section)), ("材料要求", .text(row.request)),
                ("截止日期", .text(row.due)), ("状态", .text(row.contributionStatus.label)),
                ("报送", .text(row.submittedOn.map { "\($0) \(row.submittedBy ?? "")" } ?? "—")),
                ("退回或撤回理由", .text(row.note ?? "—")),
            ]),
            el("h2", text: "期限"), clocks,
        ]
        if let text = row.text {
            content += [el("h2", text: "报送的材料"), el("div", [.cls("report")], text.split(separator: "\n").map { el("p", text: String($0)) })]
        }
        if row.contributionStatus == .requested, report?.reportStatus == .draft {
            content += [el("h2", text: "填写并报送"), UI.form(action: row.link, csrf: req.csrfToken, [
                .void("input", [.type("hidden"), .name("action"), .value("submit")]),
                ReportPages.textarea("text", "材料", values["text"] ?? row.text ?? "", failure: failure,
                                     hint: "每行一段，写入报告“\(row.section)”章节之下，不要写标题。{指标代码} 为本报告年度和范围的数字，{指标代码|同比} 为同比变化。"),
                el("button", [.type("submit")], text: "报送"),
            ])]
        }
        if drafter {
            if row.contributionStatus == .submitted {
                content.append(UI.form(action: row.link, csrf: req.csrfToken, [.void("input", [.type("hidden"), .name("action"), .value("merge")]),
                                                                               el("button", [.type("submit")], text: "采用（写入报告）")]))
                content.append(UI.form(action: row.link, csrf: req.csrfToken, [
                    .void("input", [.type("hidden"), .name("action"), .value("return")]),
                    UI.field("退回理由", name: "reason", value: values["action"] == "return" ? values["reason"] : nil, error: failure?.message(for: "reason"), required: true),
                    el("button", [.type("submit")], text: "退回修改"),
                ]))
            }
            if row.isOutstanding {
                content.append(UI.form(action: row.link, csrf: req.csrfToken, [
                    .void("input", [.type("hidden"), .name("action"), .value("withdraw")]),
                    UI.field("撤回理由", name: "reason", value: values["action"] == "withdraw" ? values["reason"] : nil, error: failure?.message(for: "reason"), required: true),
                    el("button", [.type("submit")], text: "撤回征集"),
                ]))
            }
        }
        return Layout.page(req, title: "分项材料：\(row.section)（\(row.unitName)）", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    /// On the report's page: who was asked for what, and the form to ask.
    static func section(_ req: Request, report: AnnualReport, values: [String: String], failure: ValidationFailure?) async throws -> [Node] {
        let rows = try await ContributionService.of(report: report.id!, on: req.db)
        var nodes: [Node] = [el("h2", text: "分项材料征集")]
        nodes.append(rows.isEmpty ? el("p", text: "尚未向部门、乡镇征集分项材料。") : UI.simpleTable(
            caption: "分项材料（待报送\(rows.filter { $0.contributionStatus == .requested }.count)项，待采用\(rows.filter { $0.contributionStatus == .submitted }.count)项）",
            headers: ["单位", "章节", "截止日期", "报送日期", "状态"],
            rows: rows.map { [link($0.unitName, $0.link), .text($0.section), .text($0.due), .text($0.submittedOn ?? "—"), .text($0.contributionStatus.label)] }))
        let principal = try req.caller
        if report.reportStatus == .draft, principal.has(ReportPermissions.manage) {
            let headings = ReportOutline.headings(report.text)
            let suggested = CivilDate(report.submitBy).map { $0.adding(days: -30).description }
            nodes.append(UI.form(action: "\(report.link)/inputs", csrf: req.csrfToken, [
                UI.field("报送单位编码", name: "unitCodes", value: values["unitCodes"], error: failure?.message(for: "unitCodes"), required: true,
                         hint: "一个或多个下属部门、乡镇的单位编码，以逗号或顿号分隔"),
                UI.select("章节", name: "section", options: headings.map { ($0, $0) }, selected: values["section"], error: failure?.message(for: "section"), required: true),
                UI.field("材料要求", name: "request", value: values["request"], error: failure?.message(for: "request"), required: true),
                UI.field("截止日期", name: "due", value: values["due"] ?? suggested, type: "date", error: failure?.message(for: "due"), required: true,
                         hint: "须早于报送期限\(report.submitBy)"),
                el("button", [.type("submit")], text: "征集"),
            ]))
        }
        return nodes
    }

    /// The dashboard card: this unit's parts still to send, and its reports' 3月1日 / 4月1日.
    static func widget(_ req: Request) async throws -> Node {
        let principal = try req.caller
        let today = CivilDateTime(req.fazhi.now).date.description
        // Read once per change of the records, per scope: the first five of each list and the counts.
        let summary = try await req.keptForScope("reports.widget") { read in
            let waiting = try await ReportContribution.scoped(in: read.scope, on: read.db).filter(\.$status == ContributionStatus.requested.rawValue).sort(\.$due).all()
            let unpublished = try await AnnualReport.scoped(in: read.scope, on: read.db).filter(\.$status != ReportStatus.published.rawValue).sort(\.$year).all()
            return WidgetSummary(waiting: waiting.count, firstDue: waiting.first?.due, unpublished: unpublished.count,
                                 contributions: waiting.prefix(5).map { (label: "\($0.unitName)：\($0.section)", link: $0.link, due: $0.due) },
                                 reports: unpublished.prefix(5).map { row in
                                     (title: row.title, link: row.link,
                                      state: "\(row.reportStatus.label)；报送 \(row.sentOn.map { "已于\($0)" } ?? "期限\(row.submitBy)")，公开期限 \(row.publishBy)")
                                 })
        }
        var items: [Node] = summary.contributions.map { row in
            el("li", [], [link(row.label, row.link), .text(" 截止 \(row.due)\(row.due < today ? "（已逾期）" : "")")])
        }
        items += summary.reports.map { row in el("li", [], [link(row.title, row.link), .text("：\(row.state)")]) }
        return el("section", [.cls("widget"), .aria("labelledby", "reports-heading")], [
            el("h2", [.id("reports-heading")], text: "年度报告"),
            el("p", text: "待报送分项材料 \(summary.waiting) 项\(summary.firstDue.map { "，最近截止 \($0)" } ?? "")；未公开的年度报告 \(summary.unpublished) 份。"),
            items.isEmpty ? .empty : el("ul", [], items),
            principal.has(ReportPermissions.manage) ? link("分项材料", ReportRoute.inputs.path()) : .empty,
        ])
    }

    /// What the dashboard shows of the reports in a scope.
    struct WidgetSummary: Sendable {
        var waiting: Int
        var firstDue: String?
        var unpublished: Int
        var contributions: [(label: String, link: String, due: String)]
        var reports: [(title: String, link: String, state: String)]
    }
}
