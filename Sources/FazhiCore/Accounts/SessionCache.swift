import Foundation
import NIOConcurrencyHelpers

/// A page request's session, account, unit and permissions, remembered for a few seconds so that a
/// read does not cost three queries before its own (issue 16: an authenticated list page spent half
/// its time resolving the cookie). Correctness rules:
/// - An entry is used only while the session is neither idle- nor absolute-expired by the times it
///   was read with, and only until `last_seen_at` is due its once-a-minute touch: then the request
///   reads the database again, which expires or touches the session and stores a fresh entry.
/// - Every change to accounts, sessions or units made through this process (`AccountService`,
///   `UnitService`) forgets all entries when it returns; another process sees it within the TTL.
public final class SessionCache: Sendable {
    public struct Entry: Sendable {
        public var principal: Principal
        public var userID: UUID
        public var lastSeenAt: Date
        public var createdAt: Date
        public var storedAt: Date
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    public init() {}

    /// The entry for a token hash, if it may still be used at `now`.
    public func entry(_ tokenHash: String, now: Date, ttl: Int, idleMinutes: Int, absoluteHours: Int) -> Entry? {
        guard ttl > 0, let entry = entries.withLockedValue({ $0[tokenHash] }) else { return nil }
        let fresh = now >= entry.storedAt && now.timeIntervalSince(entry.storedAt) < Double(ttl)
        let untouched = now.timeIntervalSince(entry.lastSeenAt) <= 60
        let alive = now.timeIntervalSince(entry.lastSeenAt) <= Double(idleMinutes) * 60 && now.timeIntervalSince(entry.createdAt) <= Double(absoluteHours) * 3600
        return fresh && untouched && alive ? entry : nil
    }

    public func store(_ tokenHash: String, _ entry: Entry, ttl: Int) {
        guard ttl > 0 else { return }
        entries.withLockedValue { table in
            // Bounded: a flood of distinct cookies cannot grow the table without limit.
            if table.count >= 10_000 { table.removeAll(keepingCapacity: true) }
            table[tokenHash] = entry
        }
    }

    /// Forgets everything: called after any change to accounts, sessions or units.
    public func removeAll() {
        entries.withLockedValue { $0.removeAll(keepingCapacity: true) }
    }

    public var count: Int { entries.withLockedValue { $0.count } }
}
