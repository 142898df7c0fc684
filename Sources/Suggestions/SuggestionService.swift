import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit

/// Load → `SuggestionRules` → persist, with the answer clock following each step.
public enum SuggestionService {
    static func facts(_ services: FazhiServices, calendar: WorkCalendar) -> SuggestionFacts {
        var facts = SuggestionFacts(today: CivilDateTime(services.now).date, calendar: calendar)
        facts.answerMonths = services.rule(SuggestionSettings.answerMonths)
        facts.longestMonths = services.rule(SuggestionSettings.longestMonths)
        facts.rehandleMonths = services.rule(SuggestionSettings.rehandleMonths)
        return facts
    }

    /// The items a caller sees: those its units lead, and those they assist or answer in part.
    public static func visible(for principal: Principal, on db: any Database) -> QueryBuilder<Suggestion> {
        visible(in: principal.recordScope, on: db)
    }

    /// The suggestions `scope`'s units lead or share (a kept list's reader).
    public static func visible(in scope: RecordScope, on db: any Database) -> QueryBuilder<Suggestion> {
        Suggestion.scoped(in: scope, orLinkedThrough: SuggestionUnit.schema, recordColumn: "suggestion_id", on: db)
    }

    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> Suggestion {
        guard let row = try await visible(for: principal, on: db).filter(\.$id == id).first() else {
            throw ScopeDenied(entityType: Suggestion.schema, entityID: id.uuidString)
        }
        return row
    }

    /// Registers an item and assigns it (交办) to its lead unit and, if any, its other units
    /// ("SFX-ZJ:会办 SFX-CG:分办"), opening the answer clock.
    @discardableResult
    public static func create(kind: String?, session: String?, number: String?, title: String?, proposers: String?, content: String?, leadUnitCode: String?,
                              otherUnits: String?, assignedOn: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> Suggestion {
        guard principal.has(SuggestionPermissions.assign) else { throw ValidationFailure(field: "leadUnitCode", label: "主办单位", message: "由政府办公室交办") }
        var validator = Validator()
        let itemKind = SuggestionKind(rawValue: kind ?? "")
        if itemKind == nil { validator.add("kind", "类别", "请选择人大代表建议或政协委员提案") }
        let sessionText = validator.required(session, field: "session", label: "届次会议", maxLength: 100)
        let numberText = validator.required(number, field: "number", label: "编号", maxLength: 20)
        let titleText = validator.required(title, field: "title", label: "标题", maxLength: 200)
        let names = validator.required(proposers, field: "proposers", label: "提出人", maxLength: 500)
        let body = validator.optional(content, field: "content", label: "内容", maxLength: 20_000) ?? ""
        let code = validator.required(leadUnitCode, field: "leadUnitCode", label: "主办单位编码", maxLength: 32)
        let day = CivilDate(validator.required(assignedOn, field: "assignedOn", label: "交办日期", maxLength: 10))
        if day == nil { validator.add("assignedOn", "交办日期", FormFields.dateRule) }
        var lead: OrgUnit?
        if !code.isEmpty { lead = try await UnitService.find(code: code, on: db); if lead == nil { validator.add("leadUnitCode", "主办单位编码", "没有编码为“\(code)”的单位") } }
        var others: [(OrgUnit, String)] = []
        for item in (otherUnits ?? "").split(whereSeparator: { $0 == " " || $0 == "，" || $0 == "," || $0 == "、" }) where !item.isEmpty {
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            let role = parts.count > 1 ? SuggestionUnit.roles.first { $0.value == parts[1] }?.key : "assisting"
            guard let role, let unit = try await UnitService.find(code: parts[0], on: db), unit.code != code else {
                validator.add("otherUnits", "会办、分办单位", "“\(item)”应写作“单位编码:会办”或“单位编码:分办”，且不能是主办单位"); continue
            }
            others.append((unit, role))
        }
        try validator.check()
        guard let itemKind, let lead, let day else { throw ValidationFailure(field: "kind", label: "类别", message: "请检查填写内容") }
        let stamp = services.now, assigned = others
        return try await db.write { tx in
            if try await Suggestion.query(on: tx).filter(\.$kind == itemKind.rawValue).filter(\.$session == sessionText).filter(\.$number == numberText).first() != nil {
                throw ValidationFailure(field: "number", label: "编号", message: "\(sessionText)第\(numberText)号\(itemKind.label)已经登记")
            }
            let calendar = try await CalendarService.current(services: services, on: tx)
            let facts = facts(services, calendar: calendar)
            let step = try SuggestionRules.apply(.assign(on: day), to: SuggestionState(kind: itemKind), facts: facts)
            let row = Suggestion()
            row.id = .v4()
            row.kind = itemKind.rawValue
            row.session = sessionText
            row.number = numberText
            row.title = titleText
            row.proposers = names
            row.content = body
            row.leadUnitID = lead.id!
            row.leadUnitPath = lead.path
            row.createdAt = stamp
            row.updatedAt = stamp
            row.apply(step.state, calendar: calendar)
            try await row.create(on: tx)
            for (unit, role) in assigned {
                let link = SuggestionUnit()
                link.suggestionID = row.id!
                link.unitID = unit.id!
                link.unitPath = unit.path
                link.role = role
                try await link.create(on: tx)
            }
            var rule = SuggestionClocks.answer.rule
            rule.period = .months(step.state.months)
            rule.basis = itemKind.basis
            rule.extensionLimit = ExtensionLimit(maxCount: 1, maxPeriod: .months(max(1, facts.longestMonths - step.state.months)),
                                                 basis: "\(itemKind.basis)：涉及面广、处理难度大的，应当在\(facts.longestMonths)个月内答复")
            try await ClockService.open(kind: SuggestionClocks.answer.key, unitID: lead.id, title: "\(row.heading) 答复", record: row.clockRecord,
                                        start: CivilDateTime(date: day), startReason: "交办", rule: rule, by: principal, services: services, on: tx)
            let assisted = assigned.map { "\($0.0.name)（\(SuggestionUnit.roles[$0.1]!)）" }.joined(separator: "、")
            try await log(row, "assign", on: day, detail: "交办\(lead.name)主办" + (assisted.isEmpty ? "" : "，\(assisted)"), by: principal, stamp: stamp, on: tx)
            return row
        }
    }

    /// 重新交办: the lead unit disputes the assignment; the office names another and the period restarts.
    public static func reassign(_ id: UUID, to unitCode: String?, on date: String?, reason: String?, by principal: Principal, services: FazhiServices,
                                on db: any Database) async throws {
        guard principal.has(SuggestionPermissions.assign) else { throw ValidationFailure(field: "unitCode", label: "主办单位", message: "由政府办公室重新交办") }
        var validator = Validator()
        let code = validator.required(unitCode, field: "unitCode", label: "主办单位编码", maxLength: 32)
        let why = validator.required(reason, field: "reason", label: "理由", maxLength: 500)
        let day = CivilDate(validator.required(date, field: "on", label: "日期", maxLength: 10))
        if day == nil { validator.add("on", "日期", FormFields.dateRule) }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "主办单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, let day else { return }
        let stamp = services.now
        try await db.write { tx in
            let row = try await find(id, for: principal, on: tx)
            let calendar = try await CalendarService.current(services: services, on: tx)
            let step = try SuggestionRules.apply(.assign(on: day), to: row.state, facts: facts(services, calendar: calendar))
            row.apply(step.state, calendar: calendar)
            row.leadUnitID = unit.id!
            row.leadUnitPath = unit.path
            row.updatedAt = stamp
            try await row.update(on: tx)
            if let clock = try await ClockService.openClock(kind: SuggestionClocks.answer.key, record: row.clockRecord, on: tx) {
                clock.unitID = unit.id!
                try await clock.update(on: tx)
                try await ClockService.record(.restart(day, reason: "重新交办"), on: clock.id!, by: principal, services: services, on: tx)
            }
            try await log(row, "reassign", on: day, detail: "重新交办\(unit.name)主办：\(why)", by: principal, stamp: stamp, on: tx)
        }
    }

    /// One step; returns its warnings (a late answer, an answer without contact).
    @discardableResult
    public static func perform(_ step: SuggestionStep, on id: UUID, text: String? = nil, by principal: Principal, services: FazhiServices,
                               on db: any Database) async throws -> [String] {
        if case .assign = step { throw ValidationFailure(field: "step", label: "操作", message: "交办请用重新交办") }
        let stamp = services.now
        return try await db.write { tx in
            let row = try await find(id, for: principal, on: tx)
            let calendar = try await CalendarService.current(services: services, on: tx)
            let result = try SuggestionRules.apply(step, to: row.state, facts: facts(services, calendar: calendar))
            let dueBefore = row.dueOn, monthsBefore = row.months
            row.apply(result.state, calendar: calendar)
            row.updatedAt = stamp
            var date: CivilDate?
            switch step {
            case .assign: break
            case .contact(let on, _): date = on
            case .extend(let on, let months, let approver, let reason):
                date = on
                try await ClockService.recordOnOpen(.extend(on, by: .months(months - monthsBefore), approver: approver, reason: reason),
                                                    kind: SuggestionClocks.answer.key, record: row.clockRecord, by: principal, services: services, on: tx)
            case .answer(let on, _, let reason):
                date = on
                let answer = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard answer.count <= 20_000 else { throw ValidationFailure(field: "text", label: "答复内容", message: "不能超过2万字") }
                row.answerText = answer.isEmpty ? reason : answer
                if row.firstAnsweredOn == nil {
                    row.firstAnsweredOn = on.description
                    row.firstDueOn = dueBefore
                }
                let kind = row.rehandleCount > 0 ? SuggestionClocks.rehandle.key : SuggestionClocks.answer.key
                try await ClockService.recordOnOpen(.complete(CivilDateTime(date: on), reason: "答复"), kind: kind, record: row.clockRecord, by: principal,
                                                    services: services, on: tx)
            case .feedback(let on, _): date = on
            case .rehandle(let on):
                date = on
                var rule = SuggestionClocks.rehandle.rule
                rule.period = .months(result.state.rehandleMonths)
                try await ClockService.open(kind: SuggestionClocks.rehandle.key, unitID: row.leadUnitID, title: "\(row.heading) 重新办理", record: row.clockRecord,
                                            start: CivilDateTime(date: on), startReason: "代表、委员不满意", rule: rule, by: principal, services: services, on: tx)
            case .release(let on): date = on
            }
            try await row.update(on: tx)
            try await log(row, key(step), on: date, detail: ([result.detail] + result.warnings).joined(separator: "；"), by: principal, stamp: stamp, on: tx)
            return result.warnings
        }
    }

    static func key(_ step: SuggestionStep) -> String {
        switch step {
        case .assign: "assign"
        case .contact: "contact"
        case .extend: "extend"
        case .answer: "answer"
        case .feedback: "feedback"
        case .rehandle: "rehandle"
        case .release: "release"
        }
    }

    static func log(_ row: Suggestion, _ action: String, on date: CivilDate?, detail: String, by principal: Principal, stamp: Date, on db: any Database) async throws {
        try await Timeline.append(SuggestionEvent.self, record: row.id!, title: row.heading, entityType: Suggestion.schema, module: "suggestions",
                                  action: action, on: date?.description, detail: detail, by: principal, stamp: stamp, on: db)
    }
}
