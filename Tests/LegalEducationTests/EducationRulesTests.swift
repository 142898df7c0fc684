import FazhiCalendar
import FazhiCore
import Foundation
import LegalEducation
import Testing

@Suite struct EducationRulesTests {
    private let today = CivilDate("2026-03-02")!

    private func refused(_ record: EducationRecordFacts) -> [String] {
        do { try EducationRules.check(record, today: today); return [] } catch { return error.errors.map(\.field) }
    }

    @Test("an exam needs its passes, no more than its takers; only an exam has passes; a model village needs its level and batch; nothing in the future")
    func checks() {
        let day = CivilDate("2026-02-10")!
        #expect(refused(EducationRecordFacts(kind: .exam, on: day, title: "2026年领导干部学法考试", count: 120)) == ["passed"])
        #expect(refused(EducationRecordFacts(kind: .exam, on: day, title: "2026年领导干部学法考试", count: 120, passed: 121)) == ["passed"])
        #expect(refused(EducationRecordFacts(kind: .exam, on: day, title: "2026年领导干部学法考试", count: 120, passed: 118)).isEmpty)
        #expect(refused(EducationRecordFacts(kind: .preMeetingStudy, on: day, title: "学习行政复议法", count: 25, passed: 25)) == ["passed"])
        #expect(refused(EducationRecordFacts(kind: .event, on: day, title: "宪法宣传周", count: 0)) == ["count"])
        #expect(refused(EducationRecordFacts(kind: .modelVillage, on: day, title: "城关镇第一村", count: 0, level: .provincial)) == ["batch"])
        #expect(refused(EducationRecordFacts(kind: .modelVillage, on: day, title: "城关镇第一村", count: 0, level: .provincial, batch: "第八批")).isEmpty)
        #expect(refused(EducationRecordFacts(kind: .lecture, on: CivilDate("2026-03-03")!, title: "民法典讲座", count: 50)) == ["on"])
    }
}
