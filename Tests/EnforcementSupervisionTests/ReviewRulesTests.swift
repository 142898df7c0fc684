import EnforcementSupervision
import FazhiCalendar
import FazhiCore
import Foundation
import Testing

// 案卷评查 without a database: every refusal a campaign's set-up, scoring, rectification and end
// make, and what a score comes to.

private let reviewer = UUID(uuidString: "00000000-0000-0000-0000-0000000000A1")!
private let other = UUID(uuidString: "00000000-0000-0000-0000-0000000000B2")!

private func input(title: String? = "2025年行政处罚案卷评查", from: String? = "2025-01-01", to: String? = "2025-12-31", seed: String? = "20250312",
                   rate: String? = "20", minimum: String? = "1", reviewers: String? = "supervisor, reviewer.scjg", rubric: String? = nil) -> ReviewService.CampaignInput {
    ReviewService.CampaignInput(title: title, periodFrom: from, periodTo: to, seed: seed, ratePercent: rate, minimumPerStratum: minimum, reviewers: reviewers, rubric: rubric)
}

private func refusal<T>(_ body: () throws(ValidationFailure) -> T) -> ValidationFailure? {
    do { _ = try body(); return nil } catch { return error }
}

private let fullMarks = ["S1": "20", "S2": "20", "S3": "25", "S4": "20", "S5": "15"]
private func file(reviewedOn: String? = nil, finished: Bool = false) -> ReviewRules.FileState {
    ReviewRules.FileState(reviewerID: reviewer, reviewerName: "吴法审（市场监管局）", reviewedOn: reviewedOn, campaignFinished: finished)
}

@Suite struct ReviewRulesTests {
    @Test("a campaign's form: dates, a published or generated seed, rate 1–100, minimum 0–100, at least one reviewer, a parsable rubric")
    func plan() throws {
        let plan = try ReviewRules.plan(input(reviewers: "reviewer.scjg，supervisor、supervisor"), generatedSeed: 7)
        #expect(plan.seed == 20_250_312 && plan.ratePercent == 20 && plan.minimumPerStratum == 1 && plan.rubric == Rubric.standard)
        #expect(plan.reviewerLogins == ["reviewer.scjg", "supervisor"])
        #expect(try ReviewRules.plan(input(seed: " "), generatedSeed: 7).seed == 7)
        let wrong = refusal { () throws(ValidationFailure) in
            try ReviewRules.plan(input(title: "", from: "2025-13-01", to: "2024-01-01", seed: "-1", rate: "0", minimum: "101", reviewers: " "), generatedSeed: 7)
        }
        for field in ["title", "periodFrom", "seed", "ratePercent", "minimumPerStratum", "reviewers"] {
            #expect(wrong?.message(for: field) != nil, "\(field)")
        }
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.plan(input(to: "2024-12-31"), generatedSeed: 7) }?.message(for: "periodTo") == "不能早于起始日期")
        let badRubric = refusal { () throws(ValidationFailure) in try ReviewRules.plan(input(rubric: "评分|S1|卷面|abc"), generatedSeed: 7) }
        #expect(badRubric?.message(for: "rubric")?.contains("应为整数") == true)
    }

    @Test("scoring: only the assigned reviewer, once, while the campaign runs; items within their points; a deduction or veto names its problem")
    func scoring() throws {
        let perfect = ReviewService.ScoreInput(vetoes: [], scores: fullMarks, problems: nil)
        let score = try ReviewRules.score(file(), rubric: .standard, input: perfect, by: reviewer)
        #expect(score.total == 100 && score.grade == .excellent && score.problems == nil)
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.score(file(), rubric: .standard, input: perfect, by: other) }?
            .message(for: "reviewer")?.contains("其他人员不能评分") == true)
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.score(file(), rubric: .standard, input: perfect, by: nil) } != nil)
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.score(file(finished: true), rubric: .standard, input: perfect, by: reviewer) }?
            .message(for: "campaign")?.contains("评查已结束") == true)
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.score(file(reviewedOn: "2026-02-01"), rubric: .standard, input: perfect, by: reviewer) }?
            .message(for: "campaign") == "本卷已于2026-02-01评分")
        var over = fullMarks
        over["S3"] = "26"
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.score(file(), rubric: .standard, input: .init(vetoes: [], scores: over, problems: nil), by: reviewer) }?
            .message(for: "score-S3") == "得分应为0至25之间的整数")
        var deducted = fullMarks
        deducted["S2"] = "15"
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.score(file(), rubric: .standard, input: .init(vetoes: [], scores: deducted, problems: " "), by: reviewer) }?
            .message(for: "problems")?.contains("须写明发现的问题") == true)
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.score(file(), rubric: .standard, input: .init(vetoes: ["F9"], scores: fullMarks, problems: "x"), by: reviewer) }?
            .message(for: "vetoes") == "没有编号为“F9”的否决项")
        let vetoed = try ReviewRules.score(file(), rubric: .standard, input: .init(vetoes: ["F2", "F2"], scores: fullMarks, problems: "只有一名执法人员"), by: reviewer)
        #expect(vetoed.vetoes == ["F2"] && vetoed.total == 0 && vetoed.grade == .fail && vetoed.problems == "只有一名执法人员")
        #expect(refusal { () throws(ValidationFailure) in
            try ReviewRules.score(file(), rubric: .standard, input: .init(vetoes: [], scores: deducted, problems: String(repeating: "问", count: 2001)), by: reviewer)
        }?.message(for: "problems") == "不能超过2000字")
    }

    @Test("rectification: once, with what was done, dated between the assignment and today; a campaign ends once, with every file scored")
    func rectifyAndFinish() throws {
        let assigned = CivilDate("2026-02-02")!, today = CivilDate("2026-03-02")!
        let done = try ReviewRules.rectify(doneOn: nil, assignedOn: assigned, response: " 已补正文书 ", on: "2026-02-20", today: today)
        #expect(done.day == CivilDate("2026-02-20")! && done.text == "已补正文书")
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.rectify(doneOn: "2026-02-10", assignedOn: assigned, response: "x", on: "2026-02-20", today: today) }?
            .message(for: "response") == "已于2026-02-10报告整改")
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.rectify(doneOn: nil, assignedOn: assigned, response: "x", on: "2026-03-03", today: today) }?
            .message(for: "on") == "不能晚于今天")
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.rectify(doneOn: nil, assignedOn: assigned, response: "x", on: "2026-02-01", today: today) }?
            .message(for: "on") == "不能早于交办日期 2026-02-02")
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.rectify(doneOn: nil, assignedOn: assigned, response: " ", on: "2026-02-20", today: today) }?
            .message(for: "response") != nil)
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.finish(finished: false, unscored: 3) }?.message(for: "campaign") == "还有3卷未评分，不能结束评查")
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.finish(finished: true, unscored: 0) }?.message(for: "campaign") == "评查已结束")
        #expect(refusal { () throws(ValidationFailure) in try ReviewRules.finish(finished: false, unscored: 0) } == nil)
    }
}
