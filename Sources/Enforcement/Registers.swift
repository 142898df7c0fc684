import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

public enum EnforcementPermissions {
    public static let read = Permission("enforcement.read", "查看执法主体、权责清单与执法人员")
    public static let manage = Permission("enforcement.manage", "维护执法人员与证件")
    public static let importRegisters = Permission("enforcement.import", "导入执法人员与权责清单")
    public static let review = Permission("enforcement.review", "法制审核行政执法决定")

    static let all = [read, manage, importRegisters, review]

    static let grants: [Role: [Permission]] = [
        .supervisor: [read, manage, importRegisters],
        .leader: [read],
        .departmentOfficer: [read, manage, importRegisters],
        .legalReviewer: [read, review],
        .townshipStaff: [read, manage],
    ]
}

/// Officers and their certificates. An officer may act only while holding an enforcement
/// certificate that is valid that day (行政处罚法第四十二条: 执法人员应当具有行政执法资格).
public enum OfficerService {
    public struct OfficerInput: Sendable {
        public var name: String?
        public var idNumber: String?
        public var unitCode: String?
        public var post: String?

        public init(name: String? = nil, idNumber: String? = nil, unitCode: String? = nil, post: String? = nil) {
            self.name = name
            self.idNumber = idNumber
            self.unitCode = unitCode
            self.post = post
        }
    }

    public struct CertificateInput: Sendable {
        public var kind: String?
        public var number: String?
        public var issuedOn: String?
        public var expiresOn: String?
        public var status: String?

        public init(kind: String? = nil, number: String? = nil, issuedOn: String? = nil, expiresOn: String? = nil, status: String? = nil) {
            self.kind = kind
            self.number = number
            self.issuedOn = issuedOn
            self.expiresOn = expiresOn
            self.status = status
        }
    }

    struct CheckedCertificate: Sendable {
        var kind: CertificateKind
        var number: String
        var issuedOn: CivilDate
        var expiresOn: CivilDate
        var status: CertificateStatus
    }

    static func checkCertificate(_ input: CertificateInput, today: CivilDate, validator: inout Validator) -> CheckedCertificate? {
        let kindText = (input.kind ?? "").trimmingCharacters(in: .whitespaces)
        let kind = CertificateKind(rawValue: kindText) ?? CertificateKind.allCases.first { $0.label == kindText } ?? (kindText.isEmpty ? .enforcement : nil)
        if kind == nil { validator.add("certificateKind", "证件类型", "应为“行政执法证”或“行政执法监督证”") }
        let number = validator.required(input.number, field: "certificateNumber", label: "证件号码", maxLength: 40)
        func date(_ text: String?, _ field: String, _ label: String) -> CivilDate? {
            let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "/", with: "-")
            guard let value = CivilDate(trimmed) else { validator.add(field, label, trimmed.isEmpty ? "不能为空" : "“\(trimmed)”不是有效日期（YYYY-MM-DD）"); return nil }
            return value
        }
        let issued = date(input.issuedOn, "issuedOn", "发证日期")
        let expires = date(input.expiresOn, "expiresOn", "有效期至")
        if let issued, issued > today { validator.add("issuedOn", "发证日期", "不能晚于今天") }
        if let issued, let expires, expires <= issued { validator.add("expiresOn", "有效期至", "应晚于发证日期") }
        let statusText = (input.status ?? "").trimmingCharacters(in: .whitespaces)
        let status = CertificateStatus(rawValue: statusText) ?? CertificateStatus.allCases.first { $0.label == statusText } ?? (statusText.isEmpty ? .valid : nil)
        if status == nil { validator.add("certificateStatus", "证件状态", "应为有效、暂扣或注销（过期由有效期自动判断）") }
        guard let kind, let issued, let expires, let status, !number.isEmpty else { return nil }
        return CheckedCertificate(kind: kind, number: number, issuedOn: issued, expiresOn: expires, status: status)
    }

    static func checkOfficer(_ input: OfficerInput, validator: inout Validator) -> (name: String, id: String?, post: String?) {
        let name = validator.required(input.name, field: "name", label: "姓名", maxLength: 50)
        var id: String?
        do { id = try ResidentID((input.idNumber ?? ""), field: "idNumber").value } catch {
            for item in error.errors { validator.add("idNumber", "身份证号码", item.message) }
        }
        let post = validator.optional(input.post, field: "post", label: "职务", maxLength: 50)
        return (name, id, post)
    }

    static func makeOfficer(name: String, id: String, post: String?, unit: OrgUnit, cipher: PersonalDataCipher, stamp: Date) throws -> EnforcementOfficer {
        let officer = EnforcementOfficer()
        officer.unitID = unit.id!
        officer.unitPath = unit.path
        officer.nameSealed = try cipher.seal(name)
        officer.nameMasked = Masking.personName(name)
        officer.idSealed = try cipher.seal(id)
        officer.idMasked = Masking.residentID(id)
        officer.idHash = cipher.searchHash(id)
        officer.post = post
        officer.active = true
        officer.createdAt = stamp
        return officer
    }

    static func makeCertificate(_ checked: CheckedCertificate, officer: EnforcementOfficer, stamp: Date) -> OfficerCertificate {
        let certificate = OfficerCertificate()
        certificate.$officer.id = officer.id!
        certificate.kind = checked.kind.rawValue
        certificate.number = checked.number
        certificate.issuedOn = checked.issuedOn.description
        certificate.expiresOn = checked.expiresOn.description
        certificate.status = checked.status.rawValue
        certificate.unitPath = officer.unitPath
        certificate.createdAt = stamp
        return certificate
    }

    @discardableResult
    public static func register(_ input: OfficerInput, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> EnforcementOfficer {
        var validator = Validator()
        let checked = checkOfficer(input, validator: &validator)
        let code = validator.required(input.unitCode, field: "unitCode", label: "所在单位编码", maxLength: 32)
        var unit: OrgUnit?
        if !code.isEmpty {
            unit = try await UnitService.find(code: code, on: db)
            if unit == nil { validator.add("unitCode", "所在单位编码", "没有编码为“\(code)”的单位") }
        }
        try validator.check()
        guard let unit, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let stamp = services.now
        return try await db.write { tx in
            if try await EnforcementOfficer.query(on: tx).filter(\.$idHash == services.cipher.searchHash(checked.id!)).count() > 0 {
                throw ValidationFailure(field: "idNumber", label: "身份证号码", message: "该身份证号码的执法人员已登记")
            }
            let officer = try makeOfficer(name: checked.name, id: checked.id!, post: checked.post, unit: unit, cipher: services.cipher, stamp: stamp)
            try await officer.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "enforcement.officer-create", entityType: "enforcement_officer", entityID: officer.id!.uuidString,
                                                 detail: "登记执法人员 \(officer.nameMasked)（\(unit.name)）"), by: principal.auditActor, at: stamp, on: tx)
            return officer
        }
    }

    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> EnforcementOfficer {
        guard let officer = try await EnforcementOfficer.find(id, on: db), principal.covers(unitPath: officer.unitPath) else {
            throw ScopeDenied(entityType: "enforcement_officer", entityID: id.uuidString)
        }
        return officer
    }

    @discardableResult
    public static func addCertificate(_ input: CertificateInput, to officerID: UUID, by principal: Principal, services: FazhiServices,
                                      on db: any Database) async throws -> OfficerCertificate {
        var validator = Validator()
        let checked = checkCertificate(input, today: CivilDateTime(services.now).date, validator: &validator)
        try validator.check()
        let stamp = services.now
        return try await db.write { tx in
            let officer = try await find(officerID, for: principal, on: tx)
            if try await OfficerCertificate.query(on: tx).filter(\.$number == checked!.number).count() > 0 {
                throw ValidationFailure(field: "certificateNumber", label: "证件号码", message: "“\(checked!.number)”已登记")
            }
            let certificate = makeCertificate(checked!, officer: officer, stamp: stamp)
            try await certificate.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "enforcement.certificate-add", entityType: "enforcement_officer", entityID: officer.id!.uuidString,
                                                 detail: "\(checked!.kind.label) \(checked!.number)，\(checked!.issuedOn)至\(checked!.expiresOn)"),
                                      by: principal.auditActor, at: stamp, on: tx)
            return certificate
        }
    }

    /// 暂扣, 注销 or restores a certificate; the reason is audited.
    public static func setStatus(_ certificateID: UUID, to status: CertificateStatus, reason: String, by principal: Principal, services: FazhiServices,
                                 on db: any Database) async throws {
        let stamp = services.now
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationFailure(field: "reason", label: "理由", message: "变更证件状态须写明理由") }
        try await db.write { tx in
            guard let certificate = try await OfficerCertificate.find(certificateID, on: tx) else { throw ScopeDenied(entityType: "officer_certificate", entityID: certificateID.uuidString) }
            let officer = try await find(certificate.$officer.id, for: principal, on: tx)
            guard certificate.status != CertificateStatus.revoked.rawValue else {
                throw ValidationFailure(field: "status", label: "证件状态", message: "已注销的证件不能恢复，请登记新证")
            }
            let before = certificate.status
            certificate.status = status.rawValue
            try await certificate.update(on: tx)
            try await AuditLog.append(AuditEvent(action: "enforcement.certificate-status", entityType: "enforcement_officer", entityID: officer.id!.uuidString,
                                                 detail: AuditEvent.changeDetail("证件 \(certificate.number)：\(CertificateStatus(rawValue: before)?.label ?? before) → \(status.label)", before: nil, after: reason)),
                                      by: principal.auditActor, at: stamp, on: tx)
        }
    }

    /// Whether the officer may act on a day: active, with an enforcement certificate valid that day.
    public static func qualified(_ officerID: UUID, on day: CivilDate, db: any Database) async throws -> Bool {
        guard let officer = try await EnforcementOfficer.find(officerID, on: db), officer.active else { return false }
        return try await OfficerCertificate.query(on: db).filter(\.$officer.$id == officerID).filter(\.$kind == CertificateKind.enforcement.rawValue).all()
            .contains { $0.valid(on: day.description) }
    }
}
