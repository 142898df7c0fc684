import FazhiCalendar
import FazhiCore
import Foundation
import MajorDecisions
import Testing

private let calendar = try! WorkCalendar.bundled()
private func day(_ text: String) -> CivilDate { CivilDate(text)! }
private let today = day("2026-03-02")

private func apply(_ actions: [DecisionAction], to state: DecisionState) throws -> DecisionState {
    var state = state
    for action in actions { state = try DecisionRules.apply(action, to: state, today: today, calendar: calendar) }
    return state
}

private func refusal(_ action: DecisionAction, _ state: DecisionState) -> String? {
    do {
        _ = try DecisionRules.apply(action, to: state, today: today, calendar: calendar)
        return nil
    } catch {
        return error.errors.map { "\($0.label)：\($0.message)" }.joined(separator: "；")
    }
}

@Suite struct DecisionRulesTests {
    let plan = DecisionState(title: "示范县城区学校布局调整规划（2025—2030年）", inCatalogue: true)

    @Test("the five procedures, then 集体讨论决定 at a 常务会议 with the head's decision, publication and archive")
    func wholeProcedure() throws {
        let decided = try apply([
            .consult(from: day("2025-04-01"), to: day("2025-05-06"), adoption: "收到意见86条，采纳31条", shortReason: nil),
            .hearing(heldOn: day("2025-05-20"), materialsOn: day("2025-05-10")),
            .expertReview(from: day("2025-05-08"), to: day("2025-05-15"), result: "规划总体可行"),
            .riskAssessment(from: day("2025-05-08"), to: day("2025-05-25"), result: "风险等级低"),
            .legalityReview(from: day("2025-05-26"), to: day("2025-06-06"), opinion: "符合教育法等规定"),
            .discuss(on: day("2025-06-12"), meeting: "县政府第23次常务会议", headDecision: "同意，按讨论意见修改后印发"),
            .publish(on: day("2025-06-20")), .archive(on: day("2025-07-01")),
        ], to: plan)
        #expect(DecisionRules.allProceduresDone(decided))
        #expect(decided.publishedOn == day("2025-06-20") && decided.archivedOn == day("2025-07-01"))
        if case .done(let from, let to, let result)? = decided.procedures[.publicParticipation] {
            #expect(from == day("2025-04-01") && to == day("2025-05-20") && result.contains("听证会"))
        } else {
            Issue.record("public participation not recorded")
        }
        // Nothing is added after the decision.
        #expect(refusal(.expertReview(from: day("2025-06-13"), to: day("2025-06-14"), result: "补充论证"), decided)?.contains("不能再补记") == true)
    }

    @Test("each gate refuses with its article: the 30 days, the hearing notice, the review time, the catalogue, a missing procedure, the meeting and the head")
    func gates() throws {
        // A short consultation needs its stated reason (第十五条).
        #expect(refusal(.consult(from: day("2025-04-01"), to: day("2025-04-20"), adoption: "采纳3条", shortReason: nil), plan)?.contains("第十五条") == true)
        #expect(try apply([.consult(from: day("2025-04-01"), to: day("2025-04-20"), adoption: "采纳3条", shortReason: "防汛工程须在汛期前开工")], to: plan)
            .procedures[.publicParticipation] != nil)
        // Hearing materials seven days ahead (第十六条).
        let consulted = try apply([.consult(from: day("2025-04-01"), to: day("2025-05-06"), adoption: "采纳", shortReason: nil)], to: plan)
        #expect(refusal(.hearing(heldOn: day("2025-05-20"), materialsOn: day("2025-05-15")), consulted)?.contains("第十六条") == true)
        // Legality review: at least seven working days, and never waived (第二十五条至第二十八条).
        #expect(refusal(.legalityReview(from: day("2025-05-26"), to: day("2025-05-30"), opinion: "合法"), consulted)?.contains("7个工作日") == true)
        #expect(refusal(.waive(.legalityReview, reason: "时间紧"), consulted)?.contains("不得以征求意见等方式代替") == true)
        #expect(refusal(.waive(.expertReview, reason: " "), consulted)?.contains("第十九条") == true)

        // Discussion: every procedure done or waived, after the last of them, at a 常务会议 or 全体会议, the head's decision recorded.
        let missing = refusal(.discuss(on: day("2025-06-12"), meeting: "县政府常务会议", headDecision: "同意"), consulted) ?? ""
        #expect(missing.contains("专家论证") && missing.contains("风险评估") && missing.contains("合法性审查") && !missing.contains("公众参与"), "\(missing)")
        let ready = try apply([
            .waive(.expertReview, reason: "不涉及专业技术问题"), .waive(.riskAssessment, reason: "不涉及社会稳定、公共安全"),
            .legalityReview(from: day("2025-05-26"), to: day("2025-06-06"), opinion: "合法"),
        ], to: consulted)
        #expect(refusal(.discuss(on: day("2025-06-05"), meeting: "县政府常务会议", headDecision: "同意"), ready)?.contains("2025-06-06") == true)
        #expect(refusal(.discuss(on: day("2025-06-12"), meeting: "局长办公会", headDecision: "同意"), ready)?.contains("第三十条") == true)
        #expect(refusal(.discuss(on: day("2025-06-12"), meeting: "县政府常务会议", headDecision: ""), ready)?.contains("行政首长") == true)
        let decided = try apply([.discuss(on: day("2025-06-12"), meeting: "县政府常务会议", headDecision: "同意")], to: ready)
        // Waived procedures are lawful but do not count as all five carried out.
        #expect(!DecisionRules.allProceduresDone(decided))
        // Outside the catalogue, no discussion (第三条、第四条).
        var outside = ready
        outside.inCatalogue = false
        #expect(refusal(.discuss(on: day("2025-06-12"), meeting: "县政府常务会议", headDecision: "同意"), outside)?.contains("决策事项目录") == true)
        #expect(refusal(.publish(on: day("2025-06-20")), ready)?.contains("集体讨论决定后") == true)
    }

    @Test("the legality review runs from the day it was sent; execution, evaluation and accountability come after the decision, each with its article")
    func afterTheDecision() throws {
        let sent = try apply([.submitLegalityReview(on: day("2025-05-26"))], to: plan)
        #expect(refusal(.submitLegalityReview(on: day("2025-05-27")), sent)?.contains("已于2025-05-26送请") == true)
        #expect(refusal(.legalityReview(from: day("2025-05-27"), to: day("2025-06-10"), opinion: "合法"), sent)?.contains("2025-05-26送审起算") == true)
        let reviewed = try apply([.legalityReview(from: day("2025-05-26"), to: day("2025-06-06"), opinion: "合法")], to: sent)
        #expect(reviewed.legalitySubmittedOn == nil)
        #expect(refusal(.submitLegalityReview(on: day("2025-06-07")), reviewed)?.contains("已经过") == true)
        #expect(refusal(.track(on: day("2025-06-10"), note: "按期推进"), reviewed)?.contains("第三十四条") == true)
        #expect(refusal(.evaluate(on: day("2025-06-10"), result: "好"), reviewed)?.contains("第三十六条") == true)
        #expect(refusal(.accountability(on: day("2025-06-10"), note: "无"), reviewed)?.contains("第三十八条") == true)
        let decided = try apply([
            .waive(.publicParticipation, reason: "内部管理事项"), .waive(.expertReview, reason: "不涉及专业技术"), .waive(.riskAssessment, reason: "无风险"),
            .discuss(on: day("2025-06-12"), meeting: "县政府常务会议", headDecision: "同意"), .publish(on: day("2025-06-20")),
        ], to: reviewed)
        #expect(refusal(.track(on: day("2025-06-19"), note: "推进"), decided)?.contains("2025-06-20") == true)
        #expect(refusal(.evaluate(on: day("2026-01-10"), result: " "), decided)?.contains("第三十六条") == true)
        let evaluated = try apply([.track(on: day("2025-09-01"), note: "完成60%"), .evaluate(on: day("2026-01-10"), result: "达到预期"),
                                   .accountability(on: day("2026-02-01"), note: "无")], to: decided)
        #expect(evaluated.evaluatedOn == day("2026-01-10") && evaluated.evaluation == "达到预期")
        // Waived procedures are lawful but not "all five carried out".
        #expect(!DecisionRules.allProceduresDone(evaluated))
    }

    @Test("an online consultation takes opinions from its first day for the minimum period; it closes from that day, and only once")
    func onlineConsultation() throws {
        let open = try apply([.openConsultation(on: day("2026-01-05"))], to: plan)
        #expect(DecisionRules.takesOpinions(open, on: day("2026-01-05")) && DecisionRules.takesOpinions(open, on: day("2026-02-04")))
        #expect(!DecisionRules.takesOpinions(open, on: day("2026-01-04")) && !DecisionRules.takesOpinions(open, on: day("2026-02-05")))
        #expect(refusal(.openConsultation(on: day("2026-01-06")), open)?.contains("正在征求意见") == true)
        #expect(refusal(.consult(from: day("2026-01-06"), to: day("2026-02-05"), adoption: "采纳", shortReason: nil), open)?.contains("2026-01-05") == true)
        let closed = try apply([.consult(from: day("2026-01-05"), to: day("2026-02-04"), adoption: "采纳2条", shortReason: nil)], to: open)
        #expect(closed.consultationOpenedOn == nil && !DecisionRules.takesOpinions(closed, on: day("2026-01-10")))
        #expect(refusal(.openConsultation(on: day("2026-02-10")), closed)?.contains("已经记录") == true)
        #expect(refusal(.openConsultation(on: day("2026-03-03")), plan)?.contains("不能晚于今天") == true)
    }
}
