import FazhiCore
import Fluent
import Foundation

/// A 人民调解员 (人民调解法第十三条: the committee's members and the mediators it engages), registered
/// in one body: full-time or part-time, and what they bring (退休法官、律师、村干部 …). A dispute names
/// the mediator who leads it.
public final class Mediator: Model, @unchecked Sendable {
    public static let schema = "mediators"

    @ID(key: .id) public var id: UUID?
    @Field(key: "body_id") public var bodyID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "name") public var name: String
    @Field(key: "full_time") public var fullTime: Bool
    @Field(key: "background") public var background: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

extension Mediator: UnitScoped {
    public static var unitPathField: KeyPath<Mediator, FieldProperty<Mediator, String>> { \.$unitPath }
}

extension MediationMigrations {
    struct Mediators: AsyncMigration {
        var name: String { "mediation.002.mediators" }

        func prepare(on database: any Database) async throws {
            try await database.schema(Mediator.schema).id()
                .field("body_id", .uuid, .required, .references(MediationBody.schema, "id")).field("unit_path", .string, .required)
                .field("name", .string, .required).field("full_time", .bool, .required).field("background", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "body_id", "name")
                .create()
            try await AddColumns("mediation.002.mediators", table: Dispute.schema, ["mediator_id UUID"]).prepare(on: database)
        }

        func revert(on database: any Database) async throws {
            try await AddColumns("mediation.002.mediators", table: Dispute.schema, ["mediator_id UUID"]).revert(on: database)
            try await database.schema(Mediator.schema).delete()
        }
    }
}

extension MediationService {
    /// Registers a mediator in a body (the bureau keeps the bodies and their mediators, 人民调解法第十条、第十三条).
    @discardableResult
    public static func addMediator(bodyName: String?, name: String?, fullTime: Bool, background: String?, by principal: Principal, services: FazhiServices,
                                   on db: any Database) async throws -> Mediator {
        guard principal.has(MediationPermissions.bodies) else { throw ValidationFailure(field: "mediatorName", label: "调解员", message: "由司法行政部门登记") }
        var validator = Validator()
        let bodyText = validator.required(bodyName, field: "mediatorBody", label: "调解组织", maxLength: 100)
        let person = validator.required(name, field: "mediatorName", label: "调解员姓名", maxLength: 50)
        let note = (background ?? "").trimmingCharacters(in: .whitespaces)
        if note.count > 200 { validator.add("background", "专业背景", "不超过200字") }
        var body: MediationBody?
        if !bodyText.isEmpty { body = try await MediationBody.query(on: db).filter(\.$name == bodyText).first(); if body == nil { validator.add("mediatorBody", "调解组织", "没有名为“\(bodyText)”的调解组织") } }
        try validator.check()
        guard let body, principal.covers(unitPath: body.unitPath) else { throw ScopeDenied(entityType: MediationBody.schema, entityID: bodyText) }
        let stamp = services.now
        return try await db.write { tx in
            if try await Mediator.query(on: tx).filter(\.$bodyID == body.id!).filter(\.$name == person).first() != nil {
                throw ValidationFailure(field: "mediatorName", label: "调解员姓名", message: "\(body.name)已登记“\(person)”")
            }
            let row = Mediator()
            row.bodyID = body.id!
            row.unitPath = body.unitPath
            row.name = person
            row.fullTime = fullTime
            row.background = note
            row.createdAt = stamp
            try await row.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "mediation.mediator", entityType: Mediator.schema, entityID: row.id!.uuidString,
                                                 detail: "\(body.name)登记调解员\(person)（\(fullTime ? "专职" : "兼职")）"), by: principal.auditActor, at: stamp, on: tx)
            return row
        }
    }
}
