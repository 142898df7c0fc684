import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit

/// A 清理 campaign: the documents in force reviewed one by one, each kept, to be amended, repealed
/// or declared invalid, with its reason.
public final class DocumentCleanup: Model, @unchecked Sendable {
    public static let schema = "document_cleanups"

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "started_on") public var startedOn: String
    @OptionalField(key: "finished_on") public var finishedOn: String?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var link: String { DocumentRoute.cleanup.path(id!) }
}

extension DocumentCleanup: UnitScoped {
    public static var unitPathField: KeyPath<DocumentCleanup, FieldProperty<DocumentCleanup, String>> { \.$unitPath }
}

public final class DocumentCleanupResult: Model, @unchecked Sendable {
    public static let schema = "document_cleanup_results"

    @ID(key: .id) public var id: UUID?
    @Field(key: "cleanup_id") public var cleanupID: UUID
    @Field(key: "document_id") public var documentID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "result") public var result: String
    @Field(key: "reason") public var reason: String
    @Field(key: "decided_on") public var decidedOn: String

    public init() {}
}

/// A citizen's 异议 or 审查建议 on a published document, sent from the public site, and the
/// justice bureau's answer. The sender's contact is sealed and shown to staff only masked.
public final class DocumentObjection: Model, @unchecked Sendable {
    public static let schema = "normative_document_objections"

    @ID(key: .id) public var id: UUID?
    @Field(key: "document_id") public var documentID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "body") public var body: String
    @OptionalField(key: "contact_sealed") public var contactSealed: String?
    @OptionalField(key: "contact_masked") public var contactMasked: String?
    @Field(key: "received_on") public var receivedOn: String
    @OptionalField(key: "answered_on") public var answeredOn: String?
    @OptionalField(key: "answer") public var answer: String?
    @OptionalField(key: "upheld") public var upheld: Bool?

    public init() {}

    public var link: String { DocumentRoute.objection.path(id!) }
}

extension DocumentObjection: ClockOwner {}

extension DocumentMigrations {
    /// 宣布失效, 已修改, 备案审查 results, 清理 campaigns and citizens' objections.
    struct Lifecycle: AsyncMigration {
        var name: String { "documents.003.lifecycle" }

        func prepare(on database: any Database) async throws {
            for column in ["invalidated_on", "amended_on", "filing_review"] {
                try await database.schema(NormativeDocument.schema).field(FieldKey(stringLiteral: column), .string).update()
            }
            for column in ["amended_by", "amends_id"] {
                try await database.schema(NormativeDocument.schema).field(FieldKey(stringLiteral: column), .uuid).update()
            }
            try await database.schema(DocumentCleanup.schema).id()
                .field("title", .string, .required)
                .field("unit_path", .string, .required)
                .field("started_on", .string, .required)
                .field("finished_on", .string)
                .field("created_at", .datetime, .required)
                .create()
            try await database.schema(DocumentCleanupResult.schema).id()
                .field("cleanup_id", .uuid, .required, .references(DocumentCleanup.schema, "id"))
                .field("document_id", .uuid, .required, .references(NormativeDocument.schema, "id"))
                .field("unit_path", .string, .required)
                .field("result", .string, .required)
                .field("reason", .string, .required)
                .field("decided_on", .string, .required)
                .unique(on: "cleanup_id", "document_id")
                .create()
            try await database.schema(DocumentObjection.schema).id()
                .field("document_id", .uuid, .required, .references(NormativeDocument.schema, "id"))
                .field("unit_path", .string, .required)
                .field("body", .string, .required)
                .field("contact_sealed", .string)
                .field("contact_masked", .string)
                .field("received_on", .string, .required)
                .field("answered_on", .string)
                .field("answer", .string)
                .field("upheld", .bool)
                .create()
        }

        func revert(on database: any Database) async throws {
            for schema in [DocumentObjection.schema, DocumentCleanupResult.schema, DocumentCleanup.schema] { try await database.schema(schema).delete() }
            for column in ["invalidated_on", "amended_on", "filing_review", "amended_by", "amends_id"] {
                try await database.schema(NormativeDocument.schema).deleteField(FieldKey(stringLiteral: column)).update()
            }
        }
    }
}

extension DocumentClocks {
    /// The answer to a citizen's 审查建议 (🏷 the province's period; default 30 days ⚠️).
    public static let objection = ClockKind(key: "documents.objection", moduleID: "documents", rule: ClockRule(
        title: "规范性文件审查建议答复", period: .days(30), basis: "法规规章备案审查条例及本省规定"))
}

extension DocumentSettings {
    /// How long before a document's validity ends the drafting unit is warned (评估 and 续期 or 修改 take months).
    public static let expiryWarning = RuleSetting("documents.expiry-warning-days", "规范性文件有效期届满提醒（日）", default: 180, range: 1...730, basis: "本平台默认")
    public static let objection = RuleSetting("documents.objection-days", "规范性文件审查建议答复期限（日）", default: 30, range: 1...180, basis: "法规规章备案审查条例及本省规定")
}

public enum CleanupService {
    /// Opens a 清理 campaign of the caller's units.
    @discardableResult
    public static func start(title: String?, on date: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> DocumentCleanup {
        var validator = Validator()
        let title = validator.required(title, field: "title", label: "清理名称", maxLength: 200)
        let day = CivilDate(validator.required(date, field: "on", label: "开始日期", maxLength: 10))
        if day == nil { validator.add("on", "开始日期", FormFields.dateRule) }
        try validator.check()
        let stamp = services.now
        return try await db.write { tx in
            let row = DocumentCleanup()
            row.id = .v4()
            row.title = title
            row.unitPath = principal.scopePrefix ?? "/"
            row.startedOn = day!.description
            row.createdAt = stamp
            try await row.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "documents.cleanup-start", entityType: DocumentCleanup.schema, entityID: row.id!.uuidString, detail: "开展清理：\(title)"),
                                      by: principal.auditActor, at: stamp, on: tx)
            return row
        }
    }

    /// The campaign's verdict on one document (`DocumentRules.checkCleanup`); 废止 and 宣布失效 are
    /// carried out on the document at once, through its own steps.
    public static func decide(_ cleanupID: UUID, document documentID: UUID, result: String?, reason: String?, on date: String?, by principal: Principal,
                              services: FazhiServices, on db: any Database) async throws {
        guard let result = CleanupResult(rawValue: result ?? "") else { throw ValidationFailure(field: "result", label: "清理结果", message: "请选择清理结果") }
        guard let day = CivilDate(date ?? "") else { throw ValidationFailure(field: "on", label: "日期", message: FormFields.dateRule) }
        let reason = (reason ?? "").trimmingCharacters(in: .whitespaces)
        let stamp = services.now
        try await db.write { tx in
            let cleanup = try await DocumentCleanup.find(cleanupID, for: principal, on: tx)
            guard cleanup.finishedOn == nil else { throw ValidationFailure(field: "result", label: "清理结果", message: "清理已于\(cleanup.finishedOn!)结束") }
            let document = try await NormativeDocument.find(documentID, for: principal, on: tx)
            guard day.description >= cleanup.startedOn, day <= CivilDateTime(stamp).date else {
                throw ValidationFailure(field: "on", label: "日期", message: "应在清理开始日期 \(cleanup.startedOn) 与今天之间")
            }
            if try await DocumentCleanupResult.query(on: tx).filter(\.$cleanupID == cleanupID).filter(\.$documentID == documentID).count() > 0 {
                throw ValidationFailure(field: "document", label: "文件", message: "本次清理已对该文件作出结论")
            }
            try DocumentRules.checkCleanup(result, reason: reason, state: document.state, on: day)
            let row = DocumentCleanupResult()
            row.id = .v4()
            row.cleanupID = cleanupID
            row.documentID = documentID
            row.unitPath = document.unitPath
            row.result = result.rawValue
            row.reason = reason
            row.decidedOn = day.description
            try await row.create(on: tx)
            switch result {
            case .repeal: try await DocumentService.perform(.repeal(on: day, reason: "\(cleanup.title)：\(reason)"), on: documentID, by: principal, services: services, on: tx)
            case .invalidate: try await DocumentService.perform(.declareInvalid(on: day, reason: "\(cleanup.title)：\(reason)"), on: documentID, by: principal, services: services, on: tx)
            case .keep, .amend:
                try await DocumentService.log(document, "cleanup", on: day, detail: "\(cleanup.title)：\(result.label)" + (reason.isEmpty ? "" : "（\(reason)）"),
                                              by: principal, stamp: stamp, on: tx)
            }
        }
    }

    public static func finish(_ id: UUID, on date: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        guard let day = CivilDate(date ?? "") else { throw ValidationFailure(field: "on", label: "日期", message: FormFields.dateRule) }
        let stamp = services.now
        try await db.write { tx in
            let cleanup = try await DocumentCleanup.find(id, for: principal, on: tx)
            guard cleanup.finishedOn == nil, day.description >= cleanup.startedOn, day <= CivilDateTime(stamp).date else {
                throw ValidationFailure(field: "on", label: "日期", message: "应在清理开始日期 \(cleanup.startedOn) 与今天之间，且清理尚未结束")
            }
            cleanup.finishedOn = day.description
            try await cleanup.update(on: tx)
            let counts = try await DocumentCleanupResult.query(on: tx).filter(\.$cleanupID == id).count()
            try await AuditLog.append(AuditEvent(action: "documents.cleanup-finish", entityType: DocumentCleanup.schema, entityID: id.uuidString,
                                                 detail: "清理结束：\(cleanup.title)，清理文件\(counts)件"), by: principal.auditActor, at: stamp, on: tx)
        }
    }
}

public enum ObjectionService {
    /// A citizen's 异议 or 审查建议 from the public site on a published document: kept as sent, the
    /// contact sealed; the answer's clock opens (🏷).
    @discardableResult
    public static func receive(on id: UUID, body: String?, contact: String?, from address: String, services: FazhiServices, on db: any Database) async throws -> DocumentObjection {
        var validator = Validator()
        let text = validator.required(body, field: "objection", label: "异议或审查建议", maxLength: 5_000)
        let contact = validator.optional(contact, field: "objectionContact", label: "联系方式", maxLength: 100)
        try validator.check()
        let stamp = services.now
        let today = CivilDateTime(stamp).date
        let sealed = try contact.map { try services.cipher.seal($0) }
        return try await db.write { tx in
            guard let document = try await NormativeDocument.find(id, on: tx), document.stage == DocumentStage.published.rawValue else {
                throw ValidationFailure(field: "objection", label: "异议或审查建议", message: "只能对已公布、未废止的文件提出")
            }
            let row = DocumentObjection()
            row.id = .v4()
            row.documentID = id
            row.unitPath = document.unitPath
            row.body = text
            row.contactSealed = sealed
            row.contactMasked = contact.map(Masking.contact)
            row.receivedOn = today.description
            try await row.create(on: tx)
            var rule = DocumentClocks.objection.rule
            rule.period = .days(services.rule(DocumentSettings.objection))
            try await ClockService.open(kind: DocumentClocks.objection.key, unitID: document.unitID, title: "\(document.title) 审查建议答复", record: row.clockRecord,
                                        start: CivilDateTime(date: today), startReason: "收到审查建议", rule: rule, by: .system("公众"), services: services, on: tx)
            try await AuditLog.append(AuditEvent(action: "documents.objection", entityType: DocumentObjection.schema, entityID: row.id!.uuidString,
                                                 detail: "审查建议：\(document.title)（\(text.count)字）"), by: .anonymous(ip: address), at: stamp, on: tx)
            return row
        }
    }

    /// The justice bureau's answer: whether the objection was upheld (the document to be corrected) and why.
    public static func answer(_ id: UUID, on date: String?, upheld: Bool, text: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        guard principal.has(DocumentPermissions.review) else {
            throw ValidationFailure(field: "answer", label: "答复", message: "审查建议由司法行政部门（备案审查机关）审查答复")
        }
        var validator = Validator()
        let text = validator.required(text, field: "answer", label: "答复", maxLength: 5_000)
        let day = CivilDate(validator.required(date, field: "on", label: "日期", maxLength: 10))
        if day == nil { validator.add("on", "日期", FormFields.dateRule) }
        try validator.check()
        let stamp = services.now
        try await db.write { tx in
            guard let row = try await DocumentObjection.find(id, on: tx), principal.covers(unitPath: row.unitPath) else {
                throw ScopeDenied(entityType: DocumentObjection.schema, entityID: id.uuidString)
            }
            guard row.answeredOn == nil else { throw ValidationFailure(field: "answer", label: "答复", message: "已于\(row.answeredOn!)答复") }
            guard let day, day.description >= row.receivedOn, day <= CivilDateTime(stamp).date else {
                throw ValidationFailure(field: "on", label: "日期", message: "应在收到日期 \(row.receivedOn) 与今天之间")
            }
            row.answeredOn = day.description
            row.answer = text
            row.upheld = upheld
            try await row.update(on: tx)
            try await ClockService.recordOnOpen(.complete(CivilDateTime(date: day), reason: "已答复"), kind: DocumentClocks.objection.key, record: row.clockRecord,
                                                by: principal, services: services, on: tx)
            try await AuditLog.append(AuditEvent(action: "documents.objection-answer", entityType: DocumentObjection.schema, entityID: id.uuidString,
                                                 detail: (upheld ? "审查建议成立：" : "审查建议不成立：") + text), by: principal.auditActor, at: stamp, on: tx)
        }
    }
}
