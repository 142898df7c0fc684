import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// A suspected crime found in enforcement, on its way to the public-security organ (两法衔接,
/// 行政执法机关移送涉嫌犯罪案件的规定). Penalties may not replace transfer (第十一条).
public final class CriminalTransfer: Model, @unchecked Sendable {
    public static let schema = "criminal_transfers"

    @ID(key: .id) public var id: UUID?
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "case_number") public var caseNumber: String
    @Field(key: "suspect_sealed") public var suspectSealed: String
    @Field(key: "suspect_masked") public var suspectMasked: String
    @Field(key: "offence") public var offence: String
    @Field(key: "status") public var status: String
    @Field(key: "reported_on") public var reportedOn: String
    @OptionalField(key: "decided_on") public var decidedOn: String?
    @OptionalField(key: "transferred_at") public var transferredAt: String?
    @OptionalField(key: "police_answer_on") public var policeAnswerOn: String?
    @OptionalField(key: "reconsider_on") public var reconsiderOn: String?
    @OptionalField(key: "reconsider_answer_on") public var reconsiderAnswerOn: String?
    @OptionalField(key: "exhibits_on") public var exhibitsOn: String?
    @Field(key: "history") public var history: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var link: String { SupervisionRoute.transfersRecord.path(id!) }
    public var transferStatus: TransferStatus { TransferStatus(rawValue: status) ?? .reported }
}

public enum TransferStatus: String, Codable, Sendable, CaseIterable {
    case reported, notTransferred, transferred, accepted, refused, reconsidering, finallyRefused

    public var label: String {
        switch self {
        case .reported: return "已报告负责人，待决定是否移送"
        case .notTransferred: return "决定不移送"
        case .transferred: return "已移送公安机关，待立案决定"
        case .accepted: return "公安机关已立案"
        case .refused: return "公安机关不予立案"
        case .reconsidering: return "已提请复议"
        case .finallyRefused: return "复议维持不予立案"
        }
    }
}

extension SupervisionMigrations {
    struct CreateTransfers: AsyncMigration {
        var name: String { "supervision.003.transfers" }

        func prepare(on database: any Database) async throws {
            try await database.schema("criminal_transfers")
                .id()
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("case_number", .string, .required)
                .field("suspect_sealed", .string, .required)
                .field("suspect_masked", .string, .required)
                .field("offence", .string, .required)
                .field("status", .string, .required)
                .field("reported_on", .string, .required)
                .field("decided_on", .string)
                .field("transferred_at", .string)
                .field("police_answer_on", .string)
                .field("reconsider_on", .string)
                .field("reconsider_answer_on", .string)
                .field("exhibits_on", .string)
                .field("history", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "case_number")
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("criminal_transfers").delete()
        }
    }
}

/// The 规定's periods. ⚠️ None is defined as working days in the 规定 itself (docs/law.md §7),
/// so they are counted as 日 by 民事诉讼法第八十五条's rule.
public enum TransferClocks {
    /// 第五条第二款: the head decides within three days of receiving the report.
    public static let decision = ClockKind(key: "deadlines.crime-transfer-decision", moduleID: "supervision", rule: ClockRule(
        title: "决定是否移送涉嫌犯罪案件", period: .days(3), basis: "行政执法机关移送涉嫌犯罪案件的规定第五条第二款"))
    /// 第五条第二款: once approved, transfer to the public-security organ within 24 hours.
    public static let transfer = ClockKind(key: "deadlines.crime-transfer", moduleID: "supervision", rule: ClockRule(
        title: "向公安机关移送", period: .hours(24), basis: "行政执法机关移送涉嫌犯罪案件的规定第五条第二款"))
    /// 第八条: the public-security organ decides whether to open a criminal case within three days.
    public static let policeAnswer = ClockKind(key: "supervision.police-answer", moduleID: "supervision", rule: ClockRule(
        title: "公安机关作出立案决定", period: .days(3), basis: "行政执法机关移送涉嫌犯罪案件的规定第八条"))
    /// 第九条: the agency may ask for reconsideration within three days of the refusal notice.
    public static let reconsideration = ClockKind(key: "supervision.transfer-reconsideration", moduleID: "supervision", rule: ClockRule(
        title: "提请公安机关复议不予立案决定", period: .days(3), basis: "行政执法机关移送涉嫌犯罪案件的规定第九条"))
    /// 第九条: the public-security organ answers the reconsideration within three days.
    public static let reconsiderationAnswer = ClockKind(key: "supervision.transfer-reconsideration-answer", moduleID: "supervision", rule: ClockRule(
        title: "公安机关作出复议决定", period: .days(3), basis: "行政执法机关移送涉嫌犯罪案件的规定第九条"))
    /// 第十二条: exhibits are handed over within three days of the police opening the case.
    public static let exhibits = ClockKind(key: "supervision.transfer-exhibits", moduleID: "supervision", rule: ClockRule(
        title: "移交涉案物品", period: .days(3), basis: "行政执法机关移送涉嫌犯罪案件的规定第十二条"))

    public static let all = [decision, transfer, policeAnswer, reconsideration, reconsiderationAnswer, exhibits]
}

public enum TransferAction: Sendable {
    /// The head's decision, with its time: the 24-hour transfer clock runs from it.
    case decide(at: CivilDateTime, transfer: Bool, reason: String)
    case transfer(at: CivilDateTime)
    case policeAnswer(on: CivilDate, accepted: Bool)
    case reconsider(on: CivilDate)
    case reconsiderAnswer(on: CivilDate, accepted: Bool)
    case exhibits(on: CivilDate)

    public var label: String {
        switch self {
        case .decide: return "负责人决定"
        case .transfer: return "移送公安机关"
        case .policeAnswer: return "公安机关立案决定"
        case .reconsider: return "提请复议"
        case .reconsiderAnswer: return "复议决定"
        case .exhibits: return "移交涉案物品"
        }
    }

    var date: CivilDate {
        switch self {
        case .decide(let at, _, _): return at.date
        case .policeAnswer(let on, _), .reconsider(let on), .reconsiderAnswer(let on, _), .exhibits(let on): return on
        case .transfer(let at): return at.date
        }
    }
}

public enum TransferService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// The officer's report to the head of the agency (第五条): the three-day decision clock starts.
    @discardableResult
    public static func report(caseNumber: String?, unitCode: String?, suspect: String?, offence: String?, reportedOn: String?,
                              by principal: Principal, services: FazhiServices, on db: any Database) async throws -> CriminalTransfer {
        let today = CivilDateTime(services.now).date
        var validator = Validator()
        let number = validator.required(caseNumber, field: "caseNumber", label: "案号", maxLength: 60)
        let code = validator.required(unitCode, field: "unitCode", label: "移送单位编码", maxLength: 32)
        let name = validator.required(suspect, field: "suspect", label: "涉嫌犯罪的当事人", maxLength: 100)
        let offenceText = validator.required(offence, field: "offence", label: "涉嫌罪名", maxLength: 100)
        let day = CivilDate((reportedOn ?? "").trimmingCharacters(in: .whitespaces))
        if day == nil { validator.add("reportedOn", "报告日期", FormFields.dateRule) }
        if let day, day > today { validator.add("reportedOn", "报告日期", "不能晚于今天") }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "移送单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        return try await db.write { tx in
            if try await CriminalTransfer.query(on: tx).filter(\.$caseNumber == number).count() > 0 { throw fail("caseNumber", "案号", "“\(number)”已登记") }
            let row = CriminalTransfer()
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.caseNumber = number
            row.suspectSealed = try services.cipher.seal(name)
            row.suspectMasked = Masking.personName(name)
            row.offence = offenceText
            row.status = TransferStatus.reported.rawValue
            row.reportedOn = day!.description
            row.history = "\(day!) 报告负责人：涉嫌\(offenceText)"
            row.createdAt = services.now
            try await row.create(on: tx)
            try await ClockService.open(kind: TransferClocks.decision.key, unitID: unit.id!, title: "\(number) \(TransferClocks.decision.rule.title)", record: row.clockRecord,
                                        start: CivilDateTime(date: day!), startReason: "报告负责人", by: principal, services: services, on: tx)
            try await AuditLog.append(AuditEvent(action: "supervision.transfer-report", entityType: "criminal_transfer", entityID: row.id!.uuidString,
                                                 detail: "\(number)：涉嫌\(offenceText)"), by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }

    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> CriminalTransfer {
        guard let row = try await CriminalTransfer.find(id, on: db), principal.covers(unitPath: row.unitPath) else {
            throw ScopeDenied(entityType: "criminal_transfer", entityID: id.uuidString)
        }
        return row
    }

    /// Records one step: loads the transfer, applies `TransferRules`, and writes the transfer, its
    /// clocks, its history and the audit row in one transaction.
    @discardableResult
    public static func perform(_ action: TransferAction, on id: UUID, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> CriminalTransfer {
        let now = CivilDateTime(services.now)
        return try await db.write { tx in
            let row = try await find(id, for: principal, on: tx)
            let step = try TransferRules.apply(action, to: row.state, now: now)
            for effect in step.effects {
                switch effect {
                case .openClock(let kind, let at, let reason):
                    try await ClockService.open(kind: kind.key, unitID: row.unitID, title: "\(row.caseNumber) \(kind.rule.title)", record: row.clockRecord, start: at,
                                                startReason: reason, by: principal, services: services, on: tx)
                case .completeClock(let kind, let at, let reason):
                    try await ClockService.recordOnOpen(.complete(at, reason: reason), kind: kind.key, record: row.clockRecord, by: principal, services: services, on: tx)
                }
            }
            row.apply(step.state)
            row.history += "\n\(action.date) \(step.detail)"
            try await row.update(on: tx)
            try await AuditLog.append(AuditEvent(action: "supervision.transfer-step", entityType: "criminal_transfer", entityID: row.id!.uuidString,
                                                 detail: AuditEvent.stepDetail(row.caseNumber, on: action.date.description, text: step.detail)), by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }
}

extension CriminalTransfer {
    /// The transfer as `TransferRules` sees it.
    var state: TransferState {
        var state = TransferState(status: transferStatus, reportedOn: CivilDate(reportedOn)!)
        state.decidedOn = decidedOn.flatMap(CivilDate.init)
        state.transferredAt = transferredAt.flatMap(CivilDateTime.init)
        state.policeAnswerOn = policeAnswerOn.flatMap(CivilDate.init)
        state.reconsiderOn = reconsiderOn.flatMap(CivilDate.init)
        state.reconsiderAnswerOn = reconsiderAnswerOn.flatMap(CivilDate.init)
        state.exhibitsOn = exhibitsOn.flatMap(CivilDate.init)
        return state
    }

    func apply(_ state: TransferState) {
        status = state.status.rawValue
        decidedOn = state.decidedOn?.description
        transferredAt = state.transferredAt?.description
        policeAnswerOn = state.policeAnswerOn?.description
        reconsiderOn = state.reconsiderOn?.description
        reconsiderAnswerOn = state.reconsiderAnswerOn?.description
        exhibitsOn = state.exhibitsOn?.description
    }
}

extension CriminalTransfer: UnitScoped {
    public static var unitPathField: KeyPath<CriminalTransfer, FieldProperty<CriminalTransfer, String>> { \.$unitPath }
}
