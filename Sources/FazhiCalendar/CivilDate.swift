/// A day on the civil (Gregorian) calendar as observed in China, stored as the number of days
/// since 1970-01-01. No time zone is involved: a statutory period is counted in whole local days.
/// Conversions use Howard Hinnant's `days_from_civil` algorithm, so a lookup never allocates.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let dayNumber: Int32

    @inlinable public init(dayNumber: Int32) { self.dayNumber = dayNumber }

    /// Nil when the components do not name a real day (2025-02-29, month 13 …).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= CivilDate.daysInMonth(year: year, month: month) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.dayNumber = Int32(era * 146_097 + doe - 719_468)
    }

    /// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day).
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(dayNumber) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public var year: Int { components.year }

    /// ISO weekday: 1 = Monday … 7 = Sunday. 1970-01-01 was a Thursday.
    @inlinable public var weekday: Int {
        let offset = (Int(dayNumber) + 3) % 7
        return (offset < 0 ? offset + 7 : offset) + 1
    }

    @inlinable public var isWeekend: Bool { weekday >= 6 }

    @inlinable public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + Int32(days)) }

    @inlinable public func days(until other: CivilDate) -> Int { Int(other.dayNumber - dayNumber) }

    /// The same day number `months` later; a day the target month lacks becomes its last day
    /// (01-31 plus one month is 02-28, or 02-29 in a leap year).
    public func adding(months: Int) -> CivilDate {
        let (year, month, day) = components
        let total = year * 12 + (month - 1) + months
        let targetYear = total / 12, targetMonth = total % 12 + 1
        let clamped = min(day, CivilDate.daysInMonth(year: targetYear, month: targetMonth))
        return CivilDate(year: targetYear, month: targetMonth, day: clamped)!
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    /// `2025-09-28`
    public var description: String {
        let (y, m, d) = components
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }

    /// `2025年9月28日`
    public var chinese: String {
        let (y, m, d) = components
        return "\(y)年\(m)月\(d)日"
    }

    public static let weekdayNames = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]

    /// `2025年9月28日（星期日）`
    public var chineseWithWeekday: String { "\(chinese)（\(CivilDate.weekdayNames[weekday - 1])）" }
}

/// A local (Beijing time) minute, for periods counted in hours (两法衔接's 24 hours).
public struct CivilDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var date: CivilDate
    /// Minutes after midnight, 0..<1440.
    public var minuteOfDay: Int

    public init(date: CivilDate, minuteOfDay: Int = 0) {
        precondition((0..<1440).contains(minuteOfDay), "minuteOfDay out of range")
        self.date = date
        self.minuteOfDay = minuteOfDay
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD HH:MM`.
    public init?(_ text: some StringProtocol) {
        let string = String(text)
        if let date = CivilDate(string) {
            self.init(date: date)
            return
        }
        let bytes = Array(string.utf8)
        guard bytes.count == 16, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"),
              let date = CivilDate(string.prefix(10)),
              let hour = Int(string.dropFirst(11).prefix(2)), let minute = Int(string.suffix(2)),
              (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        self.init(date: date, minuteOfDay: hour * 60 + minute)
    }

    public var absoluteMinute: Int { Int(date.dayNumber) * 1440 + minuteOfDay }

    public init(absoluteMinute: Int) {
        let day = absoluteMinute >= 0 ? absoluteMinute / 1440 : (absoluteMinute - 1439) / 1440
        self.init(date: CivilDate(dayNumber: Int32(day)), minuteOfDay: absoluteMinute - day * 1440)
    }

    public func adding(minutes: Int) -> CivilDateTime { CivilDateTime(absoluteMinute: absoluteMinute + minutes) }

    public static func < (lhs: CivilDateTime, rhs: CivilDateTime) -> Bool { lhs.absoluteMinute < rhs.absoluteMinute }

    public var timeText: String {
        let h = minuteOfDay / 60, m = minuteOfDay % 60
        return "\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m)"
    }

    /// `2025-09-28 14:05`
    public var description: String { "\(date) \(timeText)" }

    public var chinese: String { "\(date.chineseWithWeekday)\(timeText)" }
}

extension CivilDateTime: Codable {
    /// Encoded as `YYYY-MM-DDTHH:MM`; decodes a bare date as its midnight.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = CivilDateTime(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "“\(text)”不是有效时间（应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM）")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode("\(date)T\(timeText)")
    }
}

import Foundation

extension CivilDateTime {
    /// Beijing time is UTC+8 all year (no daylight saving since 1991).
    public static let beijingOffsetSeconds = 8 * 3600

    /// The Beijing-time minute of an instant.
    public init(_ instant: Date) {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + CivilDateTime.beijingOffsetSeconds
        self.init(absoluteMinute: seconds >= 0 ? seconds / 60 : (seconds - 59) / 60)
    }

    /// The instant this Beijing-time minute begins.
    public var instant: Date { Date(timeIntervalSince1970: TimeInterval(absoluteMinute * 60 - CivilDateTime.beijingOffsetSeconds)) }
}
