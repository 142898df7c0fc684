import FazhiCalendar
import FazhiCore
import Foundation

/// 案卷评查 as plain Swift: the checks a review campaign's steps make, without a database, a clock
/// or randomness (the caller supplies today and a generated seed). `ReviewService` loads, applies
/// these and writes in one transaction; `ReviewRulesTests` tests every refusal without a database.
public enum ReviewRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    static func check(_ validator: Validator) throws(ValidationFailure) {
        if !validator.errors.isEmpty { throw ValidationFailure(validator.errors) }
    }

    /// A campaign as set up: what it draws from and how.
    public struct Plan: Sendable, Equatable {
        public var title: String
        public var from: CivilDate
        public var to: CivilDate
        public var seed: UInt64
        public var ratePercent: Int
        public var minimumPerStratum: Int
        public var rubric: Rubric
        /// Reviewer login names, distinct and sorted.
        public var reviewerLogins: [String]
    }

    /// Reads a campaign's form. A blank seed takes `generatedSeed`: the published seed makes the
    /// draw repeatable by anyone (`fazhi review-sample`).
    public static func plan(_ input: ReviewService.CampaignInput, generatedSeed: UInt64) throws(ValidationFailure) -> Plan {
        var validator = Validator()
        let title = validator.required(input.title, field: "title", label: "评查名称", maxLength: 100)
        let from = CivilDate((input.periodFrom ?? "").trimmingCharacters(in: .whitespaces))
        let to = CivilDate((input.periodTo ?? "").trimmingCharacters(in: .whitespaces))
        if from == nil { validator.add("periodFrom", "结案日期起", FormFields.dateRule) }
        if to == nil { validator.add("periodTo", "结案日期止", FormFields.dateRule) }
        if let from, let to, to < from { validator.add("periodTo", "结案日期止", "不能早于起始日期") }
        let seedText = (input.seed ?? "").trimmingCharacters(in: .whitespaces)
        var seed = generatedSeed
        if !seedText.isEmpty {
            if let value = UInt64(seedText) { seed = value } else {
                validator.add("seed", "随机种子", "应为非负整数（例如当日福利彩票开奖号码），或留空由系统生成")
            }
        }
        let rate = Int((input.ratePercent ?? "").trimmingCharacters(in: .whitespaces))
        if rate == nil || !(1...100).contains(rate!) { validator.add("ratePercent", "抽取比例", "应为1至100之间的整数（%）") }
        let minimum = Int((input.minimumPerStratum ?? "").trimmingCharacters(in: .whitespaces))
        if minimum == nil || !(0...100).contains(minimum!) { validator.add("minimumPerStratum", "每层至少抽取", "应为0至100之间的整数") }
        var rubric = Rubric.standard
        if let text = input.rubric, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let (parsed, problems) = Rubric.parse(text)
            if let parsed { rubric = parsed } else { validator.add("rubric", "评查标准", problems.joined(separator: "；")) }
        }
        let logins = Array(Set((input.reviewers ?? "").split(whereSeparator: { ",，、 \n".contains($0) }).map(String.init))).sorted()
        if logins.isEmpty { validator.add("reviewers", "评查人员", "至少指定一名评查人员（账号）") }
        try check(validator)
        return Plan(title: title, from: from!, to: to!, seed: seed, ratePercent: rate!, minimumPerStratum: minimum!, rubric: rubric, reviewerLogins: logins)
    }

    /// A drawn file as the scoring rules see it.
    public struct FileState: Sendable {
        public var reviewerID: UUID
        public var reviewerName: String
        public var reviewedOn: String?
        public var campaignFinished: Bool

        public init(reviewerID: UUID, reviewerName: String, reviewedOn: String?, campaignFinished: Bool) {
            self.reviewerID = reviewerID
            self.reviewerName = reviewerName
            self.reviewedOn = reviewedOn
            self.campaignFinished = campaignFinished
        }
    }

    /// A file's score: what is stored, and the problem that becomes the unit's rectification task.
    public struct Score: Sendable, Equatable {
        public var vetoes: [String]
        public var scores: [String: Int]
        /// 0 when vetoed.
        public var total: Int
        public var grade: Rubric.Grade
        public var problems: String?
    }

    /// Scores a file: only its assigned reviewer, once, while the campaign runs; every scored item
    /// within its points; a deduction or a veto names the problem found (the unit rectifies it).
    public static func score(_ file: FileState, rubric: Rubric, input: ReviewService.ScoreInput, by reviewer: UUID?) throws(ValidationFailure) -> Score {
        guard reviewer == file.reviewerID else { throw fail("reviewer", "评查人员", "本卷由\(file.reviewerName)评查，其他人员不能评分") }
        guard !file.campaignFinished else { throw fail("campaign", "评查活动", "评查已结束，不能再修改评分") }
        if let reviewed = file.reviewedOn { throw fail("campaign", "评查", "本卷已于\(reviewed)评分") }
        var validator = Validator()
        let vetoCodes = Set(rubric.vetoItems.map(\.code))
        let vetoes = Array(Set(input.vetoes)).sorted()
        for code in vetoes where !vetoCodes.contains(code) { validator.add("vetoes", "否决项", "没有编号为“\(code)”的否决项") }
        var scores: [String: Int] = [:]
        for item in rubric.scoredItems {
            let text = (input.scores[item.code] ?? "").trimmingCharacters(in: .whitespaces)
            guard let value = Int(text), (0...item.points).contains(value) else {
                validator.add("score-\(item.code)", item.title, "得分应为0至\(item.points)之间的整数")
                continue
            }
            scores[item.code] = value
        }
        let problems = (input.problems ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let total = scores.values.reduce(0, +)
        let grade = rubric.grade(total: total, vetoed: !vetoes.isEmpty)
        if (grade == .fail || !vetoes.isEmpty || total < 100) && problems.isEmpty {
            validator.add("problems", "发现的问题", "扣分或否决的案卷须写明发现的问题，作为整改依据")
        }
        if problems.count > 2000 { validator.add("problems", "发现的问题", "不能超过2000字") }
        try check(validator)
        return Score(vetoes: vetoes, scores: scores, total: vetoes.isEmpty ? total : 0, grade: grade, problems: problems.isEmpty ? nil : problems)
    }

    /// The unit reports its rectification: once, with what it did, on a day between the task's
    /// assignment and today.
    public static func rectify(doneOn: String?, assignedOn: CivilDate, response: String?, on date: String?, today: CivilDate) throws(ValidationFailure) -> (day: CivilDate, text: String) {
        if let doneOn { throw fail("response", "整改情况", "已于\(doneOn)报告整改") }
        var validator = Validator()
        let text = validator.required(response, field: "response", label: "整改情况", maxLength: 2000)
        let day = CivilDate((date ?? "").trimmingCharacters(in: .whitespaces))
        if day == nil { validator.add("on", "整改完成日期", FormFields.dateRule) }
        if let day, day > today { validator.add("on", "整改完成日期", "不能晚于今天") }
        if let day, day < assignedOn { validator.add("on", "整改完成日期", "不能早于交办日期 \(assignedOn)") }
        try check(validator)
        return (day!, text)
    }

    /// A campaign ends once, when every drawn file has been scored.
    public static func finish(finished: Bool, unscored: Int) throws(ValidationFailure) {
        guard !finished else { throw fail("campaign", "评查活动", "评查已结束") }
        guard unscored == 0 else { throw fail("campaign", "评查活动", "还有\(unscored)卷未评分，不能结束评查") }
    }
}
