@testable import FazhiCore
import Foundation
import NIOConcurrencyHelpers
import Testing

/// `SessionCache.lookup`: the requests of one cookie that miss together read the session once; a
/// change to accounts (`removeAll`) while a read is under way keeps its answer out of the cache and
/// out of later requests' hands; a failed read is not kept. No database: the read is given.
@Suite struct SessionCacheTests {
    struct Failure: Error {}

    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func entry(_ name: String) -> SessionCache.Entry {
        let principal = Principal(userID: UUID(), loginName: name, displayName: name, role: nil, unitID: nil, unitName: "", unitPath: "/1/",
                                  permissions: [], channel: .apiToken(id: UUID()), ip: "")
        return .init(principal: principal, userID: principal.userID ?? UUID(), lastSeenAt: now, createdAt: now, storedAt: now)
    }

    /// A read that waits until `release` is opened, counting how often it ran.
    final class Gate: Sendable {
        let reads = NIOLockedValueBox(0)
        let open = NIOLockedValueBox(false)
        func read(_ name: String) async throws -> SessionCache.Entry? {
            reads.withLockedValue { $0 += 1 }
            while !open.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(2)) }
            return SessionCacheTests.entry(name)
        }
        func waitForReads(_ count: Int) async throws {
            while reads.withLockedValue({ $0 }) < count { try await Task.sleep(for: .milliseconds(2)) }
        }
    }

    func usable(_ cache: SessionCache, _ hash: String) -> SessionCache.Entry? {
        cache.entry(hash, now: Self.now, ttl: 5, idleMinutes: 30, absoluteHours: 12)
    }

    @Test("the requests of one cookie that miss together read the session once, and its answer is kept")
    func missesShareOneRead() async throws {
        let cache = SessionCache(), gate = Gate(), arrived = NIOLockedValueBox(0)
        let names = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    arrived.withLockedValue { $0 += 1 }
                    return try await cache.lookup("cookie", ttl: 5) { try await gate.read("clerk") }?.principal.loginName
                }
            }
            while arrived.withLockedValue({ $0 }) < 32 { try await Task.sleep(for: .milliseconds(2)) }
            try await gate.waitForReads(1)
            try await Task.sleep(for: .milliseconds(50))
            gate.open.withLockedValue { $0 = true }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(names == Array(repeating: "clerk", count: 32))
        #expect(gate.reads.withLockedValue { $0 } == 1)
        #expect(usable(cache, "cookie")?.principal.loginName == "clerk")
        // Another cookie is another read.
        gate.open.withLockedValue { $0 = true }
        _ = try await cache.lookup("other", ttl: 5) { try await gate.read("judge") }
        #expect(gate.reads.withLockedValue { $0 } == 2)
        #expect(cache.count == 2)
    }

    @Test("a change while a read is under way: its answer is not kept, and a request after the change reads afresh")
    func changeDuringRead() async throws {
        let cache = SessionCache(), before = Gate(), after = Gate()
        let early = Task { try await cache.lookup("cookie", ttl: 5) { try await before.read("before") } }
        try await before.waitForReads(1)
        cache.removeAll()  // the account was changed (disabled, say) while the read ran
        after.open.withLockedValue { $0 = true }
        let late = try await cache.lookup("cookie", ttl: 5) { try await after.read("after") }
        #expect(late?.principal.loginName == "after", "a request made after the change must not join the read begun before it")
        before.open.withLockedValue { $0 = true }
        #expect(try await early.value?.principal.loginName == "before")
        #expect(usable(cache, "cookie")?.principal.loginName == "after", "the read begun before the change must not replace the one after it")
        #expect(before.reads.withLockedValue { $0 } == 1 && after.reads.withLockedValue { $0 } == 1)
    }

    @Test("a failed read is not kept: the next request reads again; with the cache off every request reads")
    func failureAndOff() async throws {
        let cache = SessionCache()
        await #expect(throws: Failure.self) { try await cache.lookup("cookie", ttl: 5) { throw Failure() } }
        #expect(cache.count == 0)
        #expect(try await cache.lookup("cookie", ttl: 5) { Self.entry("again") }?.principal.loginName == "again")
        #expect(cache.count == 1)
        let off = SessionCache(), reads = NIOLockedValueBox(0)
        for _ in 0..<3 { _ = try await off.lookup("cookie", ttl: 0) { reads.withLockedValue { $0 += 1 }; return Self.entry("x") } }
        #expect(reads.withLockedValue { $0 } == 3 && off.count == 0)
        // No session (a logged-out cookie): nothing is kept.
        #expect(try await cache.lookup("gone", ttl: 5) { nil } == nil)
        #expect(cache.count == 1)
    }
}
