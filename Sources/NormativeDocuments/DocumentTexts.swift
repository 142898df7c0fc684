import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import SQLKit

/// One version of a document's text: every draft saved is kept, so the reviewer and the public see
/// what changed between the draft put out for comment and the one published.
public final class NormativeDocumentVersion: Model, @unchecked Sendable {
    public static let schema = "normative_document_versions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "document_id") public var documentID: UUID
    @Field(key: "number") public var number: Int
    @Field(key: "body") public var body: String
    @Field(key: "note") public var note: String
    @Field(key: "actor") public var actor: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

/// An opinion sent from the public site on a draft open for comment. The sender's contact details
/// are personal data: sealed at rest, shown to staff only masked, never on a public page.
public final class NormativeDocumentComment: Model, @unchecked Sendable {
    public static let schema = "normative_document_comments"

    @ID(key: .id) public var id: UUID?
    @Field(key: "document_id") public var documentID: UUID
    @Field(key: "body") public var body: String
    @OptionalField(key: "contact_sealed") public var contactSealed: String?
    @OptionalField(key: "contact_masked") public var contactMasked: String?
    @Field(key: "received_at") public var receivedAt: Date

    public init() {}
}

extension DocumentMigrations {
    /// Texts, versions, public opinions, the adoption summary and the 解读; on SQLite a trigram FTS5
    /// index of titles and texts (PostgreSQL searches the table itself: docs/documents.md).
    struct Texts: AsyncMigration {
        var name: String { "documents.002.texts" }

        func prepare(on database: any Database) async throws {
            try await database.schema(NormativeDocument.schema)
                .field("body", .string, .required, .sql(.default(""))).update()
            // The document's row in the SQLite search index (`DocumentSearch.rowid`), kept on both databases.
            try await database.schema(NormativeDocument.schema).field("search_key", .int64).update()
            for column in ["consultation_summary", "interpretation"] {
                try await database.schema(NormativeDocument.schema).field(FieldKey(stringLiteral: column), .string).update()
            }
            try await database.schema(NormativeDocumentVersion.schema).id()
                .field("document_id", .uuid, .required, .references(NormativeDocument.schema, "id"))
                .field("number", .int, .required)
                .field("body", .string, .required)
                .field("note", .string, .required)
                .field("actor", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "document_id", "number")
                .create()
            try await database.schema(NormativeDocumentComment.schema).id()
                .field("document_id", .uuid, .required, .references(NormativeDocument.schema, "id"))
                .field("body", .string, .required)
                .field("contact_sealed", .string)
                .field("contact_masked", .string)
                .field("received_at", .datetime, .required)
                .create()
            let sql = database as! any SQLDatabase
            try await sql.raw("CREATE INDEX normative_document_comments_document ON normative_document_comments (document_id, received_at)").run()
            try await sql.raw("CREATE INDEX normative_documents_search_key ON normative_documents (search_key)").run()
            if sql.dialect.name == "sqlite" {
                try await sql.raw("CREATE VIRTUAL TABLE \(unsafeRaw: DocumentSearch.table) USING fts5(title, body, tokenize = 'trigram')").run()
            }
        }

        func revert(on database: any Database) async throws {
            let sql = database as! any SQLDatabase
            if sql.dialect.name == "sqlite" { try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: DocumentSearch.table)").run() }
            try await sql.raw("DROP INDEX normative_documents_search_key").run()
            try await database.schema(NormativeDocumentComment.schema).delete()
            try await database.schema(NormativeDocumentVersion.schema).delete()
            for column in ["body", "search_key", "consultation_summary", "interpretation"] {
                try await database.schema(NormativeDocument.schema).deleteField(FieldKey(stringLiteral: column)).update()
            }
        }
    }
}

/// Chinese full-text search over titles and texts. A query is up to five words (split at spaces),
/// each of which must occur. SQLite keeps a trigram FTS5 index (a word of three or more characters
/// is found through it; shorter words scan); PostgreSQL compares the texts in the table
/// (`strpos`), which a county's few thousand documents afford; a province adds a trigram index
/// (docs/documents.md).
public enum DocumentSearch {
    static let table = "normative_document_search"
    public static let maximumWords = 5
    public static let maximumLength = 100

    /// The words of a query, trimmed and bounded.
    public static func words(_ query: String?) -> [String] {
        let text = String((query ?? "").prefix(maximumLength))
        return Array(text.split(whereSeparator: { $0.isWhitespace }).map(String.init).prefix(maximumWords))
    }

    /// The FTS row of a document: its UUID's first 63 bits, stable across VACUUM (an implicit rowid
    /// is not) and unique in practice (two documents share one with odds of 1 in 2⁶³ per pair).
    static func rowid(_ id: UUID) -> Int64 {
        let bytes = id.uuid
        let high = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5, bytes.6, bytes.7].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int64(bitPattern: high & UInt64(Int64.max))
    }

    /// Writes the document's title and text to the index (SQLite; PostgreSQL reads the table).
    static func index(_ row: NormativeDocument, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        let key = rowid(row.id!)
        try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE rowid = \(bind: key)").run()
        try await sql.raw("INSERT INTO \(unsafeRaw: table) (rowid, title, body) VALUES (\(bind: key), \(bind: row.title), \(bind: row.body))").run()
    }

    /// Narrows `select` (over `normative_documents`) to the documents whose title or text holds every word.
    static func filter(_ select: SQLSelectBuilder, words: [String], on db: any Database) {
        let sqlite = (db as? any SQLDatabase)?.dialect.name == "sqlite"
        let position = sqlite ? "instr" : "strpos"
        for word in words {
            if sqlite && word.count >= 3 {
                // An FTS5 phrase: the word in double quotes, its own quotes doubled.
                let phrase = "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                select.where(SQLQueryString("search_key IN (SELECT rowid FROM \(unsafeRaw: table) WHERE \(unsafeRaw: table) MATCH \(bind: phrase))"))
            } else {
                select.where(SQLQueryString("(\(unsafeRaw: position)(lower(title), lower(\(bind: word))) > 0 OR \(unsafeRaw: position)(lower(body), lower(\(bind: word))) > 0)"))
            }
        }
    }
}

extension DocumentService {
    /// The longest text a version may hold (a normative document runs to a few tens of thousands of characters).
    public static let maximumBodyLength = 200_000

    /// Saves `body` as the draft's next version (`DocumentRules.checkRevision`): the version, the
    /// current text, the search index, the timeline line and the audit row in one transaction.
    @discardableResult
    public static func revise(_ id: UUID, body: String?, note: String?, by principal: Principal, services: FazhiServices,
                              on db: any Database) async throws -> NormativeDocumentVersion {
        var validator = Validator()
        let text = validator.required(body, field: "body", label: "文本", maxLength: maximumBodyLength)
        let note = validator.optional(note, field: "note", label: "修改说明", maxLength: 500) ?? ""
        try validator.check()
        let stamp = services.now
        return try await db.write { tx in
            let row = try await NormativeDocument.find(id, for: principal, on: tx)
            try DocumentRules.checkRevision(row.state)
            let last = try await NormativeDocumentVersion.query(on: tx).filter(\.$documentID == id).max(\.$number) ?? 0
            let version = NormativeDocumentVersion()
            version.id = .v4()
            version.documentID = id
            version.number = last + 1
            version.body = text
            version.note = note
            version.actor = principal.auditActor.name
            version.createdAt = stamp
            try await version.create(on: tx)
            row.body = text
            row.searchKey = DocumentSearch.rowid(id)
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await DocumentSearch.index(row, on: tx)
            try await log(row, "revise", on: nil, detail: "保存第\(version.number)稿（\(text.count)字）" + (note.isEmpty ? "" : "：\(note)"), by: principal, stamp: stamp, on: tx)
            return version
        }
    }

    /// The 政策解读 published with the document (after publication).
    public static func interpret(_ id: UUID, text: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        var validator = Validator()
        let text = validator.required(text, field: "interpretation", label: "政策解读", maxLength: 20_000)
        try validator.check()
        let stamp = services.now
        try await db.write { tx in
            let row = try await NormativeDocument.find(id, for: principal, on: tx)
            guard row.stage == DocumentStage.published.rawValue else {
                throw ValidationFailure(field: "interpretation", label: "政策解读", message: "文件公布后才能发布解读")
            }
            row.interpretation = text
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await log(row, "interpret", on: nil, detail: "发布政策解读（\(text.count)字）", by: principal, stamp: stamp, on: tx)
        }
    }

    /// An opinion on a draft open for comment, from the public site: the text is kept as sent, the
    /// contact details sealed (and masked for staff); the audit row names no one but the address.
    @discardableResult
    public static func receiveComment(on id: UUID, body: String?, contact: String?, from address: String, services: FazhiServices,
                                      on db: any Database) async throws -> NormativeDocumentComment {
        var validator = Validator()
        let text = validator.required(body, field: "body", label: "意见", maxLength: 5_000)
        let contact = validator.optional(contact, field: "contact", label: "联系方式", maxLength: 100)
        try validator.check()
        let stamp = services.now
        let sealed = try contact.map { try services.cipher.seal($0) }
        return try await db.write { tx in
            guard let row = try await NormativeDocument.find(id, on: tx) else {
                throw ValidationFailure(field: "body", label: "意见", message: "该文件当前未公开征求意见")
            }
            try DocumentRules.checkComment(row.state, today: CivilDateTime(stamp).date)
            let comment = NormativeDocumentComment()
            comment.id = .v4()
            comment.documentID = id
            comment.body = text
            comment.contactSealed = sealed
            comment.contactMasked = contact.map(Masking.contact)
            comment.receivedAt = stamp
            try await comment.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "documents.comment", entityType: NormativeDocumentComment.schema, entityID: comment.id!.uuidString,
                                                 detail: "公开征求意见：\(row.title)（\(text.count)字）"),
                                      by: .anonymous(ip: address), at: stamp, on: tx)
            return comment
        }
    }
}
