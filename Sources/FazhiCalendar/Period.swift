/// How a statutory period is counted.
public enum PeriodUnit: String, Codable, Sendable, CaseIterable {
    /// 日: calendar days. 民事诉讼法 第八十五条: the start day is not counted; a period whose last
    /// day is a rest day ends on the first working day after it. Applied to 行政复议 by 行政复议法
    /// 第八十八条, and to 行政诉讼 by 行政诉讼法 第一百零一条 and 行诉解释 (2018) 第四十八条.
    case days
    /// 工作日: counted from the day after the start, working days only. 行政复议法 第八十八条
    /// (三日、五日、七日、十日), 行政处罚法 第八十五条, 行政强制法 第六十九条, 行政许可法 第八十二条,
    /// 政府信息公开条例 第三十三条.
    case workdays
    /// 月: the same day number n months later (the month's last day if it has no such day: 民法典
    /// 第二百零二条), then the rest-day rule of 民事诉讼法 第八十五条.
    case months
    /// 小时: from the moment of the event, weekends and holidays included (两法衔接's 24 hours).
    case hours
    /// 日期: a deadline fixed as a calendar date by the instrument that sets it, not a length of
    /// time — 法治政府建设与责任落实督察工作规定's "每年3月1日前报送" / "4月1日前公开", or the date a
    /// drafting office gives a department for its part of a report. `count` is the date's day number
    /// (days since 1970-01-01). Nothing is counted and the date never moves for a rest day: the rule
    /// of 民事诉讼法 第八十五条 is for 期间 (periods), and these are 期日 (fixed dates). ⚠️ interpretation.
    case date

    public var label: String {
        switch self {
        case .days: return "日"
        case .workdays: return "个工作日"
        case .months: return "个月"
        case .hours: return "小时"
        case .date: return "日期"
        }
    }

    /// The counting method's own legal basis, shown in every explanation.
    public var basis: String {
        switch self {
        case .days:
            return "民事诉讼法第八十五条（期间开始的日不计算在期间内；期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期），行政复议法第八十八条、行政诉讼法第一百零一条和最高人民法院关于适用《中华人民共和国行政诉讼法》的解释第四十八条适用"
        case .months:
            return "按月计算的，到期月的对应日为期间的最后一日，没有对应日的，月末日为期间的最后一日（民法典第二百零二条）；期间开始的日不计算在期间内，最后一日是法定休假日的顺延至其后第一日（民事诉讼法第八十五条）"
        case .workdays:
            return "工作日不含法定节假日（行政复议法第八十八条、行政处罚法第八十五条、行政强制法第六十九条、行政许可法第八十二条、政府信息公开条例）；自起算日次日起计算"
        case .hours:
            return "按小时计算，自事件发生时起连续计算，不因节假日顺延"
        case .date:
            return "截止日期为确定的日期（期日），不计算期间，也不因节假日顺延；民事诉讼法第八十五条的顺延规则只适用于期间"
        }
    }
}

/// A length of time: `workdays:20`, `days:60`, `months:3`, `hours:24`.
public struct Period: Hashable, Codable, Sendable, CustomStringConvertible {
    public var unit: PeriodUnit
    public var count: Int

    public init(_ unit: PeriodUnit, _ count: Int) {
        self.unit = unit
        self.count = count
    }

    public static func days(_ n: Int) -> Period { Period(.days, n) }
    public static func workdays(_ n: Int) -> Period { Period(.workdays, n) }
    public static func months(_ n: Int) -> Period { Period(.months, n) }
    public static func hours(_ n: Int) -> Period { Period(.hours, n) }
    /// A fixed date (`date:2026-03-01`).
    public static func on(_ day: CivilDate) -> Period { Period(.date, Int(day.dayNumber)) }
    /// The fixed date of a `.date` period; nil for the other units.
    /// Nil for the other units, and for `date:0`, the placeholder of a clock kind whose date each
    /// clock is given when it is opened.
    public var fixedDate: CivilDate? { unit == .date && count > 0 ? CivilDate(dayNumber: Int32(truncatingIfNeeded: count)) : nil }

    /// Parses `unit:N`; the message names the rule when it is not one.
    public static func parse(_ text: String) throws(PeriodParseError) -> Period {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let unit = PeriodUnit(rawValue: String(parts[0]).lowercased()) else {
            throw PeriodParseError(text: text, message: "期限规则“\(text)”格式不对：应为 days:N、workdays:N、months:N、hours:N 或 date:YYYY-MM-DD")
        }
        if unit == .date {
            guard let day = CivilDate(parts[1]) else {
                throw PeriodParseError(text: text, message: "期限规则“\(text)”中的日期应为有效日期（YYYY-MM-DD）")
            }
            return .on(day)
        }
        guard let count = Int(parts[1]), (1...3660).contains(count) else {
            throw PeriodParseError(text: text, message: "期限规则“\(text)”中的数字应为 1 到 3660 之间的整数")
        }
        return Period(unit, count)
    }

    /// `workdays:20`, `date:2026-03-01`
    public var description: String {
        if let day = fixedDate { return "date:\(day)" }
        return "\(unit.rawValue):\(count)"
    }

    /// `20个工作日`, `2026年3月1日前`
    public var chinese: String {
        if let day = fixedDate { return "\(day.chinese)前" }
        if unit == .date { return "按确定的日期" }
        return "\(count)\(unit.label)"
    }
}

public struct PeriodParseError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var message: String
    public var description: String { message }
}
