import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// A 行政规范性文件 from its draft on: the state `DocumentRules` reads, kept column by column.
public final class NormativeDocument: Model, @unchecked Sendable {
    public static let schema = "normative_documents"

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    /// The drafting unit (起草单位) and its path (the scope).
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "affects_rights") public var affectsRights: Bool
    @Field(key: "provisional") public var provisional: Bool
    @Field(key: "stage") public var stage: String
    @OptionalField(key: "consultation_from") public var consultationFrom: String?
    @OptionalField(key: "consultation_due") public var consultationDue: String?
    @OptionalField(key: "consultation_closed_on") public var consultationClosedOn: String?
    @OptionalField(key: "consultation_exemption") public var consultationExemption: String?
    @OptionalField(key: "review_submitted_on") public var reviewSubmittedOn: String?
    @OptionalField(key: "review_opinion_on") public var reviewOpinionOn: String?
    @OptionalField(key: "review_passed") public var reviewPassed: Bool?
    @OptionalField(key: "deliberated_on") public var deliberatedOn: String?
    @OptionalField(key: "number") public var number: String?
    @OptionalField(key: "published_on") public var publishedOn: String?
    @OptionalField(key: "effective_on") public var effectiveOn: String?
    @OptionalField(key: "valid_until") public var validUntil: String?
    @OptionalField(key: "filed_on") public var filedOn: String?
    @OptionalField(key: "filing_due") public var filingDue: String?
    @OptionalField(key: "repealed_on") public var repealedOn: String?
    /// The current text (the last version saved; frozen from publication).
    @Field(key: "body") public var body: String
    @OptionalField(key: "search_key") public var searchKey: Int64?
    /// 采纳情况: how the opinions received were taken up, published when the comment period closes.
    @OptionalField(key: "consultation_summary") public var consultationSummary: String?
    /// 政策解读, published beside the document.
    @OptionalField(key: "interpretation") public var interpretation: String?
    @OptionalField(key: "invalidated_on") public var invalidatedOn: String?
    /// 已修改: the day the amending document was published, and which it is.
    @OptionalField(key: "amended_on") public var amendedOn: String?
    @OptionalField(key: "amended_by") public var amendedBy: UUID?
    /// The document this one amends (its 修改决定 or revised text).
    @OptionalField(key: "amends_id") public var amendsID: UUID?
    @OptionalField(key: "filing_review") public var filingReview: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { DocumentRoute.record.path(id!) }
}

extension NormativeDocument: UnitScoped {
    public static var unitPathField: KeyPath<NormativeDocument, FieldProperty<NormativeDocument, String>> { \.$unitPath }
}

/// One line of a document's timeline.
public final class NormativeDocumentEvent: TimelineEvent, @unchecked Sendable {
    public static let schema = "normative_document_events"

    @ID(key: .id) public var id: UUID?
    @Field(key: "document_id") public var documentID: UUID
    @Field(key: "action") public var action: String
    @OptionalField(key: "happened_on") public var happenedOn: String?
    @Field(key: "detail") public var detail: String
    @Field(key: "actor") public var actor: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var recordID: UUID {
        get { documentID }
        set { documentID = newValue }
    }
}

enum DocumentMigrations {
    struct Create: AsyncMigration {
        var name: String { "documents.001.create" }

        func prepare(on database: any Database) async throws {
            var schema = database.schema(NormativeDocument.schema).id()
                .field("title", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("affects_rights", .bool, .required)
                .field("provisional", .bool, .required)
                .field("stage", .string, .required)
            for column in ["consultation_from", "consultation_due", "consultation_closed_on", "consultation_exemption", "review_submitted_on",
                           "review_opinion_on", "deliberated_on", "number", "published_on", "effective_on", "valid_until", "filed_on", "filing_due", "repealed_on"] {
                schema = schema.field(FieldKey(stringLiteral: column), .string)
            }
            try await schema.field("review_passed", .bool)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            try await database.schema(NormativeDocumentEvent.schema).id()
                .field("document_id", .uuid, .required, .references(NormativeDocument.schema, "id"))
                .field("action", .string, .required)
                .field("happened_on", .string)
                .field("detail", .string, .required)
                .field("actor", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema(NormativeDocumentEvent.schema).delete()
            try await database.schema(NormativeDocument.schema).delete()
        }
    }

    static let all: [any Migration] = [Create(), Texts(), Lifecycle(), Attachments()]
}

extension NormativeDocument {
    /// The document as `DocumentRules` sees it.
    public var state: DocumentState {
        func day(_ text: String?) -> CivilDate? { text.flatMap(CivilDate.init) }
        var state = DocumentState(title: title, affectsRights: affectsRights, provisional: provisional)
        state.stage = DocumentStage(rawValue: stage) ?? .drafting
        state.consultationFrom = day(consultationFrom)
        state.consultationDue = day(consultationDue)
        state.consultationClosedOn = day(consultationClosedOn)
        state.consultationExemption = consultationExemption
        state.reviewSubmittedOn = day(reviewSubmittedOn)
        state.reviewOpinionOn = day(reviewOpinionOn)
        state.reviewPassed = reviewPassed
        state.deliberatedOn = day(deliberatedOn)
        state.number = number
        state.publishedOn = day(publishedOn)
        state.effectiveOn = day(effectiveOn)
        state.validUntil = day(validUntil)
        state.filedOn = day(filedOn)
        state.filingDue = day(filingDue)
        state.repealedOn = day(repealedOn)
        state.invalidatedOn = day(invalidatedOn)
        state.amendedOn = day(amendedOn)
        state.filingReview = filingReview
        return state
    }

    func apply(_ state: DocumentState) {
        stage = state.stage.rawValue
        consultationFrom = state.consultationFrom?.description
        consultationDue = state.consultationDue?.description
        consultationClosedOn = state.consultationClosedOn?.description
        consultationExemption = state.consultationExemption
        reviewSubmittedOn = state.reviewSubmittedOn?.description
        reviewOpinionOn = state.reviewOpinionOn?.description
        reviewPassed = state.reviewPassed
        deliberatedOn = state.deliberatedOn?.description
        number = state.number
        publishedOn = state.publishedOn?.description
        effectiveOn = state.effectiveOn?.description
        validUntil = state.validUntil?.description
        filedOn = state.filedOn?.description
        filingDue = state.filingDue?.description
        repealedOn = state.repealedOn?.description
        invalidatedOn = state.invalidatedOn?.description
        amendedOn = state.amendedOn?.description
        filingReview = state.filingReview
    }
}

/// The periods a document's handlers are warned about on the deadline lists.
public enum DocumentClocks {
    /// The justice bureau's review (⚠️ 国办发〔2018〕115号: 最长不超过15个工作日), from submission.
    public static let review = ClockKind(key: "documents.review", moduleID: "documents", rule: ClockRule(
        title: "规范性文件合法性审核", period: .workdays(15), basis: "国办发〔2018〕115号"))
    /// 备案 after publication (🏷 the province's period; default 30 days).
    public static let filing = ClockKind(key: "documents.filing", moduleID: "documents", rule: ClockRule(
        title: "规范性文件报送备案", period: .days(30), basis: "法规规章备案审查条例第二十五条及本省规定"))

    public static let all = [review, filing, objection]
}

extension NormativeDocument: ClockOwner {}

/// The periods a province sets for documents (🏷), with the national defaults (docs/law.md §15).
public enum DocumentSettings {
    public static let consultation = RuleSetting("documents.consultation-workdays", "规范性文件公开征求意见期限（工作日）", default: 7, range: 1...60, basis: "国办发〔2018〕37号")
    public static let reviewMinimum = RuleSetting("documents.review-minimum-workdays", "规范性文件合法性审核最短时间（工作日）", default: 5, range: 0...30, basis: "国办发〔2018〕115号")
    public static let reviewLimit = RuleSetting("documents.review-limit-workdays", "规范性文件合法性审核期限（工作日）", default: 15, range: 1...60, basis: "国办发〔2018〕115号")
    public static let filing = RuleSetting("documents.filing-days", "规范性文件报送备案期限（日）", default: 30, range: 1...180, basis: "法规规章备案审查条例第二十五条及本省规定")
    public static let validity = RuleSetting("documents.validity-years", "规范性文件有效期（年）", default: 5, range: 1...10, basis: "本省规定")
    public static let provisionalValidity = RuleSetting("documents.provisional-validity-years", "暂行、试行规范性文件有效期（年）", default: 2, range: 1...5, basis: "本省规定")

    public static let all = [consultation, reviewMinimum, reviewLimit, filing, validity, provisionalValidity, objection, expiryWarning]

    /// The rules' settings as this installation has them.
    public static func current(_ services: FazhiServices) -> DocumentRuleSettings {
        var settings = DocumentRuleSettings()
        settings.consultation = .workdays(services.rule(consultation))
        settings.reviewMinimum = .workdays(services.rule(reviewMinimum))
        settings.reviewLimit = .workdays(services.rule(reviewLimit))
        settings.filing = .days(services.rule(filing))
        settings.validityYears = services.rule(validity)
        settings.provisionalValidityYears = services.rule(provisionalValidity)
        return settings
    }
}

public enum DocumentService {
    /// Registers a draft of `unitCode` (the drafting unit).
    @discardableResult
    public static func create(title: String?, unitCode: String?, affectsRights: Bool, provisional: Bool, amends: UUID? = nil, by principal: Principal,
                              services: FazhiServices, on db: any Database) async throws -> NormativeDocument {
        if let amends {
            let old = try await NormativeDocument.find(amends, for: principal, on: db)
            guard old.stage == DocumentStage.published.rawValue, old.amendedOn == nil else {
                throw ValidationFailure(field: "amends", label: "修改的文件", message: "只能修改已公布、尚未被修改的文件")
            }
        }
        var validator = Validator()
        let title = validator.required(title, field: "title", label: "文件名称", maxLength: 200)
        let code = validator.required(unitCode, field: "unitCode", label: "起草单位编码", maxLength: 32)
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "起草单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let stamp = services.now
        return try await db.write { tx in
            let row = NormativeDocument()
            row.id = .v4()
            row.title = title
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.affectsRights = affectsRights
            row.provisional = provisional
            row.stage = DocumentStage.drafting.rawValue
            row.amendsID = amends
            row.body = ""
            row.searchKey = DocumentSearch.rowid(row.id!)
            row.createdAt = stamp
            row.updatedAt = stamp
            try await row.create(on: tx)
            try await DocumentSearch.index(row, on: tx)
            try await log(row, "create", on: nil, detail: "起草：\(title)（\(unit.name)）" + (affectsRights ? "，涉及公民、法人和其他组织权利义务" : ""), by: principal, stamp: stamp, on: tx)
            return row
        }
    }

    /// One step: loads the document, applies `DocumentRules` with the calendar, writes the document,
    /// its timeline line and the audit row in one transaction. The legality review's opinion is the
    /// justice bureau's (`documents.review`), not the drafting unit's.
    @discardableResult
    public static func perform(_ action: DocumentAction, on id: UUID, by principal: Principal, services: FazhiServices,
                               on db: any Database) async throws -> DocumentStep {
        if case .reviewOpinion = action, !principal.has(DocumentPermissions.review) {
            throw ValidationFailure(field: "action", label: "操作", message: "合法性审核意见由司法行政部门出具（国办发〔2018〕115号）")
        }
        let stamp = services.now
        return try await db.write { tx in
            let row = try await NormativeDocument.find(id, for: principal, on: tx)
            let calendar = try await CalendarService.current(services: services, on: tx)
            let settings = DocumentSettings.current(services)
            let step = try DocumentRules.apply(action, to: row.state, today: CivilDateTime(stamp).date, calendar: calendar, settings: settings)
            row.apply(step.state)
            if case .closeConsultation(_, let summary) = action { row.consultationSummary = summary }
            row.updatedAt = stamp
            try await row.update(on: tx)
            switch action {
            case .submitReview(let on):
                var rule = DocumentClocks.review.rule
                rule.period = settings.reviewLimit
                try await ClockService.open(kind: DocumentClocks.review.key, unitID: row.unitID, title: "\(row.title) 合法性审核", record: row.clockRecord,
                                            start: CivilDateTime(date: on), startReason: "送审", rule: rule, by: principal, services: services, on: tx)
            case .reviewOpinion(let on, _, _):
                try await ClockService.recordOnOpen(.complete(CivilDateTime(date: on), reason: "出具审核意见"), kind: DocumentClocks.review.key,
                                                    record: row.clockRecord, by: principal, services: services, on: tx)
            case .publish(let on, _, _):
                if let amends = row.amendsID, let old = try await NormativeDocument.find(amends, on: tx) {
                    old.amendedOn = on.description
                    old.amendedBy = row.id
                    old.updatedAt = stamp
                    try await old.update(on: tx)
                    try await log(old, "amended", on: on, detail: "经《\(row.title)》（\(step.state.number ?? "")）修改", by: principal, stamp: stamp, on: tx)
                }
                var rule = DocumentClocks.filing.rule
                rule.period = settings.filing
                try await ClockService.open(kind: DocumentClocks.filing.key, unitID: row.unitID, title: "\(row.title) 报送备案", record: row.clockRecord,
                                            start: CivilDateTime(date: on), startReason: "公布", rule: rule, by: principal, services: services, on: tx)
            case .file(let on):
                try await ClockService.recordOnOpen(.complete(CivilDateTime(date: on), reason: "已报送备案"), kind: DocumentClocks.filing.key,
                                                    record: row.clockRecord, by: principal, services: services, on: tx)
            default:
                break
            }
            try await log(row, key(action), on: action.date, detail: ([step.detail] + step.warnings).joined(separator: "；"), by: principal, stamp: stamp, on: tx)
            return step
        }
    }

    static func key(_ action: DocumentAction) -> String {
        switch action {
        case .consult: "consult"
        case .closeConsultation: "consultation-close"
        case .skipConsultation: "consultation-skip"
        case .submitReview: "review-submit"
        case .reviewOpinion: "review-opinion"
        case .deliberate: "deliberate"
        case .publish: "publish"
        case .file: "file"
        case .repeal: "repeal"
        case .declareInvalid: "invalidate"
        case .filingReview: "filing-review"
        }
    }

    /// The timeline lines a citizen reads on the public page: the procedure's public facts, not who keyed them.
    static let publicActions: Set<String> = ["consult", "consultation-close", "deliberate", "publish", "file", "repeal", "interpret", "invalidate", "amended", "cleanup"]

    static func log(_ row: NormativeDocument, _ action: String, on date: CivilDate?, detail: String, by principal: Principal, stamp: Date, on db: any Database) async throws {
        try await Timeline.append(NormativeDocumentEvent.self, record: row.id!, title: row.title, entityType: NormativeDocument.schema, module: "documents",
                                  action: action, on: date?.description, detail: detail, by: principal, stamp: stamp, on: db)
    }
}
