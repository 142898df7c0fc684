import FazhiApp
import FazhiCore
import Fluent
import Foundation
import Reconsideration
import Reports
import SQLKit
import FazhiCalendar
import FazhiDeadlines
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
            // The years before the demo's records are 无数据, never “0件” (issue 20).
            #expect(points[0].value == nil && points[1].value == nil && points[2].value == nil)
            #expect(markdown.contains("近5年收到行政复议申请：2021年无数据、2022年无数据、2023年无数据、2024年") || !markdown.contains("2021年0件"))
            #expect(!markdown.contains("2021年0件") && !markdown.contains("2023年0件"))
            // With the site's address, each figure in the DOCX is a hyperlink to its records; the text looks the same.
            let linkedDocx = try Archive(data: try report.document(siteURL: "https://fazhi.example.gov.cn").docx(), accessMode: .read)
            func part(_ archive: Archive, _ path: String) throws -> String {
                var data = Data()
                _ = try archive.extract(try #require(archive[path])) { data.append($0) }
                return String(decoding: data, as: UTF8.self)
            }
            let body = try part(linkedDocx, "word/document.xml"), rels = try part(linkedDocx, "word/_rels/document.xml.rels")
            let linkedFigures = report.blocks.flatMap { block -> [RenderedReport.Segment] in if case .paragraph(let segments) = block { return segments } else { return [] } }
                .filter { if case .figure = $0 { return true } else { return false } }.count
            #expect(body.components(separatedBy: "<w:hyperlink ").count - 1 == linkedFigures && linkedFigures >= 30)
            #expect(rels.contains("Target=\"https://fazhi.example.gov.cn/figures/reconsideration.received?year=2025&amp;unit=\(DemoCounty.governmentCode)\" TargetMode=\"External\""))
            let plainDocx = try Archive(data: try report.document().docx(), accessMode: .read)
            let plainBody = try part(plainDocx, "word/document.xml"), plainRels = try part(plainDocx, "word/_rels/document.xml.rels")
            #expect(!plainBody.contains("<w:hyperlink") && !plainRels.contains("hyperlink"))
            // A year without records: rates are missing, never 0%.
            let empty = try await ReportService.render(year: 2019, unitCode: nil, services: t.services, on: t.db)
            #expect(empty.markdown.contains("受案率[【无数据】]") && !empty.markdown.contains("受案率[0"))
            // The records page behind a figure lists as many records as the count says.
            let (leader, _) = try await t.login("leader")
            let page = try await t.request(leader, .GET, "/figures/reconsideration.received?year=2025&unit=\(DemoCounty.governmentCode)").body.string
            #expect(page.components(separatedBy: "<a href=\"/reconsideration/").count - 1 == Int(received.value!))
            let stored = try #require(try await AnnualReport.query(on: t.db).filter(\.$year == 2025).filter(\.$kind == ReportKind.ruleOfLaw.rawValue).first())
            let (supervisor, _) = try await t.login("supervisor")
            #expect(try await t.request(supervisor, .GET, stored.link).body.string.contains("data-metric=\"reconsideration.received\""))
        }
    }

    @Test("the demo county holds two full years in every module: each year each module's figures have records behind them, no figure of last year's report is without data, every matter of those years is finished")
    func demoHistoryCoversEveryModule() async throws {
        try await TestApp.run { t in
            let thisYear = CivilDateTime(t.services.now).date.year
            let government = try await t.unit(DemoCounty.governmentCode)
            for year in [thisYear - 2, thisYear - 1] {
                let results = try await t.services.metrics.evaluateAll(scope: MetricScope(year: year, unitPath: government.path, unitName: government.name), on: t.db)
                // Every rate has a denominator: nothing is missing.
                #expect(results.filter { $0.value == nil }.map(\.key) == [], "\(year)")
                for module in t.services.modules where !module.metrics.isEmpty {
                    let keys = Set(module.metrics.map(\.key))
                    let counted = results.filter { keys.contains($0.key) && $0.numerator == nil && (Decimal(string: $0.value ?? "") ?? 0) > 0 }
                    #expect(counted.count >= min(3, keys.count), "\(module.id) \(year): \(counted.map(\.key))")
                }
            }
            // Supervision's past years are its own: a finished review campaign, an inspection plan, transfers, complaints.
            let past = try await t.services.metrics.evaluateAll(scope: MetricScope(year: thisYear - 1, unitPath: government.path, unitName: government.name), on: t.db)
            for key in ["supervision.files-reviewed", "supervision.inspections", "supervision.transfers", "supervision.complaints",
                        "enforcement.licence-decisions", "enforcement.coercive-decisions", "enforcement.inspection-records", "enforcement.lenient-cases"] {
                #expect((Int(past.first { $0.key == key }?.value ?? "") ?? 0) > 0, "\(key)")
            }
            // The published report of last year has every figure.
            let report = try await ReportService.render(year: thisYear - 1, unitCode: nil, services: t.services, on: t.db)
            #expect(report.figures.filter { $0.value == nil }.map(\.key) == [])
            // (The trends' years before the demo's first are 无数据 by design; no figure is.)
            #expect(!report.markdown.contains("【无数据】") && !report.markdown.contains("上年无数据"))
            // Every matter of those years was finished: no clock is still open that fell due before
            // the year of live work the module demos date back from today.
            let liveFrom = CivilDateTime(t.services.now).date.adding(days: -365)
            let stale = try await StatutoryClock.query(on: t.db).filter(\.$closed == false).filter(\.$dueDate < liveFrom.description).all()
            #expect(stale.map(\.title) == [])
            // Steps dated by a clock set back to their day still chain in the audit trail.
            let verdict = try await AuditLog.verify(on: t.db)
            #expect({ if case .intact = verdict { return true } else { return false } }(), "\(verdict)")
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
            let row = try #require(try await AnnualReport.query(on: t.db).filter(\.$year == 2024).filter(\.$kind == ReportKind.ruleOfLaw.rawValue).first())
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

    @Test("department inputs: the county asks departments and a town for their part by a date, shown on their dashboard and deadline list; each writes its own; the drafter merges, returns or withdraws; review waits for every input; 3月1日 and 4月1日 are clocks closed by 报送 and 公开")
    func departmentInputsAndClocks() async throws {
        try await TestApp.run { t in
            // The demo's 2025 report was sent and published on 2026-03-02: 3月1日 was a Sunday and is not moved, so 报送 was a day late.
            let published = try #require(try await AnnualReport.query(on: t.db).filter(\.$year == 2025).filter(\.$kind == ReportKind.ruleOfLaw.rawValue).first())
            #expect(published.sentOn == "2026-03-02" && published.sentTo == "县委、县人大常委会")
            let reportClocks = try await StatutoryClock.query(on: t.db).filter(\.$link == published.link).all()
            #expect(Set(reportClocks.map(\.kind)) == ["reports.submit", "reports.publish"] && reportClocks.allSatisfy(\.closed))
            let calendar = try await CalendarService.current(services: t.services, on: t.db)
            let submitClock = try #require(reportClocks.first { $0.kind == "reports.submit" })
            #expect(submitClock.dueDate == "2026-03-01")
            #expect(try submitClock.clock.evaluate(calendar: calendar, asOf: CivilDateTime(t.services.now)).state == .metLate)
            #expect(try #require(reportClocks.first { $0.kind == "reports.publish" }).dueDate == "2026-04-01")

            // The demo's 2026 draft asked 市场监管局, 综合执法局 and 城关镇 for (一); 综合执法局 has answered.
            let draft = try #require(try await AnnualReport.query(on: t.db).filter(\.$year == 2026).filter(\.$kind == ReportKind.ruleOfLaw.rawValue).first())
            let section = "（一）严格规范公正文明执法"
            func input(_ unitCode: String) async throws -> ReportContribution {
                let unit = try await t.unit(unitCode)
                return try #require(try await ReportContribution.query(on: t.db).filter(\.$reportID == draft.id!).filter(\.$unitID == unit.id!).first())
            }
            let scjg = try await input("SFX-SCJG"), zhzf = try await input("SFX-ZHZF"), cg = try await input("SFX-CG")
            #expect(scjg.contributionStatus == .requested && cg.contributionStatus == .requested && zhzf.contributionStatus == .submitted)
            #expect(scjg.due == "2026-03-22")
            let (supervisor, _) = try await t.login("supervisor")
            let early = try await t.request(supervisor, .POST, draft.link, form: ["action": "submit"])
            #expect(early.status == .unprocessableEntity && early.body.string.contains("尚未报送或采用") && early.body.string.contains("示范县市场监督管理局"))

            // Asking is checked: the county itself is not its own department, a date on or after 3月1日 and an unknown heading are refused.
            let bad = try await t.request(supervisor, .POST, "\(draft.link)/inputs", form: ["unitCodes": "SFX-GOV，NOPE", "section": "（九）不存在", "request": "", "due": "2027-03-01"])
            let badText = bad.body.string
            #expect(bad.status == .unprocessableEntity)
            #expect(badText.contains("不是示范县人民政府的下属部门或乡镇") && badText.contains("没有编码为“NOPE”的单位") && badText.contains("报告中没有标题为“（九）不存在”的章节")
                    && badText.contains("应早于报告的报送期限2027-03-01") && badText.contains("材料要求"))
            let twice = try await t.request(supervisor, .POST, "\(draft.link)/inputs", form: ["unitCodes": "SFX-SCJG", "section": section, "request": "再报", "due": "2026-03-20"])
            #expect(twice.status == .unprocessableEntity && twice.body.string.contains("已有该章节的待办征集"))
            #expect(try await ReportContribution.query(on: t.db).filter(\.$reportID == draft.id!).count() == 3)

            // 市场监管局 sees its request and date on its dashboard and deadline list, not the county's report nor the town's request.
            let (officer, _) = try await t.login("officer.scjg")
            let dashboard = try await t.request(officer, .GET, "/").body.string
            #expect(dashboard.contains("待报送分项材料 1 项，最近截止 2026-03-22") && dashboard.contains(scjg.link))
            #expect(try await t.request(officer, .GET, "/deadlines").body.string.contains("2026年度报告分项材料：\(section)"))
            #expect(try await t.request(officer, .GET, draft.link).status != .ok)
            #expect(try await t.request(officer, .GET, cg.link).status != .ok)
            let heading = try await t.request(officer, .POST, scjg.link, form: ["action": "submit", "text": "# 我的标题\n正文"])
            #expect(heading.status == .unprocessableEntity && heading.body.string.contains("不能包含标题行"))
            let unknown = try await t.request(officer, .POST, scjg.link, form: ["action": "submit", "text": "立案{enforcement.nonsense}。"])
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains("{enforcement.nonsense}"))
            #expect(try await ReportContribution.find(scjg.id!, on: t.db)?.contributionStatus == .requested)
            let part = "本局全年行政处罚立案{enforcement.penalty-cases}，推行说理式执法文书。"
            #expect(try await t.request(officer, .POST, scjg.link, form: ["action": "submit", "text": part]).status == .seeOther)
            #expect(try await t.request(officer, .POST, scjg.link, form: ["action": "merge"]).status != .seeOther)  // only the drafter merges
            let scjgClock = try #require(try await StatutoryClock.query(on: t.db).filter(\.$link == scjg.link).first())
            #expect(scjgClock.closed && scjgClock.dueDate == "2026-03-22")
            #expect(try scjgClock.clock.evaluate(calendar: calendar, asOf: CivilDateTime(t.services.now)).state == .metOnTime)

            // The drafter returns 综合执法局's text with a reason (its clock runs again), withdraws the town's request, merges the rest.
            #expect(try await t.request(supervisor, .POST, zhzf.link, form: ["action": "return", "reason": ""]).status == .unprocessableEntity)
            #expect(try await t.request(supervisor, .POST, zhzf.link, form: ["action": "return", "reason": "请补充全年案件数"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: ReportClocks.contribution.key, record: zhzf.clockRecord, on: t.db) != nil)
            let (zhzfOfficer, _) = try await t.login("officer.zhzf")
            #expect(try await t.request(zhzfOfficer, .GET, zhzf.link).body.string.contains("请补充全年案件数"))
            #expect(try await t.request(zhzfOfficer, .POST, zhzf.link, form: ["action": "submit", "text": "全年办理案件{enforcement.penalty-cases}。"]).status == .seeOther)
            #expect(try await t.request(supervisor, .POST, cg.link, form: ["action": "withdraw", "reason": "城关镇并入县级报告"]).status == .seeOther)
            #expect(try await t.request(supervisor, .POST, scjg.link, form: ["action": "merge"]).status == .seeOther)
            #expect(try await t.request(supervisor, .POST, zhzf.link, form: ["action": "merge"]).status == .seeOther)
            let merged = try #require(try await AnnualReport.find(draft.id!, on: t.db)).text.components(separatedBy: "\n")
            let start = try #require(merged.firstIndex(of: "## " + section)), next = try #require(merged.firstIndex(of: "## （二）强化行政执法监督"))
            let inside = merged[start..<next]
            #expect(inside.contains(part) && inside.contains("全年办理案件{enforcement.penalty-cases}。") && merged.firstIndex(of: part)! < next)
            #expect(try await t.request(supervisor, .POST, scjg.link, form: ["action": "merge"]).status == .unprocessableEntity)  // once only

            // Now review may begin; 报送 needs approval first and names its recipients; each step is audited.
            #expect(try await t.request(supervisor, .POST, draft.link, form: ["action": "submit"]).status == .seeOther)
            #expect(try await t.request(supervisor, .POST, draft.link, form: ["action": "send", "to": "县委"]).status == .unprocessableEntity)
            #expect(try await t.request(supervisor, .POST, draft.link, form: ["action": "approve", "official": "示范县县长"]).status == .seeOther)
            let unnamed = try await t.request(supervisor, .POST, draft.link, form: ["action": "send", "to": " "])
            #expect(unnamed.status == .unprocessableEntity && unnamed.body.string.contains("报送对象"))
            #expect(try await t.request(supervisor, .POST, draft.link, form: ["action": "send", "to": "县委、县人大常委会"]).status == .seeOther)
            let sendClock = try #require(try await StatutoryClock.query(on: t.db).filter(\.$link == draft.link).filter(\.$kind == "reports.submit").first())
            #expect(sendClock.closed && sendClock.dueDate == "2027-03-01")
            #expect(try await StatutoryClock.query(on: t.db).filter(\.$link == draft.link).filter(\.$kind == "reports.publish").first()?.closed == false)
            // The demo's submission, then submit, return, resubmit, withdraw and two merges here.
            let steps = try await (t.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'reports.input.step'").first()?.decode(column: "n", as: Int.self)
            #expect(steps == 7)
        }
    }
}
