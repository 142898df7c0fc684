import Foundation

/// A run of statutory holidays (放假) from one State Council notice, both ends inclusive.
public struct HolidayRange: Codable, Hashable, Sendable {
    public var name: String
    public var start: CivilDate
    public var end: CivilDate

    public init(name: String, start: CivilDate, end: CivilDate) {
        self.name = name
        self.start = start
        self.end = end
    }

    public func contains(_ date: CivilDate) -> Bool { start <= date && date <= end }

    enum CodingKeys: String, CodingKey { case name, start, end }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        start = try c.decode(CivilDate.self, forKey: .start)
        end = try c.decode(CivilDate.self, forKey: .end)
    }
}

/// A weekend day the notice makes a working day (调休上班).
public struct MakeupWorkday: Codable, Hashable, Sendable {
    public var date: CivilDate
    /// Which holiday it makes up for ("国庆节调休上班").
    public var note: String

    public init(date: CivilDate, note: String) {
        self.date = date
        self.note = note
    }
}

/// One year of the official calendar: the holiday ranges and 调休 working days that fall in it,
/// and the notice they come from. A range that spans new year (2023-12-30 … 2024-01-01) is split
/// between the two years, so that every date of a year's record lies in that year.
public struct CalendarYear: Codable, Hashable, Sendable {
    public var year: Int
    /// The notice, e.g. "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）".
    public var source: String
    public var holidays: [HolidayRange]
    public var workdays: [MakeupWorkday]

    public init(year: Int, source: String, holidays: [HolidayRange], workdays: [MakeupWorkday]) {
        self.year = year
        self.source = source
        self.holidays = holidays
        self.workdays = workdays
    }

    /// Every rule a year's data must keep, each broken one named in Chinese with the date at fault.
    /// An empty list means the year may be installed.
    public func problems() -> [String] {
        var problems: [String] = []
        if !(1949...2200).contains(year) { problems.append("年度 \(year) 不在 1949–2200 之间") }
        if source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append("\(year)年：缺少来源（发布通知的名称和文号）")
        }
        for holiday in holidays {
            let label = "\(year)年假期“\(holiday.name)”（\(holiday.start)至\(holiday.end)）"
            if holiday.name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                problems.append("\(year)年 \(holiday.start) 起的假期缺少名称")
            }
            if holiday.end < holiday.start { problems.append("\(label)：结束日早于开始日") }
            if holiday.start.year != year || holiday.end.year != year {
                problems.append("\(label)：日期不在\(year)年内（跨年的假期请拆分到各自年度）")
            }
            if holiday.start.days(until: holiday.end) > 15 {
                problems.append("\(label)：超过16天，疑为录入错误")
            }
        }
        let sorted = holidays.sorted { $0.start < $1.start }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where next.start <= previous.end {
            problems.append("\(year)年假期“\(previous.name)”（\(previous.start)至\(previous.end)）与“\(next.name)”（\(next.start)至\(next.end)）重叠")
        }
        var seen = Set<CivilDate>()
        for workday in workdays {
            let label = "\(year)年调休上班日 \(workday.date)"
            if workday.date.year != year { problems.append("\(label)：日期不在\(year)年内") }
            if !seen.insert(workday.date).inserted { problems.append("\(label)：重复列出") }
            if let holiday = holidays.first(where: { $0.contains(workday.date) }) {
                problems.append("\(label)：落在假期“\(holiday.name)”（\(holiday.start)至\(holiday.end)）之内")
            }
            if !workday.date.isWeekend {
                problems.append("\(label)：是\(CivilDate.weekdayNames[workday.date.weekday - 1])，本就是工作日，调休上班日应为周六或周日")
            }
        }
        return problems
    }
}

extension CivilDate: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "“\(text)”不是有效日期（应为 YYYY-MM-DD）")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The file format of the bundled data, of `fazhi calendar import` and of the web upload:
/// `{"format": "fazhi-calendar/1", "years": [ {year, source, holidays: [{name,start,end}], workdays: [{date,note}]} ]}`.
public struct CalendarFile: Codable, Sendable {
    public static let formatName = "fazhi-calendar/1"
    public var format: String
    public var years: [CalendarYear]

    public init(years: [CalendarYear]) {
        self.format = CalendarFile.formatName
        self.years = years
    }

    /// Decodes and validates; every problem of every year is reported at once, in Chinese.
    public static func parse(_ data: Data) throws(CalendarDataError) -> CalendarFile {
        let file: CalendarFile
        do {
            file = try JSONDecoder().decode(CalendarFile.self, from: data)
        } catch let error as DecodingError {
            throw CalendarDataError(problems: [describe(error)])
        } catch {
            throw CalendarDataError(problems: ["日历文件不是有效的 JSON：\(error)"])
        }
        var problems: [String] = []
        if file.format != formatName { problems.append("format 应为“\(formatName)”，文件写的是“\(file.format)”") }
        if file.years.isEmpty { problems.append("years 为空：文件里没有任何年度") }
        var years = Set<Int>()
        for year in file.years {
            if !years.insert(year.year).inserted { problems.append("\(year.year)年在文件中出现了两次") }
            problems += year.problems()
        }
        if !problems.isEmpty { throw CalendarDataError(problems: problems) }
        return file
    }

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let parts = context.codingPath.map { $0.intValue.map { "第\($0 + 1)项" } ?? $0.stringValue }
            return parts.isEmpty ? "文件" : parts.joined(separator: "→")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context))：缺少字段 \(key.stringValue)"
        case .typeMismatch(_, let context): return "\(path(context))：类型不对（\(context.debugDescription)）"
        case .valueNotFound(_, let context): return "\(path(context))：值为空"
        case .dataCorrupted(let context): return "\(path(context))：\(context.debugDescription)"
        @unknown default: return "日历文件无法解析"
        }
    }
}

public struct CalendarDataError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { "日历数据有误：\n" + problems.map { "· \($0)" }.joined(separator: "\n") }
}
