import FazhiApp
import Foundation
import Reports
import Testing
import VaporTesting

@Suite struct ReportCheckerTests {
    /// The three published reports of `../shared/reports`, kept with the tests so CI has them.
    static func report(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Fixtures__/reports/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func claim(_ result: ReportChecker.Result, _ text: String) -> ReportChecker.Claim? {
        result.claims.first { $0.text.contains(text) && $0.kind != .count }
    }

    @Test("江汉区 2019: 受案率 22 ÷ 29, the breakdown of 29, both YoY changes and the six shares on one catalogue of 354 are consistent; nothing is called wrong")
    func jianghan() throws {
        let result = ReportChecker.check(try Self.report("jianghan-2019.txt"))
        #expect(result.inconsistent == 0)
        let rate = try #require(Self.claim(result, "受案率75.86%"))
        #expect(rate.verdict == .consistent && rate.computation?.contains("22") == true && rate.computation?.contains("÷ 29") == true)
        let breakdown = try #require(result.claims.first { $0.kind == .breakdown })
        #expect(breakdown.verdict == .consistent && breakdown.computation == "22 + 4 + 1 + 1 + 1 = 29件")
        let changes = result.claims.filter { $0.kind == .change }
        #expect(changes.count == 2 && changes.allSatisfy { $0.verdict == .consistent })
        #expect(changes.contains { $0.computation?.contains("10 ÷ 39") == true } && changes.contains { $0.computation?.contains("89 ÷ 122") == true })
        let shares = result.claims.filter { $0.kind == .share }
        #expect(shares.count == 6 && shares.allSatisfy { $0.verdict == .consistent && $0.computation?.contains("隐含基数：354") == true })
        #expect(try #require(Self.claim(result, "提高到55.08%")).computation?.hasPrefix("195 ÷ 354 = 55.08%") == true)
        #expect(try #require(Self.claim(result, "出庭应诉率达92.3%")).verdict == .uncheckable)
    }

    @Test("新吴区 2023: 调解和解率 13.96% cannot come from 20 ÷ 143 (13.99%); 直接纠错率 14.68% is 21 ÷ 143 truncated; nothing else is called wrong")
    func xinwu() throws {
        let result = ReportChecker.check(try Self.report("xinwu-2023.txt"))
        #expect(result.inconsistent == 1)
        let wrong = try #require(Self.claim(result, "调解和解率13.96%"))
        #expect(wrong.verdict == .inconsistent && wrong.computation?.contains("20") == true && wrong.computation?.contains("13.99%") == true)
        #expect(wrong.difference == "-0.03 个百分点")
        let right = try #require(Self.claim(result, "直接纠错率14.68%"))
        #expect(right.verdict == .consistent && right.computation?.contains("截断") == true)
        #expect(try #require(Self.claim(result, "调解成功率超99%")).verdict == .uncheckable)
    }

    @Test("房县 2023: no inconsistency in a report with no derivable arithmetic")
    func fangxian() throws {
        let result = ReportChecker.check(try Self.report("fangxian-2023.txt"))
        #expect(result.inconsistent == 0 && result.claims.count > 40)
    }

    @Test("made-up errors are caught: parts above their whole, a wrong YoY, an impossible share; full-width digits are read; approximations are left alone")
    func synthetic() {
        let text = """
        2024年共受理投诉50件，其中办结30件，转办25件。
        共收到申请40件，较2023年增加10件，同比增长30%。
        甲类事项由5项增加到6项，占比从33.34%提高到40%。
        受理２２件，共收到申请２９件，受案率７５．８６％。
        全年开展学法20余次，调解成功率超99%。
        """
        let result = ReportChecker.check(text)
        let parts = result.claims.first { $0.kind == .breakdown }
        #expect(parts?.verdict == .inconsistent && parts?.difference == "5件")
        let change = result.claims.first { $0.kind == .change }
        #expect(change?.verdict == .inconsistent && change?.computation?.contains("10 ÷ 30") == true)
        let shares = result.claims.filter { $0.kind == .share }
        #expect(shares.first { $0.text.contains("33.34%") && !$0.text.contains("40%") }?.verdict == .inconsistent)
        #expect(result.claims.first { $0.text.contains("受案率") }?.verdict == .consistent)
        #expect(result.claims.first { $0.text.contains("20余次") }?.note == "约数")
        #expect(result.claims.first { $0.text.contains("超99%") }?.verdict == .uncheckable)
        // JSON carries the same findings with the counts.
        let json = try! JSONEncoder().encode(result)
        let object = try! JSONSerialization.jsonObject(with: json) as! [String: Any]
        #expect(object["inconsistent"] as? Int == result.inconsistent && (object["claims"] as? [Any])?.count == result.claims.count)
        #expect(try! JSONDecoder().decode(ReportChecker.Result.self, from: json) == result)
    }

    @Test("the public page checks a pasted report and shows the inconsistency first")
    func publicPage() async throws {
        try await TestApp.run(seeded: false) { t in
            let browser = TestApp.Browser()
            #expect(try await t.request(browser, .GET, "/gongshi/check-report").status == .ok)
            let empty = try await t.request(browser, .POST, "/gongshi/check-report", form: ["text": "  "])
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains("报告全文"))
            let response = try await t.request(browser, .POST, "/gongshi/check-report", form: ["text": try Self.report("xinwu-2023.txt")])
            let body = response.body.string
            #expect(response.status == .ok && body.contains("不一致1处"))
            let first = try #require(body.range(of: "调解和解率13.96%")), consistent = try #require(body.range(of: "直接纠错率14.68%"))
            #expect(first.lowerBound < consistent.lowerBound)
        }
    }
}
