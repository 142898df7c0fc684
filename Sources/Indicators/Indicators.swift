import FazhiCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// A year's indicator system (考核指标体系), versioned: a new version is a new system of the same year.
public final class IndicatorSystem: Model, @unchecked Sendable {
    public static let schema = "indicator_systems"

    @ID(key: .id) public var id: UUID?
    @Field(key: "year") public var year: Int
    @Field(key: "name") public var name: String
    @Field(key: "version") public var version: Int
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var link: String { IndicatorRoute.system.path(id!) }
}

/// One indicator: its code in the tree ("1.2.3": levels by depth), its points, and either a bound
/// figure with a scoring rule or evidence scored by an assessor.
public final class Indicator: Model, @unchecked Sendable {
    public static let schema = "indicators"

    @ID(key: .id) public var id: UUID?
    @Field(key: "system_id") public var systemID: UUID
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "weight") public var weight: String
    @OptionalField(key: "metric_key") public var metricKey: String?
    @Field(key: "rule") public var rule: String
    /// Scored on each unit's own records (a department, a town) or once for the county.
    @Field(key: "per_unit") public var perUnit: Bool

    public init() {}

    public var scoringRule: ScoringRule { ScoringRule(spec: rule) ?? .evidence }
    public var points: Decimal { Decimal(string: weight) ?? 0 }
}

/// An assessor's score of a unit's evidence for an evidence indicator.
public final class IndicatorAssessment: Model, @unchecked Sendable {
    public static let schema = "indicator_assessments"

    @ID(key: .id) public var id: UUID?
    @Field(key: "indicator_id") public var indicatorID: UUID
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "evidence") public var evidence: String
    @Field(key: "points") public var points: String
    @Field(key: "reason") public var reason: String
    @Field(key: "assessor") public var assessor: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

extension IndicatorAssessment: UnitScoped {
    public static var unitPathField: KeyPath<IndicatorAssessment, FieldProperty<IndicatorAssessment, String>> { \.$unitPath }
}

enum IndicatorMigrations {
    struct Create: AsyncMigration {
        var name: String { "indicators.001.systems" }

        func prepare(on database: any Database) async throws {
            try await database.schema(IndicatorSystem.schema).id()
                .field("year", .int, .required).field("name", .string, .required).field("version", .int, .required).field("created_at", .datetime, .required)
                .unique(on: "year", "version")
                .create()
            try await database.schema(Indicator.schema).id()
                .field("system_id", .uuid, .required, .references(IndicatorSystem.schema, "id"))
                .field("code", .string, .required).field("name", .string, .required).field("weight", .string, .required)
                .field("metric_key", .string).field("rule", .string, .required).field("per_unit", .bool, .required)
                .unique(on: "system_id", "code")
                .create()
            try await database.schema(IndicatorAssessment.schema).id()
                .field("indicator_id", .uuid, .required, .references(Indicator.schema, "id"))
                .field("unit_id", .uuid, .required, .references("units", "id")).field("unit_path", .string, .required)
                .field("evidence", .string, .required).field("points", .string, .required).field("reason", .string, .required)
                .field("assessor", .string, .required).field("created_at", .datetime, .required)
                .unique(on: "indicator_id", "unit_id")
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(IndicatorAssessment.schema).delete()
            try await database.schema(Indicator.schema).delete()
            try await database.schema(IndicatorSystem.schema).delete()
        }
    }

    static let all: [any Migration] = [Create(), Evidence()]
}

public enum IndicatorPermissions {
    public static let read = Permission("indicators.read", "查看考核指标和得分")
    /// The justice bureau defines systems and assesses evidence.
    public static let manage = Permission("indicators.manage", "维护考核指标、评分")

    /// A department or township submits its own evidence for an evidence indicator.
    public static let evidence = Permission("indicators.evidence", "提交考核佐证材料")

    static let all = [read, manage, evidence]

    static let grants: [Role: [Permission]] = [
        .supervisor: [read, manage, evidence], .leader: [read], .departmentOfficer: [read, evidence], .legalReviewer: [read], .townshipStaff: [read, evidence],
    ]
}

/// The generic county indicator system shipped as data: every module's figures bound with a rule
/// (⚠️ the 2021 示范指标体系's own scores are set by the 中央依法治国办 and not public; these weights
/// are a county's starting point, to be edited).
public enum GenericIndicatorSystem {
    /// (code, name, weight, figure, rule, per unit)
    public static let rows: [(String, String, String, String?, String, Bool)] = [
        ("1", "依法全面履行政府职能", "10", nil, "evidence", false),
        ("1.1", "政务服务事项马上办占比", "4", "services.on-the-spot-share", "linear:30:60", true),
        ("1.2", "承诺时限压缩率", "3", "services.compression-rate", "linear:20:50", false),
        ("1.3", "依申请公开按时答复率", "3", "disclosure.on-time-rate", "threshold:100:higher", true),
        ("2", "完善依法行政制度体系", "8", nil, "evidence", false),
        ("2.1", "行政规范性文件备案及时率", "4", "documents.filed-on-time-rate", "threshold:100:higher", true),
        ("2.2", "合法性审查意见采纳率", "4", "legal.opinions-adopted-rate", "linear:80:100", false),
        ("3", "严格规范公正文明执法", "12", nil, "evidence", false),
        ("3.1", "执法人员持证率", "4", "enforcement.certification-rate", "threshold:100:higher", true),
        ("3.2", "重大执法决定法制审核率", "4", "enforcement.major-reviewed-rate", "threshold:100:higher", true),
        ("3.3", "执法决定按时公示率", "4", "enforcement.publication-on-time-rate", "linear:80:100", true),
        ("4", "强化对行政权力的制约和监督", "10", nil, "evidence", false),
        ("4.1", "行政诉讼败诉率", "4", "litigation.loss-rate", "threshold:10:lower", true),
        ("4.2", "行政机关负责人出庭应诉率", "3", "litigation.head-appearance-rate", "threshold:100:higher", true),
        ("4.3", "督察问题按期整改率", "3", "oversight.on-time-rate", "linear:60:100", true),
        ("5", "健全社会矛盾纠纷化解体系", "8", nil, "evidence", false),
        ("5.1", "调解成功率", "4", "mediation.success-rate", "linear:80:98", false),
        ("5.2", "建议提案按时答复率", "4", "suggestions.on-time-rate", "threshold:100:higher", true),
        ("6", "加强党对法治政府建设的领导", "6", nil, "evidence", false),
        ("6.1", "领导干部法律知识考试合格率", "3", "education.exam-pass-rate", "threshold:95:higher", false),
        ("6.2", "主要负责人述法", "3", nil, "evidence", true),
    ]
}
