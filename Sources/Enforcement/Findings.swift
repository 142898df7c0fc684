import FazhiCore
import Fluent
import Foundation

/// A breach of the law in a county's imported history (the ledger column 历史违规说明): the step
/// was recorded as it happened, and what it breached is kept here, shown on the case, listed for
/// supervision and counted in the figures (docs/import.md; docs/law.md §14).
public final class PenaltyCaseFinding: Model, @unchecked Sendable {
    public static let schema = "penalty_case_findings"

    @ID(key: .id) public var id: UUID?
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "case_number") public var caseNumber: String
    /// The step that breached (its label) and the day it was taken.
    @Field(key: "step") public var step: String
    @Field(key: "happened_on") public var happenedOn: String
    /// What the rules found, with the article.
    @Field(key: "finding") public var finding: String
    /// What the importing unit wrote about it in the ledger.
    @Field(key: "statement") public var statement: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

extension PenaltyCaseFinding: UnitScoped {
    public static var unitPathField: KeyPath<PenaltyCaseFinding, FieldProperty<PenaltyCaseFinding, String>> { \.$unitPath }
}

extension EnforcementMigrations {
    struct CreateFindings: AsyncMigration {
        var name: String { "enforcement.014.historical-findings" }

        func prepare(on database: any Database) async throws {
            try await database.schema(PenaltyCaseFinding.schema)
                .id()
                .field("case_id", .uuid, .required, .references("penalty_cases", "id"))
                .field("unit_path", .string, .required)
                .field("case_number", .string, .required)
                .field("step", .string, .required)
                .field("happened_on", .string, .required)
                .field("finding", .string, .required)
                .field("statement", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await database.sql.raw("CREATE INDEX penalty_case_findings_case ON penalty_case_findings (case_id)").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(PenaltyCaseFinding.schema).delete()
        }
    }
}

/// Findings figures: cases whose imported history records a breach, by the year of the step.
enum FindingMetrics {
    static func query(_ scope: MetricScope, on db: any Database) -> QueryBuilder<PenaltyCaseFinding> {
        let query = PenaltyCaseFinding.query(on: db).filter(\.$happenedOn >= "\(scope.year)-01-01").filter(\.$happenedOn < "\(scope.year + 1)-01-01")
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "enforcement.historical-breaches", label: "导入历史中的违法情形",
                             definition: "本年度导入的执法台账中，经规则核对并由办案单位说明的违法程序情形数（每项一条，如未经法制审核作出重大决定）",
                             unit: .item, compute: { scope, db in .count(try await query(scope, on: db).count()) },
                             records: .query({ scope, db in query(scope, on: db).sort(\.$caseNumber).sort(\.$happenedOn) }) {
                                 MetricRecordRef(id: $0.id!.uuidString, title: "\($0.caseNumber) \($0.step)：\($0.finding)", link: EnforcementRoute.casesRecord.path($0.caseID))
                             }),
        ]
    }
}

extension EnforcementRecords {
    /// A breach recorded in imported history, for supervision.
    public struct Finding: Sendable, Equatable {
        public var caseNumber: String
        public var step: String
        public var happenedOn: String
        public var finding: String
        public var statement: String
        public var link: String
    }

    /// The findings within `principal`'s scope, newest first, a page at a time.
    public static func findings(for principal: Principal, page: FazhiCore.PageRequest, on db: any Database) async throws -> FazhiCore.Page<Finding> {
        let query = PenaltyCaseFinding.scoped(for: principal, on: db)
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$happenedOn, .descending).sort(\.$caseNumber).range(page.offset..<(page.offset + page.size)).all()
        return FazhiCore.Page(items: rows.map {
            Finding(caseNumber: $0.caseNumber, step: $0.step, happenedOn: $0.happenedOn, finding: $0.finding, statement: $0.statement,
                    link: EnforcementRoute.casesRecord.path($0.caseID))
        }, total: total, request: page)
    }
}
