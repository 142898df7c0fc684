import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import NIOConcurrencyHelpers

/// One stored version of the whole working-day calendar. Versions are only ever added: version 1
/// is the data bundled with the release; each import makes the next.
public final class CalendarVersion: Model, @unchecked Sendable {
    public static let schema = "calendar_versions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "version") public var version: Int
    /// "新增2027年；更正2025年".
    @Field(key: "summary") public var summary: String
    @Field(key: "created_by") public var createdBy: String
    @Field(key: "created_at") public var createdAt: Date
    /// The whole calendar as a `CalendarFile` JSON document.
    @Field(key: "data") public var data: String

    public init() {}

    init(version: Int, summary: String, createdBy: String, createdAt: Date, data: String) {
        self.version = version
        self.summary = summary
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.data = data
    }
}

/// A statutory clock of some module's record, with its ledger. The due date is stored for sorting
/// and recomputed from the ledger whenever the ledger or the calendar changes; state and warning
/// depend on today and are computed when read.
public final class StatutoryClock: Model, @unchecked Sendable {
    public static let schema = "statutory_clocks"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "module_id") public var moduleID: String
    /// What the record is, without personal data ("县市场监管局 2026年第12号公开申请").
    @Field(key: "title") public var title: String
    /// The record's page; nil for a clock registered by hand, whose own page is the record.
    @OptionalField(key: "link") public var link: String?
    /// The record the clock belongs to (its table and id): how modules find their clocks.
    @OptionalField(key: "record_type") public var recordType: String?
    @OptionalField(key: "record_id") public var recordID: String?
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    /// `Clock` as JSON: rule, start and ledger.
    @Field(key: "ledger") public var ledger: String
    @OptionalField(key: "due_date") public var dueDate: String?
    @Field(key: "calendar_version") public var calendarVersion: Int
    @Field(key: "closed") public var closed: Bool
    @Field(key: "opened_by") public var openedBy: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    /// The clock `store` was last given: the ledger as it stands, without decoding the JSON again.
    private var stored: Clock?
    /// Set by a ledger import for the clocks it collects: `store` keeps the clock in memory only,
    /// and `encodeDeferredLedger` writes the JSON once, just before the row is inserted. A clock
    /// that a file's steps open and then extend and complete is encoded once, not three times.
    var defersLedger = false

    public var clock: Clock {
        get throws {
            if let stored { return stored }
            return try Self.decodeLedger(ledger)
        }
    }

    /// A stored ledger (`Clock` as JSON). Ledgers read lately are kept decoded, by their text: the
    /// dashboard and the deadline list read the same open clocks on every visit, and decoding the
    /// JSON was most of what showing a clock cost (`perf`, 2026-11-28). A changed ledger is another
    /// text, so it is decoded afresh.
    static func decodeLedger(_ ledger: String) throws -> Clock {
        if let kept = decodedLedgers.withLockedValue({ $0[ledger] }) { return kept }
        let clock = try JSONDecoder().decode(Clock.self, from: Data(ledger.utf8))
        decodedLedgers.withLockedValue { kept in
            if kept.count >= decodedLedgerCapacity { kept.removeAll(keepingCapacity: true) }
            kept[ledger] = clock
        }
        return clock
    }

    /// At most this many decoded ledgers are kept (a few megabytes); when full, all are dropped.
    static let decodedLedgerCapacity = 2_048
    private static let decodedLedgers = NIOLockedValueBox<[String: Clock]>([:])

    func store(_ clock: Clock) throws {
        stored = clock
        if !defersLedger { try encodeLedger(clock) }
    }

    private func encodeLedger(_ clock: Clock) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        ledger = String(decoding: try encoder.encode(clock), as: UTF8.self)
    }

    /// Writes the ledger a deferring row (`defersLedger`) has kept in memory; nothing for others.
    public func encodeDeferredLedger() throws {
        if defersLedger, let stored { try encodeLedger(stored) }
    }

    public var recordLink: String { Self.recordLink(link, id: id!) }

    /// The record's page, or the clock's own for a clock registered by hand (no link).
    static func recordLink(_ link: String?, id: UUID) -> String { link ?? DeadlineRoute.record.path(id) }
}

/// A due date that moved because the calendar changed: shown to the clock's holder.
public final class ClockDueChange: Model, @unchecked Sendable {
    public static let schema = "clock_due_changes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "clock_id") public var clock: StatutoryClock
    @Field(key: "unit_path") public var unitPath: String
    @OptionalField(key: "old_due") public var oldDue: String?
    @OptionalField(key: "new_due") public var newDue: String?
    @Field(key: "calendar_version") public var calendarVersion: Int
    @Field(key: "reason") public var reason: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

enum DeadlineMigrations {
    /// Frozen names: a migration is never renamed or edited once released.
    struct CreateCalendarVersions: AsyncMigration {
        var name: String { "deadlines.001.calendar_versions" }

        func prepare(on database: any Database) async throws {
            try await database.schema("calendar_versions")
                .id()
                .field("version", .int, .required)
                .field("summary", .string, .required)
                .field("created_by", .string, .required)
                .field("created_at", .datetime, .required)
                .field("data", .string, .required)
                .unique(on: "version")
                .create()
            // Version 1: the official data shipped with this release.
            let bundled = try WorkCalendar.bundled()
            let years = bundled.coveredYears.map { "\($0.lowerBound)–\($0.upperBound)年" } ?? ""
            try await database.sql.raw("""
                INSERT INTO calendar_versions (id, version, summary, created_by, created_at, data)
                VALUES (\(bind: UUID()), 1, \(bind: "随程序发布的\(years)官方节假日安排"), \(bind: "系统"), \(bind: Date()),
                        \(bind: String(decoding: bundled.file.encoded(), as: UTF8.self)))
                """).run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("calendar_versions").delete()
        }
    }

    struct CreateClocks: AsyncMigration {
        var name: String { "deadlines.002.statutory_clocks" }

        func prepare(on database: any Database) async throws {
            try await database.schema("statutory_clocks")
                .id()
                .field("kind", .string, .required)
                .field("module_id", .string, .required)
                .field("title", .string, .required)
                .field("link", .string)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("ledger", .string, .required)
                .field("due_date", .string)
                .field("calendar_version", .int, .required)
                .field("closed", .bool, .required)
                .field("opened_by", .string, .required)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            try await database.sql.raw("CREATE INDEX statutory_clocks_open ON statutory_clocks (closed, unit_path, due_date)").run()
            try await database.schema("clock_due_changes")
                .id()
                .field("clock_id", .uuid, .required, .references("statutory_clocks", "id"))
                .field("unit_path", .string, .required)
                .field("old_due", .string)
                .field("new_due", .string)
                .field("calendar_version", .int, .required)
                .field("reason", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await database.sql.raw("CREATE INDEX clock_due_changes_scope ON clock_due_changes (unit_path, created_at)").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("clock_due_changes").delete()
            try await database.schema("statutory_clocks").delete()
        }
    }

    /// Clocks keyed by their record (table and id), indexed; each module's `ClockRecordBackfill`
    /// fills the rows opened before from their links.
    struct AddClockRecords: AsyncMigration {
        var name: String { "deadlines.003.clock-records" }

        func prepare(on database: any Database) async throws {
            let sql = database.sql
            try await sql.raw("ALTER TABLE statutory_clocks ADD COLUMN record_type TEXT").run()
            try await sql.raw("ALTER TABLE statutory_clocks ADD COLUMN record_id TEXT").run()
            try await sql.raw("CREATE INDEX statutory_clocks_record ON statutory_clocks (record_type, record_id, kind, closed)").run()
        }

        func revert(on database: any Database) async throws {
            let sql = database.sql
            try await sql.raw("DROP INDEX statutory_clocks_record").run()
            try await sql.raw("ALTER TABLE statutory_clocks DROP COLUMN record_type").run()
            try await sql.raw("ALTER TABLE statutory_clocks DROP COLUMN record_id").run()
        }
    }

    static let all: [any Migration] = [CreateCalendarVersions(), CreateClocks(), AddClockRecords()]
}

extension StatutoryClock: UnitScoped {
    public static var unitPathField: KeyPath<StatutoryClock, FieldProperty<StatutoryClock, String>> { \.$unitPath }
}

extension ClockDueChange: UnitScoped {
    public static var unitPathField: KeyPath<ClockDueChange, FieldProperty<ClockDueChange, String>> { \.$unitPath }
}
