import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit

/// A 人大代表建议 or 政协委员提案 assigned to the county government's units: its session and number,
/// the deputies or members who made it (a joint item has several; they act in a public capacity),
/// the lead unit and the state `SuggestionRules` reads, column by column.
public final class Suggestion: Model, @unchecked Sendable {
    public static let schema = "suggestions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kind: String
    /// "县第十八届人民代表大会第三次会议".
    @Field(key: "session") public var session: String
    /// The item's number in its session ("第15号").
    @Field(key: "number") public var number: String
    @Field(key: "title") public var title: String
    /// Names separated by "、"; the first is the lead proposer.
    @Field(key: "proposers") public var proposers: String
    @Field(key: "content") public var content: String
    @Field(key: "lead_unit_id") public var leadUnitID: UUID
    @Field(key: "lead_unit_path") public var leadUnitPath: String
    @OptionalField(key: "assigned_on") public var assignedOn: String?
    @Field(key: "months") public var months: Int
    @Field(key: "extended") public var extended: Bool
    @OptionalField(key: "contacted_on") public var contactedOn: String?
    @OptionalField(key: "answered_on") public var answeredOn: String?
    @OptionalField(key: "answer_class") public var answerClass: String?
    @OptionalField(key: "answer_text") public var answerText: String?
    /// The first answer and the due date it was measured against: the on-time rate compares them in SQL.
    @OptionalField(key: "first_answered_on") public var firstAnsweredOn: String?
    @OptionalField(key: "first_due_on") public var firstDueOn: String?
    @OptionalField(key: "due_on") public var dueOn: String?
    @OptionalField(key: "feedback_on") public var feedbackOn: String?
    @OptionalField(key: "satisfaction") public var satisfaction: String?
    @OptionalField(key: "rehandled_from") public var rehandledFrom: String?
    @Field(key: "rehandle_months") public var rehandleMonths: Int
    @Field(key: "rehandle_count") public var rehandleCount: Int
    @OptionalField(key: "released_on") public var releasedOn: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { SuggestionRoute.record.path(id!) }
    public var suggestionKind: SuggestionKind { SuggestionKind(rawValue: kind) ?? .deputySuggestion }
    public var heading: String { "\(session)第\(number)号\(suggestionKind.label)" }

    public var state: SuggestionState {
        var state = SuggestionState(kind: suggestionKind)
        state.assignedOn = assignedOn.flatMap(CivilDate.init)
        state.months = months
        state.extended = extended
        state.contactedOn = contactedOn.flatMap(CivilDate.init)
        state.answeredOn = answeredOn.flatMap(CivilDate.init)
        state.answerClass = answerClass.flatMap(AnswerClass.init(rawValue:))
        state.feedbackOn = feedbackOn.flatMap(CivilDate.init)
        state.satisfaction = satisfaction.flatMap(Satisfaction.init(rawValue:))
        state.rehandledFrom = rehandledFrom.flatMap(CivilDate.init)
        state.rehandleMonths = rehandleMonths
        state.rehandleCount = rehandleCount
        state.releasedOn = releasedOn.flatMap(CivilDate.init)
        return state
    }

    func apply(_ state: SuggestionState, calendar: WorkCalendar) {
        assignedOn = state.assignedOn?.description
        months = state.months
        extended = state.extended
        contactedOn = state.contactedOn?.description
        answeredOn = state.answeredOn?.description
        answerClass = state.answerClass?.rawValue
        feedbackOn = state.feedbackOn?.description
        satisfaction = state.satisfaction?.rawValue
        rehandledFrom = state.rehandledFrom?.description
        rehandleMonths = state.rehandleMonths
        rehandleCount = state.rehandleCount
        releasedOn = state.releasedOn?.description
        dueOn = SuggestionRules.dueDate(state, calendar: calendar)?.description
    }
}

extension Suggestion: UnitScoped {
    public static var unitPathField: KeyPath<Suggestion, FieldProperty<Suggestion, String>> { \.$leadUnitPath }
}

extension Suggestion: ClockOwner {}

/// A unit that handles the item beside the lead unit: 会办 (assists the lead unit's answer) or
/// 分办 (answers its own part).
public final class SuggestionUnit: Model, @unchecked Sendable {
    public static let schema = "suggestion_units"

    @ID(key: .id) public var id: UUID?
    @Field(key: "suggestion_id") public var suggestionID: UUID
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "role") public var role: String

    public init() {}

    public static let roles = ["assisting": "会办", "separate": "分办"]
}

public final class SuggestionEvent: TimelineEvent, @unchecked Sendable {
    public static let schema = "suggestion_events"

    @ID(key: .id) public var id: UUID?
    @Field(key: "suggestion_id") public var suggestionID: UUID
    @Field(key: "action") public var action: String
    @OptionalField(key: "happened_on") public var happenedOn: String?
    @Field(key: "detail") public var detail: String
    @Field(key: "actor") public var actor: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var recordID: UUID {
        get { suggestionID }
        set { suggestionID = newValue }
    }
}

enum SuggestionMigrations {
    struct Create: AsyncMigration {
        var name: String { "suggestions.001.items" }

        func prepare(on database: any Database) async throws {
            try await database.schema(Suggestion.schema).id()
                .field("kind", .string, .required).field("session", .string, .required).field("number", .string, .required)
                .field("title", .string, .required).field("proposers", .string, .required).field("content", .string, .required)
                .field("lead_unit_id", .uuid, .required, .references("units", "id")).field("lead_unit_path", .string, .required)
                .field("assigned_on", .string).field("months", .int, .required).field("extended", .bool, .required)
                .field("contacted_on", .string).field("answered_on", .string).field("answer_class", .string).field("answer_text", .string)
                .field("first_answered_on", .string).field("first_due_on", .string).field("due_on", .string)
                .field("feedback_on", .string).field("satisfaction", .string).field("rehandled_from", .string)
                .field("rehandle_months", .int, .required).field("rehandle_count", .int, .required).field("released_on", .string)
                .field("created_at", .datetime, .required).field("updated_at", .datetime, .required)
                .unique(on: "kind", "session", "number")
                .create()
            try await database.schema(SuggestionUnit.schema).id()
                .field("suggestion_id", .uuid, .required, .references(Suggestion.schema, "id"))
                .field("unit_id", .uuid, .required, .references("units", "id")).field("unit_path", .string, .required)
                .field("role", .string, .required)
                .unique(on: "suggestion_id", "unit_id")
                .create()
            try await database.schema(SuggestionEvent.schema).id()
                .field("suggestion_id", .uuid, .required, .references(Suggestion.schema, "id"))
                .field("action", .string, .required).field("happened_on", .string).field("detail", .string, .required)
                .field("actor", .string, .required).field("created_at", .datetime, .required)
                .create()
            let sql = database as! any SQLDatabase
            try await sql.raw("CREATE INDEX suggestions_scope ON suggestions (lead_unit_path, assigned_on)").run()
            try await sql.raw("CREATE INDEX suggestions_answered ON suggestions (first_answered_on)").run()
            try await sql.raw("CREATE INDEX suggestion_units_unit ON suggestion_units (unit_path)").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(SuggestionEvent.schema).delete()
            try await database.schema(SuggestionUnit.schema).delete()
            try await database.schema(Suggestion.schema).delete()
        }
    }

    static let all: [any Migration] = [Create()]
}

public enum SuggestionSettings {
    public static let answerMonths = RuleSetting("suggestions.answer-months", "代表建议、政协提案办理期限（月）", default: 3, range: 1...6,
                                                 basis: "代表法第五十一条：自交办之日起三个月内答复；政协提案按本地提案工作办法")
    public static let longestMonths = RuleSetting("suggestions.longest-months", "涉及面广、处理难度大的最长期限（月）", default: 6, range: 3...12,
                                                  basis: "代表法第五十一条：应当在六个月内答复")
    public static let rehandleMonths = RuleSetting("suggestions.rehandle-months", "不满意重新办理期限（月）", default: 1, range: 1...6,
                                                   basis: "本地代表建议、政协提案办理办法（🏷）")

    public static let all = [answerMonths, longestMonths, rehandleMonths]
}

public enum SuggestionClocks {
    public static let answer = ClockKind(key: "suggestions.answer", moduleID: "suggestions", rule: ClockRule(
        title: "答复代表建议、政协提案", period: .months(3), basis: "代表法第五十一条"))
    public static let rehandle = ClockKind(key: "suggestions.rehandle", moduleID: "suggestions", rule: ClockRule(
        title: "重新办理代表建议、政协提案", period: .months(1), basis: "本地代表建议、政协提案办理办法（🏷）"))

    public static let all = [answer, rehandle]
}

public enum SuggestionPermissions {
    public static let read = Permission("suggestions.read", "查看代表建议、政协提案")
    public static let handle = Permission("suggestions.handle", "办理代表建议、政协提案")
    /// 交办 and re-assignment: the government office.
    public static let assign = Permission("suggestions.assign", "交办代表建议、政协提案")

    static let all = [read, handle, assign]

    static let grants: [Role: [Permission]] = [
        .supervisor: [read, handle, assign],
        .leader: [read],
        .departmentOfficer: [read, handle],
        .legalReviewer: [read],
        .townshipStaff: [read, handle],
    ]
}
