import Crypto
import FazhiCore
import Fluent
import Foundation
import Vapor

/// A file of a case (the application, evidence, the respondent's reply …). Applications carry
/// personal data, so the bytes are encrypted at rest like every other personal field; the SHA-256
/// of the original lets an inspector check a copy against the record.
public final class ReconsiderationAttachment: Model, @unchecked Sendable {
    public static let schema = "reconsideration_attachments"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "case_id") public var reconsiderationCase: ReconsiderationCase
    @Field(key: "filename") public var filename: String
    @Field(key: "content_type") public var contentType: String
    @Field(key: "size") public var size: Int
    @Field(key: "sha256") public var sha256: String
    @Field(key: "sealed") public var sealed: Data
    @Field(key: "uploaded_by") public var uploadedBy: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

extension ReconsiderationMigrations {
    struct CreateAttachments: AsyncMigration {
        var name: String { "reconsideration.003.attachments" }

        func prepare(on database: any Database) async throws {
            try await database.schema("reconsideration_attachments")
                .id()
                .field("case_id", .uuid, .required, .references("reconsideration_cases", "id"))
                .field("filename", .string, .required)
                .field("content_type", .string, .required)
                .field("size", .int, .required)
                .field("sha256", .string, .required)
                .field("sealed", .data, .required)
                .field("uploaded_by", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("reconsideration_attachments").delete()
        }
    }
}

enum AttachmentPages {
    static let maxBytes = 10 * 1024 * 1024

    struct Upload: Content {
        var file: File?
    }

    static func register(_ router: ModuleRouter) {
        router.page(.POST, ReconsiderationRoute.attachments, permission: ReconsiderationPermissions.handle, body: .collect(maxSize: "12mb")) { req async throws -> Response in
            let principal = try req.caller
            let row = try await CaseService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
            let upload = try req.content.decode(Upload.self)
            guard let file = upload.file, file.data.readableBytes > 0 else {
                throw ValidationFailure(field: "file", label: "附件", message: "请选择要上传的文件")
            }
            guard file.data.readableBytes <= maxBytes else { throw ValidationFailure(field: "file", label: "附件", message: "单个文件不能超过10MB") }
            guard let name = UploadName.valid(file.filename) else { throw ValidationFailure(field: "file", label: "附件", message: UploadName.rule) }
            let bytes = Data(buffer: file.data)
            let stamp = req.fazhi.now
            let sealed = try req.fazhi.cipher.seal(data: bytes)
            let digest = Data(SHA256.hash(data: bytes)).hexString
            try await req.db.write { tx in
                let attachment = ReconsiderationAttachment()
                attachment.$reconsiderationCase.id = row.id!
                attachment.filename = name
                attachment.contentType = file.contentType?.serialize() ?? "application/octet-stream"
                attachment.size = bytes.count
                attachment.sha256 = digest
                attachment.sealed = sealed
                attachment.uploadedBy = principal.auditActor.name
                attachment.createdAt = stamp
                try await attachment.create(on: tx)
                try await AuditLog.append(AuditEvent(action: "reconsideration.attachment", entityType: "reconsideration_case", entityID: row.id!.uuidString,
                                                     detail: "\(row.caseNumber)：上传附件“\(name)”（\(bytes.count)字节，SHA-256 \(digest)）"),
                                          by: principal.auditActor, at: stamp, on: tx)
            }
            return Layout.redirect(req, to: row.link, notice: "已上传附件“\(name)”")
        }
        router.page(.GET, ReconsiderationRoute.attachmentsRecord, permission: ReconsiderationPermissions.read) { req async throws -> Response in
            let principal = try req.caller
            let row = try await CaseService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
            guard let attachment = try await ReconsiderationAttachment.find(try req.parameters.require("attachment", as: UUID.self), on: req.db),
                  attachment.$reconsiderationCase.id == row.id else { throw Abort(.notFound) }
            let bytes = try req.fazhi.cipher.open(data: attachment.sealed)
            try await AuditLog.append(AuditEvent(action: "reconsideration.attachment-download", entityType: "reconsideration_case", entityID: row.id!.uuidString,
                                                 detail: "\(row.caseNumber)：下载附件“\(attachment.filename)”"), by: principal.auditActor, at: req.fazhi.now, on: req.db)
            let response = Response(status: .ok, body: .init(data: bytes))
            response.headers.contentType = HTTPMediaType(type: "application", subType: "octet-stream")
            response.headers.contentDisposition = .init(.attachment, filename: "attachment-\(attachment.id!.uuidString.prefix(8))")
            return response
        }
    }

    static func section(_ row: ReconsiderationCase, attachments: [ReconsiderationAttachment], canUpload: Bool, csrf: String) -> [Node] {
        var nodes: [Node] = [el("h2", text: "附件")]
        nodes.append(UI.simpleTable(caption: "附件（加密保存）", headers: ["文件", "大小", "SHA-256", "上传"], rows: attachments.map {
            [link($0.filename, "\(row.link)/attachments/\($0.id!)"), .text("\($0.size)字节"), el("code", text: String($0.sha256.prefix(16)) + "…"),
             .text("\($0.uploadedBy) \(DateText.minute($0.createdAt))")]
        }))
        if canUpload {
            nodes.append(UI.form(action: "\(row.link)/attachments", csrf: csrf, multipart: true, [
                el("div", [.cls("field")], [
                    el("label", [Attribute("for", "f-attachment")], text: "上传附件（不超过10MB）"),
                    .void("input", [.id("f-attachment"), .name("file"), .type("file"), .flag("required")]),
                ]),
                el("button", [.type("submit")], text: "上传"),
            ]))
        }
        return nodes
    }
}
