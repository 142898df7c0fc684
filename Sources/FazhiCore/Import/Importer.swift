import Fluent
import Foundation

/// One column of an import template.
public struct ImportColumn: Sendable {
    public var header: String
    public var required: Bool
    public var note: String

    public init(_ header: String, required: Bool, note: String) {
        self.header = header
        self.required = required
        self.note = note
    }
}

/// One problem in one row of an uploaded file.
public struct ImportRowError: Sendable, Codable, Equatable {
    public var row: Int
    public var column: String
    public var message: String

    public init(row: Int, column: String, message: String) {
        self.row = row
        self.column = column
        self.message = message
    }
}

/// The result of an import: all rows written, or none and every problem listed.
public struct ImportReport: Sendable, Codable, Equatable {
    public var rowsRead: Int
    public var rowsWritten: Int
    public var errors: [ImportRowError]

    public init(rowsRead: Int, rowsWritten: Int, errors: [ImportRowError]) {
        self.rowsRead = rowsRead
        self.rowsWritten = rowsWritten
        self.errors = errors
    }

    public var succeeded: Bool { errors.isEmpty }
}

/// Thrown inside an import's transaction so that nothing it wrote stays.
public struct ImportRejected: Error {
    public var errors: [ImportRowError]

    public init(errors: [ImportRowError]) { self.errors = errors }
}

/// A module's importer: the template's columns and how a checked table becomes records.
/// Every importer is all or nothing: it checks every row first and writes inside one transaction.
public protocol Importer: Sendable {
    var id: String { get }
    var title: String { get }
    var permission: Permission { get }
    var columns: [ImportColumn] { get }
    func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport
}

extension Importer {
    /// Errors for missing required headers, before any row is looked at.
    public func headerErrors(_ table: ImportTable) -> [ImportRowError] {
        columns.filter(\.required).compactMap { column in
            table.column(column.header) == nil
                ? ImportRowError(row: 1, column: column.header, message: "缺少必填列“\(column.header)”（请使用导入模板）")
                : nil
        }
    }

    /// The template as CSV: headers and a line describing each column.
    public var templateCSV: Data {
        CSVReader.write(headers: columns.map(\.header), rows: [])
    }
}
