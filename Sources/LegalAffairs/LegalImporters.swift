import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// Runs each row of a checked table through a service call inside one transaction, collecting each
/// row's refusals under the column the service names; any refusal undoes them all.
struct ReplayRows {
    let labels: [String: String]
    let fallback: String

    func run(_ table: ImportTable, action: String, detail: String, by principal: Principal, services: FazhiServices, on database: any Database,
             row: @escaping @Sendable (Int, [String], any Database) async throws -> Void) async throws -> ImportReport {
        do {
            try await database.write { db in
                var problems: [ImportRowError] = []
                for (position, cells) in table.rows.enumerated() {
                    let number = ImportTable.rowNumber(position)
                    do {
                        try await row(number, cells, db)
                    } catch let failure as ValidationFailure {
                        problems += failure.errors.map { ImportRowError(row: number, column: labels[$0.field] ?? fallback, message: $0.message) }
                    } catch let denied as ScopeDenied {
                        problems.append(ImportRowError(row: number, column: fallback, message: "“\(denied.entityID)”不在您的管辖范围内"))
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
                try await AuditLog.append(AuditEvent(action: action, entityType: "import", detail: detail), by: principal.auditActor, at: services.now, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: table.rows.count, errors: [])
    }
}

/// Imports the roster of 法律顾问 and 公职律师 (CSV or XLSX) through `LegalService.addAdviser`. All or nothing.
public struct AdviserImporter: Importer {
    public init() {}

    public var id: String { "legal-advisers" }
    public var title: String { "法律顾问和公职律师名册" }
    public var permission: Permission { LegalPermissions.advisers }

    public var columns: [ImportColumn] {
        [
            ImportColumn("姓名", required: true, note: ""), ImportColumn("类别", required: true, note: "法律顾问/公职律师"),
            ImportColumn("所在律师事务所或单位", required: true, note: ""), ImportColumn("联系电话", required: false, note: "加密保存"),
            ImportColumn("聘期开始", required: true, note: "YYYY-MM-DD"), ImportColumn("聘期截止", required: true, note: "YYYY-MM-DD"),
            ImportColumn("服务单位编码", required: true, note: "以逗号或空格分隔"),
        ]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        let errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        let labels = ["name": "姓名", "kind": "类别", "employer": "所在律师事务所或单位", "contact": "联系电话", "termFrom": "聘期开始", "termTo": "聘期截止", "unitCodes": "服务单位编码"]
        return try await ReplayRows(labels: labels, fallback: "服务单位编码").run(table, action: "legal.adviser-import", detail: "导入法律顾问和公职律师\(table.rows.count)人",
                                                                           by: principal, services: services, on: database) { _, cells, db in
            func value(_ header: String) -> String { table.value(cells, header).trimmingCharacters(in: .whitespaces) }
            let kind = AdviserKind.allCases.first { $0.label == value("类别") || $0.rawValue == value("类别") }?.rawValue ?? value("类别")
            try await LegalService.addAdviser(name: value("姓名"), kind: kind, employer: value("所在律师事务所或单位"), contact: value("联系电话").nilIfEmpty,
                                              termFrom: value("聘期开始").replacingOccurrences(of: "/", with: "-"), termTo: value("聘期截止").replacingOccurrences(of: "/", with: "-"),
                                              unitCodes: value("服务单位编码"), by: principal, services: services, on: db)
        }
    }
}

/// Imports the contract-review ledger (CSV or XLSX): each row sent, answered and (if known) adopted,
/// through `LegalService`. All or nothing.
public struct ReviewLedgerImporter: Importer {
    public init() {}

    public var id: String { "legal-reviews" }
    public var title: String { "合同合法性审查台账" }
    public var permission: Permission { LegalPermissions.review }

    public var columns: [ImportColumn] {
        [
            ImportColumn("类别", required: true, note: "行政协议/合同/其他事项"), ImportColumn("名称", required: true, note: ""),
            ImportColumn("送审单位编码", required: true, note: ""), ImportColumn("相对方", required: false, note: ""),
            ImportColumn("金额（万元）", required: false, note: "行政协议、合同必填；最多四位小数"), ImportColumn("送审日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("审查意见日期", required: false, note: "YYYY-MM-DD"), ImportColumn("审查意见", required: false, note: "有审查意见日期时必填"),
            ImportColumn("是否采纳", required: false, note: "是/否"),
        ]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        let errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        let labels = ["kind": "类别", "title": "名称", "unitCode": "送审单位编码", "counterparty": "相对方", "amount": "金额（万元）", "submittedOn": "送审日期",
                      "on": "审查意见日期", "text": "审查意见", "action": "是否采纳"]
        return try await ReplayRows(labels: labels, fallback: "送审单位编码").run(table, action: "legal.review-import", detail: "导入合法性审查台账\(table.rows.count)件",
                                                                           by: principal, services: services, on: database) { _, cells, db in
            func value(_ header: String) -> String { table.value(cells, header).trimmingCharacters(in: .whitespaces) }
            let kind = ReviewKind.allCases.first { $0.label == value("类别") || $0.rawValue == value("类别") }?.rawValue ?? value("类别")
            let row = try await LegalService.submit(kind: kind, title: value("名称"), unitCode: value("送审单位编码"), counterparty: value("相对方").nilIfEmpty,
                                                    amount: value("金额（万元）"), submittedOn: value("送审日期").replacingOccurrences(of: "/", with: "-"),
                                                    by: principal, services: services, on: db)
            let opinionOn = value("审查意见日期").replacingOccurrences(of: "/", with: "-")
            if !opinionOn.isEmpty {
                guard let day = CivilDate(opinionOn) else { throw ValidationFailure(field: "on", label: "审查意见日期", message: FormFields.dateRule) }
                try await LegalService.perform(.opinion(on: day, text: value("审查意见")), on: row.id!, by: principal, services: services, on: db)
            }
            switch value("是否采纳") {
            case "": break
            case "是": try await LegalService.perform(.adoption(adopted: true), on: row.id!, by: principal, services: services, on: db)
            case "否": try await LegalService.perform(.adoption(adopted: false), on: row.id!, by: principal, services: services, on: db)
            default: throw ValidationFailure(field: "action", label: "是否采纳", message: "应为“是”或“否”")
            }
        }
    }
}
