import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

public struct LawsuitInput: Sendable {
    public var caseNumber: String?
    public var court: String?
    public var instance: String?
    public var filedOn: String?
    public var servedOn: String?
    public var defendantCode: String?
    public var coDefendant: String?
    public var reconsiderationCaseNumber: String?
    public var plaintiff: String?
    public var cause: String?

    public init(caseNumber: String? = nil, court: String? = nil, instance: String? = nil, filedOn: String? = nil, servedOn: String? = nil,
                defendantCode: String? = nil, coDefendant: String? = nil, reconsiderationCaseNumber: String? = nil, plaintiff: String? = nil, cause: String? = nil) {
        self.caseNumber = caseNumber
        self.court = court
        self.instance = instance
        self.filedOn = filedOn
        self.servedOn = servedOn
        self.defendantCode = defendantCode
        self.coDefendant = coDefendant
        self.reconsiderationCaseNumber = reconsiderationCaseNumber
        self.plaintiff = plaintiff
        self.cause = cause
    }
}

public enum LitigationClocks {
    /// 行政诉讼法第六十七条第一款: evidence, the norms relied on and the defence within fifteen days of
    /// receiving the complaint copy.
    public static let defence = ClockKind(key: "litigation.defence", moduleID: "litigation", rule: ClockRule(
        title: "提交答辩状和作出行政行为的证据、依据", period: .days(15), basis: "行政诉讼法第六十七条第一款"))

    public static let all = [defence, procuratorialReply]
}

public enum LawsuitService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    static func date(_ text: String?, _ field: String, _ label: String, required: Bool, today: CivilDate, validator: inout Validator) -> CivilDate? {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "/", with: "-")
        if trimmed.isEmpty {
            if required { validator.add(field, label, "不能为空") }
            return nil
        }
        guard let value = CivilDate(trimmed) else {
            validator.add(field, label, "“\(trimmed)”不是有效日期（YYYY-MM-DD）")
            return nil
        }
        if value > today { validator.add(field, label, "不能晚于今天") }
        return value
    }

    struct Checked {
        var number: String
        var court: String
        var instance: Instance
        var filedOn: CivilDate
        var servedOn: CivilDate?
        var defendant: OrgUnit
        var coDefendant: Bool
        var plaintiff: String
        var cause: String
    }

    static func check(_ input: LawsuitInput, today: CivilDate, on db: any Database, validator: inout Validator) async throws -> Checked? {
        let number = validator.required(input.caseNumber, field: "caseNumber", label: "案号", maxLength: 80)
        let court = validator.required(input.court, field: "court", label: "法院", maxLength: 100)
        let instanceText = (input.instance ?? "").trimmingCharacters(in: .whitespaces)
        let instance = Instance(rawValue: instanceText) ?? Instance.allCases.first { $0.label == instanceText } ?? (instanceText.isEmpty ? .first : nil)
        if instance == nil { validator.add("instance", "审级", "应为一审、二审或再审") }
        let filedOn = date(input.filedOn, "filedOn", "立案日期", required: true, today: today, validator: &validator)
        let servedOn = date(input.servedOn, "servedOn", "收到起诉状副本日期", required: false, today: today, validator: &validator)
        if let filedOn, let servedOn, servedOn < filedOn { validator.add("servedOn", "收到起诉状副本日期", "不能早于立案日期") }
        let code = validator.required(input.defendantCode, field: "defendantCode", label: "被告单位编码", maxLength: 32)
        var defendant: OrgUnit?
        if !code.isEmpty {
            defendant = try await UnitService.find(code: code, on: db)
            if defendant == nil { validator.add("defendantCode", "被告单位编码", "没有编码为“\(code)”的单位") }
        }
        let co = (input.coDefendant ?? "").trimmingCharacters(in: .whitespaces)
        if !["", "是", "否", "1", "0"].contains(co) { validator.add("coDefendant", "复议机关共同被告", "应为“是”或“否”") }
        let plaintiff = validator.required(input.plaintiff, field: "plaintiff", label: "原告", maxLength: 200)
        let cause = validator.required(input.cause, field: "cause", label: "案由", maxLength: 200)
        guard let instance, let filedOn, let defendant, validator.errors.isEmpty else { return nil }
        return Checked(number: number, court: court, instance: instance, filedOn: filedOn, servedOn: servedOn, defendant: defendant,
                       coDefendant: co == "是" || co == "1", plaintiff: plaintiff, cause: cause)
    }

    static func make(_ checked: Checked, reconsiderationCaseNumber: String?, cipher: PersonalDataCipher, stamp: Date) throws -> Lawsuit {
        let row = Lawsuit()
        row.caseNumber = checked.number
        row.court = checked.court
        row.instance = checked.instance.rawValue
        row.filedOn = checked.filedOn.description
        row.servedOn = checked.servedOn?.description
        row.defendantID = checked.defendant.id!
        row.defendantPath = checked.defendant.path
        row.reconsiderationCoDefendant = checked.coDefendant
        row.reconsiderationCaseNumber = reconsiderationCaseNumber?.trimmingCharacters(in: .whitespaces).isEmpty == false ? reconsiderationCaseNumber : nil
        row.plaintiffSealed = try cipher.seal(checked.plaintiff)
        // Names of several plaintiffs are masked one by one.
        row.plaintiffMasked = checked.plaintiff.split(whereSeparator: { "、,，".contains($0) }).map { name in
            let text = String(name)
            return text.count <= 4 ? Masking.personName(text) : text
        }.joined(separator: "、")
        row.cause = checked.cause
        row.lost = false
        row.appealed = false
        row.createdAt = stamp
        row.updatedAt = stamp
        return row
    }

    @discardableResult
    public static func create(_ input: LawsuitInput, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> Lawsuit {
        let today = CivilDateTime(services.now).date
        var validator = Validator()
        let checked = try await check(input, today: today, on: db, validator: &validator)
        try validator.check()
        guard let checked, principal.covers(unitPath: checked.defendant.path) else { throw ScopeDenied(entityType: "unit", entityID: input.defendantCode ?? "") }
        let stamp = services.now
        return try await db.write { tx in
            if try await Lawsuit.query(on: tx).filter(\.$court == checked.court).filter(\.$caseNumber == checked.number).count() > 0 {
                throw fail("caseNumber", "案号", "\(checked.court)的“\(checked.number)”已登记")
            }
            let row = try make(checked, reconsiderationCaseNumber: input.reconsiderationCaseNumber, cipher: services.cipher, stamp: stamp)
            try await row.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "litigation.create", entityType: "lawsuit", entityID: row.id!.uuidString,
                                                 detail: "\(row.court) \(row.caseNumber)（\(checked.instance.label)），被告：\(checked.defendant.name)"),
                                      by: principal.auditActor, at: stamp, on: tx)
            if let served = checked.servedOn {
                try await ClockService.open(kind: LitigationClocks.defence.key, unitID: checked.defendant.id, title: "\(row.caseNumber) 答辩", record: row.clockRecord,
                                            start: CivilDateTime(date: served), startReason: "收到起诉状副本", by: principal, services: services, on: tx)
            }
            return row
        }
    }

    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> Lawsuit {
        try await Lawsuit.find(id, for: principal, on: db)
    }

    /// Records the defence being filed; closes the fifteen-day clock.
    public static func fileDefence(_ id: UUID, on date: CivilDate, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        let stamp = services.now
        try await db.write { tx in
            let row = try await find(id, for: principal, on: tx)
            let next = try LawsuitRules.fileDefence(on: date, to: row.state, today: CivilDateTime(stamp).date)
            row.defenceOn = next.defenceOn?.description
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await ClockService.recordOnOpen(.complete(CivilDateTime(date: date), reason: "已提交答辩状"), kind: LitigationClocks.defence.key, record: row.clockRecord, by: principal, services: services, on: tx)
            try await AuditLog.append(AuditEvent(action: "litigation.defence", entityType: "lawsuit", entityID: row.id!.uuidString, detail: "提交答辩（\(date)）"),
                                      by: principal.auditActor, at: stamp, on: tx)
        }
    }

    /// Records a court session and who appeared for the agency. Without the head, the substitute
    /// must be named (行政诉讼法第三条第三款: the agency's own staff, not only a lawyer).
    public static func addHearing(_ id: UUID, heldOn: CivilDate, headAppeared: Bool, headName: String?, headPost: String?, substitute: String?,
                                  by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        let stamp = services.now
        try await db.write { tx in
            let row = try await find(id, for: principal, on: tx)
            let appearance = try LawsuitRules.hearing(on: heldOn, appearance: Appearance(headAppeared: headAppeared, headName: headName, headPost: headPost, substitute: substitute),
                                                      to: row.state, today: CivilDateTime(stamp).date)
            let hearing = LawsuitHearing()
            hearing.$lawsuit.id = row.id!
            hearing.heldOn = heldOn.description
            hearing.headAppeared = appearance.headAppeared
            hearing.headName = appearance.headName
            hearing.headPost = appearance.headPost
            hearing.substitute = appearance.substitute
            hearing.defendantPath = row.defendantPath
            hearing.createdAt = stamp
            try await hearing.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "litigation.hearing", entityType: "lawsuit", entityID: row.id!.uuidString,
                                                 detail: AuditEvent.stepDetail(row.caseNumber, on: heldOn.description,
                                                                               text: headAppeared ? "负责人出庭：\(headPost ?? "")" : "负责人未出庭，由\(substitute ?? "")出庭")),
                                      by: principal.auditActor, at: stamp, on: tx)
        }
    }

    public static func recordJudgment(_ id: UUID, judgment: Judgment, on date: CivilDate, appealed: Bool, performance: String?,
                                      by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        let stamp = services.now
        try await db.write { tx in
            let row = try await find(id, for: principal, on: tx)
            _ = try LawsuitRules.recordJudgment(judgment, on: date, to: row.state, today: CivilDateTime(stamp).date)
            row.judgment = judgment.rawValue
            row.judgmentOn = date.description
            row.lost = judgment.isLoss
            row.appealed = appealed
            row.performance = performance
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await ClockService.recordOnOpen(.complete(CivilDateTime(date: date), reason: "案件审结"), kind: LitigationClocks.defence.key, record: row.clockRecord, by: principal, services: services, on: tx)
            try await AuditLog.append(AuditEvent(action: "litigation.judgment", entityType: "lawsuit", entityID: row.id!.uuidString,
                                                 detail: "\(judgment.label)（\(judgment.article)）\(judgment.isLoss ? "，败诉" : "")（\(date)）"),
                                      by: principal.auditActor, at: stamp, on: tx)
        }
    }
}

extension Lawsuit {
    /// The lawsuit as `LawsuitRules` sees it.
    var state: LawsuitState {
        LawsuitState(filedOn: CivilDate(filedOn)!, defenceOn: defenceOn.flatMap(CivilDate.init), judgment: caseJudgment)
    }
}
