import FazhiCore
import Fluent
import Foundation

/// A reconsideration case. Dates are `YYYY-MM-DD` in Beijing time. The applicant's name and
/// identity number are encrypted at rest; lists show only the masked forms.
public final class ReconsiderationCase: Model, @unchecked Sendable {
    public static let schema = "reconsideration_cases"

    @ID(key: .id) public var id: UUID?
    @Field(key: "case_number") public var caseNumber: String
    @Field(key: "received_on") public var receivedOn: String
    @Field(key: "channel") public var channel: String
    @Field(key: "applicant_kind") public var applicantKind: String
    @Field(key: "applicant_name_sealed") public var applicantNameSealed: String
    @Field(key: "applicant_name_masked") public var applicantNameMasked: String
    @OptionalField(key: "applicant_id_sealed") public var applicantIDSealed: String?
    @OptionalField(key: "applicant_id_masked") public var applicantIDMasked: String?
    @OptionalField(key: "applicant_id_hash") public var applicantIDHash: String?
    @OptionalField(key: "agent") public var agent: String?
    @OptionalField(key: "third_parties") public var thirdParties: String?
    @Field(key: "respondent_id") public var respondentID: UUID
    @Field(key: "respondent_path") public var respondentPath: String
    @Field(key: "act_category") public var actCategory: String
    @OptionalField(key: "enforcement_domain") public var enforcementDomain: String?
    @OptionalField(key: "act_on") public var actOn: String?
    @Field(key: "request") public var request: String
    @Field(key: "status") public var status: String
    /// The state to return to when a suspension ends.
    @OptionalField(key: "status_before_suspension") public var statusBeforeSuspension: String?
    /// accepted / refused / referred / deemedWithdrawn; nil while intake is open.
    @OptionalField(key: "intake") public var intake: String?
    @OptionalField(key: "intake_on") public var intakeOn: String?
    @OptionalField(key: "intake_reason") public var intakeReason: String?
    @OptionalField(key: "procedure") public var procedure: String?
    @Field(key: "major") public var major: Bool
    @Field(key: "extended") public var extended: Bool
    @OptionalField(key: "copy_sent_on") public var copySentOn: String?
    @OptionalField(key: "reply_on") public var replyOn: String?
    @OptionalField(key: "hearing_on") public var hearingOn: String?
    @OptionalField(key: "outcome") public var outcome: String?
    @OptionalField(key: "outcome_on") public var outcomeOn: String?
    @Field(key: "self_corrected") public var selfCorrected: Bool
    @OptionalField(key: "served_on") public var servedOn: String?
    @OptionalField(key: "archived_on") public var archivedOn: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var caseStatus: CaseStatus { CaseStatus(rawValue: status) ?? .received }
    public var caseOutcome: CaseOutcome? { outcome.flatMap(CaseOutcome.init(rawValue:)) }
    public var caseProcedure: Procedure? { procedure.flatMap(Procedure.init(rawValue:)) }
    public var accepted: Bool { intake == "accepted" }
    public var link: String { "/reconsideration/\(id!)" }
}

/// The case's own timeline (the audit trail holds the same, hash-chained, for inspectors).
public final class ReconsiderationEvent: Model, @unchecked Sendable {
    public static let schema = "reconsideration_events"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "case_id") public var reconsiderationCase: ReconsiderationCase
    @Field(key: "action") public var action: String
    @Field(key: "happened_on") public var happenedOn: String
    @Field(key: "detail") public var detail: String
    @Field(key: "actor") public var actor: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

enum ReconsiderationMigrations {
    struct CreateCases: AsyncMigration {
        var name: String { "reconsideration.001.cases" }

        func prepare(on database: any Database) async throws {
            try await database.schema("reconsideration_cases")
                .id()
                .field("case_number", .string, .required)
                .field("received_on", .string, .required)
                .field("channel", .string, .required)
                .field("applicant_kind", .string, .required)
                .field("applicant_name_sealed", .string, .required)
                .field("applicant_name_masked", .string, .required)
                .field("applicant_id_sealed", .string)
                .field("applicant_id_masked", .string)
                .field("applicant_id_hash", .string)
                .field("agent", .string)
                .field("third_parties", .string)
                .field("respondent_id", .uuid, .required, .references("units", "id"))
                .field("respondent_path", .string, .required)
                .field("act_category", .string, .required)
                .field("enforcement_domain", .string)
                .field("act_on", .string)
                .field("request", .string, .required)
                .field("status", .string, .required)
                .field("status_before_suspension", .string)
                .field("intake", .string)
                .field("intake_on", .string)
                .field("intake_reason", .string)
                .field("procedure", .string)
                .field("major", .bool, .required)
                .field("extended", .bool, .required)
                .field("copy_sent_on", .string)
                .field("reply_on", .string)
                .field("hearing_on", .string)
                .field("outcome", .string)
                .field("outcome_on", .string)
                .field("self_corrected", .bool, .required)
                .field("served_on", .string)
                .field("archived_on", .string)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .unique(on: "case_number")
                .create()
            try await database.sql.raw("CREATE INDEX reconsideration_cases_received ON reconsideration_cases (received_on, respondent_path)").run()
            try await database.sql.raw("CREATE INDEX reconsideration_cases_outcome ON reconsideration_cases (outcome_on, respondent_path)").run()
            try await database.schema("reconsideration_events")
                .id()
                .field("case_id", .uuid, .required, .references("reconsideration_cases", "id"))
                .field("action", .string, .required)
                .field("happened_on", .string, .required)
                .field("detail", .string, .required)
                .field("actor", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("reconsideration_events").delete()
            try await database.schema("reconsideration_cases").delete()
        }
    }

    static let all: [any Migration] = [CreateCases(), CreateOpinions(), CreateAttachments()]
}
