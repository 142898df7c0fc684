import Fluent
import NIOConcurrencyHelpers
import SQLKit

/// Which database the installation runs on.
public enum DatabaseFlavor: Sendable {
    case sqlite
    case postgres

    public init(_ database: any Database) {
        if let sql = database as? any SQLDatabase { self.init(sql: sql) } else { self = .sqlite }
    }

    public init(sql database: any SQLDatabase) {
        self = database.dialect.name.contains("postgres") ? .postgres : .sqlite
    }
}

/// The PostgreSQL lock every write transaction of a schema holds until it ends.
public enum WriterLock {
    public static let sql = "SELECT pg_advisory_xact_lock(7243001, hashtext(current_schema()))"
}

extension Database {
    public var sql: any SQLDatabase { self as! any SQLDatabase }

    /// Runs `body` in one write transaction: everything it writes, its audit rows included, lands
    /// together or not at all.
    ///
    /// On SQLite the transaction begins with `BEGIN IMMEDIATE`, which takes the write lock at once:
    /// Fluent's default deferred `BEGIN` fails with "database is locked" when a read inside it later
    /// upgrades to a write while another connection writes (docs/architecture.md, "Data").
    ///
    /// On PostgreSQL it begins by taking the schema's writer lock (the one the audit chain appends
    /// under), so a service's read → check → write is never interleaved with another writer's on the
    /// same county: under READ COMMITTED two steps on one case would otherwise both read its old
    /// state and both pass the rules (found by ConcurrencyTests). Counties in their own schemas do
    /// not wait for each other (docs/decisions.md).
    public func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if inTransaction { return try await body(self) }
        switch DatabaseFlavor(self) {
        case .postgres:
            return try await transaction { tx in
                try await tx.sql.raw(SQLQueryString(WriterLock.sql)).run()
                return try await body(InTransaction(base: tx, state: TransactionState(holdsWriterLock: true)))
            }
        case .sqlite:
            return try await withConnection { connection in
                let sql = connection as! any SQLDatabase
                try await sql.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await body(InTransaction(base: connection))
                    try await sql.raw("COMMIT").run()
                    return result
                } catch {
                    try? await sql.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
    }
}

/// What one write transaction has learnt that its later statements need not ask again. It lives
/// as long as the transaction's handle and is never shared between transactions.
final class TransactionState: Sendable {
    /// On PostgreSQL: `write` took the schema's writer lock before it made this state, so the
    /// audit chain's appends need not take it again.
    let holdsWriterLock: Bool
    private let head = NIOLockedValueBox<(seq: Int64, hash: String)?>(nil)

    init(holdsWriterLock: Bool = false) {
        self.holdsWriterLock = holdsWriterLock
    }

    /// The audit chain's last row as this transaction's own appends left it: while the
    /// transaction holds the write lock, no other writer can append after it. Nil until an append
    /// has read or written it, and while an append's inserts are under way.
    var auditHead: (seq: Int64, hash: String)? {
        get { head.withLockedValue { $0 } }
        set { head.withLockedValue { $0 = newValue } }
    }
}

/// A database handle that reports `inTransaction`, so nested `write` calls and Fluent's own
/// `transaction` join the open transaction instead of beginning another. It carries the
/// transaction's `TransactionState`.
struct InTransaction: Database, SQLDatabase {
    let base: any Database
    let state: TransactionState

    init(base: any Database, state: TransactionState = TransactionState()) {
        self.base = base
        self.state = state
    }

    var context: DatabaseContext { base.context }
    var inTransaction: Bool { true }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        base.execute(query: query, onOutput: onOutput)
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> { base.execute(schema: schema) }
    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { base.execute(enum: `enum`) }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        closure(self)
    }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        closure(self)
    }

    func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await closure(self)
    }

    func withConnection<T: Sendable>(_ closure: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await closure(self)
    }

    // SQLDatabase
    var logger: Logger { (base as! any SQLDatabase).logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var dialect: any SQLDialect { (base as! any SQLDatabase).dialect }
    var version: (any SQLDatabaseReportedVersion)? { (base as! any SQLDatabase).version }
    var queryLogLevel: Logger.Level? { (base as! any SQLDatabase).queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        (base as! any SQLDatabase).execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await (base as! any SQLDatabase).execute(sql: query, onRow)
    }
}
