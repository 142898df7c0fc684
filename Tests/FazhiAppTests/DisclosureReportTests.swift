import Disclosure
import FazhiApp
import FazhiCore
import Fluent
import Foundation
import Reports
import Testing
import VaporTesting
import ZIPFoundation

/// The statutory 政府信息公开工作年度报告 (条例第五十条) from records: the demo's published report for
/// last year balances and every cell opens its records (issue 18).
@Suite struct DisclosureReportTests {
    @Test("the demo's 2025 disclosure report: Table 三 balances in every column (新收 + 上年结转 = 办理结果总计 + 结转下年度), its rows add up across the columns, Table 四's groups add up, and each cell's records are as many as the cell says")
    func demoReportBalances() async throws {
        try await TestApp.run { t in
            let stored = try #require(try await AnnualReport.query(on: t.db).filter(\.$year == 2025).filter(\.$kind == ReportKind.disclosure.rawValue).first())
            #expect(stored.reportStatus == .published && stored.frozen != nil && stored.publishBy == "2026-03-31")
            let report = try await ReportService.render(year: 2025, unitCode: DemoCounty.governmentCode, kind: .disclosure, services: t.services, on: t.db)
            #expect(report.title == "示范县人民政府2025年政府信息公开工作年度报告")
            var values: [String: Int] = [:]
            for figure in report.figures { if let value = figure.value, let number = Int(value) { values[figure.key] = number } }
            func cell(_ row: String, _ column: String) throws -> Int { try #require(values["disclosure.requests.\(row).\(column)"], "\(row).\(column)") }
            let columns = DisclosureMetrics.Column.allCases.map(\.key)
            let outcomeRows = DisclosureOutcome.allCases.map { DisclosureMetrics.Row.outcome($0).key }
            #expect(columns.count == 7 && outcomeRows.count == 21)
            for column in columns {
                #expect(try cell("new", column) + cell("carried-in", column) == cell("answered", column) + cell("carried-out", column), "\(column)")
                #expect(try outcomeRows.map { try cell($0, column) }.reduce(0, +) == cell("answered", column), "\(column)")
            }
            for row in ["new", "carried-in", "answered", "carried-out"] + outcomeRows {
                #expect(try columns.dropLast().map { try cell(row, $0) }.reduce(0, +) == cell(row, "total"), "\(row)")
            }
            // Last year's December requests are this year's carried-in; this December's are carried out.
            #expect(try cell("new", "total") >= 30 && cell("carried-in", "total") >= 1 && cell("carried-out", "total") >= 1)
            #expect(try cell("new", "natural-person") > 0 && cell("new", "business") > 0 && cell("disclosed", "total") > 0 && cell("not-corrected", "total") > 0)
            // Table 四: each group's results add up to its total.
            for group in ["reconsideration.disclosure-cases", "litigation.disclosure-direct", "litigation.disclosure-after-reconsideration"] {
                let parts = ["upheld", "corrected", "other", "pending"].compactMap { values["\(group).\($0)"] }
                #expect(parts.count == 4 && parts.reduce(0, +) == values["\(group).total"], "\(group)")
            }
            #expect((values["reconsideration.disclosure-cases.total"] ?? 0) > 0)
            // Each cell's records are the cell's number (paged from the database), and open from the report.
            let government = try await t.unit(DemoCounty.governmentCode)
            let scope = MetricScope(year: 2025, unitPath: government.path, unitName: government.name)
            for key in ["new.total", "carried-in.total", "carried-out.total", "answered.natural-person", "disclosed.total", "partly-disclosed.total"] {
                let definition = try #require(t.services.metrics.definition("disclosure.requests.\(key)"))
                let page = try await definition.records.page(scope, PageRequest(number: 1, size: 200), t.db)
                #expect(page.total == values["disclosure.requests.\(key)"], "\(key)")
            }
            let markdown = report.markdown
            #expect(markdown.contains("| 一、本年新收政府信息公开申请数量 | [\(try cell("new", "natural-person"))](/figures/disclosure.requests.new.natural-person?year=2025&unit=\(DemoCounty.governmentCode))"))
            #expect(markdown.contains("| 行政事业性收费 | 126.4 |"))
            // The DOCX carries the tables as Word tables.
            let docx = try Archive(data: try report.document().docx(), accessMode: .read)
            var body = Data()
            _ = try docx.extract(try #require(docx["word/document.xml"])) { body.append($0) }
            #expect(String(decoding: body, as: UTF8.self).components(separatedBy: "<w:tbl>").count - 1 == 3)
            // The public page: the tables, the figures not linked to staff pages, no applicant.
            let page = try await t.request(TestApp.Browser(), .GET, stored.publicLink).body.string
            #expect(page.contains("<table class=\"report-table\">") && page.contains("四、结转下年度继续办理") && !page.contains("/figures/"))
            #expect(!page.contains("建国") && !page.contains("秀英"))
            // A cell's link opens its records: the requests themselves.
            let carried = try await t.request(try await t.login("supervisor").0, .GET, "/figures/disclosure.requests.carried-in.total?year=2025&unit=\(DemoCounty.governmentCode)")
            let firstCarried = try #require(try await DisclosureRequest.query(on: t.db).filter(\.$receivedOn < "2025-01-01").filter(\.$answeredOn >= "2025-01-01").first())
            #expect(carried.status == .ok && carried.body.string.contains(firstCarried.number))
            // The staff page checks the national identities on the report as printed: 7 + 7 column, 25 row and 3 group relations.
            let staff = try await t.request(try await t.login("supervisor").0, .GET, stored.link).body.string
            #expect(staff.contains("勾稽关系：一致42处，不一致0处"))
        }
    }

    @Test("a department's draft from the disclosure template: its own requests only, due 31 January; a second disclosure report for the same year is refused, a 法治政府 report beside it is not")
    func departmentDraft() async throws {
        try await TestApp.run { t in
            let supervisor = try await t.principal("supervisor")
            let draft = try await ReportService.create(year: "2025", unitCode: "SFX-ZRZY", kind: .disclosure, by: supervisor, services: t.services, on: t.db)
            #expect(draft.publishBy == "2026-01-31" && draft.text.contains("（七）总计"))
            let report = try await ReportService.render(draft, services: t.services, on: t.db)
            let ownNew = try await DisclosureRequest.query(on: t.db).filter(\.$unitPath =~ draft.unitPath)
                .filter(\.$receivedOn >= "2025-01-01").filter(\.$receivedOn < "2026-01-01").count()
            #expect(ownNew > 0 && report.figures.first { $0.key == "disclosure.requests.new.total" }?.value == String(ownNew))
            await #expect(throws: ValidationFailure.self) {
                try await ReportService.create(year: "2025", unitCode: "SFX-ZRZY", kind: .disclosure, by: supervisor, services: t.services, on: t.db)
            }
            let other = try await ReportService.create(year: "2025", unitCode: "SFX-ZRZY", kind: .ruleOfLaw, by: supervisor, services: t.services, on: t.db)
            #expect(other.publishBy == "2026-04-01" && other.title.hasSuffix("法治政府建设情况报告"))
        }
    }

    @Test("the 法治政府 report's 政务公开, 接受监督 and 政务服务 parts: last year's figures from the three modules, each with a value and a link to its records")
    func annualReportParts() async throws {
        try await TestApp.run { t in
            let report = try await ReportService.render(year: 2025, unitCode: nil, services: t.services, on: t.db)
            let markdown = report.markdown
            #expect(markdown.contains("（六）全面推进政务公开") && markdown.contains("（八）持续优化政务服务") && markdown.contains("（十）预防化解矛盾纠纷"))
            let partThree = try #require(markdown.components(separatedBy: "## 三、").last?.components(separatedBy: "## 四、").first)
            #expect(partThree.contains("/figures/education.duty-reports") && partThree.contains("/figures/education.rule-of-law-topics") && partThree.contains("/figures/oversight.on-time-rate"))
            #expect(partThree.contains("/figures/education.duty-documents") && partThree.contains("/figures/oversight.head-led-inspections") && partThree.contains("/figures/oversight.rebounded"))
            // Last year's heads: two documents, one inspection led, one 复查 that held.
            func count(_ key: String) -> Int? { Int(report.figures.first { $0.key == key }?.value ?? "") }
            #expect(count("education.duty-documents") == 2 && count("oversight.head-led-inspections") == 1 && count("oversight.rechecked") == 1 && count("oversight.rebounded") == 0)
            for key in ["disclosure.requests.new.total", "disclosure.on-time-rate", "suggestions.deputy-suggestions", "suggestions.cppcc-proposals",
                        "suggestions.on-time-rate", "suggestions.satisfaction-rate", "services.items", "services.on-the-spot-share", "services.compression-rate",
                        // issue 19: 学法普法, 矛盾纠纷化解, and part 三 (the heads' duties) from records.
                        "education.pre-meeting-study", "education.exam-pass-rate", "education.audience", "mediation.accepted", "mediation.success-rate",
                        "education.duty-reports", "education.rule-of-law-topics", "oversight.inspections", "oversight.on-time-rate",
                        // and the heads' documents, the inspections they led, 复查, and the mediators.
                        "education.duty-documents", "oversight.head-led-inspections", "oversight.rechecked", "mediation.mediators"] {
                let figure = try #require(report.figures.first { $0.key == key }, "\(key)")
                #expect(figure.value != nil, "\(key)")
                #expect(markdown.contains("(/figures/\(key)?year=2025&unit=\(DemoCounty.governmentCode))"), "\(key)")
            }
            // The deputies' and members' items add up to the items assigned.
            func value(_ key: String) -> Int? { Int(report.figures.first { $0.key == key }?.value ?? "") }
            let government = try await t.unit(DemoCounty.governmentCode)
            let received = try #require(t.services.metrics.definition("suggestions.received"))
            let total = try await received.compute(MetricScope(year: 2025, unitPath: government.path, unitName: government.name), t.db)
            #expect(total == .count((value("suggestions.deputy-suggestions") ?? -1) + (value("suggestions.cppcc-proposals") ?? -1)))
        }
    }
}
