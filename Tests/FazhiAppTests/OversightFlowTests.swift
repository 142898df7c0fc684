import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Oversight
import Testing
import VaporTesting

/// 法治督察 (issue 19): a finding's rectification deadline warns on the inspected unit's dashboard;
/// the unit reports with evidence, the inspector closes it (销号); others cannot.
@Suite struct OversightFlowTests {
    @Test("a finding in the market bureau: its deadline on the bureau's dashboard, the report, 销号 by the inspector; another town cannot see it")
    func rectification() async throws {
        try await TestApp.run { t in
            let (inspector, _) = try await t.login("supervisor")
            #expect(try await t.request(inspector, .POST, "/oversight", form: ["title": "2026年一季度法治督察", "kind": "special", "startedOn": "2026-02-01",
                                                                             "unitCode": "SFX-SFJ"]).status == .seeOther)
            let inspection = try #require(try await Inspection.query(on: t.db).filter(\.$title == "2026年一季度法治督察").first())
            let (officer, _) = try await t.login("officer.scjg")
            func dueSoon() async throws -> Int {
                let page = try await t.request(officer, .GET, "/").body.string
                return Int(try #require(page.firstMatch(of: #/临期 (\d+) 项/#)).output.1) ?? -1
            }
            let soonBefore = try await dueSoon()
            #expect(try await t.request(inspector, .POST, "/oversight/\(inspection.id!)/findings", form: ["unitCode": "SFX-SCJG", "category": "enforcement",
                                                                                                         "description": "行政处罚决定未在七日内公示", "foundOn": "2026-02-03"]).status == .seeOther)
            let finding = try #require(try await InspectionFinding.query(on: t.db).filter(\.$problem == "行政处罚决定未在七日内公示").first())
            // 2026-02-03 + 30 days = 2026-03-05.
            #expect(finding.dueOn == "2026-03-05")
            // The bureau's dashboard counts one more item due soon; its deadline list names it with its date.
            #expect(try await dueSoon() == soonBefore + 1)
            let deadlines = try await t.request(officer, .GET, "/deadlines").body.string
            #expect(deadlines.contains("督察整改：行政处罚决定未在七日内公示") && deadlines.contains("2026-03-05"))
            func step(_ browser: TestApp.Browser, _ values: [String: String]) async throws -> TestingHTTPResponse {
                try await t.request(browser, .POST, "/oversight/findings/\(finding.id!)/steps", form: values)
            }
            let thin = try await step(officer, ["step": "submit", "on": "2026-03-02", "text": "已整改"])
            #expect(thin.status == .unprocessableEntity && thin.body.string.contains("佐证"))
            #expect(try await step(officer, ["step": "close", "on": "2026-03-02"]).status == .unprocessableEntity)
            #expect(try await step(officer, ["step": "submit", "on": "2026-03-02", "text": "已建立公示台账，补充公示决定12件，附公示截图"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: OversightClocks.rectify.key, record: finding.clockRecord, on: t.db) == nil)
            #expect(try await step(inspector, ["step": "close", "on": "2026-03-02"]).status == .seeOther)
            #expect(try await InspectionFinding.find(finding.id!, on: t.db)?.status == FindingStatus.closed.rawValue)
            let (leader, _) = try await t.login("leader")
            #expect(try await step(leader, ["step": "talk", "on": "2026-03-02", "text": "约谈"]).status == .forbidden)
            let (town, _) = try await t.login("staff.dl")
            #expect(try await t.request(town, .GET, "/oversight/findings/\(finding.id!)").status == .forbidden)
            #expect(try await t.auditCount("oversight.submit") >= 1)
            // 复查: the problem is back; the 销号 is undone and a new period runs on the bureau's list again.
            let rebound = try await step(inspector, ["step": "recheck-rebound", "on": "2026-03-02", "text": "抽查发现新作出的处罚决定仍未公示", "days": "20"])
            #expect(rebound.status == .seeOther)
            let reopened = try #require(try await InspectionFinding.find(finding.id!, on: t.db))
            #expect(reopened.status == FindingStatus.open.rawValue && reopened.rebounds == 1 && reopened.closedOn == nil && reopened.recheckedOn == "2026-03-02")
            #expect(try await ClockService.openClock(kind: OversightClocks.rectify.key, record: finding.clockRecord, on: t.db) != nil)
            #expect(try await t.request(officer, .GET, "/deadlines").body.string.contains("复查反弹"))
            #expect(try await step(officer, ["step": "recheck-held", "on": "2026-03-02", "text": "x"]).status == .unprocessableEntity)
        }
    }

    @Test("the heads' inspections and 复查 are counted: the demo's yearly inspections were led by the county head; this year two closed findings were re-checked, one found back")
    func headLedAndRechecks() async throws {
        try await TestApp.run { t in
            let root = try await t.unit(DemoCounty.rootCode)
            func value(_ key: String, _ year: Int) async throws -> MetricValue {
                try await #require(t.services.metrics.definition(key)).compute(MetricScope(year: year, unitPath: root.path, unitName: root.name), t.db)
            }
            for year in [2024, 2025] {
                let led = try await Inspection.query(on: t.db).filter(\.$year == year).filter(\.$leader != nil).count()
                let counted = try await value("oversight.head-led-inspections", year)
                #expect(led == 1 && counted == .count(led))
            }
            let rechecked = try await value("oversight.rechecked", 2026), rebounded = try await value("oversight.rebounded", 2026)
            #expect(rechecked == .count(2) && rebounded == .count(1))
            let back = try #require(try await InspectionFinding.query(on: t.db).filter(\.$rebounds > 0).first())
            #expect(back.status == FindingStatus.open.rawValue && back.dueOn > "2026-03-02")
            // A finding found back is not rectified on time, whatever its first report.
            let (inspector, _) = try await t.login("supervisor")
            let page = try await t.request(inspector, .GET, "/oversight/findings/\(back.id!)").body.string
            #expect(page.contains("问题反弹1次") && page.contains("撤销销号"))
        }
    }
}

/// A past year's 督察问题整改台账 from a spreadsheet (issue 19): all or nothing, the rules replayed.
@Suite struct FindingImportTests {
    @Test("a ledger: a 销号 without a report refuses the file by row and column; corrected, the inspection is made once and its findings carried to 销号")
    func ledger() async throws {
        try await TestApp.run { t in
            let importer = FindingImporter()
            let bureau = try await t.principal("supervisor")
            let header = importer.columns.map(\.header)
            func row(_ problem: String, submitted: String, closed: String) -> [String] {
                ["2024年法治政府建设督察", "年度督察", "2024-04-01", "SFX-SFJ", "SFX-ZJ", "行政规范性文件", problem, "2024-04-10", "",
                 submitted, submitted.isEmpty ? "" : "已完成整改并附整改报告和文件清单", closed]
            }
            let refused = try await importer.run(try DecisionAndLegalImportTests.table(header, [row("甲问题", submitted: "2024-05-01", closed: "2024-05-10"),
                                                                                                row("乙问题", submitted: "", closed: "2024-05-10")]),
                                                 by: bureau, services: t.services, on: t.db)
            #expect(refused.rowsWritten == 0 && refused.errors.map(\.row) == [3] && refused.errors.first?.column == "销号日期")
            #expect(try await Inspection.query(on: t.db).filter(\.$title == "2024年法治政府建设督察").count() == 0)
            let done = try await importer.run(try DecisionAndLegalImportTests.table(header, [row("甲问题", submitted: "2024-05-01", closed: "2024-05-10"),
                                                                                             row("乙问题", submitted: "2024-05-20", closed: "2024-05-25")]),
                                              by: bureau, services: t.services, on: t.db)
            #expect(done.succeeded && done.rowsWritten == 2)
            let inspection = try #require(try await Inspection.query(on: t.db).filter(\.$title == "2024年法治政府建设督察").first())
            let findings = try await InspectionFinding.query(on: t.db).filter(\.$inspectionID == inspection.id!).all()
            #expect(findings.count == 2 && findings.allSatisfy { $0.status == FindingStatus.closed.rawValue })
        }
    }
}
