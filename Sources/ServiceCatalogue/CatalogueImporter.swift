import FazhiCore
import Fluent
import Foundation

/// Imports the province's catalogue export (CSV or XLSX): each row saved by its item code — new
/// items added, changed ones given a new version with what changed, unchanged ones left. All or
/// nothing; a refused row is named with its column and rule.
public struct CatalogueImporter: Importer {
    public init() {}

    public var id: String { "services" }
    public var title: String { "政务服务事项目录" }
    public var permission: Permission { ServicePermissions.manage }

    public var columns: [ImportColumn] {
        [
            ImportColumn("事项编码", required: true, note: "省级目录的事项编码"), ImportColumn("事项名称", required: true, note: ""),
            ImportColumn("事项类型", required: true, note: ServiceKind.allCases.map(\.label).joined(separator: "、")),
            ImportColumn("实施主体编码", required: true, note: "本系统中的单位编码"),
            ImportColumn("法定办结时限", required: false, note: "工作日；无法定时限的留空"), ImportColumn("承诺办结时限", required: true, note: "工作日；即办件填0"),
            ImportColumn("马上办", required: false, note: "是/否"), ImportColumn("全程网办", required: false, note: "是/否"),
            ImportColumn("最多跑几次", required: false, note: "0、1、2…，默认1"), ImportColumn("就近办", required: false, note: "乡镇、村或留空"),
            ImportColumn("告知承诺", required: false, note: "是/否"), ImportColumn("申请材料", required: false, note: "以分号分隔"),
            ImportColumn("纳入目录日期", required: false, note: "YYYY-MM-DD，新增事项默认今天"),
        ]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        let errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        let inputs: [(Int, ServiceCatalogueService.Input)] = table.rows.indices.map { position in
            let row = ImportRow(table, position: position)
            return (row.number, ServiceCatalogueService.Input(
                code: row.value("事项编码"), name: row.value("事项名称"), kind: row.value("事项类型"), unitCode: row.value("实施主体编码"),
                legalLimit: row.value("法定办结时限"), promisedLimit: row.value("承诺办结时限"), onTheSpot: row.value("马上办"), fullyOnline: row.value("全程网办"),
                visits: row.value("最多跑几次"), nearby: row.value("就近办"), notificationCommitment: row.value("告知承诺"),
                documents: row.value("申请材料").replacingOccurrences(of: "；", with: "\n"), effectiveOn: row.value("纳入目录日期")))
        }
        let labels = ["code": "事项编码", "name": "事项名称", "kind": "事项类型", "unitCode": "实施主体编码", "legalLimit": "法定办结时限", "promisedLimit": "承诺办结时限",
                      "onTheSpot": "马上办", "fullyOnline": "全程网办", "visits": "最多跑几次", "nearby": "就近办", "notificationCommitment": "告知承诺",
                      "documents": "申请材料", "effectiveOn": "纳入目录日期"]
        var written = 0
        do {
            written = try await database.write { db in
                var problems: [ImportRowError] = []
                var seen: [String: Int] = [:]
                var changed = 0
                for (number, input) in inputs {
                    let code = (input.code ?? "").trimmingCharacters(in: .whitespaces)
                    if let first = seen[code], !code.isEmpty { problems.append(ImportRowError(row: number, column: "事项编码", message: "与第\(first)行重复")); continue }
                    seen[code] = number
                    do {
                        if try await ServiceCatalogueService.save(input, by: principal, services: services, on: db).change != nil { changed += 1 }
                    } catch let failure as ValidationFailure {
                        problems += failure.errors.map { ImportRowError(row: number, column: labels[$0.field] ?? "事项编码", message: $0.message) }
                    } catch is ScopeDenied {
                        problems.append(ImportRowError(row: number, column: "实施主体编码", message: "不在您的管辖范围内"))
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
                try await AuditLog.append(AuditEvent(action: "services.import", entityType: ServiceItem.schema, detail: "导入政务服务事项目录\(inputs.count)行，新增或修改\(changed)项"),
                                          by: principal.auditActor, at: services.now, on: db)
                return changed
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: written, errors: [])
    }
}
