import FazhiCalendar
import FazhiCore
import Foundation
import Suggestions
import Testing

// 建议提案办理 without a database: the period from 交办 (代表法第五十一条), its one extension to six
// months, C answers with their reason, satisfaction and re-handling (docs/law.md §20).

private let calendar = try! WorkCalendar.bundled()
private func facts(_ today: String) -> SuggestionFacts { SuggestionFacts(today: CivilDate(today)!, calendar: calendar) }
private func run(_ steps: [SuggestionStep], kind: SuggestionKind = .deputySuggestion, today: String = "2026-12-31") throws -> (SuggestionState, [String]) {
    var state = SuggestionState(kind: kind)
    var warnings: [String] = []
    for step in steps {
        let result = try SuggestionRules.apply(step, to: state, facts: facts(today))
        state = result.state
        warnings += result.warnings
    }
    return (state, warnings)
}

@Suite struct SuggestionRulesTests {
    @Test("three months from 交办, the month's end rule (a make-up Saturday kept) and a rest day moving the last day; one extension to at most six months, approved, before the period ends")
    func period() throws {
        let (state, _) = try run([.assign(on: CivilDate("2026-02-27")!)])
        // 2026-05-27 is a Wednesday.
        #expect(SuggestionRules.dueDate(state, calendar: calendar) == CivilDate("2026-05-27"))
        // 2025-11-30 + 3 months: February has no 30th, so its last day, 2026-02-28 — a Saturday, but a
        // make-up working day of the 2026 Spring Festival, so it stays.
        let (end, _) = try run([.assign(on: CivilDate("2025-11-30")!)])
        #expect(SuggestionRules.dueDate(end, calendar: calendar) == CivilDate("2026-02-28"))
        // 2026-07-31 + 3 months = 2026-10-31, a Saturday → the next working day, Monday 2026-11-02.
        let (rest, _) = try run([.assign(on: CivilDate("2026-07-31")!)])
        #expect(SuggestionRules.dueDate(rest, calendar: calendar) == CivilDate("2026-11-02"))
        let assign = SuggestionStep.assign(on: CivilDate("2026-02-27")!)
        #expect(throws: ValidationFailure.self) { try run([assign, .extend(on: CivilDate("2026-03-10")!, months: 7, approver: "县政府办公室", reason: "涉及多部门")]) }
        #expect(throws: ValidationFailure.self) { try run([assign, .extend(on: CivilDate("2026-03-10")!, months: 6, approver: "", reason: "涉及多部门")]) }
        #expect(throws: ValidationFailure.self) { try run([assign, .extend(on: CivilDate("2026-06-10")!, months: 6, approver: "县政府办公室", reason: "涉及多部门")]) }
        let (extended, _) = try run([assign, .extend(on: CivilDate("2026-03-10")!, months: 6, approver: "县政府办公室", reason: "涉及多部门")])
        #expect(SuggestionRules.dueDate(extended, calendar: calendar) == CivilDate("2026-08-27"))
        let twice = try? run([assign, .extend(on: CivilDate("2026-03-10")!, months: 5, approver: "县政府办公室", reason: "涉及多部门"),
                              .extend(on: CivilDate("2026-03-11")!, months: 6, approver: "县政府办公室", reason: "仍未完成")])
        #expect(twice == nil)
    }

    @Test("an answer: a C answer needs its reason; no recorded contact and a late answer are warned, not refused; nothing before 交办 or after today")
    func answer() throws {
        let assign = SuggestionStep.assign(on: CivilDate("2026-02-27")!)
        do {
            _ = try run([assign, .answer(on: CivilDate("2026-04-01")!, answerClass: .c, reason: " ")])
            Issue.record("a C answer without its reason passed")
        } catch let failure as ValidationFailure { #expect(failure.message(for: "reason")?.contains("C类") == true) }
        let (late, warnings) = try run([assign, .answer(on: CivilDate("2026-06-01")!, answerClass: .a, reason: "")])
        #expect(late.answerClass == .a && warnings.count == 2 && warnings.contains { $0.contains("逾期答复") && $0.contains("代表法第五十一条") })
        let (timely, none) = try run([assign, .contact(on: CivilDate("2026-03-05")!, how: "面商"), .answer(on: CivilDate("2026-04-01")!, answerClass: .b, reason: "")])
        #expect(timely.answerClass == .b && none.isEmpty)
        #expect(throws: ValidationFailure.self) { try run([assign, .answer(on: CivilDate("2026-02-26")!, answerClass: .a, reason: "")]) }
        #expect(throws: ValidationFailure.self) { try run([assign, .answer(on: CivilDate("2026-04-01")!, answerClass: .a, reason: "")], today: "2026-03-31") }
        #expect(throws: ValidationFailure.self) { try run([assign, .answer(on: CivilDate("2026-04-01")!, answerClass: .a, reason: ""), .answer(on: CivilDate("2026-04-02")!, answerClass: .a, reason: "")]) }
    }

    @Test("不满意: re-handled within its own period, answered again, feedback again; re-handling needs an unsatisfied answer; release after the answer, once")
    func rehandle() throws {
        let steps: [SuggestionStep] = [.assign(on: CivilDate("2026-02-27")!), .contact(on: CivilDate("2026-03-05")!, how: "电话"),
                                       .answer(on: CivilDate("2026-04-01")!, answerClass: .b, reason: ""), .feedback(on: CivilDate("2026-04-10")!, satisfaction: .unsatisfied)]
        #expect(throws: ValidationFailure.self) { try run(Array(steps.prefix(3)) + [.rehandle(on: CivilDate("2026-04-11")!)]) }
        let (again, _) = try run(steps + [.rehandle(on: CivilDate("2026-04-15")!)])
        #expect(again.answeredOn == nil && again.rehandleCount == 1 && SuggestionRules.dueDate(again, calendar: calendar) == CivilDate("2026-05-15"))
        let (done, _) = try run(steps + [.rehandle(on: CivilDate("2026-04-15")!), .answer(on: CivilDate("2026-05-10")!, answerClass: .a, reason: ""),
                                         .feedback(on: CivilDate("2026-05-20")!, satisfaction: .satisfied), .release(on: CivilDate("2026-05-21")!)])
        #expect(done.satisfaction == .satisfied && done.answerClass == .a && done.releasedOn == CivilDate("2026-05-21"))
        #expect(throws: ValidationFailure.self) { try run([.assign(on: CivilDate("2026-02-27")!), .release(on: CivilDate("2026-03-01")!)]) }
    }
}
