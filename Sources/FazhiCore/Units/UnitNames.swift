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
    private let table = NIOLockedValueBox<Table?>(nil)
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
    public func removeAll() { table.withLockedValue { $0 = nil } }

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
        if let cached = table.withLockedValue({ $0 }), case let age = now.timeIntervalSince(cached.loadedAt), age >= 0, age < ttl,
           suffices(cached) || age < Self.missRereadSeconds {
            return cached
        }
        loadCount.withLockedValue { $0 += 1 }
        struct Row: Decodable { var id: UUID; var name: String; var kind: String; var path: String }
        let rows = try await (db as! any SQLDatabase).select().columns("id", "name", "kind", "path").from(OrgUnit.schema).all(decoding: Row.self)
        let loaded = Table(names: Dictionary(rows.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }),
                           countyPaths: rows.filter { $0.kind == UnitKind.countyGovernment.rawValue }.map(\.path), loadedAt: now)
        if ttl > 0 { table.withLockedValue { $0 = loaded } }
        return loaded
    }
}
