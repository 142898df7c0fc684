import FazhiCore
import FazhiDeadlines
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
    /// Days added to the decision period in all (第六十二条第一款: 30 at most).
    @Field(key: "extended_days") public var extendedDays: Int
    /// 第三十一条第一款: the one 补正 notice.
    @OptionalField(key: "correction_requested_on") public var correctionRequestedOn: String?
    /// 第三十一条: the day the supplement arrived.
    @OptionalField(key: "correction_received_on") public var correctionReceivedOn: String?
    /// 第五十三条: why the summary procedure applies.
    @OptionalField(key: "summary_ground") public var summaryGround: String?
    /// 第四十八条, 第五十四条: the day the respondent received the copy.
    @OptionalField(key: "copy_received_on") public var copyReceivedOn: String?
    /// 第三十九条第一款: the ground of the current or last 中止.
    @OptionalField(key: "suspension_ground") public var suspensionGround: String?
    /// The day of the current or last 中止, and the reason written with it.
    @OptionalField(key: "suspended_on") public var suspendedOn: String?
    @OptionalField(key: "suspension_note") public var suspensionNote: String?
    @OptionalField(key: "copy_sent_on") public var copySentOn: String?
    @OptionalField(key: "reply_on") public var replyOn: String?
    @OptionalField(key: "hearing_on") public var hearingOn: String?
    @OptionalField(key: "outcome") public var outcome: String?
    @OptionalField(key: "outcome_on") public var outcomeOn: String?
    @Field(key: "self_corrected") public var selfCorrected: Bool
    /// 第六十二条: the decision period's last day as it stood when the case was concluded (the
    /// clock, closed then, is not moved by later calendar changes): the on-time figure compares
    /// `outcome_on` with it in SQL. Nil for a case not concluded after acceptance.
    @OptionalField(key: "decision_due_on") public var decisionDueOn: String?
    @OptionalField(key: "served_on") public var servedOn: String?
    @OptionalField(key: "archived_on") public var archivedOn: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var caseStatus: CaseStatus { CaseStatus(rawValue: status) ?? .received }
    public var caseOutcome: CaseOutcome? { outcome.flatMap(CaseOutcome.init(rawValue:)) }
    public var caseProcedure: Procedure? { procedure.flatMap(Procedure.init(rawValue:)) }
    public var accepted: Bool { intake == "accepted" }
    public var link: String { ReconsiderationRoute.record.path(id!) }
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

    /// The facts the statute's gates need (docs/law.md §8): the one 补正 notice, the summary
    /// procedure's ground, the copy's receipt, the 中止 ground, and extensions added up.
    struct AddStatutoryGates: AsyncMigration {
        var name: String { "reconsideration.004.statutory-gates" }

        func prepare(on database: any Database) async throws {
            let sql = database.sql
            try await sql.raw("ALTER TABLE reconsideration_cases ADD COLUMN correction_requested_on TEXT").run()
            try await sql.raw("ALTER TABLE reconsideration_cases ADD COLUMN summary_ground TEXT").run()
            try await sql.raw("ALTER TABLE reconsideration_cases ADD COLUMN copy_received_on TEXT").run()
            try await sql.raw("ALTER TABLE reconsideration_cases ADD COLUMN suspension_ground TEXT").run()
            try await sql.raw("ALTER TABLE reconsideration_cases ADD COLUMN extended_days INTEGER NOT NULL DEFAULT 0").run()
            try await sql.raw("ALTER TABLE reconsideration_opinions ADD COLUMN received_on TEXT").run()
            // An extension recorded before was the one allowed, of thirty days at most: count it as thirty.
            try await sql.raw("UPDATE reconsideration_cases SET extended_days = 30 WHERE extended").run()
            try await sql.raw("""
                UPDATE reconsideration_cases SET correction_requested_on = (SELECT MIN(e.happened_on) FROM reconsideration_events e
                WHERE e.case_id = reconsideration_cases.id AND e.action = 'request-correction')
                """).run()
        }

        func revert(on database: any Database) async throws {
            let sql = database.sql
            try await sql.raw("ALTER TABLE reconsideration_cases DROP COLUMN correction_requested_on").run()
            try await sql.raw("ALTER TABLE reconsideration_cases DROP COLUMN summary_ground").run()
            try await sql.raw("ALTER TABLE reconsideration_cases DROP COLUMN copy_received_on").run()
            try await sql.raw("ALTER TABLE reconsideration_cases DROP COLUMN suspension_ground").run()
            try await sql.raw("ALTER TABLE reconsideration_cases DROP COLUMN extended_days").run()
            try await sql.raw("ALTER TABLE reconsideration_opinions DROP COLUMN received_on").run()
        }
    }

    /// The decision period's last day, kept on the case at conclusion so that the on-time rate is
    /// a `COUNT` (cases concluded before this migration are filled in from their clocks or dates).
    struct AddDecisionDue: AsyncMigration {
        var name: String { "reconsideration.006.decision-due" }

        func prepare(on database: any Database) async throws {
            try await database.sql.raw("ALTER TABLE reconsideration_cases ADD COLUMN decision_due_on TEXT").run()
            // Only the columns this migration knows of: later migrations add others to the model.
            let rows = try await ReconsiderationCase.query(on: database).filter(\.$intake == "accepted").filter(\.$outcomeOn != nil)
                .field(\.$id).field(\.$procedure).field(\.$intakeOn).field(\.$extended).field(\.$extendedDays).all()
            guard !rows.isEmpty else { return }
            let calendar = try await CalendarService.load(on: database)
            for row in rows {
                row.decisionDueOn = try await ReconsiderationClocks.decisionDue(row, calendar: calendar, on: database)?.description
                try await row.update(on: database)
            }
        }

        func revert(on database: any Database) async throws {
            try await database.sql.raw("ALTER TABLE reconsideration_cases DROP COLUMN decision_due_on").run()
        }
    }

    static let all: [any Migration] = [CreateCases(), CreateOpinions(), CreateAttachments(), AddStatutoryGates(), ClockRecordBackfill(name: "reconsideration.005.clock-records", patterns: [
        .init(prefix: "/reconsideration/", fragment: "#opinion-", type: ReconsiderationOpinion.schema),
        .init(prefix: "/reconsideration/", type: ReconsiderationCase.schema),
    ]), AddDecisionDue(),
    // The figures count by receipt and by conclusion, with the intake and the outcome (issue 16).
    AddIndexes("reconsideration.007.figure-indexes", [
        ("reconsideration_cases_received", "reconsideration_cases", ["received_on", "intake", "status"]),
        ("reconsideration_cases_outcome", "reconsideration_cases", ["outcome_on", "outcome"]),
    ]), AddHistoricalFindings(),
    AddScopeIndexes("reconsideration.009.scope-indexes", [("reconsideration_cases_scope", "reconsideration_cases", "respondent_path")]),
    // One county's year by receipt and by conclusion: one range of one index each. The path-only
    // index was ANDed with the province's year from the date indexes (province dataset, PostgreSQL:
    // 5–12 ms → under 1 ms per statement, 40 statements in a county's figures).
    WidenScopeIndexes("reconsideration.010.scope-date-indexes", [
        ("reconsideration_cases_scope_received", "reconsideration_cases", "respondent_path", "received_on"),
        ("reconsideration_cases_scope_outcome", "reconsideration_cases", "respondent_path", "outcome_on"),
    ], replacing: [("reconsideration_cases_scope", "reconsideration_cases", "respondent_path")])]

    /// The supplement's arrival (so that an exported ledger replays), and the breaches an imported
    /// ledger states (历史违规说明), kept as findings.
    struct AddHistoricalFindings: AsyncMigration {
        var name: String { "reconsideration.008.historical-findings" }

        func prepare(on database: any Database) async throws {
            try await database.sql.raw("ALTER TABLE reconsideration_cases ADD COLUMN correction_received_on TEXT").run()
            try await database.sql.raw("ALTER TABLE reconsideration_cases ADD COLUMN suspended_on TEXT").run()
            try await database.sql.raw("ALTER TABLE reconsideration_cases ADD COLUMN suspension_note TEXT").run()
            try await database.sql.raw("""
                UPDATE reconsideration_cases SET suspended_on = (SELECT MAX(e.happened_on) FROM reconsideration_events e
                WHERE e.case_id = reconsideration_cases.id AND e.action = 'suspend')
                """).run()
            try await database.sql.raw("""
                UPDATE reconsideration_cases SET correction_received_on = (SELECT MAX(e.happened_on) FROM reconsideration_events e
                WHERE e.case_id = reconsideration_cases.id AND e.action = 'receive-correction')
                """).run()
            try await database.schema(ReconsiderationFinding.schema)
                .id()
                .field("case_id", .uuid, .required, .references(ReconsiderationCase.schema, "id"))
                .field("respondent_path", .string, .required)
                .field("case_number", .string, .required)
                .field("step", .string, .required)
                .field("happened_on", .string, .required)
                .field("finding", .string, .required)
                .field("statement", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await database.sql.raw("CREATE INDEX reconsideration_findings_case ON reconsideration_findings (case_id)").run()
            try await database.sql.raw("CREATE INDEX reconsideration_findings_year ON reconsideration_findings (happened_on)").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(ReconsiderationFinding.schema).delete()
            try await database.sql.raw("ALTER TABLE reconsideration_cases DROP COLUMN correction_received_on").run()
            try await database.sql.raw("ALTER TABLE reconsideration_cases DROP COLUMN suspended_on").run()
            try await database.sql.raw("ALTER TABLE reconsideration_cases DROP COLUMN suspension_note").run()
        }
    }
}

/// A breach of the statute in a county's imported history (the ledger column 历史违规说明): the
/// step was recorded as it happened, and what it breached is kept here, shown on the case, listed
/// for supervision and counted in the figures (docs/import.md; docs/law.md §14).
public final class ReconsiderationFinding: Model, @unchecked Sendable {
    public static let schema = "reconsideration_findings"

    @ID(key: .id) public var id: UUID?
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "respondent_path") public var respondentPath: String
    @Field(key: "case_number") public var caseNumber: String
    /// The step that breached (its label) and the day it was taken.
    @Field(key: "step") public var step: String
    @Field(key: "happened_on") public var happenedOn: String
    /// What the rules found, with the article.
    @Field(key: "finding") public var finding: String
    /// What the importing officer wrote about it in the ledger.
    @Field(key: "statement") public var statement: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

extension ReconsiderationFinding: UnitScoped {
    public static var unitPathField: KeyPath<ReconsiderationFinding, FieldProperty<ReconsiderationFinding, String>> { \.$respondentPath }
}

extension ReconsiderationCase: ClockOwner {}
extension ReconsiderationOpinion: ClockOwner {}

extension ReconsiderationCase: UnitScoped {
    public static var unitPathField: KeyPath<ReconsiderationCase, FieldProperty<ReconsiderationCase, String>> { \.$respondentPath }
}
