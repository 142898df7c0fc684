import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

public enum Instance: String, Codable, Sendable, CaseIterable {
    case first, second, retrial

    public var label: String {
        switch self {
        case .first: return "一审"
        case .second: return "二审"
        case .retrial: return "再审"
        }
    }
}

/// How a lawsuit ended (行政诉讼法 2017), and whether the agency lost.
public enum Judgment: String, Codable, Sendable, CaseIterable {
    case dismissClaims, annul, perform, pay, declareUnlawful, declareVoid, alter, agreement, dismissSuit, withdrawn, mediation

    public var label: String {
        switch self {
        case .dismissClaims: return "判决驳回诉讼请求"
        case .annul: return "判决撤销"
        case .perform: return "判决履行"
        case .pay: return "判决给付"
        case .declareUnlawful: return "判决确认违法"
        case .declareVoid: return "判决确认无效"
        case .alter: return "判决变更"
        case .agreement: return "行政协议判决"
        case .dismissSuit: return "裁定驳回起诉"
        case .withdrawn: return "撤诉"
        case .mediation: return "调解"
        }
    }

    public var article: String {
        switch self {
        case .dismissClaims: return "行政诉讼法第六十九条"
        case .annul: return "行政诉讼法第七十条"
        case .perform: return "行政诉讼法第七十二条"
        case .pay: return "行政诉讼法第七十三条"
        case .declareUnlawful: return "行政诉讼法第七十四条"
        case .declareVoid: return "行政诉讼法第七十五条"
        case .alter: return "行政诉讼法第七十七条"
        case .agreement: return "行政诉讼法第七十八条"
        case .dismissSuit: return "行政诉讼法司法解释第六十九条"
        case .withdrawn: return "行政诉讼法第六十二条"
        case .mediation: return "行政诉讼法第六十条"
        }
    }

    /// 败诉: a judgment for the plaintiff (docs/law.md §12); 撤诉, 驳回起诉 and 调解 are not.
    public var isLoss: Bool { [.annul, .perform, .pay, .declareUnlawful, .declareVoid, .alter, .agreement].contains(self) }
}

/// A lawsuit in which a unit of the county is the defendant.
public final class Lawsuit: Model, @unchecked Sendable {
    public static let schema = "lawsuits"

    @ID(key: .id) public var id: UUID?
    @Field(key: "case_number") public var caseNumber: String
    @Field(key: "court") public var court: String
    @Field(key: "instance") public var instance: String
    @Field(key: "filed_on") public var filedOn: String
    /// The day the complaint copy reached the defendant: the 15 days for the defence run from it.
    @OptionalField(key: "served_on") public var servedOn: String?
    @Field(key: "defendant_id") public var defendantID: UUID
    @Field(key: "defendant_path") public var defendantPath: String
    /// 行政诉讼法第二十六条第二款: the reconsideration body is co-defendant when it upheld the act.
    @Field(key: "reconsideration_co_defendant") public var reconsiderationCoDefendant: Bool
    @OptionalField(key: "reconsideration_case_number") public var reconsiderationCaseNumber: String?
    @Field(key: "plaintiff_sealed") public var plaintiffSealed: String
    @Field(key: "plaintiff_masked") public var plaintiffMasked: String
    @Field(key: "cause") public var cause: String
    @OptionalField(key: "defence_on") public var defenceOn: String?
    @OptionalField(key: "judgment") public var judgment: String?
    @OptionalField(key: "judgment_on") public var judgmentOn: String?
    @Field(key: "lost") public var lost: Bool
    @Field(key: "appealed") public var appealed: Bool
    /// performed / pending / notApplicable
    @OptionalField(key: "performance") public var performance: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { LitigationRoute.lawsuit.path(id!) }
    public var caseJudgment: Judgment? { judgment.flatMap(Judgment.init(rawValue:)) }
}

/// A court session, and whether the head of the defendant agency appeared (行政诉讼法第三条第三款).
public final class LawsuitHearing: Model, @unchecked Sendable {
    public static let schema = "lawsuit_hearings"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "lawsuit_id") public var lawsuit: Lawsuit
    @Field(key: "held_on") public var heldOn: String
    @Field(key: "head_appeared") public var headAppeared: Bool
    @OptionalField(key: "head_name") public var headName: String?
    @OptionalField(key: "head_post") public var headPost: String?
    /// Who appeared when the head did not (the agency's own staff, 第三条第三款).
    @OptionalField(key: "substitute") public var substitute: String?
    @Field(key: "defendant_path") public var defendantPath: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

enum LitigationMigrations {
    struct CreateLawsuits: AsyncMigration {
        var name: String { "litigation.001.lawsuits" }

        func prepare(on database: any Database) async throws {
            try await database.schema("lawsuits")
                .id()
                .field("case_number", .string, .required)
                .field("court", .string, .required)
                .field("instance", .string, .required)
                .field("filed_on", .string, .required)
                .field("served_on", .string)
                .field("defendant_id", .uuid, .required, .references("units", "id"))
                .field("defendant_path", .string, .required)
                .field("reconsideration_co_defendant", .bool, .required)
                .field("reconsideration_case_number", .string)
                .field("plaintiff_sealed", .string, .required)
                .field("plaintiff_masked", .string, .required)
                .field("cause", .string, .required)
                .field("defence_on", .string)
                .field("judgment", .string)
                .field("judgment_on", .string)
                .field("lost", .bool, .required)
                .field("appealed", .bool, .required)
                .field("performance", .string)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .unique(on: "court", "case_number")
                .create()
            try await database.schema("lawsuit_hearings")
                .id()
                .field("lawsuit_id", .uuid, .required, .references("lawsuits", "id"))
                .field("held_on", .string, .required)
                .field("head_appeared", .bool, .required)
                .field("head_name", .string)
                .field("head_post", .string)
                .field("substitute", .string)
                .field("defendant_path", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("lawsuit_hearings").delete()
            try await database.schema("lawsuits").delete()
        }
    }

    static let all: [any Migration] = [CreateLawsuits(), CreateRecommendations(), ClockRecordBackfill(name: "litigation.003.clock-records", patterns: [
        .init(prefix: "/litigation/", fragment: "#recommendation-", type: LawsuitRecommendation.schema),
        .init(prefix: "/litigation/", type: Lawsuit.schema),
    ]), AddScopeIndexes("litigation.004.scope-indexes", [("lawsuits_scope", "lawsuits", "defendant_path")])]
}

extension Lawsuit: ClockOwner {}
extension LawsuitRecommendation: ClockOwner {}

extension Lawsuit: UnitScoped {
    public static var unitPathField: KeyPath<Lawsuit, FieldProperty<Lawsuit, String>> { \.$defendantPath }
}

extension LawsuitHearing: UnitScoped {
    public static var unitPathField: KeyPath<LawsuitHearing, FieldProperty<LawsuitHearing, String>> { \.$defendantPath }
}
