import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// Imports the existing catalogue of normative documents (CSV or XLSX), one row per document with
/// the dates of the steps it went through, replayed through `DocumentService`: the rules of
/// docs/law.md §15 apply to every row, and a refused step is reported under its column with its
/// basis. All or nothing.
public struct DocumentImporter: Importer {
    public init() {}

    public var id: String { "documents" }
    public var title: String { "行政规范性文件目录" }
    public var permission: Permission { DocumentPermissions.review }

    public var columns: [ImportColumn] {
        [
            ImportColumn("文件名称", required: true, note: ""),
            ImportColumn("起草单位编码", required: true, note: "本系统中的单位编码"),
            ImportColumn("涉及权利义务", required: true, note: "是/否：涉及公民、法人和其他组织权利义务的应当公开征求意见"),
            ImportColumn("暂行试行", required: false, note: "是/否，默认否（有效期2年）"),
            ImportColumn("征求意见开始日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("征求意见结束日期", required: false, note: "YYYY-MM-DD；不得早于法定期限届满"),
            ImportColumn("采纳情况", required: false, note: "征求意见时必填"),
            ImportColumn("未征求意见理由", required: false, note: "未征求意见时必填"),
            ImportColumn("送审日期", required: true, note: "送司法行政部门合法性审核的日期"),
            ImportColumn("审核意见日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("审核意见", required: true, note: ""),
            ImportColumn("集体审议日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("审议会议", required: true, note: "常务会议、局务会议等"),
            ImportColumn("文号", required: true, note: "统一编号"),
            ImportColumn("公布日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("施行日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("备案日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("废止日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("废止理由", required: false, note: "废止时必填"),
            ImportColumn("正文", required: false, note: "每段一行；可留空"),
        ]
    }

    /// A step of a row and the column a refusal of it is reported under.
    struct Step: Sendable {
        var column: String
        var action: DocumentAction
    }

    struct Row: Sendable {
        var number: Int
        var title: String
        var unitCode: String
        var rights: Bool
        var provisional: Bool
        var body: String?
        var steps: [Step]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        var rows: [Row] = []
        for position in table.rows.indices {
            var row = ImportRow(table, position: position)
            if row.value("文件名称").isEmpty { row.error("文件名称", "必填") }
            if row.value("涉及权利义务").isEmpty { row.error("涉及权利义务", "必填：是或否") }
            var steps: [Step] = []
            let from = row.date("征求意见开始日期"), to = row.date("征求意见结束日期")
            if let from {
                steps.append(Step(column: "征求意见开始日期", action: .consult(on: from)))
                if let to {
                    steps.append(Step(column: "征求意见结束日期", action: .closeConsultation(on: to, summary: row.value("采纳情况"))))
                } else {
                    row.error("征求意见结束日期", "有征求意见开始日期时必填")
                }
            } else if !row.value("未征求意见理由").isEmpty || to == nil {
                steps.append(Step(column: "未征求意见理由", action: .skipConsultation(reason: row.value("未征求意见理由"))))
            }
            if let on = row.date("送审日期", required: true) { steps.append(Step(column: "送审日期", action: .submitReview(on: on))) }
            if let on = row.date("审核意见日期", required: true) {
                steps.append(Step(column: "审核意见", action: .reviewOpinion(on: on, passed: true, opinion: row.value("审核意见"))))
            }
            if let on = row.date("集体审议日期", required: true) { steps.append(Step(column: "集体审议日期", action: .deliberate(on: on, meeting: row.value("审议会议")))) }
            if let on = row.date("公布日期", required: true), let effective = row.date("施行日期", required: true) {
                steps.append(Step(column: "公布日期", action: .publish(on: on, number: row.value("文号"), effectiveOn: effective)))
            }
            if let on = row.date("备案日期") { steps.append(Step(column: "备案日期", action: .file(on: on))) }
            if let on = row.date("废止日期") { steps.append(Step(column: "废止日期", action: .repeal(on: on, reason: row.value("废止理由")))) }
            let rights = row.yes("涉及权利义务"), provisional = row.yes("暂行试行")
            errors += row.errors
            rows.append(Row(number: row.number, title: row.value("文件名称"), unitCode: row.value("起草单位编码"), rights: rights, provisional: provisional,
                            body: row.value("正文").nilIfEmpty.map { $0.replacingOccurrences(of: "\r\n", with: "\n") }, steps: steps))
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
        let prepared = rows
        let stamp = services.now
        do {
            try await database.write { db in
                var problems: [ImportRowError] = []
                let numbers = prepared.compactMap { row in row.steps.lazy.compactMap { if case .publish(_, let number, _) = $0.action { number } else { nil } }.first }
                for existing in try await NormativeDocument.query(on: db).filter(\.$number ~~ numbers).all() {
                    for row in prepared where row.steps.contains(where: { if case .publish(_, let number, _) = $0.action { number == existing.number } else { false } }) {
                        problems.append(ImportRowError(row: row.number, column: "文号", message: "“\(existing.number ?? "")”已在系统中"))
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems) }
                for row in prepared {
                    var column = "文件名称"
                    do {
                        let created = try await DocumentService.create(title: row.title, unitCode: row.unitCode, affectsRights: row.rights, provisional: row.provisional,
                                                                       by: principal, services: services, on: db)
                        if let body = row.body {
                            column = "正文"
                            try await DocumentService.revise(created.id!, body: body, note: "导入", by: principal, services: services, on: db)
                        }
                        for step in row.steps {
                            column = step.column
                            try await DocumentService.perform(step.action, on: created.id!, by: principal, services: services, on: db)
                        }
                    } catch let failure as ValidationFailure {
                        let labels = ["title": "文件名称", "unitCode": "起草单位编码", "number": "文号", "effectiveOn": "施行日期"]
                        problems += failure.errors.map {
                            ImportRowError(row: row.number, column: labels[$0.field] ?? column, message: "\($0.label)：\($0.message)")
                        }
                    } catch is ScopeDenied {
                        problems.append(ImportRowError(row: row.number, column: "起草单位编码", message: "“\(row.unitCode)”不在您的管辖范围内"))
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
                try await AuditLog.append(AuditEvent(action: "documents.import", entityType: NormativeDocument.schema, detail: "导入行政规范性文件\(prepared.count)件"),
                                          by: principal.auditActor, at: stamp, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: prepared.count, errors: [])
    }
}
