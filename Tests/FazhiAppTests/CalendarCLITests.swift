import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Foundation
import Testing

/// `fazhi calendar due`, through the function the command prints.
@Suite struct CalendarCLITests {
    let calendar = try! WorkCalendar.bundled()
    let now = CivilDateTime("2025-11-20T09:00")!

    func due(_ start: String, _ rule: String, suspend: String? = nil, extend: String? = nil, explain: Bool = false, json: Bool = false) throws -> String {
        try DueCalculation.run(start: start, rule: rule, suspend: suspend, extend: extend, basis: "政府信息公开条例第三十三条", asOf: nil,
                               explain: explain, json: json, calendar: calendar, now: now, warnWithin: 3)
    }

    @Test("政府信息公开条例第三十三条: --start 2025-09-26 --rule workdays:20 prints 2025-10-30 on the first line")
    func plain() throws {
        #expect(try due("2025-09-26", "workdays:20") == "2025-10-30")
    }

    @Test("政府信息公开条例第三十二条 and 第三十三条第二款: --suspend 2025-10-10..2025-10-14 --extend workdays:20 gives 2025-12-03, explained step by step")
    func suspendedAndExtended() throws {
        let output = try due("2025-09-26", "workdays:20", suspend: "2025-10-10..2025-10-14", extend: "workdays:20", explain: true)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first == "2025-12-03")
        #expect(lines.contains("暂停（命令行 --suspend 指定）：2025年10月10日至2025年10月14日共5天不计入期限。"))
        #expect(lines.contains("跳过2025年10月1日至2025年10月8日（国庆节、中秋节假期，8天）。"))
        #expect(lines.contains { $0.hasPrefix("延长20个工作日") })
        #expect(lines.contains("届满日：2025年12月3日（星期三）。"))
        #expect(lines.contains("状态：计时中，截至2025年11月20日尚余9个工作日。"))
    }

    @Test("民法典第二百零二条: months:3 extended by months:3 from 2025-01-31 ends on 2025-07-31, counted from the start, not 07-30 by way of 04-30")
    func chainedMonths() throws {
        let output = try due("2025-01-31", "months:3", extend: "months:3", explain: true)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first == "2025-07-31")
        #expect(lines.contains { $0.contains("合计6个月（民法典第二百零二条）") })
        // Three months alone end on 04-30 (no 31st in April): the month-end rule, with its article.
        #expect(try due("2025-01-31", "months:3") == "2025-04-30")
        // A day extension after months still continues from the end of the months.
        #expect(try due("2025-01-31", "months:3", extend: "days:10") == "2025-05-12")
    }

    @Test("民事诉讼法第八十五条: days:60 from 2025-08-02 in JSON names the due date and every step")
    func json() throws {
        let output = try due("2025-08-02", "days:60", json: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(object["due"] as? String == "2025-10-09")
        #expect(object["rule"] as? String == "days:60")
        let steps = try #require(object["steps"] as? [[String: String]])
        #expect(steps.contains { $0["kind"] == "adjust" && $0["text"]!.contains("民事诉讼法第八十五条") })
    }

    @Test("bad arguments are refused with a message naming the option", arguments: [
        ("2025-02-30", "days:5", nil, "--start"), ("2025-09-26", "weeks:2", nil, "--rule"), ("2025-09-26", "days:0", nil, "--rule"),
        ("2025-09-26", "days:5", "2025-10-14..2025-10-10", "--suspend"), ("2025-09-26", "days:5", "2025-09-01..2025-09-02", "--suspend"),
    ] as [(String, String, String?, String)])
    func refused(_ start: String, _ rule: String, _ suspend: String?, _ option: String) {
        let error = #expect(throws: CommandFailure.self) { try due(start, rule, suspend: suspend) }
        #expect(error?.description.hasPrefix(option) == true, "\(error?.description ?? "")")
    }
}
