import FazhiCalendar
import Foundation

/// One row of an uploaded table as an importer reads it: trimmed values, dates and yes/no cells
/// with the platform's messages, and the row's problems collected under their columns.
public struct ImportRow {
    public let table: ImportTable
    public let cells: [String]
    public let number: Int
    public private(set) var errors: [ImportRowError] = []

    public init(_ table: ImportTable, position: Int) {
        self.table = table
        self.cells = table.rows[position]
        self.number = ImportTable.rowNumber(position)
    }

    public func value(_ header: String) -> String { table.value(cells, header).trimmingCharacters(in: .whitespaces) }

    public mutating func error(_ column: String, _ message: String) { errors.append(ImportRowError(row: number, column: column, message: message)) }

    /// A date cell (YYYY-MM-DD, or with slashes as spreadsheets write it); nil and an error if it
    /// is not one, nil if empty (an error too if `required`).
    public mutating func date(_ header: String, required: Bool = false) -> CivilDate? {
        let text = value(header).replacingOccurrences(of: "/", with: "-")
        if text.isEmpty {
            if required { error(header, "必填") }
            return nil
        }
        guard let date = CivilDate(text) else {
            error(header, "“\(text)”不是有效日期（YYYY-MM-DD）")
            return nil
        }
        return date
    }

    /// 是 or 否; empty is `defaultValue`.
    public mutating func yes(_ header: String, default defaultValue: Bool = false) -> Bool {
        switch value(header) {
        case "是": return true
        case "否": return false
        case "": return defaultValue
        default:
            error(header, "应为“是”或“否”")
            return defaultValue
        }
    }
}
