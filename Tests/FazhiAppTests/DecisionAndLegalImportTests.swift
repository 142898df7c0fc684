import FazhiCore
import Fluent
import Foundation
import LegalAffairs
import MajorDecisions
import Testing

/// The decision catalogue, the adviser roster and the contract-review ledger from spreadsheets,
/// through the services' rules, all or nothing (issue 17).
@Suite struct DecisionAndLegalImportTests {
    static func table(_ header: [String], _ rows: [[String]]) throws -> ImportTable {
        func line(_ cells: [String]) -> String { cells.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") }
        return try TableReader.read(Data(([line(header)] + rows.map(line)).joined(separator: "\n").utf8), filename: "import.csv")
    }

    @Test("a decision catalogue: a legality review that is too short is refused under its column with the article; corrected, the catalogue and every procedure are in")
    func decisions() async throws {
        try await TestApp.run { t in
            let importer = DecisionImporter()
            let bureau = try await t.principal("supervisor")
            let header = importer.columns.map(\.header)
            func row(_ title: String, legalityTo: String, waive: String = "风险评估：不涉及社会稳定风险") -> [String] {
                [title, DemoCounty.governmentCode, "2023", "2023-01-18", "2023-02-01", "2023-03-06", "收到意见10条，采纳3条", "",
                 "2023-02-10", "2023-02-20", "可行", "", "", "", waive, "2023-03-07", legalityTo, "合法", "2023-03-30", "县人民政府常务会议", "同意", "2023-04-06"]
            }
            let before = try await MajorDecision.query(on: t.db).count()
            let rushed = try await importer.run(try Self.table(header, [row("示范县导入决策甲", legalityTo: "2023-03-20"), row("示范县导入决策乙", legalityTo: "2023-03-09")]),
                                                by: bureau, services: t.services, on: t.db)
            #expect(rushed.rowsWritten == 0 && rushed.errors.count == 1)
            #expect(rushed.errors.first?.row == 3 && rushed.errors.first?.column == "合法性审查意见日期" && rushed.errors.first?.message.contains("7个工作日") == true)
            let badWaiver = try await importer.run(try Self.table(header, [row("示范县导入决策甲", legalityTo: "2023-03-20", waive: "合法性审查：不需要")]),
                                                   by: bureau, services: t.services, on: t.db)
            #expect(badWaiver.errors.first?.column == "不履行程序及理由" && badWaiver.errors.first?.message.contains("第二十五条") == true)
            #expect(try await MajorDecision.query(on: t.db).count() == before)
            let done = try await importer.run(try Self.table(header, [row("示范县导入决策甲", legalityTo: "2023-03-20"), row("示范县导入决策乙", legalityTo: "2023-03-21")]),
                                              by: bureau, services: t.services, on: t.db)
            #expect(done.succeeded && done.rowsWritten == 2)
            let imported = try await MajorDecision.query(on: t.db).filter(\.$year == 2023).all()
            #expect(imported.count == 2 && imported.allSatisfy { $0.inCatalogue && $0.cataloguedOn == "2023-01-18" && $0.riskWaived != nil && $0.publishedOn == "2023-04-06" })
            #expect(try await DecisionCatalogue.query(on: t.db).filter(\.$year == 2023).count() == 1)
        }
    }

    @Test("the adviser roster and the review ledger: a reversed term and an amount with six decimals are refused by row; corrected, they are in, the contact sealed")
    func legal() async throws {
        try await TestApp.run { t in
            let bureau = try await t.principal("supervisor")
            let advisers = AdviserImporter()
            let header = advisers.columns.map(\.header)
            let reversed = try await advisers.run(try Self.table(header, [["赵律师", "法律顾问", "甲律师事务所", "13700001234", "2026-01-01", "2025-01-01", "SFX-NH SFX-NH-01"]]),
                                                  by: bureau, services: t.services, on: t.db)
            #expect(reversed.rowsWritten == 0 && reversed.errors.first?.column == "聘期截止")
            let roster = try await advisers.run(try Self.table(header, [["赵律师", "法律顾问", "甲律师事务所", "13700001234", "2025-01-01", "2027-01-01", "SFX-NH SFX-NH-01"],
                                                                        ["钱律师", "公职律师", "示范县司法局", "", "2025-01-01", "2027-01-01", "SFX-SFJ"]]),
                                                by: bureau, services: t.services, on: t.db)
            #expect(roster.succeeded && roster.rowsWritten == 2)
            let zhao = try #require(try await LegalAdviser.query(on: t.db).filter(\.$name == "赵律师").first())
            #expect(zhao.contactMasked == "137****1234" && zhao.contactSealed != nil && !(zhao.contactSealed ?? "").contains("1234"))
            #expect(try await LegalAdviserAssignment.query(on: t.db).filter(\.$adviserID == zhao.id!).count() == 2)

            let ledger = ReviewLedgerImporter()
            let columns = ledger.columns.map(\.header)
            let bad = try await ledger.run(try Self.table(columns, [["合同", "导入测试采购合同", "SFX-CZ", "某公司", "12.123456", "2025-03-03", "2025-03-10", "合法", "是"],
                                                                    ["行政协议", "导入测试征收补偿协议", "SFX-ZJ", "某户", "300", "2025-04-01", "2025-03-01", "合法", ""]]),
                                           by: bureau, services: t.services, on: t.db)
            #expect(bad.rowsWritten == 0)
            #expect(bad.errors.contains { $0.row == 2 && $0.column == "金额（万元）" })
            #expect(bad.errors.contains { $0.row == 3 && $0.column == "审查意见日期" && $0.message.contains("2025-04-01") })
            let good = try await ledger.run(try Self.table(columns, [["合同", "导入测试采购合同", "SFX-CZ", "某公司", "12.1234", "2025-03-03", "2025-03-10", "合法", "是"],
                                                                     ["行政协议", "导入测试征收补偿协议", "SFX-ZJ", "某户", "300", "2025-04-01", "2025-04-09", "合法", "否"]]),
                                            by: bureau, services: t.services, on: t.db)
            #expect(good.succeeded && good.rowsWritten == 2)
            let contract = try #require(try await LegalityReview.query(on: t.db).filter(\.$title == "导入测试采购合同").first())
            #expect(contract.amountYuan == 121_234 && contract.adopted == true && contract.opinionOn == "2025-03-10")
        }
    }
}
