import Fluent
import Foundation

/// Imports the unit tree from CSV or XLSX with Chinese headers. A row's parent may be an existing
/// unit or another row of the same file, in any order. All or nothing: one bad row and nothing is
/// written, and every bad row is reported.
public struct UnitImporter: Importer {
    public init() {}

    public var id: String { "units" }
    public var title: String { "单位" }
    public var permission: Permission { CorePermissions.unitsImport }

    public var columns: [ImportColumn] {
        [
            ImportColumn("单位编码", required: true, note: "字母、数字、-、_，最长32位，不得重复"),
            ImportColumn("单位名称", required: true, note: "最长100字"),
            ImportColumn("单位类型", required: true, note: UnitKind.allCases.map(\.label).joined(separator: "/")),
            ImportColumn("上级单位编码", required: false, note: "已有单位或本文件中的单位；行政区域不填"),
            ImportColumn("统一社会信用代码", required: false, note: "18位，按GB 32100校验"),
            ImportColumn("排序号", required: false, note: "非负整数"),
        ]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }

        struct Row: Sendable {
            var number: Int
            var input: UnitInput
        }
        var rows: [Row] = []
        var codesSeen: [String: Int] = [:]
        for (index, cells) in table.rows.enumerated() {
            let number = ImportTable.rowNumber(index)
            let input = UnitInput(code: table.value(cells, "单位编码"), name: table.value(cells, "单位名称"),
                                  kind: table.value(cells, "单位类型"), parentCode: table.value(cells, "上级单位编码"),
                                  uscc: table.value(cells, "统一社会信用代码"), sortOrder: table.value(cells, "排序号"))
            var validator = Validator()
            _ = UnitService.validate(input, validator: &validator)
            for error in validator.errors {
                errors.append(ImportRowError(row: number, column: error.label, message: error.message))
            }
            if let code = input.code, !code.isEmpty {
                if let first = codesSeen[code] {
                    errors.append(ImportRowError(row: number, column: "单位编码", message: "“\(code)”与第\(first)行重复"))
                } else {
                    codesSeen[code] = number
                }
            }
            rows.append(Row(number: number, input: input))
        }
        if !errors.isEmpty { return ImportReport(rowsRead: rows.count, rowsWritten: 0, errors: errors) }

        // Parents first: a row waits until the row that creates its parent has gone before it.
        var ordered: [Row] = []
        var placed = Set<String>()
        var remaining = rows
        while !remaining.isEmpty {
            let ready = remaining.filter { row in
                guard let parent = row.input.parentCode, !parent.isEmpty, codesSeen[parent] != nil else { return true }
                return placed.contains(parent)
            }
            if ready.isEmpty {
                for row in remaining {
                    errors.append(ImportRowError(row: row.number, column: "上级单位编码", message: "上级单位关系成环"))
                }
                return ImportReport(rowsRead: rows.count, rowsWritten: 0, errors: errors)
            }
            ordered += ready
            for row in ready { placed.insert(row.input.code ?? "") }
            let readyNumbers = Set(ready.map(\.number))
            remaining.removeAll { readyNumbers.contains($0.number) }
        }

        let creationOrder = ordered
        do {
            try await database.write { db in
                var rowErrors: [ImportRowError] = []
                for row in creationOrder {
                    do {
                        try await UnitService.create(row.input, by: principal, services: services, on: db)
                    } catch let failure as ValidationFailure {
                        rowErrors += failure.errors.map { ImportRowError(row: row.number, column: $0.label, message: $0.message) }
                    }
                }
                if !rowErrors.isEmpty { throw ImportRejected(errors: rowErrors.sorted { $0.row < $1.row }) }
                try await AuditLog.append(
                    AuditEvent(action: "unit.import", entityType: "unit", detail: "导入单位\(creationOrder.count)个"),
                    by: principal.auditActor, at: services.now, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: rows.count, rowsWritten: ordered.count, errors: [])
    }
}
