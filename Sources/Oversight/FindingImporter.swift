import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

/// Imports a 督察问题整改台账 (CSV or XLSX): each row an inspection (made once per name) and a
/// finding carried through its rectification — the unit's report, a return, 销号 — by
/// `OversightService`, so the rules apply as when keyed. All or nothing.
public struct FindingImporter: Importer {
    public init() {}

    public var id: String { "oversight" }
    public var title: String { "督察问题整改台账" }
    public var permission: Permission { OversightPermissions.inspect }

    public var columns: [ImportColumn] {
        [
            ImportColumn("督察名称", required: true, note: "同名的为同一次督察"), ImportColumn("督察类别", required: true, note: InspectionKind.allCases.map(\.label).joined(separator: "、")),
            ImportColumn("开始日期", required: true, note: "YYYY-MM-DD"), ImportColumn("组织单位编码", required: true, note: ""),
            ImportColumn("被督察单位编码", required: true, note: ""), ImportColumn("问题类别", required: true, note: FindingCategory.allCases.map(\.label).joined(separator: "、")),
            ImportColumn("问题描述", required: true, note: ""), ImportColumn("发现日期", required: true, note: ""), ImportColumn("整改期限（日）", required: false, note: "默认30日"),
            ImportColumn("报送整改日期", required: false, note: ""), ImportColumn("整改情况", required: false, note: "报送的须写明整改措施和佐证"),
            ImportColumn("销号日期", required: false, note: "须已报送"),
        ]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        var rows: [(number: Int, cells: [String: String], steps: [(String, FindingStep, Bool)])] = []
        for position in table.rows.indices {
            var row = ImportRow(table, position: position)
            var cells: [String: String] = [:]
            for column in ["督察名称", "督察类别", "开始日期", "组织单位编码", "被督察单位编码", "问题类别", "问题描述", "发现日期", "整改期限（日）"] { cells[column] = row.value(column) }
            var steps: [(String, FindingStep, Bool)] = []
            if let submitted = row.date("报送整改日期") { steps.append(("报送整改日期", .submit(on: submitted, evidence: row.value("整改情况")), false)) }
            if let closed = row.date("销号日期") { steps.append(("销号日期", .close(on: closed), true)) }
            errors += row.errors
            rows.append((row.number, cells, steps))
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
        let prepared = rows
        let labels = ["title": "督察名称", "kind": "督察类别", "startedOn": "开始日期", "unitCode": "被督察单位编码", "category": "问题类别", "description": "问题描述",
                      "foundOn": "发现日期", "days": "整改期限（日）", "evidence": "整改情况"]
        do {
            try await database.write { db in
                var problems: [ImportRowError] = []
                var inspections: [String: UUID] = [:]
                for row in prepared {
                    var column = "督察名称"
                    do {
                        let name = row.cells["督察名称"] ?? ""
                        let inspectionID: UUID
                        if let known = inspections[name] {
                            inspectionID = known
                        } else {
                            column = "组织单位编码"
                            inspectionID = try await OversightService.createInspection(title: name, kind: row.cells["督察类别"], startedOn: row.cells["开始日期"],
                                                                                       unitCode: row.cells["组织单位编码"], by: principal, services: services, on: db).id!
                            inspections[name] = inspectionID
                        }
                        column = "被督察单位编码"
                        let finding = try await OversightService.addFinding(to: inspectionID, unitCode: row.cells["被督察单位编码"], category: row.cells["问题类别"],
                                                                            description: row.cells["问题描述"], foundOn: row.cells["发现日期"], days: row.cells["整改期限（日）"],
                                                                            by: principal, services: services, on: db)
                        for (name, step, inspector) in row.steps {
                            column = name
                            try await OversightService.perform(step, on: finding.id!, by: principal, asInspector: inspector, services: services, on: db)
                        }
                    } catch let failure as ValidationFailure {
                        problems += failure.errors.map { ImportRowError(row: row.number, column: labels[$0.field] ?? column, message: "\($0.label)：\($0.message)") }
                    } catch is ScopeDenied {
                        problems.append(ImportRowError(row: row.number, column: column, message: "不在您的管辖范围内"))
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
                try await AuditLog.append(AuditEvent(action: "oversight.import", entityType: InspectionFinding.schema, detail: "导入督察问题\(prepared.count)个"),
                                          by: principal.auditActor, at: services.now, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: prepared.count, errors: [])
    }
}
