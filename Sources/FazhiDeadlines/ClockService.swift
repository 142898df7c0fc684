import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import SQLKit

/// A clock as lists and pages show it: the stored row and what its ledger means today.
public struct ClockView: Sendable {
    public var id: UUID
    public var kind: String
    public var moduleID: String
    public var title: String
    public var link: String
    public var unitID: UUID
    public var unitPath: String
    public var clock: Clock
    public var result: ClockResult
}

extension ClockView {
    /// A clock's view as of `now`: its result evaluated on the calendar.
    init(id: UUID, kind: String, moduleID: String, title: String, link: String, unitID: UUID, unitPath: String, clock: Clock,
         calendar: WorkCalendar, now: CivilDateTime, warnWithin: Int) {
        self.init(id: id, kind: kind, moduleID: moduleID, title: title, link: link, unitID: unitID, unitPath: unitPath, clock: clock,
                  result: clock.evaluate(calendar: calendar, asOf: now, warnWithin: warnWithin))
    }
}

/// The only writer of `statutory_clocks`. Modules open clocks and record ledger events here.
public enum ClockService {
    /// Opens a clock of a registered kind for a record of `unitID`. `assigning` is for workflows in
    /// which the caller gives another unit a task by right (a case-file reviewer's rectification
    /// order to the unit reviewed): the caller need not hold that unit in scope. `fixedDate` is the
    /// due date of a kind registered with `date:0` (a date each clock is given, such as the
    /// 3月1日 of the annual report or a department's deadline), and only of such a kind. `rule` is
    /// for a kind whose period the law lets another law, regulation or 规章 set (行政处罚法第六十条's
    /// ninety days, per enforcement domain): the clock keeps the rule it was opened with.
    @discardableResult
    public static func open(kind kindKey: String, unitID: UUID?, title: String?, record: ClockRecord?, start: CivilDateTime?, startReason: String?,
                            fixedDate: CivilDate? = nil, rule override: ClockRule? = nil, assigning: Bool = false,
                            by principal: Principal, services: FazhiServices, on db: any Database) async throws -> StatutoryClock {
        var unit: OrgUnit?
        if let unitID {
            unit = try await OrgUnit.find(unitID, on: db)
            if let found = unit, !assigning, !principal.covers(unitPath: found.path) { throw ScopeDenied(entityType: "unit", entityID: unitID.uuidString) }
        }
        let place = unit.map { (id: $0.id!, path: $0.path) }
        return try await db.write { tx in
            let calendar = try await CalendarService.current(services: services, on: tx)
            let (row, audit) = try opening(kind: kindKey, unit: place, title: title, record: record, start: start,
                                           startReason: startReason, fixedDate: fixedDate, rule: override, calendar: calendar, by: principal, services: services)
            try await row.create(on: tx)
            try await AuditLog.append(audit, by: principal.auditActor, at: row.createdAt, on: tx)
            return row
        }
    }

    /// A new clock's row, checked, with its id and the audit event of its opening; nothing is
    /// written. `open` writes it at once; a ledger import collects many and writes them in batches,
    /// so an imported clock is the same row a clock opened on the platform is. The caller has
    /// checked that `unit` (id and path; nil when it does not exist) is one the principal may use.
    public static func opening(kind kindKey: String, unit: (id: UUID, path: String)?, title: String?, record: ClockRecord?, start: CivilDateTime?,
                               startReason: String?, fixedDate: CivilDate? = nil, rule override: ClockRule? = nil, calendar: WorkCalendar,
                               by principal: Principal, services: FazhiServices, defersLedger: Bool = false) throws -> (row: StatutoryClock, audit: AuditEvent) {
        var validator = Validator()
        let kind = services.clockKind(kindKey)
        if kind == nil { validator.add("kind", "期限类型", "不是已登记的期限类型") }
        let title = validator.required(title, field: "title", label: "事项名称", maxLength: 200)
        let reason = validator.optional(startReason, field: "startReason", label: "起算事由", maxLength: 100) ?? ""
        let now = CivilDateTime(services.now)
        if start == nil { validator.add("start", "起算日", "应为有效日期（YYYY-MM-DD，可加时间 HH:MM）") }
        if let start, start > now { validator.add("start", "起算日", "不能晚于当前时间 \(now)") }
        if let kind {
            let dated = kind.rule.period.unit == .date
            if dated && fixedDate == nil { validator.add("due", "截止日期", FormFields.dateRule) }
            if !dated && fixedDate != nil { validator.add("due", "截止日期", "\(kind.rule.title)的期限由法定期间计算，不能指定日期") }
            if let override, dated || override.period.unit == .date || override.period.count < 1 {
                validator.add("rule", "期限规则", "\(kind.rule.title)的期间应为法定的日数、工作日数或月数")
            }
        }
        if unit == nil { validator.add("unit", "承办单位", "不存在") }
        try validator.check()
        guard let kind, let start, let unit else { throw ValidationFailure(field: "kind", label: "期限类型", message: "不是已登记的期限类型") }
        let rule = fixedDate.map { ClockRule(title: kind.rule.title, period: .on($0), basis: kind.rule.basis) } ?? override ?? kind.rule
        let clock = Clock(rule: rule, start: start, startReason: reason)
        let stamp = services.now
        let row = StatutoryClock()
        row.id = .v4()
        row.kind = kind.key
        row.moduleID = kind.moduleID
        row.title = title
        row.link = record?.link
        row.recordType = record?.type
        row.recordID = record?.id.uuidString
        row.unitID = unit.id
        row.unitPath = unit.path
        row.defersLedger = defersLedger
        try row.store(clock)
        row.dueDate = clock.dueDate(calendar: calendar)?.description
        row.calendarVersion = calendar.version
        row.closed = false
        row.openedBy = principal.auditActor.name
        row.createdAt = stamp
        row.updatedAt = stamp
        let audit = AuditEvent(action: "clock.open", entityType: "statutory_clock", entityID: row.id!.uuidString,
                               detail: "\(rule.title)（\(rule.period.chinese)，\(rule.basis)）；起算 \(start)；届满 \(row.dueDate ?? "暂停中")")
        return (row, audit)
    }

    /// The open clock of a kind for a record, if any (modules keep no clock ids of their own).
    public static func openClock(kind: String, record: ClockRecord, on db: any Database) async throws -> StatutoryClock? {
        try await StatutoryClock.query(on: db).filter(\.$recordType == record.type).filter(\.$recordID == record.id.uuidString)
            .filter(\.$kind == kind).filter(\.$closed == false).first()
    }

    /// Records an event on the record's open clock of a kind; does nothing when none runs (a step
    /// that ends a clock the record never started, such as an imported case).
    @discardableResult
    public static func recordOnOpen(_ event: ClockEvent, kind: String, record: ClockRecord, by principal: Principal, services: FazhiServices,
                                    on db: any Database) async throws -> StatutoryClock? {
        guard let open = try await openClock(kind: kind, record: record, on: db) else { return nil }
        return try await Self.record(event, on: open.id!, by: principal, services: services, on: db)
    }

    /// Every clock of a record, oldest first.
    public static func clocks(record: ClockRecord, on db: any Database) async throws -> [StatutoryClock] {
        try await StatutoryClock.query(on: db).filter(\.$recordType == record.type).filter(\.$recordID == record.id.uuidString)
            .sort(\.$createdAt).all()
    }

    /// Finds a clock the caller may see; outside the caller's units it is refused as if absent.
    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> StatutoryClock {
        guard let row = try await StatutoryClock.find(id, on: db), principal.covers(unitPath: row.unitPath) else {
            throw ScopeDenied(entityType: "statutory_clock", entityID: id.uuidString)
        }
        return row
    }

    /// Appends one event to a clock's ledger. The whole ledger is checked against the rule (a
    /// second extension, a resume without a pause … are refused with the article), and an event
    /// may not be dated in the future.
    @discardableResult
    public static func record(_ event: ClockEvent, on clockID: UUID, by principal: Principal, services: FazhiServices,
                              on db: any Database) async throws -> StatutoryClock {
        try await db.write { tx in
            let row = try await find(clockID, for: principal, on: tx)
            let calendar = try await CalendarService.current(services: services, on: tx)
            let audit = try recording(event, on: row, calendar: calendar, services: services)
            try await row.update(on: tx)
            try await AuditLog.append(audit, by: principal.auditActor, at: row.updatedAt, on: tx)
            return row
        }
    }

    /// Appends `event` to the row's ledger in memory, checked, and returns the audit event; nothing
    /// is written (`record` writes it; a ledger import writes its clocks in batches).
    public static func recording(_ event: ClockEvent, on row: StatutoryClock, calendar: WorkCalendar,
                                 services: FazhiServices) throws -> AuditEvent {
        let stamp = services.now
        guard !row.closed else {
            throw ValidationFailure(field: "kind", label: "事件", message: "该期限已办结，不能再记载")
        }
        var clock = try row.clock
        if event.at > CivilDateTime(stamp) {
            throw ValidationFailure(field: "date", label: "日期", message: "不能晚于当前时间")
        }
        clock.events.append(event)
        let problems = clock.problems()
        if !problems.isEmpty {
            throw ValidationFailure(problems.map { FieldError(field: "kind", label: "事件", message: $0) })
        }
        let before = row.dueDate
        try row.store(clock)
        row.dueDate = clock.dueDate(calendar: calendar)?.description
        row.calendarVersion = calendar.version
        row.closed = event.kind == .complete
        row.updatedAt = stamp
        var detail = "\(event.kind.label) \(event.at)"
        if let period = event.period { detail += " \(period.chinese)" }
        if let approver = event.approver { detail += " 批准人：\(approver)" }
        if !event.reason.isEmpty { detail += " 事由：\(event.reason)" }
        detail += "；届满日 \(before ?? "无") → \(row.dueDate ?? "暂停中")"
        return AuditEvent(action: "clock.\(event.kind.rawValue)", entityType: "statutory_clock", entityID: row.id!.uuidString, detail: detail)
    }

    /// Recomputes every open clock against `calendar`; each due date that moves is stored, listed
    /// for its holder and audited with the old date, the new date and the reason.
    static func recomputeOpenClocks(calendar: WorkCalendar, reason: String, by principal: Principal, now: Date,
                                    on tx: any Database) async throws -> [(clockID: UUID, title: String, old: String?, new: String?)] {
        var moved: [(clockID: UUID, title: String, old: String?, new: String?)] = []
        for row in try await StatutoryClock.query(on: tx).filter(\.$closed == false).all() {
            let due = try row.clock.dueDate(calendar: calendar)?.description
            let old = row.dueDate
            row.calendarVersion = calendar.version
            if due != old {
                row.dueDate = due
                row.updatedAt = now
                let change = ClockDueChange()
                change.$clock.id = row.id!
                change.unitPath = row.unitPath
                change.oldDue = old
                change.newDue = due
                change.calendarVersion = calendar.version
                change.reason = reason
                change.createdAt = now
                try await change.create(on: tx)
                try await AuditLog.append(AuditEvent(action: "clock.recompute", entityType: "statutory_clock", entityID: row.id!.uuidString,
                                                     detail: "\(row.title)：届满日 \(old ?? "无") → \(due ?? "无")；原因：\(reason)"),
                                          by: principal.auditActor, at: now, on: tx)
                moved.append((row.id!, row.title, old, due))
            }
            try await row.update(on: tx)
        }
        return moved
    }

    /// Every open clock in the caller's units, evaluated as of now, most urgent first.
    public static func openClocks(for principal: Principal, services: FazhiServices, on db: any Database) async throws -> [ClockView] {
        let now = CivilDateTime(services.now)
        let scope = principal.recordScope
        // The open clocks of the scope, decoded, with the calendar, read once per change of the
        // records; each is evaluated for this minute on every visit, without the explanation its
        // own page shows (issue 16: the deadline list read and explained every clock per visit).
        let (rows, calendar) = try await services.recordsCache.value("deadlines.open|\(scope)", on: db, services: services) { _ in
            let calendar = try await CalendarService.current(services: services, on: db)
            return (try await openRows(in: scope, dueBy: nil, services: services, on: db), calendar)
        }
        let warnWithin = services.config.deadlineWarnWorkdays
        return rows.map { $0.view(calendar: calendar, now: now, warnWithin: warnWithin) }.sorted(by: urgency)
    }

    /// What the dashboard card shows: how many clocks are open in the caller's units, and, evaluated,
    /// only those that can be overdue, due soon or paused today. A clock whose stored due date lies
    /// past the warning window cannot be any of these, so a county with thousands of open cases
    /// evaluates tens of clocks per visit, not thousands. The window reaches past both the warning
    /// period (`deadlineWarnWorkdays` working days) and a month, which covers any period counted in
    /// hours (always flagged while running). A paused clock stores no due date and is always read.
    public static func nearClocks(for principal: Principal, services: FazhiServices, on db: any Database) async throws -> (open: Int, near: [ClockView]) {
        let now = CivilDateTime(services.now)
        let warnWithin = services.config.deadlineWarnWorkdays
        let scope = principal.recordScope
        // The open clocks of the scope and those due within the horizon, with the calendar, read
        // once per change of the records (a calendar change is one; the day is part of the
        // version); how far each has run is worked out for this minute on every visit.
        let (open, rows, calendar) = try await services.recordsCache.value("deadlines.near|\(warnWithin)|\(scope)", on: db, services: services) { version in
            // The calendar as of the version (read after it): a calendar installed in between
            // moves the version, and the next visit reads both again.
            let calendar = try await CalendarService.current(services: services, on: db)
            let horizon = max(calendar.workday(warnWithin + 1, after: version.day), version.day.adding(days: 31)).description
            let open = try await StatutoryClock.scoped(in: scope, on: db).filter(\.$closed == false).count()
            return (open, try await openRows(in: scope, dueBy: horizon, services: services, on: db), calendar)
        }
        // Evaluated without the explanation, which the card does not show and which was three
        // quarters of the evaluation (`perf`, issue 16): the state and due date are the same.
        return (open, rows.map { $0.view(calendar: calendar, now: now, warnWithin: warnWithin) }.sorted(by: urgency))
    }

    /// The open clocks of `scope`, and with `horizon` only those due by it or paused (a paused
    /// clock stores no due date). The shown columns as plain rows: FluentKit decodes a model through
    /// reflection and runtime type lookups, which was a quarter of the dashboard's CPU for its sixty
    /// clocks (`perf`).
    private static func openRows(in scope: RecordScope, dueBy horizon: String?, services: FazhiServices, on db: any Database) async throws -> [OpenClockRow] {
        let select = StatutoryClock.scopedSelect(in: scope, on: db, services: services)
            .plainColumns(OpenClockRow.columns).where("closed", .equal, SQLBind(false))
        if let horizon {
            select.where(SQLGroupExpression(SQLBinaryExpression(SQLBinaryExpression(SQLColumn("due_date"), .is, SQLLiteral.null), .or,
                                                                SQLBinaryExpression(SQLColumn("due_date"), .lessThanOrEqual, SQLBind(horizon)))))
        }
        return try await select.listRows(decoding: OpenClockRow.self)
    }

    /// An open clock as the dashboard and the deadline list read it: the columns `ClockView` shows,
    /// and the ledger, decoded once when the rows are read (they are kept until the records change),
    /// not on every visit.
    struct OpenClockRow: SQLListRow {
        static let columns = ["id", "kind", "module_id", "title", "link", "unit_id", "unit_path", "ledger"]
        var id: UUID, kind: String, moduleID: String, title: String, link: String?, unitID: UUID, unitPath: String, clock: Clock

        init(row: any SQLRow) throws {
            id = try row.decodeUUID(column: "id")
            kind = try row.decode(column: "kind", as: String.self)
            moduleID = try row.decode(column: "module_id", as: String.self)
            title = try row.decode(column: "title", as: String.self)
            link = try row.decodeOptional(column: "link", as: String.self)
            unitID = try row.decodeUUID(column: "unit_id")
            unitPath = try row.decode(column: "unit_path", as: String.self)
            clock = try StatutoryClock.decodeLedger(row.decode(column: "ledger", as: String.self))
        }

        /// As `ClockService.view` makes it from the model (the same ledger, link, due date, state
        /// and warning), without the explanation's steps.
        func view(calendar: WorkCalendar, now: CivilDateTime, warnWithin: Int) -> ClockView {
            ClockView(id: id, kind: kind, moduleID: moduleID, title: title, link: StatutoryClock.recordLink(link, id: id), unitID: unitID,
                      unitPath: unitPath, clock: clock, result: clock.evaluate(calendar: calendar, asOf: now, warnWithin: warnWithin, explaining: false))
        }
    }

    public static func view(_ row: StatutoryClock, calendar: WorkCalendar, now: CivilDateTime, warnWithin: Int) throws -> ClockView {
        ClockView(id: row.id!, kind: row.kind, moduleID: row.moduleID, title: row.title, link: row.recordLink, unitID: row.unitID,
                  unitPath: row.unitPath, clock: try row.clock, calendar: calendar, now: now, warnWithin: warnWithin)
    }

    /// Overdue first, then due soon, then by due date; paused clocks last.
    static func urgency(_ a: ClockView, _ b: ClockView) -> Bool {
        if a.result.warning.severity != b.result.warning.severity { return a.result.warning.severity > b.result.warning.severity }
        switch (a.result.due, b.result.due) {
        case let (x?, y?): return x != y ? x < y : a.title < b.title
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a.title < b.title
        }
    }

    /// Due dates moved by calendar changes in the caller's units, newest first.
    public static func recentDueChanges(in scope: RecordScope, since: Date, on db: any Database) async throws -> [ClockDueChange] {
        let query = ClockDueChange.scoped(in: scope, on: db).filter(\.$createdAt >= since).with(\.$clock).sort(\.$createdAt, .descending).limit(50)
        return try await query.all()
    }
}
