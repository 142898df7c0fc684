import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

/// Enforcement other than penalties: coercive measures (行政强制法), licences (行政许可法) and
/// inspections (行政检查). Each kind has its own steps and clocks; they share the record.
public enum ActionKind: String, Codable, Sendable, CaseIterable {
    case coercion, licence, inspection

    public var label: String {
        switch self {
        case .coercion: return "行政强制措施"
        case .licence: return "行政许可"
        case .inspection: return "行政检查"
        }
    }
}

public enum ActionStatus: String, Codable, Sendable, CaseIterable {
    case registered, received, accepted, imposed, decided, lifted, issued, closed, refused

    public var label: String {
        switch self {
        case .registered: return "已登记，待实施"
        case .received: return "已收到申请，待受理"
        case .accepted: return "已受理，审查中"
        case .imposed: return "强制措施实施中"
        case .decided: return "已作出决定"
        case .lifted: return "已解除"
        case .issued: return "已颁发证件"
        case .closed: return "已办结"
        case .refused: return "不予受理"
        }
    }
}

public final class EnforcementAction: Model, @unchecked Sendable {
    public static let schema = "enforcement_actions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "number") public var number: String
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "party_kind") public var partyKind: String
    @Field(key: "party_sealed") public var partySealed: String
    @Field(key: "party_masked") public var partyMasked: String
    @Field(key: "subject") public var subject: String
    @Field(key: "status") public var status: String
    @Field(key: "started_on") public var startedOn: String
    @Field(key: "officer_ids") public var officerIDs: String
    @OptionalField(key: "decided_on") public var decidedOn: String?
    @OptionalField(key: "decision") public var decision: String?
    @OptionalField(key: "granted") public var granted: Bool?
    @OptionalField(key: "closed_on") public var closedOn: String?
    @OptionalField(key: "published_on") public var publishedOn: String?
    @OptionalField(key: "public_text") public var publicText: String?
    @Field(key: "history") public var history: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var link: String { "/enforcement/actions/\(id!)" }
    public var actionKind: ActionKind { ActionKind(rawValue: kind) ?? .inspection }
    public var actionStatus: ActionStatus { ActionStatus(rawValue: status) ?? .received }
}

public enum ActionClocks {
    /// 行政强制法第二十五条: 查封、扣押 last no more than thirty days; extended once by up to thirty
    /// days with the head's approval.
    public static let seizure = ClockKind(key: "enforcement.seizure", moduleID: "enforcement", rule: ClockRule(
        title: "查封、扣押期限", period: .days(30), basis: "行政强制法第二十五条第一款",
        extensionLimit: ExtensionLimit(maxCount: 1, maxPeriod: .days(30), basis: "行政强制法第二十五条第一款：情况复杂的，经行政机关负责人批准，可以延长，但是延长期限不得超过三十日")))
    /// 行政强制法第十九条: a measure taken on the spot in an emergency is reported to the head within
    /// 24 hours and approved afterwards.
    public static let emergencyApproval = ClockKind(key: "enforcement.coercion-approval", moduleID: "enforcement", rule: ClockRule(
        title: "当场实施强制措施后补办批准", period: .hours(24), basis: "行政强制法第十九条"))
    /// 行政许可法第三十二条: a defective application is answered on the spot or within five (working,
    /// 第八十二条) days, or it counts as accepted.
    public static let licenceAcceptance = ClockKind(key: "enforcement.licence-acceptance", moduleID: "enforcement", rule: ClockRule(
        title: "受理行政许可申请", period: .workdays(5), basis: "行政许可法第三十二条第一款第四项、第八十二条"))
    /// 行政许可法第四十二条: decide within twenty working days of acceptance; ten more with the head's approval.
    public static let licenceDecision = ClockKind(key: "enforcement.licence-decision", moduleID: "enforcement", rule: ClockRule(
        title: "作出行政许可决定", period: .workdays(20), basis: "行政许可法第四十二条第一款、第八十二条",
        extensionLimit: ExtensionLimit(maxCount: 1, maxPeriod: .workdays(10), basis: "行政许可法第四十二条第一款：经本行政机关负责人批准，可以延长十日")))
    /// 行政许可法第四十四条: the certificate is issued within ten working days of the decision to grant.
    public static let licenceIssue = ClockKind(key: "enforcement.licence-issue", moduleID: "enforcement", rule: ClockRule(
        title: "颁发、送达行政许可证件", period: .workdays(10), basis: "行政许可法第四十四条、第八十二条"))

    public static let all = [seizure, emergencyApproval, licenceAcceptance, licenceDecision, licenceIssue]
}

public enum ActionStep: Sendable {
    /// A coercive measure: imposed by two certified officers with the head's approval, or on the
    /// spot in an emergency (approval within 24 hours).
    case impose(on: CivilDate, measure: String, certificateNumbers: [String], approvedBy: String?)
    case approve(at: CivilDateTime, approver: String)
    case extendSeizure(on: CivilDate, days: Int, approver: String, reason: String)
    case lift(on: CivilDate, reason: String)
    /// A licence application: accepted, or refused with a reason.
    case accept(on: CivilDate)
    case refuse(on: CivilDate, reason: String)
    case extendLicence(on: CivilDate, approver: String, reason: String)
    /// Decision (licence: granted or not; coercion: the handling of what was seized).
    case decide(on: CivilDate, granted: Bool, decision: String)
    case issue(on: CivilDate)
    /// An inspection's record by two certified officers.
    case inspect(on: CivilDate, certificateNumbers: [String], findings: String)
    case publish(on: CivilDate)
    case close(on: CivilDate)

    public var label: String {
        switch self {
        case .impose: return "实施强制措施"
        case .approve: return "补办批准"
        case .extendSeizure: return "延长查封扣押期限"
        case .lift: return "解除强制措施"
        case .accept: return "受理"
        case .refuse: return "不予受理"
        case .extendLicence: return "延长许可审查期限"
        case .decide: return "作出决定"
        case .issue: return "颁发证件"
        case .inspect: return "检查"
        case .publish: return "公示"
        case .close: return "办结"
        }
    }

    var day: CivilDate {
        switch self {
        case .impose(let on, _, _, _), .extendSeizure(let on, _, _, _), .lift(let on, _), .accept(let on), .refuse(let on, _), .extendLicence(let on, _, _),
             .decide(let on, _, _), .issue(let on), .inspect(let on, _, _), .publish(let on), .close(let on):
            return on
        case .approve(let at, _): return at.date
        }
    }
}

public enum ActionService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// Registers a coercive measure, a licence application (its acceptance clock starts) or an inspection.
    @discardableResult
    public static func register(kind: ActionKind, number: String?, unitCode: String?, partyKind: String?, party: String?, subject: String?, startedOn: String?,
                                by principal: Principal, services: FazhiServices, on db: any Database) async throws -> EnforcementAction {
        let today = CivilDateTime(services.now).date
        var validator = Validator()
        let number = validator.required(number, field: "number", label: "编号", maxLength: 60)
        let code = validator.required(unitCode, field: "unitCode", label: "实施单位编码", maxLength: 32)
        let name = validator.required(party, field: "party", label: kind == .licence ? "申请人" : "当事人", maxLength: 100)
        let subject = validator.required(subject, field: "subject", label: kind == .licence ? "申请事项" : "事由", maxLength: 300)
        let partyKind = ["natural", "legal", "other"].contains(partyKind ?? "") ? partyKind! : nil
        if partyKind == nil { validator.add("partyKind", "当事人类型", "应为自然人、法人或其他组织") }
        let day = CivilDate((startedOn ?? "").trimmingCharacters(in: .whitespaces))
        if day == nil { validator.add("startedOn", kind == .licence ? "收到申请日期" : "日期", "应为有效日期（YYYY-MM-DD）") }
        if let day, day > today { validator.add("startedOn", "日期", "不能晚于今天") }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "实施单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let target = unit
        return try await db.write { tx in
            guard try await EnforcementBody.query(on: tx).filter(\.$unitID == target.id!).count() > 0 else {
                throw fail("unitCode", "实施单位编码", "\(target.name)不是已确认的行政执法主体")
            }
            if try await EnforcementAction.query(on: tx).filter(\.$number == number).count() > 0 { throw fail("number", "编号", "“\(number)”已存在") }
            let row = EnforcementAction()
            row.kind = kind.rawValue
            row.number = number
            row.unitID = target.id!
            row.unitPath = target.path
            row.partyKind = partyKind!
            row.partySealed = try services.cipher.seal(name)
            row.partyMasked = partyKind == "natural" ? Masking.personName(name) : name
            row.subject = subject
            switch kind {
            case .licence: row.status = ActionStatus.received.rawValue
            case .coercion: row.status = ActionStatus.registered.rawValue
            case .inspection: row.status = ActionStatus.accepted.rawValue
            }
            row.startedOn = day!.description
            row.officerIDs = ""
            row.history = "\(day!) 登记：\(subject)"
            row.createdAt = services.now
            try await row.create(on: tx)
            if kind == .licence {
                try await ClockService.open(kind: ActionClocks.licenceAcceptance.key, unitID: target.id!, title: "\(number) \(ActionClocks.licenceAcceptance.rule.title)",
                                            link: row.link, start: CivilDateTime(date: day!), startReason: "收到申请", by: principal, services: services, on: tx)
            }
            try await AuditLog.append(AuditEvent(action: "enforcement.action-register", entityType: "enforcement_action", entityID: row.id!.uuidString,
                                                 detail: "\(kind.label) \(number)：\(subject)"), by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }

    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> EnforcementAction {
        guard let row = try await EnforcementAction.find(id, on: db), principal.covers(unitPath: row.unitPath) else {
            throw ScopeDenied(entityType: "enforcement_action", entityID: id.uuidString)
        }
        return row
    }

    /// Two distinct officers whose enforcement certificates are valid that day (行政处罚法第四十二条; 行政强制法第十八条第二项).
    static func officers(_ numbers: [String], on day: CivilDate, unitPath: String, article: String, db: any Database) async throws -> [UUID] {
        let distinct = Array(Set(numbers.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
        guard distinct.count >= 2 else { throw fail("officers", "执法人员", "执法人员不得少于两人（\(article)），请填写至少两个执法证号") }
        var ids: [UUID] = []
        for number in distinct {
            guard let certificate = try await OfficerCertificate.query(on: db).filter(\.$number == number).filter(\.$kind == CertificateKind.enforcement.rawValue).first(),
                  certificate.valid(on: day.description), try await OfficerService.qualified(certificate.$officer.id, on: day, db: db) else {
                throw fail("officers", "执法人员", "执法证“\(number)”在\(day)不是有效状态，持证人不能实施（\(article)）")
            }
            guard certificate.unitPath.hasPrefix(unitPath) || unitPath.hasPrefix(certificate.unitPath) else { throw fail("officers", "执法人员", "执法证“\(number)”的持证人不属于实施单位") }
            ids.append(certificate.$officer.id)
        }
        return ids
    }

    @discardableResult
    public static func perform(_ step: ActionStep, on id: UUID, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> EnforcementAction {
        let now = CivilDateTime(services.now)
        return try await db.write { tx in
            let row = try await find(id, for: principal, on: tx)
            guard step.day <= now.date else { throw fail("on", "日期", "不能晚于今天") }
            guard step.day >= CivilDate(row.startedOn)! else { throw fail("on", "日期", "不能早于\(row.startedOn)") }
            let kind = row.actionKind, status = row.actionStatus
            func require(_ kinds: Set<ActionKind>, _ statuses: Set<ActionStatus>) throws {
                guard kinds.contains(kind), statuses.contains(status) else {
                    throw fail("action", "操作", "\(kind.label)当前为“\(status.label)”，不能\(step.label)")
                }
            }
            func clock(_ clockKind: ClockKind) async throws -> StatutoryClock? { try await ClockService.openClock(kind: clockKind.key, link: row.link, on: tx) }
            func complete(_ clockKind: ClockKind, at time: CivilDateTime, _ reason: String) async throws {
                if let open = try await clock(clockKind) { try await ClockService.record(.complete(time, reason: reason), on: open.id!, by: principal, services: services, on: tx) }
            }
            func open(_ clockKind: ClockKind, at time: CivilDateTime, _ reason: String) async throws {
                try await ClockService.open(kind: clockKind.key, unitID: row.unitID, title: "\(row.number) \(clockKind.rule.title)", link: row.link, start: time,
                                            startReason: reason, by: principal, services: services, on: tx)
            }
            let day = CivilDateTime(date: step.day)
            var detail = step.label
            switch step {
            case .impose(let on, let measure, let numbers, let approvedBy):
                try require([.coercion], [.registered])
                let ids = try await officers(numbers, on: on, unitPath: row.unitPath, article: "行政强制法第十八条第二项", db: tx)
                row.officerIDs = ids.map(\.uuidString).joined(separator: ",")
                row.status = ActionStatus.imposed.rawValue
                if measure.contains("查封") || measure.contains("扣押") { try await open(ActionClocks.seizure, at: day, measure) }
                if let approvedBy = approvedBy?.trimmingCharacters(in: .whitespaces).nilIfEmpty {
                    detail += "：\(measure)，经\(approvedBy)批准"
                } else {
                    // 第十九条: on the spot in an emergency, the approval follows within 24 hours.
                    try await open(ActionClocks.emergencyApproval, at: on == now.date ? now : CivilDateTime(date: on), "当场实施")
                    detail += "：\(measure)（情况紧急当场实施，须在二十四小时内向负责人报告并补办批准）"
                }
            case .approve(let at, let approver):
                guard kind == .coercion, let open = try await clock(ActionClocks.emergencyApproval) else { throw fail("action", "操作", "没有待补办批准的当场强制措施") }
                guard !approver.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "批准人", "须写明批准的负责人") }
                try await ClockService.record(.complete(at, reason: "\(approver)补办批准"), on: open.id!, by: principal, services: services, on: tx)
                detail += "：\(approver)（\(at)）"
            case .extendSeizure(let on, let days, let approver, let reason):
                guard kind == .coercion, status == .imposed, let open = try await clock(ActionClocks.seizure) else { throw fail("action", "操作", "没有正在计算的查封、扣押期限") }
                try await ClockService.record(.extend(on, by: .days(days), approver: approver, reason: reason), on: open.id!, by: principal, services: services, on: tx)
                detail += "\(days)日：\(reason)（\(approver)批准）"
            case .lift(_, let reason):
                try require([.coercion], [.imposed, .decided])
                guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "理由", "须写明解除的理由（行政强制法第二十八条）") }
                try await complete(ActionClocks.seizure, at: day, "已解除")
                row.status = ActionStatus.lifted.rawValue
                row.closedOn = step.day.description
                detail += "：\(reason)"
            case .accept:
                try require([.licence], [.received])
                try await complete(ActionClocks.licenceAcceptance, at: day, "已受理")
                row.status = ActionStatus.accepted.rawValue
                try await open(ActionClocks.licenceDecision, at: day, "受理")
            case .refuse(_, let reason):
                try require([.licence], [.received])
                guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "理由", "不予受理须出具书面凭证并说明理由（行政许可法第三十二条）") }
                try await complete(ActionClocks.licenceAcceptance, at: day, "不予受理")
                row.status = ActionStatus.refused.rawValue
                row.closedOn = step.day.description
                detail += "：\(reason)"
            case .extendLicence(let on, let approver, let reason):
                guard kind == .licence, status == .accepted, let open = try await clock(ActionClocks.licenceDecision) else { throw fail("action", "操作", "没有正在计算的许可审查期限") }
                try await ClockService.record(.extend(on, by: .workdays(10), approver: approver, reason: reason), on: open.id!, by: principal, services: services, on: tx)
                detail += "10个工作日：\(reason)（\(approver)批准）"
            case .decide(let on, let granted, let decision):
                try require([.licence, .coercion], [.accepted, .imposed])
                guard !decision.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "决定内容", "须写明决定内容和依据") }
                if kind == .licence {
                    try await complete(ActionClocks.licenceDecision, at: day, "已作出决定")
                    if granted { try await open(ActionClocks.licenceIssue, at: day, "准予许可") }
                    // 国办发〔2018〕118号: licence decisions are published within seven working days.
                    try await open(PublicationClocks.licence, at: day, "作出许可决定")
                } else {
                    // A decision on what was seized ends the seizure period; published as an "other" decision (20 working days).
                    try await complete(ActionClocks.seizure, at: day, "已作出处理决定")
                    try await open(PublicationClocks.otherDecision, at: day, "作出处理决定")
                }
                row.granted = granted
                row.decision = decision
                row.decidedOn = on.description
                row.status = ActionStatus.decided.rawValue
                detail += "：\(kind == .licence ? (granted ? "准予许可" : "不予许可") : "处理决定")；\(decision)"
            case .issue:
                guard kind == .licence, status == .decided, row.granted == true else { throw fail("action", "操作", "准予许可后才能颁发证件") }
                try await complete(ActionClocks.licenceIssue, at: day, "已颁发")
                row.status = ActionStatus.issued.rawValue
            case .inspect(let on, let numbers, let findings):
                try require([.inspection], [.accepted])
                let ids = try await officers(numbers, on: on, unitPath: row.unitPath, article: "行政处罚法第四十二条、第五十五条", db: tx)
                guard !findings.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("text", "检查情况", "须记录检查情况") }
                row.officerIDs = ids.map(\.uuidString).joined(separator: ",")
                row.decidedOn = on.description
                row.decision = findings
                row.status = ActionStatus.decided.rawValue
                detail += "：\(findings)"
            case .publish:
                guard kind != .inspection, let decided = row.decidedOn.flatMap(CivilDate.init) else { throw fail("action", "操作", "作出决定后才能公示") }
                guard row.publishedOn == nil else { throw fail("action", "操作", "已于\(row.publishedOn!)公示") }
                guard step.day >= decided else { throw fail("on", "日期", "公示日期不能早于决定日期 \(decided)") }
                let name = try services.cipher.open(row.partySealed)
                let people = row.partyKind == "natural" ? [name] : []
                row.publishedOn = step.day.description
                row.publicText = "\(row.partyKind == "natural" ? Masking.publicPersonName(name) : name)：" + Redaction.publicText(row.decision ?? "", personNames: people)
                for kind in [PublicationClocks.licence.key, PublicationClocks.otherDecision.key] {
                    if let open = try await ClockService.openClock(kind: kind, link: row.link, on: tx) {
                        try await ClockService.record(.complete(day, reason: "已公示"), on: open.id!, by: principal, services: services, on: tx)
                    }
                }
            case .close:
                try require([.licence, .coercion, .inspection], [.decided, .issued])
                row.status = ActionStatus.closed.rawValue
                row.closedOn = step.day.description
            }
            row.history += "\n\(step.day) \(detail)"
            try await row.update(on: tx)
            try await AuditLog.append(AuditEvent(action: "enforcement.action-step", entityType: "enforcement_action", entityID: row.id!.uuidString,
                                                 detail: "\(row.number)：\(detail)（\(step.day)）"), by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }
}

extension EnforcementMigrations {
    struct CreateActions: AsyncMigration {
        var name: String { "enforcement.006.actions" }

        func prepare(on database: any Database) async throws {
            try await database.schema("enforcement_actions")
                .id()
                .field("kind", .string, .required)
                .field("number", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("party_kind", .string, .required)
                .field("party_sealed", .string, .required)
                .field("party_masked", .string, .required)
                .field("subject", .string, .required)
                .field("status", .string, .required)
                .field("started_on", .string, .required)
                .field("officer_ids", .string, .required)
                .field("decided_on", .string)
                .field("decision", .string)
                .field("granted", .bool)
                .field("closed_on", .string)
                .field("published_on", .string)
                .field("public_text", .string)
                .field("history", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "number")
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("enforcement_actions").delete()
        }
    }
}
