import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Unit names by id for a list's rows. The names of a whole installation are few (hundreds to a
/// few thousand) and change rarely, so each server keeps them (`FazhiServices.unitNames`), reads
/// them again after any change through `UnitService` on this server, and at most every
/// `AppConfig.sessionCacheSeconds` otherwise (a rename on another server) — a list page then needs
/// no query for them (issue 16).
public final class UnitNames: Sendable {
    private struct Table { var names: [UUID: String]; var loadedAt: Date }
    private let table = NIOLockedValueBox<Table?>(nil)

    public init() {}

    /// Forgets the names: called after any change to units.
    public func removeAll() { table.withLockedValue { $0 = nil } }

    /// The names of `ids`.
    public func of(_ ids: Set<UUID>, services: FazhiServices, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let now = Date(), ttl = Double(services.config.sessionCacheSeconds)
        if let cached = table.withLockedValue({ $0 }), now.timeIntervalSince(cached.loadedAt) < ttl, ids.allSatisfy({ cached.names[$0] != nil }) {
            return cached.names.filter { ids.contains($0.key) }
        }
        struct Row: Decodable { var id: UUID; var name: String }
        let rows = try await (db as! any SQLDatabase).select().columns("id", "name").from(OrgUnit.schema).all(decoding: Row.self)
        let names = Dictionary(rows.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        if ttl > 0 { table.withLockedValue { $0 = Table(names: names, loadedAt: now) } }
        return names.filter { ids.contains($0.key) }
    }
}
