import FazhiCalendar
import Fluent
import Foundation
import SQLKit
import Vapor

/// Queries over the audit trail for the audit admin: filter, page, export. Read only.
public enum AuditEntryQueries {
    public struct Filter: Sendable {
        public var action: String?
        public var actor: String?
        public var outcome: String?
        public var from: String?
        public var to: String?

        public init(action: String? = nil, actor: String? = nil, outcome: String? = nil, from: String? = nil, to: String? = nil) {
            self.action = action
            self.actor = actor
            self.outcome = outcome
            self.from = from
            self.to = to
        }
    }

    public static func count(on db: any Database) async throws -> Int {
        let row = try await db.sql.raw("SELECT COUNT(*) AS n FROM audit_entries").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Rows appended after the first `count` (tests and tools that check what one action wrote).
    public static func rows(since count: Int, on db: any Database) async throws -> [AuditRow] {
        try await db.sql.raw("SELECT \(unsafeRaw: AuditRow.selectColumns) FROM audit_entries WHERE seq > \(bind: count) ORDER BY seq").all(decoding: AuditRow.self)
    }

    static func whereClause(_ filter: Filter) -> SQLQueryString {
        var sql: SQLQueryString = "WHERE 1 = 1"
        if let action = filter.action, !action.isEmpty { sql = sql + " AND action LIKE \(bind: action + "%")" }
        if let actor = filter.actor, !actor.isEmpty { sql = sql + " AND actor_name LIKE \(bind: "%" + actor + "%")" }
        if let outcome = filter.outcome, !outcome.isEmpty { sql = sql + " AND outcome = \(bind: outcome)" }
        // occurred_at is ISO 8601 in UTC, so text comparison orders it; dates are taken as whole
        // days in Asia/Shanghai.
        if let from = filter.from, let start = dayStart(from) { sql = sql + " AND occurred_at >= \(bind: start)" }
        if let to = filter.to, let start = dayStart(to, plusDays: 1) { sql = sql + " AND occurred_at < \(bind: start)" }
        return sql
    }

    static func dayStart(_ text: String, plusDays: Int = 0) -> String? {
        // A strict YYYY-MM-DD date: a typed "2026-01-9223372036854775807" is no date, not an overflow.
        guard let day = CivilDate(text.trimmingCharacters(in: .whitespaces))?.adding(days: plusDays) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .shanghai
        let (year, month, dayOfMonth) = day.components
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth)) else { return nil }
        return date.formatted(AuditLog.timestampFormat)
    }

    public static func page(_ filter: Filter, page: PageRequest, on db: any Database) async throws -> Page<AuditRow> {
        let clause = whereClause(filter)
        let total = try await db.sql.raw("SELECT COUNT(*) AS n FROM audit_entries " + clause).first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await db.sql.raw("SELECT \(unsafeRaw: AuditRow.selectColumns) FROM audit_entries " + clause + " ORDER BY seq DESC LIMIT \(unsafeRaw: String(page.size)) OFFSET \(unsafeRaw: String(page.offset))")
            .all(decoding: AuditRow.self)
        return Page(items: rows, total: total, request: page)
    }

    public static func exportCSV(_ filter: Filter, on db: any Database) async throws -> Data {
        let rows = try await db.sql.raw("SELECT \(unsafeRaw: AuditRow.selectColumns) FROM audit_entries " + whereClause(filter) + " ORDER BY seq").all(decoding: AuditRow.self)
        return CSVReader.write(
            headers: ["序号", "时间(UTC)", "操作人ID", "操作人", "单位ID", "来源地址", "操作", "对象类型", "对象ID", "结果", "详情", "前序哈希", "哈希"],
            rows: rows.map { [String($0.seq), $0.occurredAt, $0.actorID, $0.actorName, $0.unitID, $0.ip, $0.action, $0.entityType,
                              $0.entityID, $0.outcome, $0.detail, $0.prevHash, $0.hash] })
    }
}

enum AuditPages {
    static func filter(_ req: Request) -> (AuditEntryQueries.Filter, ListQuery) {
        let query = ListQuery(req, path: CoreRoute.audit.path(), keys: ["action", "actor", "outcome", "from", "to", "page"])
        return (AuditEntryQueries.Filter(action: query["action"], actor: query["actor"], outcome: query["outcome"], from: query["from"], to: query["to"]), query)
    }

    static func register(_ router: ModuleRouter) {
        // The public record of the audit chain's signed heads (docs/security.md, "Audit trail").
        router.open(.GET, PortalRoute.audit) { req async throws -> Response in
            let anchors = try await AuditLog.anchors(on: req.db)
            let html = Layout.document(title: "审计日志锚点", siteName: req.fazhi.config.siteName, principal: nil, menu: [], currentPath: req.url.path,
                                       csrf: "", notice: nil, content: [
                el("p", text: "平台的审计日志逐条以密钥哈希链接。每次公开年度报告时签发一个“锚点”：当时最后一条记录的序号和哈希，并以本安装的密钥签名。检查人员可用 fazhi audit verify --anchor 锚点 核对：锚点之前的记录若被改写、删除或截断，核对即不通过。"),
                UI.simpleTable(caption: "已签发的锚点（最新在前）", headers: ["序号", "签发时间（UTC）", "锚点"], rows: anchors.map {
                    [.text(String($0.seq)), .text($0.at), el("code", text: $0.description)]
                }),
            ])
            return Response(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(string: html))
        }
        router.page(.GET, CoreRoute.audit, permission: CorePermissions.auditRead) { req async throws -> Response in
            let (filter, query) = filter(req)
            let page = try await AuditEntryQueries.page(filter, page: PageRequest(number: query.page, size: 50), on: req.db)
            let rows: [[Node]] = page.items.map { row in
                [.text(String(row.seq)), .text(row.occurredAt), .text(row.actorName), .text(row.ip), el("code", text: row.action),
                 .text(row.entityType + (row.entityID.isEmpty ? "" : " " + row.entityID)), .text(row.outcome),
                 // An imported case's row lists its steps a line each (`AuditEntry.folded`).
                 row.detail.contains("\n") ? el("span", [.cls("lines")], text: row.detail) : .text(row.detail)]
            }
            var exportQuery = query
            exportQuery.path = CoreRoute.auditExportCsv.path()
            exportQuery.parameters["page"] = nil
            return Layout.page(req, title: "审计日志", content: [
                el("p", text: "审计日志只能追加，不能修改或删除；每条记录的哈希链接前一条，可用 `fazhi audit verify` 校验。"),
                el("form", [Attribute("method", "get"), Attribute("action", CoreRoute.audit.path()), .cls("filters"), Attribute("role", "search")], [
                    UI.field("操作（前缀）", name: "action", value: query["action"], hint: "如 auth. 或 unit."),
                    UI.field("操作人", name: "actor", value: query["actor"]),
                    UI.select("结果", name: "outcome", options: [("success", "成功"), ("failure", "失败"), ("denied", "拒绝")], selected: query["outcome"], includeBlank: "全部"),
                    UI.field("起始日期", name: "from", value: query["from"], type: "date"),
                    UI.field("截止日期", name: "to", value: query["to"], type: "date"),
                    el("div", [.cls("field")], [el("button", [.type("submit")], text: "筛选")]),
                ]),
                el("div", [.cls("actions")], [link("按当前条件导出CSV", exportQuery.with([:]))]),
                UI.table(caption: "审计记录（新的在前）", columns: [UI.Column("序号"), UI.Column("时间(UTC)"), UI.Column("操作人"), UI.Column("来源"),
                                                         UI.Column("操作"), UI.Column("对象"), UI.Column("结果"), UI.Column("详情")], rows: rows, query: query),
                UI.pagination(page, query: query),
            ])
        }
        router.page(.GET, CoreRoute.auditExportCsv, permission: CorePermissions.auditExport) { req async throws -> Response in
            let (filter, _) = filter(req)
            let data = try await AuditEntryQueries.exportCSV(filter, on: req.db)
            let principal = try req.caller
            try await AuditLog.append(AuditEvent(action: "audit.export", entityType: "audit", detail: "导出审计日志"),
                                      by: principal.auditActor, at: req.fazhi.now, on: req.db)
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
            response.headers.contentDisposition = .init(.attachment, filename: "audit.csv")
            return response
        }
    }
}
