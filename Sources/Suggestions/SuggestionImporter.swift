import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

/// Imports a year's 建议提案 ledger (CSV or XLSX): each item registered, assigned and carried
/// through `SuggestionService` — contact, answer, feedback — so the rules apply as when keyed.
/// All or nothing, refusals by row and column.
public struct SuggestionImporter: Importer {
    public init() {}

    public var id: String { "suggestions" }
    public var title: String { "建议提案办理台账" }
    public var permission: Permission { SuggestionPermissions.assign }

    public var columns: [ImportColumn] {
        [
            ImportColumn("类别", required: true, note: "人大代表建议、政协委员提案"),
            ImportColumn("届次会议", required: true, note: ""), ImportColumn("编号", required: true, note: ""),
            ImportColumn("标题", required: true, note: ""), ImportColumn("提出人", required: true, note: "联名的以顿号分隔"),
            ImportColumn("主办单位编码", required: true, note: ""), ImportColumn("会办分办单位", required: false, note: "如“SFX-ZJ:会办”"),
            ImportColumn("交办日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("沟通日期", required: false, note: ""), ImportColumn("沟通方式", required: false, note: "面商、电话等"),
            ImportColumn("答复日期", required: false, note: ""), ImportColumn("答复类别", required: false, note: "A、B、C"),
            ImportColumn("答复说明", required: false, note: "C类必填"),
            ImportColumn("反馈日期", required: false, note: ""), ImportColumn("反馈意见", required: false, note: "满意、基本满意、不满意"),
        ]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        var prepared: [(number: Int, cells: [String: String], steps: [(String, SuggestionStep)])] = []
        for position in table.rows.indices {
            var row = ImportRow(table, position: position)
            var cells: [String: String] = [:]
            for column in ["届次会议", "编号", "标题", "提出人", "主办单位编码", "会办分办单位", "交办日期", "答复说明"] { cells[column] = row.value(column) }
            cells["类别"] = SuggestionKind.allCases.first { $0.label == row.value("类别") }?.rawValue
            if cells["类别"] == nil { row.error("类别", "应为人大代表建议或政协委员提案") }
            var steps: [(String, SuggestionStep)] = []
            if let on = row.date("沟通日期") { steps.append(("沟通日期", .contact(on: on, how: row.value("沟通方式").nilIfEmpty ?? "沟通"))) }
            if let on = row.date("答复日期") {
                if let answerClass = AnswerClass(rawValue: row.value("答复类别").uppercased()) {
                    steps.append(("答复日期", .answer(on: on, answerClass: answerClass, reason: row.value("答复说明"))))
                } else {
                    row.error("答复类别", "应为A、B或C")
                }
            }
            if let on = row.date("反馈日期") {
                if let satisfaction = Satisfaction.allCases.first(where: { $0.label == row.value("反馈意见") }) {
                    steps.append(("反馈日期", .feedback(on: on, satisfaction: satisfaction)))
                } else {
                    row.error("反馈意见", "应为满意、基本满意或不满意")
                }
            }
            errors += row.errors
            prepared.append((row.number, cells, steps))
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
        let rows = prepared
        let labels = ["kind": "类别", "session": "届次会议", "number": "编号", "title": "标题", "proposers": "提出人", "leadUnitCode": "主办单位编码",
                      "otherUnits": "会办分办单位", "assignedOn": "交办日期"]
        do {
            try await database.write { db in
                var problems: [ImportRowError] = []
                for row in rows {
                    var column = "交办日期"
                    do {
                        let item = try await SuggestionService.create(kind: row.cells["类别"], session: row.cells["届次会议"], number: row.cells["编号"], title: row.cells["标题"],
                                                                      proposers: row.cells["提出人"], content: nil, leadUnitCode: row.cells["主办单位编码"],
                                                                      otherUnits: row.cells["会办分办单位"], assignedOn: row.cells["交办日期"], by: principal, services: services, on: db)
                        for (name, step) in row.steps {
                            column = name
                            try await SuggestionService.perform(step, on: item.id!, text: row.cells["答复说明"], by: principal, services: services, on: db)
                        }
                    } catch let failure as ValidationFailure {
                        problems += failure.errors.map { ImportRowError(row: row.number, column: labels[$0.field] ?? column, message: "\($0.label)：\($0.message)") }
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
                try await AuditLog.append(AuditEvent(action: "suggestions.import", entityType: Suggestion.schema, detail: "导入建议提案\(rows.count)件"),
                                          by: principal.auditActor, at: services.now, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: rows.count, errors: [])
    }
}
