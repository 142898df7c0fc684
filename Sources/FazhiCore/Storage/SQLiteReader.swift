import FluentSQLiteDriver
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLKit
/// The SQLite library the driver builds (its functions are prefixed `sqlite_nio_`): the reader's
/// connections use the same one, not a second copy from the system.
import VaporCSQLite

/// Read-only connections of their own to the SQLite file, for the list pages, each keeping its
/// statements prepared.
///
/// Why: the driver prepares every statement anew, builds a column table for each query and hands
/// each row to the event loop as a task of its own. On a list page of twenty rows that was about
/// 8% of the CPU (`perf`, issue 16: preparing 4.3%, the row hand-offs 3%). A reader connection
/// prepares a list's statement once (`SQLITE_PREPARE_PERSISTENT`), keeps its column table with it,
/// and returns all rows to the waiting request in one step.
///
/// What it reads: only what a read outside a transaction may read. The connections are in
/// `query_only` mode, and in WAL mode each statement sees what was committed when it began, as
/// the driver's own connection does outside a transaction. A read inside a transaction must see
/// that transaction's own writes, so `ReaderDatabase` is made only for a database not in one.
///
/// The calls run on the pool it is given (the app gives it one of its own, a thread a core), never
/// on an event loop; a connection is used by one call at a time, so there are at most as many as
/// the pool has threads.
public final class SQLiteReader: Sendable {
    public let path: String
    let threadPool: NIOThreadPool
    /// Statements a connection keeps prepared; past this it finalizes them all and starts again.
    /// A list's statement varies with its filters and cursor, a few shapes each.
    static let statementLimit = 128
    private let idle = NIOLockedValueBox<(connections: [Connection], closed: Bool)>(([], false))
    private let counters = NIOLockedValueBox(Counters())

    /// How often a statement was prepared and how often one was reused: for tests and benchmarks.
    public struct Counters: Sendable, Equatable {
        public var opened = 0
        public var prepared = 0
        public var reused = 0
    }

    public init(path: String, threadPool: NIOThreadPool) {
        self.path = path
        self.threadPool = threadPool
    }

    public var counts: Counters { counters.withLockedValue { $0 } }

    /// The rows of `sql` with `binds`, read on the blocking pool.
    public func rows(_ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteReaderRow] {
        try await threadPool.runIfActive { try self.rowsNow(sql, binds) }
    }

    /// The same, on the calling thread (the pool's).
    func rowsNow(_ sql: String, _ binds: [SQLiteData]) throws -> [SQLiteReaderRow] {
        let connection = try checkOut()
        do {
            let (rows, fresh) = try connection.rows(sql, binds)
            counters.withLockedValue { fresh ? ($0.prepared += 1) : ($0.reused += 1) }
            checkIn(connection)
            return rows
        } catch {
            // A connection that failed is closed, not reused: its state is not known.
            connection.close()
            throw error
        }
    }

    /// Closes every idle connection; a call that is reading closes its own when it ends.
    public func close() {
        let connections = idle.withLockedValue { state -> [Connection] in
            state.closed = true
            defer { state.connections = [] }
            return state.connections
        }
        for connection in connections { connection.close() }
    }

    private func checkOut() throws -> Connection {
        let (found, closed) = idle.withLockedValue { state in (state.connections.popLast(), state.closed) }
        if closed { throw SQLiteReaderError(code: SQLITE_MISUSE, message: "the reader is closed") }
        if let found { return found }
        let connection = try Connection(path: path)
        counters.withLockedValue { $0.opened += 1 }
        return connection
    }

    private func checkIn(_ connection: Connection) {
        let keep = idle.withLockedValue { state -> Bool in
            guard !state.closed else { return false }
            state.connections.append(connection)
            return true
        }
        if !keep { connection.close() }
    }

    /// One connection and its prepared statements. Used by one thread at a time (the reader hands
    /// it out to one call), hence `@unchecked Sendable`.
    final class Connection: @unchecked Sendable {
        private var handle: OpaquePointer?
        private var statements: [String: Prepared] = [:]

        init(path: String) throws {
            var handle: OpaquePointer?
            let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
            let code = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
            guard code == SQLITE_OK, let handle else {
                let error = handle.map { SQLiteReaderError(code: code, on: $0) } ?? SQLiteReaderError(code: code, message: "out of memory")
                sqlite_nio_sqlite3_close(handle)
                throw error
            }
            self.handle = handle
            // A reader never writes; it waits for a lock as the main connections do (5 s).
            for pragma in ["PRAGMA query_only = 1", "PRAGMA busy_timeout = 5000"] {
                let result = sqlite_nio_sqlite3_exec(handle, pragma, nil, nil, nil)
                guard result == SQLITE_OK else {
                    let error = SQLiteReaderError(code: result, on: handle)
                    close()
                    throw error
                }
            }
        }

        func close() {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.handle) }
            statements = [:]
            if let handle { sqlite_nio_sqlite3_close(handle) }
            handle = nil
        }

        /// The rows, and whether the statement was prepared for this call.
        func rows(_ sql: String, _ binds: [SQLiteData]) throws -> ([SQLiteReaderRow], Bool) {
            guard let handle else { throw SQLiteReaderError(code: SQLITE_MISUSE, message: "the connection is closed") }
            var fresh = false
            let statement: Prepared
            if let cached = statements[sql] {
                statement = cached
            } else {
                if statements.count >= SQLiteReader.statementLimit {
                    for old in statements.values { sqlite_nio_sqlite3_finalize(old.handle) }
                    statements = [:]
                }
                statement = try Prepared(sql, on: handle)
                statements[sql] = statement
                fresh = true
            }
            let stmt = statement.handle
            // Left ready for the next call whatever happens here: a statement not reset would hold
            // its read transaction open, and the WAL could not be checkpointed past it.
            defer {
                sqlite_nio_sqlite3_reset(stmt)
                sqlite_nio_sqlite3_clear_bindings(stmt)
            }
            try bind(binds, to: stmt, on: handle)
            let columns = statement.columns
            let width = columns.names.count
            var rows: [SQLiteReaderRow] = []
            while true {
                let code = sqlite_nio_sqlite3_step(stmt)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else { throw SQLiteReaderError(code: code, on: handle) }
                var values: [SQLiteData] = []
                values.reserveCapacity(width)
                for index in 0..<Int32(width) { values.append(Self.value(stmt, index)) }
                rows.append(SQLiteReaderRow(columns: columns, values: values))
            }
            return (rows, fresh)
        }

        private func bind(_ binds: [SQLiteData], to stmt: OpaquePointer, on handle: OpaquePointer) throws {
            for (offset, value) in binds.enumerated() {
                let index = Int32(offset + 1)
                let code: Int32
                switch value {
                case .integer(let number): code = sqlite_nio_sqlite3_bind_int64(stmt, index, Int64(number))
                case .float(let number): code = sqlite_nio_sqlite3_bind_double(stmt, index, number)
                case .null: code = sqlite_nio_sqlite3_bind_null(stmt, index)
                case .text(let text):
                    code = sqlite_nio_sqlite3_bind_text64(stmt, index, text, UInt64(text.utf8.count), transient, UInt8(SQLITE_UTF8))
                case .blob(let buffer):
                    code = buffer.withUnsafeReadableBytes { sqlite_nio_sqlite3_bind_blob64(stmt, index, $0.baseAddress, UInt64($0.count), transient) }
                }
                guard code == SQLITE_OK else { throw SQLiteReaderError(code: code, on: handle) }
            }
        }

        /// A column's value as the driver reads it (`SQLiteData`), text without a `strlen`.
        private static func value(_ stmt: OpaquePointer, _ index: Int32) -> SQLiteData {
            switch sqlite_nio_sqlite3_column_type(stmt, index) {
            case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(stmt, index)))
            case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(stmt, index))
            case SQLITE_TEXT:
                guard let text = sqlite_nio_sqlite3_column_text(stmt, index) else { return .text("") }
                let count = Int(sqlite_nio_sqlite3_column_bytes(stmt, index))
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
            case SQLITE_BLOB:
                let count = Int(sqlite_nio_sqlite3_column_bytes(stmt, index))
                var buffer = ByteBufferAllocator().buffer(capacity: count)
                if let bytes = sqlite_nio_sqlite3_column_blob(stmt, index) { buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count)) }
                return .blob(buffer)
            default: return .null
            }
        }
    }

    /// A prepared statement and its column table, made once.
    final class Prepared {
        let handle: OpaquePointer
        let columns: SQLiteReaderColumns

        init(_ sql: String, on connection: OpaquePointer) throws {
            var stmt: OpaquePointer?
            let code = sqlite_nio_sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
            guard code == SQLITE_OK, let stmt else {
                throw SQLiteReaderError(code: code, on: connection)
            }
            handle = stmt
            let count = sqlite_nio_sqlite3_column_count(stmt)
            var names: [String] = []
            for index in 0..<count {
                // NULL only when SQLite could not allocate the name: refused, not a crash.
                guard let name = sqlite_nio_sqlite3_column_name(stmt, index) else {
                    sqlite_nio_sqlite3_finalize(stmt)
                    throw SQLiteReaderError(code: SQLITE_NOMEM, message: "no name for column \(index)")
                }
                names.append(String(cString: name))
            }
            columns = SQLiteReaderColumns(names: names)
        }
    }
}

/// SQLite's `SQLITE_TRANSIENT`: the library copies a bound text or blob before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A reader statement's column names, and each name's first position, shared by its rows.
public final class SQLiteReaderColumns: Sendable {
    public let names: [String]
    let positions: [String: Int]

    init(names: [String]) {
        self.names = names
        positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A row the reader read, as `SQLRow`: a `String` from a text value and an `Int` from an integer
/// value directly, everything else through SQLiteKit's own decoder, as `SQLiteListRow` reads.
public struct SQLiteReaderRow: SQLRow, Sendable {
    let columns: SQLiteReaderColumns
    public let values: [SQLiteData]

    public var allColumns: [String] { columns.names }

    public func contains(column: String) -> Bool { columns.positions[column] != nil }

    public func decodeNil(column: String) throws -> Bool {
        guard let position = columns.positions[column] else { return true }
        return values[position] == .null
    }

    public func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let position = columns.positions[column] else { throw MissingListColumn(column: column) }
        return try SQLiteValueRead.decode(values[position], as: D.self)
    }
}

enum SQLiteValueRead {
    /// `String` and `Int` read directly; any other type through SQLiteKit's decoder.
    static func decode<D: Decodable>(_ data: SQLiteData, as type: D.Type) throws -> D {
        switch data {
        case .text(let text) where D.self == String.self: return unsafeBitCast(text, to: D.self)
        case .integer(let number) where D.self == Int.self: return unsafeBitCast(number, to: D.self)
        default: return try SQLiteDataDecoder().decode(D.self, from: data)
        }
    }
}

public struct SQLiteReaderError: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// `code` with the connection's own message for its last failure.
    init(code: Int32, on connection: OpaquePointer) {
        self.init(code: code, message: String(cString: sqlite_nio_sqlite3_errmsg(connection)))
    }
    public var description: String { "SQLite error \(code): \(message)" }
}

/// A database for building a list's select on: statements run on `base`, except the list's own
/// rows (`listRows`), which the reader reads. Made by `scopedSelect` for a database not in a
/// transaction.
struct ReaderDatabase: SQLDatabase {
    let base: any SQLDatabase
    let reader: SQLiteReader

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }
}
