import Fluent
import Foundation

/// 单位 / 机关: a node of the unit tree.
///
/// The Swift name is `OrgUnit` because `Foundation.Unit` already exists; the table and routes say
/// `units` as the glossary does. `path` is the chain of ids from the root (`/a/b/c/`), so a subtree
/// is one indexed prefix match: the query behind every unit-scope check.
public final class OrgUnit: Model, @unchecked Sendable {
    public static let schema = "units"

    @ID(key: .id) public var id: UUID?
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    @OptionalField(key: "uscc") public var uscc: String?
    @OptionalField(key: "parent_id") public var parentID: UUID?
    @Field(key: "path") public var path: String
    @Field(key: "depth") public var depth: Int
    @Field(key: "sort_order") public var sortOrder: Int
    @Field(key: "active") public var active: Bool
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    @OptionalField(key: "deactivated_at") public var deactivatedAt: Date?

    public init() {}

    public var unitKind: UnitKind { UnitKind(rawValue: kind) ?? .department }
}

extension OrgUnit: UnitScoped {
    public static var unitPathField: KeyPath<OrgUnit, FieldProperty<OrgUnit, String>> { \.$path }
}
