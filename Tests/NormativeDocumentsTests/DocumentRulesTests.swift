import FazhiCalendar
import FazhiCore
import Foundation
import NormativeDocuments
import Testing

private let calendar = try! WorkCalendar.bundled()
private func day(_ text: String) -> CivilDate { CivilDate(text)! }
private let today = day("2026-03-02")

/// Applies steps in order, failing the test on the first refusal.
private func run(_ state: DocumentState, _ actions: [DocumentAction], settings: DocumentRuleSettings = DocumentRuleSettings()) throws -> (DocumentState, [String]) {
    var state = state
    var warnings: [String] = []
    for action in actions {
        let step = try DocumentRules.apply(action, to: state, today: today, calendar: calendar, settings: settings)
        state = step.state
        warnings += step.warnings
    }
    return (state, warnings)
}

private func refusal(_ action: DocumentAction, _ state: DocumentState) -> String? {
    do {
        _ = try DocumentRules.apply(action, to: state, today: today, calendar: calendar)
        return nil
    } catch {
        return error.errors.map(\.message).joined(separator: "；")
    }
}

@Suite struct DocumentRulesTests {
    let rights = DocumentState(title: "示范县城市道路占用管理办法", affectsRights: true)

    @Test("draft → comment → review → deliberation → publication → filing: each period on the working-day calendar, validity five years")
    func wholeProcedure() throws {
        let (consulting, _) = try run(rights, [.consult(on: day("2025-03-03"))])
        let due = try #require(consulting.consultationDue)
        // Seven working days after the start, on a working day (国办发〔2018〕37号 ⚠️).
        #expect(calendar.workdays(after: day("2025-03-03"), through: due) == 7 && calendar.isWorkday(due))
        let (reviewing, _) = try run(consulting, [.closeConsultation(on: due, summary: "收到意见12条，采纳5条"), .submitReview(on: due)])
        #expect(reviewing.stage == .reviewing)
        // The opinion on the eighth working day; deliberation not before the fifth working day from submission.
        var opinionDay = due
        while calendar.workdays(after: due, through: opinionDay) < 8 { opinionDay = opinionDay.adding(days: 1) }
        let (published, warnings) = try run(reviewing, [
            .reviewOpinion(on: opinionDay, passed: true, opinion: "符合上位法规定"),
            .deliberate(on: opinionDay, meeting: "县政府第12次常务会议"),
            .publish(on: opinionDay.adding(days: 3), number: "示政规〔2025〕1号", effectiveOn: opinionDay.adding(days: 33)),
            .file(on: opinionDay.adding(days: 10)),
        ])
        #expect(warnings.isEmpty)
        #expect(published.stage == .published && published.number == "示政规〔2025〕1号")
        let effective = opinionDay.adding(days: 33)
        #expect(published.validUntil == effective.adding(months: 60).adding(days: -1))
        // Thirty days from publication; a last day that is not a working day moves to the next one.
        var filingDue = opinionDay.adding(days: 3 + 30)
        while !calendar.isWorkday(filingDue) { filingDue = filingDue.adding(days: 1) }
        #expect(published.filingDue == filingDue)
        #expect(DocumentRules.standing(published, on: effective.adding(days: -1)) == "尚未施行")
        #expect(DocumentRules.standing(published, on: effective) == "现行有效")
        #expect(DocumentRules.standing(published, on: published.validUntil!.adding(days: 1)) == "已失效")
        let (repealed, _) = try run(published, [.repeal(on: day("2026-01-10"), reason: "2025年清理：上位法已修改")])
        #expect(DocumentRules.standing(repealed, on: day("2026-01-10")) == "已废止")
        #expect(refusal(.file(on: day("2026-01-11")), repealed)?.contains("已废止") == true)
    }

    @Test("each skipped or rushed step is refused with its basis")
    func refusals() throws {
        // A document that affects rights goes to review only after public comment or a recorded reason.
        #expect(refusal(.submitReview(on: day("2025-03-03")), rights)?.contains("37号") == true)
        #expect(refusal(.skipConsultation(reason: " "), rights)?.contains("法定理由") == true)
        let (exempt, _) = try run(rights, [.skipConsultation(reason: "涉及国家秘密"), .submitReview(on: day("2025-03-03"))])
        #expect(exempt.stage == .reviewing)
        // A document that does not affect rights needs no comment.
        let inHouse = DocumentState(title: "示范县政府工作规则", affectsRights: false)
        #expect(try run(inHouse, [.submitReview(on: day("2025-03-03"))]).0.stage == .reviewing)

        // The comment period is not cut short.
        let (consulting, _) = try run(rights, [.consult(on: day("2025-03-03"))])
        let early = consulting.consultationDue!.adding(days: -1)
        #expect(refusal(.closeConsultation(on: early, summary: "无意见"), consulting)?.contains("不得少于7个工作日") == true)
        #expect(refusal(.closeConsultation(on: consulting.consultationDue!, summary: ""), consulting)?.contains("采纳情况") == true)

        // No deliberation without a passed review, nor before the reviewer's minimum time.
        let submitted = day("2025-03-03")
        let (reviewing, _) = try run(inHouse, [.submitReview(on: submitted)])
        #expect(refusal(.deliberate(on: day("2025-03-20"), meeting: "常务会议"), reviewing)?.contains("115号") == true)
        let (rejected, _) = try run(reviewing, [.reviewOpinion(on: day("2025-03-04"), passed: false, opinion: "第五条设定罚款，超越权限")])
        #expect(rejected.stage == .drafting)
        #expect(refusal(.deliberate(on: day("2025-03-20"), meeting: "常务会议"), rejected)?.contains("115号") == true)
        let (passed, _) = try run(reviewing, [.reviewOpinion(on: day("2025-03-04"), passed: true, opinion: "合法")])
        let rushed = refusal(.deliberate(on: day("2025-03-05"), meeting: "常务会议"), passed)
        #expect(rushed?.contains("不少于5个工作日") == true, "\(rushed ?? "accepted")")

        // Publication needs the deliberation, a number, and takes effect no earlier than it is published.
        #expect(refusal(.publish(on: day("2025-04-01"), number: "示政规〔2025〕2号", effectiveOn: day("2025-05-01")), passed)?.contains("集体审议") == true)
        let (deliberated, _) = try run(passed, [.deliberate(on: day("2025-03-20"), meeting: "县政府常务会议")])
        #expect(refusal(.publish(on: day("2025-04-01"), number: " ", effectiveOn: day("2025-05-01")), deliberated)?.contains("统一编号") == true)
        #expect(refusal(.publish(on: day("2025-04-01"), number: "示政规〔2025〕2号", effectiveOn: day("2025-03-31")), deliberated)?.contains("不得作为行政管理依据") == true)
        #expect(refusal(.publish(on: day("2026-04-01"), number: "示政规〔2025〕2号", effectiveOn: day("2026-05-01")), deliberated)?.contains("不能晚于今天") == true)
    }

    @Test("a late review and a late filing are recorded with a warning; the province's periods and a provisional document's validity apply")
    func lateAndLocal() throws {
        let inHouse = DocumentState(title: "示范县行政规范性文件管理暂行办法", affectsRights: false, provisional: true)
        var settings = DocumentRuleSettings()
        settings.filing = .days(15)
        let submitted = day("2025-03-03")
        var late = submitted
        while calendar.workdays(after: submitted, through: late) < 16 { late = late.adding(days: 1) }
        let (published, warnings) = try run(inHouse, [
            .submitReview(on: submitted), .reviewOpinion(on: late, passed: true, opinion: "合法"),
            .deliberate(on: late, meeting: "县政府常务会议"),
            .publish(on: day("2025-04-01"), number: "示政规〔2025〕3号", effectiveOn: day("2025-04-01")),
            .file(on: day("2025-04-20")),
        ], settings: settings)
        #expect(warnings.count == 2)
        #expect(warnings[0].contains("15个工作日") && warnings[1].contains("逾期报送备案"))
        #expect(published.filingDue == day("2025-04-16"))
        #expect(published.validUntil == day("2027-03-31"))
        #expect(refusal(.file(on: day("2025-04-21")), published)?.contains("已于2025-04-20报送备案") == true)
    }

    @Test("the text changes only while drafting; opinions are taken from the first to the last day of the comment period")
    func revisionAndComment() throws {
        #expect((try? DocumentRules.checkRevision(rights)) != nil)
        let (consulting, _) = try run(rights, [.consult(on: day("2026-02-24"))])
        let due = try #require(consulting.consultationDue)
        for state in [consulting, try run(rights, [.skipConsultation(reason: "紧急"), .submitReview(on: day("2026-02-24"))]).0] {
            do { try DocumentRules.checkRevision(state); Issue.record("revised at \(state.stage)") } catch { #expect(error.errors[0].message.contains("115号")) }
        }
        func comment(_ state: DocumentState, on date: CivilDate) -> String? {
            do { try DocumentRules.checkComment(state, today: date); return nil } catch { return error.errors[0].message }
        }
        #expect(comment(consulting, on: day("2026-02-24")) == nil && comment(consulting, on: due) == nil)
        #expect(comment(consulting, on: day("2026-02-23"))?.contains("自2026-02-24开始") == true)
        #expect(comment(consulting, on: due.adding(days: 1))?.contains("截止") == true)
        #expect(comment(rights, on: day("2026-02-24"))?.contains("未公开征求意见") == true)
    }

    @Test("after publication: 宣布失效 ends validity the day before, 备案审查 only once filed, 清理 only of documents in force and with reasons")
    func afterPublication() throws {
        let (published, _) = try run(rights, [.consult(on: day("2025-03-03"))])
        let due = try #require(published.consultationDue)
        let (live, _) = try run(published, [
            .closeConsultation(on: due, summary: "无意见"), .submitReview(on: due), .reviewOpinion(on: day("2025-04-01"), passed: true, opinion: "合法"),
            .deliberate(on: day("2025-04-08"), meeting: "常务会议"), .publish(on: day("2025-04-10"), number: "示政规〔2025〕1号", effectiveOn: day("2025-05-01")),
        ])
        #expect(refusal(.filingReview(on: day("2025-05-01"), result: "无问题"), live)?.contains("报送备案后") == true)
        let (filed, _) = try run(live, [.file(on: day("2025-04-20")), .filingReview(on: day("2025-05-10"), result: "未发现问题")])
        #expect(filed.filingReview == "未发现问题")
        #expect(refusal(.declareInvalid(on: day("2025-04-09"), reason: "清理"), live)?.contains("不能早于公布日期") == true)
        #expect(refusal(.declareInvalid(on: day("2025-12-01"), reason: " "), live)?.contains("理由") == true)
        let (invalid, _) = try run(live, [.declareInvalid(on: day("2025-12-01"), reason: "调整对象消失")])
        #expect(invalid.validUntil == day("2025-11-30") && DocumentRules.standing(invalid, on: day("2025-12-01")) == "已失效")
        #expect(DocumentRules.standing(invalid, on: day("2025-11-30")) == "现行有效")
        func cleanup(_ result: CleanupResult, _ reason: String, _ state: DocumentState, on date: String) -> String? {
            do { try DocumentRules.checkCleanup(result, reason: reason, state: state, on: day(date)); return nil } catch { return error.errors[0].message }
        }
        #expect(cleanup(.keep, "", live, on: "2025-11-01") == nil)
        #expect(cleanup(.amend, "", live, on: "2025-11-01")?.contains("须写明理由") == true)
        #expect(cleanup(.keep, "", invalid, on: "2025-12-02")?.contains("已失效") == true)
        #expect(cleanup(.keep, "", rights, on: "2025-12-02")?.contains("未公布") == true)
        var amended = live
        amended.amendedOn = day("2025-09-01")
        #expect(DocumentRules.standing(amended, on: day("2025-09-01")) == "已修改" && cleanup(.keep, "", amended, on: "2025-11-01")?.contains("已修改") == true)
    }
}
