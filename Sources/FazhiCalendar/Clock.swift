/// A statutory time limit as a module defines it: what must be done, in how long, under which article.
public struct ClockRule: Codable, Hashable, Sendable {
    /// What must be done within the period ("作出行政复议决定").
    public var title: String
    public var period: Period
    /// The article that sets this period ("行政复议法第六十二条第一款").
    public var basis: String
    /// How often and by how much the period may be extended; nil means it may not be.
    public var extensionLimit: ExtensionLimit?

    public init(title: String, period: Period, basis: String, extensionLimit: ExtensionLimit? = nil) {
        self.title = title
        self.period = period
        self.basis = basis
        self.extensionLimit = extensionLimit
    }
}

/// The most a period may be extended, and the article that says so.
public struct ExtensionLimit: Codable, Hashable, Sendable {
    public var maxCount: Int
    public var maxPeriod: Period
    public var basis: String

    public init(maxCount: Int, maxPeriod: Period, basis: String) {
        self.maxCount = maxCount
        self.maxPeriod = maxPeriod
        self.basis = basis
    }
}

/// One entry of a clock's ledger.
public struct ClockEvent: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The period stops running (补正 pending, third-party consultation, 中止, expert appraisal).
        case suspend
        /// The period runs again from this day (the day itself counts).
        case resume
        /// The period is lengthened by `extension`, with an approver and a reason.
        case extend
        /// The period starts again from this day, as a 补正's receipt restarts it; earlier pauses and
        /// extensions no longer apply.
        case restart
        /// The act was done (decision served, reply sent): the clock stops.
        case complete

        public var label: String {
            switch self {
            case .suspend: return "暂停"
            case .resume: return "恢复"
            case .extend: return "延长"
            case .restart: return "重新起算"
            case .complete: return "办结"
            }
        }
    }

    public var kind: Kind
    public var at: CivilDateTime
    public var reason: String
    public var period: Period?
    public var approver: String?

    public init(kind: Kind, at: CivilDateTime, reason: String, period: Period? = nil, approver: String? = nil) {
        self.kind = kind
        self.at = at
        self.reason = reason
        self.period = period
        self.approver = approver
    }

    public static func suspend(_ at: CivilDate, reason: String) -> ClockEvent { ClockEvent(kind: .suspend, at: CivilDateTime(date: at), reason: reason) }
    public static func resume(_ at: CivilDate, reason: String = "") -> ClockEvent { ClockEvent(kind: .resume, at: CivilDateTime(date: at), reason: reason) }
    public static func extend(_ at: CivilDate, by period: Period, approver: String, reason: String) -> ClockEvent {
        ClockEvent(kind: .extend, at: CivilDateTime(date: at), reason: reason, period: period, approver: approver)
    }
    public static func restart(_ at: CivilDate, reason: String) -> ClockEvent { ClockEvent(kind: .restart, at: CivilDateTime(date: at), reason: reason) }
    public static func complete(_ at: CivilDateTime, reason: String = "") -> ClockEvent { ClockEvent(kind: .complete, at: at, reason: reason) }

    /// Common pause reasons, each with the article that stops the period.
    public static let pauseReasons: [(reason: String, basis: String)] = [
        ("征求第三方意见", "政府信息公开条例第三十二条：征求第三方和其他机关意见所需时间不计算在期限内"),
        ("中止", "行政复议法第三十九条"),
        ("检测、检验、检疫、鉴定", "行政强制法第二十五条第三款；行政许可法第四十五条"),
    ]
}

public enum ClockState: String, Codable, Sendable, CaseIterable {
    case running, paused, metOnTime, metLate, overdue

    public var label: String {
        switch self {
        case .running: return "计时中"
        case .paused: return "已暂停"
        case .metOnTime: return "按期办结"
        case .metLate: return "逾期办结"
        case .overdue: return "已逾期"
        }
    }

    public var isOpen: Bool { self == .running || self == .paused || self == .overdue }
}

public enum WarningLevel: Hashable, Codable, Sendable {
    case none
    /// Due within the warning window; 0 means due today.
    case dueSoon(workdaysLeft: Int)
    /// An hours rule still running: how many whole hours are left.
    case dueWithinHours(hoursLeft: Int)
    case overdue(daysLate: Int)
    /// An hours rule past its minute: how many whole hours late (at least one).
    case overdueHours(hoursLate: Int)

    public var label: String {
        switch self {
        case .none: return "正常"
        case .dueSoon(0): return "今日到期"
        case .dueSoon(let left): return "临期（剩余\(left)个工作日）"
        case .dueWithinHours(let left): return "临期（剩余\(left)小时）"
        case .overdue(let late): return "逾期\(late)天"
        case .overdueHours(let late): return "逾期\(late)小时"
        }
    }

    public var severity: Int {
        switch self {
        case .none: return 0
        case .dueSoon, .dueWithinHours: return 1
        case .overdue, .overdueHours: return 2
        }
    }
}

/// A line of `explain()`.
public struct ExplanationStep: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case rule, start, restart, skip, counted, pause, extended, adjust, notice, result, state
    }
    public var kind: Kind
    public var text: String
}

public struct ClockResult: Sendable {
    /// The day by whose end the act must be done; nil while paused.
    public var due: CivilDate?
    /// For an hours rule, the exact minute; otherwise nil (the due day's end).
    public var dueAt: CivilDateTime?
    /// While paused: the due date if the period resumed on the day after `asOf`.
    public var projectedDue: CivilDate?
    public var state: ClockState
    public var warning: WarningLevel
    public var steps: [ExplanationStep]

    public func explain() -> String { steps.map(\.text).joined(separator: "\n") }
}

public struct ClockLedgerError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "；") }
}

/// A statutory clock: a rule, a start and a ledger of events. Everything else — due date, state,
/// warning, explanation — is computed from these three, so a calendar change recomputes it.
public struct Clock: Codable, Hashable, Sendable {
    public var rule: ClockRule
    public var start: CivilDateTime
    /// What the start is ("收到申请").
    public var startReason: String
    public var events: [ClockEvent]

    public init(rule: ClockRule, start: CivilDateTime, startReason: String = "", events: [ClockEvent] = []) {
        self.rule = rule
        self.start = start
        self.startReason = startReason
        self.events = events
    }

    /// Every way the ledger breaks the rules, in Chinese; empty when it is sound. Events must be in
    /// the order they happened.
    public func problems() -> [String] {
        var problems: [String] = []
        var paused: CivilDate?
        var completed = false
        var extensions = 0
        var extendedBy = 0
        var last = start
        let isHours = rule.period.unit == .hours
        let isDate = rule.period.unit == .date
        for (index, event) in events.enumerated() {
            let label = "第\(index + 1)项（\(event.kind.label)，\(event.at.date)）"
            if event.at < start { problems.append("\(label)：早于起算日 \(start.date)") }
            if event.at < last { problems.append("\(label)：早于前一项，台账须按发生顺序记载") }
            last = max(last, event.at)
            if completed { problems.append("\(label)：期限已办结，不能再记载") }
            if isDate && event.kind != .complete {
                problems.append("\(label)：截止日期为确定的日期（\(rule.period.chinese)），不能暂停、延长或重新起算；需要改期的，应撤回后重新确定日期")
                continue
            }
            switch event.kind {
            case .suspend:
                if isHours { problems.append("\(label)：按小时计算的期限不能暂停") }
                if paused != nil { problems.append("\(label)：期限已在暂停中，不能再次暂停") }
                if event.reason.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("\(label)：暂停须写明理由") }
                paused = event.at.date
            case .resume:
                if paused == nil { problems.append("\(label)：期限未暂停，无从恢复") }
                paused = nil
            case .extend:
                guard let period = event.period, period.count > 0 else {
                    problems.append("\(label)：延长须写明延长的期限")
                    break
                }
                if isHours != (period.unit == .hours) { problems.append("\(label)：按小时计算的期限只能按小时延长，按日计算的期限不能按小时延长") }
                if (event.approver ?? "").trimmingCharacters(in: .whitespaces).isEmpty { problems.append("\(label)：延长须写明批准人") }
                if event.reason.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("\(label)：延长须写明理由") }
                if paused != nil { problems.append("\(label)：期限暂停中，恢复后才能延长") }
                extensions += 1
                if let limit = rule.extensionLimit {
                    if extensions > limit.maxCount {
                        problems.append("\(label)：\(rule.title)最多延长\(limit.maxCount)次（\(limit.basis)）")
                    }
                    if period.unit != limit.maxPeriod.unit {
                        problems.append("\(label)：延长应以“\(limit.maxPeriod.unit.label)”计算（\(limit.basis)）")
                    } else {
                        extendedBy += period.count
                        if extendedBy > limit.maxPeriod.count {
                            problems.append("\(label)：延长合计不得超过\(limit.maxPeriod.chinese)（\(limit.basis)）")
                        }
                    }
                } else {
                    problems.append("\(label)：\(rule.title)的期限依法不得延长（\(rule.basis)）")
                }
            case .restart:
                if isHours { problems.append("\(label)：按小时计算的期限不能重新起算") }
                if event.reason.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("\(label)：重新起算须写明理由") }
                paused = nil
                extensions = 0
                extendedBy = 0
            case .complete:
                completed = true
            }
        }
        return problems
    }

    /// The due date alone, without building an explanation (the hot path of lists and benchmarks).
    /// Nil while paused.
    public func dueDate(calendar: WorkCalendar) -> CivilDate? {
        var engine = Engine(calendar: calendar, explaining: false)
        return engine.run(self, asOf: nil).due
    }

    /// Due date, state, warning and the step-by-step explanation, as of a moment.
    /// - Parameter warnWithin: a clock due within this many working days is flagged 临期.
    /// - Parameter explaining: false leaves `steps` empty and everything else the same: for a view
    ///   that shows the state and due date only (the dashboard card evaluates its clocks on every
    ///   visit, and building the explanation was most of that work).
    public func evaluate(calendar: WorkCalendar, asOf: CivilDateTime, warnWithin: Int = 3, explaining: Bool = true) -> ClockResult {
        var engine = Engine(calendar: calendar, explaining: explaining)
        var outcome = engine.run(self, asOf: asOf)
        var steps = engine.steps
        let state: ClockState
        var warning = WarningLevel.none
        if let completion = outcome.completion {
            let onTime: Bool
            if let dueAt = outcome.dueAt { onTime = completion <= dueAt } else { onTime = outcome.due.map { completion.date <= $0 } ?? true }
            state = onTime ? .metOnTime : .metLate
            let late = outcome.due.map { max(0, $0.days(until: completion.date)) } ?? 0
            if explaining { steps.append(ExplanationStep(kind: .state, text: onTime
                ? "状态：\(completion.date.chinese)办结，在期限内（按期办结）。"
                : "状态：\(completion.date.chinese)办结，超过期限\(late)天（逾期办结）。")) }
        } else if outcome.pausedSince != nil {
            state = .paused
            if let projected = outcome.projectedDue {
                if explaining { steps.append(ExplanationStep(kind: .state, text: "状态：暂停中。若于\(asOf.date.adding(days: 1).chinese)恢复计算，届满日为\(projected.chineseWithWeekday)。")) }
            }
            outcome.due = nil
        } else if let due = outcome.due {
            let overdue: Bool
            if let dueAt = outcome.dueAt { overdue = asOf > dueAt } else { overdue = asOf.date > due }
            if overdue, let dueAt = outcome.dueAt {
                state = .overdue
                let hours = max(1, (asOf.absoluteMinute - dueAt.absoluteMinute) / 60)
                warning = .overdueHours(hoursLate: hours)
                if explaining { steps.append(ExplanationStep(kind: .state, text: "状态：截至\(asOf.chinese)未办结，已超过期限\(hours)小时。")) }
            } else if overdue {
                state = .overdue
                warning = .overdue(daysLate: max(1, due.days(until: asOf.date)))
                if explaining { steps.append(ExplanationStep(kind: .state, text: "状态：截至\(asOf.date.chinese)未办结，已逾期\(max(1, due.days(until: asOf.date)))天。")) }
            } else {
                state = .running
                let left = calendar.workdays(after: asOf.date, through: due)
                if let dueAt = outcome.dueAt {
                    // A period counted in hours is short by nature: always flagged, with the hours left.
                    let hours = (dueAt.absoluteMinute - asOf.absoluteMinute) / 60
                    warning = .dueWithinHours(hoursLeft: hours)
                    if explaining { steps.append(ExplanationStep(kind: .state, text: "状态：计时中，截至\(asOf.chinese)尚余\(hours)小时\((dueAt.absoluteMinute - asOf.absoluteMinute) % 60)分钟。")) }
                    return ClockResult(due: outcome.due, dueAt: outcome.dueAt, projectedDue: nil, state: state, warning: warning, steps: steps)
                }
                if left <= warnWithin { warning = .dueSoon(workdaysLeft: left) }
                if explaining { steps.append(ExplanationStep(kind: .state, text: left == 0
                    ? "状态：今日（\(asOf.date.chinese)）到期。"
                    : "状态：计时中，截至\(asOf.date.chinese)尚余\(left)个工作日。")) }
            }
        } else {
            state = .running
        }
        return ClockResult(due: outcome.due, dueAt: outcome.dueAt, projectedDue: outcome.projectedDue, state: state, warning: warning, steps: steps)
    }
}

/// The one computation behind `dueDate` and `evaluate`, so the fast path and the explained path
/// cannot disagree.
struct Engine {
    let calendar: WorkCalendar
    let explaining: Bool
    var steps: [ExplanationStep] = []
    private var uncoveredYears: Set<Int> = []

    init(calendar: WorkCalendar, explaining: Bool) {
        self.calendar = calendar
        self.explaining = explaining
    }

    struct Outcome {
        var due: CivilDate?
        var dueAt: CivilDateTime?
        var projectedDue: CivilDate?
        var pausedSince: CivilDate?
        var completion: CivilDateTime?
    }

    /// Half-open ranges of days not counted: [from, until).
    typealias Exclusion = (from: CivilDate, until: CivilDate, reason: String)

    mutating func note(_ kind: ExplanationStep.Kind, _ text: @autoclosure () -> String) {
        if explaining { steps.append(ExplanationStep(kind: kind, text: text())) }
    }

    mutating func run(_ clock: Clock, asOf: CivilDateTime?) -> Outcome {
        let rule = clock.rule
        note(.rule, "期限：\(rule.title)，\(rule.period.chinese)（依据：\(rule.basis)）。")
        note(.rule, "计算方法：\(rule.period.unit.basis)。")
        var start = clock.start
        if rule.period.unit == .date {
            let completion = clock.events.last(where: { $0.kind == .complete })?.at
            guard let fixed = rule.period.fixedDate else { return Outcome(completion: completion) }
            note(.start, "登记：\(start.date.chineseWithWeekday)\(clock.startReason.isEmpty ? "" : "（\(clock.startReason)）")。")
            note(.result, "截止日期：\(fixed.chineseWithWeekday)（确定的日期，不顺延）。")
            return Outcome(due: fixed, completion: completion)
        }
        if rule.period.unit == .hours {
            note(.start, "起算：\(start.chinese)\(clock.startReason.isEmpty ? "" : "（\(clock.startReason)）")。")
        } else {
            note(.start, "起算：\(start.date.chineseWithWeekday)\(clock.startReason.isEmpty ? "" : "（\(clock.startReason)）")；当日不计入，自\(start.date.adding(days: 1).chinese)起计算。")
        }
        var outcome = Outcome()
        var exclusions: [Exclusion] = []
        var extensions: [ClockEvent] = []
        var openPause: (from: CivilDate, reason: String)?
        for event in clock.events {
            switch event.kind {
            case .restart:
                start = event.at
                exclusions.removeAll()
                extensions.removeAll()
                openPause = nil
                note(.restart, "\(event.at.date.chineseWithWeekday)重新起算（\(event.reason)）：此前的暂停和延长不再适用；当日不计入，自\(event.at.date.adding(days: 1).chinese)起重新计算。")
            case .suspend:
                openPause = (event.at.date, event.reason)
            case .resume:
                if let pause = openPause {
                    exclusions.append((pause.from, event.at.date, pause.reason))
                    openPause = nil
                }
            case .extend:
                extensions.append(event)
            case .complete:
                outcome.completion = event.at
            }
        }
        if let pause = openPause {
            if let completion = outcome.completion {
                exclusions.append((pause.from, completion.date, pause.reason))
            } else {
                outcome.pausedSince = pause.from
                // Projected as if the period resumed the day after `asOf`; without asOf no due date.
                guard let asOf else { return outcome }
                exclusions.append((pause.from, max(pause.from, asOf.date.adding(days: 1)), pause.reason))
            }
        }
        for exclusion in exclusions where exclusion.from < exclusion.until {
            let last = exclusion.until.adding(days: -1)
            note(.pause, "暂停（\(exclusion.reason)）：\(exclusion.from.chinese)至\(last.chinese)共\(exclusion.from.days(until: exclusion.until))天不计入期限\(openPause != nil && exclusion.from == openPause!.from && outcome.completion == nil ? "（尚未恢复，按次日恢复推算）" : "")。")
        }

        if rule.period.unit == .hours {
            var minutes = rule.period.count * 60
            for event in extensions {
                if let period = event.period, period.unit == .hours {
                    minutes += period.count * 60
                    note(.extended, "延长\(period.chinese)：\(event.at.date.chinese)经\(event.approver ?? "")批准，理由：\(event.reason)。")
                }
            }
            let dueAt = start.adding(minutes: minutes)
            outcome.dueAt = dueAt
            outcome.due = dueAt.date
            note(.result, "届满时间：\(dueAt.chinese)。")
            return finish(outcome, pausedProjection: false)
        }

        var end = count(rule.period, after: start.date, exclusions: exclusions)
        var lastUnit = rule.period.unit
        // Months counted so far from the start, while every period has been in months: a month
        // extension then counts the total from the original start (民法典第二百零二条), so 01-31 plus
        // three and three months ends on 07-31, not on 07-30 by way of 04-30.
        var monthsFromStart: Int? = rule.period.unit == .months ? rule.period.count : nil
        for event in extensions {
            guard let period = event.period else { continue }
            if period.unit == .months, let months = monthsFromStart {
                let total = months + period.count
                note(.extended, "延长\(period.chinese)：\(event.at.date.chinese)经\(event.approver ?? "")批准，理由：\(event.reason)；按月计算的期间自起算日起合计\(total)个月（民法典第二百零二条）。")
                end = count(.months(total), after: start.date, exclusions: exclusions)
                monthsFromStart = total
            } else {
                note(.extended, "延长\(period.chinese)：\(event.at.date.chinese)经\(event.approver ?? "")批准，理由：\(event.reason)；自原期间最后一日\(end.chinese)的次日起继续计算。")
                end = count(period, after: end, exclusions: exclusions)
                monthsFromStart = nil
            }
            lastUnit = period.unit
        }
        var due = end
        if lastUnit != .workdays {
            let kind = calendar.kind(of: end)
            switch kind {
            case .workday:
                break
            case .makeupWorkday:
                note(.adjust, "期间最后一日\(end.chineseWithWeekday)是\(kind.label)，为工作日，不顺延。")
            case .weekend, .holiday:
                due = calendar.nextWorkday(after: end)
                note(.adjust, "期间最后一日\(end.chineseWithWeekday)为\(kind.label)（法定休假日），依民事诉讼法第八十五条，以休假日后的第一个工作日\(due.chineseWithWeekday)为届满日。")
                recordCoverage(end, through: due)
            }
        }
        outcome.due = due
        for year in uncoveredYears.sorted() {
            note(.notice, "注意：\(year)年的节假日安排尚未录入，该年暂按周一至周五为工作日推算；录入后将自动重新计算。")
        }
        note(.result, "届满日：\(due.chineseWithWeekday)。")
        return finish(outcome, pausedProjection: outcome.pausedSince != nil)
    }

    private func finish(_ outcome: Outcome, pausedProjection: Bool) -> Outcome {
        var outcome = outcome
        if pausedProjection {
            outcome.projectedDue = outcome.due
        }
        return outcome
    }

    private mutating func recordCoverage(_ from: CivilDate, through to: CivilDate) {
        guard explaining else { return }
        var day = from
        while day <= to {
            if !calendar.covers(day) { uncoveredYears.insert(day.year) }
            day = day.adding(days: 1)
        }
    }

    @inline(__always) private func excluded(_ day: CivilDate, _ exclusions: [Exclusion]) -> Bool {
        for exclusion in exclusions where exclusion.from <= day && day < exclusion.until { return true }
        return false
    }

    /// The last day of `period` counted after `from`, skipping excluded days (and, for working
    /// days, rest days). No rest-day adjustment here.
    mutating func count(_ period: Period, after from: CivilDate, exclusions: [Exclusion]) -> CivilDate {
        switch period.unit {
        case .days, .months:
            let length: Int
            if period.unit == .months {
                let target = from.adding(months: period.count)
                length = from.days(until: target)
                note(.counted, "\(from.chinese)加\(period.count)个月为\(target.chinese)\(from.components.day != target.components.day ? "（该月无对应日，以月末为准，民法典第二百零二条）" : "")，即\(length)日。")
            } else {
                length = period.count
            }
            if exclusions.isEmpty {
                let end = from.adding(days: length)
                if period.unit == .days { note(.counted, "自\(from.adding(days: 1).chinese)起算\(length)日，最后一日为\(end.chineseWithWeekday)。") }
                recordCoverage(from, through: end)
                return end
            }
            var day = from, counted = 0, skipped = 0
            while counted < length {
                day = day.adding(days: 1)
                if excluded(day, exclusions) { skipped += 1 } else { counted += 1 }
            }
            note(.counted, "自\(from.adding(days: 1).chinese)起算\(length)日（另有暂停的\(skipped)天不计入），最后一日为\(day.chineseWithWeekday)。")
            recordCoverage(from, through: day)
            return day
        case .workdays:
            var day = from, counted = 0
            if !explaining {
                if exclusions.isEmpty {
                    while counted < period.count {
                        day = day.adding(days: 1)
                        if calendar.isWorkday(day) { counted += 1 }
                    }
                } else {
                    while counted < period.count {
                        day = day.adding(days: 1)
                        if calendar.isWorkday(day) && !excluded(day, exclusions) { counted += 1 }
                    }
                }
                return day
            }
            var run: (from: CivilDate, to: CivilDate, label: String)?
            var runs: [String] = []
            func flush(_ run: inout (from: CivilDate, to: CivilDate, label: String)?, into runs: inout [String]) {
                guard let current = run else { return }
                let days = current.from.days(until: current.to) + 1
                runs.append(days == 1
                    ? "跳过\(current.from.chineseWithWeekday)（\(current.label)）"
                    : "跳过\(current.from.chinese)至\(current.to.chinese)（\(current.label)，\(days)天）")
                run = nil
            }
            while counted < period.count {
                day = day.adding(days: 1)
                if !calendar.covers(day) { uncoveredYears.insert(day.year) }
                let label: String?
                if excluded(day, exclusions) {
                    label = "暂停期间"
                } else {
                    let kind = calendar.kind(of: day)
                    switch kind {
                    case .weekend, .holiday: label = kind.label
                    case .makeupWorkday:
                        flush(&run, into: &runs)
                        runs.append("计入\(day.chineseWithWeekday)（\(kind.label)，为工作日）")
                        label = nil
                    case .workday: label = nil
                    }
                }
                if let label {
                    if let current = run, current.label == label, current.to.adding(days: 1) == day {
                        run = (current.from, day, label)
                    } else {
                        flush(&run, into: &runs)
                        run = (day, day, label)
                    }
                } else {
                    flush(&run, into: &runs)
                    counted += 1
                }
            }
            flush(&run, into: &runs)
            for line in runs { note(.skip, line + "。") }
            note(.counted, "自\(from.adding(days: 1).chinese)起数\(period.count)个工作日，第\(period.count)个工作日为\(day.chineseWithWeekday)。")
            return day
        case .hours:
            return from.adding(days: (period.count + 23) / 24)
        case .date:
            // Never counted: `run` answers a fixed date before counting anything.
            return period.fixedDate ?? from
        }
    }
}
