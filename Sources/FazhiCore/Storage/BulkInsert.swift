import FazhiCalendar
import Fluent
import FluentPostgresDriver
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

    /// The value in PostgreSQL's COPY text format: `\\N` for null, `t`/`f`, a timestamp in UTC to the
    /// microsecond (truncated as PostgresNIO's binary encoding truncates it), text with backslash,
    /// tab, line feed and carriage return escaped (`BulkInsertStorageTests` reads them back).
    func writeCopyText(into buffer: inout ByteBuffer) {
        switch self {
        case .null: buffer.writeStaticString("\\N")
        case .bool(let value): buffer.writeStaticString(value ? "t" : "f")
        case .int(let value): buffer.writeString(String(value))
        case .uuid(let value): buffer.writeString(value.text)
        case .date(let value): buffer.writeString(Self.copyTimestamp(value))
        case .text(let value):
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        }
    }

    /// `2026-11-26 21:11:50.123456+00`.
    static func copyTimestamp(_ date: Date) -> String {
        // PostgresNIO sends microseconds since 2000-01-01, truncated toward zero.
        let micros = Int64(date.timeIntervalSince(Date(timeIntervalSince1970: 946_684_800)) * 1_000_000) + 946_684_800_000_000
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let clock = seconds - days * 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let micro = String(fraction)
        return "\(CivilDate(dayNumber: Int32(days))) \(two(clock / 3_600)):\(two(clock / 60 % 60)):\(two(clock % 60))."
            + String(repeating: "0", count: 6 - micro.count) + micro + "+00"
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
        // The driver's own handle, also inside a `write` transaction.
        let driver = (database as? InTransaction)?.base ?? database
        // On SQLite the values go to the driver as they are: building SQLKit's expression tree and
        // encoding each bind through `Encodable` cost more than SQLite's insert (`perf`, issue 16).
        if let sqlite = driver as? any SQLiteDatabase {
            let head = "INSERT INTO \"\(schema)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
            let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            for start in stride(from: 0, to: rows.count, by: perStatement) {
                let chunk = rows[start..<min(start + perStatement, rows.count)]
                var binds: [SQLiteData] = []
                binds.reserveCapacity(chunk.count * columns.count)
                for row in chunk {
                    for value in row.checkedBulkValues { binds.append(value.sqliteData) }
                }
                let statement = head + Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
                try await sqlite.query(statement, binds) { _ in }
            }
            return
        }
        // On PostgreSQL, COPY: the rows as text in one stream, parsed by the server without a plan
        // per statement or a bind per value.
        if DatabaseFlavor(database) == .postgres, let postgres = driver as? any PostgresDatabase {
            let logger = database.logger
            try await postgres.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    try await connection.copyFrom(table: schema, columns: columns, format: .text(.init()), logger: logger) { writer in
                        var buffer = ByteBuffer()
                        buffer.reserveCapacity(1 << 20)
                        for row in rows {
                            for (index, value) in row.checkedBulkValues.enumerated() {
                                if index > 0 { buffer.writeStaticString("\t") }
                                value.writeCopyText(into: &buffer)
                            }
                            buffer.writeStaticString("\n")
                            if buffer.readableBytes >= 1 << 20 {
                                try await writer.write(buffer)
                                buffer.clear()
                            }
                        }
                        if buffer.readableBytes > 0 { try await writer.write(buffer) }
                    }
                }
            }.get()
            return
        }
        let sql = database.sql
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            var insert = sql.insert(into: schema).columns(columns)
            for row in rows[start..<min(start + perStatement, rows.count)] {
                insert = insert.values(row.checkedBulkValues.map(\.expression))
            }
            try await insert.run()
        }
    }

    /// The row's values, one per column, or a crash naming the model whose columns and values
    /// disagree (a programming error that `BulkInsertTests` catches first).
    var checkedBulkValues: [BulkValue] {
        let values = bulkValues
        precondition(values.count == Self.bulkColumns.count, "\(Self.schema): \(values.count) values for \(Self.bulkColumns.count) columns")
        return values
    }
}
