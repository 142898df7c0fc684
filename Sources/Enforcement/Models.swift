import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import SQLKit
import Foundation

/// The ten kinds of enforcement matter of a power list (权责清单).
public enum MatterKind: String, Codable, Sendable, CaseIterable {
    case licence, penalty, coercion, inspection, levy, benefit, confirmation, reward, adjudication, other

    public var label: String {
        switch self {
        case .licence: return "行政许可"
        case .penalty: return "行政处罚"
        case .coercion: return "行政强制"
        case .inspection: return "行政检查"
        case .levy: return "行政征收"
        case .benefit: return "行政给付"
        case .confirmation: return "行政确认"
        case .reward: return "行政奖励"
        case .adjudication: return "行政裁决"
        case .other: return "其他行政权力"
        }
    }
}

public enum CertificateKind: String, Codable, Sendable, CaseIterable {
    case enforcement, supervision

    public var label: String { self == .enforcement ? "行政执法证" : "行政执法监督证" }
}

/// A certificate's recorded status; "expired" is derived from the expiry date, never stored.
public enum CertificateStatus: String, Codable, Sendable, CaseIterable {
    case valid, suspended, revoked

    public var label: String {
        switch self {
        case .valid: return "有效"
        case .suspended: return "暂扣"
        case .revoked: return "注销"
        }
    }
}

/// A unit recognised as an enforcement body (执法主体), with the basis of its powers.
public final class EnforcementBody: Model, @unchecked Sendable {
    public static let schema = "enforcement_bodies"

    @ID(key: .id) public var id: UUID?
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "basis") public var basis: String
    @Field(key: "since") public var since: String
    @OptionalField(key: "until") public var until: String?
    /// 🏷 The enforcement domain whose rule sets the penalty-decision period (`PenaltyDomains`).
    @Field(key: "domain") public var domain: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var penaltyDomain: PenaltyDomain { PenaltyDomains.domain(domain) }
}

/// One enforcement matter of a body's power list, possibly delegated to a township.
public final class EnforcementMatter: Model, @unchecked Sendable {
    public static let schema = "enforcement_matters"

    @ID(key: .id) public var id: UUID?
    @Field(key: "body_unit_id") public var bodyUnitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    @Field(key: "basis") public var basis: String
    @OptionalField(key: "delegated_unit_id") public var delegatedUnitID: UUID?
    @Field(key: "active") public var active: Bool
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

/// An enforcement officer. Name and identity number are personal data: sealed, masked, hashed.
public final class EnforcementOfficer: Model, @unchecked Sendable {
    public static let schema = "enforcement_officers"

    @ID(key: .id) public var id: UUID?
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "name_sealed") public var nameSealed: String
    @Field(key: "name_masked") public var nameMasked: String
    @Field(key: "id_sealed") public var idSealed: String
    @Field(key: "id_masked") public var idMasked: String
    @Field(key: "id_hash") public var idHash: String
    @OptionalField(key: "post") public var post: String?
    @Field(key: "active") public var active: Bool
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var link: String { EnforcementRoute.officersRecord.path(id!) }
}

public final class OfficerCertificate: Model, @unchecked Sendable {
    public static let schema = "officer_certificates"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "officer_id") public var officer: EnforcementOfficer
    @Field(key: "kind") public var kind: String
    @Field(key: "number") public var number: String
    @Field(key: "issued_on") public var issuedOn: String
    @Field(key: "expires_on") public var expiresOn: String
    @Field(key: "status") public var status: String
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    /// The facts that decide its standing (`CertificateStanding`).
    public var facts: CertificateStanding.Certificate { .init(number: number, status: status, issuedOn: issuedOn, expiresOn: expiresOn) }

    /// Valid on a day: recorded as valid, issued on or before it, expiring on or after it.
    public func valid(on day: String) -> Bool { facts.valid(on: day) }

    public func statusLabel(on day: String) -> String { facts.statusLabel(on: day) }
}

public final class OfficerExam: Model, @unchecked Sendable {
    public static let schema = "officer_exams"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "officer_id") public var officer: EnforcementOfficer
    @Field(key: "taken_on") public var takenOn: String
    @Field(key: "score") public var score: Int
    @Field(key: "passed") public var passed: Bool
    @Field(key: "unit_path") public var unitPath: String

    public init() {}
}

enum EnforcementMigrations {
    struct CreateRegisters: AsyncMigration {
        var name: String { "enforcement.001.bodies-matters-officers" }

        func prepare(on database: any Database) async throws {
            try await database.schema("enforcement_bodies")
                .id()
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("basis", .string, .required)
                .field("since", .string, .required)
                .field("until", .string)
                .field("created_at", .datetime, .required)
                .unique(on: "unit_id")
                .create()
            try await database.schema("enforcement_matters")
                .id()
                .field("body_unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("code", .string, .required)
                .field("name", .string, .required)
                .field("kind", .string, .required)
                .field("basis", .string, .required)
                .field("delegated_unit_id", .uuid, .references("units", "id"))
                .field("active", .bool, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "code")
                .create()
            try await database.schema("enforcement_officers")
                .id()
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("name_sealed", .string, .required)
                .field("name_masked", .string, .required)
                .field("id_sealed", .string, .required)
                .field("id_masked", .string, .required)
                .field("id_hash", .string, .required)
                .field("post", .string)
                .field("active", .bool, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "id_hash")
                .create()
            try await database.schema("officer_certificates")
                .id()
                .field("officer_id", .uuid, .required, .references("enforcement_officers", "id"))
                .field("kind", .string, .required)
                .field("number", .string, .required)
                .field("issued_on", .string, .required)
                .field("expires_on", .string, .required)
                .field("status", .string, .required)
                .field("unit_path", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "number")
                .create()
            try await database.schema("officer_exams")
                .id()
                .field("officer_id", .uuid, .required, .references("enforcement_officers", "id"))
                .field("taken_on", .string, .required)
                .field("score", .int, .required)
                .field("passed", .bool, .required)
                .field("unit_path", .string, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            for table in ["officer_exams", "officer_certificates", "enforcement_officers", "enforcement_matters", "enforcement_bodies"] {
                try await database.schema(table).delete()
            }
        }
    }

    static let all: [any Migration] = [
        CreateRegisters(), CreatePenaltyCases(),
        // 简易程序 (第五十一条): a separate, later migration, so the first one stays as it was created.
        AddColumns("enforcement.003.penalty-procedure", table: "penalty_cases", ["summary BOOLEAN NOT NULL DEFAULT FALSE"]),
        CreatePublications(), CreateDiscretion(), CreateActions(), CreateOfficerYears(), AddHearingRequest(),
        // 行政许可法第三十二条第一款第四项: the one 补正 notice of a licence application.
        AddColumns("enforcement.009.licence-correction", table: "enforcement_actions", ["correction_requested_on TEXT"]),
        ClockRecordBackfill(name: "enforcement.010.clock-records", patterns: [
            .init(prefix: "/enforcement/cases/", type: PenaltyCase.schema), .init(prefix: "/enforcement/actions/", type: EnforcementAction.schema),
        ]),
        // A publication whose redacted text still looks like personal data waits for a person.
        AddColumns("enforcement.011.publication-hold", table: "enforcement_publications", ["held_reason TEXT"]),
        // 行政处罚法第六十条: the period is the domain's (🏷); bodies registered before are general.
        AddColumns("enforcement.012.body-domain", table: "enforcement_bodies", ["domain TEXT NOT NULL DEFAULT 'general'"]),
        AddDecisionDue(),
        CreateFindings(),
        // The figures count decided and filed cases by date (issue 16: figures in seconds).
        AddIndexes("enforcement.015.figure-indexes", [
            ("penalty_cases_decided_on", "penalty_cases", ["decided_on"]), ("penalty_cases_filed_on", "penalty_cases", ["filed_on"]),
            ("enforcement_actions_decided_on", "enforcement_actions", ["kind", "decided_on"]),
        ]),
        AddScopeIndexes("enforcement.016.scope-indexes", [
            ("penalty_cases_scope", "penalty_cases", "unit_path"), ("enforcement_actions_scope", "enforcement_actions", "unit_path"),
        ]),
        // The publication figures ask, per decided case, for its first publication.
        AddIndexes("enforcement.017.publication-case-index", [("enforcement_publications_case", "enforcement_publications", ["case_id", "published_on"])]),
        // The case keeps its first publication, so the publication figures read one table.
        AddFirstPublication(),
        // The year's publications of a unit's subtree (the publications figure, /gongshi by unit).
        AddIndexes("enforcement.019.publication-date-index", [("enforcement_publications_published_on", "enforcement_publications", ["published_on", "held_reason"])]),
        AddScopeIndexes("enforcement.020.publication-scope-index", [("enforcement_publications_scope", "enforcement_publications", "unit_path")]),
        // One county's decided cases of a year: one range of one index (the decided-cases family).
        AddScopeIndexes("enforcement.021.decided-scope-index", [("penalty_cases_scope_decided", "penalty_cases", "unit_path")], then: ["decided_on"]),
        AddScopeIndexes("enforcement.022.filed-scope-index", [("penalty_cases_scope_filed", "penalty_cases", "unit_path")], then: ["filed_on"]),
        // The cases list, newest discovered first, paged by cursor.
        AddIndexes("enforcement.023.list-order-index", [("penalty_cases_list_order", "penalty_cases", ["discovered_on", "id"])]),
        // One county's publications of a year: one range of one index. On PostgreSQL the path index
        // alone was ANDed with the whole province's year from the date index (province dataset:
        // 143 ms → 12 ms); it replaces 020's path-only index, its prefix.
        WidenScopeIndexes("enforcement.024.publication-scope-date-index",
                          [("enforcement_publications_scope_published", "enforcement_publications", "unit_path", "published_on")],
                          replacing: [("enforcement_publications_scope", "enforcement_publications", "unit_path")]),
        // One county's actions of a year, by kind: one range (province dataset, PostgreSQL: 28 → 2 ms).
        WidenScopeIndexes("enforcement.025.action-scope-date-index", [("enforcement_actions_scope_decided", "enforcement_actions", "unit_path", "decided_on")],
                          replacing: [("enforcement_actions_scope", "enforcement_actions", "unit_path")]),
        // PostgreSQL: the decided-cases family (`PenaltyMetrics.decided`) of a whole province's
        // year, read from the index alone instead of the table: its key is 015's `decided_on`
        // index, which it replaces, and it carries every column the family counts. Province
        // dataset: the family 1.72 → 0.74 s, the province's figures 5.6 → 3.0 s (docs/deployment.md).
        // SQLite keeps 015's index (`AddCoveringIndex` says why).
        AddCoveringIndex("enforcement.026.decided-cover-index",
                         (name: "penalty_cases_decided_cover", table: "penalty_cases", keys: ["decided_on"],
                          included: ["unit_path", "decision_due_on", "major", "review_on", "fine_yuan", "outside_benchmark", "lenience_item_id",
                                     "change_kind", "first_published_on", "published_on_time"]),
                         replacing: [("penalty_cases_decided_on", "penalty_cases", ["decided_on"])]),
        // 016's path-only index is the prefix of 021's and 022's (path, date) indexes, which serve
        // its prefix matches: one index fewer to write for every case.
        DropScopeIndexes("enforcement.027.drop-path-only-case-index", [("penalty_cases_scope", "penalty_cases", "unit_path")]),
        // PostgreSQL: one county's cases list on a province's table. `cursorPage` picks the page's
        // ids first, and this index answers that from itself: the scope and the status filters
        // are read from its payload instead of from every newer case's row. Province dataset, one
        // county's first page: 171–216 → 13–16 ms warm, 2.0–2.2 s → 69–79 ms cold (about 35,000
        // table pages read → 1,000 index pages; docs/deployment.md). It replaces 023's `(discovered_on, id)`.
        AddCoveringIndex("enforcement.028.list-cover-index",
                         (name: "penalty_cases_list_cover", table: "penalty_cases", keys: ["discovered_on", "id"], included: ["unit_path", "status"]),
                         replacing: [("penalty_cases_list_order", "penalty_cases", ["discovered_on", "id"])]),
    ]

    struct AddFirstPublication: AsyncMigration {
        var name: String { "enforcement.018.first-publication" }

        var columns: AddColumns { AddColumns(name, table: PenaltyCase.schema, ["first_published_on TEXT", "published_on_time BOOLEAN NOT NULL DEFAULT FALSE"]) }

        func prepare(on database: any Database) async throws {
            try await columns.prepare(on: database)
            try await database.sql.raw(SQLQueryString(PublicationMetrics.firstFromPublicationsSQL)).run()
        }

        func revert(on database: any Database) async throws {
            try await columns.revert(on: database)
        }
    }
}

extension PenaltyCase: ClockOwner {}
extension EnforcementAction: ClockOwner {}

extension EnforcementOfficer: UnitScoped {
    public static var unitPathField: KeyPath<EnforcementOfficer, FieldProperty<EnforcementOfficer, String>> { \.$unitPath }
}

extension EnforcementBody: UnitScoped {
    public static var unitPathField: KeyPath<EnforcementBody, FieldProperty<EnforcementBody, String>> { \.$unitPath }
}

extension EnforcementMatter: UnitScoped {
    public static var unitPathField: KeyPath<EnforcementMatter, FieldProperty<EnforcementMatter, String>> { \.$unitPath }
}
