import FazhiCalendar
import FazhiCore
import Foundation
import Disclosure
import Testing

private let calendar = try! WorkCalendar.bundled()
private func day(_ text: String) -> CivilDate { CivilDate(text)! }
private let today = day("2026-03-02")

private func message(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch let failure as ValidationFailure { return failure.errors.map(\.message).joined() } catch { return "\(error)" }
}

private func run(_ state: RequestState, _ actions: [RequestAction]) throws -> (RequestState, [String]) {
    var state = state
    var warnings: [String] = []
    for action in actions {
        let step = try DisclosureRules.apply(action, to: state, today: today, calendar: calendar)
        state = step.state
        warnings += step.warnings
    }
    return (state, warnings)
}

@Suite struct DisclosureRulesTests {
    @Test("第三十一条: the receipt date by channel — in person that day, registered mail the day signed, online the day confirmed")
    func receipt() throws {
        #expect(try DisclosureRules.receivedOn(channel: .inPerson, submittedOn: day("2025-03-03"), signedOn: nil, confirmedOn: nil) == day("2025-03-03"))
        #expect(try DisclosureRules.receivedOn(channel: .registeredMail, submittedOn: day("2025-03-03"), signedOn: day("2025-03-06"), confirmedOn: nil) == day("2025-03-06"))
        #expect(try DisclosureRules.receivedOn(channel: .online, submittedOn: day("2025-03-03"), signedOn: nil, confirmedOn: day("2025-03-04")) == day("2025-03-04"))
        #expect(message { _ = try DisclosureRules.receivedOn(channel: .registeredMail, submittedOn: day("2025-03-03"), signedOn: nil, confirmedOn: nil) }?.contains("第三十一条") == true)
        #expect(message { _ = try DisclosureRules.receivedOn(channel: .fax, submittedOn: day("2025-03-03"), signedOn: nil, confirmedOn: day("2025-03-02")) }?.contains("不能早于") == true)
    }

    @Test("第三十条: one 补正 notice within 7 working days (over the National Day holiday and its make-up Saturday), naming the items; the period restarts on the corrected request")
    func correction() throws {
        // Received Friday 2025-09-26: Sunday 09-28 is a working day, 10-01 to 10-08 are not, Saturday 10-11 is.
        let received = RequestState(receivedOn: day("2025-09-26"))
        #expect(message { _ = try run(received, [.noticeCorrection(on: day("2025-10-14"), items: ["申请内容"], due: day("2025-10-30"))]) }?.contains("期限至2025-10-13") == true)
        #expect(message { _ = try run(received, [.noticeCorrection(on: day("2025-10-13"), items: [" "], due: day("2025-10-30"))]) }?.contains("补正的事项") == true)
        let (noticed, _) = try run(received, [.noticeCorrection(on: day("2025-10-13"), items: ["所需信息的名称", "文号"], due: day("2025-10-27"))])
        #expect(message { _ = try run(noticed, [.noticeCorrection(on: day("2025-10-13"), items: ["再补"], due: day("2025-10-30"))]) }?.contains("一次性告知") == true)
        // Not answered while waiting; abandonment only after the period.
        #expect(message { _ = try run(noticed, [.answer(on: day("2025-10-20"), outcome: .disclosed)]) }?.contains("补正后才能答复") == true)
        #expect(message { _ = try run(noticed, [.answer(on: day("2025-10-27"), outcome: .notCorrected)]) }?.contains("期限届满后") == true)
        let (abandoned, _) = try run(noticed, [.answer(on: day("2025-10-28"), outcome: .notCorrected)])
        #expect(abandoned.outcome == .notCorrected)
        // Corrected on 11-03: twenty working days from there.
        let (corrected, _) = try run(noticed, [.receiveCorrection(on: day("2025-11-03"))])
        #expect(DisclosureRules.answerClock(corrected).dueDate(calendar: calendar) == day("2025-12-01"))
        #expect(message { _ = try run(corrected, [.answer(on: day("2025-11-20"), outcome: .notCorrected)]) }?.contains("第三十条") == true)
        #expect(try run(corrected, [.answer(on: day("2025-11-20"), outcome: .stillUnclear)]).0.outcome == .stillUnclear)
        #expect(message { _ = try run(received, [.answer(on: day("2025-10-20"), outcome: .stillUnclear)]) }?.contains("须已收到补正") == true)
    }

    @Test("第三十三条 and 第三十二条: twenty working days, a consultation's days not counted, one extension of at most twenty approved by the office head; a late answer is recorded with a warning")
    func period() throws {
        let received = RequestState(receivedOn: day("2025-03-03"))
        // 2025-03-03 (Monday) + 20 working days, no holiday in between: 2025-03-31.
        #expect(DisclosureRules.answerClock(received).dueDate(calendar: calendar) == day("2025-03-31"))
        let (consulted, warnings) = try run(received, [.startConsultation(on: day("2025-03-10")), .endConsultation(on: day("2025-04-07"))])
        // Twenty working days of consultation, more than the third party's fifteen: warned, and the due date moves on by them.
        #expect(warnings.count == 1 && warnings[0].contains("第三十二条"))
        let moved = try #require(DisclosureRules.answerClock(consulted).dueDate(calendar: calendar))
        #expect(moved > day("2025-03-31") && calendar.workdays(after: day("2025-03-31"), through: moved) >= 19)
        #expect(message { _ = try run(received, [.extend(on: day("2025-03-20"), workdays: 21, approver: "办公室主任")]) }?.contains("不得超过20个工作日") == true)
        #expect(message { _ = try run(received, [.extend(on: day("2025-03-20"), workdays: 20, approver: " ")]) }?.contains("负责人同意") == true)
        #expect(message { _ = try run(received, [.extend(on: day("2025-04-01"), workdays: 20, approver: "主任")]) }?.contains("届满") == true)
        let (extended, _) = try run(received, [.extend(on: day("2025-03-20"), workdays: 20, approver: "办公室主任")])
        // Twenty more from 03-31: 清明 (04-04) is off, Sunday 04-27 is the May Day make-up working day.
        #expect(DisclosureRules.answerClock(extended).dueDate(calendar: calendar) == day("2025-04-28"))
        #expect(message { _ = try run(extended, [.extend(on: day("2025-03-21"), workdays: 5, approver: "主任")]) }?.contains("只能延长一次") == true)
        let (late, lateWarnings) = try run(received, [.answer(on: day("2025-04-02"), outcome: .partlyDisclosed)])
        #expect(late.answeredOn == day("2025-04-02") && lateWarnings.first?.contains("逾期答复：答复期限至2025-03-31") == true)
        #expect(message { _ = try run(late, [.answer(on: day("2025-04-03"), outcome: .disclosed)]) }?.contains("已于2025-04-02答复") == true)
        #expect(message { _ = try run(received, [.startConsultation(on: day("2025-03-10")), .answer(on: day("2025-03-20"), outcome: .disclosed)]) }?.contains("尚未结束") == true)
    }

    @Test("the answers are the yearly report's rows: eight reasons to withhold, three unavailable, five not processed, three other, each with its article")
    func outcomes() {
        let groups = Dictionary(grouping: DisclosureOutcome.allCases, by: \.group).mapValues(\.count)
        #expect(groups[.disclosed] == 1 && groups[.partly] == 1 && groups[.withheld] == 8 && groups[.unavailable] == 3 && groups[.notProcessed] == 5 && groups[.other] == 3)
        #expect(DisclosureOutcome.allCases.allSatisfy { $0.basis.hasPrefix("政府信息公开条例") && !$0.label.isEmpty })
        #expect(ApplicantClass.allCases.map(\.label) == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])
    }
}
