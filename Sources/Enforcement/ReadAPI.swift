import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

/// What other modules may read of enforcement (supervision's case-file reviews and 双随机 draws):
/// values only. A module that oversees enforcement never queries its Fluent models, so this module
/// can change its tables without breaking the one that watches it.
public enum EnforcementRecords {
    /// A closed enforcement file that a review campaign can draw.
    public struct ClosedFile: Sendable, Equatable {
        public var id: UUID
        public var number: String
        public var unitID: UUID
        public var unitPath: String
        /// The stratum a review samples by: "行政处罚（普通程序）", "行政处罚（简易程序）", "行政许可" …
        public var kind: String
        public var closedOn: String
        public var link: String
    }

    /// An officer who may inspect on a day: an enforcement certificate valid that day (行政处罚法第四十二条).
    public struct Inspector: Sendable, Equatable {
        public var certificateNumber: String
        public var officerID: UUID
        public var nameMasked: String
    }

    static func file(_ row: PenaltyCase) -> ClosedFile? {
        guard let closed = row.closedOn else { return nil }
        return ClosedFile(id: row.id!, number: row.caseNumber, unitID: row.unitID, unitPath: row.unitPath,
                          kind: row.summary ? "行政处罚（简易程序）" : "行政处罚（普通程序）", closedOn: closed, link: row.link)
    }

    static func file(_ row: EnforcementAction) -> ClosedFile? {
        guard let closed = row.closedOn else { return nil }
        return ClosedFile(id: row.id!, number: row.number, unitID: row.unitID, unitPath: row.unitPath, kind: row.actionKind.label, closedOn: closed, link: row.link)
    }

    /// Penalty, coercion, licence and inspection files closed from `from` through `through`.
    public static func closedFiles(from: CivilDate, through: CivilDate, on db: any Database) async throws -> [ClosedFile] {
        let penalties = try await PenaltyCase.query(on: db).filter(\.$closedOn >= from.description).filter(\.$closedOn <= through.description).all()
        let actions = try await EnforcementAction.query(on: db).filter(\.$closedOn >= from.description).filter(\.$closedOn <= through.description).all()
        return penalties.compactMap(file) + actions.compactMap(file)
    }

    /// The files with these ids, closed or not, by id (a drawn file's unit; a reviewed file's page).
    public static func files(_ ids: [UUID], on db: any Database) async throws -> [UUID: ClosedFile] {
        guard !ids.isEmpty else { return [:] }
        var found: [UUID: ClosedFile] = [:]
        for row in try await PenaltyCase.query(on: db).filter(\.$id ~~ ids).all() {
            found[row.id!] = ClosedFile(id: row.id!, number: row.caseNumber, unitID: row.unitID, unitPath: row.unitPath,
                                        kind: row.summary ? "行政处罚（简易程序）" : "行政处罚（普通程序）", closedOn: row.closedOn ?? "", link: row.link)
        }
        for row in try await EnforcementAction.query(on: db).filter(\.$id ~~ ids).all() {
            found[row.id!] = ClosedFile(id: row.id!, number: row.number, unitID: row.unitID, unitPath: row.unitPath, kind: row.actionKind.label,
                                        closedOn: row.closedOn ?? "", link: row.link)
        }
        return found
    }

    /// Officers of exactly this unit who hold an enforcement certificate valid on `day`.
    public static func inspectors(unitPath: String, on day: CivilDate, db: any Database) async throws -> [Inspector] {
        let certificates = try await OfficerCertificate.query(on: db).filter(\.$unitPath == unitPath)
            .filter(\.$kind == CertificateKind.enforcement.rawValue).all()
        var chosen: [(number: String, officer: UUID)] = []
        for certificate in certificates where certificate.valid(on: day.description) {
            if try await OfficerService.qualified(certificate.$officer.id, on: day, db: db) { chosen.append((certificate.number, certificate.$officer.id)) }
        }
        let ids = Array(Set(chosen.map(\.officer)))
        let names = ids.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await EnforcementOfficer.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.nameMasked) })
        return chosen.map { Inspector(certificateNumber: $0.number, officerID: $0.officer, nameMasked: names[$0.officer] ?? "") }
    }
}
