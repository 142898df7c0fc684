import FazhiApp
import FazhiCore
import Fluent
import Foundation
import Reconsideration
import Reports
import Testing
import VaporTesting
import ZIPFoundation

@Suite struct AnnualReportTests {
    @Test("the demo's published 2025 county report: every figure is what `fazhi metrics --year 2025 --unit SFX-GOV` prints, links to its records, with the change in words")
    func figuresMatchMetrics() async throws {
        try await TestApp.run { t in
            let report = try await ReportService.render(year: 2025, unitCode: nil, services: t.services, on: t.db)
            let government = try await t.unit(DemoCounty.governmentCode)
            let scope = MetricScope(year: 2025, unitPath: government.path, unitName: government.name)
            let printed = MetricsText.lines(year: 2025, unitName: government.name, results: try await t.services.metrics.evaluateAll(scope: scope, on: t.db))
            #expect(report.figures.count >= 30)
            for figure in report.figures {
                let line = try #require(printed.first { $0.hasPrefix(figure.key + "\t") })
                #expect(line.contains("\t" + (figure.value.map { $0 + figure.unit } ?? "无数据")), "\(figure.key)")
            }
            let markdown = report.markdown
            let received = try #require(report.figures.first { $0.key == "reconsideration.received" })
            #expect(markdown.contains("[\(received.value!)件](/figures/reconsideration.received?year=2025&unit=\(DemoCounty.governmentCode))"))
            // Two years of records: the changes have a base.
            #expect(received.yearOverYear != nil && report.figures.first { $0.key == "litigation.cases" }?.yearOverYear != nil)
            // The change is in words, from the registry's year-over-year figure.
            if let yoy = received.yearOverYear, let value = Decimal(string: yoy) {
                #expect(markdown.contains(value < 0 ? "同比下降\(yoy.dropFirst())%" : value == 0 ? "与上年持平" : "同比增长\(yoy)%"))
            } else {
                #expect(markdown.contains("上年为") || markdown.contains("上年无数据"))
            }
            // The five-year trend holds each year's registry figure; the staff page draws it as SVG.
            let trend = report.blocks.flatMap { block -> [RenderedReport.Segment] in if case .paragraph(let segments) = block { return segments } else { return [] } }
                .compactMap { segment -> [RenderedReport.TrendPoint]? in if case .trend(let key, _, _, let points) = segment, key == "reconsideration.received" { return points } else { return nil } }.first
            let points = try #require(trend)
            #expect(points.map(\.year) == [2021, 2022, 2023, 2024, 2025])
            #expect(points.last?.value == Decimal(string: received.value!) && points[3].value == Decimal(string: received.previousValue ?? "x"))
            // A year without records: rates are missing, never 0%.
            let empty = try await ReportService.render(year: 2019, unitCode: nil, services: t.services, on: t.db)
            #expect(empty.markdown.contains("受案率[【无数据】]") && !empty.markdown.contains("受案率[0"))
            // The records page behind a figure lists as many records as the count says.
            let (leader, _) = try await t.login("leader")
            let page = try await t.request(leader, .GET, "/figures/reconsideration.received?year=2025&unit=\(DemoCounty.governmentCode)").body.string
            #expect(page.components(separatedBy: "<a href=\"/reconsideration/").count - 1 == Int(received.value!))
            let stored = try #require(try await AnnualReport.query(on: t.db).filter(\.$year == 2025).first())
            let (supervisor, _) = try await t.login("supervisor")
            #expect(try await t.request(supervisor, .GET, stored.link).body.string.contains("data-metric=\"reconsideration.received\""))
        }
    }

    @Test("the demo's own 2025 report is on the public site; 2024 goes draft → review → approval by the named official freezes the figures; later records do not change the published report; the public page shows it")
    func workflow() async throws {
        try await TestApp.run { t in
            let (supervisor, _) = try await t.login("supervisor")
            #expect(try await t.request(TestApp.Browser(), .GET, "/gongshi/reports").body.string.contains("示范县人民政府2025年法治政府建设情况报告"))
            #expect(try await t.request(supervisor, .POST, "/reports", form: ["year": "2024", "unitCode": "SFX-GOV"]).status == .seeOther)
            let again = try await t.request(supervisor, .POST, "/reports", form: ["year": "2024", "unitCode": "SFX-GOV"])
            #expect(again.status == .unprocessableEntity && again.body.string.contains("已经存在"))
            let row = try #require(try await AnnualReport.query(on: t.db).filter(\.$year == 2024).first())
            let bad = try await t.request(supervisor, .POST, row.link, form: ["action": "save", "text": row.text + "\n全年{reconsideration.nonsense}。"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("{reconsideration.nonsense}"))
            #expect(try await t.request(supervisor, .POST, row.link, form: ["action": "save", "number": "示政报〔2026〕1号",
                                                                             "text": "# 一、主要举措和成效\n全年收到行政复议申请{reconsideration.received}，{reconsideration.received|同比}。"]).status == .seeOther)
            #expect(try await t.request(supervisor, .POST, row.link, form: ["action": "approve", "official": "县长"]).status == .unprocessableEntity)  // not in review
            #expect(try await t.request(supervisor, .POST, row.link, form: ["action": "submit"]).status == .seeOther)
            let unnamed = try await t.request(supervisor, .POST, row.link, form: ["action": "approve", "official": ""])
            #expect(unnamed.status == .unprocessableEntity && unnamed.body.string.contains("批准人"))
            #expect(try await t.request(supervisor, .POST, row.link, form: ["action": "approve", "official": "示范县县长 王某"]).status == .seeOther)
            let approved = try #require(try await AnnualReport.find(row.id!, on: t.db))
            let frozen = try #require(approved.frozen?.first { $0.key == "reconsideration.received" })
            #expect(approved.reportStatus == .approved)
            #expect(try await t.request(supervisor, .POST, row.link, form: ["action": "save", "text": "改动"]).status == .unprocessableEntity)

            // A record corrected afterwards (its receipt moved back into 2023) changes the live figure, not the approved report.
            let moved = try #require(try await ReconsiderationCase.query(on: t.db).filter(\.$receivedOn >= "2024-01-01").filter(\.$receivedOn < "2025-01-01").first())
            try await ReconsiderationCase.query(on: t.db).filter(\.$id == moved.id!).set(\.$receivedOn, to: "2023-12-31").update()
            let live = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition("reconsideration.received")),
                                                             scope: MetricScope(year: 2024, unitPath: approved.unitPath, unitName: ""), on: t.db)
            #expect(Int(live.value!)! == Int(frozen.value!)! - 1)
            #expect(try await t.request(supervisor, .POST, row.link, form: ["action": "publish"]).status == .seeOther)
            let anonymous = TestApp.Browser()
            #expect(try await t.request(anonymous, .GET, "/gongshi/reports").body.string.contains(approved.title))
            let page = try await t.request(anonymous, .GET, approved.publicLink).body.string
            #expect(page.contains("\(frozen.value!)件") && !page.contains("\(live.value!)件") && !page.contains("/figures/"))
            // The DOCX in 公文 layout carries the frozen figure, the heading in 黑体 and the 文号.
            #expect(try await t.request(supervisor, .GET, row.link).body.string.contains("<svg") == false)  // this draft's text has no trend
            let docx = try await t.request(supervisor, .GET, "\(row.link)/export?format=docx")
            let archive = try Archive(data: Data(buffer: docx.body), accessMode: .read)
            var xml = Data()
            _ = try archive.extract(try #require(archive["word/document.xml"])) { xml.append($0) }
            let text = String(decoding: xml, as: UTF8.self)
            #expect(text.contains("\(frozen.value!)件") && text.contains("黑体") && text.contains("示政报〔2026〕1号") && text.contains("仿宋_GB2312"))
        }
    }
}
