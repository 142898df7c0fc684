import FazhiCalendar
import FazhiCore
import Foundation
import LegalAffairs
import Testing

private func day(_ text: String) -> CivilDate { CivilDate(text)! }

@Suite struct LegalRulesTests {
    func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let failure as ValidationFailure { return failure.errors.map(\.message).joined() } catch { return "\(error)" }
    }

    @Test("contract amounts in 万元 to whole 元: decimals, bounds, required for contracts and agreements only")
    func amounts() throws {
        #expect(try LegalRules.amountYuan("1250.5", kind: .contract) == 12_505_000)
        #expect(try LegalRules.amountYuan("0.0001", kind: .agreement) == 1)
        #expect(try LegalRules.amountYuan("1000000", kind: .contract) == 10_000_000_000)
        #expect(try LegalRules.amountYuan("", kind: .other) == nil)
        #expect(message { _ = try LegalRules.amountYuan("", kind: .agreement) }?.contains("行政协议须填写") == true)
        for bad in ["-1", "1.23456", "1e5", "１２", "1.2.3", "abc", "1000000.01"] {
            #expect(message { _ = try LegalRules.amountYuan(bad, kind: .contract) } != nil, "\(bad)")
        }
    }

    @Test("an opinion once, between submission and today, with its text; adoption only after it")
    func opinion() throws {
        let sent = ReviewState(kind: .contract, submittedOn: day("2026-02-02"))
        let today = day("2026-03-02")
        #expect(message { _ = try LegalRules.apply(.adoption(adopted: true), to: sent, today: today) }?.contains("出具审查意见后") == true)
        #expect(message { _ = try LegalRules.apply(.opinion(on: day("2026-02-01"), text: "合法"), to: sent, today: today) }?.contains("2026-02-02") == true)
        #expect(message { _ = try LegalRules.apply(.opinion(on: day("2026-03-03"), text: "合法"), to: sent, today: today) } != nil)
        #expect(message { _ = try LegalRules.apply(.opinion(on: day("2026-02-10"), text: " "), to: sent, today: today) }?.contains("审查意见") == true)
        let reviewed = try LegalRules.apply(.opinion(on: day("2026-02-10"), text: "建议增加违约责任条款"), to: sent, today: today)
        #expect(message { _ = try LegalRules.apply(.opinion(on: day("2026-02-11"), text: "再审"), to: reviewed, today: today) }?.contains("已于2026-02-10") == true)
        #expect(try LegalRules.apply(.adoption(adopted: true), to: reviewed, today: today).adopted == true)
    }

    @Test("an adviser's term: serving between its ends, warned within 60 days of its end")
    func terms() throws {
        #expect(message { try LegalRules.checkTerm(from: day("2026-01-01"), to: day("2025-12-31")) }?.contains("不能早于") == true)
        #expect(LegalRules.serving(from: day("2025-01-01"), to: day("2026-12-31"), on: day("2026-12-31")))
        #expect(!LegalRules.serving(from: day("2025-01-01"), to: day("2026-12-31"), on: day("2027-01-01")))
        #expect(LegalRules.expiring(to: day("2026-04-30"), on: day("2026-03-02")))
        #expect(!LegalRules.expiring(to: day("2026-05-02"), on: day("2026-03-02")))
        #expect(!LegalRules.expiring(to: day("2026-03-01"), on: day("2026-03-02")))
    }
}
