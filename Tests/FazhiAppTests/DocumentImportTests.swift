import FazhiCore
import Fluent
import Foundation
import NormativeDocuments
import Testing
import VaporTesting

/// Last years' document catalogue brought in from a spreadsheet, replayed through the rules (issue 17).
@Suite struct DocumentImportTests {
    static let header = "文件名称,起草单位编码,涉及权利义务,暂行试行,征求意见开始日期,征求意见结束日期,采纳情况,未征求意见理由,送审日期,审核意见日期,审核意见,集体审议日期,审议会议,文号,公布日期,施行日期,备案日期,废止日期,废止理由,正文"

    static func csv(_ rows: [String]) -> Data { Data((header + "\n" + rows.joined(separator: "\n")).utf8) }

    static let good = [
        "示范县导入测试管理办法,SFX-SCJG,是,否,2024-03-04,2024-03-13,收到意见3条，采纳1条,,2024-03-14,2024-03-25,合法,2024-03-28,局务会议,示市监规〔2024〕9号,2024-04-01,2024-05-01,2024-04-15,,,第一条 导入测试正文独有短语甲乙丙。",
        "示范县导入测试工作规则,SFX-GOV,否,是,,,,内部工作制度,2024-06-03,2024-06-14,合法,2024-06-18,县人民政府常务会议,示政规〔2024〕9号,2024-06-20,2024-07-01,2024-08-10,2025-06-30,已被新规则替代,",
    ]

    @Test("a catalogue with a rushed consultation and an unknown unit writes nothing and names each row's column and basis; corrected, every document is in with its history")
    func allOrNothingThroughTheRules() async throws {
        try await TestApp.run { t in
            let importer = DocumentImporter()
            let bureau = try await t.principal("supervisor")
            let before = try await NormativeDocument.query(on: t.db).count()
            let bad = try await importer.run(try TableReader.read(Self.csv(Self.good + [
                "示范县导入测试过短征求意见,SFX-SCJG,是,否,2024-03-04,2024-03-06,无,,2024-03-07,2024-03-20,合法,2024-03-25,局务会议,示市监规〔2024〕10号,2024-03-26,2024-04-01,,,,",
                "示范县导入测试未知单位,SFX-NOPE,否,否,,,,内部,2024-03-07,2024-03-20,合法,2024-03-25,局务会议,示市监规〔2024〕11号,2024-03-26,2024-04-01,,,,",
                "示范县导入测试坏日期,SFX-SCJG,否,否,,,,内部,2024-13-07,2024-03-20,合法,2024-03-25,局务会议,示市监规〔2024〕12号,2024-03-26,2024-04-01,,,,",
            ]), filename: "documents.csv"), by: bureau, services: t.services, on: t.db)
            #expect(bad.rowsWritten == 0)
            #expect(bad.errors.contains { $0.row == 6 && $0.column == "送审日期" && $0.message.contains("不是有效日期") })
            // The date errors are found before anything is replayed; corrected, the replay finds the rest.
            let replayed = try await importer.run(try TableReader.read(Self.csv(Self.good + [
                "示范县导入测试过短征求意见,SFX-SCJG,是,否,2024-03-04,2024-03-06,无,,2024-03-07,2024-03-20,合法,2024-03-25,局务会议,示市监规〔2024〕10号,2024-03-26,2024-04-01,,,,",
                "示范县导入测试未知单位,SFX-NOPE,否,否,,,,内部,2024-03-07,2024-03-20,合法,2024-03-25,局务会议,示市监规〔2024〕11号,2024-03-26,2024-04-01,,,,",
            ]), filename: "documents.csv"), by: bureau, services: t.services, on: t.db)
            #expect(replayed.rowsWritten == 0)
            #expect(replayed.errors.contains { $0.row == 4 && $0.column == "征求意见结束日期" && $0.message.contains("37号") })
            #expect(replayed.errors.contains { $0.row == 5 && $0.column == "起草单位编码" && $0.message.contains("SFX-NOPE") })
            #expect(try await NormativeDocument.query(on: t.db).count() == before)

            let done = try await importer.run(try TableReader.read(Self.csv(Self.good), filename: "documents.csv"), by: bureau, services: t.services, on: t.db)
            #expect(done.succeeded && done.rowsWritten == 2)
            let first = try #require(try await NormativeDocument.query(on: t.db).filter(\.$number == "示市监规〔2024〕9号").first())
            #expect(first.stage == "published" && first.filedOn == "2024-04-15" && first.consultationSummary == "收到意见3条，采纳1条" && first.validUntil == "2029-04-30")
            let second = try #require(try await NormativeDocument.query(on: t.db).filter(\.$number == "示政规〔2024〕9号").first())
            // 暂行: two years; repealed on its date.
            #expect(second.stage == "repealed" && second.validUntil == "2026-06-30" && second.repealedOn == "2025-06-30")
            // Imported once: the same 文号 again is refused.
            let again = try await importer.run(try TableReader.read(Self.csv([Self.good[0]]), filename: "documents.csv"), by: bureau, services: t.services, on: t.db)
            #expect(again.rowsWritten == 0 && again.errors.first?.column == "文号")
            // The text is searchable in the public library.
            let phrase = "独有短语甲乙丙".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await t.request(TestApp.Browser(), .GET, "/gongshi/documents?q=\(phrase)").body.string.contains("示范县导入测试管理办法"))
            #expect(try await t.auditCount("documents.import") == 1)
        }
    }
}
