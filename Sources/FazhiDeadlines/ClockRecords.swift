import FazhiCore
import Fluent
import Foundation
import SQLKit

/// The record a clock belongs to: its table and id, and the page that shows it. Clocks are found by
/// table and id (indexed), never by URL, so a route can be renamed without orphaning a clock.
public struct ClockRecord: Sendable, Hashable {
    /// The record's table (`penalty_cases`, `reconsideration_opinions` …).
    public var type: String
    public var id: UUID
    /// The record's page when the clock was opened, for links from the deadline lists.
    public var link: String

    public init(type: String, id: UUID, link: String) {
        self.type = type
        self.id = id
        self.link = link
    }
}

/// A module's record that has statutory clocks.
public protocol ClockOwner: Model where IDValue == UUID {
    /// The record's page.
    var link: String { get }
}

extension ClockOwner {
    public var clockRecord: ClockRecord { ClockRecord(type: Self.schema, id: id!, link: link) }
}

/// Fills `record_type` and `record_id` of the clocks opened before clocks were keyed by record, from
/// their links. Each module runs one, naming its own pages: the links are the module's, not the
/// calendar's. A link that does not parse to an id is left as it was (and logged).
public struct ClockRecordBackfill: AsyncMigration {
    public struct Pattern: Sendable {
        public var prefix: String
        /// The part of the link after which the id stands (`#opinion-`), or nil: after `prefix`.
        public var fragment: String?
        public var type: String

        public init(prefix: String, fragment: String? = nil, type: String) {
            self.prefix = prefix
            self.fragment = fragment
            self.type = type
        }
    }

    public let name: String
    public let patterns: [Pattern]

    public init(name: String, patterns: [Pattern]) {
        self.name = name
        self.patterns = patterns
    }

    public func prepare(on database: any Database) async throws {
        let sql = database.sql
        for pattern in patterns {
            let rows = try await sql.raw("SELECT id, link FROM statutory_clocks WHERE record_type IS NULL AND link LIKE \(bind: pattern.prefix + "%")").all()
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                let link = try row.decode(column: "link", as: String.self)
                let rest: Substring
                if let fragment = pattern.fragment {
                    guard let range = link.range(of: fragment) else { continue }
                    rest = link[range.upperBound...]
                } else {
                    guard !link.contains("#") else { continue }
                    rest = link.dropFirst(pattern.prefix.count)
                }
                guard let recordID = UUID(uuidString: String(rest)) else {
                    database.logger.warning("clock \(id): link \(link) names no record id")
                    continue
                }
                try await sql.raw("UPDATE statutory_clocks SET record_type = \(bind: pattern.type), record_id = \(bind: recordID.uuidString) WHERE id = \(bind: id)").run()
            }
        }
    }

    public func revert(on database: any Database) async throws {}
}
