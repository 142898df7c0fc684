import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Reconsideration
import Testing

/// The reconsideration ledger replays through `ReconsiderationRules` like a case recorded on the
/// platform (issue 14: imports of history), and a stated historical breach becomes a finding.
@Suite struct ReconsiderationImportTests {
    static let header = CaseImporter().columns.map(\.header)

    static func table(_ rows: [[String: String]]) throws -> ImportTable {
        let lines = [header.joined(separator: ",")] + rows.map { row in header.map { row[$0] ?? "" }.joined(separator: ",") }
        return try TableReader.read(Data(lines.joined(separator: "\n").utf8), filename: "复议台账.csv")
    }

    static func application(_ number: String, received: String = "2025-03-03") -> [String: String] {
        ["案号": number, "收到申请日期": received, "申请方式": "邮寄", "申请人类型": "法人", "申请人": "示范县某公司",
         "证件号码": "91330100799655058B", "被申请人单位编码": "SFX-SCJG", "被申请行为类别": "行政处罚", "行政复议请求": "撤销处罚决定"]
    }

    @Test("a concluded ledger row is replayed step by step: the same clocks, timeline and audit rows as on the platform, the undated extension on the period's last day")
    func replayedLikeThePlatform() async throws {
        try await TestApp.run { t in
            var row = Self.application("台账1")
            row.merge(["审查结果": "受理", "审查日期": "2025-03-05", "程序": "普通程序", "发送副本日期": "2025-03-07", "答复日期": "2025-03-18",
                       "是否延长": "是", "延长批准人": "复议科负责人", "结案方式": "维持", "结案日期": "2025-05-20", "送达日期": "2025-05-22",
                       "归档日期": "2025-06-01"]) { $1 }
            var waiting = Self.application("台账2", received: "2025-12-01")
            waiting.merge(["审查结果": "待补正", "审查日期": "2025-12-03", "审查理由": "缺少授权委托书"]) { $1 }
            let report = try await CaseImporter().run(try Self.table([row, waiting]), by: .system(), services: t.services, on: t.db)
            #expect(report.errors.isEmpty, "\(report.errors)")
            #expect(report.rowsWritten == 2)

            let imported = try #require(try await ReconsiderationCase.query(on: t.db).filter(\.$caseNumber == "台账1").first())
            #expect(imported.caseStatus == .archived && imported.caseOutcome == .uphold && imported.copySentOn == "2025-03-07" && imported.replyOn == "2025-03-18")
            #expect(imported.extended && imported.extendedDays == 30)
            // Sixty days from 2025-03-05 end on 2025-05-04, in the 劳动节 holiday: the next working day,
            // then thirty more; the decision on 2025-05-20 is on time.
            let due = try #require(imported.decisionDueOn.flatMap(CivilDate.init))
            #expect(due > CivilDate("2025-05-20")! && due <= CivilDate("2025-06-05")!, "\(due)")
            let clocks = try await ClockService.clocks(record: imported.clockRecord, on: t.db)
            #expect(Set(clocks.map(\.kind)) == ["reconsideration.acceptance", "reconsideration.decision-ordinary", "reconsideration.copy-ordinary", "reconsideration.reply-ordinary"])
            #expect(clocks.filter { !$0.closed }.isEmpty)
            let events = try await ReconsiderationEvent.query(on: t.db).filter(\.$reconsiderationCase.$id == imported.id!).sort(\.$createdAt).all()
            #expect(events.map(\.action) == ["register", "accept", "send-copy", "receive-reply", "extend", "conclude", "serve", "archive"])
            let extending = try #require(events.first { $0.action == "extend" })
            #expect(extending.happenedOn == "2025-05-06" && extending.detail.contains("复议科负责人"), "\(extending.happenedOn) \(extending.detail)")
            #expect(try await AuditEntryQueries.page(.init(action: "reconsideration.accept"), page: PageRequest(number: 1, size: 5), on: t.db).total >= 1)

            let open = try #require(try await ReconsiderationCase.query(on: t.db).filter(\.$caseNumber == "台账2").first())
            #expect(open.caseStatus == .awaitingCorrection && open.correctionRequestedOn == "2025-12-03")
            let correction = try await ClockService.openClock(kind: "reconsideration.correction", record: open.clockRecord, on: t.db)
            #expect(correction != nil)
        }
    }

    @Test("a row that breaks a statutory gate is refused with the article; stated in 历史违规说明 it is imported as it was, the breach a finding: on the case, in the figures, in the export")
    func historicalBreach() async throws {
        try await TestApp.run { t in
            var row = Self.application("台账9")
            row.merge(["审查结果": "受理", "审查日期": "2025-03-05", "程序": "普通程序", "结案方式": "撤销", "结案日期": "2025-04-10"]) { $1 }
            var withdrawn = Self.application("台账10")
            withdrawn.merge(["审查结果": "视为撤回", "审查日期": "2025-03-28"]) { $1 }
            let refused = try await CaseImporter().run(try Self.table([row, withdrawn]), by: .system(), services: t.services, on: t.db)
            #expect(refused.rowsWritten == 0)
            #expect(refused.errors.contains { $0.row == 3 && $0.column == "通知补正日期" && $0.message.contains("第三十一条第二款") }, "\(refused.errors)")
            let alone = try await CaseImporter().run(try Self.table([row]), by: .system(), services: t.services, on: t.db)
            #expect(alone.rowsWritten == 0)
            #expect(alone.errors.contains { $0.row == 2 && $0.column == "结案方式" && $0.message.contains("第四十八条") }, "\(alone.errors)")
            #expect(try await ReconsiderationCase.query(on: t.db).filter(\.$caseNumber == "台账9").count() == 0)

            row["历史违规说明"] = "当年未留存申请书副本发送记录"
            let stated = try await CaseImporter().run(try Self.table([row]), by: .system(), services: t.services, on: t.db)
            #expect(stated.errors.isEmpty && stated.rowsWritten == 1, "\(stated.errors)")
            let imported = try #require(try await ReconsiderationCase.query(on: t.db).filter(\.$caseNumber == "台账9").first())
            #expect(imported.caseOutcome == .annul)
            let findings = try await ReconsiderationFinding.query(on: t.db).filter(\.$caseID == imported.id!).all()
            #expect(findings.count == 1 && findings[0].finding.contains("第四十八条") && findings[0].statement == "当年未留存申请书副本发送记录")
            #expect(try await AuditEntryQueries.page(.init(action: "reconsideration.finding"), page: PageRequest(number: 1, size: 5), on: t.db).total == 1)
            let metric = try #require(t.services.metrics.definition("reconsideration.historical-breaches"))
            let scope = MetricScope(year: 2025, unitPath: nil, unitName: "全县")
            #expect(try await t.services.metrics.evaluate(metric, scope: scope, on: t.db).value == "1")
            #expect(try await metric.records.first(scope, on: t.db).first?.title.contains("第四十八条") == true)

            let (officer, _) = try await t.login("supervisor")
            let page = try await t.request(officer, .GET, imported.link)
            #expect(page.status == .ok && page.body.string.contains("历史违法情形") && page.body.string.contains("当年未留存申请书副本发送记录"))
            let export = try await t.request(officer, .GET, "/reconsideration/export.csv?year=2025")
            #expect(export.status == .ok && export.body.string.contains("当年未留存申请书副本发送记录"))
        }
    }
}
