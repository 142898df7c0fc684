import Crypto
import FazhiCore
import Fluent
import Foundation
import Vapor

/// Evidence a unit submits for an evidence indicator (佐证材料): a statement and, if it likes, a file.
/// Each submission is kept; the assessor scores the latest, and the unit sees whether it is scored.
public final class IndicatorEvidence: Model, @unchecked Sendable {
    public static let schema = "indicator_evidence"

    @ID(key: .id) public var id: UUID?
    @Field(key: "indicator_id") public var indicatorID: UUID
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "statement") public var statement: String
    @OptionalField(key: "filename") public var filename: String?
    @OptionalField(key: "size") public var size: Int?
    @OptionalField(key: "sha256") public var sha256: String?
    @OptionalField(key: "data") public var data: Data?
    @Field(key: "submitted_by") public var submittedBy: String
    @Field(key: "submitted_at") public var submittedAt: Date

    public init() {}
}

extension IndicatorEvidence: UnitScoped {
    public static var unitPathField: KeyPath<IndicatorEvidence, FieldProperty<IndicatorEvidence, String>> { \.$unitPath }
}

extension IndicatorMigrations {
    struct Evidence: AsyncMigration {
        var name: String { "indicators.002.evidence" }

        func prepare(on database: any Database) async throws {
            try await database.schema(IndicatorEvidence.schema).id()
                .field("indicator_id", .uuid, .required, .references(Indicator.schema, "id"))
                .field("unit_id", .uuid, .required, .references("units", "id")).field("unit_path", .string, .required)
                .field("statement", .string, .required)
                .field("filename", .string).field("size", .int).field("sha256", .string).field("data", .data)
                .field("submitted_by", .string, .required).field("submitted_at", .datetime, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(IndicatorEvidence.schema).delete()
        }
    }
}

/// An uploaded file: its name, bytes.
public struct EvidenceFile: Sendable {
    public var filename: String
    public var data: Data

    public init(filename: String, data: Data) {
        self.filename = filename
        self.data = data
    }
}

extension IndicatorService {
    public static let maxEvidenceBytes = 10 * 1024 * 1024

    /// A unit's evidence for an evidence indicator: by its own staff (or the bureau), before the
    /// indicator is scored again.
    @discardableResult
    public static func submitEvidence(_ indicatorID: UUID, unit: OrgUnit, statement: String?, file: EvidenceFile?, by principal: Principal, services: FazhiServices,
                                      on db: any Database) async throws -> IndicatorEvidence {
        guard principal.has(IndicatorPermissions.evidence), principal.covers(unitPath: unit.path) else {
            throw ValidationFailure(field: "statement", label: "佐证材料", message: "只能为本单位提交佐证材料")
        }
        guard let indicator = try await Indicator.find(indicatorID, on: db), indicator.scoringRule == .evidence,
              leaves(try await Indicator.query(on: db).filter(\.$systemID == indicator.systemID).all()).contains(where: { $0.id == indicatorID }) else {
            throw ValidationFailure(field: "indicator", label: "指标", message: "只有依佐证评分的指标提交佐证材料")
        }
        var validator = Validator()
        let text = validator.required(statement, field: "statement", label: "佐证说明", maxLength: 5_000)
        var name: String?
        if let file {
            if file.data.count > maxEvidenceBytes { validator.add("file", "附件", "单个文件不能超过10MB") }
            name = UploadName.valid(file.filename)
            if name == nil { validator.add("file", "附件", UploadName.rule) }
        }
        try validator.check()
        let filename = name
        return try await db.write { tx in
            let row = IndicatorEvidence()
            row.id = .v4()
            row.indicatorID = indicatorID
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.statement = text
            if let file, let filename {
                row.filename = filename
                row.size = file.data.count
                row.sha256 = Data(SHA256.hash(data: file.data)).hexString
                row.data = file.data
            }
            row.submittedBy = principal.auditActor.name
            row.submittedAt = services.now
            try await row.create(on: tx)
            let attached = row.sha256.map { "，附件“\(filename ?? "")”SHA-256 \($0.prefix(16))…" } ?? ""
            try await AuditLog.append(AuditEvent(action: "indicators.evidence", entityType: IndicatorEvidence.schema, entityID: row.id!.uuidString,
                                                 detail: "\(indicator.code) \(indicator.name)：\(unit.name)提交佐证材料\(attached)"),
                                      by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }

    /// The latest evidence of each indicator for a unit.
    public static func latestEvidence(unitID: UUID, indicators: [UUID], on db: any Database) async throws -> [UUID: IndicatorEvidence] {
        guard !indicators.isEmpty else { return [:] }
        let rows = try await IndicatorEvidence.query(on: db).filter(\.$unitID == unitID).filter(\.$indicatorID ~~ indicators)
            .field(\.$id).field(\.$indicatorID).field(\.$unitID).field(\.$unitPath).field(\.$statement).field(\.$filename).field(\.$size).field(\.$sha256)
            .field(\.$submittedBy).field(\.$submittedAt)
            .sort(\.$submittedAt).all()
        var latest: [UUID: IndicatorEvidence] = [:]
        for row in rows { latest[row.indicatorID] = row }
        return latest
    }
}
