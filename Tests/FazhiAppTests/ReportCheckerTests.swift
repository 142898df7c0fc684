import FazhiApp
import FazhiCore
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

    @Test("tables: a row against its stated total and a row of shares against the counts above, Markdown or tab-separated")
    func tables() {
        let text = """
        2024年行政复议案件办理情况如下。
        | 项目 | 维持 | 撤销 | 确认违法 | 合计 |
        |---|---|---|---|---|
        | 件数 | 60 | 25 | 15 | 100 |
        | 占比 | 60% | 25% | 15% | 100% |
        | 上年件数 | 50 | 20 | 10 | 90 |
        | 上年占比 | 55.56% | 22.22% | 12.22% | 100% |
        执法案件统计：
        单位	处罚	许可	合计
        市场监管局	120	80	210
        """
        let result = ReportChecker.check(text)
        let breakdowns = result.claims.filter { $0.kind == .breakdown }
        #expect(breakdowns.count == 3)
        #expect(breakdowns.first { $0.text.hasPrefix("件数") }?.verdict == .consistent)
        // 50 + 20 + 10 = 80, not the stated 90; 120 + 80 = 200, not 210.
        #expect(breakdowns.first { $0.text.hasPrefix("上年件数") }?.verdict == .inconsistent)
        #expect(breakdowns.first { $0.text.hasPrefix("市场监管局") }?.difference == "-10")
        let shares = result.claims.filter { $0.kind == .rate && $0.note == "表格" }
        #expect(shares.filter { $0.text.hasPrefix("占比") }.allSatisfy { $0.verdict == .consistent } && shares.filter { $0.text.hasPrefix("占比") }.count == 3)
        // 50 ÷ 90 = 55.56% and 20 ÷ 90 = 22.22% are right; 10 ÷ 90 = 11.11%, not 12.22%.
        #expect(shares.first { $0.text.hasPrefix("上年占比·确认违法") }?.verdict == .inconsistent)
        #expect(shares.filter { $0.text.hasPrefix("上年占比") && $0.verdict == .consistent }.count == 2)
    }

    @Test("an approximate rate is checked within its last place: 约21.5% fits 29 ÷ 135, 约19.2% does not")
    func approximateRates() {
        let fits = ReportChecker.check("共收到行政复议申请135件，受理29件，受案率约21.5%。")
        #expect(fits.claims.first { $0.text.contains("约21.5%") }?.verdict == .consistent)
        let wrong = ReportChecker.check("共收到行政复议申请135件，受理29件，受案率约19.2%。")
        let claim = wrong.claims.first { $0.text.contains("约19.2%") }
        #expect(claim?.verdict == .inconsistent && claim?.computation?.contains("29") == true && claim?.computation?.contains("135") == true)
        // One-sided words stay unchecked.
        #expect(ReportChecker.check("共收到行政复议申请135件，受理29件，受案率超20%。").claims.first { $0.text.contains("超20%") }?.verdict == .uncheckable)
    }

    @Test("numbers of another year, or the whole restated, are never added as parts of this year's whole")
    func noCrossYearSums() {
        let result = ReportChecker.check("2023年共办理行政复议案件151件，其中2022年结转66件，2021年结转10件，本年新收135件。全年办结151件，其中维持100件，撤销51件。")
        #expect(result.inconsistent == 0)
        #expect(result.claims.contains { $0.kind == .breakdown && $0.verdict == .consistent && $0.computation == "100 + 51 = 151件" })
    }

    @Test("a hostile text (tens of thousands of numbers, a megabyte without separators) is read within bounds and says so")
    func boundedReading() {
        let many = String(repeating: "1件", count: 60_000)
        let result = ReportChecker.check(many)
        #expect(result.limited != nil)
        #expect(result.claims.count <= ReportChecker.Limits().quantitiesPerParagraph)
        let long = String(repeating: "甲", count: 400_000) + "受理22件，共收到申请29件，受案率75.86%。"
        #expect(ReportChecker.check(long).limited?.contains("只核对了前300000字") == true)
        var small = ReportChecker.Limits()
        small.quantities = 3
        #expect(ReportChecker.check("受理1件。\n受理2件。\n受理3件。\n受理4件。", limits: small).limited?.contains("数字超过3个") == true)
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

    @Test("the public checker is rate-limited per address: past the limit a minute, 429 with a message, and the next minute it answers again")
    func publicRateLimit() async throws {
        var config = TestApp.configuration()
        config.publicChecksPerMinute = 3
        try await TestApp.run(seeded: false, config: config) { t in
            let browser = TestApp.Browser()
            _ = try await t.request(browser, .GET, "/gongshi/check-report")
            for _ in 1...3 {
                #expect(try await t.request(browser, .POST, "/gongshi/check-report", form: ["text": "受理22件，共收到申请29件，受案率75.86%。"]).status == .ok)
            }
            let limited = try await t.request(browser, .POST, "/gongshi/check-report", form: ["text": "受理22件。"])
            #expect(limited.status == .tooManyRequests && limited.body.string.contains("每分钟最多3次"))
            t.time.advance(by: 61)
            #expect(try await t.request(browser, .POST, "/gongshi/check-report", form: ["text": "受理22件。"]).status == .ok)
        }
    }
}

/// The checker's text reader against generated texts (fixed seeds): it stays within its limits on
/// hostile input, and on generated rate statements its verdict is the arithmetic's.
@Suite struct ReportCheckerFuzzTests {
    static let pieces = ["受理", "收到", "申请", "办结", "审结", "败诉", "纠错", "件", "人次", "%", "％", "，", "。", "；", "\n", "|", "\t", "约", "同比增长",
                         "同比下降", "上年", "0", "7", "12", "99999999999999999999999", "0.0", "13.96", "-", "——", "１２", "（", "）", "受案率", "败诉率", " "]

    @Test("1,000 generated texts, some past the limits: the claims never exceed the bound, a cut text says so, every verdict has its computation or its reason")
    func hostileTexts() {
        var random = SeededRandom(seed: 11_26)
        var limits = ReportChecker.Limits()
        limits.characters = 4_000
        limits.quantities = 300
        var cut = 0
        for round in 0..<1_000 {
            let count = round % 10 == 0 ? 3_000 : Int.random(in: 0...200, using: &random)
            let text = (0..<count).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
            let result = ReportChecker.check(text, limits: limits)
            #expect(result.claims.count <= limits.quantities * 2, "round \(round)")
            if text.count > limits.characters {
                cut += 1
                #expect(result.limited?.contains("只核对了前4000字") == true)
            } else {
                #expect(result.limited == nil || result.limited?.isEmpty == false)
            }
            for claim in result.claims where claim.verdict != .uncheckable {
                #expect(claim.computation?.isEmpty == false, "round \(round): \(claim.text)")
            }
        }
        #expect(cut >= 50)
    }

    @Test("300 generated 受案率 statements: the true rate (rounded) is consistent, a rate off by a whole point is inconsistent")
    func rateStatements() {
        var random = SeededRandom(seed: 2_019)
        for _ in 0..<300 {
            let received = Int.random(in: 1...5_000, using: &random)
            let accepted = Int.random(in: 0...received, using: &random)
            let exact = Decimal(accepted) * 100 / Decimal(received)
            var rounded = Decimal()
            var value = exact
            NSDecimalRound(&rounded, &value, 2, .plain)
            let right = NSDecimalNumber(decimal: rounded).doubleValue
            let wrong = right >= 1 ? right - 1 : right + 1
            func statement(_ rate: Double) -> String {
                "全年共收到行政复议申请\(received)件，受理\(accepted)件，受案率\(String(format: "%.2f", rate))%。"
            }
            let good = ReportChecker.check(statement(right)).claims.first { $0.text.contains("受案率") }
            #expect(good?.verdict == .consistent, "\(statement(right))")
            let bad = ReportChecker.check(statement(wrong)).claims.first { $0.text.contains("受案率") }
            #expect(bad?.verdict == .inconsistent, "\(statement(wrong))")
        }
    }
}
