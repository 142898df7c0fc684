import Fluent
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
        let sql = database.sql
        let columns = bulkColumns
        let perStatement = max(1, 30_000 / columns.count)
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
