import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

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
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { "/enforcement/cases/\(id!)" }
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

    public var label: String {
        switch self {
        case .file: return "立案"
        case .drop: return "不予立案"
        case .notify: return "告知"
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
        }
    }

    var key: String {
        switch self {
        case .file: return "file"
        case .drop: return "drop"
        case .notify: return "notify"
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
        }
    }

    var date: CivilDate {
        switch self {
        case .file(let on, _, _, _, _), .drop(let on, _), .notify(let on, _), .review(let on, _, _), .deliberate(let on, _), .decide(let on, _, _, _, _), .assessImpact(let on, _), .hearing(let on, _, _),
             .serve(let on), .execute(let on), .close(let on), .archive(let on), .publish(let on), .change(let on, _, _), .withdraw(let on):
            return on
        }
    }
}

public enum PenaltyCaseService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// 第三十六条: the last day on which a violation may still be discovered and punished.
    public static func limitationEnd(violationOn: CivilDate, graveHarm: Bool) -> CivilDate {
        violationOn.adding(months: graveHarm ? 60 : 24)
    }

    /// Registers a lead (案源).
    @discardableResult
    public static func registerLead(caseNumber: String?, unitCode: String?, partyKind: String?, party: String?, violation: String?, violationOn: String?,
                                    discoveredOn: String?, graveHarm: Bool, by principal: Principal, services: FazhiServices,
                                    on db: any Database) async throws -> PenaltyCase {
        let today = CivilDateTime(services.now).date
        var validator = Validator()
        let number = validator.required(caseNumber, field: "caseNumber", label: "案号", maxLength: 60)
        let partyName = validator.required(party, field: "party", label: "当事人", maxLength: 100)
        let violationText = validator.required(violation, field: "violation", label: "违法行为", maxLength: 500)
        let kind = ["natural", "legal", "other"].contains(partyKind ?? "") ? partyKind! : nil
        if kind == nil { validator.add("partyKind", "当事人类型", "应为自然人、法人或其他组织") }
        let happened = CivilDate((violationOn ?? "").trimmingCharacters(in: .whitespaces))
        let discovered = CivilDate((discoveredOn ?? "").trimmingCharacters(in: .whitespaces))
        if happened == nil { validator.add("violationOn", "违法行为发生（终了）日期", "应为有效日期（YYYY-MM-DD）") }
        if discovered == nil { validator.add("discoveredOn", "发现日期", "应为有效日期（YYYY-MM-DD）") }
        if let discovered, discovered > today { validator.add("discoveredOn", "发现日期", "不能晚于今天") }
        if let happened, let discovered, discovered < happened { validator.add("discoveredOn", "发现日期", "不能早于违法行为发生日期") }
        let code = validator.required(unitCode, field: "unitCode", label: "办案单位编码", maxLength: 32)
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "办案单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let stamp = services.now
        return try await db.write { tx in
            guard try await EnforcementBody.query(on: tx).filter(\.$unitID == unit.id!).count() > 0 else {
                throw fail("unitCode", "办案单位编码", "\(unit.name)不是已确认的行政执法主体")
            }
            if try await PenaltyCase.query(on: tx).filter(\.$caseNumber == number).count() > 0 { throw fail("caseNumber", "案号", "“\(number)”已存在") }
            let row = PenaltyCase()
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
            row.createdAt = stamp
            row.updatedAt = stamp
            try await row.create(on: tx)
            try await log(row, "lead", on: discovered!, detail: "案源登记：\(violationText)", by: principal, stamp: stamp, on: tx)
            return row
        }
    }

    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> PenaltyCase {
        guard let row = try await PenaltyCase.find(id, on: db), principal.covers(unitPath: row.unitPath) else {
            throw ScopeDenied(entityType: "penalty_case", entityID: id.uuidString)
        }
        return row
    }

    static func log(_ row: PenaltyCase, _ action: String, on date: CivilDate, detail: String, by principal: Principal, stamp: Date, on db: any Database) async throws {
        let event = PenaltyCaseEvent()
        event.$penaltyCase.id = row.id!
        event.action = action
        event.happenedOn = date.description
        event.detail = detail
        event.actor = principal.auditActor.name
        event.createdAt = stamp
        try await event.create(on: db)
        try await AuditLog.append(AuditEvent(action: "enforcement.case-\(action)", entityType: "penalty_case", entityID: row.id!.uuidString,
                                             detail: "\(row.caseNumber)：\(detail)（\(date)）"), by: principal.auditActor, at: stamp, on: db)
    }

    /// Records one step; refuses, citing the article, what 行政处罚法 does not allow.
    @discardableResult
    public static func perform(_ action: PenaltyAction, on caseID: UUID, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> PenaltyCase {
        let stamp = services.now
        let today = CivilDateTime(stamp).date
        return try await db.write { tx in
            let row = try await find(caseID, for: principal, on: tx)
            let date = action.date
            guard date <= today else { throw fail("on", "日期", "不能晚于今天") }
            guard date >= CivilDate(row.discoveredOn)! else { throw fail("on", "日期", "不能早于发现日期 \(row.discoveredOn)") }
            let status = row.caseStatus
            func require(_ allowed: Set<PenaltyStatus>, _ why: String) throws {
                guard allowed.contains(status) else { throw fail("action", "操作", "案件当前为“\(status.label)”，不能\(action.label)：\(why)") }
            }
            func clock(_ kind: ClockKind) async throws -> StatutoryClock? { try await ClockService.openClock(kind: kind.key, link: row.link, on: tx) }
            func complete(_ kind: ClockKind, _ reason: String) async throws {
                if let open = try await clock(kind) { try await ClockService.record(.complete(CivilDateTime(date: date), reason: reason), on: open.id!, by: principal, services: services, on: tx) }
            }
            func open(_ kind: ClockKind, _ reason: String) async throws {
                try await ClockService.open(kind: kind.key, unitID: row.unitID, title: "\(row.caseNumber) \(kind.rule.title)", link: row.link,
                                            start: CivilDateTime(date: date), startReason: reason, by: principal, services: services, on: tx)
            }
            var detail = action.label
            switch action {
            case .file(_, let numbers, let major, let complex, let summary):
                if summary && (major || complex) {
                    throw fail("summary", "简易程序", "属于法制审核或集体讨论情形的案件不适用简易程序（行政处罚法第五十一条、第五十七条、第五十八条）")
                }
                row.summary = summary
                try require([.lead], "只有案源可以立案")
                let end = limitationEnd(violationOn: CivilDate(row.violationOn)!, graveHarm: row.graveHarm)
                if CivilDate(row.discoveredOn)! > end {
                    throw fail("discoveredOn", "发现日期", "违法行为发生于\(row.violationOn)，至\(end)未被发现，依行政处罚法第三十六条不再给予行政处罚（\(row.graveHarm ? "五年" : "二年")）")
                }
                let distinct = Array(Set(numbers.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }))
                guard distinct.count >= 2 else { throw fail("officers", "执法人员", "执法人员不得少于两人（行政处罚法第四十二条），请填写至少两个执法证号") }
                var officerIDs: [UUID] = []
                for number in distinct.sorted() {
                    guard let certificate = try await OfficerCertificate.query(on: tx).filter(\.$number == number).filter(\.$kind == CertificateKind.enforcement.rawValue).first() else {
                        throw fail("officers", "执法人员", "没有执法证号为“\(number)”的行政执法证")
                    }
                    guard certificate.valid(on: date.description), try await OfficerService.qualified(certificate.$officer.id, on: date, db: tx) else {
                        throw fail("officers", "执法人员", "执法证“\(number)”在\(date)不是有效状态（\(certificate.statusLabel(on: date.description))），持证人不能办案（行政处罚法第四十二条）")
                    }
                    guard certificate.unitPath.hasPrefix(row.unitPath) || row.unitPath.hasPrefix(certificate.unitPath) else {
                        throw fail("officers", "执法人员", "执法证“\(number)”的持证人不属于办案单位")
                    }
                    officerIDs.append(certificate.$officer.id)
                }
                row.officerIDs = officerIDs.map(\.uuidString).joined(separator: ",")
                row.major = major
                row.complex = complex
                row.filedOn = date.description
                row.status = PenaltyStatus.filed.rawValue
                try await open(PenaltyClocks.decision, "立案")
                detail += "，执法证号：\(distinct.sorted().joined(separator: "、"))\(major ? "；需法制审核" : "")\(complex ? "；需集体讨论" : "")"
            case .drop(_, let reason):
                try require([.lead], "只有案源可以不予立案")
                guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("reason", "理由", "不予立案须写明理由") }
                row.status = PenaltyStatus.dropped.rawValue
                detail += "：\(reason)"
            case .notify(_, let hearingRight):
                try require([.filed], "立案并调查取证后才能告知")
                row.notifiedOn = date.description
                row.status = PenaltyStatus.notified.rawValue
                if hearingRight { try await open(PenaltyClocks.hearingRequest, "告知听证权利") }
                detail += hearingRight ? "（含听证权利）" : ""
            case .review(_, let passed, let opinion):
                try require([.notified], "告知当事人拟作出的处罚后再进行法制审核")
                guard principal.has(EnforcementPermissions.review) else { throw fail("action", "操作", "法制审核须由法制审核人员进行") }
                // 第五十八条: the reviewer is someone other than the officers who handled the case.
                guard principal.userID?.uuidString != row.handledBy else {
                    throw fail("action", "操作", "办案人员不能审核本人承办的案件（行政处罚法第五十八条：由从事行政处罚决定法制审核的人员进行审核）")
                }
                try await complete(PenaltyClocks.hearingRequest, "进入法制审核")
                row.reviewOn = passed ? date.description : nil
                row.reviewer = principal.auditActor.name
                if passed { row.status = PenaltyStatus.reviewed.rawValue }
                detail += passed ? "：通过" : "：未通过，退回"
                if !opinion.isEmpty { detail += "；\(opinion)" }
            case .deliberate(_, let participants):
                try require([.notified, .reviewed], "告知后才能集体讨论")
                guard !participants.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "参加人员", "须写明参加集体讨论的负责人") }
                row.deliberationOn = date.description
                detail += "：\(participants)"
            case .decide(_, let fine, let decision, let penalty, let discretion):
                if row.summary {
                    try require([.filed, .notified], "简易程序案件立案后当场作出决定")
                    // 第五十一条: on the spot only a warning or a fine up to 200 元 (citizens) / 3,000 元 (organisations).
                    let limit = row.partyKind == "natural" ? 200 : 3000
                    if let fine, fine > limit {
                        throw fail("fine", "罚款", "简易程序只能对\(row.partyKind == "natural" ? "公民" : "法人或者其他组织")处\(limit)元以下罚款或者警告（行政处罚法第五十一条），请按普通程序办理")
                    }
                } else {
                    try require([.notified, .reviewed], "立案、调查、告知后才能作出决定（行政处罚法第四十四条）")
                }
                // 🏷 The amount threshold: a large fine makes the decision 重大 even if it was not flagged at 立案.
                let threshold = row.partyKind == "natural" ? services.config.majorFinePersonYuan : services.config.majorFineOrganisationYuan
                if let fine, fine >= threshold, row.reviewOn == nil {
                    throw fail("fine", "罚款", "对\(row.partyKind == "natural" ? "公民" : "法人或者其他组织")罚款\(threshold)元以上属于本地规定的重大执法决定，未经法制审核不得作出决定（行政处罚法第五十八条第一款第四项），请先告知并提交法制审核")
                }
                if !penalty, fine != nil { throw fail("fine", "罚款", "不予行政处罚决定不能有罚款") }
                if row.major && row.partyKind != "natural" && services.config.enterpriseImpactRequired && row.impactAssessedOn == nil {
                    throw fail("action", "操作", "对企业作出重大行政处罚决定前，应当评估对企业生产经营的影响并记录（🏷 本地涉企行政执法规定），请先记录涉企经济影响评估")
                }
                if let discretion {
                    let checked = try await DiscretionService.evaluate(discretion, fine: fine, penalty: penalty, on: date, db: tx)
                    row.benchmarkID = checked.benchmark?.id?.uuidString
                    row.discretionTier = checked.tier?.rawValue
                    row.proposedTiers = checked.proposal.tiers.map(\.rawValue).joined(separator: ",")
                    row.circumstances = discretion.circumstances.map(\.rawValue).sorted().joined(separator: ",")
                    row.outsideBenchmark = checked.outside
                    row.outsideReason = checked.outside ? discretion.outsideReason : nil
                    row.lenienceItemID = checked.lenience?.id?.uuidString
                    row.lenienceReason = checked.lenience == nil ? nil : discretion.lenienceReason
                    if let benchmark = checked.benchmark {
                        detail += "；裁量基准\(benchmark.code)第\(benchmark.version)版，\(checked.tier?.label ?? "")（平台建议\(checked.proposal.tiers.map(\.label).joined(separator: "或"))）"
                    }
                    if checked.outside { detail += "；偏离基准，理由：\(discretion.outsideReason ?? "")" }
                    if let item = checked.lenience { detail += "；适用\(item.listValue.label)\(item.code)：\(discretion.lenienceReason ?? "")" }
                }
                if row.major && row.reviewOn == nil {
                    throw fail("action", "操作", "本案属于行政处罚法第五十八条规定的情形，未经法制审核或者审核未通过的，不得作出决定")
                }
                if row.complex && row.deliberationOn == nil {
                    throw fail("action", "操作", "情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定（行政处罚法第五十七条第二款）")
                }
                if let fine, fine < 0 { throw fail("fine", "罚款", "不能为负数") }
                guard !decision.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "决定内容", "须写明处罚种类和依据") }
                try await complete(PenaltyClocks.hearingRequest, "作出决定")
                try await complete(PenaltyClocks.decision, "作出决定")
                try await open(PenaltyClocks.service, "作出决定")
                row.noPenalty = !penalty
                try await open(PublicationClocks.kind(for: row), "作出决定")
                row.fineYuan = fine
                row.decision = decision
                row.decidedOn = date.description
                row.status = PenaltyStatus.decided.rawValue
                detail += "：\(decision)\(fine.map { "，罚款\($0)元" } ?? "")"
            case .serve:
                try require([.decided], "作出决定后才能送达")
                try await complete(PenaltyClocks.service, "已送达")
                row.servedOn = date.description
                row.status = PenaltyStatus.served.rawValue
            case .execute:
                try require([.served], "送达后才能执行")
                row.executedOn = date.description
                row.status = PenaltyStatus.executed.rawValue
            case .close:
                try require([.executed], "执行完毕后才能结案")
                row.closedOn = date.description
                row.status = PenaltyStatus.closed.rawValue
            case .archive:
                try require([.closed, .dropped], "结案或不予立案后才能归档（行政处罚法第四十七条：全过程记录，归档保存）")
                row.archivedOn = date.description
                row.status = PenaltyStatus.archived.rawValue
            case .assessImpact(_, let assessment):
                try require([.filed, .notified, .reviewed], "立案后、决定前评估")
                guard row.partyKind != "natural" else { throw fail("action", "操作", "当事人是自然人，不需要涉企经济影响评估") }
                guard !assessment.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "评估意见", "须写明对企业生产经营的影响和拟采取的措施") }
                row.impactAssessedOn = date.description
                row.impactAssessment = assessment
                detail += "：\(assessment)"
            case .hearing(_, let noticeOn, let record):
                try require([.notified], "告知听证权利、当事人要求听证后举行")
                guard noticeOn <= date, noticeOn >= CivilDate(row.notifiedOn!)! else { throw fail("noticeOn", "听证通知日期", "应在告知之后、听证之前") }
                // 第六十四条第二项: notified at least seven (working, 第八十五条) days before the hearing.
                let calendar = try await CalendarService.current(services: services, on: tx)
                let between = calendar.workdays(after: noticeOn, through: date.adding(days: -1))
                guard between >= 7 else {
                    throw fail("noticeOn", "听证通知日期", "应当在举行听证的七日前通知当事人（行政处罚法第六十四条第二项、第八十五条：工作日），\(noticeOn)通知至\(date)听证只隔\(between)个工作日")
                }
                guard !record.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "听证笔录", "须记录听证情况（第六十四条第八项：听证应当制作笔录）") }
                try await complete(PenaltyClocks.hearingRequest, "已举行听证")
                row.hearingNoticeOn = noticeOn.description
                row.hearingOn = date.description
                detail += "（\(noticeOn)通知）：\(record)"
            case .publish:
                guard let decided = row.decidedOn.flatMap(CivilDate.init) else { throw fail("action", "操作", "作出决定后才能公示") }
                guard row.changeKind != DecisionChange.annulled.rawValue, row.changeKind != DecisionChange.void.rawValue else {
                    throw fail("action", "操作", "决定已被\(DecisionChange(rawValue: row.changeKind ?? "")?.label ?? "撤销")，不得公示（行政处罚法第四十八条第二款）")
                }
                guard date >= decided else { throw fail("on", "日期", "公示日期不能早于决定日期 \(decided)") }
                if try await PublicationService.current(caseID: row.id!, on: tx) != nil { throw fail("action", "操作", "本决定已公示，如决定变更请先撤回") }
                let calendar = try await CalendarService.current(services: services, on: tx)
                let kind = PublicationClocks.kind(for: row)
                guard let due = Clock(rule: kind.rule, start: CivilDateTime(date: decided)).dueDate(calendar: calendar) else {
                    throw fail("on", "日期", "工作日历未覆盖\(decided)之后的日期，请先导入工作日历")
                }
                let unit = try await OrgUnit.find(row.unitID, on: tx)
                let item = try PublicationService.publication(for: row, unitName: unit?.name ?? "", date: date, due: due, services: services)
                try await item.create(on: tx)
                try await complete(kind, "已公示")
                detail += "：\(item.publicLink)\(date > due ? "（超过\(kind.rule.basis)规定的期限\(due)）" : "")"
            case .change(_, let kind, let reason):
                guard row.decidedOn != nil else { throw fail("action", "操作", "尚未作出决定") }
                guard row.changeKind == nil else { throw fail("action", "操作", "已记录决定\(DecisionChange(rawValue: row.changeKind!)?.label ?? "")") }
                guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "依据", "须写明变更或撤销的依据（复议决定、判决或者本机关决定的文号）") }
                row.changedOn = date.description
                row.changeKind = kind.rawValue
                row.changeReason = reason
                if try await PublicationService.current(caseID: row.id!, on: tx) != nil {
                    try await open(PublicationClocks.withdrawal, "决定\(kind.label)")
                } else if kind == .annulled || kind == .void {
                    try await complete(PublicationClocks.kind(for: row), "决定已\(kind.label)，不再公示")
                }
                detail += "（\(kind.label)）：\(reason)"
            case .withdraw:
                guard let item = try await PublicationService.current(caseID: row.id!, on: tx) else { throw fail("action", "操作", "本决定没有正在公示的信息") }
                guard row.changeKind != nil else {
                    throw fail("action", "操作", "只有决定被变更、撤销或者确认违法、无效的，才撤回公示信息（行政处罚法第四十八条第二款）；请先记录决定的变更")
                }
                guard date >= CivilDate(item.publishedOn)! else { throw fail("on", "日期", "撤回日期不能早于公示日期 \(item.publishedOn)") }
                item.withdrawnOn = date.description
                item.withdrawReason = "决定已\(DecisionChange(rawValue: row.changeKind!)?.label ?? "变更")：\(row.changeReason ?? "")"
                try await item.update(on: tx)
                try await complete(PublicationClocks.withdrawal, "已撤回")
            }
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await log(row, action.key, on: date, detail: detail, by: principal, stamp: stamp, on: tx)
            return row
        }
    }
}

extension EnforcementMigrations {
    /// 简易程序 (第五十一条): a separate, later migration, so the first one stays as it was created.
    struct AddPenaltyProcedure: AsyncMigration {
        var name: String { "enforcement.003.penalty-procedure" }

        func prepare(on database: any Database) async throws {
            try await database.sql.raw("ALTER TABLE penalty_cases ADD COLUMN summary BOOLEAN NOT NULL DEFAULT FALSE").run()
        }

        func revert(on database: any Database) async throws {
            try await database.sql.raw("ALTER TABLE penalty_cases DROP COLUMN summary").run()
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

    static func refs(_ rows: [PenaltyCase]) -> [MetricRecordRef] { rows.map { MetricRecordRef(id: $0.id!.uuidString, title: $0.caseNumber, link: $0.link) } }

    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "enforcement.penalty-cases", label: "行政处罚立案", definition: "本年度立案的行政处罚案件数", unit: .piece, compute: { scope, db in
                .count(try await cases(scope, db, by: \.$filedOn).count())
            }, records: { scope, db in refs(try await cases(scope, db, by: \.$filedOn).all()) }),
            MetricDefinition(key: "enforcement.penalty-decisions", label: "作出行政处罚决定", definition: "本年度作出行政处罚决定的案件数", unit: .piece, compute: { scope, db in
                .count(try await cases(scope, db, by: \.$decidedOn).count())
            }, records: { scope, db in refs(try await cases(scope, db, by: \.$decidedOn).all()) }),
            MetricDefinition(key: "enforcement.major-reviewed-rate", label: "重大执法决定法制审核率",
                             definition: "本年度作出的属于行政处罚法第五十八条情形的决定中经法制审核通过的比例（应为100%）", unit: .percent, compute: { scope, db in
                let major = try await cases(scope, db, by: \.$decidedOn).filter(\.$major == true).all()
                return major.isEmpty ? .missing : .ratio(numerator: major.filter { $0.reviewOn != nil }.count, denominator: major.count)
            }, records: { scope, db in refs(try await cases(scope, db, by: \.$decidedOn).filter(\.$major == true).all()) }),
            MetricDefinition(key: "enforcement.decided-on-time-rate", label: "行政处罚按期决定率",
                             definition: "本年度作出的决定中自立案之日起九十日内（行政处罚法第六十条）作出的比例", unit: .percent, compute: { scope, db in
                let decided = try await cases(scope, db, by: \.$decidedOn).all()
                guard !decided.isEmpty else { return .missing }
                let calendar = try await CalendarService.load(on: db)
                let onTime = decided.filter { row in
                    guard let filed = row.filedOn.flatMap(CivilDate.init), let decidedOn = row.decidedOn.flatMap(CivilDate.init),
                          let due = Clock(rule: PenaltyClocks.decision.rule, start: CivilDateTime(date: filed)).dueDate(calendar: calendar) else { return false }
                    return decidedOn <= due
                }
                return .ratio(numerator: onTime.count, denominator: decided.count)
            }, records: { scope, db in refs(try await cases(scope, db, by: \.$decidedOn).all()) }),
        ]
    }
}
