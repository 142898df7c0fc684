import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit

/// Load → `MediationRules` → persist, with the settling clock following the steps. 司法确认 is the
/// parties' choice, not the body's duty: its last day is stored and shown, not run as a clock.
public enum MediationService {
    /// A mediation body (the justice bureau keeps the list, 人民调解法第十条).
    @discardableResult
    public static func createBody(name: String?, level: String?, unitCode: String?, mediators: String?, fullTime: String?, by principal: Principal,
                                  services: FazhiServices, on db: any Database) async throws -> MediationBody {
        var validator = Validator()
        let title = validator.required(name, field: "name", label: "调解组织名称", maxLength: 100)
        let kind = MediationLevel(rawValue: level ?? "") ?? MediationLevel.allCases.first { $0.label == level }
        if kind == nil { validator.add("level", "层级", "应为县（区）级、乡镇（街道）级、村（社区）级、行业性专业性、行政调解或行政裁决") }
        let code = validator.required(unitCode, field: "unitCode", label: "所在单位编码", maxLength: 32)
        let count = Int((mediators ?? "").trimmingCharacters(in: .whitespaces)), full = Int((fullTime ?? "0").trimmingCharacters(in: .whitespaces).nilIfEmpty ?? "0")
        // 人民调解法第九条: a committee has three to nine members; professional bodies and centres may have more.
        if count == nil || !(1...500).contains(count!) { validator.add("mediators", "调解员人数", "应为1至500的整数") }
        if kind != nil && [.village, .township].contains(kind!), let count, !(3...9).contains(count) {
            validator.add("mediators", "调解员人数", "人民调解委员会由委员三至九人组成（人民调解法第九条）")
        }
        if full == nil || full! < 0 || (count != nil && full! > count!) { validator.add("fullTime", "专职调解员", "应为0至调解员人数之间的整数") }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "所在单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, let kind, let count, let full, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let stamp = services.now
        return try await db.write { tx in
            if try await MediationBody.query(on: tx).filter(\.$name == title).first() != nil {
                throw ValidationFailure(field: "name", label: "调解组织名称", message: "“\(title)”已经登记")
            }
            let row = MediationBody()
            row.name = title
            row.level = kind.rawValue
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.mediators = count
            row.fullTime = full
            row.createdAt = stamp
            try await row.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "mediation.body", entityType: MediationBody.schema, entityID: row.id!.uuidString, detail: "\(title)（\(kind.label)）"),
                                      by: principal.auditActor, at: stamp, on: tx)
            return row
        }
    }

    /// Accepts a dispute in a body (受理), the parties sealed; opens the settling clock.
    @discardableResult
    public static func accept(bodyName: String?, source: String?, category: String?, parties: String?, summary: String?, amount: String?, acceptedOn: String?,
                              mediator: String? = nil, escalatedFrom: UUID? = nil, by principal: Principal, services: FazhiServices,
                              on db: any Database) async throws -> Dispute {
        var validator = Validator()
        let bodyText = validator.required(bodyName, field: "body", label: "调解组织", maxLength: 100)
        let from = DisputeSource(rawValue: source ?? "") ?? DisputeSource.allCases.first { $0.label == source }
        if from == nil { validator.add("source", "纠纷来源", "请选择纠纷来源") }
        let kind = DisputeCategory(rawValue: category ?? "") ?? DisputeCategory.allCases.first { $0.label == category }
        if kind == nil { validator.add("category", "纠纷类型", "请选择纠纷类型") }
        let names = validator.required(parties, field: "parties", label: "当事人", maxLength: 500)
        let text = validator.required(summary, field: "summary", label: "纠纷简要情况", maxLength: 5_000)
        let amountText = (amount ?? "").trimmingCharacters(in: .whitespaces)
        let yuan = amountText.isEmpty ? 0 : Int(amountText)
        if yuan == nil || yuan! < 0 || yuan! > 1_000_000_000 { validator.add("amount", "涉及金额", "应为0至10亿的整数（元）") }
        let day = CivilDate(validator.required(acceptedOn, field: "acceptedOn", label: "受理日期", maxLength: 10))
        if day == nil { validator.add("acceptedOn", "受理日期", FormFields.dateRule) }
        let stamp = services.now
        if let day, day > CivilDateTime(stamp).date { validator.add("acceptedOn", "受理日期", "不能晚于今天") }
        var body: MediationBody?
        if !bodyText.isEmpty { body = try await MediationBody.query(on: db).filter(\.$name == bodyText).first(); if body == nil { validator.add("body", "调解组织", "没有名为“\(bodyText)”的调解组织") } }
        // The lead mediator, when named, is on the body's register (人民调解法第十三条).
        let leadName = (mediator ?? "").trimmingCharacters(in: .whitespaces)
        var lead: Mediator?
        if let body, !leadName.isEmpty {
            lead = try await Mediator.query(on: db).filter(\.$bodyID == body.id!).filter(\.$name == leadName).first()
            if lead == nil { validator.add("mediator", "主持调解员", "“\(leadName)”不是\(body.name)登记的调解员（人民调解法第十三条）") }
        }
        try validator.check()
        guard let body, let from, let kind, let yuan, let day, principal.covers(unitPath: body.unitPath) else { throw ScopeDenied(entityType: MediationBody.schema, entityID: bodyText) }
        let leadID = lead?.id, leadNote = lead.map { "，调解员\($0.name)" } ?? ""
        let sealed = try services.cipher.seal(names)
        let masked = names.split(whereSeparator: { $0 == "、" || $0 == "，" || $0 == "," }).map { Masking.personName(String($0).trimmingCharacters(in: .whitespaces)) }.joined(separator: "、")
        return try await db.write { tx in
            let calendar = try await CalendarService.current(services: services, on: tx)
            let row = Dispute()
            row.id = .v4()
            // 调解登记 numbers by the day of acceptance: TJ20260302-001 (the unique index refuses a duplicate a concurrent write might make).
            let sameDay = try await Dispute.query(on: tx).filter(\.$acceptedOn == day.description).count()
            row.number = "TJ" + day.description.replacingOccurrences(of: "-", with: "") + "-" + String(format: "%03d", sameDay + 1)
            row.bodyID = body.id!
            row.level = body.level
            row.unitPath = body.unitPath
            row.source = from.rawValue
            row.category = kind.rawValue
            row.partiesSealed = sealed
            row.partiesMasked = masked
            row.summary = text
            row.amountYuan = yuan
            row.acceptedOn = day.description
            row.routes = ""
            row.escalatedFrom = escalatedFrom
            row.mediatorID = leadID
            row.createdAt = stamp
            row.updatedAt = stamp
            row.apply(DisputeState(acceptedOn: day), calendar: calendar)
            row.sessions = ""
            try await row.create(on: tx)
            try await ClockService.open(kind: MediationClocks.settle.key, unitID: body.unitID, title: "\(row.number) 调结", record: row.clockRecord,
                                        start: CivilDateTime(date: day), startReason: "受理", by: principal, services: services, on: tx)
            try await log(row, "accept", on: day, detail: "\(body.name)受理（\(from.label)，\(kind.label)\(leadNote)）", by: principal, stamp: stamp, on: tx)
            return row
        }
    }

    /// One step. An escalation also accepts the dispute at the body named by `toBody` (the level above).
    @discardableResult
    public static func perform(_ step: DisputeStep, on id: UUID, toBody: String? = nil, by principal: Principal, services: FazhiServices,
                               on db: any Database) async throws -> [String] {
        let stamp = services.now
        return try await db.write { tx in
            guard let row = try await Dispute.scoped(for: principal, on: tx).filter(\.$id == id).first() else { throw ScopeDenied(entityType: Dispute.schema, entityID: id.uuidString) }
            let calendar = try await CalendarService.current(services: services, on: tx)
            var above: MediationBody?
            if case .escalate = step {
                let name = (toBody ?? "").trimmingCharacters(in: .whitespaces)
                above = try await MediationBody.query(on: tx).filter(\.$name == name).first()
                let level = MediationLevel(rawValue: row.level)?.above
                guard let above, let level, above.mediationLevel == level else {
                    throw ValidationFailure(field: "toBody", label: "上一级调解组织", message: "请填写\(MediationLevel(rawValue: row.level)?.above?.label ?? "上一级")调解组织的名称")
                }
            }
            let result = try MediationRules.apply(step, to: row.state, today: CivilDateTime(stamp).date, calendar: calendar)
            row.apply(result.state, calendar: calendar)
            row.updatedAt = stamp
            try await row.update(on: tx)
            var date: CivilDate?
            switch step {
            case .session(let on): date = on
            case .agree(let on, _):
                date = on
                try await ClockService.recordOnOpen(.complete(CivilDateTime(date: on), reason: "达成调解协议"), kind: MediationClocks.settle.key, record: row.clockRecord,
                                                    by: principal, services: services, on: tx)
            case .fail(let on, _), .escalate(let on), .withdraw(let on):
                date = on
                try await ClockService.recordOnOpen(.complete(CivilDateTime(date: on), reason: result.detail), kind: MediationClocks.settle.key, record: row.clockRecord,
                                                    by: principal, services: services, on: tx)
            case .applyConfirmation(let on), .confirmationResult(let on, _), .perform(let on), .revisit(let on): date = on
            }
            try await log(row, key(step), on: date, detail: ([result.detail] + result.warnings).joined(separator: "；"), by: principal, stamp: stamp, on: tx)
            if case .escalate(let on) = step, let above {
                let parties = try services.cipher.open(row.partiesSealed)
                let moved = try await accept(bodyName: above.name, source: DisputeSource.referral.rawValue, category: row.category, parties: parties,
                                             summary: row.summary, amount: String(row.amountYuan), acceptedOn: on.description, escalatedFrom: row.id,
                                             by: .system("上报\(above.name)"), services: services, on: tx)
                try await log(row, "escalated", on: on, detail: "移交\(above.name)（\(moved.number)）", by: principal, stamp: stamp, on: tx)
            }
            return result.warnings
        }
    }

    static func key(_ step: DisputeStep) -> String {
        switch step {
        case .session: "session"
        case .agree: "agree"
        case .fail: "fail"
        case .escalate: "escalate"
        case .withdraw: "withdraw"
        case .applyConfirmation: "confirmation"
        case .confirmationResult: "confirmation-result"
        case .perform: "perform"
        case .revisit: "revisit"
        }
    }

    static func log(_ row: Dispute, _ action: String, on date: CivilDate?, detail: String, by principal: Principal, stamp: Date, on db: any Database) async throws {
        try await Timeline.append(DisputeEvent.self, record: row.id!, title: row.number, entityType: Dispute.schema, module: "mediation",
                                  action: action, on: date?.description, detail: detail, by: principal, stamp: stamp, on: db)
    }
}
