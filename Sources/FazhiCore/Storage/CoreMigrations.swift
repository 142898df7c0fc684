import Fluent
import SQLKit

/// The core schema. Names are frozen: never rename a migration or change one that has shipped;
/// add a new one instead (docs/architecture.md, "Data").
public enum CoreMigrations {
    public static let all: [any Migration] = [
        CreateUnits(),
        CreateUsers(),
        CreatePasswordHistory(),
        CreateSessions(),
        CreateAPITokens(),
        CreateAuditEntries(),
        CreateLoginThrottle(),
        AddLoginAttemptNames(),
        AuditAppendOnly(),
        // An API token may be narrowed to one unit's subtree (a province platform pulling one county).
        AddColumns("AddAPITokenUnits", table: "api_tokens", ["unit_path TEXT"]),
        // A subtree's units (`path LIKE '/…/%'`), counted by the unit figures: `units_path_idx` is a
        // plain btree, which PostgreSQL uses for LIKE only under the C collation (province dataset:
        // a seq scan of 9,200 units, 4 ms per figure).
        AddScopeIndexes("AddUnitScopeIndex", [("units_scope", "units", "path")]),
    ]
}

/// A migration that only adds columns to one table (each nullable or with a default) and drops
/// them on revert. A migration that also fills or indexes them is written out.
public struct AddColumns: AsyncMigration {
    public let name: String
    let table: String
    /// `name TYPE [NOT NULL DEFAULT …]`, as in `ALTER TABLE … ADD COLUMN`.
    let columns: [String]

    public init(_ name: String, table: String, _ columns: [String]) {
        self.name = name
        self.table = table
        self.columns = columns
    }

    public func prepare(on database: any Database) async throws {
        for column in columns { try await database.sql.raw("ALTER TABLE \(unsafeRaw: table) ADD COLUMN \(unsafeRaw: column)").run() }
    }

    public func revert(on database: any Database) async throws {
        for column in columns.reversed() {
            let name = column.prefix { $0 != " " }
            try await database.sql.raw("ALTER TABLE \(unsafeRaw: table) DROP COLUMN \(unsafeRaw: String(name))").run()
        }
    }
}

/// The audit table refuses UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) with a trigger, and
/// published chain heads are kept in `audit_anchors`. A trigger does not stop the database's owner
/// (who can drop it); the keyed chain and the anchors are what make a rewrite detectable.
struct AuditAppendOnly: AsyncMigration {
    var name: String { "AuditAppendOnly" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("audit_anchors")
            .id()
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .field("anchored_at", .string, .required)
            .field("signature", .string, .required)
            .create()
        if DatabaseFlavor(database) == .postgres {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION fazhi_audit_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION '审计日志只能追加，不能修改或删除'; END; $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW EXECUTE FUNCTION fazhi_audit_append_only()").run()
            try await sql.raw("CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries FOR EACH STATEMENT EXECUTE FUNCTION fazhi_audit_append_only()").run()
            try await sql.raw("REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries FROM PUBLIC").run()
        } else {
            try await sql.raw("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改或删除'); END").run()
            try await sql.raw("CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改或删除'); END").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if DatabaseFlavor(database) == .postgres {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries").run()
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_update").run()
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_delete").run()
        }
        try await database.schema("audit_anchors").delete()
    }
}

/// Failed attempts keep the (bounded) login name tried: an unknown name then locks after as many
/// failures as a real one, so the answers do not tell which names exist.
struct AddLoginAttemptNames: AsyncMigration {
    var name: String { "AddLoginAttemptNames" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("ALTER TABLE login_attempts ADD COLUMN login_name TEXT").run()
        try await sql.raw("CREATE INDEX login_attempts_name_idx ON login_attempts (login_name, attempted_at)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("DROP INDEX login_attempts_name_idx").run()
        try await sql.raw("ALTER TABLE login_attempts DROP COLUMN login_name").run()
    }
}

struct CreateUnits: AsyncMigration {
    var name: String { "CreateUnits" }

    func prepare(on database: any Database) async throws {
        try await database.schema("units")
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("uscc", .string)
            .field("parent_id", .uuid, .references("units", "id", onDelete: .restrict))
            .field("path", .string, .required)
            .field("depth", .int, .required)
            .field("sort_order", .int, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("deactivated_at", .datetime)
            .unique(on: "code")
            .unique(on: "uscc")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX units_path_idx ON units (path)").run()
        try await sql.raw("CREATE INDEX units_parent_idx ON units (parent_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("units").delete()
    }
}

struct CreateUsers: AsyncMigration {
    var name: String { "CreateUsers" }

    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("login_name", .string, .required)
            .field("display_name", .string, .required)
            .field("unit_id", .uuid, .required, .references("units", "id", onDelete: .restrict))
            .field("role", .string)
            .field("password_hash", .string, .required)
            .field("password_changed_at", .datetime, .required)
            .field("must_change_password", .bool, .required)
            .field("failed_logins", .int, .required)
            .field("locked_until", .datetime)
            .field("totp_secret", .string)
            .field("totp_enabled", .bool, .required)
            .field("totp_last_counter", .int64)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "login_name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}

struct CreatePasswordHistory: AsyncMigration {
    var name: String { "CreatePasswordHistory" }

    func prepare(on database: any Database) async throws {
        try await database.schema("password_history")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("password_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("password_history").delete()
    }
}

struct CreateSessions: AsyncMigration {
    var name: String { "CreateSessions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("sessions")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("ip", .string, .required)
            .field("user_agent", .string, .required)
            .field("must_enroll_totp", .bool, .required)
            .field("ended_at", .datetime)
            .field("end_reason", .string)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sessions").delete()
    }
}

struct CreateAPITokens: AsyncMigration {
    var name: String { "CreateAPITokens" }

    func prepare(on database: any Database) async throws {
        try await database.schema("api_tokens")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("permissions", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_tokens").delete()
    }
}

struct CreateAuditEntries: AsyncMigration {
    var name: String { "CreateAuditEntries" }

    func prepare(on database: any Database) async throws {
        try await database.schema("audit_entries")
            .id()
            .field("seq", .int64, .required)
            .field("occurred_at", .string, .required)
            .field("actor_id", .string, .required)
            .field("actor_name", .string, .required)
            .field("unit_id", .string, .required)
            .field("ip", .string, .required)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string, .required)
            .field("outcome", .string, .required)
            .field("detail", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "seq")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX audit_entries_action_idx ON audit_entries (action)").run()
        try await sql.raw("CREATE INDEX audit_entries_actor_idx ON audit_entries (actor_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_entries").delete()
    }
}

/// Failed login attempts per source address, so the per-IP rate limit holds across app servers.
struct CreateLoginThrottle: AsyncMigration {
    var name: String { "CreateLoginThrottle" }

    func prepare(on database: any Database) async throws {
        try await database.schema("login_attempts")
            .id()
            .field("ip", .string, .required)
            .field("attempted_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, attempted_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_attempts").delete()
    }
}

/// A migration that only adds indexes (`CREATE INDEX IF NOT EXISTS`), for the date ranges the
/// figures count by: each entry is the index's name, its table and its columns in order.
public struct AddIndexes: AsyncMigration {
    public let name: String
    let indexes: [(name: String, table: String, columns: [String])]

    public init(_ name: String, _ indexes: [(name: String, table: String, columns: [String])]) {
        self.name = name
        self.indexes = indexes
    }

    public func prepare(on database: any Database) async throws {
        for index in indexes {
            let columns = index.columns.map { "\"\($0)\"" }.joined(separator: ", ")
            try await database.sql.raw("CREATE INDEX IF NOT EXISTS \(unsafeRaw: index.name) ON \(unsafeRaw: index.table) (\(unsafeRaw: columns))").run()
        }
    }

    public func revert(on database: any Database) async throws {
        for index in indexes.reversed() { try await database.sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index.name)").run() }
    }
}

/// Indexes on unit-path columns that a prefix match (`unit_path LIKE '/county/%'`, how a scope is
/// applied) can use: SQLite takes a LIKE prefix from a `COLLATE NOCASE` index, PostgreSQL from
/// `text_pattern_ops`. One county's figures in a province database read that county's rows, not the
/// province's (issue 16: 1.44 s → 0.19 s for one county of a hundred).
public struct AddScopeIndexes: AsyncMigration {
    public let name: String
    let indexes: [(name: String, table: String, column: String)]
    /// Columns after the path (a date the figures count by), so one county's year is a range of
    /// one index.
    let then: [String]

    public init(_ name: String, _ indexes: [(name: String, table: String, column: String)], then: [String] = []) {
        self.name = name
        self.indexes = indexes
        self.then = then
    }

    public func prepare(on database: any Database) async throws {
        let postgres = DatabaseFlavor(database) == .postgres
        for index in indexes {
            let columns = ["\"\(index.column)\" " + (postgres ? "text_pattern_ops" : "COLLATE NOCASE")] + then.map { "\"\($0)\"" }
            try await database.sql.raw("CREATE INDEX IF NOT EXISTS \(unsafeRaw: index.name) ON \(unsafeRaw: index.table) (\(unsafeRaw: columns.joined(separator: ", ")))").run()
        }
    }

    public func revert(on database: any Database) async throws {
        for index in indexes.reversed() { try await database.sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index.name)").run() }
    }
}

/// An index from whose entries alone a figure family is counted, replacing a shipped index on its
/// key columns (its prefix), on PostgreSQL: the counted columns are `INCLUDE` payload, read by an
/// index-only scan once `VACUUM` (or autovacuum) has marked the pages all-visible, so a whole
/// province's year is read from the index, a fraction of the table's pages.
///
/// SQLite keeps the shipped index. Tried there as trailing key columns (SQLite has no `INCLUDE`),
/// the index halved the province's count but SQLite's planner then took it for one county's year
/// too, over the `(path, date)` index, because it covers the statement: the county's figures went
/// from 0.2 to 0.8 s on the province dataset. A SQLite installation is one county (deployment.md).
public struct AddCoveringIndex: AsyncMigration {
    public let name: String
    let index: (name: String, table: String, keys: [String], included: [String])
    let replaced: [(name: String, table: String, columns: [String])]

    public init(_ name: String, _ index: (name: String, table: String, keys: [String], included: [String]),
                replacing replaced: [(name: String, table: String, columns: [String])]) {
        self.name = name
        self.index = index
        self.replaced = replaced
    }

    /// The PostgreSQL `CREATE INDEX` statement.
    var statement: String {
        func quoted(_ columns: [String]) -> String { columns.map { "\"\($0)\"" }.joined(separator: ", ") }
        return "CREATE INDEX IF NOT EXISTS \(index.name) ON \(index.table) (\(quoted(index.keys))) INCLUDE (\(quoted(index.included)))"
    }

    public func prepare(on database: any Database) async throws {
        guard DatabaseFlavor(database) == .postgres else { return }
        try await database.sql.raw(SQLQueryString(statement)).run()
        try await AddIndexes(name, replaced).revert(on: database)
    }

    public func revert(on database: any Database) async throws {
        guard DatabaseFlavor(database) == .postgres else { return }
        try await AddIndexes(name, replaced).prepare(on: database)
        try await database.sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index.name)").run()
    }
}

/// Shipped path-only scope indexes dropped because wider ones (`AddScopeIndexes(…, then:)`) have
/// them as their prefix and serve the same prefix matches; revert puts them back.
public struct DropScopeIndexes: AsyncMigration {
    public let name: String
    let indexes: [(name: String, table: String, column: String)]

    public init(_ name: String, _ indexes: [(name: String, table: String, column: String)]) {
        self.name = name
        self.indexes = indexes
    }

    public func prepare(on database: any Database) async throws { try await AddScopeIndexes(name, indexes).revert(on: database) }
    public func revert(on database: any Database) async throws { try await AddScopeIndexes(name, indexes).prepare(on: database) }
}

/// Scope indexes widened by a date (`AddScopeIndexes(…, then:)`) that replace shipped path-only
/// ones, their prefix: on PostgreSQL the path-only index was ANDed with the whole province's year
/// from a date index, instead of one county's year being read as one range.
public struct WidenScopeIndexes: AsyncMigration {
    public let name: String
    /// Each new index: its name, table, path column and the date column after the path.
    let widened: [(name: String, table: String, column: String, then: String)]
    /// The path-only indexes they replace.
    let replaced: [(name: String, table: String, column: String)]

    public init(_ name: String, _ widened: [(name: String, table: String, column: String, then: String)],
                replacing replaced: [(name: String, table: String, column: String)]) {
        self.name = name
        self.widened = widened
        self.replaced = replaced
    }

    var additions: [AddScopeIndexes] { widened.map { AddScopeIndexes(name, [($0.name, $0.table, $0.column)], then: [$0.then]) } }

    public func prepare(on database: any Database) async throws {
        for index in additions { try await index.prepare(on: database) }
        try await AddScopeIndexes(name, replaced).revert(on: database)
    }

    public func revert(on database: any Database) async throws {
        try await AddScopeIndexes(name, replaced).prepare(on: database)
        for index in additions.reversed() { try await index.revert(on: database) }
    }
}
