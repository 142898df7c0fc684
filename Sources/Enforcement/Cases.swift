import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit

/// Where a penalty case stands (行政处罚法, ordinary procedure unless `summary`).
public enum PenaltyStatus: String, Codable, Sendable, CaseIterable {
    case lead, filed, notified, reviewed, decided, served, executed, closed, archived, dropped

    public var label: String {
        switch self {
        case .lead: return "案源登记"
        case .filed: return "已立案，调查取证中"
        case .notified: return "已告知，待陈述申辩或听证"
        case .reviewed: return "已法制审核"
        case .decided: return "已决定，待送达"
        case .served: return "已送达，待执行"
        case .executed: return "已执行"
        case .closed: return "已结案"
        case .archived: return "已归档"
        case .dropped: return "不予立案"
        }
    }
}

/// A penalty case from 案源 to 归档; every step goes through `PenaltyCaseService.perform`.
public final class PenaltyCase: Model, @unchecked Sendable {
    public static let schema = "penalty_cases"

    @ID(key: .id) public var id: UUID?
    @Field(key: "case_number") public var caseNumber: String
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "party_kind") public var partyKind: String
    @Field(key: "party_sealed") public var partySealed: String
    @Field(key: "party_masked") public var partyMasked: String
    @Field(key: "violation") public var violation: String
    /// The day the violation happened or, if continuing, ended (第三十六条).
    @Field(key: "violation_on") public var violationOn: String
    @Field(key: "discovered_on") public var discoveredOn: String
    /// 第三十六条: life, health or financial security involved and harm caused (5-year limit).
    @Field(key: "grave_harm") public var graveHarm: Bool
    @Field(key: "status") public var status: String
    @OptionalField(key: "filed_on") public var filedOn: String?
    @Field(key: "officer_ids") public var officerIDs: String
    @Field(key: "handled_by") public var handledBy: String
    /// 第五十八条 criteria met (or the amount threshold): legal review required before deciding.
    @Field(key: "major") public var major: Bool
    /// 第五十七条第二款: complex or serious: collective deliberation required.
    @Field(key: "complex") public var complex: Bool
    /// 简易程序 (当场处罚, 第五十一条).
    @Field(key: "summary") public var summary: Bool
    @OptionalField(key: "notified_on") public var notifiedOn: String?
    @OptionalField(key: "review_on") public var reviewOn: String?
    @OptionalField(key: "reviewer") public var reviewer: String?
    @OptionalField(key: "deliberation_on") public var deliberationOn: String?
    @OptionalField(key: "fine_yuan") public var fineYuan: Int?
    @OptionalField(key: "decision") public var decision: String?
    @OptionalField(key: "decided_on") public var decidedOn: String?
    /// The last day of the decision period as it stood when the decision was made (from the case's
    /// decision clock, with its extensions and pauses): 按期决定率 is a count of `decided_on <= decision_due_on`.
    @OptionalField(key: "decision_due_on") public var decisionDueOn: String?
    @OptionalField(key: "served_on") public var servedOn: String?
    @OptionalField(key: "executed_on") public var executedOn: String?
    @OptionalField(key: "closed_on") public var closedOn: String?
    @OptionalField(key: "archived_on") public var archivedOn: String?
    /// The decision is 不予行政处罚 (an "other" decision for publication, 20 working days).
    @Field(key: "no_penalty") public var noPenalty: Bool
    /// 第四十八条第二款: the decision was changed, annulled, or found unlawful or void.
    @OptionalField(key: "changed_on") public var changedOn: String?
    @OptionalField(key: "change_kind") public var changeKind: String?
    @OptionalField(key: "change_reason") public var changeReason: String?
    /// Discretion at decision time (裁量基准): the benchmark version, the tier, what the platform proposed.
    @OptionalField(key: "benchmark_id") public var benchmarkID: String?
    @OptionalField(key: "discretion_tier") public var discretionTier: String?
    @OptionalField(key: "proposed_tiers") public var proposedTiers: String?
    @OptionalField(key: "circumstances") public var circumstances: String?
    @Field(key: "outside_benchmark") public var outsideBenchmark: Bool
    @OptionalField(key: "outside_reason") public var outsideReason: String?
    @OptionalField(key: "lenience_item_id") public var lenienceItemID: String?
    @OptionalField(key: "lenience_reason") public var lenienceReason: String?
    /// 🏷 The economic-impact assessment of a major decision against an enterprise.
    @OptionalField(key: "impact_assessed_on") public var impactAssessedOn: String?
    @OptionalField(key: "impact_assessment") public var impactAssessment: String?
    /// 第六十四条: the hearing, and the day the party was told of it (at least seven working days before).
    @OptionalField(key: "hearing_notice_on") public var hearingNoticeOn: String?
    @OptionalField(key: "hearing_on") public var hearingOn: String?
    /// 第六十三条, 第六十四条: told of the right to a hearing; asked for it; gave it up in writing.
    @Field(key: "hearing_right") public var hearingRight: Bool
    @OptionalField(key: "hearing_requested_on") public var hearingRequestedOn: String?
    @OptionalField(key: "hearing_waived_on") public var hearingWaivedOn: String?
    /// The day of the case's first publication (公示), held or public, and whether that first
    /// publication was public by its due date: kept with the case when a publication is written or
    /// confirmed (`PublicationService.noteFirst`), so the publication figures count one column
    /// (issue 16) instead of asking each case's publications.
    @OptionalField(key: "first_published_on") public var firstPublishedOn: String?
    @Field(key: "published_on_time") public var publishedOnTime: Bool
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { EnforcementRoute.casesRecord.path(id!) }
    public var caseStatus: PenaltyStatus { PenaltyStatus(rawValue: status) ?? .lead }
    public var officers: [UUID] { officerIDs.split(separator: ",").compactMap { UUID(uuidString: String($0)) } }
}

public final class PenaltyCaseEvent: Model, @unchecked Sendable {
    public static let schema = "penalty_case_events"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "case_id") public var penaltyCase: PenaltyCase
    @Field(key: "action") public var action: String
    @Field(key: "happened_on") public var happenedOn: String
    @Field(key: "detail") public var detail: String
    @Field(key: "actor") public var actor: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

extension EnforcementMigrations {
    struct CreatePenaltyCases: AsyncMigration {
        var name: String { "enforcement.002.penalty-cases" }

        func prepare(on database: any Database) async throws {
            try await database.schema("penalty_cases")
                .id()
                .field("case_number", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("party_kind", .string, .required)
                .field("party_sealed", .string, .required)
                .field("party_masked", .string, .required)
                .field("violation", .string, .required)
                .field("violation_on", .string, .required)
                .field("discovered_on", .string, .required)
                .field("grave_harm", .bool, .required)
                .field("status", .string, .required)
                .field("filed_on", .string)
                .field("officer_ids", .string, .required)
                .field("handled_by", .string, .required)
                .field("major", .bool, .required)
                .field("complex", .bool, .required)
                .field("notified_on", .string)
                .field("review_on", .string)
                .field("reviewer", .string)
                .field("deliberation_on", .string)
                .field("fine_yuan", .int)
                .field("decision", .string)
                .field("decided_on", .string)
                .field("served_on", .string)
                .field("executed_on", .string)
                .field("closed_on", .string)
                .field("archived_on", .string)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .unique(on: "case_number")
                .create()
            try await database.schema("penalty_case_events")
                .id()
                .field("case_id", .uuid, .required, .references("penalty_cases", "id"))
                .field("action", .string, .required)
                .field("happened_on", .string, .required)
                .field("detail", .string, .required)
                .field("actor", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("penalty_case_events").delete()
            try await database.schema("penalty_cases").delete()
        }
    }
}

public enum PenaltyClocks {
    /// 第六十条: decide within ninety days of 立案 (unless a law, regulation or rule says otherwise).
    public static let decision = ClockKind(key: "enforcement.penalty-decision", moduleID: "enforcement", rule: ClockRule(
        title: "作出行政处罚决定", period: .days(90), basis: "行政处罚法第六十条"))
    /// 第六十一条: a decision not handed over on the spot is served within seven (working) days (第八十五条).
    public static let service = ClockKind(key: "enforcement.penalty-service", moduleID: "enforcement", rule: ClockRule(
        title: "送达行政处罚决定书", period: .workdays(7), basis: "行政处罚法第六十一条、第八十五条"))
    /// 第六十四条: the party asks for a hearing within five (working) days of being told of the right.
    public static let hearingRequest = ClockKind(key: "enforcement.hearing-request", moduleID: "enforcement", rule: ClockRule(
        title: "当事人要求听证", period: .workdays(5), basis: "行政处罚法第六十四条第一项、第八十五条"))

    public static let all = [decision, service, hearingRequest]
}

public enum PenaltyAction: Sendable {
    case file(on: CivilDate, certificateNumbers: [String], major: Bool, complex: Bool, summary: Bool = false)
    case drop(on: CivilDate, reason: String)
    case notify(on: CivilDate, hearingRight: Bool)
    /// 第六十四条第一项: the party asks for a hearing within five working days of being told of the right.
    case requestHearing(on: CivilDate)
    /// The party gives up the hearing in writing, which ends the request window early.
    case waiveHearing(on: CivilDate)
    case review(on: CivilDate, passed: Bool, opinion: String)
    case deliberate(on: CivilDate, participants: String)
    /// `penalty: false` is a 不予行政处罚 decision.
    case decide(on: CivilDate, fineYuan: Int?, decision: String, penalty: Bool = true, discretion: DiscretionInput? = nil)
    /// 🏷 The economic-impact assessment before a major decision against an enterprise.
    case assessImpact(on: CivilDate, assessment: String)
    /// 第六十四条: a hearing held on `on`, notified to the party on `noticeOn`.
    case hearing(on: CivilDate, noticeOn: CivilDate, record: String)
    /// Publish the redacted decision on `/gongshi` (三项制度; 7 or 20 working days).
    case publish(on: CivilDate)
    /// The decision was changed, annulled, or found unlawful or void (by reconsideration, a court, or the body itself).
    case change(on: CivilDate, kind: DecisionChange, reason: String)
    /// Withdraw the published decision (第四十八条第二款, three working days).
    case withdraw(on: CivilDate)
    case serve(on: CivilDate)
    case execute(on: CivilDate)
    case close(on: CivilDate)
    case archive(on: CivilDate)
    /// 🏷 Extends the decision period where the domain's rule allows it (行政处罚法第六十条 itself
    /// does not; e.g. 市场监督管理行政处罚程序规定第六十四条), with the approving head and the reason.
    case extendDecision(on: CivilDate, days: Int, approver: String, reason: String)

    public var label: String {
        switch self {
        case .file: return "立案"
        case .drop: return "不予立案"
        case .notify: return "告知"
        case .requestHearing: return "当事人要求听证"
        case .waiveHearing: return "当事人书面放弃听证"
        case .review: return "法制审核"
        case .deliberate: return "集体讨论"
        case .decide: return "作出决定"
        case .serve: return "送达"
        case .execute: return "执行"
        case .close: return "结案"
        case .archive: return "归档"
        case .publish: return "公示决定"
        case .change: return "决定变更或撤销"
        case .withdraw: return "撤回公示"
        case .assessImpact: return "涉企经济影响评估"
        case .hearing: return "听证"
        case .extendDecision: return "延长决定期限"
        }
    }

    var key: String {
        switch self {
        case .file: return "file"
        case .drop: return "drop"
        case .notify: return "notify"
        case .requestHearing: return "hearing-request"
        case .waiveHearing: return "hearing-waiver"
        case .review: return "review"
        case .deliberate: return "deliberate"
        case .decide: return "decide"
        case .serve: return "serve"
        case .execute: return "execute"
        case .close: return "close"
        case .archive: return "archive"
        case .publish: return "publish"
        case .change: return "change"
        case .withdraw: return "withdraw"
        case .assessImpact: return "impact"
        case .hearing: return "hearing"
        case .extendDecision: return "extend-decision"
        }
    }

    var date: CivilDate {
        switch self {
        case .file(let on, _, _, _, _), .drop(let on, _), .notify(let on, _), .requestHearing(let on), .waiveHearing(let on), .review(let on, _, _), .deliberate(let on, _), .decide(let on, _, _, _, _), .assessImpact(let on, _), .hearing(let on, _, _),
             .serve(let on), .execute(let on), .close(let on), .archive(let on), .publish(let on), .change(let on, _, _), .withdraw(let on),
             .extendDecision(let on, _, _, _):
            return on
        }
    }
}

public enum PenaltyCaseService {
    /// The audit action of a step's finding (a historical breach the rules found).
    public static let findingAction = "enforcement.case-finding"
    /// The audit action of one case a ledger import replayed: its steps folded into one row.
    public static let importedAction = "enforcement.case-imported"

    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// 第三十六条: the last day on which a violation may still be discovered and punished.
    public static func limitationEnd(violationOn: CivilDate, graveHarm: Bool) -> CivilDate {
        PenaltyRules.limitationEnd(violationOn: violationOn, graveHarm: graveHarm)
    }

    /// Registers a lead (案源).
    @discardableResult
    public static func registerLead(caseNumber: String?, unitCode: String?, partyKind: String?, party: String?, violation: String?, violationOn: String?,
                                    discoveredOn: String?, graveHarm: Bool, by principal: Principal, services: FazhiServices,
                                    on db: any Database) async throws -> PenaltyCase {
        try await db.write { tx in
            try await registerLead(caseNumber: caseNumber, unitCode: unitCode, partyKind: partyKind, party: party, violation: violation,
                                   violationOn: violationOn, discoveredOn: discoveredOn, graveHarm: graveHarm, by: principal,
                                   store: TransactionStore(tx, services: services))
        }
    }

    /// Registers a lead through `store`: one transaction on the platform, a ledger import's batch.
    static func registerLead(caseNumber: String?, unitCode: String?, partyKind: String?, party: String?, violation: String?, violationOn: String?,
                             discoveredOn: String?, graveHarm: Bool, by principal: Principal, store: any PenaltyStore) async throws -> PenaltyCase {
        let services = store.services
        let today = CivilDateTime(services.now).date
        var validator = Validator()
        let number = validator.required(caseNumber, field: "caseNumber", label: "案号", maxLength: 60)
        let partyName = validator.required(party, field: "party", label: "当事人", maxLength: 100)
        let violationText = validator.required(violation, field: "violation", label: "违法行为", maxLength: 500)
        let kind = ["natural", "legal", "other"].contains(partyKind ?? "") ? partyKind! : nil
        if kind == nil { validator.add("partyKind", "当事人类型", "应为自然人、法人或其他组织") }
        let happened = CivilDate((violationOn ?? "").trimmedCell)
        let discovered = CivilDate((discoveredOn ?? "").trimmedCell)
        if happened == nil { validator.add("violationOn", "违法行为发生（终了）日期", FormFields.dateRule) }
        if discovered == nil { validator.add("discoveredOn", "发现日期", FormFields.dateRule) }
        if let discovered, discovered > today { validator.add("discoveredOn", "发现日期", "不能晚于今天") }
        if let happened, let discovered, discovered < happened { validator.add("discoveredOn", "发现日期", "不能早于违法行为发生日期") }
        let code = validator.required(unitCode, field: "unitCode", label: "办案单位编码", maxLength: 32)
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await store.unit(code: code); if unit == nil { validator.add("unitCode", "办案单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let stamp = services.now
        guard try await store.enforcementBody(unitID: unit.id!) != nil else {
            throw fail("unitCode", "办案单位编码", "\(unit.name)不是已确认的行政执法主体")
        }
        if try await store.caseNumberTaken(number) { throw fail("caseNumber", "案号", "“\(number)”已存在") }
        let row = PenaltyCase()
        row.id = .v4()
        row.caseNumber = number
        row.unitID = unit.id!
        row.unitPath = unit.path
        row.partyKind = kind!
        row.partySealed = try services.cipher.seal(partyName)
        row.partyMasked = kind == "natural" ? Masking.personName(partyName) : partyName
        row.violation = violationText
        row.violationOn = happened!.description
        row.discoveredOn = discovered!.description
        row.graveHarm = graveHarm
        row.status = PenaltyStatus.lead.rawValue
        row.officerIDs = ""
        row.handledBy = principal.userID?.uuidString ?? "system"
        row.major = false
        row.complex = false
        row.summary = false
        row.noPenalty = false
        row.outsideBenchmark = false
        row.hearingRight = false
        row.publishedOnTime = false
        row.createdAt = stamp
        row.updatedAt = stamp
        try await store.insert(row)
        try await log(row, "lead", on: discovered!, detail: "案源登记：\(violationText)", by: principal, stamp: stamp, store: store)
        return row
    }

    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> PenaltyCase {
        guard let row = try await PenaltyCase.find(id, on: db), principal.covers(unitPath: row.unitPath) else {
            throw ScopeDenied(entityType: "penalty_case", entityID: id.uuidString)
        }
        return row
    }

    static func log(_ row: PenaltyCase, _ action: String, on date: CivilDate, detail: String, by principal: Principal, stamp: Date, store: any PenaltyStore) async throws {
        let event = PenaltyCaseEvent()
        event.id = .v4()
        event.$penaltyCase.id = row.id!
        event.action = action
        event.happenedOn = date.description
        event.detail = detail
        event.actor = principal.auditActor.name
        event.createdAt = stamp
        try await store.insert(event)
        try await store.audit(AuditEvent(action: "enforcement.case-\(action)", entityType: "penalty_case", entityID: row.id!.uuidString,
                                         detail: AuditEvent.stepDetail(row.caseNumber, on: date.description, text: detail)), by: principal.auditActor)
    }

    /// Records one step: loads the case and the facts the step needs, applies `PenaltyRules`, and
    /// writes the case, its clocks, its publication, the timeline and the audit row in one transaction.
    ///
    /// `historicalBreach` is only for a ledger row that states a breach of the law in the county's
    /// past (the import column 历史违规说明): the step is recorded as it happened and each breach is
    /// kept as a `PenaltyCaseFinding` with that statement, audited.
    @discardableResult
    public static func perform(_ action: PenaltyAction, on caseID: UUID, by principal: Principal, services: FazhiServices, on db: any Database,
                               historicalBreach: String? = nil) async throws -> PenaltyCase {
        try await db.write { tx in
            let row = try await find(caseID, for: principal, on: tx)
            try await step(action, case: row, by: principal, historicalBreach: historicalBreach, store: TransactionStore(tx, services: services))
            return row
        }
    }

    /// One step on a case already loaded, through `store`: the facts the step needs, `PenaltyRules`,
    /// then the case, its clocks, its publication, the timeline and the audit rows.
    static func step(_ action: PenaltyAction, case row: PenaltyCase, by principal: Principal, historicalBreach: String?,
                     store: any PenaltyStore) async throws {
        let services = store.services
        let stamp = services.now
        let today = CivilDateTime(stamp).date
        var facts = try await loadFacts(for: action, case: row, today: today, by: principal, store: store)
        facts.recordingHistory = historicalBreach != nil
        let before = store.state(of: row)
        let step = try PenaltyRules.apply(action, to: before, facts: facts)
        for finding in step.findings {
            let record = PenaltyCaseFinding()
            record.id = .v4()
            record.caseID = row.id!
            record.unitPath = row.unitPath
            record.caseNumber = row.caseNumber
            record.step = action.label
            record.happenedOn = action.date.description
            record.finding = finding
            record.statement = historicalBreach ?? ""
            record.createdAt = stamp
            try await store.insert(record)
            try await store.audit(AuditEvent(action: findingAction, entityType: "penalty_case", entityID: row.id!.uuidString,
                                             detail: AuditEvent.stepDetail(row.caseNumber, on: action.date.description, text: finding)),
                                  by: principal.auditActor)
        }
        row.apply(step.state, over: before)
        store.remember(step.state, of: row)
        row.updatedAt = stamp
        // The decision's due date as the clock stands now, before the clock is completed below.
        if step.effects.contains(where: { if case .completeClock(let kind, _) = $0 { kind.key == PenaltyClocks.decision.key } else { false } }) {
            row.decisionDueOn = try await decisionDue(row, decidedOn: action.date, store: store)?.description
        }
        let date = action.date
        var detail = step.detail
        var held = false
        for effect in step.effects {
            switch effect {
            case .openClock(let kind, let reason):
                try await store.openClock(kind, for: row, start: date, reason: reason, by: principal)
            case .completeClock(let kind, let reason):
                // A held publication is not yet public: its clock runs on until it is confirmed.
                if held && (kind.key == PublicationClocks.decision.key || kind.key == PublicationClocks.otherDecision.key) { continue }
                try await store.recordOnOpen(.complete(CivilDateTime(date: date), reason: reason), kind: kind.key, record: row.clockRecord, by: principal)
            case .publish(let due, let note):
                let item = try PublicationService.publication(for: row, unitName: try await store.unitName(row.unitID), date: date, due: due, services: services)
                try await store.insert(item)
                PublicationService.noteFirst(item, on: row)
                detail += "：\(item.publicLink)\(note)"
                if let reason = item.heldReason {
                    held = true
                    detail += "（\(reason)，确认前不公开）"
                }
            case .extendClock(let kind, let period, let approver, let reason):
                try await store.recordOnOpen(.extend(date, by: period, approver: approver, reason: reason), kind: kind.key, record: row.clockRecord, by: principal)
            case .withdrawPublication(let reason):
                guard let item = try await store.currentPublication(caseID: row.id!) else { continue }
                item.withdrawnOn = date.description
                item.withdrawReason = reason
                try await store.update(item)
            }
        }
        try await store.update(row)
        try await log(row, action.key, on: date, detail: detail, by: principal, stamp: stamp, store: store)
    }

    /// The last day of the case's decision period as it stands: its open decision clock's due date
    /// (with the domain's period, extensions and pauses; a paused clock is not late, so the day of
    /// the decision), or, for a case without one, the body's domain rule from 立案.
    static func decisionDue(_ row: PenaltyCase, decidedOn: CivilDate, store: any PenaltyStore) async throws -> CivilDate? {
        if let open = try await store.openClock(kind: PenaltyClocks.decision.key, record: row.clockRecord) {
            return open.dueDate.flatMap(CivilDate.init) ?? decidedOn
        }
        let domain = try await store.enforcementBody(unitID: row.unitID)?.penaltyDomain ?? PenaltyDomains.general
        guard let filed = row.filedOn.flatMap(CivilDate.init) else { return nil }
        return Clock(rule: domain.decisionClock(config: store.services.config).rule, start: CivilDateTime(date: filed)).dueDate(calendar: try await store.calendar())
    }

    /// What `PenaltyRules` reads besides the case, read inside the step's transaction.
    static func loadFacts(for action: PenaltyAction, case row: PenaltyCase, today: CivilDate, by principal: Principal,
                          store: any PenaltyStore) async throws -> PenaltyFacts {
        let config = store.services.config
        var facts = PenaltyFacts(
            today: today,
            actor: StepActor(userID: principal.userID?.uuidString, name: principal.auditActor.name,
                             canHandle: principal.has(EnforcementPermissions.manage), canReview: principal.has(EnforcementPermissions.review)),
            unitPath: row.unitPath, majorFinePersonYuan: config.majorFinePersonYuan,
            majorFineOrganisationYuan: config.majorFineOrganisationYuan, enterpriseImpactRequired: config.enterpriseImpactRequired)
        let date = action.date
        switch action {
        case .file(_, let numbers, _, _, _):
            if let body = try await store.enforcementBody(unitID: row.unitID) {
                facts.decisionClock = body.penaltyDomain.decisionClock(config: config)
            }
            for number in Set(numbers.map(\.trimmedCell).filter { !$0.isEmpty }) {
                guard let certificate = try await store.certificate(number: number) else { continue }
                var qualified = certificate.valid(on: date.description)
                if qualified { qualified = try await store.qualified(officerID: certificate.$officer.id, on: date) }
                facts.certificates[number] = CertificateFacts(officerID: certificate.$officer.id, qualified: qualified,
                                                              statusLabel: certificate.statusLabel(on: date.description), unitPath: certificate.unitPath)
            }
        case .extendDecision:
            if let open = try await store.openClock(kind: PenaltyClocks.decision.key, record: row.clockRecord) {
                let clock = try open.clock
                facts.decisionClock = ClockKind(key: PenaltyClocks.decision.key, moduleID: PenaltyClocks.decision.moduleID, rule: clock.rule)
                facts.decisionExtensions = clock.events.filter { $0.kind == .extend }.compactMap(\.period)
                facts.decisionDue = open.dueDate.flatMap(CivilDate.init)
            }
        case .decide(_, let fine, _, let penalty, let discretion?):
            do {
                let checked = try await DiscretionService.evaluate(discretion, fine: fine, penalty: penalty, on: date, db: store.database)
                facts.discretion = .success(DiscretionOutcome(
                    benchmark: checked.benchmark.map { ($0.id!.uuidString, $0.code, $0.version) }, tier: checked.tier,
                    proposal: checked.proposal.tiers, outside: checked.outside,
                    lenience: checked.lenience.map { ($0.id!.uuidString, $0.listValue.label, $0.code) }))
            } catch let refusal as ValidationFailure {
                facts.discretion = .failure(refusal)
            }
        default:
            break
        }
        switch action {
        case .hearing, .publish, .decide, .requestHearing:
            facts.calendar = try await store.calendar()
        default:
            break
        }
        switch action {
        case .publish, .change, .withdraw:
            facts.publishedOn = try await store.currentPublication(caseID: row.id!).flatMap { CivilDate($0.publishedOn) }
        default:
            break
        }
        return facts
    }
}

extension PenaltyCase {
    /// The case as `PenaltyRules` sees it.
    var state: PenaltyCaseState {
        func day(_ text: String?) -> CivilDate? { text.flatMap(CivilDate.init) }
        var state = PenaltyCaseState(caseNumber: caseNumber, status: caseStatus, partyKind: partyKind, violationOn: CivilDate(violationOn)!,
                                     discoveredOn: CivilDate(discoveredOn)!, graveHarm: graveHarm, handledBy: handledBy)
        state.officerIDs = officers
        state.major = major
        state.complex = complex
        state.summary = summary
        state.filedOn = day(filedOn)
        state.notifiedOn = day(notifiedOn)
        state.reviewOn = day(reviewOn)
        state.reviewer = reviewer
        state.deliberationOn = day(deliberationOn)
        state.fineYuan = fineYuan
        state.decision = decision
        state.decidedOn = day(decidedOn)
        state.noPenalty = noPenalty
        state.servedOn = day(servedOn)
        state.executedOn = day(executedOn)
        state.closedOn = day(closedOn)
        state.archivedOn = day(archivedOn)
        state.changedOn = day(changedOn)
        state.changeKind = changeKind.flatMap(DecisionChange.init(rawValue:))
        state.changeReason = changeReason
        if benchmarkID != nil || discretionTier != nil || lenienceItemID != nil || outsideBenchmark || proposedTiers != nil || circumstances != nil {
            state.discretion = DiscretionRecord(
                benchmarkID: benchmarkID, tier: discretionTier.flatMap(DiscretionTier.init(rawValue:)),
                proposedTiers: (proposedTiers ?? "").split(separator: ",").compactMap { DiscretionTier(rawValue: String($0)) },
                circumstances: (circumstances ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty },
                outside: outsideBenchmark, outsideReason: outsideReason, lenienceItemID: lenienceItemID, lenienceReason: lenienceReason)
        }
        state.impactAssessedOn = day(impactAssessedOn)
        state.impactAssessment = impactAssessment
        state.hearingNoticeOn = day(hearingNoticeOn)
        state.hearingOn = day(hearingOn)
        state.hearingRight = hearingRight
        state.hearingRequestedOn = day(hearingRequestedOn)
        state.hearingWaivedOn = day(hearingWaivedOn)
        return state
    }

    /// Copies the rules' result onto the stored row: the fields that differ from `old`, the state
    /// the rules were given (`state` of this row). A model field's setter costs more than the rule
    /// that changed it, and a step changes two or three of some forty.
    func apply(_ state: PenaltyCaseState, over old: PenaltyCaseState) {
        if state.status != old.status { status = state.status.rawValue }
        if state.officerIDs != old.officerIDs { officerIDs = state.officerIDs.map(\.uuidString).joined(separator: ",") }
        if state.major != old.major { major = state.major }
        if state.complex != old.complex { complex = state.complex }
        if state.summary != old.summary { summary = state.summary }
        if state.filedOn != old.filedOn { filedOn = state.filedOn?.description }
        if state.notifiedOn != old.notifiedOn { notifiedOn = state.notifiedOn?.description }
        if state.reviewOn != old.reviewOn { reviewOn = state.reviewOn?.description }
        if state.reviewer != old.reviewer { reviewer = state.reviewer }
        if state.deliberationOn != old.deliberationOn { deliberationOn = state.deliberationOn?.description }
        if state.fineYuan != old.fineYuan { fineYuan = state.fineYuan }
        if state.decision != old.decision { decision = state.decision }
        if state.decidedOn != old.decidedOn { decidedOn = state.decidedOn?.description }
        if state.noPenalty != old.noPenalty { noPenalty = state.noPenalty }
        if state.servedOn != old.servedOn { servedOn = state.servedOn?.description }
        if state.executedOn != old.executedOn { executedOn = state.executedOn?.description }
        if state.closedOn != old.closedOn { closedOn = state.closedOn?.description }
        if state.archivedOn != old.archivedOn { archivedOn = state.archivedOn?.description }
        if state.changedOn != old.changedOn { changedOn = state.changedOn?.description }
        if state.changeKind != old.changeKind { changeKind = state.changeKind?.rawValue }
        if state.changeReason != old.changeReason { changeReason = state.changeReason }
        if state.discretion != old.discretion {
            let discretion = state.discretion
            benchmarkID = discretion?.benchmarkID
            discretionTier = discretion?.tier?.rawValue
            proposedTiers = discretion.map { $0.proposedTiers.map(\.rawValue).joined(separator: ",") }
            circumstances = discretion.map { $0.circumstances.joined(separator: ",") }
            outsideBenchmark = discretion?.outside ?? false
            outsideReason = discretion?.outsideReason
            lenienceItemID = discretion?.lenienceItemID
            lenienceReason = discretion?.lenienceReason
        }
        if state.impactAssessedOn != old.impactAssessedOn { impactAssessedOn = state.impactAssessedOn?.description }
        if state.impactAssessment != old.impactAssessment { impactAssessment = state.impactAssessment }
        if state.hearingNoticeOn != old.hearingNoticeOn { hearingNoticeOn = state.hearingNoticeOn?.description }
        if state.hearingOn != old.hearingOn { hearingOn = state.hearingOn?.description }
        if state.hearingRight != old.hearingRight { hearingRight = state.hearingRight }
        if state.hearingRequestedOn != old.hearingRequestedOn { hearingRequestedOn = state.hearingRequestedOn?.description }
        if state.hearingWaivedOn != old.hearingWaivedOn { hearingWaivedOn = state.hearingWaivedOn?.description }
    }
}

extension EnforcementMigrations {
    /// 按期决定率 counts `decided_on <= decision_due_on`: cases decided before this migration get the
    /// due date of their (closed) decision clock, or of 第六十条's ninety days from 立案.
    struct AddDecisionDue: AsyncMigration {
        var name: String { "enforcement.013.decision-due" }

        func prepare(on database: any Database) async throws {
            try await database.sql.raw("ALTER TABLE penalty_cases ADD COLUMN decision_due_on TEXT").run()
            // Only the columns this migration knows: a later column on the model is not there yet.
            let decided = try await PenaltyCase.query(on: database).filter(\.$decidedOn != nil).field(\.$id).field(\.$filedOn).all()
            guard !decided.isEmpty else { return }
            let calendar = try await CalendarService.load(on: database)
            for row in decided {
                let clock = try await StatutoryClock.query(on: database).filter(\.$recordType == PenaltyCase.schema)
                    .filter(\.$recordID == row.id!.uuidString).filter(\.$kind == PenaltyClocks.decision.key).first()
                var due: String?
                if let clockDue = clock?.dueDate {
                    due = clockDue
                } else if let filed = row.filedOn.flatMap(CivilDate.init) {
                    due = Clock(rule: PenaltyClocks.decision.rule, start: CivilDateTime(date: filed)).dueDate(calendar: calendar)?.description
                }
                try await database.sql.update(PenaltyCase.schema).set("decision_due_on", to: SQLBind(due)).where("id", .equal, SQLBind(row.id!)).run()
            }
        }

        func revert(on database: any Database) async throws {
            try await database.sql.raw("ALTER TABLE penalty_cases DROP COLUMN decision_due_on").run()
        }
    }

    /// 第六十三条, 第六十四条: the hearing-request window is a gate on the decision, so the case keeps
    /// whether the right was given, and the party's request or written waiver.
    struct AddHearingRequest: AsyncMigration {
        var name: String { "enforcement.008.hearing-request" }

        func prepare(on database: any Database) async throws {
            let sql = database.sql
            try await sql.raw("ALTER TABLE penalty_cases ADD COLUMN hearing_right BOOLEAN NOT NULL DEFAULT FALSE").run()
            try await sql.raw("ALTER TABLE penalty_cases ADD COLUMN hearing_requested_on TEXT").run()
            try await sql.raw("ALTER TABLE penalty_cases ADD COLUMN hearing_waived_on TEXT").run()
            // The 告知 step's timeline said whether the right was given.
            try await sql.raw("""
                UPDATE penalty_cases SET hearing_right = TRUE WHERE EXISTS (SELECT 1 FROM penalty_case_events e
                WHERE e.case_id = penalty_cases.id AND e.action = 'notify' AND e.detail LIKE '%含听证权利%')
                """).run()
        }

        func revert(on database: any Database) async throws {
            let sql = database.sql
            try await sql.raw("ALTER TABLE penalty_cases DROP COLUMN hearing_right").run()
            try await sql.raw("ALTER TABLE penalty_cases DROP COLUMN hearing_requested_on").run()
            try await sql.raw("ALTER TABLE penalty_cases DROP COLUMN hearing_waived_on").run()
        }
    }
}

/// Penalty-case figures of the year (立案 and 决定 dates).
enum PenaltyMetrics {
    static func cases(_ scope: MetricScope, _ db: any Database, by field: KeyPath<PenaltyCase, OptionalFieldProperty<PenaltyCase, String>>) -> QueryBuilder<PenaltyCase> {
        let query = PenaltyCase.query(on: db).filter(field >= "\(scope.year)-01-01").filter(field < "\(scope.year + 1)-01-01")
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    @Sendable static func ref(_ row: PenaltyCase) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: row.caseNumber, link: row.link) }

    /// The year's decided cases counted once for the whole family (decisions, on time, major and
    /// reviewed, fines, outside the benchmark, lenient, publication due and on time): one statement
    /// instead of one or two per figure (issue 16).
    static func decided(_ scope: MetricScope, on db: any Database) async throws -> [String: Int] {
        try await MetricFamilyCache.counts("enforcement.decided", scope: scope) {
            guard let row = try await decidedSelect(scope, on: db).first() else { return [:] }
            var counts: [String: Int] = [:]
            let keys = ["decided", "on_time", "major", "major_reviewed", "fines", "outside", "lenient", "publication_due", "published_on_time"]
            for key in keys { counts[key] = try row.decode(column: key, as: Int?.self) ?? 0 }
            return counts
        }
    }

    /// The decided-cases family's one statement. On PostgreSQL every column it reads is in the
    /// covering index `penalty_cases_decided_cover` (migration enforcement.026), so a province's
    /// year is counted from the index alone: a column added here belongs in that index too
    /// (`FiguresTests.decidedFamilyReadsItsIndex`).
    static func decidedSelect(_ scope: MetricScope, on db: any Database) -> SQLSelectBuilder {
        var select = (db as! any SQLDatabase).select()
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "decided")
            .column(SQLRaw("SUM(CASE WHEN decided_on <= decision_due_on THEN 1 ELSE 0 END)"), as: "on_time")
            .column(SQLRaw("SUM(CASE WHEN major THEN 1 ELSE 0 END)"), as: "major")
            .column(SQLRaw("SUM(CASE WHEN major AND review_on IS NOT NULL THEN 1 ELSE 0 END)"), as: "major_reviewed")
            .column(SQLRaw("CAST(COALESCE(SUM(fine_yuan), 0) AS BIGINT)"), as: "fines")
            .column(SQLRaw("SUM(CASE WHEN outside_benchmark THEN 1 ELSE 0 END)"), as: "outside")
            .column(SQLRaw("SUM(CASE WHEN lenience_item_id IS NOT NULL THEN 1 ELSE 0 END)"), as: "lenient")
            .column(SQLRaw("SUM(CASE WHEN \(PublicationMetrics.dueSQL) THEN 1 ELSE 0 END)"), as: "publication_due")
            .column(SQLRaw("SUM(CASE WHEN \(PublicationMetrics.dueSQL) AND \(PublicationMetrics.firstPublishedOnTimeSQL) THEN 1 ELSE 0 END)"), as: "published_on_time")
        // One county's year on SQLite: named, because with `ANALYZE`'s statistics and bound values
        // SQLite's planner took the date index, the whole installation's year looked up row by
        // row (province dataset: 1.8 s for one county), over this (path, date) range (0.03 s).
        let sqliteCounty = scope.unitPath != nil && DatabaseFlavor(db) == .sqlite
        select = select.from(sqliteCounty ? SQLRaw("\(PenaltyCase.schema) INDEXED BY penalty_cases_scope_decided") : SQLIdentifier(PenaltyCase.schema))
            .where("decided_on", .greaterThanOrEqual, SQLBind("\(scope.year)-01-01")).where("decided_on", .lessThan, SQLBind("\(scope.year + 1)-01-01"))
        if let path = scope.unitPath { select = select.where("unit_path", .like, SQLBind(path + "%")) }
        return select
    }

    /// A rate of the decided-cases family: missing when the denominator is 0, like `countedRatio`.
    static func decidedRatio(_ numerator: String, of denominator: String, _ scope: MetricScope, _ db: any Database) async throws -> MetricValue {
        let counts = try await decided(scope, on: db)
        guard let total = counts[denominator], total > 0 else { return .missing }
        return .ratio(numerator: counts[numerator] ?? 0, denominator: total)
    }

    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "enforcement.penalty-cases", label: "行政处罚立案", definition: "本年度立案的行政处罚案件数", unit: .piece, compute: { scope, db in
                // COUNT(filed_on), not COUNT(id): answered from the filed_on index alone (issue 16).
                .count(try await cases(scope, db, by: \.$filedOn).count(\.$filedOn))
            }, records: .query({ scope, db in cases(scope, db, by: \.$filedOn) }, ref)),
            MetricDefinition(key: "enforcement.penalty-decisions", label: "作出行政处罚决定", definition: "本年度作出行政处罚决定的案件数", unit: .piece, compute: { scope, db in
                .count(try await decided(scope, on: db)["decided"] ?? 0)
            }, records: .query({ scope, db in cases(scope, db, by: \.$decidedOn) }, ref)),
            MetricDefinition(key: "enforcement.major-reviewed-rate", label: "重大执法决定法制审核率",
                             definition: "本年度作出的属于行政处罚法第五十八条情形的决定中经法制审核通过的比例（应为100%）", unit: .percent, compute: { scope, db in
                try await decidedRatio("major_reviewed", of: "major", scope, db)
            }, records: .query({ scope, db in cases(scope, db, by: \.$decidedOn).filter(\.$major == true).sort(\.$caseNumber) }, ref)),
            MetricDefinition(key: "enforcement.decided-on-time-rate", label: "行政处罚按期决定率",
                             definition: "本年度作出的决定中在决定期限内（行政处罚法第六十条：自立案之日起九十日，法律、法规、规章另有规定的从其规定；依法延长的按延长后的期限，依法不计入的时间扣除）作出的比例", unit: .percent, compute: { scope, db in
                try await decidedRatio("on_time", of: "decided", scope, db)
            }, records: .query({ scope, db in
                // The cases decided late (or without a due date), which are what the rate is short of.
                cases(scope, db, by: \.$decidedOn).group(.or) { late in
                    late.filter(\.$decisionDueOn == nil).filter(\.$decidedOn, .greaterThan, \.$decisionDueOn)
                }.sort(\.$caseNumber)
            }, ref)),
        ]
    }
}

extension PenaltyCase: UnitScoped {
    public static var unitPathField: KeyPath<PenaltyCase, FieldProperty<PenaltyCase, String>> { \.$unitPath }
}
