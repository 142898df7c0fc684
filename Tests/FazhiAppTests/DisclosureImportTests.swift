import Disclosure
import FazhiCore
import Fluent
import Foundation
import Testing

/// Last year's 依申请公开 ledger from a spreadsheet, replayed through the 条例's rules, all or
/// nothing (issue 18).
@Suite struct DisclosureImportTests {
    @Test("a ledger: a 补正 notice after 7 working days and an unknown answer are refused under their columns; corrected, every request is in with its steps and counts in the yearly table")
    func ledger() async throws {
        try await TestApp.run { t in
            let importer = RequestImporter()
            let clerk = try await t.principal("supervisor")
            let header = importer.columns.map(\.header)
            func row(_ applicant: String, notice: String = "", outcome: String = "予以公开") -> [String] {
                [DemoCounty.governmentCode, applicant, "自然人", "当面提交", "2023-03-01", "", "", "2022年度某项目审批文件",
                 notice, notice.isEmpty ? "" : "所需信息的名称", notice.isEmpty ? "" : "2023-03-31", notice.isEmpty ? "" : "2023-03-20",
                 "", "", "", "", "", "2023-03-28", outcome, ""]
            }
            let before = try await DisclosureRequest.query(on: t.db).count()
            let late = try await importer.run(try DecisionAndLegalImportTests.table(header, [row("孙某甲"), row("孙某乙", notice: "2023-03-14")]),
                                              by: clerk, services: t.services, on: t.db)
            #expect(late.rowsWritten == 0 && late.errors.count == 1)
            #expect(late.errors.first?.row == 3 && late.errors.first?.column == "告知补正日期" && late.errors.first?.message.contains("第三十条") == true)
            let unknown = try await importer.run(try DecisionAndLegalImportTests.table(header, [row("孙某甲", outcome: "已答复")]), by: clerk, services: t.services, on: t.db)
            #expect(unknown.errors.first?.column == "办理结果")
            #expect(try await DisclosureRequest.query(on: t.db).count() == before)
            let done = try await importer.run(try DecisionAndLegalImportTests.table(header, [row("孙某甲"), row("孙某乙", notice: "2023-03-08", outcome: "（二）部分公开 部分公开")]),
                                              by: clerk, services: t.services, on: t.db)
            #expect(done.succeeded && done.rowsWritten == 2)
            let imported = try await DisclosureRequest.query(on: t.db).filter(\.$receivedOn == "2023-03-01").all()
            #expect(imported.count == 2 && imported.allSatisfy { $0.answeredOn == "2023-03-28" && !$0.applicantSealed.contains("孙某") })
            #expect(imported.first { $0.outcome == "partlyDisclosed" }?.correctionReceivedOn == "2023-03-20")
            let government = try await t.unit(DemoCounty.governmentCode)
            let scope = MetricScope(year: 2023, unitPath: government.path, unitName: government.name)
            let new = try #require(t.services.metrics.definition("disclosure.requests.new.natural-person"))
            #expect(try await new.compute(scope, t.db) == .count(2))
            #expect(try await t.auditCount("disclosure.import") == 1)
        }
    }
}
