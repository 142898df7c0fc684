import FazhiCalendar
import FazhiCore
import Foundation
import Mediation
import Testing

// 人民调解 without a database: the record before an agreement (第二十七条), the other routes told on
// failure (第二十六条), 司法确认 within 30 days of the agreement (第三十三条), a slow settlement warned.

private let calendar = try! WorkCalendar.bundled()
private func run(_ steps: [DisputeStep], accepted: String = "2026-03-02", today: String = "2026-12-31") throws -> (DisputeState, [String]) {
    var state = DisputeState(acceptedOn: CivilDate(accepted)!)
    var warnings: [String] = []
    for step in steps {
        let result = try MediationRules.apply(step, to: state, today: CivilDate(today)!, calendar: calendar)
        state = result.state
        warnings += result.warnings
    }
    return (state, warnings)
}

@Suite struct MediationRulesTests {
    @Test("an agreement needs a recorded session; a failure names the routes told; nothing after the end; a settlement past a month is warned")
    func outcomes() throws {
        let session = DisputeStep.session(on: CivilDate("2026-03-05")!)
        #expect(throws: ValidationFailure.self) { try run([.agree(on: CivilDate("2026-03-05")!, written: true)]) }
        do {
            _ = try run([session, .fail(on: CivilDate("2026-03-10")!, routes: [])])
            Issue.record("a failure without the routes told passed")
        } catch let failure as ValidationFailure { #expect(failure.message(for: "routes")?.contains("第二十六条") == true) }
        let (failed, _) = try run([session, .fail(on: CivilDate("2026-03-10")!, routes: [.lawsuit, .arbitration])])
        #expect(failed.outcome == .failed && failed.routes == [.lawsuit, .arbitration])
        #expect(throws: ValidationFailure.self) { try run([session, .fail(on: CivilDate("2026-03-10")!, routes: [.lawsuit]), .agree(on: CivilDate("2026-03-11")!, written: true)]) }
        let (quick, none) = try run([session, .agree(on: CivilDate("2026-03-20")!, written: false)])
        #expect(quick.outcome == .oralAgreement && quick.agreementEffectiveOn == CivilDate("2026-03-20") && none.isEmpty)
        let (slow, warnings) = try run([session, .agree(on: CivilDate("2026-04-10")!, written: true)])
        #expect(slow.outcome == .writtenAgreement && warnings.count == 1 && warnings[0].contains("一个月"))
        #expect(throws: ValidationFailure.self) { try run([.session(on: CivilDate("2026-03-01")!)]) }
    }

    @Test("司法确认: only after an agreement, within 30 days of it taking effect (a last day on a rest day moves to the next working day), once; the court's result after it")
    func confirmation() throws {
        let agreed: [DisputeStep] = [.session(on: CivilDate("2026-03-05")!), .agree(on: CivilDate("2026-03-10")!, written: true)]
        let (state, _) = try run(agreed)
        // 2026-03-10 + 30 days = 2026-04-09 (Thursday).
        #expect(MediationRules.confirmationDue(state, calendar: calendar) == CivilDate("2026-04-09"))
        do {
            _ = try run(agreed + [.applyConfirmation(on: CivilDate("2026-04-10")!)])
            Issue.record("a late application passed")
        } catch let failure as ValidationFailure { #expect(failure.message(for: "on")?.contains("第三十三条") == true) }
        let (applied, _) = try run(agreed + [.applyConfirmation(on: CivilDate("2026-04-09")!), .confirmationResult(on: CivilDate("2026-04-20")!, confirmed: true)])
        #expect(applied.confirmed == true)
        #expect(throws: ValidationFailure.self) { try run(agreed + [.applyConfirmation(on: CivilDate("2026-04-01")!), .applyConfirmation(on: CivilDate("2026-04-02")!)]) }
        #expect(throws: ValidationFailure.self) { try run([.session(on: CivilDate("2026-03-05")!), .applyConfirmation(on: CivilDate("2026-03-06")!)]) }
        // 2026-09-01 + 30 days = 2026-10-01, in the National Day holiday → the first working day after it.
        let (holiday, _) = try run([.session(on: CivilDate("2026-08-28")!), .agree(on: CivilDate("2026-09-01")!, written: true)], accepted: "2026-08-27")
        #expect(MediationRules.confirmationDue(holiday, calendar: calendar)! > CivilDate("2026-10-07")!)
    }

    @Test("the levels: a village's disputes go up to the township, the township's and professional bodies' to the county, the county's nowhere")
    func levels() {
        #expect(MediationLevel.village.above == .township && MediationLevel.township.above == .county && MediationLevel.professional.above == .county)
        #expect(MediationLevel.county.above == nil)
    }
}
