import Enforcement
import EnforcementSupervision
import FazhiApp
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite struct SamplingTests {
    /// 200 files over 5 units and 2 types, from a fixed seed.
    static func population() -> [ReviewableFile] {
        var random = SeededRandom(seed: 42)
        return (0..<200).map { index in
            let unit = random.below(5)
            return ReviewableFile(id: "id-\(index)", caseNumber: "罚〔2025〕\(1000 + index)号", unitCode: "U\(unit)", unitName: "单位\(unit)",
                                  kind: random.below(3) == 0 ? "简易" : "普通", closedOn: "2025-06-01")
        }
    }

    @Test("FNV-1a matches the published test vectors, so the stratum seeds are the same in any language")
    func fnv() {
        #expect(StratifiedSample.fnv1a("") == 0xCBF2_9CE4_8422_2325)
        #expect(StratifiedSample.fnv1a("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(StratifiedSample.fnv1a("foobar") == 0x8594_4171_F739_67E8)
    }

    @Test("the same seed draws the same files whatever the input order; sizes follow max(minimum, ⌈N×rate⌉); another seed draws others")
    func reproducible() {
        let files = Self.population()
        let rule = StratifiedSample(seed: 20_260_315, ratePercent: 15, minimumPerStratum: 2)
        let first = rule.draw(files)
        var shuffled = files
        var random = SeededRandom(seed: 7)
        shuffled.shuffle(using: &random)
        #expect(rule.draw(shuffled) == first)
        let groups = Dictionary(grouping: files, by: \.stratum)
        #expect(first.map(\.key) == groups.keys.sorted())
        for stratum in first {
            let members = groups[stratum.key]!
            #expect(stratum.population == members.count)
            #expect(stratum.drawn.count == min(members.count, max(2, Int((Double(members.count) * 0.15).rounded(.up)))))
            #expect(Set(stratum.drawn.map(\.id)).count == stratum.drawn.count)
            #expect(stratum.drawn.allSatisfy { $0.stratum == stratum.key })
        }
        let other = StratifiedSample(seed: 20_260_316, ratePercent: 15, minimumPerStratum: 2).draw(files)
        #expect(other.map { Set($0.drawn.map(\.id)) } != first.map { Set($0.drawn.map(\.id)) })
        // The published CSV reads back to the same population and the same draw.
        let table = try! TableReader.read(StratifiedSample.csv(files), filename: "population.csv")
        #expect(try! StratifiedSample.population(from: table) == files)
    }

    @Test("reviewers never get a file of their own unit, a unit under it or the unit above; the load is balanced")
    func assignment() {
        let a = ReviewerAssignment.Reviewer(id: UUID(), loginName: "a", unitPath: "/g/scjg/")
        let b = ReviewerAssignment.Reviewer(id: UUID(), loginName: "b", unitPath: "/g/sfj/")
        let paths = ["/g/scjg/", "/g/scjg/team/", "/g/zhzf/", "/g/zhzf/", "/g/sfj/", "/g/ny/"]
        let assigned = ReviewerAssignment.assign(filePaths: paths, reviewers: [b, a])
        #expect(assigned.map { $0?.loginName } == ["b", "b", "a", "a", "a", "b"])
        #expect(ReviewerAssignment.assign(filePaths: ["/g/"], reviewers: [a, b]) == [nil])  // the government above both
    }

    @Test("a rubric whose scored items do not add to 100, with a duplicate code and a bad line, is refused with each problem")
    func rubric() {
        #expect(Rubric.standard.problems().isEmpty)
        #expect(Rubric.parse(Rubric.standard.text).0 == Rubric.standard)
        let (parsed, problems) = Rubric.parse("否决|F1|主体不合法\n评分|S1|卷面|20\n评分|S1|证据|70\n随便写的一行")
        #expect(parsed == nil)
        #expect(problems.contains { $0.contains("第4行") } && problems.contains { $0.contains("“S1”重复") } && problems.contains { $0.contains("现为90分") })
        #expect(Rubric.standard.grade(total: 95, vetoed: true) == .fail)
        #expect(Rubric.standard.grade(total: 90, vetoed: false) == .excellent && Rubric.standard.grade(total: 59, vetoed: false) == .fail)
    }
}

@Suite struct SupervisionTests {
    @Test("the demo's finished campaign: anyone re-running the published population and seed gets its files; no reviewer had its own unit; figures equal hand counts")
    func demoCampaign() async throws {
        try await TestApp.run { t in
            // This year's campaign (the demo's past years have their own, with other seeds).
            let campaign = try #require(try await ReviewCampaign.query(on: t.db).filter(\.$seed == "20260315").first())
            #expect(campaign.finished)
            let files = try await ReviewFile.query(on: t.db).filter(\.$campaign.$id == campaign.id!).all()
            #expect(files.count >= 6 && files.allSatisfy(\.reviewed))

            // Re-run from what the page publishes: the CSV download, the seed, the rate and the minimum.
            let (leader, _) = try await t.login("leader")
            let csv = try await t.request(leader, .GET, "\(campaign.link)/population.csv")
            #expect(csv.status == .ok)
            let population = try StratifiedSample.population(from: try TableReader.read(Data(buffer: csv.body), filename: "p.csv"))
            let closed = try await PenaltyCase.query(on: t.db).all().filter { ($0.closedOn ?? "") >= campaign.periodFrom && ($0.closedOn ?? "") <= campaign.periodTo }
            let closedActions = try await EnforcementAction.query(on: t.db).all().filter { ($0.closedOn ?? "") >= campaign.periodFrom && ($0.closedOn ?? "") <= campaign.periodTo }
            #expect(!closedActions.isEmpty)
            #expect(Set(population.map(\.caseNumber)) == Set(closed.map(\.caseNumber) + closedActions.map(\.number)))
            let redrawn = StratifiedSample(seed: UInt64(campaign.seed)!, ratePercent: campaign.ratePercent, minimumPerStratum: campaign.minimumPerStratum).draw(population)
            #expect(Set(redrawn.flatMap(\.drawn).map(\.caseNumber)) == Set(files.map(\.caseNumber)))
            let page = try await t.request(leader, .GET, campaign.link).body.string
            #expect(page.contains("fazhi review-sample --seed 20260315 --rate 30 --minimum 1"))

            // 不评查本单位案卷.
            for file in files {
                let reviewer = try #require(try await UserAccount.find(file.reviewerID, on: t.db))
                let unit = try #require(try await OrgUnit.find(reviewer.unitID, on: t.db))
                #expect(!ReviewerAssignment.conflicts(reviewerPath: unit.path, filePath: file.unitPath), "\(file.caseNumber)")
            }

            // Figures against a hand count of the records.
            let year = CivilDate(campaign.drawnOn)!.year
            let scope = MetricScope(year: year, unitPath: nil, unitName: "全县")
            func figure(_ key: String) async throws -> MetricResult {
                try await t.services.metrics.evaluate(try #require(t.services.metrics.definition(key)), scope: scope, on: t.db)
            }
            let tasks = try await RectificationTask.query(on: t.db).filter(\.$campaignID == campaign.id!).all()
            #expect(try await figure("supervision.files-reviewed").value == String(files.count))
            #expect(try await figure("supervision.files-failed").value == String(files.filter { !($0.vetoes ?? "").isEmpty || ($0.total ?? 0) < 60 }.count))
            #expect(try await figure("supervision.problems-found").value == String(files.filter { $0.problems != nil }.count))
            #expect(try await figure("supervision.problems-found").value == String(tasks.count))
            #expect(try await figure("supervision.problems-fixed").value == String(tasks.filter { $0.doneOn != nil }.count))
            #expect(tasks.contains { $0.doneOn == nil } && tasks.contains { $0.doneOn != nil })
        }
    }

    @Test("a campaign through the web: no reviewer outside the unit is refused; only the assigned reviewer scores; a deduction needs its problem; the unit rectifies within 30 days")
    func campaignFlow() async throws {
        try await TestApp.run { t in
            let (supervisor, _) = try await t.login("supervisor")
            let form = ["title": "专项评查", "periodFrom": "2025-01-01", "periodTo": "2026-03-02", "seed": "77", "ratePercent": "100", "minimumPerStratum": "1"]
            // Only the market regulator's reviewer: its own unit's files have nobody to review them.
            var only = form
            only["reviewers"] = "reviewer.scjg"
            let refused = try await t.request(supervisor, .POST, "/supervision/reviews/new", form: only)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("不得评查本单位案卷"))
            var bad = form
            bad["reviewers"] = "supervisor,reviewer.scjg"
            bad["rubric"] = "评分|S1|卷面|50"
            let badRubric = try await t.request(supervisor, .POST, "/supervision/reviews/new", form: bad)
            #expect(badRubric.status == .unprocessableEntity && badRubric.body.string.contains("合计应为100分"))
            let before = try await ReviewCampaign.query(on: t.db).count()
            var good = form
            good["reviewers"] = "supervisor,reviewer.scjg"
            #expect(try await t.request(supervisor, .POST, "/supervision/reviews/new", form: good).status == .seeOther)
            #expect(try await ReviewCampaign.query(on: t.db).count() == before + 1)
            let campaign = try #require(try await ReviewCampaign.query(on: t.db).filter(\.$seed == "77").first())
            let reviewer = try await t.user("reviewer.scjg")
            // A file of the law-enforcement bureau, whose officer account 郑城管 will report the rectification.
            let zhzf = try await t.unit("SFX-ZHZF")
            let file = try #require(try await ReviewFile.query(on: t.db).filter(\.$campaign.$id == campaign.id!).filter(\.$reviewerID == reviewer.id!)
                .filter(\.$unitID == zhzf.id!).first())
            let path = "/supervision/reviews/files/\(file.id!)"
            let scores = Dictionary(uniqueKeysWithValues: Rubric.standard.scoredItems.map { ("score-\($0.code)", String($0.points)) })

            // The supervisor is not this file's reviewer.
            let stranger = try await t.request(supervisor, .POST, path, form: scores)
            #expect(stranger.status == .unprocessableEntity && stranger.body.string.contains("其他人员不能评分"))
            let (reviewerBrowser, _) = try await t.login("reviewer.scjg")
            var over = scores
            over["score-S1"] = "21"
            let tooHigh = try await t.request(reviewerBrowser, .POST, path, form: over)
            #expect(tooHigh.status == .unprocessableEntity && tooHigh.body.string.contains("得分应为0至20之间的整数"))
            var deducted = scores
            deducted["score-S3"] = "15"
            let silent = try await t.request(reviewerBrowser, .POST, path, form: deducted)
            #expect(silent.status == .unprocessableEntity && silent.body.string.contains("须写明发现的问题"))
            #expect(try await ReviewFile.find(file.id!, on: t.db)?.reviewed == false)
            deducted["problems"] = "未在七日内送达决定书"
            #expect(try await t.request(reviewerBrowser, .POST, path, form: deducted).status == .seeOther)
            let scored = try #require(try await ReviewFile.find(file.id!, on: t.db))
            #expect(scored.total == 90 && scored.gradeValue == .excellent)

            // The rectification task: 30 days, for the file's unit only.
            let task = try #require(try await RectificationTask.query(on: t.db).filter(\.$fileID == file.id!).first())
            let clock = try #require(try await ClockService.openClock(kind: SupervisionClocks.rectification.key, record: task.clockRecord, on: t.db))
            #expect(clock.unitID == file.unitID && clock.dueDate == task.dueOn)
            #expect(task.dueOn == "2026-04-01")  // 2026-03-02 + 30 days
            let finish = try await t.request(supervisor, .POST, "\(campaign.link)/finish", form: [:])
            let stillOpen = try await ReviewCampaign.find(campaign.id!, on: t.db)
            #expect(finish.status == .seeOther && stillOpen?.finished == false)  // files still unscored
            let (other, _) = try await t.login("staff.cg")
            #expect(try await t.request(other, .POST, task.link, form: ["on": "2026-03-02", "response": "已整改"]).status == .forbidden)
            let (unitBrowser, _) = try await t.login("officer.zhzf")
            #expect(try await t.request(unitBrowser, .POST, task.link, form: ["on": "2026-03-02", "response": "已补送达回证"]).status == .seeOther)
            #expect(try await StatutoryClock.find(clock.id!, on: t.db)?.closed == true)
        }
    }

    @Test("双随机: the same seed draws the same targets and pairs; inspectors hold valid certificates; results run a 20-working-day clock and only published ones are public")
    func inspections() async throws {
        try await TestApp.run { t in
            // This year's plan (the demo's past years have their own, with other seeds).
            let plan = try #require(try await InspectionPlan.query(on: t.db).filter(\.$seed == "8051").first())
            let targets = try await InspectionTarget.query(on: t.db).filter(\.$unitID == plan.unitID).all()
            let draws = try await InspectionDraw.query(on: t.db).filter(\.$plan.$id == plan.id!).all()
            #expect(draws.count == 12 && plan.poolSize == targets.count)
            // Re-run the published rule with the certificate numbers of the day.
            let unit = try #require(try await OrgUnit.find(plan.unitID, on: t.db))
            let certificates = try await OfficerCertificate.query(on: t.db).filter(\.$unitPath == unit.path).filter(\.$kind == "enforcement").all()
            var numbers: [String] = []
            for certificate in certificates where certificate.valid(on: plan.drawnOn) {
                if try await OfficerService.qualified(certificate.$officer.id, on: CivilDate(plan.drawnOn)!, db: t.db) { numbers.append(certificate.number) }
            }
            let redrawn = InspectionDrawRule(seed: UInt64(plan.seed)!).draw(targets: targets.map(\.creditCode), inspectors: numbers, count: 12)
            #expect(Set(redrawn.map(\.target)) == Set(draws.map(\.creditCode)))
            for (target, pair) in redrawn {
                let row = try #require(draws.first { $0.creditCode == target })
                #expect(pair.count == 2 && pair[0] != pair[1] && pair.allSatisfy { row.inspectors.contains($0) })
            }
            let published = draws.filter { $0.publishedOn != nil }
            let page = try await t.request(TestApp.Browser(), .GET, "/gongshi/inspections").body.string
            #expect(published.allSatisfy { page.contains($0.creditCode) })
            // Targets whose only results are unpublished are not on the page (a target may also have a
            // published result from the demo's past years' plans).
            let publishedAnywhere = Set(try await InspectionDraw.query(on: t.db).filter(\.$publishedOn != nil).all().map(\.creditCode))
            let hidden = draws.filter { $0.publishedOn == nil && !publishedAnywhere.contains($0.creditCode) }
            #expect(!hidden.isEmpty && hidden.allSatisfy { !page.contains($0.creditCode) })
            let pending = try #require(draws.first { $0.inspectedOn != nil && $0.publishedOn == nil })
            let clock = try #require(try await ClockService.openClock(kind: SupervisionClocks.inspectionResult.key, record: pending.clockRecord, on: t.db))
            #expect(clock.dueDate == pending.dueOn)
            let calendar = try await CalendarService.load(on: t.db)
            #expect(calendar.workdays(after: CivilDate(pending.inspectedOn!)!, through: CivilDate(pending.dueOn!)!) == 20)
        }
    }

    @Test("两法衔接: three days to decide, a refusal needs its reason, 24 hours to transfer, the police's three days, reconsideration after a refusal")
    func transfers() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            #expect(try await t.request(officer, .POST, "/supervision/transfers", form: ["caseNumber": "示市监移〔2026〕9号", "unitCode": "SFX-SCJG", "suspect": "李某某",
                                                                                         "offence": "销售假药罪", "reportedOn": "2026-02-26"]).status == .seeOther)
            let row = try #require(try await CriminalTransfer.query(on: t.db).filter(\.$caseNumber == "示市监移〔2026〕9号").first())
            #expect(row.suspectMasked == "李**" && !row.suspectSealed.contains("李某某"))
            #expect(try await ClockService.openClock(kind: TransferClocks.decision.key, record: row.clockRecord, on: t.db)?.dueDate == "2026-03-02")  // 03-01 is a Sunday
            let transferEarly = try await t.request(officer, .POST, row.link, form: ["action": "transfer", "at": "2026-02-27 10:00"])
            #expect(transferEarly.status == .unprocessableEntity && transferEarly.body.string.contains("第五条第二款"))
            let noReason = try await t.request(officer, .POST, row.link, form: ["action": "decide", "at": "2026-02-27 09:00", "transfer": "0"])
            #expect(noReason.status == .unprocessableEntity && noReason.body.string.contains("第十一条"))
            #expect(try await t.request(officer, .POST, row.link, form: ["action": "decide", "at": "2026-02-27 09:00", "transfer": "1"]).status == .seeOther)
            let hours = try #require(try await ClockService.openClock(kind: TransferClocks.transfer.key, record: row.clockRecord, on: t.db))
            #expect(hours.dueDate == "2026-02-28")
            #expect(try await t.request(officer, .POST, row.link, form: ["action": "transfer", "at": "2026-02-28 08:30"]).status == .seeOther)
            #expect(try await StatutoryClock.find(hours.id!, on: t.db)?.closed == true)
            #expect(try await t.request(officer, .POST, row.link, form: ["action": "reconsider", "on": "2026-03-01"]).status == .unprocessableEntity)
            #expect(try await t.request(officer, .POST, row.link, form: ["action": "police", "on": "2026-03-01", "accepted": "0"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: TransferClocks.reconsideration.key, record: row.clockRecord, on: t.db)?.dueDate == "2026-03-04")
            #expect(try await t.request(officer, .POST, row.link, form: ["action": "reconsider", "on": "2026-03-02"]).status == .seeOther)
            let scope = MetricScope(year: 2026, unitPath: try await t.unit("SFX-SCJG").path, unitName: "市场监管局")
            let count = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition("supervision.transfers")), scope: scope, on: t.db)
            let hand = try await CriminalTransfer.query(on: t.db).all().filter { ($0.transferredAt ?? "").hasPrefix("2026") && $0.unitPath.hasPrefix(scope.unitPath!) }.count
            #expect(count.value == String(hand) && hand >= 1)
        }
    }

    @Test("complaints: only the supervision body sees them; a correction order opens a 30-day rectification for the unit; the complainant is sealed")
    func complaints() async throws {
        try await TestApp.run { t in
            let (supervisor, _) = try await t.login("supervisor")
            #expect(try await t.request(supervisor, .POST, "/supervision/complaints", form: ["number": "TS-T-1", "source": "hotline", "complainant": "钱某某",
                                                                                              "aboutUnitCode": "SFX-SCJG", "content": "执法未出示证件", "receivedOn": "2026-02-02"]).status == .seeOther)
            let row = try #require(try await EnforcementComplaint.query(on: t.db).filter(\.$number == "TS-T-1").first())
            #expect(row.complainantMasked == "钱**" && !(row.complainantSealed ?? "").contains("钱某某"))
            let (officer, _) = try await t.login("officer.scjg")
            #expect(try await t.request(officer, .GET, row.link).status == .forbidden)
            #expect(try await t.request(supervisor, .POST, row.link, form: ["action": "conclude", "on": "2026-02-03", "outcome": "correction", "text": "x"]).status == .unprocessableEntity)
            #expect(try await t.request(supervisor, .POST, row.link, form: ["action": "accept", "on": "2026-02-03"]).status == .seeOther)
            #expect(try await t.request(supervisor, .POST, row.link, form: ["action": "conclude", "on": "2026-02-10", "outcome": "correction", "text": "检查时未出示执法证件"]).status == .seeOther)
            let order = try #require(try await ClockService.openClock(kind: SupervisionClocks.rectification.key, record: row.clockRecord, on: t.db))
            #expect(order.unitID == row.aboutUnitID && order.dueDate == "2026-03-12")
            #expect(try await t.request(supervisor, .POST, row.link, form: ["action": "rectified", "on": "2026-03-01", "text": "已组织培训并向投诉人说明"]).status == .seeOther)
            #expect(try await t.request(supervisor, .POST, row.link, form: ["action": "close", "on": "2026-03-02"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: SupervisionClocks.complaint.key, record: row.clockRecord, on: t.db) == nil)
            let scope = MetricScope(year: 2026, unitPath: try await t.unit("SFX-SCJG").path, unitName: "市场监管局")
            let rate = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition("supervision.complaints-on-time-rate")), scope: scope, on: t.db)
            let all = try await EnforcementComplaint.query(on: t.db).all().filter { $0.receivedOn.hasPrefix("2026") && $0.unitPath.hasPrefix(scope.unitPath!) }
            #expect(rate.denominator == all.count && (rate.numerator ?? 0) >= 1)
        }
    }
}
