import Fluent
import Foundation
import SQLKit

/// Unit names by id for a list's rows, in one select of two columns (no `OrgUnit` models).
public enum UnitNames {
    public static func of(_ ids: Set<UUID>, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        struct Row: Decodable { var id: UUID; var name: String }
        let rows = try await (db as! any SQLDatabase).select().columns("id", "name").from(OrgUnit.schema)
            .where("id", .in, SQLBind.group(Array(ids))).all(decoding: Row.self)
        return Dictionary(rows.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }
}
