import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import SQLKit

/// A 重大行政决策 from its entry in the year's catalogue to its archive: the state `DecisionRules`
/// reads, kept column by column (one group of four per procedure).
public final class MajorDecision: Model, @unchecked Sendable {
    public static let schema = "major_decisions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    /// The decision-making organ (决策机关) and its path (the scope).
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    /// The catalogue year the decision belongs to.
    @Field(key: "year") public var year: Int
    @Field(key: "in_catalogue") public var inCatalogue: Bool
    @OptionalField(key: "catalogued_on") public var cataloguedOn: String?
    @OptionalField(key: "participation_from") public var participationFrom: String?
    @OptionalField(key: "participation_to") public var participationTo: String?
    @OptionalField(key: "participation_result") public var participationResult: String?
    @OptionalField(key: "participation_waived") public var participationWaived: String?
    /// The consultation's length in days (from its first to its last day), kept for the figure.
    @OptionalField(key: "participation_days") public var participationDays: Int?
    @OptionalField(key: "expert_from") public var expertFrom: String?
    @OptionalField(key: "expert_to") public var expertTo: String?
    @OptionalField(key: "expert_result") public var expertResult: String?
    @OptionalField(key: "expert_waived") public var expertWaived: String?
    @OptionalField(key: "risk_from") public var riskFrom: String?
    @OptionalField(key: "risk_to") public var riskTo: String?
    @OptionalField(key: "risk_result") public var riskResult: String?
    @OptionalField(key: "risk_waived") public var riskWaived: String?
    @OptionalField(key: "legality_from") public var legalityFrom: String?
    @OptionalField(key: "legality_to") public var legalityTo: String?
    @OptionalField(key: "legality_result") public var legalityResult: String?
    @OptionalField(key: "legality_submitted_on") public var legalitySubmittedOn: String?
    /// 决策草案及其说明, published for comment (第十五条).
    @Field(key: "draft") public var draft: String
    @OptionalField(key: "consultation_opened_on") public var consultationOpenedOn: String?
    @OptionalField(key: "discussed_on") public var discussedOn: String?
    @OptionalField(key: "meeting") public var meeting: String?
    @OptionalField(key: "head_decision") public var headDecision: String?
    @OptionalField(key: "published_on") public var publishedOn: String?
    @OptionalField(key: "archived_on") public var archivedOn: String?
    @OptionalField(key: "evaluated_on") public var evaluatedOn: String?
    @OptionalField(key: "evaluation") public var evaluation: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { DecisionRoute.record.path(id!) }
}

extension MajorDecision: UnitScoped {
    public static var unitPathField: KeyPath<MajorDecision, FieldProperty<MajorDecision, String>> { \.$unitPath }
}

/// One line of a decision's timeline.
public final class MajorDecisionEvent: TimelineEvent, @unchecked Sendable {
    public static let schema = "major_decision_events"

    @ID(key: .id) public var id: UUID?
    @Field(key: "decision_id") public var decisionID: UUID
    @Field(key: "action") public var action: String
    @OptionalField(key: "happened_on") public var happenedOn: String?
    @Field(key: "detail") public var detail: String
    @Field(key: "actor") public var actor: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var recordID: UUID {
        get { decisionID }
        set { decisionID = newValue }
    }
}

/// A decision-making organ's 决策事项目录 of a year, published after the same-level Party committee
/// agreed (第三条); each later change is an adjustment on a decision's timeline.
public final class DecisionCatalogue: Model, @unchecked Sendable {
    public static let schema = "decision_catalogues"

    @ID(key: .id) public var id: UUID?
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "year") public var year: Int
    @Field(key: "published_on") public var publishedOn: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

extension DecisionCatalogue: UnitScoped {
    public static var unitPathField: KeyPath<DecisionCatalogue, FieldProperty<DecisionCatalogue, String>> { \.$unitPath }
}

enum DecisionMigrations {
    static let procedureColumns = ["participation", "expert", "risk", "legality"].flatMap { prefix in
        ["from", "to", "result", prefix == "legality" ? "submitted_on" : "waived"].map { "\(prefix)_\($0)" }
    }

    struct Create: AsyncMigration {
        var name: String { "decisions.001.create" }

        func prepare(on database: any Database) async throws {
            var schema = database.schema(MajorDecision.schema).id()
                .field("title", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("year", .int, .required)
                .field("in_catalogue", .bool, .required)
            for column in ["catalogued_on"] + procedureColumns + ["discussed_on", "meeting", "head_decision", "published_on", "archived_on", "evaluated_on", "evaluation"] {
                schema = schema.field(FieldKey(stringLiteral: column), .string)
            }
            try await schema.field("created_at", .datetime, .required).field("updated_at", .datetime, .required).create()
            try await database.schema(MajorDecisionEvent.schema).id()
                .field("decision_id", .uuid, .required, .references(MajorDecision.schema, "id"))
                .field("action", .string, .required)
                .field("happened_on", .string)
                .field("detail", .string, .required)
                .field("actor", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await database.schema(DecisionCatalogue.schema).id()
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("year", .int, .required)
                .field("published_on", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "unit_id", "year")
                .create()
            let sql = database as! any SQLDatabase
            try await sql.raw("CREATE INDEX major_decisions_scope ON major_decisions (unit_path, year)").run()
            try await sql.raw("CREATE INDEX major_decision_events_decision ON major_decision_events (decision_id, created_at)").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(DecisionCatalogue.schema).delete()
            try await database.schema(MajorDecisionEvent.schema).delete()
            try await database.schema(MajorDecision.schema).delete()
        }
    }

    /// The consultation's length kept as a number, so the figure averages it in the database.
    struct ParticipationDays: AsyncMigration {
        var name: String { "decisions.002.participation-days" }

        func prepare(on database: any Database) async throws {
            try await database.schema(MajorDecision.schema).field("participation_days", .int).update()
            try await Self.fill(database)
        }

        /// Each recorded consultation's length, computed by the database from its two days.
        static func fill(_ database: any Database) async throws {
            let sql = database as! any SQLDatabase
            let days: SQLQueryString = sql.dialect.name == "sqlite"
                ? "CAST(julianday(participation_to) - julianday(participation_from) AS INTEGER)"
                : "(CAST(participation_to AS date) - CAST(participation_from AS date))"
            try await sql.raw("UPDATE major_decisions SET participation_days = \(days) WHERE participation_from IS NOT NULL AND participation_to IS NOT NULL").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(MajorDecision.schema).deleteField("participation_days").update()
        }
    }

    /// The draft and its online consultation, with the public's opinions.
    struct Consultation: AsyncMigration {
        var name: String { "decisions.003.consultation" }

        func prepare(on database: any Database) async throws {
            try await database.schema(MajorDecision.schema).field("draft", .string, .required, .sql(.default(""))).update()
            try await database.schema(MajorDecision.schema).field("consultation_opened_on", .string).update()
            try await database.schema(DecisionComment.schema).id()
                .field("decision_id", .uuid, .required, .references(MajorDecision.schema, "id"))
                .field("body", .string, .required)
                .field("contact_sealed", .string)
                .field("contact_masked", .string)
                .field("received_at", .datetime, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(DecisionComment.schema).delete()
            try await database.schema(MajorDecision.schema).deleteField("consultation_opened_on").update()
            try await database.schema(MajorDecision.schema).deleteField("draft").update()
        }
    }

    static let all: [any Migration] = [Create(), ParticipationDays(), Consultation()]
}

extension MajorDecision {
    /// The columns of one procedure, as key paths to read and write.
    struct Columns {
        var from: ReferenceWritableKeyPath<MajorDecision, String?>
        var to: ReferenceWritableKeyPath<MajorDecision, String?>
        var result: ReferenceWritableKeyPath<MajorDecision, String?>
        var waived: ReferenceWritableKeyPath<MajorDecision, String?>?
    }

    static func columns(_ procedure: DecisionProcedure) -> Columns {
        switch procedure {
        case .publicParticipation: Columns(from: \.participationFrom, to: \.participationTo, result: \.participationResult, waived: \.participationWaived)
        case .expertReview: Columns(from: \.expertFrom, to: \.expertTo, result: \.expertResult, waived: \.expertWaived)
        case .riskAssessment: Columns(from: \.riskFrom, to: \.riskTo, result: \.riskResult, waived: \.riskWaived)
        case .legalityReview: Columns(from: \.legalityFrom, to: \.legalityTo, result: \.legalityResult, waived: nil)
        }
    }

    /// The decision as `DecisionRules` sees it.
    var state: DecisionState {
        func day(_ text: String?) -> CivilDate? { text.flatMap(CivilDate.init) }
        var state = DecisionState(title: title, inCatalogue: inCatalogue)
        for procedure in DecisionProcedure.allCases {
            let columns = Self.columns(procedure)
            if let from = day(self[keyPath: columns.from]), let to = day(self[keyPath: columns.to]) {
                state.procedures[procedure] = .done(from: from, to: to, result: self[keyPath: columns.result] ?? "")
            } else if let waived = columns.waived.flatMap({ self[keyPath: $0] }) {
                state.procedures[procedure] = .waived(reason: waived)
            }
        }
        state.legalitySubmittedOn = day(legalitySubmittedOn)
        state.consultationOpenedOn = day(consultationOpenedOn)
        state.discussedOn = day(discussedOn)
        state.meeting = meeting
        state.headDecision = headDecision
        state.publishedOn = day(publishedOn)
        state.archivedOn = day(archivedOn)
        state.evaluatedOn = day(evaluatedOn)
        state.evaluation = evaluation
        return state
    }

    func apply(_ state: DecisionState) {
        for procedure in DecisionProcedure.allCases {
            let columns = Self.columns(procedure)
            switch state.procedures[procedure] {
            case .done(let from, let to, let result)?:
                self[keyPath: columns.from] = from.description
                self[keyPath: columns.to] = to.description
                self[keyPath: columns.result] = result
                if let waived = columns.waived { self[keyPath: waived] = nil }
                if procedure == .publicParticipation { participationDays = from.days(until: to) }
            case .waived(let reason)?:
                if let waived = columns.waived { self[keyPath: waived] = reason }
            case nil:
                break
            }
        }
        legalitySubmittedOn = state.legalitySubmittedOn?.description
        consultationOpenedOn = state.consultationOpenedOn?.description
        discussedOn = state.discussedOn?.description
        meeting = state.meeting
        headDecision = state.headDecision
        publishedOn = state.publishedOn?.description
        archivedOn = state.archivedOn?.description
        evaluatedOn = state.evaluatedOn?.description
        evaluation = state.evaluation
    }

    /// Where the decision stands, for lists.
    var stageLabel: String {
        if archivedOn != nil { return "已归档" }
        if publishedOn != nil { return "已公布" }
        if discussedOn != nil { return "已决定" }
        if legalitySubmittedOn != nil { return "合法性审查中" }
        if consultationOpenedOn != nil { return "公开征求意见中" }
        return inCatalogue ? "履行程序中" : "未列入目录"
    }
}

/// An opinion sent from the public site on a decision's draft open for comment; the contact is
/// sealed and shown to staff only masked.
public final class DecisionComment: Model, @unchecked Sendable {
    public static let schema = "major_decision_comments"

    @ID(key: .id) public var id: UUID?
    @Field(key: "decision_id") public var decisionID: UUID
    @Field(key: "body") public var body: String
    @OptionalField(key: "contact_sealed") public var contactSealed: String?
    @OptionalField(key: "contact_masked") public var contactMasked: String?
    @Field(key: "received_at") public var receivedAt: Date

    public init() {}
}
