import FazhiCalendar
@testable import FazhiCore
import Foundation
import NIOConcurrencyHelpers
import Testing

/// `RecordsCache`: an answer is computed once per version of the records, again when the audit
/// trail's end or the day moves, once for readers that arrive together, never kept when it failed,
/// and at most `capacity` are held. No database: the version is given.
@Suite struct RecordsCacheTests {
    struct Failure: Error {}

    static let day = CivilDate(year: 2026, month: 11, day: 28)!

    @Test("an answer is computed once per version: the same version reads it back, a later audit row or another day computes it again")
    func versions() async throws {
        let cache = RecordsCache()
        let computed = NIOLockedValueBox(0)
        func read(_ version: RecordsVersion, key: String = "score|unit") async throws -> Int {
            try await cache.value(key, at: version) { computed.withLockedValue { $0 += 1; return $0 } }
        }
        let first = RecordsVersion(auditSeq: 41, day: Self.day)
        #expect(try await read(first) == 1)
        #expect(try await read(first) == 1)
        #expect(try await read(RecordsVersion(auditSeq: 42, day: Self.day)) == 2)
        #expect(try await read(RecordsVersion(auditSeq: 42, day: Self.day.adding(days: 1))) == 3)
        // Another key is another answer; the first key's is still the latest version's.
        #expect(try await read(first, key: "score|other") == 4)
        #expect(try await read(RecordsVersion(auditSeq: 42, day: Self.day.adding(days: 1))) == 3)
        #expect(computed.withLockedValue { $0 } == 4 && cache.count == 2)
    }

    @Test("readers that arrive while an answer is computed wait for it instead of computing their own")
    func readersShareOneComputation() async throws {
        let cache = RecordsCache()
        let computed = NIOLockedValueBox(0)
        let version = RecordsVersion(auditSeq: 7, day: Self.day)
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try await cache.value("dashboard", at: version) {
                        computed.withLockedValue { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(50))
                        return 99
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(answers == Array(repeating: 99, count: 16))
        #expect(computed.withLockedValue { $0 } == 1)
    }

    @Test("a failed computation is not kept: the next reader computes again and its answer is kept")
    func failureIsNotKept() async throws {
        let cache = RecordsCache()
        let version = RecordsVersion(auditSeq: 3, day: Self.day)
        await #expect(throws: Failure.self) {
            try await cache.value("score", at: version) { () async throws -> Int in throw Failure() }
        }
        #expect(cache.count == 0)
        #expect(try await cache.value("score", at: version) { 5 } == 5)
        #expect(try await cache.value("score", at: version) { 6 } == 5)
    }

    @Test("at most `capacity` answers are held: a new key drops the older versions' answers first, then all")
    func bounded() async throws {
        let cache = RecordsCache(capacity: 3)
        let old = RecordsVersion(auditSeq: 1, day: Self.day), new = RecordsVersion(auditSeq: 2, day: Self.day)
        for key in ["a", "b"] { _ = try await cache.value(key, at: old) { key } }
        _ = try await cache.value("c", at: new) { "c" }
        #expect(cache.count == 3)
        // Full: "d" at the new version drops "a" and "b", which are of the old one, and keeps "c".
        _ = try await cache.value("d", at: new) { "d" }
        #expect(cache.count == 2)
        #expect(try await cache.value("c", at: new) { "recomputed" } == "c")
        _ = try await cache.value("e", at: new) { "e" }
        // Full of the current version: a new key empties it and is the one answer held.
        _ = try await cache.value("f", at: new) { "f" }
        #expect(cache.count == 1)
        #expect(try await cache.value("d", at: new) { "recomputed" } == "recomputed")
    }
}
