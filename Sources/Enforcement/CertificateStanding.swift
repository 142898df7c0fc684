import Foundation
import FazhiCore
import Fluent
import SQLKit

/// Where an active officer stands for enforcement on a day, from their latest 行政执法证 (the one
/// expiring last): only an officer with a valid certificate may act (行政处罚法第四十二条).
public enum CertificateStanding: String, Sendable, CaseIterable {
    case valid
    /// Valid, but expiring within the warning period (`certificateWarnDays`).
    case expiring
    /// Expired, suspended, revoked or not yet in force.
    case invalid
    /// No 执法证 recorded.
    case none

    /// The facts of one certificate that decide its standing.
    public struct Certificate: Sendable, Equatable {
        public var number: String
        public var status: String
        public var issuedOn: String
        public var expiresOn: String

        /// Valid on a day: recorded as valid, issued on or before it, expiring on or after it.
        public func valid(on day: String) -> Bool {
            status == CertificateStatus.valid.rawValue && issuedOn <= day && expiresOn >= day
        }

        public func statusLabel(on day: String) -> String {
            if status == CertificateStatus.valid.rawValue && expiresOn < day { return "已过期" }
            if issuedOn > day { return "未生效" }
            return CertificateStatus(rawValue: status)?.label ?? status
        }
    }

    public static func of(_ latest: Certificate?, on day: String, warnUntil: String) -> Self {
        guard let latest else { return .none }
        if !latest.valid(on: day) { return .invalid }
        return latest.expiresOn <= warnUntil ? .expiring : .valid
    }

    /// The active officers in `scope`'s units, each with their latest 执法证 (nil without one),
    /// read as four columns in one statement rather than as models: the dashboard card counts them
    /// on every visit, and decoding some 300 officers and 600 certificates as Fluent models was a
    /// third of the dashboard's time. The certificates join as a subquery, so the scope's
    /// `unit_path` names the officer's.
    public static func latest(in scope: RecordScope, services: FazhiServices, on db: any Database) async throws -> [UUID: Certificate?] {
        let sql = db as! any SQLDatabase
        let certificates = sql.select().columns("officer_id", "number", "status", "issued_on", "expires_on").from(OfficerCertificate.schema)
            .where("kind", .equal, SQLBind(CertificateKind.enforcement.rawValue))
        let query = EnforcementOfficer.scopedSelect(in: scope, on: db, services: services)
            .column(SQLColumn("id", table: EnforcementOfficer.schema), as: "officer").columns("number", "status", "issued_on", "expires_on")
            .join(SQLAlias(SQLGroupExpression(certificates.select), as: SQLIdentifier("c")), method: SQLJoinMethod.left,
                  on: SQLColumn("officer_id", table: "c"), .equal, SQLColumn("id", table: EnforcementOfficer.schema))
            .where(SQLColumn("active", table: EnforcementOfficer.schema), .equal, SQLBind(true))
        var latest: [UUID: Certificate?] = [:]
        for row in try await query.listRows(decoding: Row.self) {
            guard let certificate = row.certificate else {
                if latest[row.officer] == nil { latest[row.officer] = .some(nil) }
                continue
            }
            if let known = latest[row.officer] ?? nil,
               (known.expiresOn, known.issuedOn, known.number) >= (certificate.expiresOn, certificate.issuedOn, certificate.number) { continue }
            latest[row.officer] = .some(certificate)
        }
        return latest
    }

    /// An officer and one of their certificates (nil: none recorded), read by `listRows`: SQLKit's
    /// row decodes an optional through a nested `Decoder` per value.
    struct Row: SQLListRow {
        var officer: UUID
        var certificate: Certificate?

        init(row: any SQLRow) throws {
            officer = try row.decodeUUID(column: "officer")
            guard let number = try row.decodeOptional(column: "number", as: String.self) else { certificate = nil; return }
            certificate = Certificate(number: number, status: try row.decode(column: "status", as: String.self),
                                      issuedOn: try row.decode(column: "issued_on", as: String.self), expiresOn: try row.decode(column: "expires_on", as: String.self))
        }
    }
}
