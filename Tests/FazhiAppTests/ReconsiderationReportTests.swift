import FazhiApp
import FazhiCalendar
import FazhiCore
import Foundation
import Litigation
import Reconsideration
import Testing

/// Ledgers that reproduce published report figures, built by code with a fixed seed and brought in
/// through the import path (CSV → TableReader → CaseImporter); `fazhi metrics` must then print the
/// report's numbers.
@Suite struct ReconsiderationReportTests {
    static let header = CaseImporter().columns.map(\.header)

    /// One ledger row. `intake` is the 审查结果 label; `outcome` a 结案方式 label.
    struct LedgerRow {
        var number: String
        var received: String
        var intake: String = "受理"
        var intakeOn: String?
        var reason: String = ""
        var procedure: String = "普通程序"
        var outcome: String = ""
        var outcomeOn: String = ""
        var selfCorrected: String = ""
    }

    static func csv(_ rows: [LedgerRow], seed: UInt64) -> Data {
        var random = SeededRandom(seed: seed)
        var lines = [header.joined(separator: ",")]
        for (index, row) in rows.enumerated() {
            let digits = String(format: "%03d", Int(random.next() % 1000))
            let id = ResidentID.completing("99999919800101" + digits)!
            let cells: [String: String] = [
                "案号": row.number, "收到申请日期": row.received, "申请方式": "邮寄", "申请人类型": "自然人", "申请人": "申请人\(index)",
                "证件号码": id, "被申请人单位编码": ["SFX-SCJG", "SFX-ZHZF", "SFX-CG"][index % 3], "被申请行为类别": "行政处罚",
                "执法领域": "市场监管", "行政复议请求": "撤销处罚决定", "审查结果": row.intake, "审查日期": row.intake == "审查中" ? "" : (row.intakeOn ?? row.received),
                "审查理由": row.reason, "程序": row.intake == "受理" ? row.procedure : "", "结案方式": row.outcome, "结案日期": row.outcomeOn,
                "被申请人自行纠正": row.selfCorrected,
                // What the replay through the rules needs: the 补正 notice before 视为撤回 (第三十一条),
                // the summary procedure's ground (第五十三条), the copy before a decision (第四十八条).
                "通知补正日期": row.intake == "视为撤回" ? row.received : "",
                "简易程序情形": row.intake == "受理" && row.procedure == "简易程序" ? "当事人各方同意适用简易程序" : "",
                "发送副本日期": row.intake == "受理" && !row.outcome.isEmpty ? CivilDate(row.intakeOn ?? row.received)!.adding(days: 2).description : "",
            ]
            lines.append(header.map { cells[$0] ?? "" }.joined(separator: ","))
        }
        return Data(lines.joined(separator: "\n").utf8)
    }

    static func importLedger(_ rows: [LedgerRow], seed: UInt64, into t: TestApp) async throws {
        let table = try TableReader.read(csv(rows, seed: seed), filename: "台账.csv")
        let report = try await CaseImporter().run(table, by: .system(), services: t.services, on: t.db)
        #expect(report.errors.isEmpty, "import errors: \(report.errors.prefix(5))")
        #expect(report.rowsWritten == rows.count)
    }

    static func date(_ year: Int, _ index: Int) -> String {
        CivilDate(year: year, month: 1, day: 5)!.adding(days: index * 2 % 300).description
    }

    @Test("江汉区 2019: 29 applications (22 accepted, 4 refused, 1 referred, 1 deemed withdrawn, 1 suspended), 受案率 75.86%, 同比下降 25.6% against 39; 33 lawsuits, 同比下降 73% against 122; 出庭应诉率 92.3%")
    func jianghan2019() async throws {
        var config = TestApp.configuration()
        // The report prints the year-over-year change of a count to one decimal.
        config.metricRounding = ["reconsideration.received": .halfUp(places: 1), "litigation.cases": .halfUp(places: 0),
                                 "litigation.head-appearance-rate": .halfUp(places: 1)]
        try await TestApp.run(seeded: true, config: config) { t in
            var rows: [LedgerRow] = (0..<39).map { LedgerRow(number: "（2018）复字第\($0 + 1)号", received: Self.date(2018, $0), intakeOn: Self.date(2018, $0),
                                                              outcome: "维持", outcomeOn: CivilDate(Self.date(2018, $0))!.adding(days: 40).description) }
            for index in 0..<29 {
                var row = LedgerRow(number: "（2019）复字第\(index + 1)号", received: Self.date(2019, index))
                switch index {
                case 0..<22: row.intakeOn = CivilDate(row.received)!.adding(days: 3).description
                case 22..<26: row.intake = "不予受理"; row.reason = "超过法定申请期限"
                case 26: row.intake = "告知"; row.reason = "示范市人民政府"
                case 27: row.intake = "视为撤回"; row.intakeOn = CivilDate(row.received)!.adding(days: 20).description
                default: row.intake = "中止"; row.reason = "因民事诉讼中止审理"
                }
                rows.append(row)
            }
            try await Self.importLedger(rows, seed: 2019, into: t)
            // 122 lawsuits against the district government in 2018, 33 in 2019; 13 sessions in 2019, the head at 12.
            let header = LawsuitImporter().columns.map(\.header)
            var lines = [header.joined(separator: ",")]
            for index in 0..<155 {
                let year = index < 122 ? 2018 : 2019
                let filed = CivilDate(year: year, month: 1, day: 3)!.adding(days: index % 120 * 2)
                var cells = ["法院": "江汉区人民法院", "案号": "（\(year)）鄂0103行初\(index + 1)号", "立案日期": filed.description,
                             "被告单位编码": "SFX-GOV", "原告": "原告\(index)", "案由": "房屋征收"]
                let session = index - 122
                if (0..<13).contains(session) {
                    cells["开庭日期"] = filed.adding(days: 40).description
                    cells["负责人是否出庭"] = session == 12 ? "否" : "是"
                    cells["出庭负责人"] = session == 12 ? "" : "副区长某"
                    cells["职务"] = session == 12 ? "" : "副区长"
                    cells["代为出庭人员"] = session == 12 ? "区司法局工作人员" : ""
                }
                lines.append(header.map { cells[$0] ?? "" }.joined(separator: ","))
            }
            let lawsuits = try TableReader.read(Data(lines.joined(separator: "\n").utf8), filename: "应诉台账.csv")
            let lawsuitReport = try await LawsuitImporter().run(lawsuits, by: .system(), services: t.services, on: t.db)
            #expect(lawsuitReport.errors.isEmpty && lawsuitReport.rowsWritten == 155, "\(lawsuitReport.errors.prefix(3))")
            let results = try await t.services.metrics.evaluateAll(scope: MetricScope(year: 2019, unitPath: nil, unitName: "全县（区）"), on: t.db)
            let printed = MetricsText.lines(year: 2019, unitName: "全县（区）", results: results)
            #expect(printed.contains("reconsideration.received\t收到行政复议申请\t29件\t同比-25.6%"), "\(printed.filter { $0.hasPrefix("reconsideration") })")
            #expect(printed.contains { $0.hasPrefix("reconsideration.accepted\t受理\t22件") })
            #expect(printed.contains { $0.hasPrefix("reconsideration.refused\t不予受理\t4件") })
            #expect(printed.contains { $0.hasPrefix("reconsideration.referred\t告知向有权机关申请\t1件") })
            #expect(printed.contains { $0.hasPrefix("reconsideration.deemed-withdrawn\t逾期未补正视为撤回\t1件") })
            #expect(printed.contains { $0.hasPrefix("reconsideration.suspended-in-intake\t受理前中止\t1件") })
            #expect(printed.contains("reconsideration.acceptance-rate\t受案率\t75.86%\t(22 ÷ 29)"), "\(printed.filter { $0.contains("acceptance") })")
            // The demo county's own lawsuits are of 2025–2026; 2019's are the 33 imported.
            #expect(printed.contains("litigation.cases\t行政诉讼案件（新收）\t33件\t同比-73%"), "\(printed.filter { $0.hasPrefix("litigation") })")
            #expect(printed.contains("litigation.head-appearance-rate\t行政机关负责人出庭应诉率\t92.3%\t(12 ÷ 13)"))
        }
    }

    @Test("新吴区 2023: 220 received, 164 accepted, 143 concluded; 调解和解率 20 ÷ 143 and 直接纠错率 21 ÷ 143 under each rounding rule")
    func xinwu2023() async throws {
        try await TestApp.run(seeded: true) { t in
            var rows: [LedgerRow] = []
            // 143 concluded: 21 direct corrections, 20 mediated or settled, 102 otherwise.
            var outcomes: [String] = Array(repeating: "撤销", count: 10) + Array(repeating: "变更", count: 6) + Array(repeating: "确认违法", count: 3)
                + Array(repeating: "责令履行", count: 2) + Array(repeating: "调解（制作调解书）", count: 12) + Array(repeating: "和解后撤回申请", count: 8)
                + Array(repeating: "维持", count: 70) + Array(repeating: "驳回复议请求", count: 20) + Array(repeating: "驳回复议申请", count: 5)
                + Array(repeating: "撤回申请", count: 7)
            var random = SeededRandom(seed: 2023)
            outcomes.sort { _, _ in random.next() % 2 == 0 }
            for index in 0..<220 {
                var row = LedgerRow(number: "（2023）复字第\(index + 1)号", received: Self.date(2023, index % 150))
                let received = CivilDate(row.received)!
                if index < 164 {
                    row.intakeOn = received.adding(days: 4).description
                    row.procedure = index % 4 == 0 ? "简易程序" : "普通程序"
                    if index < 143 {
                        row.outcome = outcomes[index]
                        row.outcomeOn = received.adding(days: 20 + index % 30).description
                    }
                } else if index < 194 {
                    row.intake = "不予受理"; row.reason = "不属于行政复议范围"
                } else if index < 204 {
                    row.intake = "告知"; row.reason = "示范市人民政府"
                } else {
                    row.intake = "视为撤回"; row.intakeOn = received.adding(days: 20).description
                }
                rows.append(row)
            }
            try await Self.importLedger(rows, seed: 2023, into: t)
            let scope = MetricScope(year: 2023, unitPath: nil, unitName: "全县（区）")
            let printed = MetricsText.lines(year: 2023, unitName: "全县（区）", results: try await t.services.metrics.evaluateAll(scope: scope, on: t.db))
            #expect(printed.contains { $0.hasPrefix("reconsideration.received\t收到行政复议申请\t220件") })
            #expect(printed.contains { $0.hasPrefix("reconsideration.accepted\t受理\t164件") })
            #expect(printed.contains { $0.hasPrefix("reconsideration.concluded\t办结\t143件") })

            // What the platform computes under each rule. The report prints 直接纠错率 14.68% (= 21 ÷ 143
            // truncated) and 调解和解率 13.96%, which no rounding of 20 ÷ 143 = 13.986…% gives.
            var registry = t.services.metrics
            let mediation = try #require(registry.definition("reconsideration.mediation-settlement-rate"))
            let direct = try #require(registry.definition("reconsideration.direct-correction-rate"))
            let halfUpMediation = try await registry.evaluate(mediation, scope: scope, on: t.db)
            let halfUpDirect = try await registry.evaluate(direct, scope: scope, on: t.db)
            #expect(halfUpMediation.value == "13.99" && halfUpMediation.numerator == 20 && halfUpMediation.denominator == 143)
            #expect(halfUpDirect.value == "14.69" && halfUpDirect.numerator == 21 && halfUpDirect.denominator == 143)
            registry.roundingOverrides = [mediation.key: .truncate(places: 2), direct.key: .truncate(places: 2)]
            #expect(try await registry.evaluate(mediation, scope: scope, on: t.db).value == "13.98")
            #expect(try await registry.evaluate(direct, scope: scope, on: t.db).value == "14.68")
        }
    }
}

extension ReconsiderationReportTests {
    @Test("按期办结率 of imported cases: 60 days (普通程序) and 30 days (简易程序) from acceptance, a refused application outside both counts; the late cases are the records")
    func onTimeRateOfImportedCases() async throws {
        try await TestApp.run { t in
            func row(_ number: Int, procedure: String = "普通程序", days: Int?) -> LedgerRow {
                var row = LedgerRow(number: "（2023）复字第\(number)号", received: "2023-03-01", intakeOn: "2023-03-03", procedure: procedure)
                if let days { row.outcome = "维持"; row.outcomeOn = CivilDate("2023-03-03")!.adding(days: days).description }
                return row
            }
            var refused = LedgerRow(number: "（2023）复字第6号", received: "2023-03-01", intakeOn: "2023-03-03")
            refused.intake = "不予受理"; refused.reason = "超过申请期限"
            try await Self.importLedger([row(1, days: 40), row(2, days: 80), row(3, procedure: "简易程序", days: 25),
                                         row(4, procedure: "简易程序", days: 40), row(5, days: nil), refused], seed: 7, into: t)
            let scope = MetricScope(year: 2023, unitPath: nil, unitName: "全县（区）")
            let onTime = try #require(t.services.metrics.definition("reconsideration.on-time-rate"))
            let result = try await t.services.metrics.evaluate(onTime, scope: scope, on: t.db)
            #expect(result.numerator == 2 && result.denominator == 4 && result.value == "50.00")
            let late = try await onTime.records.first(scope, on: t.db).map(\.title)
            #expect(late == ["（2023）复字第2号", "（2023）复字第4号"])
        }
    }
}

@Suite struct ReconsiderationExchangeTests {
    @Test("the exported ledger imports into another installation and gives the same figures; the breakdowns add up")
    func exportImportRoundTrip() async throws {
        var exported = Data()
        var figures: [String: String?] = [:]
        let keys = ["reconsideration.received", "reconsideration.accepted", "reconsideration.concluded", "reconsideration.direct-correction-rate",
                    "reconsideration.mediation-settlement-rate", "reconsideration.on-time-rate", "reconsideration.pending-year-end"]
        try await TestApp.run { t in
            var rows: [ReconsiderationReportTests.LedgerRow] = []
            let outcomes = ["撤销", "维持", "调解（制作调解书）", "驳回复议请求", "变更"]
            for index in 0..<25 {
                var row = ReconsiderationReportTests.LedgerRow(number: "（2021）复字第\(index + 1)号", received: ReconsiderationReportTests.date(2021, index * 5))
                let received = CivilDate(row.received)!
                if index % 6 == 5 { row.intake = "不予受理"; row.reason = "超过申请期限" } else {
                    row.intakeOn = received.adding(days: 2).description
                    if index % 4 != 3 { row.outcome = outcomes[index % 5]; row.outcomeOn = received.adding(days: 30 + index * 3).description }
                }
                rows.append(row)
            }
            try await ReconsiderationReportTests.importLedger(rows, seed: 2021, into: t)
            let scope = MetricScope(year: 2021, unitPath: nil, unitName: "全县（区）")
            for key in keys { figures[key] = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition(key)), scope: scope, on: t.db).value }
            let (officer, _) = try await t.login("supervisor")
            let response = try await t.request(officer, .GET, "/reconsideration/export.csv?year=2021")
            #expect(response.status == .ok)
            exported = Data(buffer: response.body)
            #expect(String(decoding: exported, as: UTF8.self).contains("申请人3"))  // decrypted for the exchange
            let breakdown = try await t.request(officer, .GET, "/reconsideration/statistics?year=2021")
            #expect(breakdown.status == .ok)
            #expect(breakdown.body.string.contains("按被申请人") && breakdown.body.string.contains("示范县市场监督管理局"))
        }
        try await TestApp.run { t in
            let table = try TableReader.read(exported, filename: "export.csv")
            let report = try await CaseImporter().run(table, by: .system(), services: t.services, on: t.db)
            #expect(report.errors.isEmpty, "\(report.errors.prefix(3))")
            #expect(report.rowsWritten == 25)
            let scope = MetricScope(year: 2021, unitPath: nil, unitName: "全县（区）")
            for key in keys {
                let value = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition(key)), scope: scope, on: t.db).value
                #expect(value == figures[key], "\(key): \(value ?? "nil") vs \(figures[key] ?? nil ?? "nil")")
            }
        }
    }
}
