import Crypto
import FazhiCore
import Fluent
import Foundation
import Vapor

/// A file kept with a document: its 起草说明, the report on the consultation (征求意见情况), or other
/// material. Documents are public information: once the document is published, the 起草说明 and the
/// consultation report are on its public page; other material stays with staff.
public final class DocumentAttachment: Model, @unchecked Sendable {
    public static let schema = "normative_document_attachments"

    @ID(key: .id) public var id: UUID?
    @Field(key: "document_id") public var documentID: UUID
    @Field(key: "kind") public var kind: String
    @Field(key: "filename") public var filename: String
    @Field(key: "size") public var size: Int
    @Field(key: "sha256") public var sha256: String
    @Field(key: "data") public var data: Data
    @Field(key: "uploaded_by") public var uploadedBy: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

public enum AttachmentKind: String, Sendable, CaseIterable {
    case draftingNote, consultationReport, other

    public var label: String {
        switch self {
        case .draftingNote: "起草说明"
        case .consultationReport: "征求意见情况"
        case .other: "其他材料"
        }
    }

    /// Published with the document.
    public var isPublic: Bool { self != .other }
}

extension DocumentMigrations {
    struct Attachments: AsyncMigration {
        var name: String { "documents.004.attachments" }

        func prepare(on database: any Database) async throws {
            try await database.schema(DocumentAttachment.schema).id()
                .field("document_id", .uuid, .required, .references(NormativeDocument.schema, "id"))
                .field("kind", .string, .required)
                .field("filename", .string, .required)
                .field("size", .int, .required)
                .field("sha256", .string, .required)
                .field("data", .data, .required)
                .field("uploaded_by", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(DocumentAttachment.schema).delete()
        }
    }
}

enum DocumentAttachmentPages {
    static let maxBytes = 20 * 1024 * 1024

    struct Upload: Content {
        var file: File?
        var kind: String?
    }

    static func register(_ router: ModuleRouter) {
        router.page(.POST, DocumentRoute.attachments, permission: DocumentPermissions.manage, body: .collect(maxSize: "22mb")) { req async throws -> Response in
            let principal = try req.caller
            let row = try await NormativeDocument.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
            let upload = try req.content.decode(Upload.self)
            guard let kind = AttachmentKind(rawValue: upload.kind ?? "") else { throw ValidationFailure(field: "kind", label: "材料类别", message: "请选择材料类别") }
            guard let file = upload.file, file.data.readableBytes > 0 else { throw ValidationFailure(field: "file", label: "附件", message: "请选择要上传的文件") }
            guard file.data.readableBytes <= maxBytes else { throw ValidationFailure(field: "file", label: "附件", message: "单个文件不能超过20MB") }
            guard let name = UploadName.valid(file.filename) else { throw ValidationFailure(field: "file", label: "附件", message: UploadName.rule) }
            let bytes = Data(buffer: file.data)
            let digest = Data(SHA256.hash(data: bytes)).hexString
            let stamp = req.fazhi.now
            try await req.db.write { tx in
                let attachment = DocumentAttachment()
                attachment.id = .v4()
                attachment.documentID = row.id!
                attachment.kind = kind.rawValue
                attachment.filename = name
                attachment.size = bytes.count
                attachment.sha256 = digest
                attachment.data = bytes
                attachment.uploadedBy = principal.auditActor.name
                attachment.createdAt = stamp
                try await attachment.create(on: tx)
                try await DocumentService.log(row, "attachment", on: nil, detail: "上传\(kind.label)“\(name)”（\(bytes.count)字节，SHA-256 \(digest.prefix(16))…）",
                                              by: principal, stamp: stamp, on: tx)
            }
            return Layout.redirect(req, to: row.link, notice: "已上传\(kind.label)")
        }
        router.page(.GET, DocumentRoute.attachment, permission: DocumentPermissions.read) { req async throws -> Response in
            let row = try await NormativeDocument.find(try req.parameters.require("id", as: UUID.self), for: try req.caller, on: req.db)
            return try await download(req, document: row, publicOnly: false)
        }
        router.open(.GET, PortalRoute.documentAttachment) { req async throws -> Response in
            guard let id = req.parameters.get("id", as: UUID.self), let row = try await NormativeDocument.find(id, on: req.db),
                  [DocumentStage.published.rawValue, DocumentStage.repealed.rawValue].contains(row.stage) else { throw Abort(.notFound) }
            return try await download(req, document: row, publicOnly: true)
        }
    }

    static func download(_ req: Request, document: NormativeDocument, publicOnly: Bool) async throws -> Response {
        guard let attachment = try await DocumentAttachment.find(try req.parameters.require("attachment", as: UUID.self), on: req.db),
              attachment.documentID == document.id, !publicOnly || AttachmentKind(rawValue: attachment.kind)?.isPublic == true else { throw Abort(.notFound) }
        return Response.upload(attachment.data, filename: attachment.filename, fallback: "attachment-\(attachment.id!.uuidString.prefix(8))")
    }

    /// The attachments' list on a document page, and (for staff who manage it) the upload form.
    static func section(_ document: NormativeDocument, attachments: [DocumentAttachment], publicPage: Bool, canUpload: Bool, csrf: String) -> [Node] {
        let shown = publicPage ? attachments.filter { AttachmentKind(rawValue: $0.kind)?.isPublic == true } : attachments
        var nodes: [Node] = []
        if !shown.isEmpty {
            nodes.append(UI.simpleTable(caption: "附件", headers: ["类别", "文件", "大小"], rows: shown.map {
                let path = publicPage ? PortalRoute.documentAttachment.path(document.id!, $0.id!) : DocumentRoute.attachment.path(document.id!, $0.id!)
                return [.text(AttachmentKind(rawValue: $0.kind)?.label ?? $0.kind), link($0.filename, path), .text("\($0.size)字节")]
            }))
        }
        if canUpload {
            nodes.append(UI.form(action: DocumentRoute.attachments.path(document.id!), csrf: csrf, multipart: true, [
                el("h2", text: "上传附件"),
                UI.select("材料类别", name: "kind", options: AttachmentKind.allCases.map { ($0.rawValue, $0.label + ($0.isPublic ? "（随文件公开）" : "（不公开）")) }, selected: nil),
                el("div", [.cls("field")], [
                    el("label", [Attribute("for", "f-attachment")], text: "文件（不超过20MB）"),
                    .void("input", [.id("f-attachment"), .name("file"), .type("file"), .flag("required")]),
                ]),
                el("button", [.type("submit")], text: "上传"),
            ]))
        }
        return nodes
    }
}
