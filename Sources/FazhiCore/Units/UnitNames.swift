import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Unit names by id for a list's rows, and the county governments' paths. The names of a whole installation are few (hundreds to a
/// few thousand) and change rarely, so each server keeps them (`FazhiServices.unitNames`), reads
/// them again after any change through `UnitService` on this server, and at most every
/// `AppConfig.sessionCacheSeconds` otherwise (a rename on another server) — a list page then needs
/// no query for them (issue 16). An id the table lacks reads them again at most once a second
/// (`missRereadSeconds`).
public final class UnitNames: Sendable {
    private struct Table { var names: [UUID: String]; var countyPaths: [String]; var loadedAt: Date }
    private struct State {
        var table: Table?
        /// The read under way: requests that find the table stale while it runs wait for it instead
        /// of each reading every unit (issue 16: they all found it stale at once under load).
        var reading: Task<Table, any Error>?
        /// Moved by `removeAll`: a read begun before a change is neither kept nor joined after it.
        var generation = 0
    }
    private let state = NIOLockedValueBox(State())
    private let loadCount = NIOLockedValueBox(0)

    /// A page that names a unit the kept table lacks reads the units again (one made on another
    /// server), but not if the table was read less than this long ago: an id that is in no table
    /// costs one read a second, not one per request.
    static let missRereadSeconds: Double = 1

    /// Wall-clock time, not the platform's (`FazhiServices.now`, which tests stop): the table's
    /// age is about caching, not about the law's dates.
    private let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// How many times the units were read: for tests.
    public var loads: Int { loadCount.withLockedValue { $0 } }

    /// Forgets the names: called after any change to units.
    public func removeAll() {
        state.withLockedValue { state in
            state.table = nil
            state.reading = nil
            state.generation &+= 1
        }
    }

    /// The names of `ids`.
    public func of(_ ids: Set<UUID>, services: FazhiServices, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let names = try await current(services: services, on: db) { table in ids.allSatisfy { table.names[$0] != nil } }.names
        // Looked up id by id: a province's table holds thousands of units, a page names a few.
        var found: [UUID: String] = [:]
        found.reserveCapacity(ids.count)
        for id in ids { if let name = names[id] { found[id] = name } }
        return found
    }

    /// The paths of the 县（区）人民政府 units, read with the names: a principal's county
    /// (`AccountService.countyPath`) is looked up on every API request, without a query of its own.
    public func countyGovernmentPaths(services: FazhiServices, on db: any Database) async throws -> [String] {
        try await current(services: services, on: db) { _ in true }.countyPaths
    }

    /// The kept table if it is fresh and `suffices`, else the units read again (and kept).
    private func current(services: FazhiServices, on db: any Database, suffices: (Table) -> Bool) async throws -> Table {
        let now = self.now(), ttl = Double(services.config.sessionCacheSeconds)
        let kept: (table: Table?, read: Task<Table, any Error>?, generation: Int, owner: Bool) = state.withLockedValue { state in
            if let cached = state.table, case let age = now.timeIntervalSince(cached.loadedAt), age >= 0, age < ttl,
               suffices(cached) || age < Self.missRereadSeconds {
                return (cached, nil, state.generation, false)
            }
            if ttl > 0, let reading = state.reading { return (nil, reading, state.generation, false) }
            let read = Task { try await Self.read(on: db, at: now) }
            if ttl > 0 { state.reading = read }
            return (nil, read, state.generation, true)
        }
        if let table = kept.table { return table }
        let read = kept.read!
        let loaded: Table
        do {
            loaded = try await read.value
        } catch {
            if kept.owner { state.withLockedValue { if $0.generation == kept.generation { $0.reading = nil } } }
            throw error
        }
        if kept.owner {
            loadCount.withLockedValue { $0 += 1 }
            state.withLockedValue { state in
                guard state.generation == kept.generation else { return }
                state.reading = nil
                if ttl > 0 { state.table = loaded }
            }
        }
        return loaded
    }

    private static func read(on db: any Database, at now: Date) async throws -> Table {
        struct Row: Decodable { var id: UUID; var name: String; var kind: String; var path: String }
        let rows = try await (db as! any SQLDatabase).select().columns("id", "name", "kind", "path").from(OrgUnit.schema).all(decoding: Row.self)
        return Table(names: Dictionary(rows.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }),
                     countyPaths: rows.filter { $0.kind == UnitKind.countyGovernment.rawValue }.map(\.path), loadedAt: now)
    }
}
