import FazhiCore
import Foundation
import ServiceCatalogue
import Testing

// The catalogue's rules without a database: promised within legal, a licence's 20 working days
// (行政许可法第四十二条), 马上办 only for 即办件, 全程网办 without a visit; and the change list of a version.

@Suite struct ServiceRulesTests {
    @Test("refusals name the field and the rule; a consistent item passes")
    func check() throws {
        func refused(_ item: ServiceItemFacts) -> [String] {
            do { try ServiceRules.check(item); return [] } catch { return error.errors.map(\.field) }
        }
        #expect(refused(ServiceItemFacts(name: "食品经营许可", kind: .licence, legalLimit: 20, promisedLimit: 25)) == ["promisedLimit"])
        #expect(refused(ServiceItemFacts(name: "食品经营许可", kind: .licence, legalLimit: nil, promisedLimit: 5)) == ["legalLimit"])
        #expect(refused(ServiceItemFacts(name: "某许可", kind: .licence, legalLimit: 45, promisedLimit: 5)) == ["legalLimit"])
        #expect(refused(ServiceItemFacts(name: "就业登记", kind: .publicService, legalLimit: nil, promisedLimit: 3, onTheSpot: true)) == ["onTheSpot"])
        #expect(refused(ServiceItemFacts(name: "就业登记", kind: .publicService, legalLimit: nil, promisedLimit: 0, fullyOnline: true, visits: 1)) == ["visits"])
        #expect(refused(ServiceItemFacts(name: "就业登记", kind: .publicService, legalLimit: nil, promisedLimit: 0, onTheSpot: true, fullyOnline: true, visits: 0,
                                         nearby: .village)).isEmpty)
        do {
            try ServiceRules.check(ServiceItemFacts(name: "食品经营许可", kind: .licence, legalLimit: 20, promisedLimit: 25))
        } catch {
            #expect(error.message(for: "promisedLimit")?.contains("不得超过法定时限（20个工作日）") == true)
        }
    }

    @Test("a version's changes list every field that moved, and nothing else")
    func changes() {
        let before = ServiceItemFacts(name: "食品经营许可", kind: .licence, legalLimit: 20, promisedLimit: 5, fullyOnline: false, visits: 1)
        var after = before
        #expect(ServiceRules.changes(from: before, to: after).isEmpty)
        after.promisedLimit = 3
        after.fullyOnline = true
        after.visits = 0
        #expect(ServiceRules.changes(from: before, to: after) == ["承诺时限：5 → 3个工作日", "全程网办：否 → 是", "最多跑：1 → 0次"])
    }
}
