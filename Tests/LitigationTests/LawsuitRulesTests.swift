import FazhiCalendar
import FazhiCore
import Litigation
import Testing

// 行政应诉 steps without a database: each refusal with its article.

private func day(_ text: String) -> CivilDate { CivilDate(text)! }
private let today = day("2026-03-02")
private let filed = LawsuitState(filedOn: day("2026-01-10"))

private func refusal(_ body: () throws -> Void) -> ValidationFailure? {
    do {
        try body()
        return nil
    } catch {
        return error as? ValidationFailure
    }
}

@Suite("行政应诉 rules without a database")
struct LawsuitRulesTests {
    @Test("行政诉讼法第六十七条: the defence once, between filing and today")
    func defence() throws {
        #expect(refusal { _ = try LawsuitRules.fileDefence(on: day("2026-01-09"), to: filed, today: today) }?.message(for: "on") == "应在立案日期与今天之间")
        #expect(refusal { _ = try LawsuitRules.fileDefence(on: day("2026-03-03"), to: filed, today: today) }?.message(for: "on") == "应在立案日期与今天之间")
        let answered = try LawsuitRules.fileDefence(on: day("2026-01-20"), to: filed, today: today)
        #expect(answered.defenceOn == day("2026-01-20"))
        #expect(refusal { _ = try LawsuitRules.fileDefence(on: day("2026-01-21"), to: answered, today: today) }?.message(for: "on") == "已于2026-01-20提交答辩")
    }

    @Test("第三条第三款 and 行诉解释第一百二十八条: the head appears with name and post, or the agency's own staff member stands in; every problem at once")
    func hearing() throws {
        let noPost = refusal { _ = try LawsuitRules.hearing(on: day("2026-02-20"), appearance: Appearance(headAppeared: true, headName: "李局长", headPost: " ", substitute: nil), to: filed, today: today) }
        #expect(noPost?.message(for: "headPost")?.contains("第一百二十八条") == true)
        let nobody = refusal { _ = try LawsuitRules.hearing(on: day("2026-03-05"), appearance: Appearance(headAppeared: false, headName: nil, headPost: nil, substitute: ""), to: filed, today: today) }
        #expect(nobody?.message(for: "substitute")?.contains("第三条第三款") == true)
        #expect(nobody?.message(for: "heldOn") == "不能晚于今天")
        #expect(refusal { _ = try LawsuitRules.hearing(on: day("2026-01-05"), appearance: Appearance(headAppeared: false, headName: nil, headPost: nil, substitute: "法制科王某"), to: filed, today: today) }?
            .message(for: "heldOn") == "不能早于立案日期")
        // What does not apply is dropped: a head who appeared has no substitute.
        let kept = try LawsuitRules.hearing(on: day("2026-02-20"), appearance: Appearance(headAppeared: true, headName: "李某", headPost: "副局长", substitute: "王某"), to: filed, today: today)
        #expect(kept == Appearance(headAppeared: true, headName: "李某", headPost: "副局长", substitute: nil))
    }

    @Test("the judgment once, between filing and today")
    func judgment() throws {
        let decided = try LawsuitRules.recordJudgment(.annul, on: day("2026-02-25"), to: filed, today: today)
        #expect(decided.judgment == .annul)
        #expect(refusal { _ = try LawsuitRules.recordJudgment(.dismissClaims, on: day("2026-02-26"), to: decided, today: today) }?.message(for: "judgment")?.contains("已记录裁判结果") == true)
        #expect(refusal { _ = try LawsuitRules.recordJudgment(.dismissClaims, on: day("2026-01-01"), to: filed, today: today) }?.message(for: "on") == "应在立案日期与今天之间")
    }
}
