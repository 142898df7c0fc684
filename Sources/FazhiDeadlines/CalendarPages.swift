import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Vapor

/// 工作日历: each year's holidays and 调休 days, a date lookup, the version history, and importing a
/// year (JSON in the `fazhi-calendar/1` format, the same file `fazhi calendar import` reads).
enum CalendarPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, DeadlineRoute.calendar, permission: DeadlinePermissions.calendarView) { req in try await show(req) }
        router.page(.GET, DeadlineRoute.calendarExportJson, permission: DeadlinePermissions.calendarView) { req async throws -> Response in
            let calendar = try await CalendarService.current(services: req.fazhi, on: req.db)
            let response = Response(status: .ok, body: .init(data: calendar.file.encoded()))
            response.headers.contentType = .json
            response.headers.contentDisposition = .init(.attachment, filename: "fazhi-calendar-v\(calendar.version).json")
            return response
        }
        router.page(.GET, DeadlineRoute.calendarImport, permission: DeadlinePermissions.calendarManage) { req in importPage(req, problems: [], text: nil) }
        router.page(.POST, DeadlineRoute.calendarImport, permission: DeadlinePermissions.calendarManage, body: .collect(maxSize: "2mb")) { req async throws -> Response in
            struct Upload: Content {
                var file: File?
                var text: String?
            }
            let upload = try req.content.decode(Upload.self)
            var data = Data()
            if let file = upload.file, file.data.readableBytes > 0 {
                data = Data(file.data.readableBytesView)
            } else if let text = upload.text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                data = Data(text.utf8)
            }
            guard !data.isEmpty else { return importPage(req, problems: ["日历文件：请上传文件或粘贴 JSON 内容"], text: upload.text) }
            do {
                let file = try CalendarFile.parse(data)
                let result = try await CalendarService.install(file, by: try req.caller, services: req.fazhi, on: req.db)
                return Layout.redirect(req, to: DeadlineRoute.calendar.path(), notice: "已生成工作日历第\(result.version)版（\(result.summary)）；\(result.moved.count)项未办结期限的届满日随之变动")
            } catch let error as CalendarDataError {
                try await audit(req, problems: error.problems)
                return importPage(req, problems: error.problems, text: upload.text)
            } catch let failure as ValidationFailure {
                try await audit(req, problems: failure.errors.map(\.text))
                return importPage(req, problems: failure.errors.map(\.text), text: upload.text)
            }
        }
    }

    /// A refused import is audited too (who tried to change the calendar, and why it was refused).
    static func audit(_ req: Request, problems: [String]) async throws {
        try await AuditLog.append(AuditEvent(action: "calendar.install", entityType: "calendar_version", outcome: .failure,
                                             detail: "导入被拒绝：" + problems.prefix(5).joined(separator: "；")),
                                  by: try req.caller.auditActor, at: req.fazhi.now, on: req.db)
    }

    static func importPage(_ req: Request, problems: [String], text: String?) -> Response {
        let example = """
        {"format": "fazhi-calendar/1", "years": [{"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔……〕号）",
          "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"}],
          "workdays": [{"date": "2027-01-04", "note": "元旦调休上班"}]}]}
        """
        return Layout.page(req, title: "导入工作日历", status: problems.isEmpty ? .ok : .unprocessableEntity, content: [
            problems.isEmpty ? .empty : el("div", [.cls("error-summary"), Attribute("role", "alert")], [
                el("h2", text: "日历未导入：请修改以下\(problems.count)处问题"),
                el("ul", [], problems.map { el("li", text: $0) }),
            ]),
            el("p", text: "每年国务院办公厅发布次年节假日安排后，录入该年度的放假日期（假期）和调休上班日。文件中的年度将新增或整体替换现行日历中的同一年度，生成新版本；所有未办结期限随即重新计算，届满日变动的逐项记入审计日志并提示承办单位。"),
            el("p", text: "规则：假期不得重叠；调休上班日须为周六或周日且不得落在假期内；所有日期须在所属年度内（跨年假期请拆分到两个年度）。"),
            UI.form(action: DeadlineRoute.calendarImport.path(), csrf: req.csrfToken, multipart: true, [
                el("div", [.cls("field")], [
                    el("label", [Attribute("for", "f-file")], text: "日历文件（JSON）"),
                    .void("input", [.id("f-file"), .name("file"), .type("file"), Attribute("accept", ".json,application/json")]),
                ]),
                el("div", [.cls("field")], [
                    el("label", [Attribute("for", "f-text")], text: "或粘贴 JSON 内容"),
                    el("textarea", [.id("f-text"), .name("text"), Attribute("rows", "10")], text: text ?? ""),
                ]),
                el("button", [.type("submit")], text: "校验并导入"),
            ]),
            el("h2", text: "格式示例"),
            el("pre", text: example),
            link("下载现行日历（JSON，可作模板）", DeadlineRoute.calendarExportJson.path()),
        ])
    }

    static func show(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let calendar = try await CalendarService.current(services: req.fazhi, on: req.db)
        let today = CivilDateTime(req.fazhi.now).date
        let requestedYear = req.queryYear() ?? today.year
        let year = calendar.years[requestedYear] != nil ? requestedYear : (calendar.coveredYears?.upperBound ?? today.year)
        var content: [Node] = []
        if principal.has(DeadlinePermissions.calendarManage) {
            content.append(el("div", [.cls("actions")], [link("导入年度日历", DeadlineRoute.calendarImport.path(), [.cls("button")])]))
        }
        if let text = req.query[String.self, at: "date"] {
            if let date = CivilDate(text.trimmingCharacters(in: .whitespaces)) {
                let kind = calendar.kind(of: date)
                let covered = calendar.covers(date) ? "" : "（\(date.year)年节假日安排未录入，按周一至周五推算）"
                content.append(el("p", [Attribute("role", "status")], text: "\(date.chineseWithWeekday)：\(kind.label)，\(kind.isWorkday ? "是" : "不是")工作日\(covered)。"))
            } else {
                content.append(el("p", [.cls("error"), Attribute("role", "alert")], text: "日期：“\(text)”不是有效日期，应为 YYYY-MM-DD"))
            }
        }
        content.append(el("form", [Attribute("method", "get"), Attribute("action", DeadlineRoute.calendar.path()), .cls("filters"), Attribute("role", "search")], [
            UI.field("查询某日是否为工作日", name: "date", value: req.query[String.self, at: "date"], type: "date"),
            UI.select("年度", name: "year", options: calendar.years.keys.sorted().map { (String($0), "\($0)年") }, selected: String(year)),
            el("div", [.cls("field")], [el("button", [.type("submit")], text: "查询")]),
        ]))
        content.append(el("p", text: "现行版本：第\(calendar.version)版；已录入 \(calendar.coveredYears.map { "\($0.lowerBound)–\($0.upperBound)" } ?? "无") 年。工作日 = 周一至周五中不在放假日期内的日子，加上调休上班日（含周六、周日）。"))
        if let data = calendar.years[year] {
            content.append(el("h2", text: "\(year)年"))
            content.append(el("p", text: "来源：\(data.source)"))
            content.append(UI.simpleTable(caption: "\(year)年放假安排", headers: ["假期", "起", "止", "天数"], rows: data.holidays.sorted { $0.start < $1.start }.map {
                [.text($0.name), .text($0.start.chineseWithWeekday), .text($0.end.chineseWithWeekday), .text(String($0.start.days(until: $0.end) + 1))]
            }))
            content.append(UI.simpleTable(caption: "\(year)年调休上班日", headers: ["日期", "说明"], rows: data.workdays.sorted { $0.date < $1.date }.map {
                [.text($0.date.chineseWithWeekday), .text($0.note)]
            }))
        }
        let versions = try await CalendarService.versions(on: req.db)
        content.append(el("h2", text: "版本记录"))
        content.append(UI.simpleTable(caption: "工作日历版本", headers: ["版本", "内容", "操作人", "时间"], rows: versions.map {
            [.text("第\($0.version)版"), .text($0.summary), .text($0.createdBy), .text(DateText.minute($0.createdAt))]
        }))
        return Layout.page(req, title: "工作日历", content: content)
    }
}
