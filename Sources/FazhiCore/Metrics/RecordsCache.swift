import FazhiCalendar
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// The records as they stand, in a form cheap to compare: the audit trail's last sequence number
/// and the calendar day. Every change to a record appends its audit row in the change's own
/// transaction (`AuditLog.append`; docs/security.md, "Audit trail"), and appenders are serialised
/// (SQLite's one writer, PostgreSQL's writer lock), so while the trail's end has not moved no record
/// has changed — in this process or in another server on the same database. The day is part of it
/// because a figure of "this year" or "overdue" moves with the date alone.
public struct RecordsVersion: Hashable, Sendable, CustomStringConvertible {
    public var auditSeq: Int64
    public var day: CivilDate

    public init(auditSeq: Int64, day: CivilDate) {
        self.auditSeq = auditSeq
        self.day = day
    }

    public var description: String { "\(day)#\(auditSeq)" }

    /// A version a page read once for all its parts (the dashboard, for its cards): `RecordsCache`
    /// uses it instead of reading its own. Read, like any version, before the parts are computed.
    @TaskLocal public static var shared: RecordsVersion?

    /// Read it before computing what it keys: a change committed while the answer is computed then
    /// moves the version past the one stored with the answer, and the next reader computes afresh.
    /// One index seek on `audit_entries.seq` (unique), read as list rows are
    /// (`FazhiServices.listDatabase`): on SQLite through the reader's prepared statement, on
    /// PostgreSQL as a prepared statement, not through the driver's pool: a kept list page reads
    /// nothing else, and the driver's round trip was a fifth of such a page's CPU (`perf`, issue 16).
    public static func current(on database: any Database, services: FazhiServices) async throws -> RecordsVersion {
        let seq = try await services.listDatabase(database).select().column("seq").from("audit_entries")
            .orderBy("seq", .descending).limit(1).listRows().first?.decode(column: "seq", as: Int64.self)
        return RecordsVersion(auditSeq: seq ?? 0, day: CivilDateTime(services.now).date)
    }
}

/// Answers computed from the records — a unit's indicator score on the dashboard, say — kept until
/// the records change (`RecordsVersion`). A page that shows such an answer on every visit computes it
/// once per change instead of once per visit; what it shows is what a fresh computation would show.
///
/// Readers that arrive while an answer is being computed wait for that computation instead of
/// starting their own. A failed computation is not kept. At most `capacity` answers are held: when
/// full, the answers of older versions go first, then all.
public final class RecordsCache: Sendable {
    public let capacity: Int
    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    struct Entry: Sendable {
        var version: RecordsVersion
        var task: Task<any Sendable, any Error>
    }

    public init(capacity: Int = 1_024) {
        self.capacity = max(1, capacity)
    }

    /// The answer for `key` as the records on `database` stand at `services.now`: the one kept, or
    /// `compute`'s (kept for later readers). `compute` is given the version it is computed for: a
    /// figure of "today" takes its day from it. `key` names everything the answer depends on
    /// besides the records and the day (the unit, the year). Inside a write transaction nothing is
    /// kept or read: the transaction's own uncommitted audit rows would name a version another
    /// change may take if it rolls back.
    public func value<T: Sendable>(_ key: String, on database: any Database, services: FazhiServices,
                                   compute: @escaping @Sendable (RecordsVersion) async throws -> T) async throws -> T {
        let version: RecordsVersion
        if let shared = RecordsVersion.shared { version = shared } else { version = try await RecordsVersion.current(on: database, services: services) }
        if database.inTransaction { return try await compute(version) }
        return try await value(key, at: version) { try await compute(version) }
    }

    /// The answer for `key` at `version` (read before the answer is computed).
    func value<T: Sendable>(_ key: String, at version: RecordsVersion, compute: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = entries.withLockedValue { entries -> Task<any Sendable, any Error> in
            if let kept = entries[key], kept.version == version { return kept.task }
            if entries[key] == nil, entries.count >= capacity {
                entries = entries.filter { $0.value.version == version }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            let task = Task<any Sendable, any Error> { try await compute() }
            entries[key] = Entry(version: version, task: task)
            return task
        }
        let value: any Sendable
        do {
            value = try await task.value
        } catch {
            // Not kept: the next reader computes it again (unless another has already replaced it).
            entries.withLockedValue { entries in
                if let kept = entries[key], kept.version == version, kept.task == task { entries[key] = nil }
            }
            throw error
        }
        if let typed = value as? T { return typed }
        // A key is read with one type only; were it reused with another, compute it afresh.
        return try await compute()
    }

    /// How many answers are held.
    public var count: Int { entries.withLockedValue { $0.count } }
}
