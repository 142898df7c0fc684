import Foundation

/// What kind of day a date is for counting a period.
public enum DayKind: Hashable, Sendable {
    /// Monday to Friday outside any holiday range.
    case workday
    /// Saturday or Sunday with no notice making it a working day (职工工作时间规定 第七条).
    case weekend
    /// A statutory holiday range from the year's notice (全国年节及纪念日放假办法).
    case holiday(name: String)
    /// A weekend day the notice makes a working day (调休上班).
    case makeupWorkday(note: String)

    public var isWorkday: Bool {
        switch self {
        case .workday, .makeupWorkday: return true
        case .weekend, .holiday: return false
        }
    }

    public var label: String {
        switch self {
        case .workday: return "工作日"
        case .weekend: return "周末"
        case .holiday(let name): return "\(name)假期"
        case .makeupWorkday(let note): return note.isEmpty ? "调休上班日" : note
        }
    }
}

/// The working-day calendar: weekends, plus each covered year's holiday ranges and 调休 working days.
///
/// Engine rule (docs/law.md §0, derived from the yearly notices and the statutes' "不含法定节假日"):
/// a working day is Monday–Friday outside an official holiday range, plus every official 调休
/// working day. A year without data falls back to Monday–Friday, and `covers(_:)` says so, so an
/// explanation can warn that the year's notice has not been installed.
///
/// Lookups index one flat array built once, so `isWorkday` and `kind` never allocate.
public struct WorkCalendar: Sendable {
    public let years: [Int: CalendarYear]
    /// Version number of the stored calendar this was built from (0 for the bundled data).
    public let version: Int
    private let firstDay: Int32
    private let flags: ContiguousArray<UInt16>
    private let names: [String]

    private static let workdayFlag: UInt16 = 0, weekendFlag: UInt16 = 1, holidayFlag: UInt16 = 2, makeupFlag: UInt16 = 3
    private static let coveredBit: UInt16 = 4

    public init(years: [CalendarYear], version: Int = 0) {
        var byYear: [Int: CalendarYear] = [:]
        for year in years { byYear[year.year] = year }
        self.years = byYear
        self.version = version
        guard let minYear = byYear.keys.min(), let maxYear = byYear.keys.max() else {
            firstDay = 0
            flags = []
            names = []
            return
        }
        let first = CivilDate(year: minYear, month: 1, day: 1)!
        let last = CivilDate(year: maxYear, month: 12, day: 31)!
        var table = ContiguousArray<UInt16>(repeating: 0, count: first.days(until: last) + 1)
        var names: [String] = []
        func nameIndex(_ name: String) -> UInt16 {
            if let index = names.firstIndex(of: name) { return UInt16(index) }
            names.append(name)
            return UInt16(names.count - 1)
        }
        for index in table.indices {
            let date = first.adding(days: index)
            let covered = byYear[date.components.year] != nil
            table[index] = (date.isWeekend ? WorkCalendar.weekendFlag : WorkCalendar.workdayFlag) | (covered ? WorkCalendar.coveredBit : 0)
        }
        for year in byYear.values {
            for holiday in year.holidays {
                let name = nameIndex(holiday.name) << 8
                var date = holiday.start
                while date <= holiday.end {
                    let index = first.days(until: date)
                    if table.indices.contains(index) { table[index] = WorkCalendar.holidayFlag | WorkCalendar.coveredBit | name }
                    date = date.adding(days: 1)
                }
            }
            for workday in year.workdays {
                let index = first.days(until: workday.date)
                if table.indices.contains(index) {
                    table[index] = WorkCalendar.makeupFlag | WorkCalendar.coveredBit | (nameIndex(workday.note) << 8)
                }
            }
        }
        self.firstDay = first.dayNumber
        self.flags = table
        self.names = names
    }

    /// The first and last covered year, if any.
    public var coveredYears: ClosedRange<Int>? {
        guard let min = years.keys.min(), let max = years.keys.max() else { return nil }
        return min...max
    }

    public func isWorkday(_ date: CivilDate) -> Bool {
        let raw = rawFlag(date)
        return raw.map { ($0 & 3) == 0 || ($0 & 3) == 3 } ?? !date.isWeekend
    }

    /// Whether the date's year has official data; outside it the Monday–Friday rule is a guess.
    public func covers(_ date: CivilDate) -> Bool {
        guard let raw = rawFlag(date) else { return false }
        return raw & WorkCalendar.coveredBit != 0
    }

    public func kind(of date: CivilDate) -> DayKind {
        guard let raw = rawFlag(date) else { return date.isWeekend ? .weekend : .workday }
        switch raw & 3 {
        case WorkCalendar.holidayFlag: return .holiday(name: names[Int(raw >> 8)])
        case WorkCalendar.makeupFlag: return .makeupWorkday(note: names[Int(raw >> 8)])
        case WorkCalendar.weekendFlag: return .weekend
        default: return .workday
        }
    }

    /// The first working day strictly after `date`.
    public func nextWorkday(after date: CivilDate) -> CivilDate {
        var day = date.adding(days: 1)
        while !isWorkday(day) { day = day.adding(days: 1) }
        return day
    }

    /// The `count`-th working day after `date` (the 1st is `nextWorkday(after:)`).
    public func workday(_ count: Int, after date: CivilDate) -> CivilDate {
        var day = date
        for _ in 0..<max(count, 0) { day = nextWorkday(after: day) }
        return day
    }

    /// Working days in (from, to], i.e. counted the way a working-day period is.
    public func workdays(after from: CivilDate, through to: CivilDate) -> Int {
        guard from < to else { return 0 }
        var count = 0
        var day = from.adding(days: 1)
        while day <= to {
            if isWorkday(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }

    func rawFlag(_ date: CivilDate) -> UInt16? {
        let index = Int(date.dayNumber - firstDay)
        guard index >= 0, index < flags.count else { return nil }
        return flags[index]
    }

    /// A copy with one year added or replaced.
    public func replacing(_ year: CalendarYear, version: Int) -> WorkCalendar {
        var all = years
        all[year.year] = year
        return WorkCalendar(years: all.values.sorted { $0.year < $1.year }, version: version)
    }

    public var file: CalendarFile { CalendarFile(years: years.values.sorted { $0.year < $1.year }) }

    /// The official data for 2019–2026 that ships with Fazhi (Resources/official-calendar.json).
    /// Looked up by hand rather than through `Bundle.module`, whose accessor stops the process when
    /// the resource directory is missing (say, a binary copied without it); here that is an error
    /// with a message instead.
    public static func bundled() throws -> WorkCalendar {
        let file = "official-calendar.json"
        let bundleNames = ["fazhi_FazhiCalendar.resources", "fazhi_FazhiCalendar.bundle/Contents/Resources", "fazhi_FazhiCalendar.bundle"]
        var directories: [URL] = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() { directories.append(executable) }
        var candidates = directories.flatMap { directory in bundleNames.map { directory.appendingPathComponent($0).appendingPathComponent(file) } }
        // A development checkout: the source file itself.
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources").appendingPathComponent(file))
        guard let url = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0.path) }) else {
            throw CalendarDataError(problems: ["找不到随程序发布的日历数据 \(file)：请把构建目录中的 fazhi_FazhiCalendar.resources 目录与 fazhi 可执行文件放在一起"])
        }
        let data = try Data(contentsOf: url)
        return WorkCalendar(years: try CalendarFile.parse(data).years)
    }
}
