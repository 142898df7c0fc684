import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// A table or column name the code wrote. A name of ASCII letters, digits and underscores is written
/// between the dialect's quotes as it is: it holds no quote to double. SQLKit's `SQLIdentifier`
/// searches every name for the quote with a generic string replace, which was 3% of a list page's
/// CPU (`perf`, issue 16, stop 34). Any other name goes through `SQLIdentifier`, quote-doubling and all.
public struct SQLPlainName: SQLExpression {
    public let name: String
    let plain: Bool

    public init(_ name: String) {
        self.name = name
        self.plain = Self.isPlain(name)
    }

    static func isPlain(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
        }
    }

    public func serialize(to serializer: inout SQLSerializer) {
        guard plain, let quote = (serializer.dialect.identifierQuote as? SQLRaw)?.sql else {
            SQLIdentifier(name).serialize(to: &serializer)
            return
        }
        serializer.write(quote)
        serializer.write(name)
        serializer.write(quote)
    }
}

extension SQLSelectBuilder {
    /// Selects these columns by name (`SQLPlainName`): a list's constant column list, as one
    /// expression. SQLKit's `column(_:)` copies the column array on each call (its `columnList` is
    /// a computed property over `select.columns`) and boxes each `SQLColumn`: 32 allocations for a
    /// list's nine columns.
    @discardableResult
    public func plainColumns(_ names: String...) -> Self {
        plainColumns(names)
    }

    /// `plainColumns(_:)` with the names as an array.
    @discardableResult
    public func plainColumns(_ names: [String]) -> Self {
        select.columns.append(SQLList(names.map { SQLPlainName($0) as any SQLExpression }))
        return self
    }

    /// The select's rows, each read column by column (`SQLListRow`) by `listRows`: what a page
    /// lists without a cursor (a short list, a "latest" table).
    public func listRows<Row: SQLListRow>(decoding: Row.Type) async throws -> [Row] {
        try await listRows().map { try Row(row: $0) }
    }

    /// The select's rows. On a database from `FazhiServices.listDatabase` with a reader, the
    /// reader's (`SQLiteReader`); otherwise on SQLite they come from the driver as it returned
    /// them; on PostgreSQL from the connection (`postgresRows`). Each way a row's common columns
    /// are read without SQLKit's `Decoder` (`SQLiteReaderRow`, `SQLiteListRow`, `PostgresListRow`);
    /// elsewhere, or with a bind PostgresNIO does not encode itself, this is `all()`.
    func listRows() async throws -> [any SQLRow] {
        let reading = database as? ReaderDatabase
        let base = reading?.base ?? database
        if let postgres = base as? any PostgresDatabase, let rows = try await postgresRows(postgres) { return rows }
        guard let sqlite = base as? any SQLiteDatabase else { return try await all() }
        let (sql, binds) = statement(on: base)
        let encoder = SQLiteDataEncoder()
        let values = try binds.map { try encoder.encode($0) }
        if let reading { return try await reading.reader.rows(sql, values) }
        // The database's `query` hands each row to the event loop as a task of its own. Reading them
        // on the SQLite thread instead, with the connection's async `query`, needs a task for the
        // connection, and cost more than it saved: 595 → 650 µs of CPU a page (stop 34, nine rounds).
        let rows = NIOLockedValueBox<[any SQLRow]>([])
        try await sqlite.query(sql, values) { row in rows.withLockedValue { $0.append(SQLiteListRow(row: row)) } }
        return rows.withLockedValue { $0 }
    }
}

extension SQLSelectBuilder {
    /// The select as SQL text and binds, serialized with the dialect read once (`PinnedDialect`),
    /// and logged at the database's query log level as SQLKit logs a statement it runs.
    func statement(on base: any SQLDatabase) -> (sql: String, binds: [any Encodable & Sendable]) {
        var serializer = SQLSerializer(database: PinnedDialect(base: base, dialect: base.dialect))
        select.serialize(to: &serializer)
        if let level = database.queryLogLevel {
            database.logger.log(level: level, "Executing query",
                                metadata: ["sql": .string(serializer.sql), "binds": .array(serializer.binds.map { .string("\($0)") })])
        }
        return (serializer.sql, serializer.binds)
    }

    /// The select's rows on PostgreSQL, each read by `PostgresListRow`; nil when a bind is of a type
    /// PostgresNIO does not encode itself (the caller then reads through SQLKit as before).
    ///
    /// Binds are encoded as PostgresKit encodes them on its own fast path (nil as NULL, a
    /// `PostgresEncodable` value by its own encoding); the statement runs on the same connection
    /// the database would use (inside a transaction, the transaction's).
    func postgresRows(_ postgres: any PostgresDatabase) async throws -> [any SQLRow]? {
        let (sql, binds) = statement(on: database)
        var bindings = PostgresBindings(capacity: binds.count)
        // The binds as `EXECUTE` takes them; nil once a bind is of a type it does not (a NULL, a date).
        var arguments: [(type: String, literal: String)]? = []
        for bind in binds {
            if (bind as? any OptionalBind)?.isNone == true {
                bindings.appendNull()
                arguments = nil
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                try bindings.append(value, context: .default)
                arguments = PostgresListStatements.argument(bind).flatMap { argument in arguments.map { $0 + [argument] } }
            } else {
                return nil
            }
        }
        let logger = database.logger
        // The rows handed over on the connection's event loop, as PostgresKit's own `execute` takes
        // them; the async row sequence costs a task and a suspension per batch of rows.
        let rows = NIOLockedValueBox<[any SQLRow]>([])
        let onRow: @Sendable (PostgresRow) -> Void = { row in
            let read = PostgresListRow(row: row)
            rows.withLockedValue { $0.append(read) }
        }
        // Kept prepared on the connection (`PostgresListStatements`), outside a transaction only.
        let outside = (database as? any Database)?.inTransaction == false
        let statements = PostgresListStatements.shared
        if outside, let arguments, let name = statements.name(for: sql) {
            try await postgres.withConnection { connection in
                statements.run(sql, name: name, arguments: arguments, bindings: bindings, on: connection, logger: logger,
                                           reset: { rows.withLockedValue { $0 = [] } }, onRow: onRow)
            }.get()
        } else {
            let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
            _ = try await postgres.withConnection { connection in connection.query(query, logger: logger, onRow) }.get()
        }
        return rows.withLockedValue { $0 }
    }
}

/// An optional bind, to tell `nil` inside an `any Encodable` from a value.
private protocol OptionalBind { var isNone: Bool { get } }
extension Optional: OptionalBind { var isNone: Bool { self == nil } }

/// A PostgreSQL row as `SQLRow`, reading a `String`, an `Int` or a `UUID` straight from its cell
/// (`PostgresCell.decode`, the decoding PostgresKit reaches on its own fast path) and every other
/// type, or a cell of a user-defined type, through PostgresKit's row. PostgresKit's row starts each read with a dynamic conformance
/// check, a coding path array and a user-info dictionary: 19% of a list page's CPU on PostgreSQL
/// for its twenty rows of eight columns (`perf`, issue 16, stop 39). `ListReadTests` checks both
/// read the same.
struct PostgresListRow: SQLRow {
    let source: PostgresRow
    let row: PostgresRandomAccessRow

    init(row: PostgresRow) {
        self.source = row
        self.row = row.makeRandomAccess()
    }

    /// PostgresKit's row over the same cells, made only for a read this row leaves to it: a list's
    /// usual columns never need one.
    var fallback: any SQLRow { source.sql() }

    var allColumns: [String] { row.map(\.columnName) }

    func contains(column: String) -> Bool { row.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        !row.contains(column) || row[column].bytes == nil
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard row.contains(column) else { throw MissingListColumn(column: column) }
        let cell = row[column]
        // A user-defined type (a Fluent enum) is read by PostgresKit, which reads it as text.
        guard !cell.dataType.isUserDefined else { return try fallback.decode(column: column, as: D.self) }
        if D.self == String.self { return unsafeBitCast(try cell.decode(String.self), to: D.self) }
        if D.self == Int.self { return unsafeBitCast(try cell.decode(Int.self), to: D.self) }
        if D.self == UUID.self { return unsafeBitCast(try cell.decode(UUID.self), to: D.self) }
        return try fallback.decode(column: column, as: D.self)
    }
}

/// A database whose dialect was read once, to serialize a statement with. Fluent's SQLite database
/// makes a new SQLKit database each time its `dialect` is read, and the serializer reads it for
/// every name and bind: 20 allocations for a list's statement.
struct PinnedDialect: SQLDatabase {
    let base: any SQLDatabase
    let dialect: any SQLDialect

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }
}

/// An SQLite row as `SQLRow`, reading a `String` from a text value and an `Int` from an integer
/// value directly; every other read goes through SQLiteKit's own decoder, as SQLKit's rows do.
/// SQLKit's row decodes each value through a `Decoder` with dynamic casts: 6% of a list page's CPU
/// for its twenty rows (`perf`, issue 16, stop 34). `ListReadTests` checks both read the same.
struct SQLiteListRow: SQLRow {
    let row: SQLiteRow

    var allColumns: [String] { row.columns.map(\.name) }

    func contains(column: String) -> Bool { row.column(column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let data = row.column(column) else { return true }
        return data == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let data = row.column(column) else { throw MissingListColumn(column: column) }
        return try SQLiteValueRead.decode(data, as: D.self)
    }
}

struct MissingListColumn: Error, CustomStringConvertible {
    let column: String
    var description: String { "the row has no column \(column)" }
}
