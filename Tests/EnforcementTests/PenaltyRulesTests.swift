import Enforcement
import FazhiCalendar
import FazhiCore
import Foundation
import Testing

// 行政处罚法's procedure without a database: every refusal `PenaltyRules` makes, with its article
// where the law gives one, and the effects of the steps that pass.

private func day(_ text: String) -> CivilDate { CivilDate(text)! }

private let calendar = try! WorkCalendar.bundled()
private let officerA = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!
private let officerB = UUID(uuidString: "00000000-0000-0000-0000-00000000000B")!

private let handler = StepActor(userID: "handler", name: "办案人员", canHandle: true, canReview: false)
private let reviewer = StepActor(userID: "reviewer", name: "法制审核人员", canHandle: false, canReview: true)

/// A lead of a company case: violation 2026-01-05, found 2026-01-10, registered by "handler".
private func lead(party: String = "legal") -> PenaltyCaseState {
    PenaltyCaseState(caseNumber: "测罚〔2026〕1号", status: .lead, partyKind: party, violationOn: day("2026-01-05"),
                     discoveredOn: day("2026-01-10"), graveHarm: false, handledBy: "handler")
}

private func facts(today: String = "2026-06-30", actor: StepActor = handler) -> PenaltyFacts {
    var facts = PenaltyFacts(today: day(today), actor: actor, unitPath: "/county/scjg/", majorFinePersonYuan: 5000,
                             majorFineOrganisationYuan: 50000, enterpriseImpactRequired: true)
    facts.certificates = [
        "A-1": CertificateFacts(officerID: officerA, qualified: true, statusLabel: "有效", unitPath: "/county/scjg/"),
        "B-2": CertificateFacts(officerID: officerB, qualified: true, statusLabel: "有效", unitPath: "/county/scjg/"),
        "X-9": CertificateFacts(officerID: UUID(), qualified: false, statusLabel: "已过期", unitPath: "/county/scjg/"),
        "Y-8": CertificateFacts(officerID: UUID(), qualified: true, statusLabel: "有效", unitPath: "/county/other/"),
    ]
    facts.calendar = calendar
    return facts
}

/// Runs the steps in order, each on the result of the one before.
private func run(_ steps: [PenaltyAction], from state: PenaltyCaseState = lead(), facts: PenaltyFacts = facts(),
                 reviewBy: StepActor = reviewer) throws -> PenaltyCaseState {
    var state = state
    for action in steps {
        var stepFacts = facts
        if case .review = action { stepFacts.actor = reviewBy }
        state = try PenaltyRules.apply(action, to: state, facts: stepFacts).state
    }
    return state
}

private func refusal(_ action: PenaltyAction, on state: PenaltyCaseState, facts: PenaltyFacts = facts()) -> ValidationFailure? {
    do {
        _ = try PenaltyRules.apply(action, to: state, facts: facts)
        return nil
    } catch {
        return error
    }
}

private let file = PenaltyAction.file(on: day("2026-01-12"), certificateNumbers: ["A-1", "B-2"], major: false, complex: false)
private let notify = PenaltyAction.notify(on: day("2026-01-20"), hearingRight: false)

private func opened(_ step: PenaltyStep) -> [String] {
    step.effects.compactMap { if case .openClock(let kind, _) = $0 { return kind.key } else { return nil } }
}

private func completed(_ step: PenaltyStep) -> [String] {
    step.effects.compactMap { if case .completeClock(let kind, _) = $0 { return kind.key } else { return nil } }
}

@Suite("行政处罚 rules without a database")
struct PenaltyRulesTests {
    // MARK: Dates and duties

    @Test("a step dated after today or before the violation was found is refused")
    func dates() {
        let future = refusal(.file(on: day("2026-07-01"), certificateNumbers: ["A-1", "B-2"], major: false, complex: false), on: lead())
        #expect(future?.message(for: "on") == "不能晚于今天")
        let early = refusal(.file(on: day("2026-01-09"), certificateNumbers: ["A-1", "B-2"], major: false, complex: false), on: lead())
        #expect(early?.message(for: "on")?.contains("不能早于发现日期 2026-01-10") == true)
    }

    @Test("第五十八条: a legal reviewer reviews and does nothing else; case staff cannot review")
    func duties() throws {
        // given a notified case
        let notified = try run([file, notify])
        // when the reviewer tries to decide, serve, publish, change or archive
        for action: PenaltyAction in [.decide(on: day("2026-02-01"), fineYuan: 100, decision: "罚款"), .serve(on: day("2026-02-01")),
                                      .publish(on: day("2026-02-01")), .change(on: day("2026-02-01"), kind: .annulled, reason: "复议"),
                                      .archive(on: day("2026-02-01"))] {
            let refused = refusal(action, on: notified, facts: facts(actor: reviewer))
            // then each is refused, naming the article
            #expect(refused?.message(for: "action")?.contains("法制审核人员只能进行法制审核（行政处罚法第五十八条）") == true, "\(action.label)")
        }
        // and case staff cannot review
        let review = PenaltyAction.review(on: day("2026-01-25"), passed: true, opinion: "")
        #expect(refusal(review, on: notified)?.message(for: "action") == "法制审核须由法制审核人员进行")
        // nor can a reviewer review a case they registered themselves
        var own = notified
        own.handledBy = "reviewer"
        #expect(refusal(review, on: own, facts: facts(actor: reviewer))?.message(for: "action")?.contains("第五十八条") == true)
    }

    // MARK: 立案

    @Test("第三十六条: two years, or five with grave harm, from the violation to its discovery")
    func limitation() {
        var late = lead()
        late.violationOn = day("2024-01-09")
        late.discoveredOn = day("2026-01-10")
        #expect(refusal(file, on: late)?.message(for: "discoveredOn")?.contains("行政处罚法第三十六条不再给予行政处罚（二年）") == true)
        late.graveHarm = true
        #expect(refusal(file, on: late) == nil)
        #expect(PenaltyRules.limitationEnd(violationOn: day("2024-01-09"), graveHarm: false) == day("2026-01-09"))
        #expect(PenaltyRules.limitationEnd(violationOn: day("2024-01-09"), graveHarm: true) == day("2029-01-09"))
    }

    @Test("第四十二条: two distinct officers, each with a certificate valid that day, of the case's unit")
    func officers() {
        let one = refusal(.file(on: day("2026-01-12"), certificateNumbers: ["A-1", " A-1 "], major: false, complex: false), on: lead())
        #expect(one?.message(for: "officers")?.contains("执法人员不得少于两人（行政处罚法第四十二条）") == true)
        let unknown = refusal(.file(on: day("2026-01-12"), certificateNumbers: ["A-1", "Z-0"], major: false, complex: false), on: lead())
        #expect(unknown?.message(for: "officers") == "没有执法证号为“Z-0”的行政执法证")
        let expired = refusal(.file(on: day("2026-01-12"), certificateNumbers: ["A-1", "X-9"], major: false, complex: false), on: lead())
        #expect(expired?.message(for: "officers")?.contains("（已过期），持证人不能办案（行政处罚法第四十二条）") == true)
        let stranger = refusal(.file(on: day("2026-01-12"), certificateNumbers: ["A-1", "Y-8"], major: false, complex: false), on: lead())
        #expect(stranger?.message(for: "officers") == "执法证“Y-8”的持证人不属于办案单位")
    }

    @Test("立案 opens the 90-day decision clock (第六十条) and records the officers; only a lead is filed; 简易程序 is not for major or complex cases")
    func filing() throws {
        let step = try PenaltyRules.apply(file, to: lead(), facts: facts())
        #expect(step.state.status == .filed)
        #expect(Set(step.state.officerIDs) == [officerA, officerB])
        #expect(opened(step) == ["enforcement.penalty-decision"])
        #expect(refusal(file, on: step.state)?.message(for: "action")?.contains("只有案源可以立案") == true)
        let summaryMajor = refusal(.file(on: day("2026-01-12"), certificateNumbers: ["A-1", "B-2"], major: true, complex: false, summary: true), on: lead())
        #expect(summaryMajor?.message(for: "summary")?.contains("第五十一条、第五十七条、第五十八条") == true)
    }

    @Test("第六十条 \"法律、法规、规章另有规定的，从其规定\": 立案 opens the decision clock of the body's domain, and an installation may set its days")
    func decisionPeriodOfTheDomain() throws {
        func openedRule(_ domain: PenaltyDomain, config: AppConfig = AppConfig()) throws -> ClockRule? {
            var stepFacts = facts()
            stepFacts.decisionClock = domain.decisionClock(config: config)
            for case .openClock(let kind, _) in try PenaltyRules.apply(file, to: lead(), facts: stepFacts).effects where kind.key == "enforcement.penalty-decision" {
                return kind.rule
            }
            return nil
        }
        let general = try #require(try openedRule(PenaltyDomains.general))
        #expect(general.period == .days(90) && general.extensionLimit == nil && general.basis == "行政处罚法第六十条")
        let market = try #require(try openedRule(PenaltyDomains.market))
        #expect(market.period == .days(90) && market.basis.contains("市场监督管理行政处罚程序规定"))
        #expect(market.extensionLimit?.maxCount == 2)
        let police = try #require(try openedRule(PenaltyDomains.publicSecurity))
        #expect(police.period == .days(30) && police.extensionLimit?.maxPeriod == .days(30))
        // 🏷 A province's own rule: 45 days for 治安 here; the basis says the number is local.
        var config = AppConfig()
        config.penaltyDecisionDays = ["public-security": 45]
        let local = try #require(try openedRule(PenaltyDomains.publicSecurity, config: config))
        #expect(local.period == .days(45) && local.basis.hasSuffix("（本地配置为45日）"))
        #expect(try openedRule(PenaltyDomains.general, config: config)?.period == .days(90))
        // Filed 2026-01-12: ninety days end 2026-04-12 (a Sunday), so the next working day; thirty on 2026-02-11.
        let start = CivilDateTime(date: day("2026-01-12"))
        #expect(Clock(rule: general, start: start).dueDate(calendar: calendar) == day("2026-04-13"))
        #expect(Clock(rule: police, start: start).dueDate(calendar: calendar) == day("2026-02-11"))
        #expect(PenaltyDomains.named("市场监管") == PenaltyDomains.market && PenaltyDomains.named("治安") == PenaltyDomains.publicSecurity)
        #expect(PenaltyDomains.named("") == nil && PenaltyDomains.domain("no-such") == PenaltyDomains.general)
    }

    @Test("延长决定期限: only where the domain's rule allows it, before the decision and the period's end, approved, with a reason, within its count and total")
    func decisionExtension() throws {
        let filed = try run([file])
        func extend(_ days: Int, on date: String = "2026-03-02", approver: String = "局长王某", reason: String = "案情复杂",
                    domain: PenaltyDomain = PenaltyDomains.market, done: [Period] = [], due: String? = "2026-04-13",
                    state: PenaltyCaseState? = nil) -> Result<PenaltyStep, ValidationFailure> {
            var stepFacts = facts()
            stepFacts.decisionClock = domain.decisionClock(config: AppConfig())
            stepFacts.decisionExtensions = done
            stepFacts.decisionDue = due.map(day)
            return Result { () throws(ValidationFailure) in
                try PenaltyRules.apply(.extendDecision(on: day(date), days: days, approver: approver, reason: reason), to: state ?? filed, facts: stepFacts)
            }
        }
        func message(_ result: Result<PenaltyStep, ValidationFailure>, _ field: String) -> String? {
            if case .failure(let failure) = result { return failure.message(for: field) }
            return nil
        }
        // 行政处罚法第六十条 itself has no extension.
        #expect(message(extend(30, domain: PenaltyDomains.general), "action")?.contains("依法不得延长（行政处罚法第六十条）") == true)
        #expect(message(extend(30, approver: " "), "approver")?.contains("市场监督管理行政处罚程序规定第六十四条") == true)
        #expect(message(extend(30, reason: ""), "text") == "须写明延长的理由")
        #expect(message(extend(0), "days") != nil)
        #expect(message(extend(30, on: "2026-04-14"), "on")?.contains("2026-04-13届满") == true)
        #expect(message(extend(30, domain: PenaltyDomains.publicSecurity, done: [.days(30)]), "action")?.contains("最多延长1次") == true)
        #expect(message(extend(31, domain: PenaltyDomains.publicSecurity), "days")?.contains("不得超过30日") == true)
        let decided = try run([file, notify, .decide(on: day("2026-02-10"), fineYuan: 100, decision: "罚款", penalty: true)])
        #expect(message(extend(30, state: decided), "action")?.contains("作出决定前") == true)
        guard case .success(let step) = extend(30) else { Issue.record("a market-supervision case may be extended"); return }
        guard case .extendClock(let kind, let period, let approver, _)? = step.effects.first else { Issue.record("no extension effect"); return }
        #expect(kind.key == "enforcement.penalty-decision" && period == .days(30) && approver == "局长王某")
        #expect(step.detail.contains("30日（批准人：局长王某）"))
    }

    @Test("imported history: a row that states its breach passes the law's gates with each breach as a finding (article cited); structure still refuses; on the platform the same steps are refused")
    func historicalBreaches() throws {
        var history = facts()
        history.recordingHistory = true
        // 第四十二条: one officer.
        let oneOfficer = PenaltyAction.file(on: day("2026-01-12"), certificateNumbers: ["A-1"], major: true, complex: false)
        #expect(refusal(oneOfficer, on: lead())?.message(for: "officers")?.contains("第四十二条") == true)
        let filed = try PenaltyRules.apply(oneOfficer, to: lead(), facts: history)
        #expect(filed.findings.count == 1 && filed.findings[0].contains("第四十二条"))
        #expect(filed.detail.contains("历史违规"))
        // 第四十四条 and 第五十八条: a major decision without 告知 or review.
        let decide = PenaltyAction.decide(on: day("2026-02-10"), fineYuan: 100, decision: "罚款")
        #expect(refusal(decide, on: filed.state) != nil)
        let decided = try PenaltyRules.apply(decide, to: filed.state, facts: history)
        #expect(decided.state.status == .decided && decided.state.reviewOn == nil)
        #expect(decided.findings.contains { $0.contains("第四十四条") } && decided.findings.contains { $0.contains("第五十八条") })
        // Structure is not a breach of the law: a lead cannot be decided, history or not.
        #expect(throws: ValidationFailure.self) { try PenaltyRules.apply(decide, to: lead(), facts: history) }
        // Input errors stay errors: a decision without its text.
        #expect(throws: ValidationFailure.self) {
            try PenaltyRules.apply(.decide(on: day("2026-02-10"), fineYuan: 100, decision: " "), to: filed.state, facts: history)
        }
        // A step that breaches nothing records no finding.
        #expect(try PenaltyRules.apply(file, to: lead(), facts: history).findings.isEmpty)
    }

    @Test("不予立案 needs a reason and a lead")
    func drop() throws {
        #expect(refusal(.drop(on: day("2026-01-12"), reason: " "), on: lead())?.message(for: "reason") == "不予立案须写明理由")
        let filed = try run([file])
        #expect(refusal(.drop(on: day("2026-01-12"), reason: "不属于本机关管辖"), on: filed)?.message(for: "action")?.contains("只有案源可以不予立案") == true)
    }

    // MARK: 告知, 审核, 讨论

    @Test("告知 follows 立案 and opens the hearing-request clock (第六十四条) when the right is given")
    func notification() throws {
        #expect(refusal(notify, on: lead())?.message(for: "action")?.contains("立案并调查取证后才能告知") == true)
        let step = try PenaltyRules.apply(.notify(on: day("2026-01-20"), hearingRight: true), to: try run([file]), facts: facts())
        #expect(opened(step) == ["enforcement.hearing-request"])
        #expect(step.state.notifiedOn == day("2026-01-20"))
    }

    @Test("法制审核 follows 告知; a failed review leaves the case unreviewed")
    func review() throws {
        let filed = try run([file])
        #expect(refusal(.review(on: day("2026-01-25"), passed: true, opinion: ""), on: filed, facts: facts(actor: reviewer))?
            .message(for: "action")?.contains("告知当事人拟作出的处罚后再进行法制审核") == true)
        let failed = try run([file, notify, .review(on: day("2026-01-25"), passed: false, opinion: "证据不足")])
        #expect(failed.status == .notified && failed.reviewOn == nil && failed.reviewer == "法制审核人员")
    }

    @Test("集体讨论 names the heads who took part")
    func deliberation() throws {
        let notified = try run([file, notify])
        #expect(refusal(.deliberate(on: day("2026-01-26"), participants: ""), on: notified)?.message(for: "text") == "须写明参加集体讨论的负责人")
        #expect(refusal(.deliberate(on: day("2026-01-26"), participants: "局长"), on: try run([file]))?.message(for: "action")?.contains("告知后才能集体讨论") == true)
    }

    // MARK: 决定

    @Test("第五十八条: a major case is not decided without a passed legal review; 第五十七条第二款: a complex one without collective deliberation")
    func reviewAndDeliberationGates() throws {
        let majorFile = PenaltyAction.file(on: day("2026-01-12"), certificateNumbers: ["A-1", "B-2"], major: true, complex: false)
        let assess = PenaltyAction.assessImpact(on: day("2026-01-21"), assessment: "影响轻微")
        let major = try run([majorFile, notify, assess])
        let decide = PenaltyAction.decide(on: day("2026-02-01"), fineYuan: 1000, decision: "罚款1000元")
        #expect(refusal(decide, on: major)?.message(for: "action")?.contains("行政处罚法第五十八条规定的情形，未经法制审核") == true)
        let reviewed = try run([.review(on: day("2026-01-25"), passed: true, opinion: "")], from: major)
        #expect(refusal(decide, on: reviewed) == nil)

        let complexFile = PenaltyAction.file(on: day("2026-01-12"), certificateNumbers: ["A-1", "B-2"], major: false, complex: true)
        let complex = try run([complexFile, notify])
        #expect(refusal(decide, on: complex)?.message(for: "action")?.contains("行政处罚法第五十七条第二款") == true)
        let deliberated = try run([.deliberate(on: day("2026-01-26"), participants: "局长、副局长")], from: complex)
        #expect(refusal(decide, on: deliberated) == nil)
    }

    @Test("🏷 a fine at the local threshold needs legal review (第五十八条第一款第四项), for persons and organisations")
    func fineThreshold() throws {
        let company = try run([file, notify])
        let atThreshold = refusal(.decide(on: day("2026-02-01"), fineYuan: 50000, decision: "罚款"), on: company)
        #expect(atThreshold?.message(for: "fine")?.contains("罚款50000元以上属于本地规定的重大执法决定") == true)
        #expect(refusal(.decide(on: day("2026-02-01"), fineYuan: 49999, decision: "罚款"), on: company) == nil)
        let person = try run([file, notify], from: lead(party: "natural"))
        #expect(refusal(.decide(on: day("2026-02-01"), fineYuan: 5000, decision: "罚款"), on: person)?.message(for: "fine")?.contains("对公民罚款5000元以上") == true)
    }

    @Test("第五十一条: the summary procedure decides on the spot a fine up to 200 元 (a person) or 3,000 元 (an organisation)")
    func summaryLimits() throws {
        let summaryFile = PenaltyAction.file(on: day("2026-01-12"), certificateNumbers: ["A-1", "B-2"], major: false, complex: false, summary: true)
        let onTheSpot = PenaltyAction.notify(on: day("2026-01-12"), hearingRight: false)
        let person = try run([summaryFile, onTheSpot], from: lead(party: "natural"))
        #expect(refusal(.decide(on: day("2026-01-12"), fineYuan: 201, decision: "罚款"), on: person)?.message(for: "fine")?.contains("对公民处200元以下罚款或者警告（行政处罚法第五十一条）") == true)
        #expect(refusal(.decide(on: day("2026-01-12"), fineYuan: 200, decision: "罚款"), on: person) == nil)
        let company = try run([summaryFile, onTheSpot])
        #expect(refusal(.decide(on: day("2026-01-12"), fineYuan: 3001, decision: "罚款"), on: company)?.message(for: "fine")?.contains("3000元以下") == true)
        #expect(refusal(.decide(on: day("2026-01-12"), fineYuan: 3000, decision: "罚款"), on: company) == nil)
    }

    @Test("an ordinary decision comes after 告知 (第四十四条); 不予处罚 has no fine; a fine is not negative; the decision is written")
    func decisionForm() throws {
        let filed = try run([file])
        #expect(refusal(.decide(on: day("2026-02-01"), fineYuan: 100, decision: "罚款"), on: filed)?.message(for: "action")?.contains("（行政处罚法第四十四条）") == true)
        let notified = try run([file, notify])
        #expect(refusal(.decide(on: day("2026-02-01"), fineYuan: 100, decision: "不予处罚", penalty: false), on: notified)?.message(for: "fine") == "不予行政处罚决定不能有罚款")
        #expect(refusal(.decide(on: day("2026-02-01"), fineYuan: -1, decision: "罚款"), on: notified)?.message(for: "fine") == "不能为负数")
        #expect(refusal(.decide(on: day("2026-02-01"), fineYuan: 100, decision: "  "), on: notified)?.message(for: "text") == "须写明处罚种类和依据")
    }

    @Test("🏷 a major decision against an enterprise needs the impact assessment first; a person needs none")
    func enterpriseImpact() throws {
        let majorFile = PenaltyAction.file(on: day("2026-01-12"), certificateNumbers: ["A-1", "B-2"], major: true, complex: false)
        let reviewed = try run([majorFile, notify, .review(on: day("2026-01-25"), passed: true, opinion: "")])
        #expect(refusal(.decide(on: day("2026-02-01"), fineYuan: 1000, decision: "罚款"), on: reviewed)?.message(for: "action")?.contains("涉企经济影响评估") == true)
        var relaxed = facts()
        relaxed.enterpriseImpactRequired = false
        #expect(refusal(.decide(on: day("2026-02-01"), fineYuan: 1000, decision: "罚款"), on: reviewed, facts: relaxed) == nil)
        let person = try run([file], from: lead(party: "natural"))
        #expect(refusal(.assessImpact(on: day("2026-01-21"), assessment: "无"), on: person)?.message(for: "action") == "当事人是自然人，不需要涉企经济影响评估")
        #expect(refusal(.assessImpact(on: day("2026-01-21"), assessment: ""), on: try run([file]))?.message(for: "text")?.contains("须写明对企业生产经营的影响") == true)
        #expect(refusal(.assessImpact(on: day("2026-01-21"), assessment: "影响"), on: lead())?.message(for: "action")?.contains("立案后、决定前评估") == true)
    }

    @Test("the discretion check's refusal stops the decision; its outcome is stored with the decision")
    func discretion() throws {
        let notified = try run([file, notify])
        let input = DiscretionInput(benchmarkCode: "SC-01", circumstances: [], tier: .general)
        let decide = PenaltyAction.decide(on: day("2026-02-01"), fineYuan: 100, decision: "罚款", discretion: input)
        var refused = facts()
        refused.discretion = .failure(ValidationFailure(field: "benchmarkCode", label: "裁量基准", message: "没有2026-02-01施行的违法行为编码为“SC-01”的裁量基准"))
        #expect(refusal(decide, on: notified, facts: refused)?.message(for: "benchmarkCode")?.contains("SC-01") == true)
        var accepted = facts()
        accepted.discretion = .success(DiscretionOutcome(benchmark: ("b1", "SC-01", 2), tier: .general, proposal: [.general], outside: false, lenience: nil))
        let step = try PenaltyRules.apply(decide, to: notified, facts: accepted)
        #expect(step.state.discretion?.benchmarkID == "b1")
        #expect(step.detail.contains("裁量基准SC-01第2版"))
    }

    @Test("a decision closes the decision and hearing-request clocks and opens service (第六十一条) and publication (7 working days, or 20 for 不予处罚)")
    func decisionEffects() throws {
        let notified = try run([file, notify])
        let step = try PenaltyRules.apply(.decide(on: day("2026-02-01"), fineYuan: 100, decision: "罚款100元"), to: notified, facts: facts())
        #expect(completed(step) == ["enforcement.hearing-request", "enforcement.penalty-decision"])
        #expect(opened(step) == ["enforcement.penalty-service", "enforcement.publication"])
        let none = try PenaltyRules.apply(.decide(on: day("2026-02-01"), fineYuan: nil, decision: "不予处罚", penalty: false), to: notified, facts: facts())
        #expect(opened(none) == ["enforcement.penalty-service", "enforcement.publication-other"])
    }

    // MARK: 听证

    @Test("第六十四条: the hearing is notified at least seven working days before it, after 告知, and has a record")
    func hearing() throws {
        let notified = try run([file, .notify(on: day("2026-01-20"), hearingRight: true)])
        // Notified Monday 2026-02-02 for Monday 02-09: only 02-03 to 02-06 lie between, four working days.
        let short = refusal(.hearing(on: day("2026-02-09"), noticeOn: day("2026-02-02"), record: "笔录"), on: notified)
        #expect(short?.message(for: "noticeOn")?.contains("行政处罚法第六十四条第二项、第八十五条") == true)
        #expect(short?.message(for: "noticeOn")?.contains("只隔4个工作日") == true)
        let enough = try PenaltyRules.apply(.hearing(on: day("2026-02-12"), noticeOn: day("2026-02-02"), record: "笔录"), to: notified, facts: facts())
        #expect(completed(enough) == ["enforcement.hearing-request"])
        #expect(refusal(.hearing(on: day("2026-02-12"), noticeOn: day("2026-01-19"), record: "笔录"), on: notified)?.message(for: "noticeOn") == "应在告知之后、听证之前")
        #expect(refusal(.hearing(on: day("2026-02-12"), noticeOn: day("2026-02-02"), record: ""), on: notified)?.message(for: "text")?.contains("第六十四条第八项") == true)
    }

    // MARK: 送达 to 归档

    @Test("service, execution, closing and archiving follow each other; archiving needs a closed or dropped case (第四十七条)")
    func lifecycle() throws {
        let decided = try run([file, notify, .decide(on: day("2026-02-01"), fineYuan: 100, decision: "罚款")])
        #expect(refusal(.execute(on: day("2026-02-02")), on: decided)?.message(for: "action")?.contains("送达后才能执行") == true)
        let served = try PenaltyRules.apply(.serve(on: day("2026-02-03")), to: decided, facts: facts())
        #expect(completed(served) == ["enforcement.penalty-service"])
        #expect(refusal(.close(on: day("2026-02-04")), on: served.state)?.message(for: "action")?.contains("执行完毕后才能结案") == true)
        #expect(refusal(.archive(on: day("2026-02-04")), on: served.state)?.message(for: "action")?.contains("行政处罚法第四十七条") == true)
        let archived = try run([.execute(on: day("2026-02-10")), .close(on: day("2026-02-11")), .archive(on: day("2026-02-12"))], from: served.state)
        #expect(archived.status == .archived)
        #expect(refusal(.serve(on: day("2026-02-13")), on: lead())?.message(for: "action")?.contains("作出决定后才能送达") == true)
    }

    // MARK: 公示, 变更, 撤回

    @Test("publication: only a decided case, not before the decision, once, and never an annulled or void one (第四十八条第二款)")
    func publication() throws {
        #expect(refusal(.publish(on: day("2026-02-02")), on: try run([file, notify]))?.message(for: "action") == "作出决定后才能公示")
        let decided = try run([file, notify, .decide(on: day("2026-02-02"), fineYuan: 100, decision: "罚款")])
        let step = try PenaltyRules.apply(.publish(on: day("2026-02-13")), to: decided, facts: facts())
        // 7 working days from Monday 2026-02-02 end on 2026-02-11; published on the 13th is late.
        guard case .publish(let due, let note)? = step.effects.first else { Issue.record("no publish effect"); return }
        #expect(due == day("2026-02-11"))
        #expect(note.contains("超过") && note.contains("2026-02-11"))
        var published = facts()
        published.publishedOn = day("2026-02-05")
        #expect(refusal(.publish(on: day("2026-02-13")), on: decided, facts: published)?.message(for: "action") == "本决定已公示，如决定变更请先撤回")
        var annulled = decided
        annulled.changeKind = .annulled
        #expect(refusal(.publish(on: day("2026-02-13")), on: annulled)?.message(for: "action")?.contains("第四十八条第二款") == true)
        var noCalendar = facts()
        noCalendar.calendar = nil
        #expect(refusal(.publish(on: day("2026-02-13")), on: decided, facts: noCalendar)?.message(for: "on")?.contains("请先导入工作日历") == true)
    }

    @Test("a change is recorded once with its basis; a published decision then opens the 3-working-day withdrawal clock, which only a recorded change allows")
    func changeAndWithdrawal() throws {
        let decided = try run([file, notify, .decide(on: day("2026-02-02"), fineYuan: 100, decision: "罚款")])
        #expect(refusal(.change(on: day("2026-03-01"), kind: .annulled, reason: "复议"), on: try run([file]))?.message(for: "action") == "尚未作出决定")
        #expect(refusal(.change(on: day("2026-03-01"), kind: .annulled, reason: ""), on: decided)?.message(for: "text")?.contains("须写明变更或撤销的依据") == true)
        var published = facts()
        published.publishedOn = day("2026-02-05")
        #expect(refusal(.withdraw(on: day("2026-03-02")), on: decided, facts: published)?.message(for: "action")?.contains("第四十八条第二款") == true)
        #expect(refusal(.withdraw(on: day("2026-03-02")), on: decided)?.message(for: "action") == "本决定没有正在公示的信息")
        let changed = try PenaltyRules.apply(.change(on: day("2026-03-01"), kind: .annulled, reason: "复议决定撤销"), to: decided, facts: published)
        #expect(opened(changed) == ["enforcement.publication-withdrawal"])
        #expect(refusal(.change(on: day("2026-03-01"), kind: .changed, reason: "再次"), on: changed.state)?.message(for: "action") == "已记录决定撤销")
        #expect(refusal(.withdraw(on: day("2026-02-04")), on: changed.state, facts: published)?.message(for: "on")?.contains("撤回日期不能早于公示日期") == true)
        let withdrawn = try PenaltyRules.apply(.withdraw(on: day("2026-03-02")), to: changed.state, facts: published)
        #expect(completed(withdrawn) == ["enforcement.publication-withdrawal"])
        // An annulled decision that was never published closes its publication clock instead.
        let unpublished = try PenaltyRules.apply(.change(on: day("2026-03-01"), kind: .void, reason: "判决确认无效"), to: decided, facts: facts())
        #expect(completed(unpublished) == ["enforcement.publication"])
    }

    // MARK: Corrected by the statute (docs/law.md §1)

    @Test("第四十四条: the summary procedure also tells the party before deciding on the spot")
    func summaryNeedsNotice() throws {
        let summaryFile = PenaltyAction.file(on: day("2026-01-12"), certificateNumbers: ["A-1", "B-2"], major: false, complex: false, summary: true)
        let filed = try run([summaryFile], from: lead(party: "natural"))
        let refused = refusal(.decide(on: day("2026-01-12"), fineYuan: 100, decision: "罚款"), on: filed)
        #expect(refused?.message(for: "action")?.contains("（行政处罚法第四十四条）") == true)
    }

    @Test("第六十四条: no decision inside the five-working-day hearing-request window unless the party waives in writing; review does not close it")
    func hearingWindow() throws {
        // Told of the right on Monday 2026-02-02: the window runs to Monday 2026-02-09.
        let told = try run([file, .notify(on: day("2026-02-02"), hearingRight: true)])
        #expect(PenaltyRules.hearingRequestEnd(notifiedOn: day("2026-02-02"), calendar: calendar) == day("2026-02-09"))
        let review = try PenaltyRules.apply(.review(on: day("2026-02-03"), passed: true, opinion: ""), to: told, facts: facts(actor: reviewer))
        #expect(completed(review).isEmpty)
        let early = refusal(.decide(on: day("2026-02-09"), fineYuan: 100, decision: "罚款"), on: review.state)
        #expect(early?.message(for: "on")?.contains("行政处罚法第六十四条第一项、第八十五条") == true)
        #expect(early?.message(for: "on")?.contains("2026-02-09届满") == true)
        #expect(refusal(.decide(on: day("2026-02-10"), fineYuan: 100, decision: "罚款"), on: review.state) == nil)
        let waived = try PenaltyRules.apply(.waiveHearing(on: day("2026-02-03")), to: review.state, facts: facts())
        #expect(completed(waived) == ["enforcement.hearing-request"])
        #expect(refusal(.decide(on: day("2026-02-04"), fineYuan: 100, decision: "罚款"), on: waived.state) == nil)
    }

    @Test("第六十三条: a requested hearing is held before the decision; a request after the window or without the right is refused")
    func requestedHearing() throws {
        let told = try run([file, .notify(on: day("2026-02-02"), hearingRight: true)])
        let requested = try PenaltyRules.apply(.requestHearing(on: day("2026-02-05")), to: told, facts: facts())
        #expect(completed(requested) == ["enforcement.hearing-request"])
        let unheard = refusal(.decide(on: day("2026-03-02"), fineYuan: 100, decision: "罚款"), on: requested.state)
        #expect(unheard?.message(for: "action")?.contains("应当组织听证后再作出决定（行政处罚法第六十三条、第六十四条）") == true)
        let heard = try run([.hearing(on: day("2026-02-27"), noticeOn: day("2026-02-06"), record: "听证笔录")], from: requested.state)
        #expect(refusal(.decide(on: day("2026-03-02"), fineYuan: 100, decision: "罚款"), on: heard) == nil)
        #expect(refusal(.requestHearing(on: day("2026-02-10")), on: told)?.message(for: "on")?.contains("期限至2026-02-09届满") == true)
        #expect(refusal(.requestHearing(on: day("2026-02-03")), on: try run([file, notify]))?.message(for: "action")?.contains("未告知听证权利") == true)
        #expect(refusal(.waiveHearing(on: day("2026-02-06")), on: requested.state)?.message(for: "action")?.contains("已于2026-02-05记录当事人要求听证") == true)
    }
}
