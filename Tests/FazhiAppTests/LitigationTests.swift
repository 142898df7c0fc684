import FazhiApp
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Litigation
import Testing
import Vapor
import VaporTesting

@Suite struct LitigationTests {
    @Test("a lawsuit through the web: 15-day defence clock (第六十七条), sessions with and without the head (第三条第三款), a losing judgment, a 检察建议 with its reply clock")
    func lawsuitFlow() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            let created = try await t.request(officer, .POST, "/litigation/new", form: [
                "court": "示范县人民法院", "caseNumber": "（2026）示0101行初7号", "instance": "first", "filedOn": "2026-02-03", "servedOn": "2026-02-05",
                "defendantCode": "SFX-SCJG", "coDefendant": "否", "plaintiff": "李四、王五", "cause": "行政处罚",
            ])
            #expect(created.status == .seeOther)
            let lawsuit = try #require(try await Lawsuit.query(on: t.db).filter(\.$caseNumber == "（2026）示0101行初7号").first())
            #expect(lawsuit.plaintiffMasked == "李*、王*" && !lawsuit.plaintiffSealed.contains("李四"))
            // 15 days from 02-05 end on 02-20, inside 春节 (02-15 … 02-23): the period ends on Tuesday 02-24.
            let defence = try #require(try await ClockService.openClock(kind: LitigationClocks.defence.key, record: lawsuit.clockRecord, on: t.db))
            #expect(defence.dueDate == "2026-02-24")
            #expect(try await t.request(officer, .POST, "\(lawsuit.link)/steps", form: ["step": "defence", "on": "2026-02-24"]).status == .seeOther)
            #expect(try await StatutoryClock.find(defence.id!, on: t.db)?.closed == true)

            let noSubstitute = try await t.request(officer, .POST, "\(lawsuit.link)/steps", form: ["step": "hearing", "on": "2026-02-26", "headAppeared": "0"])
            #expect(noSubstitute.status == .unprocessableEntity && noSubstitute.body.string.contains("第三条第三款"))
            #expect(try await t.request(officer, .POST, "\(lawsuit.link)/steps", form: ["step": "hearing", "on": "2026-02-26", "headAppeared": "0", "substitute": "法规科科长"]).status == .seeOther)
            #expect(try await t.request(officer, .POST, "\(lawsuit.link)/steps", form: ["step": "hearing", "on": "2026-02-27", "headAppeared": "1", "headName": "孙局长", "headPost": "局长"]).status == .seeOther)
            #expect(try await t.request(officer, .POST, "\(lawsuit.link)/steps", form: ["step": "judgment", "on": "2026-03-02", "judgment": "annul", "appealed": "0", "performance": "已履行"]).status == .seeOther)
            let judged = try #require(try await Lawsuit.find(lawsuit.id!, on: t.db))
            #expect(judged.lost && judged.caseJudgment == .annul)
            let again = try await t.request(officer, .POST, "\(lawsuit.link)/steps", form: ["step": "judgment", "on": "2026-03-02", "judgment": "dismissClaims"])
            #expect(again.status == .unprocessableEntity)

            #expect(try await t.request(officer, .POST, "\(lawsuit.link)/recommendations", form: ["kind": "procuratorial", "on": "2026-03-02", "text": "规范罚没物品处置"]).status == .seeOther)
            let recommendation = try #require(try await LawsuitRecommendation.query(on: t.db).first())
            let reply = try #require(try await StatutoryClock.query(on: t.db).filter(\.$kind == LitigationClocks.procuratorialReply.key).first())
            #expect(reply.dueDate == "2026-05-06")  // two months from 03-02 end on 05-02, inside 劳动节 (05-01 … 05-05)
            _ = recommendation

            // Figures of 2026 for the department: one lawsuit concluded and lost; two sessions, the head at one.
            let unit = try await t.unit("SFX-SCJG")
            let scope = MetricScope(year: 2026, unitPath: unit.path, unitName: unit.name)
            let results = try await t.services.metrics.evaluateAll(scope: scope, on: t.db)
            let lines = MetricsText.lines(year: 2026, unitName: unit.name, results: results)
            let concluded = try #require(results.first { $0.key == "litigation.concluded" })
            let lost = try #require(results.first { $0.key == "litigation.lost" })
            #expect(Int(lost.value ?? "0")! >= 1 && Int(concluded.value ?? "0")! >= Int(lost.value ?? "0")!)
            #expect(lines.contains { $0.hasPrefix("litigation.head-appearance-rate\t") })
            let statistics = try await t.request(officer, .GET, "/litigation/statistics?year=2026")
            #expect(statistics.body.string.contains("示范县市场监督管理局"))
            // The export is the import format: one row for the case, one more for its second session; it re-imports cleanly elsewhere.
            let export = try await t.request(officer, .GET, "/litigation/export.csv?year=2026")
            let table = try TableReader.read(Data(buffer: export.body), filename: "x.csv")
            let ours = table.rows.filter { table.value($0, "案号") == "（2026）示0101行初7号" }
            #expect(ours.count == 2)
            #expect(ours.first.map { table.value($0, "原告") } == "李四、王五")
            #expect(ours.first.map { table.value($0, "裁判结果") } == "判决撤销")
        }
    }
}
