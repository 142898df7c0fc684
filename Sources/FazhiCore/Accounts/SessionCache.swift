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

    private struct State {
        var entries: [String: Entry] = [:]
        /// Lookups under way, by token hash: every request for the same cookie that misses while one
        /// runs waits for it instead of starting its own.
        var lookups: [String: Task<Entry?, any Error>] = [:]
        /// Moved by `removeAll`: a lookup that began before a change neither stores its answer nor
        /// is joined by a request made after it.
        var generation = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// The entry for a token hash, if it may still be used at `now`.
    public func entry(_ tokenHash: String, now: Date, ttl: Int, idleMinutes: Int, absoluteHours: Int) -> Entry? {
        guard ttl > 0, let entry = state.withLockedValue({ $0.entries[tokenHash] }) else { return nil }
        let fresh = now >= entry.storedAt && now.timeIntervalSince(entry.storedAt) < Double(ttl)
        let untouched = now.timeIntervalSince(entry.lastSeenAt) <= 60
        let alive = now.timeIntervalSince(entry.lastSeenAt) <= Double(idleMinutes) * 60 && now.timeIntervalSince(entry.createdAt) <= Double(absoluteHours) * 3600
        return fresh && untouched && alive ? entry : nil
    }

    /// `load`'s answer for a token hash the cache could not answer, read once however many requests
    /// ask for it meanwhile (issue 16): when an entry expired under load, every connection of the
    /// cookie missed at once and each read the session, its account and permissions — and touched
    /// the session, or on expiry audited it — so the slowest hundredth of a list page's requests
    /// waited 40–60 ms behind them. The answer is stored (if any) unless the accounts, sessions or
    /// units changed while it was read. With the cache off (`ttl` 0) every request reads its own.
    public func lookup(_ tokenHash: String, ttl: Int, load: @escaping @Sendable () async throws -> Entry?) async throws -> Entry? {
        guard ttl > 0 else { return try await load() }
        let (task, generation, owner) = state.withLockedValue { state -> (Task<Entry?, any Error>, Int, Bool) in
            if let running = state.lookups[tokenHash] { return (running, state.generation, false) }
            let task = Task { try await load() }
            state.lookups[tokenHash] = task
            return (task, state.generation, true)
        }
        let result: Result<Entry?, any Error>
        do { result = .success(try await task.value) } catch { result = .failure(error) }
        if owner {
            state.withLockedValue { state in
                guard state.generation == generation else { return }
                state.lookups[tokenHash] = nil
                if case let .success(entry?) = result { Self.put(tokenHash, entry, into: &state) }
            }
        }
        return try result.get()
    }

    private static func put(_ tokenHash: String, _ entry: Entry, into state: inout State) {
        // Bounded: a flood of distinct cookies cannot grow the table without limit.
        if state.entries.count >= 10_000 { state.entries.removeAll(keepingCapacity: true) }
        state.entries[tokenHash] = entry
    }

    /// Forgets everything: called after any change to accounts, sessions or units. Lookups under
    /// way finish for the requests already waiting on them, but their answers are not kept.
    public func removeAll() {
        state.withLockedValue { state in
            state.entries.removeAll(keepingCapacity: true)
            state.lookups.removeAll()
            state.generation &+= 1
        }
    }

    public var count: Int { state.withLockedValue { $0.entries.count } }
}
