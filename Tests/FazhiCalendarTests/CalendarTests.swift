import FazhiCalendar
import Foundation
import Testing

func day(_ text: String) -> CivilDate { CivilDate(text)! }
let official = try! WorkCalendar.bundled()

@Suite struct CivilDateTests {
    @Test("day numbers round-trip for every day from 1900 to 2100, and weekdays advance by one")
    func roundTrip() {
        var date = CivilDate(year: 1900, month: 1, day: 1)!
        var weekday = date.weekday
        #expect(weekday == 1)  // 1900-01-01 was a Monday
        while date.year <= 2100 {
            let (y, m, d) = date.components
            #expect(CivilDate(year: y, month: m, day: d) == date)
            #expect(CivilDate(date.description) == date)
            date = date.adding(days: 1)
            weekday = weekday % 7 + 1
            #expect(date.weekday == weekday)
        }
    }

    @Test("impossible dates and malformed text are refused", arguments: ["2025-02-29", "2024-13-01", "2025-9-28", "20250928", "2025-04-31", "abcd-ef-gh"])
    func refused(_ text: String) {
        #expect(CivilDate(text) == nil)
    }

    @Test("adding months clamps to the end of a shorter month")
    func months() {
        #expect(day("2025-01-31").adding(months: 1) == day("2025-02-28"))
        #expect(day("2024-01-31").adding(months: 1) == day("2024-02-29"))
        #expect(day("2025-11-30").adding(months: 3) == day("2026-02-28"))
        #expect(day("2025-10-15").adding(months: 14) == day("2026-12-15"))
    }
}

@Suite struct CalendarDataTests {
    @Test("the bundled data covers 2019–2026 and names its notice for each year")
    func bundled() {
        #expect(official.coveredYears == 2019...2026)
        for year in 2019...2026 {
            #expect(official.years[year]?.source.contains("\(year)年") == true)
            #expect(official.years[year]?.problems() == [])
        }
    }

    @Test("2025's 调休 working days are the five of 国办发明电〔2024〕12号, and each is a working day")
    func makeupDays2025() {
        let makeup = official.years[2025]!.workdays.map(\.date.description)
        #expect(makeup == ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"])
        for text in makeup { #expect(official.isWorkday(day(text))) }
        #expect(official.kind(of: day("2025-10-03")) == .holiday(name: "国庆节、中秋节"))
        #expect(!official.isWorkday(day("2025-10-08")))
        #expect(official.isWorkday(day("2025-10-09")))
    }

    @Test("malformed years are refused with every problem named: overlap, 调休 inside a holiday, date outside the year")
    func malformed() throws {
        let json = """
        {"format":"fazhi-calendar/1","years":[{"year":2027,"source":"测试通知",
         "holidays":[{"name":"春节","start":"2027-02-05","end":"2027-02-11"},{"name":"元宵","start":"2027-02-10","end":"2027-02-12"},
                     {"name":"元旦","start":"2026-12-31","end":"2027-01-01"}],
         "workdays":[{"date":"2027-02-07","note":"春节调休上班"},{"date":"2028-01-01","note":"错年"}]}]}
        """
        let error = #expect(throws: CalendarDataError.self) { try CalendarFile.parse(Data(json.utf8)) }
        let text = error?.description ?? ""
        #expect(text.contains("“春节”（2027-02-05至2027-02-11）与“元宵”（2027-02-10至2027-02-12）重叠"), "\(text)")
        #expect(text.contains("2027年调休上班日 2027-02-07：落在假期“春节”"), "\(text)")
        #expect(text.contains("日期不在2027年内"), "\(text)")
        #expect(text.contains("2028-01-01：日期不在2027年内"), "\(text)")
    }

    @Test("a bad date string names the field that holds it")
    func badDate() {
        let json = #"{"format":"fazhi-calendar/1","years":[{"year":2027,"source":"x","holidays":[{"name":"春节","start":"2027-02-30","end":"2027-02-11"}],"workdays":[]}]}"#
        let error = #expect(throws: CalendarDataError.self) { try CalendarFile.parse(Data(json.utf8)) }
        #expect(error?.description.contains("years→第1项→holidays→第1项→start") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("2027-02-30") == true)
    }

    @Test("the file round-trips through its encoding")
    func roundTrip() throws {
        let again = try CalendarFile.parse(official.file.encoded())
        #expect(again.years == official.file.years)
    }

    @Test("a year without data falls back to Monday–Friday and says it is not covered")
    func uncovered() {
        #expect(!official.covers(day("2027-10-01")))
        #expect(official.isWorkday(day("2027-10-01")))  // a Friday: no data, so counted as a working day
        #expect(!official.isWorkday(day("2027-10-02")))
        #expect(official.covers(day("2026-10-01")))
    }
}

/// The check against the Python package `chinesecalendar`. `swift test` skips it with a message when
/// the package is missing; `.ci/run` installs it and sets FAZHI_REQUIRE_CALENDAR_ORACLE=1, which turns
/// the skip into a failure.
@Suite struct OracleTests {
    static let script = """
    import datetime, chinese_calendar
    d = datetime.date(2019, 1, 1)
    out = []
    while d <= datetime.date(2026, 12, 31):
        out.append('1' if chinese_calendar.is_workday(d) else '0')
        d += datetime.timedelta(days=1)
    print(''.join(out))
    """

    static func oracle() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let required = ProcessInfo.processInfo.environment["FAZHI_REQUIRE_CALENDAR_ORACLE"] == "1"
    static let answer = oracle()

    @Test("with chinesecalendar absent the oracle check is skipped (CI requires it)",
          .enabled(if: answer == nil, "chinesecalendar is installed; the oracle check below runs"))
    func absent() {
        #expect(!OracleTests.required, "FAZHI_REQUIRE_CALENDAR_ORACLE=1 but python3 -c 'import chinese_calendar' failed: run pip install chinesecalendar")
        print("跳过：未安装 Python 包 chinesecalendar（pip install chinesecalendar），2019–2026 逐日核对未运行；CI 会安装并运行。")
    }

    @Test("every day 2019-01-01 … 2026-12-31: is-a-working-day agrees with chinesecalendar",
          .enabled(if: answer != nil, "Python package chinesecalendar not installed (pip install chinesecalendar); CI runs this check"))
    func agrees() throws {
        let answer = try #require(OracleTests.answer)
        let first = day("2019-01-01")
        let expected = Array(answer.utf8)
        #expect(expected.count == first.days(until: day("2026-12-31")) + 1)
        var disagreements: [String] = []
        for (offset, flag) in expected.enumerated() {
            let date = first.adding(days: offset)
            if official.isWorkday(date) != (flag == UInt8(ascii: "1")) { disagreements.append(date.description) }
        }
        #expect(disagreements.isEmpty, "disagree on: \(disagreements.prefix(20))")
    }
}
