import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit

/// A legality review of a contract, 行政协议 or other matter, from submission to the opinion and
/// whether the submitting unit adopted it.
public final class LegalityReview: Model, @unchecked Sendable {
    public static let schema = "legality_reviews"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "title") public var title: String
    /// The submitting unit (送审单位) and its path (the scope).
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @OptionalField(key: "counterparty") public var counterparty: String?
    /// 合同金额 in whole 元 (entered in 万元).
    @OptionalField(key: "amount_yuan") public var amountYuan: Int64?
    @Field(key: "submitted_on") public var submittedOn: String
    @OptionalField(key: "opinion_on") public var opinionOn: String?
    @OptionalField(key: "opinion") public var opinion: String?
    @OptionalField(key: "adopted") public var adopted: Bool?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { LegalRoute.review.path(id!) }

    var state: ReviewState {
        var state = ReviewState(kind: ReviewKind(rawValue: kind) ?? .other, submittedOn: CivilDate(submittedOn)!)
        state.opinionOn = opinionOn.flatMap(CivilDate.init)
        state.opinion = opinion
        state.adopted = adopted
        return state
    }
}

extension LegalityReview: UnitScoped {
    public static var unitPathField: KeyPath<LegalityReview, FieldProperty<LegalityReview, String>> { \.$unitPath }
}

extension LegalityReview: ClockOwner {}

/// A 法律顾问 or 公职律师 on the roster, with the term of the engagement.
public final class LegalAdviser: Model, @unchecked Sendable {
    public static let schema = "legal_advisers"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    /// The law firm (法律顾问) or the employing body (公职律师).
    @Field(key: "employer") public var employer: String
    @OptionalField(key: "contact_sealed") public var contactSealed: String?
    @OptionalField(key: "contact_masked") public var contactMasked: String?
    @Field(key: "term_from") public var termFrom: String
    @Field(key: "term_to") public var termTo: String
    /// The unit that keeps the roster entry (scope): the justice bureau's county, usually.
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

extension LegalAdviser: UnitScoped {
    public static var unitPathField: KeyPath<LegalAdviser, FieldProperty<LegalAdviser, String>> { \.$unitPath }
}

public enum AdviserKind: String, Sendable, CaseIterable {
    case adviser, publicLawyer

    public var label: String { self == .adviser ? "法律顾问" : "公职律师" }
}

/// A unit an adviser serves (a department, a township, a village: 一村（社区）一法律顾问).
public final class LegalAdviserAssignment: Model, @unchecked Sendable {
    public static let schema = "legal_adviser_assignments"

    @ID(key: .id) public var id: UUID?
    @Field(key: "adviser_id") public var adviserID: UUID
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String

    public init() {}
}

/// Hours and opinions an adviser gave on a day.
public final class LegalAdviserService: Model, @unchecked Sendable {
    public static let schema = "legal_adviser_services"

    @ID(key: .id) public var id: UUID?
    @Field(key: "adviser_id") public var adviserID: UUID
    @Field(key: "served_on") public var servedOn: String
    @Field(key: "hours") public var hours: Int
    @Field(key: "opinions") public var opinions: Int
    @Field(key: "note") public var note: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

enum LegalMigrations {
    struct Create: AsyncMigration {
        var name: String { "legal.001.create" }

        func prepare(on database: any Database) async throws {
            try await database.schema(LegalityReview.schema).id()
                .field("kind", .string, .required)
                .field("title", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("counterparty", .string)
                .field("amount_yuan", .int64)
                .field("submitted_on", .string, .required)
                .field("opinion_on", .string)
                .field("opinion", .string)
                .field("adopted", .bool)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            try await database.schema(LegalAdviser.schema).id()
                .field("name", .string, .required)
                .field("kind", .string, .required)
                .field("employer", .string, .required)
                .field("contact_sealed", .string)
                .field("contact_masked", .string)
                .field("term_from", .string, .required)
                .field("term_to", .string, .required)
                .field("unit_path", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await database.schema(LegalAdviserAssignment.schema).id()
                .field("adviser_id", .uuid, .required, .references(LegalAdviser.schema, "id"))
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .unique(on: "adviser_id", "unit_id")
                .create()
            try await database.schema(LegalAdviserService.schema).id()
                .field("adviser_id", .uuid, .required, .references(LegalAdviser.schema, "id"))
                .field("served_on", .string, .required)
                .field("hours", .int, .required)
                .field("opinions", .int, .required)
                .field("note", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            let sql = database as! any SQLDatabase
            try await sql.raw("CREATE INDEX legality_reviews_scope ON legality_reviews (unit_path, opinion_on)").run()
            try await sql.raw("CREATE INDEX legal_adviser_assignments_unit ON legal_adviser_assignments (unit_id)").run()
        }

        func revert(on database: any Database) async throws {
            for schema in [LegalAdviserService.schema, LegalAdviserAssignment.schema, LegalAdviser.schema, LegalityReview.schema] {
                try await database.schema(schema).delete()
            }
        }
    }

    static let all: [any Migration] = [Create()]
}

/// The periods a province sets (🏷) for the legal-affairs module (docs/law.md §17).
public enum LegalSettings {
    public static let review = RuleSetting("legal.review-workdays", "合同及其他事项合法性审查期限（工作日）", default: 7, range: 1...60, basis: "本省（市）行政机关合法性审查规定")
    public static let expiryWarning = RuleSetting("legal.adviser-expiry-warning-days", "法律顾问聘期届满提醒（日）", default: 60, range: 1...365, basis: "本平台默认")

    public static let all = [review, expiryWarning]

    public static func current(_ services: FazhiServices) -> LegalRuleSettings {
        var settings = LegalRuleSettings()
        settings.review = .workdays(services.rule(review))
        settings.expiryWarningDays = services.rule(expiryWarning)
        return settings
    }
}

public enum LegalClocks {
    /// The review of a contract or other matter (🏷; ⚠️ local rules: 5 to 7 working days; default 7).
    public static let review = ClockKind(key: "legal.review", moduleID: "legal", rule: ClockRule(
        title: "合同及其他事项合法性审查", period: LegalRuleSettings().review, basis: "本省（市）行政机关合法性审查规定"))

    public static let all = [review]
}

public enum LegalService {
    /// Registers a contract, 行政协议 or other matter sent for review on `submittedOn`, and opens its clock.
    @discardableResult
    public static func submit(kind: String?, title: String?, unitCode: String?, counterparty: String?, amount: String?, submittedOn: String?,
                              by principal: Principal, services: FazhiServices, on db: any Database) async throws -> LegalityReview {
        var validator = Validator()
        let kind = ReviewKind(rawValue: validator.required(kind, field: "kind", label: "类别", maxLength: 20))
        if kind == nil { validator.add("kind", "类别", "请选择行政协议、合同或其他事项") }
        let title = validator.required(title, field: "title", label: "名称", maxLength: 200)
        let code = validator.required(unitCode, field: "unitCode", label: "送审单位编码", maxLength: 32)
        let counterparty = validator.optional(counterparty, field: "counterparty", label: "相对方", maxLength: 200)
        let day = CivilDate(validator.required(submittedOn, field: "submittedOn", label: "送审日期", maxLength: 10))
        if day == nil { validator.add("submittedOn", "送审日期", FormFields.dateRule) }
        var amountYuan: Int64?
        if let kind {
            do { amountYuan = try LegalRules.amountYuan(amount ?? "", kind: kind) } catch { validator.add("amount", "金额（万元）", error.errors.first?.message ?? "") }
        }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "送审单位编码", "没有编码为“\(code)”的单位") } }
        let stamp = services.now
        if let day, day > CivilDateTime(stamp).date { validator.add("submittedOn", "送审日期", "不能晚于今天") }
        try validator.check()
        guard let unit, let kind, let day, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let amount = amountYuan
        return try await db.write { tx in
            let row = LegalityReview()
            row.id = .v4()
            row.kind = kind.rawValue
            row.title = title
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.counterparty = counterparty
            row.amountYuan = amount
            row.submittedOn = day.description
            row.createdAt = stamp
            row.updatedAt = stamp
            try await row.create(on: tx)
            var rule = LegalClocks.review.rule
            rule.period = LegalSettings.current(services).review
            try await ClockService.open(kind: LegalClocks.review.key, unitID: unit.id, title: "\(title) 合法性审查", record: row.clockRecord,
                                        start: CivilDateTime(date: day), startReason: "送审", rule: rule, by: principal, services: services, on: tx)
            try await AuditLog.append(AuditEvent(action: "legal.review-submit", entityType: LegalityReview.schema, entityID: row.id!.uuidString,
                                                 detail: "\(kind.label)送审：\(title)（\(unit.name)）"), by: principal.auditActor, at: stamp, on: tx)
            return row
        }
    }

    /// The opinion (closing the clock) or the adoption.
    public static func perform(_ action: ReviewAction, on id: UUID, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        let stamp = services.now
        try await db.write { tx in
            let row = try await LegalityReview.find(id, for: principal, on: tx)
            let state = try LegalRules.apply(action, to: row.state, today: CivilDateTime(stamp).date)
            row.opinionOn = state.opinionOn?.description
            row.opinion = state.opinion
            row.adopted = state.adopted
            row.updatedAt = stamp
            try await row.update(on: tx)
            let detail: String
            switch action {
            case .opinion(let on, let text):
                try await ClockService.recordOnOpen(.complete(CivilDateTime(date: on), reason: "出具审查意见"), kind: LegalClocks.review.key,
                                                    record: row.clockRecord, by: principal, services: services, on: tx)
                detail = "\(on)出具审查意见：\(text)"
            case .adoption(let adopted):
                detail = adopted ? "审查意见已采纳" : "审查意见未采纳"
            }
            try await AuditLog.append(AuditEvent(action: "legal.review-step", entityType: LegalityReview.schema, entityID: id.uuidString,
                                                 detail: AuditEvent.stepDetail(row.title, on: action.date ?? "", text: detail)),
                                      by: principal.auditActor, at: stamp, on: tx)
        }
    }

    /// Adds an adviser serving the units in `unitCodes` (separated by commas or spaces).
    @discardableResult
    public static func addAdviser(name: String?, kind: String?, employer: String?, contact: String?, termFrom: String?, termTo: String?, unitCodes: String?,
                                  by principal: Principal, services: FazhiServices, on db: any Database) async throws -> LegalAdviser {
        var validator = Validator()
        let name = validator.required(name, field: "name", label: "姓名", maxLength: 50)
        let kind = AdviserKind(rawValue: validator.required(kind, field: "kind", label: "类别", maxLength: 20))
        if kind == nil { validator.add("kind", "类别", "请选择法律顾问或公职律师") }
        let employer = validator.required(employer, field: "employer", label: "所在律师事务所或单位", maxLength: 200)
        let contact = validator.optional(contact, field: "contact", label: "联系电话", maxLength: 50)
        let from = CivilDate(validator.required(termFrom, field: "termFrom", label: "聘期开始", maxLength: 10))
        let to = CivilDate(validator.required(termTo, field: "termTo", label: "聘期截止", maxLength: 10))
        if from == nil { validator.add("termFrom", "聘期开始", FormFields.dateRule) }
        if to == nil { validator.add("termTo", "聘期截止", FormFields.dateRule) }
        if let from, let to { do { try LegalRules.checkTerm(from: from, to: to) } catch { validator.add("termTo", "聘期截止", error.errors.first?.message ?? "") } }
        let codes = validator.required(unitCodes, field: "unitCodes", label: "服务单位编码", maxLength: 4_000)
            .split(whereSeparator: { $0 == "," || $0 == "，" || $0.isWhitespace }).map(String.init)
        if codes.count > 200 { validator.add("unitCodes", "服务单位编码", "一次最多200个单位") }
        var units: [OrgUnit] = []
        for code in Set(codes).sorted() where codes.count <= 200 {
            if let unit = try await UnitService.find(code: code, on: db) { units.append(unit) } else { validator.add("unitCodes", "服务单位编码", "没有编码为“\(code)”的单位") }
        }
        try validator.check()
        guard let kind, let from, let to else { throw ValidationFailure(field: "kind", label: "类别", message: "请选择") }
        for unit in units where !principal.covers(unitPath: unit.path) { throw ScopeDenied(entityType: "unit", entityID: unit.code) }
        let stamp = services.now
        let sealed = try contact.map { try services.cipher.seal($0) }
        let served = units
        return try await db.write { tx in
            let row = LegalAdviser()
            row.id = .v4()
            row.name = name
            row.kind = kind.rawValue
            row.employer = employer
            row.contactSealed = sealed
            row.contactMasked = contact.map(Masking.phone)
            row.termFrom = from.description
            row.termTo = to.description
            row.unitPath = principal.scopePrefix ?? "/"
            row.createdAt = stamp
            try await row.create(on: tx)
            for unit in served {
                let assignment = LegalAdviserAssignment()
                assignment.id = .v4()
                assignment.adviserID = row.id!
                assignment.unitID = unit.id!
                assignment.unitPath = unit.path
                try await assignment.create(on: tx)
            }
            try await AuditLog.append(AuditEvent(action: "legal.adviser-add", entityType: LegalAdviser.schema, entityID: row.id!.uuidString,
                                                 detail: "\(kind.label)\(name)（\(employer)），聘期\(from)至\(to)，服务\(served.count)个单位"),
                                      by: principal.auditActor, at: stamp, on: tx)
            return row
        }
    }

    /// Hours and opinions an adviser gave.
    public static func recordService(adviser id: UUID, on date: String?, hours: String?, opinions: String?, note: String?, by principal: Principal,
                                     services: FazhiServices, on db: any Database) async throws {
        // The adviser first: one outside the caller's units is a 403 whatever the form holds.
        _ = try await LegalAdviser.find(id, for: principal, on: db)
        var validator = Validator()
        let day = CivilDate(validator.required(date, field: "on", label: "日期", maxLength: 10))
        if day == nil { validator.add("on", "日期", FormFields.dateRule) }
        let hours = RequestNumbers.int(validator.required(hours, field: "hours", label: "工作小时", maxLength: 4), in: 0...24)
        if hours == nil { validator.add("hours", "工作小时", "应为0到24之间的整数") }
        let opinions = RequestNumbers.int(validator.optional(opinions, field: "opinions", label: "出具法律意见", maxLength: 4) ?? "0", in: 0...1_000)
        if opinions == nil { validator.add("opinions", "出具法律意见", "应为0到1000之间的整数") }
        let note = validator.optional(note, field: "note", label: "事项", maxLength: 500) ?? ""
        try validator.check()
        let stamp = services.now
        try await db.write { tx in
            let adviser = try await LegalAdviser.find(id, for: principal, on: tx)
            guard let day, let hours, let opinions, let from = CivilDate(adviser.termFrom), let to = CivilDate(adviser.termTo),
                  LegalRules.serving(from: from, to: to, on: day), day <= CivilDateTime(stamp).date else {
                throw ValidationFailure(field: "on", label: "日期", message: "应在聘期（\(adviser.termFrom)至\(adviser.termTo)）内且不晚于今天")
            }
            let row = LegalAdviserService()
            row.id = .v4()
            row.adviserID = id
            row.servedOn = day.description
            row.hours = hours
            row.opinions = opinions
            row.note = note
            row.createdAt = stamp
            try await row.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "legal.adviser-service", entityType: LegalAdviserService.schema, entityID: row.id!.uuidString,
                                                 detail: "\(adviser.name) \(day)：\(hours)小时，法律意见\(opinions)件"), by: principal.auditActor, at: stamp, on: tx)
        }
    }
}

extension ReviewAction {
    var date: String? {
        if case .opinion(let on, _) = self { return on.description }
        return nil
    }
}
