import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit

/// A model that a batch (a ledger import) inserts a few hundred rows to a statement without
/// Fluent's per-row reflection, which costs more than the insert itself: the columns once, and each
/// row's values in that order. `BulkInsertTests` checks each conformance's columns against the
/// model's fields, so a field added to the model and not here fails the suite.
public protocol BulkInsertable: Model {
    static var bulkColumns: [String] { get }
    var bulkValues: [BulkValue] { get }
}

/// One column's value in a batch insert, bound as Fluent binds the field.
public enum BulkValue: Sendable {
    case text(String)
    case int(Int)
    case bool(Bool)
    case date(Date)
    case uuid(UUID)
    case null

    public static func text(_ value: String?) -> BulkValue { value.map { .text($0) } ?? .null }
    public static func int(_ value: Int?) -> BulkValue { value.map { .int($0) } ?? .null }
    public static func uuid(_ value: UUID?) -> BulkValue { value.map { .uuid($0) } ?? .null }

    /// The value as SQLite stores what Fluent binds: a UUID as its upper-case text, a Bool as 0/1,
    /// a Date as seconds since 1970 (`SQLiteDataEncoder`; `BulkInsertTests` reads them back).
    var sqliteData: SQLiteData {
        switch self {
        case .text(let value): .text(value)
        case .int(let value): .integer(value)
        case .bool(let value): .integer(value ? 1 : 0)
        case .date(let value): .float(value.timeIntervalSince1970)
        case .uuid(let value): .text(value.text)
        case .null: .null
        }
    }

    var expression: any SQLExpression {
        switch self {
        case .text(let value): SQLBind(value)
        case .int(let value): SQLBind(value)
        case .bool(let value): SQLBind(value)
        case .date(let value): SQLBind(value)
        case .uuid(let value): SQLBind(value)
        case .null: SQLLiteral.null
        }
    }
}

extension BulkInsertable {
    /// Inserts `rows` in multi-row statements that stay under the bind limits (SQLite 32,766,
    /// PostgreSQL 65,535). Ids must be set.
    public static func insertAll(_ rows: [Self], on database: any Database) async throws {
        if rows.isEmpty { return }
        let columns = bulkColumns
        let perStatement = max(1, 30_000 / columns.count)
        // On SQLite the values go to the driver as they are: building SQLKit's expression tree and
        // encoding each bind through `Encodable` cost more than SQLite's insert (`perf`, issue 16).
        if let sqlite = ((database as? InTransaction)?.base ?? database) as? any SQLiteDatabase {
            let head = "INSERT INTO \"\(schema)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
            let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            for start in stride(from: 0, to: rows.count, by: perStatement) {
                let chunk = rows[start..<min(start + perStatement, rows.count)]
                var binds: [SQLiteData] = []
                binds.reserveCapacity(chunk.count * columns.count)
                for row in chunk {
                    let values = row.bulkValues
                    precondition(values.count == columns.count, "\(schema): \(values.count) values for \(columns.count) columns")
                    for value in values { binds.append(value.sqliteData) }
                }
                let statement = head + Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
                try await sqlite.query(statement, binds) { _ in }
            }
            return
        }
        let sql = database.sql
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            var insert = sql.insert(into: schema).columns(columns)
            for row in rows[start..<min(start + perStatement, rows.count)] {
                let values = row.bulkValues
                precondition(values.count == columns.count, "\(schema): \(values.count) values for \(columns.count) columns")
                insert = insert.values(values.map(\.expression))
            }
            try await insert.run()
        }
    }
}
