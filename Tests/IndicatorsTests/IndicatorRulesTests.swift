import FazhiCore
import Foundation
import Indicators
import Testing

@Suite struct IndicatorRulesTests {
    @Test("a threshold gives all or nothing, either way round; a line gives points in proportion, clamped; no data makes it not applicable (out of the maximum); each says why")
    func scoring() {
        let rate = ScoringRule.threshold(target: 100, higherIsBetter: true)
        #expect(IndicatorRules.score(value: 100, rule: rate, weight: 2, figure: "备案及时率").points == 2)
        #expect(IndicatorRules.score(value: Decimal(string: "99.5")!, rule: rate, weight: 2, figure: "备案及时率").points == 0)
        let loss = ScoringRule.threshold(target: 5, higherIsBetter: false)
        #expect(IndicatorRules.score(value: 4, rule: loss, weight: 3, figure: "败诉率").points == 3)
        #expect(IndicatorRules.score(value: 6, rule: loss, weight: 3, figure: "败诉率").explanation == "败诉率为6，应不超过5：不得分")
        let line = ScoringRule.linear(worst: 60, best: 100)
        #expect(IndicatorRules.score(value: 80, rule: line, weight: 4, figure: "按时答复率").points == 2)
        #expect(IndicatorRules.score(value: 50, rule: line, weight: 4, figure: "按时答复率").points == 0)
        #expect(IndicatorRules.score(value: 120, rule: line, weight: 4, figure: "按时答复率").points == 4)
        let none = IndicatorRules.score(value: nil, rule: line, weight: 4, figure: "按时答复率")
        #expect(none.explanation.contains("不适用") && none.points == 0 && none.weight == 0)
    }

    @Test("rules read and write their file form; an assessor's score stays within the weight and gives its reason")
    func specsAndEvidence() throws {
        for spec in ["threshold:95:higher", "threshold:5:lower", "linear:60:100", "evidence"] { #expect(ScoringRule(spec: spec)?.spec == spec) }
        #expect(ScoringRule(spec: "linear:60:60") == nil && ScoringRule(spec: "threshold:x:higher") == nil && ScoringRule(spec: "other") == nil)
        #expect(throws: ValidationFailure.self) { try IndicatorRules.assess(points: 3, weight: 2, reason: "材料齐全") }
        #expect(throws: ValidationFailure.self) { try IndicatorRules.assess(points: 1, weight: 2, reason: " ") }
        #expect(try IndicatorRules.assess(points: Decimal(string: "1.5")!, weight: 2, reason: "缺少会议纪要").points == Decimal(string: "1.5"))
    }
}
