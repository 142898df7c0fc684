import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit

/// A request for government information (依申请公开): the applicant (sealed; masked in lists), how
/// and when it was received, and the state `DisclosureRules` reads, column by column.
public final class DisclosureRequest: Model, @unchecked Sendable {
    public static let schema = "disclosure_requests"

    @ID(key: .id) public var id: UUID?
    /// The tracking code the applicant is given (查询码).
    @Field(key: "number") public var number: String
    /// The answering agency and its path (the scope).
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "applicant_class") public var applicantClass: String
    @Field(key: "applicant_sealed") public var applicantSealed: String
    @Field(key: "applicant_masked") public var applicantMasked: String
    @Field(key: "channel") public var channel: String
    @Field(key: "received_on") public var receivedOn: String
    @Field(key: "content") public var content: String
    @OptionalField(key: "correction_notice_on") public var correctionNoticeOn: String?
    @OptionalField(key: "correction_items") public var correctionItems: String?
    @OptionalField(key: "correction_due") public var correctionDue: String?
    @OptionalField(key: "correction_received_on") public var correctionReceivedOn: String?
    @OptionalField(key: "extended_on") public var extendedOn: String?
    @OptionalField(key: "extension_workdays") public var extensionWorkdays: Int?
    @OptionalField(key: "extension_approver") public var extensionApprover: String?
    /// The consultations, "from..to" separated by commas ("from.." while one runs).
    @Field(key: "consultations") public var consultations: String
    @OptionalField(key: "answered_on") public var answeredOn: String?
    @OptionalField(key: "outcome") public var outcome: String?
    /// The answer's due date as the last step left it (disclosure.002): the on-time rate compares
    /// it in SQL; nil while a 补正 or a consultation stops the clock.
    @OptionalField(key: "answer_due_on") public var answerDueOn: String?
    /// 信息处理费 charged with the answer, in yuan (第四十二条).
    @Field(key: "fee_yuan") public var feeYuan: Int
    /// The applicant's telephone or address, sealed (disclosure.003); the tracking page asks for its last four digits.
    @OptionalField(key: "contact_sealed") public var contactSealed: String?
    /// 获取信息的方式 the applicant asked for (纸质、电子邮件、自行查阅…; 第二十九条第二款第（三）项).
    @OptionalField(key: "form_wanted") public var formWanted: String?
    /// Where it came from: "staff" (registered by a clerk) or "online" (`/gongshi/disclosure`).
    @Field(key: "source") public var source: String
    /// 第四十四条: an answer many ask for, released to the public with a summary.
    @OptionalField(key: "released_on") public var releasedOn: String?
    @OptionalField(key: "public_summary") public var publicSummary: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { DisclosureRoute.record.path(id!) }

    public var state: RequestState {
        var state = RequestState(receivedOn: CivilDate(receivedOn)!)
        state.correctionNoticeOn = correctionNoticeOn.flatMap(CivilDate.init)
        state.correctionItems = correctionItems.map { $0.components(separatedBy: "\n") } ?? []
        state.correctionDue = correctionDue.flatMap(CivilDate.init)
        state.correctionReceivedOn = correctionReceivedOn.flatMap(CivilDate.init)
        if let on = extendedOn.flatMap(CivilDate.init), let days = extensionWorkdays { state.extended = (on, days, extensionApprover ?? "") }
        state.consultations = consultations.split(separator: ",").compactMap { item in
            let parts = item.components(separatedBy: "..")
            guard let from = CivilDate(parts[0]) else { return nil }
            return (from, parts.count > 1 ? CivilDate(parts[1]) : nil)
        }
        state.answeredOn = answeredOn.flatMap(CivilDate.init)
        state.outcome = outcome.flatMap(DisclosureOutcome.init(rawValue:))
        state.fee = feeYuan
        return state
    }

    func apply(_ state: RequestState) {
        correctionNoticeOn = state.correctionNoticeOn?.description
        correctionItems = state.correctionItems.isEmpty ? nil : state.correctionItems.joined(separator: "\n")
        correctionDue = state.correctionDue?.description
        correctionReceivedOn = state.correctionReceivedOn?.description
        extendedOn = state.extended?.on.description
        extensionWorkdays = state.extended?.workdays
        extensionApprover = state.extended?.approver
        consultations = state.consultations.map { "\($0.from)..\($0.to?.description ?? "")" }.joined(separator: ",")
        answeredOn = state.answeredOn?.description
        outcome = state.outcome?.rawValue
        feeYuan = state.fee
    }
}

extension DisclosureRequest: UnitScoped {
    public static var unitPathField: KeyPath<DisclosureRequest, FieldProperty<DisclosureRequest, String>> { \.$unitPath }
}

extension DisclosureRequest: ClockOwner {}

public final class DisclosureRequestEvent: TimelineEvent, @unchecked Sendable {
    public static let schema = "disclosure_request_events"

    @ID(key: .id) public var id: UUID?
    @Field(key: "request_id") public var requestID: UUID
    @Field(key: "action") public var action: String
    @OptionalField(key: "happened_on") public var happenedOn: String?
    @Field(key: "detail") public var detail: String
    @Field(key: "actor") public var actor: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var recordID: UUID {
        get { requestID }
        set { requestID = newValue }
    }
}

enum DisclosureMigrations {
    struct Create: AsyncMigration {
        var name: String { "disclosure.001.requests" }

        func prepare(on database: any Database) async throws {
            try await database.schema(DisclosureRequest.schema).id()
                .field("number", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("applicant_class", .string, .required)
                .field("applicant_sealed", .string, .required)
                .field("applicant_masked", .string, .required)
                .field("channel", .string, .required)
                .field("received_on", .string, .required)
                .field("content", .string, .required)
                .field("correction_notice_on", .string).field("correction_items", .string).field("correction_due", .string)
                .field("correction_received_on", .string).field("extended_on", .string).field("extension_workdays", .int)
                .field("extension_approver", .string)
                .field("consultations", .string, .required)
                .field("answered_on", .string).field("outcome", .string)
                .field("created_at", .datetime, .required).field("updated_at", .datetime, .required)
                .unique(on: "number")
                .create()
            try await database.schema(DisclosureRequestEvent.schema).id()
                .field("request_id", .uuid, .required, .references(DisclosureRequest.schema, "id"))
                .field("action", .string, .required)
                .field("happened_on", .string)
                .field("detail", .string, .required)
                .field("actor", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await (database as! any SQLDatabase).raw("CREATE INDEX disclosure_requests_scope ON disclosure_requests (unit_path, received_on)").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(DisclosureRequestEvent.schema).delete()
            try await database.schema(DisclosureRequest.schema).delete()
        }
    }

    /// The stored due date and the fee.
    struct DueAndFee: AsyncMigration {
        var name: String { "disclosure.002.due-and-fee" }

        func prepare(on database: any Database) async throws {
            try await database.schema(DisclosureRequest.schema).field("answer_due_on", .string).update()
            try await database.schema(DisclosureRequest.schema).field("fee_yuan", .int, .required, .sql(.default(0))).update()
            let sql = database as! any SQLDatabase
            try await sql.raw("CREATE INDEX disclosure_requests_answered ON disclosure_requests (unit_path, answered_on)").run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(DisclosureRequest.schema).deleteField("fee_yuan").update()
            try await database.schema(DisclosureRequest.schema).deleteField("answer_due_on").update()
        }
    }

    /// Online requests and released answers.
    struct Online: AsyncMigration {
        var name: String { "disclosure.003.online" }

        func prepare(on database: any Database) async throws {
            for field in ["contact_sealed", "form_wanted", "released_on", "public_summary"] {
                try await database.schema(DisclosureRequest.schema).field(FieldKey(stringLiteral: field), .string).update()
            }
            try await database.schema(DisclosureRequest.schema).field("source", .string, .required, .sql(.default("staff"))).update()
            try await (database as! any SQLDatabase).raw("CREATE INDEX disclosure_requests_released ON disclosure_requests (released_on)").run()
        }

        func revert(on database: any Database) async throws {
            for field in ["source", "public_summary", "released_on", "form_wanted", "contact_sealed"] {
                try await database.schema(DisclosureRequest.schema).deleteField(FieldKey(stringLiteral: field)).update()
            }
        }
    }

    static let all: [any Migration] = [Create(), DueAndFee(), Online()]
}

public enum DisclosureClocks {
    /// 第三十三条: 20 working days, one extension of at most 20.
    public static let answer = ClockKind(key: "disclosure.answer", moduleID: "disclosure", rule: DisclosureRules.answerClock(RequestState(receivedOn: CivilDate(year: 2000, month: 1, day: 1)!)).rule)

    public static let all = [answer]
}

public enum DisclosurePermissions {
    public static let read = Permission("disclosure.read", "查看政府信息公开申请")
    public static let handle = Permission("disclosure.handle", "办理政府信息公开申请")

    static let all = [read, handle]

    /// Each agency answers its own requests; the justice bureau and the government office see all.
    static let grants: [Role: [Permission]] = [
        .supervisor: [read, handle],
        .leader: [read],
        .departmentOfficer: [read, handle],
        .legalReviewer: [read],
        .townshipStaff: [read, handle],
    ]
}

public enum DisclosureService {
    /// Registers a request received by `unitCode` (the receipt date by 第三十一条), opening its answer clock.
    @discardableResult
    public static func register(unitCode: String?, applicant: String?, applicantClass: String?, channel: String?, submittedOn: String?, signedOn: String?,
                                confirmedOn: String?, content: String?, contact: String? = nil, form: String? = nil, source: String = "staff",
                                by principal: Principal, services: FazhiServices, on db: any Database) async throws -> DisclosureRequest {
        var validator = Validator()
        let code = validator.required(unitCode, field: "unitCode", label: "受理机关编码", maxLength: 32)
        let name = validator.required(applicant, field: "applicant", label: "申请人", maxLength: 200)
        let kind = ApplicantClass(rawValue: applicantClass ?? "")
        if kind == nil { validator.add("applicantClass", "申请人类别", "请选择申请人类别") }
        let how = ReceiptChannel(rawValue: channel ?? "")
        if how == nil { validator.add("channel", "申请方式", "请选择申请方式") }
        let text = validator.required(content, field: "content", label: "申请内容", maxLength: 5_000)
        let contact = validator.optional(contact, field: "contact", label: "联系电话", maxLength: 100)
        let form = validator.optional(form, field: "form", label: "获取信息的方式", maxLength: 100)
        let submitted = CivilDate(validator.required(submittedOn, field: "submittedOn", label: "提交日期", maxLength: 10))
        if submitted == nil { validator.add("submittedOn", "提交日期", FormFields.dateRule) }
        var received: CivilDate?
        if let how, let submitted {
            do { received = try DisclosureRules.receivedOn(channel: how, submittedOn: submitted, signedOn: signedOn.flatMap(CivilDate.init), confirmedOn: confirmedOn.flatMap(CivilDate.init)) }
            catch { for item in error.errors { validator.add(item.field, item.label, item.message) } }
        }
        let stamp = services.now
        if let received, received > CivilDateTime(stamp).date { validator.add("submittedOn", "提交日期", "收到申请之日不能晚于今天") }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "受理机关编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, let kind, let how, let received, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let sealed = try services.cipher.seal(name)
        let sealedContact = try contact.map { try services.cipher.seal($0) }
        return try await db.write { tx in
            let row = DisclosureRequest()
            row.id = .v4()
            row.number = "GK" + received.description.replacingOccurrences(of: "-", with: "") + String(row.id!.uuidString.prefix(6))
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.applicantClass = kind.rawValue
            row.applicantSealed = sealed
            row.applicantMasked = kind == .naturalPerson ? Masking.personName(name) : name
            row.channel = how.rawValue
            row.receivedOn = received.description
            row.content = text
            row.consultations = ""
            row.feeYuan = 0
            row.contactSealed = sealedContact
            row.formWanted = form
            row.source = source
            let calendar = try await CalendarService.current(services: services, on: tx)
            row.answerDueOn = DisclosureRules.answerClock(RequestState(receivedOn: received)).dueDate(calendar: calendar)?.description
            row.createdAt = stamp
            row.updatedAt = stamp
            try await row.create(on: tx)
            try await ClockService.open(kind: DisclosureClocks.answer.key, unitID: unit.id, title: "\(row.number) 答复", record: row.clockRecord,
                                        start: CivilDateTime(date: received), startReason: "收到申请（\(how.label)，政府信息公开条例第三十一条）", by: principal, services: services, on: tx)
            try await log(row, "register", on: received, detail: "收到申请（\(how.label)），\(kind.label)", by: principal, stamp: stamp, on: tx)
            return row
        }
    }

    /// One step through `DisclosureRules`, with the answer clock following it: restarted on the
    /// correction, stopped during a consultation, extended, completed by the answer.
    @discardableResult
    public static func perform(_ action: RequestAction, on id: UUID, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> [String] {
        let stamp = services.now
        return try await db.write { tx in
            let row = try await DisclosureRequest.find(id, for: principal, on: tx)
            let calendar = try await CalendarService.current(services: services, on: tx)
            let step = try DisclosureRules.apply(action, to: row.state, today: CivilDateTime(stamp).date, calendar: calendar)
            row.apply(step.state)
            row.answerDueOn = DisclosureRules.answerClock(step.state).dueDate(calendar: calendar)?.description
            row.updatedAt = stamp
            try await row.update(on: tx)
            let event: ClockEvent
            let detail: String
            switch action {
            case .noticeCorrection(let on, let items, let due):
                event = .suspend(on, reason: "告知补正（政府信息公开条例第三十条）")
                detail = "一次性告知补正：\(items.joined(separator: "；"))，补正期限至\(due)"
            case .receiveCorrection(let on):
                event = .restart(on, reason: "收到补正后的申请（政府信息公开条例第三十条）")
                detail = "收到补正"
            case .startConsultation(let on):
                event = .suspend(on, reason: "征求第三方意见（政府信息公开条例第三十二条）")
                detail = "征求第三方意见"
            case .endConsultation(let on):
                event = .resume(on)
                detail = "征求意见结束"
            case .extend(let on, let workdays, let approver):
                event = .extend(on, by: .workdays(workdays), approver: approver, reason: "延长答复期限（政府信息公开条例第三十三条第二款）")
                detail = "经\(approver)同意延长答复期限\(workdays)个工作日"
            case .answer(let on, let outcome, let fee):
                event = .complete(CivilDateTime(date: on), reason: outcome.label)
                detail = "答复：\(outcome.group.rawValue) \(outcome.label)（\(outcome.basis)）" + (fee > 0 ? "，收取信息处理费\(fee)元" : "")
            }
            try await ClockService.recordOnOpen(event, kind: DisclosureClocks.answer.key, record: row.clockRecord, by: principal, services: services, on: tx)
            try await log(row, key(action), on: CivilDate(event.at.date.description), detail: ([detail] + step.warnings).joined(separator: "；"), by: principal, stamp: stamp, on: tx)
            return step.warnings
        }
    }

    static func key(_ action: RequestAction) -> String {
        switch action {
        case .noticeCorrection: "correction-notice"
        case .receiveCorrection: "correction-received"
        case .startConsultation: "consultation-start"
        case .endConsultation: "consultation-end"
        case .extend: "extend"
        case .answer: "answer"
        }
    }

    static func log(_ row: DisclosureRequest, _ action: String, on date: CivilDate?, detail: String, by principal: Principal, stamp: Date, on db: any Database) async throws {
        try await Timeline.append(DisclosureRequestEvent.self, record: row.id!, title: row.number, entityType: DisclosureRequest.schema, module: "disclosure",
                                  action: action, on: date?.description, detail: detail, by: principal, stamp: stamp, on: db)
    }
}
