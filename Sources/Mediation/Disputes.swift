import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit

/// A mediation body: a 人民调解委员会 at one of the three levels or a professional one, in a unit
/// (the county centre in the justice bureau's tree, a township's, a village's).
public final class MediationBody: Model, @unchecked Sendable {
    public static let schema = "mediation_bodies"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "level") public var level: String
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    /// Mediators, 专职 among them (人民调解法第十三条).
    @Field(key: "mediators") public var mediators: Int
    @Field(key: "full_time") public var fullTime: Int
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var mediationLevel: MediationLevel { MediationLevel(rawValue: level) ?? .village }
}

extension MediationBody: UnitScoped {
    public static var unitPathField: KeyPath<MediationBody, FieldProperty<MediationBody, String>> { \.$unitPath }
}

/// A dispute in one body: the parties sealed (masked beside them for lists), the state
/// `MediationRules` reads, column by column.
public final class Dispute: Model, @unchecked Sendable {
    public static let schema = "disputes"

    @ID(key: .id) public var id: UUID?
    @Field(key: "number") public var number: String
    @Field(key: "body_id") public var bodyID: UUID
    @Field(key: "level") public var level: String
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "source") public var source: String
    @Field(key: "category") public var category: String
    @Field(key: "parties_sealed") public var partiesSealed: String
    @Field(key: "parties_masked") public var partiesMasked: String
    @Field(key: "summary") public var summary: String
    /// The amount in dispute or agreed, in yuan.
    @Field(key: "amount_yuan") public var amountYuan: Int
    @Field(key: "accepted_on") public var acceptedOn: String
    @Field(key: "sessions") public var sessions: String
    @OptionalField(key: "outcome") public var outcome: String?
    @OptionalField(key: "ended_on") public var endedOn: String?
    @Field(key: "routes") public var routes: String
    @OptionalField(key: "agreement_effective_on") public var agreementEffectiveOn: String?
    @OptionalField(key: "confirmation_due_on") public var confirmationDueOn: String?
    @OptionalField(key: "confirmation_applied_on") public var confirmationAppliedOn: String?
    @OptionalField(key: "confirmed") public var confirmed: Bool?
    @OptionalField(key: "performed_on") public var performedOn: String?
    @OptionalField(key: "revisited_on") public var revisitedOn: String?
    /// The dispute it was escalated from, at the level below.
    @OptionalField(key: "escalated_from") public var escalatedFrom: UUID?
    /// The mediator leading it, registered in its body.
    @OptionalField(key: "mediator_id") public var mediatorID: UUID?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { MediationRoute.record.path(id!) }

    public var state: DisputeState {
        var state = DisputeState(acceptedOn: CivilDate(acceptedOn)!)
        state.sessions = sessions.split(separator: ",").compactMap { CivilDate(String($0)) }
        state.outcome = outcome.flatMap(MediationOutcome.init(rawValue:))
        state.endedOn = endedOn.flatMap(CivilDate.init)
        state.routes = routes.split(separator: ",").compactMap { OtherRoute(rawValue: String($0)) }
        state.agreementEffectiveOn = agreementEffectiveOn.flatMap(CivilDate.init)
        state.confirmationAppliedOn = confirmationAppliedOn.flatMap(CivilDate.init)
        state.confirmed = confirmed
        state.performedOn = performedOn.flatMap(CivilDate.init)
        state.revisitedOn = revisitedOn.flatMap(CivilDate.init)
        return state
    }

    func apply(_ state: DisputeState, calendar: WorkCalendar) {
        sessions = state.sessions.map(\.description).joined(separator: ",")
        outcome = state.outcome?.rawValue
        endedOn = state.endedOn?.description
        routes = state.routes.map(\.rawValue).joined(separator: ",")
        agreementEffectiveOn = state.agreementEffectiveOn?.description
        confirmationDueOn = MediationRules.confirmationDue(state, calendar: calendar)?.description
        confirmationAppliedOn = state.confirmationAppliedOn?.description
        confirmed = state.confirmed
        performedOn = state.performedOn?.description
        revisitedOn = state.revisitedOn?.description
    }
}

extension Dispute: UnitScoped {
    public static var unitPathField: KeyPath<Dispute, FieldProperty<Dispute, String>> { \.$unitPath }
}

extension Dispute: ClockOwner {}

public final class DisputeEvent: TimelineEvent, @unchecked Sendable {
    public static let schema = "dispute_events"

    @ID(key: .id) public var id: UUID?
    @Field(key: "dispute_id") public var disputeID: UUID
    @Field(key: "action") public var action: String
    @OptionalField(key: "happened_on") public var happenedOn: String?
    @Field(key: "detail") public var detail: String
    @Field(key: "actor") public var actor: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var recordID: UUID {
        get { disputeID }
        set { disputeID = newValue }
    }
}

enum MediationMigrations {
    struct Create: AsyncMigration {
        var name: String { "mediation.001.disputes" }

        func prepare(on database: any Database) async throws {
            try await database.schema(MediationBody.schema).id()
                .field("name", .string, .required).field("level", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id")).field("unit_path", .string, .required)
                .field("mediators", .int, .required).field("full_time", .int, .required).field("created_at", .datetime, .required)
                .unique(on: "name")
                .create()
            try await database.schema(Dispute.schema).id()
                .field("number", .string, .required)
                .field("body_id", .uuid, .required, .references(MediationBody.schema, "id"))
                .field("level", .string, .required).field("unit_path", .string, .required)
                .field("source", .string, .required).field("category", .string, .required)
                .field("parties_sealed", .string, .required).field("parties_masked", .string, .required).field("summary", .string, .required)
                .field("amount_yuan", .int, .required).field("accepted_on", .string, .required).field("sessions", .string, .required)
                .field("outcome", .string).field("ended_on", .string).field("routes", .string, .required)
                .field("agreement_effective_on", .string).field("confirmation_due_on", .string).field("confirmation_applied_on", .string)
                .field("confirmed", .bool).field("performed_on", .string).field("revisited_on", .string)
                .field("escalated_from", .uuid, .references(Dispute.schema, "id"))
                .field("created_at", .datetime, .required).field("updated_at", .datetime, .required)
                .unique(on: "number")
                .create()
            try await database.schema(DisputeEvent.schema).id()
                .field("dispute_id", .uuid, .required, .references(Dispute.schema, "id"))
                .field("action", .string, .required).field("happened_on", .string).field("detail", .string, .required)
                .field("actor", .string, .required).field("created_at", .datetime, .required)
                .create()
            let sql = database as! any SQLDatabase
            try await sql.raw("CREATE INDEX disputes_scope ON disputes (unit_path, accepted_on)").run()
            try await sql.raw("CREATE INDEX disputes_ended ON disputes (unit_path, ended_on)").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(DisputeEvent.schema).delete()
            try await database.schema(Dispute.schema).delete()
            try await database.schema(MediationBody.schema).delete()
        }
    }

    static let all: [any Migration] = [Create(), Mediators()]
}

public enum MediationClocks {
    /// 人民调解工作若干规定第三十三条: settled within a month in general.
    public static let settle = ClockKind(key: "mediation.settle", moduleID: "mediation", rule: ClockRule(
        title: "调结纠纷", period: .days(MediationRules.settleDays), basis: "人民调解工作若干规定第三十三条（一般在一个月内调结）"))
    public static let all = [settle]
}

public enum MediationPermissions {
    public static let read = Permission("mediation.read", "查看矛盾纠纷调解")
    public static let handle = Permission("mediation.handle", "办理矛盾纠纷调解")
    /// The justice bureau keeps the bodies (人民调解法第十条).
    public static let bodies = Permission("mediation.bodies", "管理人民调解组织")

    static let all = [read, handle, bodies]

    static let grants: [Role: [Permission]] = [
        .supervisor: [read, handle, bodies],
        .leader: [read],
        .townshipStaff: [read, handle],
    ]
}
