import Fluent
import Foundation

/// One line of a record's timeline (办理过程): what happened, on which day, by whom. A module's
/// event model conforms, and `Timeline.append` writes the line and its audit row together, so the
/// timeline and the audit trail cannot disagree.
public protocol TimelineEvent: Model where IDValue == UUID {
    init()
    /// The record the line belongs to.
    var recordID: UUID { get set }
    var action: String { get set }
    var happenedOn: String? { get set }
    var detail: String { get set }
    var actor: String { get set }
    var createdAt: Date { get set }
}

public enum Timeline {
    /// Writes a line of `Event` for the record, and the audit row `<module>.<action>` naming it.
    public static func append<Event: TimelineEvent>(_ event: Event.Type, record: UUID, title: String, entityType: String, module: String, action: String,
                                                    on date: String?, detail: String, by principal: Principal, stamp: Date, on db: any Database) async throws {
        let line = Event()
        line.id = .v4()
        line.recordID = record
        line.action = action
        line.happenedOn = date
        line.detail = detail
        line.actor = principal.auditActor.name
        line.createdAt = stamp
        try await line.create(on: db)
        try await AuditLog.append(AuditEvent(action: "\(module).\(action)", entityType: entityType, entityID: record.uuidString,
                                             detail: AuditEvent.stepDetail(title, on: date ?? "", text: detail)),
                                  by: principal.auditActor, at: stamp, on: db)
    }
}
