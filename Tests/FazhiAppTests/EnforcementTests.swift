import Enforcement
import FazhiApp
import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Testing
import VaporTesting
import FazhiDeadlines

@Suite struct EnforcementRegisterTests {
    @Test("the demo's 持证率 and certificate holders equal a hand count of its certificates as of 2026-12-31")
    func certificationFigures() async throws {
        try await TestApp.run { t in
            let officers = try await EnforcementOfficer.query(on: t.db).filter(\.$active == true).all()
            let certificates = try await OfficerCertificate.query(on: t.db).all()
            // Counted here without the module's code: status 有效, issued by and expiring on or after the day.
            let holders = Set(certificates.filter { $0.kind == "enforcement" && $0.status == "valid" && $0.issuedOn <= "2026-12-31" && $0.expiresOn >= "2026-12-31" }
                .map { $0.$officer.id })
            #expect(officers.count == 300)
            let scope = MetricScope(year: 2026, unitPath: nil, unitName: "全县")
            let registry = t.services.metrics
            let count = try await registry.evaluate(try #require(registry.definition("enforcement.certificate-holders")), scope: scope, on: t.db)
            let rate = try await registry.evaluate(try #require(registry.definition("enforcement.certification-rate")), scope: scope, on: t.db)
            #expect(count.value == String(holders.count))
            #expect(rate.numerator == holders.count && rate.denominator == 300)
            #expect(holders.count < 300 && holders.count > 200)
            let matters = try await registry.evaluate(try #require(registry.definition("enforcement.matters")), scope: scope, on: t.db)
            #expect(matters.value == "144")  // 12 bodies × 4 kinds × 3 matters
        }
    }

    @Test("行政处罚法第四十二条: only an officer with a certificate valid that day is qualified; expired, suspended and missing ones are not")
    func qualification() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            let id = ResidentID.completing("99999919900101777")!
            #expect(try await t.request(officer, .POST, "/enforcement/officers/new", form: ["name": "测试员", "idNumber": id, "unitCode": "SFX-SCJG"]).status == .seeOther)
            let row = try #require(try await EnforcementOfficer.query(on: t.db).filter(\.$idHash == t.services.cipher.searchHash(id)).first())
            #expect(row.nameMasked == "测**" && !row.nameSealed.contains("测试员"))
            #expect(try await OfficerService.qualified(row.id!, on: CivilDate("2026-03-02")!, db: t.db) == false)
            // The officers list, kept until a record changes, counts the officer with a valid
            // certificate as soon as one is recorded and not once it is suspended.
            func validListed() async throws -> Int? {
                let page = try await t.request(officer, .GET, "/enforcement/officers?status=valid").body.string
                return page.firstMatch(of: /共(\d+)条/).flatMap { Int($0.1) }
            }
            let validBefore = try #require(try await validListed())
            let bad = try await t.request(officer, .POST, "\(row.link)/certificates", form: ["kind": "enforcement", "number": "T-1", "issuedOn": "2026-01-01", "expiresOn": "2025-12-31"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("应晚于发证日期"))
            #expect(try await t.request(officer, .POST, "\(row.link)/certificates", form: ["kind": "enforcement", "number": "T-1", "issuedOn": "2026-01-01", "expiresOn": "2026-06-30"]).status == .seeOther)
            #expect(try await OfficerService.qualified(row.id!, on: CivilDate("2026-03-02")!, db: t.db))
            #expect(try await validListed() == validBefore + 1)
            #expect(try await OfficerService.qualified(row.id!, on: CivilDate("2026-07-01")!, db: t.db) == false)  // expired by then
            let certificate = try #require(try await OfficerCertificate.query(on: t.db).filter(\.$number == "T-1").first())
            let noReason = try await t.request(officer, .POST, "\(row.link)/certificates/\(certificate.id!)/status", form: ["status": "suspended"])
            #expect(noReason.status == .unprocessableEntity)
            #expect(try await t.request(officer, .POST, "\(row.link)/certificates/\(certificate.id!)/status", form: ["status": "suspended", "reason": "违规执法"]).status == .seeOther)
            #expect(try await OfficerService.qualified(row.id!, on: CivilDate("2026-03-02")!, db: t.db) == false)
            #expect(try await validListed() == validBefore)
            let page = try await t.request(officer, .GET, row.link).body.string
            #expect(page.contains("今日不能从事执法") && page.contains("第四十二条"))
            // The dashboard counts officers without a valid certificate in the department.
            #expect(try await t.request(officer, .GET, "/").body.string.contains("无有效执法证"))
        }
    }

    @Test("the dashboard's certificate card and the officers filter equal a hand count over the models, county-wide and for one department")
    func certificateStandings() async throws {
        try await TestApp.run { t in
            let day = CivilDateTime(t.services.now).date
            let warnUntil = day.adding(days: t.services.config.certificateWarnDays).description
            let department = try #require(try await UnitService.find(code: "SFX-SCJG", on: t.db))
            for (login, prefix) in [("supervisor", nil), ("officer.scjg", department.path)] as [(String, String?)] {
                var officers = try await EnforcementOfficer.query(on: t.db).filter(\.$active == true).all()
                if let prefix { officers = officers.filter { $0.unitPath.hasPrefix(prefix) } }
                let certificates = try await OfficerCertificate.query(on: t.db).filter(\.$kind == "enforcement").all()
                // Counted here without the module's code: the certificate expiring last decides.
                var expiring = 0, invalid = 0
                for officer in officers {
                    guard let last = certificates.filter({ $0.$officer.id == officer.id }).max(by: { $0.expiresOn < $1.expiresOn }) else { invalid += 1; continue }
                    let valid = last.status == "valid" && last.issuedOn <= day.description && last.expiresOn >= day.description
                    if !valid { invalid += 1 } else if last.expiresOn <= warnUntil { expiring += 1 }
                }
                #expect(expiring > 0 && invalid > 0, "the demo has both kinds (\(login))")
                let (browser, _) = try await t.login(login)
                let dashboard = try await t.request(browser, .GET, "/").body.string
                #expect(dashboard.contains("在岗执法人员 \(officers.count) 人：执法证 \(t.services.config.certificateWarnDays) 日内到期 \(expiring) 人，无有效执法证 \(invalid) 人"), "\(login)")
                let listed = try await t.request(browser, .GET, "/enforcement/officers?status=expiring").body.string
                #expect(listed.contains("共\(expiring)条"), "\(login)")
            }
        }
    }

    @Test("training hours and the annual review: out-of-range hours and an unexplained failure are refused; the 60-hour rate equals a hand count")
    func training() async throws {
        try await TestApp.run { t in
            let (supervisor, _) = try await t.login("supervisor")
            let officer = try #require(try await EnforcementOfficer.query(on: t.db).sort(\.$idHash).first())
            let bad = try await t.request(supervisor, .POST, "\(officer.link)/years", form: ["year": "2026", "hours": "-3", "review": "fail"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("应为0至2000之间的整数") && bad.body.string.contains("须写明原因"))
            #expect(try await t.request(supervisor, .POST, "\(officer.link)/years", form: ["year": "2026", "hours": "64"]).status == .seeOther)
            #expect(try await OfficerYear.query(on: t.db).filter(\.$officer.$id == officer.id!).filter(\.$year == 2026).first()?.trainingHours == 64)
            let rows = try await OfficerYear.query(on: t.db).filter(\.$year == 2026).all()
            let figure = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition("enforcement.trained-rate")),
                                                               scope: MetricScope(year: 2026, unitPath: nil, unitName: "全县"), on: t.db)
            #expect(figure.numerator == rows.filter { $0.trainingHours >= 60 }.count && figure.denominator == rows.count && rows.count == 60)
        }
    }

    @Test("a roster with a bad identity number, a duplicate certificate number and a reversed validity is refused whole, row by row")
    func rosterRefused() async throws {
        try await TestApp.run(seeded: true) { t in
            let header = OfficerImporter().columns.map(\.header).joined(separator: ",")
            let good = ResidentID.completing("99999919800101001")!
            let lines = [
                header,
                "甲,\(good),SFX-SCJG,队员,行政执法证,X-1,2024-01-01,2029-01-01,有效,,",
                "乙,999999198001010020,SFX-SCJG,队员,行政执法证,X-2,2024-01-01,2029-01-01,有效,,",
                "丙,\(ResidentID.completing("99999919800101003")!),SFX-SCJG,队员,行政执法证,X-1,2024-01-01,2023-01-01,有效,,",
            ]
            let table = try TableReader.read(Data(lines.joined(separator: "\n").utf8), filename: "roster.csv")
            let report = try await OfficerImporter().run(table, by: .system(), services: t.services, on: t.db)
            #expect(report.rowsWritten == 0)
            #expect(report.errors.contains { $0.row == 3 && $0.column == "身份证号码" })
            #expect(report.errors.contains { $0.row == 4 && $0.column == "证件号码" && $0.message.contains("与第2行重复") })
            #expect(report.errors.contains { $0.row == 4 && $0.column == "有效期至" })
            #expect(try await EnforcementOfficer.query(on: t.db).filter(\.$idHash == t.services.cipher.searchHash(good)).count() == 0)
        }
    }
}

@Suite struct PenaltyCaseTests {
    func officer(_ t: TestApp, _ seed: String, certificate: String, expires: String, status: String = "valid", unit: String = "SFX-SCJG") async throws {
        let id = ResidentID.completing("999999198801\(seed)")!
        let row = try await OfficerService.register(.init(name: "办案员\(seed)", idNumber: id, unitCode: unit), by: .system(), services: t.services, on: t.db)
        try await OfficerService.addCertificate(.init(kind: "enforcement", number: certificate, issuedOn: "2024-01-01", expiresOn: expires, status: status),
                                                to: row.id!, by: .system(), services: t.services, on: t.db)
    }

    @Test("a penalty case from 案源 to 归档: 第三十六条, 第四十二条, 第五十八条 and 第五十七条 refuse their steps; 第六十条 and 第六十一条 clocks run")
    func penaltyFlow() async throws {
        try await TestApp.run { t in
            try await officer(t, "01001", certificate: "CASE-A", expires: "2028-12-31")
            try await officer(t, "01002", certificate: "CASE-B", expires: "2028-12-31")
            try await officer(t, "01003", certificate: "CASE-OLD", expires: "2025-12-31")
            let (handler, _) = try await t.login("officer.scjg")
            func post(_ path: String, _ form: [String: String]) async throws -> TestingHTTPResponse { try await t.request(handler, .POST, path, form: form) }

            // Discovered more than two years after the violation: no penalty (第三十六条).
            #expect(try await post("/enforcement/cases/new", ["caseNumber": "示市监罚〔2026〕1号", "unitCode": "SFX-SCJG", "partyKind": "natural", "party": "赵六",
                                                              "violation": "销售过期食品", "violationOn": "2023-01-01", "discoveredOn": "2026-02-01"]).status == .seeOther)
            let old = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示市监罚〔2026〕1号").first())
            let late = try await post("\(old.link)/actions", ["action": "file", "on": "2026-02-02", "officers": "CASE-A,CASE-B"])
            #expect(late.status == .unprocessableEntity && late.body.string.contains("第三十六条"))

            #expect(try await post("/enforcement/cases/new", ["caseNumber": "示市监罚〔2026〕2号", "unitCode": "SFX-SCJG", "partyKind": "legal", "party": "示范县某超市",
                                                              "violation": "销售过期食品", "violationOn": "2025-12-01", "discoveredOn": "2026-01-10"]).status == .seeOther)
            let row = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示市监罚〔2026〕2号").first())
            let one = try await post("\(row.link)/actions", ["action": "file", "on": "2026-01-12", "officers": "CASE-A"])
            #expect(one.status == .unprocessableEntity && one.body.string.contains("不得少于两人"))
            let expired = try await post("\(row.link)/actions", ["action": "file", "on": "2026-01-12", "officers": "CASE-A,CASE-OLD"])
            #expect(expired.status == .unprocessableEntity && expired.body.string.contains("CASE-OLD") && expired.body.string.contains("第四十二条"))
            #expect(try await post("\(row.link)/actions", ["action": "file", "on": "2026-01-12", "officers": "CASE-A, CASE-B", "major": "1", "complex": "1"]).status == .seeOther)
            let decision = try #require(try await ClockService.openClock(kind: PenaltyClocks.decision.key, record: row.clockRecord, on: t.db))
            #expect(decision.dueDate == "2026-04-13")  // 90 days from 01-12 end Sunday 04-12

            #expect(try await post("\(row.link)/actions", ["action": "notify", "on": "2026-02-02", "hearingRight": "1"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: PenaltyClocks.hearingRequest.key, record: row.clockRecord, on: t.db)?.dueDate == "2026-02-09")
            let unreviewed = try await post("\(row.link)/actions", ["action": "decide", "on": "2026-02-20", "fine": "5000", "text": "罚款"])
            #expect(unreviewed.status == .unprocessableEntity && unreviewed.body.string.contains("第五十八条"))
            // The handling officer holds no review permission; the department's legal reviewer does.
            #expect(try await post("\(row.link)/review", ["action": "review", "on": "2026-02-24", "passed": "1"]).status == .forbidden)
            let (reviewer, _) = try await t.login("reviewer.scjg")
            #expect(try await t.request(reviewer, .POST, "\(row.link)/review", form: ["action": "review", "on": "2026-02-24", "passed": "1", "text": "事实清楚"]).status == .seeOther)
            // The reviewer's route reaches the same step handler; the rule, not the route, keeps the
            // reviewer to reviewing (第五十八条): deciding through it is refused and nothing changes.
            let reviewerDecides = try await t.request(reviewer, .POST, "\(row.link)/review", form: ["action": "decide", "on": "2026-02-24", "fine": "5000", "text": "罚款"])
            #expect(reviewerDecides.status == .unprocessableEntity && reviewerDecides.body.string.contains("法制审核人员只能进行法制审核"))
            #expect(try await PenaltyCase.find(row.id!, on: t.db)?.decidedOn == nil)
            let undiscussed = try await post("\(row.link)/actions", ["action": "decide", "on": "2026-02-25", "fine": "5000", "text": "罚款"])
            #expect(undiscussed.status == .unprocessableEntity && undiscussed.body.string.contains("第五十七条第二款"))
            #expect(try await post("\(row.link)/actions", ["action": "deliberate", "on": "2026-02-25", "text": "局长、副局长"]).status == .seeOther)
            // 🏷 A major decision against an enterprise waits for the economic-impact assessment.
            let unassessed = try await post("\(row.link)/actions", ["action": "decide", "on": "2026-02-26", "fine": "5000", "text": "罚款"])
            #expect(unassessed.status == .unprocessableEntity && unassessed.body.string.contains("涉企经济影响评估"))
            #expect(try await post("\(row.link)/actions", ["action": "impact", "on": "2026-02-25", "text": "罚款不影响正常经营"]).status == .seeOther)
            #expect(try await post("\(row.link)/actions", ["action": "decide", "on": "2026-02-26", "fine": "5000", "text": "依食品安全法第一百二十四条罚款"]).status == .seeOther)
            #expect(try await StatutoryClock.find(decision.id!, on: t.db)?.closed == true)
            #expect(try await ClockService.openClock(kind: PenaltyClocks.service.key, record: row.clockRecord, on: t.db)?.dueDate == "2026-03-06")  // 02-28 is a 春节 调休 working day
            for step in ["serve", "execute", "close", "archive"] {
                #expect(try await post("\(row.link)/actions", ["action": step, "on": "2026-03-02"]).status == .seeOther, "\(step)")
            }
            let done = try #require(try await PenaltyCase.find(row.id!, on: t.db))
            #expect(done.caseStatus == .archived && done.fineYuan == 5000)
            #expect(!done.partySealed.contains("超市") && done.partyMasked == "示范县某超市")
            let page = try await t.request(handler, .GET, row.link).body.string
            #expect(page.contains("全过程记录") && page.contains("2026-01-12") && page.contains("事实清楚"))
            let scope = MetricScope(year: 2026, unitPath: try await t.unit("SFX-SCJG").path, unitName: "市场监管局")
            let reviewed = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition("enforcement.major-reviewed-rate")), scope: scope, on: t.db)
            #expect(reviewed.numerator == reviewed.denominator && (reviewed.denominator ?? 0) >= 1)
        }
    }

    @Test("第六十条 \"规章另有规定的，从其规定\": the decision period is the body's domain's; 市场监管 may extend it, 治安 has thirty days; 按期决定率 counts by the stored due date")
    func decisionPeriodByDomain() async throws {
        try await TestApp.run { t in
            let scjg = try await t.unit("SFX-SCJG"), zhzf = try await t.unit("SFX-ZHZF")
            #expect(try await EnforcementBody.query(on: t.db).filter(\.$unitID == scjg.id!).first()?.domain == "market")
            try await officer(t, "04001", certificate: "DOM-A", expires: "2028-12-31")
            try await officer(t, "04002", certificate: "DOM-B", expires: "2028-12-31")
            let (handler, _) = try await t.login("officer.scjg")
            #expect(try await t.request(handler, .POST, "/enforcement/cases/new", form: ["caseNumber": "示市监罚〔2026〕40号", "unitCode": "SFX-SCJG", "partyKind": "natural",
                                                                                     "party": "周某", "violation": "无照经营", "violationOn": "2026-01-05", "discoveredOn": "2026-01-10"]).status == .seeOther)
            let market = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示市监罚〔2026〕40号").first())
            #expect(try await t.request(handler, .POST, "\(market.link)/actions", form: ["action": "file", "on": "2026-01-12", "officers": "DOM-A,DOM-B"]).status == .seeOther)
            let clock = try #require(try await ClockService.openClock(kind: PenaltyClocks.decision.key, record: market.clockRecord, on: t.db))
            let marketRule = try clock.clock.rule
            #expect(clock.dueDate == "2026-04-13" && marketRule.basis.contains("市场监督管理行政处罚程序规定"))
            // The page offers the extension; without an approver it is refused and nothing changes.
            #expect(try await t.request(handler, .GET, market.link).body.string.contains("延长决定期限"))
            let unapproved = try await t.request(handler, .POST, "\(market.link)/actions", form: ["action": "extend-decision", "on": "2026-03-02", "days": "30", "text": "案情复杂"])
            #expect(unapproved.status == .unprocessableEntity && unapproved.body.string.contains("写明批准人"))
            #expect(try await StatutoryClock.find(clock.id!, on: t.db)?.dueDate == "2026-04-13")
            #expect(try await t.request(handler, .POST, "\(market.link)/actions", form: ["action": "extend-decision", "on": "2026-03-02", "days": "30",
                                                                                     "approver": "局长王某", "text": "案情复杂"]).status == .seeOther)
            let extended = try #require(try await StatutoryClock.find(clock.id!, on: t.db)?.dueDate)
            #expect(extended > "2026-05-01")
            // Decided on 2026-04-20: past ninety days, inside the extended period, so on time.
            t.time.advance(by: 49 * 86400)
            let (later, _) = try await t.login("officer.scjg")
            #expect(try await t.request(later, .POST, "\(market.link)/actions", form: ["action": "notify", "on": "2026-04-15"]).status == .seeOther)
            #expect(try await t.request(later, .POST, "\(market.link)/actions", form: ["action": "decide", "on": "2026-04-20", "fine": "1000", "text": "罚款"]).status == .seeOther)
            let stored = try await PenaltyCase.find(market.id!, on: t.db)?.decisionDueOn
            #expect(stored == extended, "stored \(stored ?? "nil") extended \(extended)")

            // 🏷 The county records 综合执法局 as a 治安 body (a matter import with its 执法领域): audited, thirty days.
            let matters = try TableReader.read(Data((MatterImporter().columns.map(\.header).joined(separator: ",") + "\nZHZF-ZA-1,治安案件处罚,行政处罚,SFX-ZHZF,治安管理处罚法,,治安管理").utf8), filename: "m.csv")
            #expect(try await MatterImporter().run(matters, by: .system(), services: t.services, on: t.db).rowsWritten == 1)
            #expect(try await EnforcementBody.query(on: t.db).filter(\.$unitID == zhzf.id!).first()?.penaltyDomain == PenaltyDomains.publicSecurity)
            let audit = try await AuditEntryQueries.page(.init(action: "enforcement.matter-import"), page: PageRequest(number: 1), on: t.db).items
            #expect(audit.contains { $0.detail.contains("执法领域变更：SFX-ZHZF 一般（行政处罚法）→治安管理") })
            let wrong = try TableReader.read(Data((MatterImporter().columns.map(\.header).joined(separator: ",") + "\nZHZF-ZA-2,治安案件处罚,行政处罚,SFX-ZHZF,治安管理处罚法,,交通").utf8), filename: "m.csv")
            let refused = try await MatterImporter().run(wrong, by: .system(), services: t.services, on: t.db)
            #expect(refused.rowsWritten == 0 && refused.errors.contains { $0.column == "执法领域" && $0.message.contains("市场监管") })

            try await officer(t, "04003", certificate: "DOM-C", expires: "2028-12-31", unit: "SFX-ZHZF")
            try await officer(t, "04004", certificate: "DOM-D", expires: "2028-12-31", unit: "SFX-ZHZF")
            let (police, _) = try await t.login("officer.zhzf")
            #expect(try await t.request(police, .POST, "/enforcement/cases/new", form: ["caseNumber": "示综执罚〔2026〕40号", "unitCode": "SFX-ZHZF", "partyKind": "natural",
                                                                                    "party": "吴某", "violation": "扰乱公共秩序", "violationOn": "2026-01-05", "discoveredOn": "2026-01-10"]).status == .seeOther)
            let late = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示综执罚〔2026〕40号").first())
            #expect(try await t.request(police, .POST, "\(late.link)/actions", form: ["action": "file", "on": "2026-01-12", "officers": "DOM-C,DOM-D"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: PenaltyClocks.decision.key, record: late.clockRecord, on: t.db)?.dueDate == "2026-02-11")
            #expect(try await t.request(police, .POST, "\(late.link)/actions", form: ["action": "notify", "on": "2026-04-15"]).status == .seeOther)
            #expect(try await t.request(police, .POST, "\(late.link)/actions", form: ["action": "decide", "on": "2026-04-20", "fine": "200", "text": "罚款"]).status == .seeOther)
            #expect(try await PenaltyCase.find(late.id!, on: t.db)?.decisionDueOn == "2026-02-11")

            // 按期决定率 of 2026: the 治安 case is late and listed; the extended one is on time and not.
            let definition = try #require(t.services.metrics.definition("enforcement.decided-on-time-rate"))
            let zhzfScope = MetricScope(year: 2026, unitPath: zhzf.path, unitName: "综合执法局")
            let zhzfRate = try await t.services.metrics.evaluate(definition, scope: zhzfScope, on: t.db)
            #expect(zhzfRate.denominator == (zhzfRate.numerator ?? -1) + 1)
            #expect(try await definition.records.first(zhzfScope, on: t.db).map(\.title) == ["示综执罚〔2026〕40号"])
            let scjgScope = MetricScope(year: 2026, unitPath: scjg.path, unitName: "市场监管局")
            #expect(try await !definition.records.first(scjgScope, on: t.db).map(\.title).contains("示市监罚〔2026〕40号"))
        }
    }

    @Test("简易程序 (第五十一条): a citizen's on-the-spot fine over 200 元 is refused, 200 元 is decided; a major case cannot take it")
    func summaryProcedure() async throws {
        try await TestApp.run { t in
            try await officer(t, "02001", certificate: "SUM-A", expires: "2028-12-31")
            try await officer(t, "02002", certificate: "SUM-B", expires: "2028-12-31")
            let (handler, _) = try await t.login("officer.scjg")
            #expect(try await t.request(handler, .POST, "/enforcement/cases/new", form: ["caseNumber": "示市监简〔2026〕1号", "unitCode": "SFX-SCJG", "partyKind": "natural",
                                                                                     "party": "钱七", "violation": "占道经营", "violationOn": "2026-03-01", "discoveredOn": "2026-03-01"]).status == .seeOther)
            let row = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示市监简〔2026〕1号").first())
            let major = try await t.request(handler, .POST, "\(row.link)/actions", form: ["action": "file", "on": "2026-03-02", "officers": "SUM-A,SUM-B", "summary": "1", "major": "1"])
            #expect(major.status == .unprocessableEntity && major.body.string.contains("不适用简易程序"))
            #expect(try await t.request(handler, .POST, "\(row.link)/actions", form: ["action": "file", "on": "2026-03-02", "officers": "SUM-A,SUM-B", "summary": "1"]).status == .seeOther)
            // 第四十四条: even on the spot the party is told first.
            let untold = try await t.request(handler, .POST, "\(row.link)/actions", form: ["action": "decide", "on": "2026-03-02", "fine": "200", "text": "罚款"])
            #expect(untold.status == .unprocessableEntity && untold.body.string.contains("第四十四条"))
            #expect(try await t.request(handler, .POST, "\(row.link)/actions", form: ["action": "notify", "on": "2026-03-02"]).status == .seeOther)
            let over = try await t.request(handler, .POST, "\(row.link)/actions", form: ["action": "decide", "on": "2026-03-02", "fine": "500", "text": "罚款"])
            #expect(over.status == .unprocessableEntity && over.body.string.contains("第五十一条"))
            #expect(try await t.request(handler, .POST, "\(row.link)/actions", form: ["action": "decide", "on": "2026-03-02", "fine": "200", "text": "当场罚款"]).status == .seeOther)
        }
    }

    @Test("三项制度 公示 and 第四十八条: a decision is published redacted within 7 working days, withdrawn within 3 when annulled; the public site never shows the citizen")
    func publication() async throws {
        try await TestApp.run { t in
            try await officer(t, "03001", certificate: "PUB-A", expires: "2028-12-31")
            try await officer(t, "03002", certificate: "PUB-B", expires: "2028-12-31")
            let (handler, _) = try await t.login("officer.scjg")
            func post(_ path: String, _ form: [String: String]) async throws -> TestingHTTPResponse { try await t.request(handler, .POST, path, form: form) }
            let idNumber = ResidentID.completing("99999919850303123")!
            #expect(try await post("/enforcement/cases/new", ["caseNumber": "示市监罚〔2026〕31号", "unitCode": "SFX-SCJG", "partyKind": "natural", "party": "孙小明",
                                                              "violation": "孙小明销售过期食品", "violationOn": "2026-01-05", "discoveredOn": "2026-01-06"]).status == .seeOther)
            let row = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示市监罚〔2026〕31号").first())
            #expect(try await post("\(row.link)/actions", ["action": "file", "on": "2026-01-07", "officers": "PUB-A,PUB-B"]).status == .seeOther)
            #expect(try await post("\(row.link)/actions", ["action": "notify", "on": "2026-01-20"]).status == .seeOther)
            // 🏷 5,000 元 on a citizen is 重大 by the configured threshold: no decision without legal review.
            let large = try await post("\(row.link)/actions", ["action": "decide", "on": "2026-02-10", "fine": "5000", "text": "罚款"])
            #expect(large.status == .unprocessableEntity && large.body.string.contains("第五十八条第一款第四项"))
            #expect(try await post("\(row.link)/actions", ["action": "publish", "on": "2026-02-10"]).status == .unprocessableEntity)  // nothing decided yet
            #expect(try await post("\(row.link)/actions", ["action": "decide", "on": "2026-02-10", "fine": "800",
                                                             "text": "对孙小明（身份证号码\(idNumber)，电话13912345678）罚款800元"]).status == .seeOther)
            // Decided Tuesday 02-10; 春节 runs 02-15..02-23 with 调休 on 02-14 and 02-28: seven working days end 02-26.
            let clock = try #require(try await ClockService.openClock(kind: PublicationClocks.decision.key, record: row.clockRecord, on: t.db))
            #expect(clock.dueDate == "2026-02-26")
            #expect(try await post("\(row.link)/actions", ["action": "publish", "on": "2026-02-25"]).status == .seeOther)
            #expect(try await StatutoryClock.find(clock.id!, on: t.db)?.closed == true)
            let item = try #require(try await EnforcementPublication.query(on: t.db).filter(\.$caseID == row.id!).first())
            #expect(item.onTime && item.dueOn == "2026-02-26")

            // The public site, without logging in: the decision is there, the citizen is not.
            let anonymous = TestApp.Browser()
            let list = try await t.request(anonymous, .GET, "/gongshi").body.string
            #expect(list.contains("示市监罚〔2026〕31号") && list.contains("孙某"))
            let detail = try await t.request(anonymous, .GET, item.publicLink)
            #expect(detail.status == .ok)
            let text = detail.body.string
            #expect(text.contains("孙某") && text.contains(Redaction.idRemoved) && text.contains(Redaction.phoneRemoved) && text.contains("800元"))
            #expect(!text.contains("孙小明") && !text.contains(idNumber) && !text.contains("13912345678"))
            // No published row anywhere holds the citizen's name, ID or phone.
            for published in try await EnforcementPublication.query(on: t.db).all() {
                let stored = [published.party, published.violation, published.decision].joined()
                #expect(!stored.contains("孙小明") && !stored.contains(idNumber) && !stored.contains("13912345678"))
            }

            // 第四十八条第二款: withdrawal only follows a change; the withdrawal clock is three working days.
            let early = try await post("\(row.link)/actions", ["action": "withdraw", "on": "2026-02-27"])
            #expect(early.status == .unprocessableEntity && early.body.string.contains("第四十八条第二款"))
            #expect(try await post("\(row.link)/actions", ["action": "change", "on": "2026-02-27", "kind": "annulled", "text": ""]).status == .unprocessableEntity)
            #expect(try await post("\(row.link)/actions", ["action": "change", "on": "2026-02-27", "kind": "annulled", "text": "示复〔2026〕5号"]).status == .seeOther)
            let withdrawal = try #require(try await ClockService.openClock(kind: PublicationClocks.withdrawal.key, record: row.clockRecord, on: t.db))
            #expect(withdrawal.dueDate == "2026-03-03")  // Friday 02-27 + 3 working days: 调休 Saturday 02-28, Monday 03-02, Tuesday 03-03
            #expect(try await post("\(row.link)/actions", ["action": "publish", "on": "2026-03-02"]).body.string.contains("不得公示"))
            #expect(try await post("\(row.link)/actions", ["action": "withdraw", "on": "2026-03-02"]).status == .seeOther)
            #expect(try await StatutoryClock.find(withdrawal.id!, on: t.db)?.closed == true)
            #expect(try await t.request(anonymous, .GET, item.publicLink).status == .gone)
            #expect(!(try await t.request(anonymous, .GET, "/gongshi").body.string.contains("示市监罚〔2026〕31号")))
            let audit = try await AuditEntryQueries.rows(since: 0, on: t.db).filter { $0.entityID == row.id!.uuidString }.map(\.action)
            #expect(audit.contains("enforcement.case-publish") && audit.contains("enforcement.case-change") && audit.contains("enforcement.case-withdraw"))
        }
    }

    @Test("按时公示率 of the demo equals a hand count of its decisions and publications")
    func publicationFigure() async throws {
        try await TestApp.run { t in
            let year = 2026
            let cases = try await PenaltyCase.query(on: t.db).all().filter { ($0.decidedOn ?? "").hasPrefix("\(year)-") }
            let items = try await EnforcementPublication.query(on: t.db).all()
            let calendar = try await CalendarService.load(on: t.db)
            // Counted by hand: first publication per case on or before the seventh working day after the decision.
            var onTime = 0, total = 0
            for row in cases {
                let first = items.filter { $0.caseID == row.id! }.map(\.publishedOn).min()
                if (row.changeKind == "annulled" || row.changeKind == "void") && first == nil { continue }
                total += 1
                var day = CivilDate(row.decidedOn!)!, counted = 0
                while counted < 7 { day = day.adding(days: 1); if calendar.isWorkday(day) { counted += 1 } }
                if let first, first <= day.description { onTime += 1 }
            }
            #expect(total > 0 && onTime < total)  // the demo has late publications
            let figure = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition("enforcement.publication-on-time-rate")),
                                                               scope: MetricScope(year: year, unitPath: nil, unitName: "全县"), on: t.db)
            #expect(figure.numerator == onTime && figure.denominator == total)
            #expect(items.contains { $0.withdrawnOn != nil })
        }
    }

    @Test("裁量基准 (第三十四条): tiers are checked and versioned; at decision the platform proposes, a decision outside needs its reason and is flagged; 首违不罚 forces 不予处罚; 第六十四条's 7 working days")
    func discretion() async throws {
        try await TestApp.run { t in
            try await officer(t, "04001", certificate: "DIS-A", expires: "2028-12-31")
            try await officer(t, "04002", certificate: "DIS-B", expires: "2028-12-31")
            let (handler, _) = try await t.login("officer.scjg")
            func post(_ path: String, _ form: [String: String]) async throws -> TestingHTTPResponse { try await t.request(handler, .POST, path, form: form) }
            let bad = try await post("/enforcement/benchmarks", ["code": "T-01", "unitCode": "SFX-SCJG", "violation": "销售不合格商品", "basis": "产品质量法第四十九条",
                                                                "effectiveFrom": "2026-01-01", "tiers": "从轻|初次|1000|6000\n一般|一般|5000|9000\n奇怪|x|1|2"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("第3行") && bad.body.string.contains("不应高于一般处罚档的最低额"))
            let tiers = "从轻|主动消除危害后果|1000|4999\n一般|无从轻、从重情节|5000|9999\n从重|拒不改正|10000|20000"
            #expect(try await post("/enforcement/benchmarks", ["code": "T-01", "unitCode": "SFX-SCJG", "violation": "销售不合格商品", "basis": "产品质量法第四十九条",
                                                                 "effectiveFrom": "2026-01-01", "tiers": tiers]).status == .seeOther)
            #expect(try await post("/enforcement/benchmarks", ["code": "T-01", "unitCode": "SFX-SCJG", "violation": "销售不合格商品", "basis": "产品质量法第四十九条",
                                                                 "effectiveFrom": "2026-02-15", "tiers": tiers.replacingOccurrences(of: "5000|9999", with: "5000|8999")
                                                                    .replacingOccurrences(of: "10000|20000", with: "9000|20000")]).status == .seeOther)
            let versions = try await DiscretionBenchmark.query(on: t.db).filter(\.$code == "T-01").sort(\.$version).all()
            #expect(versions.map(\.version) == [1, 2] && versions[0].effectiveTo == "2026-02-14" && versions[1].effectiveTo == nil)
            #expect(try await DiscretionService.benchmark(code: "T-01", on: CivilDate("2026-02-14")!, db: t.db)?.version == 1)
            #expect(try await t.request(TestApp.Browser(), .GET, "/gongshi/benchmarks").body.string.contains("销售不合格商品"))

            #expect(try await post("/enforcement/cases/new", ["caseNumber": "示市监罚〔2026〕41号", "unitCode": "SFX-SCJG", "partyKind": "natural", "party": "周某某",
                                                              "violation": "销售不合格商品", "violationOn": "2026-01-05", "discoveredOn": "2026-01-06"]).status == .seeOther)
            let row = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示市监罚〔2026〕41号").first())
            #expect(try await post("\(row.link)/actions", ["action": "file", "on": "2026-01-07", "officers": "DIS-A,DIS-B"]).status == .seeOther)
            #expect(try await post("\(row.link)/actions", ["action": "notify", "on": "2026-02-02", "hearingRight": "1"]).status == .seeOther)
            // 第六十四条: notified on 02-10, hearing on 02-25 — only 02-11..02-14 and 02-24 are working days between (春节).
            let soon = try await post("\(row.link)/actions", ["action": "hearing", "on": "2026-02-25", "noticeOn": "2026-02-10", "text": "当事人陈述"])
            #expect(soon.status == .unprocessableEntity && soon.body.string.contains("第六十四条第二项") && soon.body.string.contains("只隔5个工作日"))
            #expect(try await post("\(row.link)/actions", ["action": "hearing", "on": "2026-02-25", "noticeOn": "2026-02-04", "text": "当事人陈述"]).status == .seeOther)

            // The proposal with 第三十二条 circumstances is 从轻 or 减轻; 4,000 元 in 从轻 (1000–4999) is inside.
            #expect(DiscretionProposal.propose([.reducedHarm]).tiers == [.lighter, .mitigated])
            #expect(DiscretionProposal.propose([.firstOffence, .minorHarm, .corrected]).tiers.first == .noPenalty)
            // 4,500 元 at the general tier (5000–8999 in version 2) is outside: refused without a reason.
            let outside = try await post("\(row.link)/actions", ["action": "decide", "on": "2026-02-26", "fine": "4500", "text": "罚款", "benchmarkCode": "T-01", "tier": "general"])
            #expect(outside.status == .unprocessableEntity && outside.body.string.contains("须书面说明理由"))
            // 首违不罚 list item: the decision must be 不予处罚.
            #expect(try await post("/enforcement/lenience", ["code": "T-SW", "unitCode": "SFX-SCJG", "list": "firstViolation", "violation": "销售不合格商品",
                                                               "conditions": "初次违法、危害后果轻微并及时改正", "basis": "行政处罚法第三十三条第一款"]).status == .seeOther)
            let lenient = try await post("\(row.link)/actions", ["action": "decide", "on": "2026-02-26", "fine": "1000", "text": "罚款", "benchmarkCode": "T-01", "tier": "lighter",
                                                                  "lenienceCode": "T-SW", "lenienceReason": "初次"])
            #expect(lenient.status == .unprocessableEntity && lenient.body.string.contains("应当作出不予行政处罚决定"))
            #expect(try await post("\(row.link)/actions", ["action": "decide", "on": "2026-02-26", "fine": "4500", "text": "罚款", "benchmarkCode": "T-01", "tier": "general",
                                                             "outsideReason": "当事人经济困难"]).status == .seeOther)
            let decided = try #require(try await PenaltyCase.find(row.id!, on: t.db))
            #expect(decided.outsideBenchmark && decided.discretionTier == "general" && decided.proposedTiers == "general" && decided.benchmarkID == versions[1].id!.uuidString)
            #expect(try await t.request(handler, .GET, row.link).body.string.contains("已报送执法监督"))

            // The demo's figures against a hand count.
            let scope = MetricScope(year: 2026, unitPath: nil, unitName: "全县")
            func figure(_ key: String) async throws -> MetricResult {
                try await t.services.metrics.evaluate(try #require(t.services.metrics.definition(key)), scope: scope, on: t.db)
            }
            let all = try await PenaltyCase.query(on: t.db).all().filter { ($0.decidedOn ?? "").hasPrefix("2026") }
            #expect(try await figure("enforcement.decisions-outside-benchmark").value == String(all.filter(\.outsideBenchmark).count))
            #expect(try await figure("enforcement.lenient-cases").value == String(all.filter { $0.lenienceItemID != nil }.count))
            #expect(try await figure("enforcement.lenience-items").value == String(try await LenienceItem.query(on: t.db).count()))
        }
    }

    @Test("a case ledger is replayed through the rules: two bad rows (one officer; a major decision unreviewed) fail the whole file row by row; the clean file lands with its clocks")
    func ledgerImport() async throws {
        try await TestApp.run { t in
            try await officer(t, "05001", certificate: "IMP-A", expires: "2028-12-31")
            try await officer(t, "05002", certificate: "IMP-B", expires: "2028-12-31")
            let importer = PenaltyCaseImporter()
            let header = importer.columns.map(\.header)
            func line(_ values: [String: String]) -> String { header.map { values[$0] ?? "" }.joined(separator: ",") }
            let base = ["办案单位编码": "SFX-SCJG", "当事人类型": "法人", "当事人": "示范县某食品公司", "违法行为": "销售过期食品",
                        "违法行为发生日期": "2025-10-01", "发现日期": "2025-10-05", "立案日期": "2025-10-06", "执法证号": "IMP-A、IMP-B"]
            var archived = base
            archived.merge(["案号": "示市监罚〔2025〕801号", "告知日期": "2025-10-20", "决定日期": "2025-11-10", "罚款": "3000", "决定内容": "依法罚款",
                            "送达日期": "2025-11-12", "公示日期": "2025-11-14", "执行日期": "2025-11-20", "结案日期": "2025-11-21", "归档日期": "2025-11-25"]) { $1 }
            var oneOfficer = base
            oneOfficer.merge(["案号": "示市监罚〔2025〕802号", "执法证号": "IMP-A"]) { $1 }
            var unreviewed = base
            unreviewed.merge(["案号": "示市监罚〔2025〕803号", "重大执法决定": "是", "告知日期": "2025-10-20", "涉企影响评估日期": "2025-10-25",
                              "决定日期": "2025-11-10", "罚款": "3000", "决定内容": "依法罚款"]) { $1 }
            var open = base
            open.merge(["案号": "示市监罚〔2026〕804号", "违法行为发生日期": "2026-02-01", "发现日期": "2026-02-10", "立案日期": "2026-02-20"]) { $1 }
            func table(_ rows: [[String: String]]) throws -> ImportTable {
                try TableReader.read(Data(([header.joined(separator: ",")] + rows.map(line)).joined(separator: "\n").utf8), filename: "ledger.csv")
            }
            let before = try await PenaltyCase.query(on: t.db).count()
            let officerPrincipal = try #require(try await AccountService.principal(user: try await t.user("officer.scjg"), channel: .session(id: UUID(), csrfToken: "", mustEnrollTOTP: false), tokenPermissions: nil,
                                                                                    ip: "test", services: t.services, on: t.db))
            let refused = try await importer.run(try table([archived, oneOfficer, unreviewed, open]), by: officerPrincipal, services: t.services, on: t.db)
            #expect(refused.rowsWritten == 0)
            #expect(refused.errors.contains { $0.row == 3 && $0.column == "立案日期" && $0.message.contains("不得少于两人") })
            #expect(refused.errors.contains { $0.row == 4 && $0.column == "决定日期" && $0.message.contains("第五十八条") })
            #expect(refused.errors.allSatisfy { $0.row == 3 || $0.row == 4 })
            #expect(try await PenaltyCase.query(on: t.db).count() == before)
            #expect(try await EnforcementPublication.query(on: t.db).filter(\.$caseNumber == "示市监罚〔2025〕801号").count() == 0)

            let landed = try await importer.run(try table([archived, open]), by: officerPrincipal, services: t.services, on: t.db)
            #expect(landed.errors.isEmpty && landed.rowsWritten == 2)
            let done = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示市监罚〔2025〕801号").first())
            #expect(done.caseStatus == .archived && done.fineYuan == 3000 && done.partyMasked == "示范县某食品公司")
            #expect(try await EnforcementPublication.query(on: t.db).filter(\.$caseID == done.id!).first()?.onTime == true)
            let running = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示市监罚〔2026〕804号").first())
            #expect(running.caseStatus == .filed)
            #expect(try await ClockService.openClock(kind: PenaltyClocks.decision.key, record: running.clockRecord, on: t.db)?.dueDate == "2026-05-21")
        }
    }

    @Test("a ledger row that states its historical breach lands as it happened: the breach is a finding with its article, audited, listed for supervision and counted; the figures say the decision was unreviewed")
    func historicalBreachImport() async throws {
        try await TestApp.run { t in
            try await officer(t, "07001", certificate: "HIS-A", expires: "2028-12-31")
            try await officer(t, "07002", certificate: "HIS-B", expires: "2028-12-31")
            let importer = PenaltyCaseImporter()
            let header = importer.columns.map(\.header)
            func table(_ rows: [[String: String]]) throws -> ImportTable {
                try TableReader.read(Data(([header.joined(separator: ",")] + rows.map { row in header.map { row[$0] ?? "" }.joined(separator: ",") })
                    .joined(separator: "\n").utf8), filename: "ledger.csv")
            }
            var row = ["案号": "示市监罚〔2025〕901号", "办案单位编码": "SFX-SCJG", "当事人类型": "法人", "当事人": "示范县某建材公司", "违法行为": "销售不合格建材",
                       "违法行为发生日期": "2025-09-01", "发现日期": "2025-09-05", "立案日期": "2025-09-08", "执法证号": "HIS-A、HIS-B", "重大执法决定": "是",
                       "告知日期": "2025-09-20", "涉企影响评估日期": "2025-09-25", "决定日期": "2025-10-15", "罚款": "80000", "决定内容": "依法罚款"]
            let officerPrincipal = try #require(try await AccountService.principal(user: try await t.user("officer.scjg"), channel: .session(id: UUID(), csrfToken: "", mustEnrollTOTP: false),
                                                                                    tokenPermissions: nil, ip: "test", services: t.services, on: t.db))
            let scjg = try await t.unit("SFX-SCJG")
            let scope = MetricScope(year: 2025, unitPath: scjg.path, unitName: "市场监管局")
            let reviewedRate = try #require(t.services.metrics.definition("enforcement.major-reviewed-rate"))
            let before = try await t.services.metrics.evaluate(reviewedRate, scope: scope, on: t.db)
            // Without a statement the row is refused, as before.
            let refused = try await importer.run(try table([row]), by: officerPrincipal, services: t.services, on: t.db)
            #expect(refused.rowsWritten == 0 && refused.errors.contains { $0.column == "决定日期" && $0.message.contains("第五十八条") })
            row["历史违规说明"] = "2025年重大决定未送法制审核，已于2026年整改"
            let landed = try await importer.run(try table([row]), by: officerPrincipal, services: t.services, on: t.db)
            #expect(landed.errors.isEmpty && landed.rowsWritten == 1)
            let imported = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示市监罚〔2025〕901号").first())
            #expect(imported.caseStatus == .decided && imported.reviewOn == nil)
            let findings = try await PenaltyCaseFinding.query(on: t.db).filter(\.$caseID == imported.id!).all()
            #expect(findings.count == 2)
            #expect(findings.contains { $0.step == "作出决定" && $0.finding.contains("第五十八条") && $0.statement.contains("已于2026年整改") })
            #expect(try await AuditEntryQueries.page(.init(action: "enforcement.case-finding"), page: PageRequest(number: 1), on: t.db).items
                .filter { $0.entityID == imported.id!.uuidString }.count == 2)
            // Counted honestly: one more major decision, and it was not reviewed.
            let after = try await t.services.metrics.evaluate(reviewedRate, scope: scope, on: t.db)
            #expect(after.denominator == (before.denominator ?? 0) + 1 && after.numerator == before.numerator ?? 0)
            let breaches = try #require(t.services.metrics.definition("enforcement.historical-breaches"))
            #expect(try await breaches.compute(scope, t.db) == .count(2))
            #expect(try await breaches.records.first(scope, on: t.db).allSatisfy { $0.title.hasPrefix("示市监罚〔2025〕901号") })
            // Supervision sees them.
            let (supervisor, _) = try await t.login("supervisor")
            let page = try await t.request(supervisor, .GET, "/supervision/findings").body.string
            #expect(page.contains("示市监罚〔2025〕901号") && page.contains("第五十八条") && page.contains("已于2026年整改"))
        }
    }

    @Test("行政许可法 (5/20+10/10 working days) and 行政强制法 (two officers, 24-hour approval, 30 days extended once by 30) run through their steps and clocks")
    func licencesAndCoercion() async throws {
        try await TestApp.run { t in
            try await officer(t, "06001", certificate: "ACT-A", expires: "2028-12-31")
            try await officer(t, "06002", certificate: "ACT-B", expires: "2028-12-31")
            let (handler, _) = try await t.login("officer.scjg")
            func post(_ path: String, _ form: [String: String]) async throws -> TestingHTTPResponse { try await t.request(handler, .POST, path, form: form) }
            // A licence application received Monday 02-02: five working days to accept (02-09).
            #expect(try await post("/enforcement/actions", ["kind": "licence", "number": "许-T-1", "unitCode": "SFX-SCJG", "partyKind": "natural", "party": "褚某某",
                                                             "subject": "小餐饮登记", "startedOn": "2026-02-02"]).status == .seeOther)
            let licence = try #require(try await EnforcementAction.query(on: t.db).filter(\.$number == "许-T-1").first())
            #expect(try await ClockService.openClock(kind: ActionClocks.licenceAcceptance.key, record: licence.clockRecord, on: t.db)?.dueDate == "2026-02-09")
            #expect(try await post(licence.link, ["action": "decide", "on": "2026-02-03", "granted": "1", "text": "准予"]).status == .unprocessableEntity)  // not accepted yet
            #expect(try await post(licence.link, ["action": "accept", "on": "2026-02-04"]).status == .seeOther)
            let decision = try #require(try await ClockService.openClock(kind: ActionClocks.licenceDecision.key, record: licence.clockRecord, on: t.db))
            #expect(decision.dueDate == "2026-03-10")  // twenty working days across 春节
            #expect(try await post(licence.link, ["action": "extendLicence", "on": "2026-02-26", "approver": "局长", "text": "需现场核查"]).status == .seeOther)
            #expect(try await StatutoryClock.find(decision.id!, on: t.db)?.dueDate == "2026-03-24")
            let twice = try await post(licence.link, ["action": "extendLicence", "on": "2026-02-27", "approver": "局长", "text": "再次延长"])
            #expect(twice.status == .unprocessableEntity && twice.body.string.contains("第四十二条"))
            #expect(try await post(licence.link, ["action": "decide", "on": "2026-03-02", "granted": "1", "text": "准予许可，联系电话13912345678"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: ActionClocks.licenceIssue.key, record: licence.clockRecord, on: t.db) != nil)
            #expect(try await ClockService.openClock(kind: PublicationClocks.licence.key, record: licence.clockRecord, on: t.db) != nil)
            #expect(try await post(licence.link, ["action": "publish", "on": "2026-03-02"]).status == .seeOther)
            let board = try await t.request(TestApp.Browser(), .GET, "/gongshi").body.string
            #expect(board.contains("许-T-1") && board.contains("褚某") && !board.contains("褚某某") && !board.contains("13912345678"))

            // 查封、扣押 needs two officers; without an approving head it is an emergency measure (24 hours).
            #expect(try await post("/enforcement/actions", ["kind": "coercion", "number": "强-T-1", "unitCode": "SFX-SCJG", "partyKind": "legal", "party": "示范县某仓储公司",
                                                             "subject": "涉嫌储存假冒商品", "startedOn": "2026-02-10"]).status == .seeOther)
            let measure = try #require(try await EnforcementAction.query(on: t.db).filter(\.$number == "强-T-1").first())
            let one = try await post(measure.link, ["action": "impose", "on": "2026-02-10", "measure": "查封仓库", "officers": "ACT-A"])
            #expect(one.status == .unprocessableEntity && one.body.string.contains("第十八条第二项"))
            // 第十九条: the 24 hours run from the measure itself, so a measure recorded for an earlier day needs its time.
            let untimed = try await post(measure.link, ["action": "impose", "on": "2026-02-10", "measure": "查封仓库", "officers": "ACT-A,ACT-B"])
            #expect(untimed.status == .unprocessableEntity && untimed.body.string.contains("二十四小时自实施时起计算（行政强制法第十九条）"))
            #expect(try await post(measure.link, ["action": "impose", "on": "2026-02-10", "measure": "查封仓库", "officers": "ACT-A,ACT-B", "time": "14:30"]).status == .seeOther)
            let approval = try #require(try await ClockService.openClock(kind: ActionClocks.emergencyApproval.key, record: measure.clockRecord, on: t.db))
            #expect(try approval.clock.start == CivilDateTime("2026-02-10T14:30"))
            let seizure = try #require(try await ClockService.openClock(kind: ActionClocks.seizure.key, record: measure.clockRecord, on: t.db))
            #expect(seizure.dueDate == "2026-03-12")
            let long = try await post(measure.link, ["action": "extendSeizure", "on": "2026-03-02", "days": "31", "approver": "局长", "text": "检验鉴定"])
            #expect(long.status == .unprocessableEntity && long.body.string.contains("第二十五条"))
            // 第二十五条第一款: thirty days in all, in one or more steps.
            #expect(try await post(measure.link, ["action": "extendSeizure", "on": "2026-03-02", "days": "20", "approver": "局长", "text": "检验鉴定"]).status == .seeOther)
            let over = try await post(measure.link, ["action": "extendSeizure", "on": "2026-03-02", "days": "11", "approver": "局长", "text": "再延"])
            #expect(over.status == .unprocessableEntity && over.body.string.contains("已延长20日，延长期限合计不得超过三十日"))
            #expect(try await post(measure.link, ["action": "extendSeizure", "on": "2026-03-02", "days": "10", "approver": "局长", "text": "再延"]).status == .seeOther)
            #expect(try await StatutoryClock.find(seizure.id!, on: t.db)?.dueDate == "2026-04-13")  // 04-11 is a Saturday
            #expect(try await post(measure.link, ["action": "approve", "on": "2026-02-10", "time": "18:00", "text": "局长"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: ActionClocks.emergencyApproval.key, record: measure.clockRecord, on: t.db) == nil)
        }
    }

    @Test("statistics by body: each cell is the registered figure for that body; the fines in 万元 equal a hand sum")
    func statistics() async throws {
        try await TestApp.run { t in
            let (leader, _) = try await t.login("leader")
            let page = try await t.request(leader, .GET, "/enforcement/statistics?year=2025")
            #expect(page.status == .ok)
            let scjg = try await t.unit("SFX-SCJG")
            let decided = try await PenaltyCase.query(on: t.db).all().filter { ($0.decidedOn ?? "").hasPrefix("2025") && $0.unitPath.hasPrefix(scjg.path) }
            let fines = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition("enforcement.fines")),
                                                              scope: MetricScope(year: 2025, unitPath: scjg.path, unitName: scjg.name), on: t.db)
            let hand = Decimal(decided.compactMap(\.fineYuan).reduce(0, +)) / 10_000
            #expect(!decided.isEmpty && fines.value == NSDecimalNumber(decimal: hand).stringValue.padded2())
            // The row of the market regulator: its name, then its number of decisions.
            let body = page.body.string
            let row = try #require(body.components(separatedBy: "<tr>").first { $0.contains(scjg.name) })
            let cells = row.components(separatedBy: "<td>").dropFirst().map { $0.components(separatedBy: "</td>")[0] }
            #expect(cells.count == 12 && cells[2] == String(decided.count))
        }
    }
}

extension String {
    /// "1.5" → "1.50", "3" → "3.00": the figures' two decimal places.
    func padded2() -> String {
        let parts = split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return "\(parts[0]).\((fraction + "00").prefix(2))"
    }
}

/// docs/security.md: an imported 法制审核 names a real reviewer or is recorded as a historical fact,
/// never as the system acting with every permission.
@Suite struct ImportedReviewTests {
    @Test("a ledger's reviewer is the legal-reviewer account it names, or a named person who can only review; the importing officer is on record")
    func importedReviewers() async throws {
        try await TestApp.run { t in
            try await PenaltyCaseTests().officer(t, "07001", certificate: "REV-A", expires: "2028-12-31")
            try await PenaltyCaseTests().officer(t, "07002", certificate: "REV-B", expires: "2028-12-31")
            let importer = PenaltyCaseImporter()
            let header = importer.columns.map(\.header)
            func line(_ values: [String: String]) -> String { header.map { values[$0] ?? "" }.joined(separator: ",") }
            let base = ["办案单位编码": "SFX-SCJG", "当事人类型": "法人", "当事人": "示范县某食品公司", "违法行为": "销售过期食品", "违法行为发生日期": "2025-10-01",
                        "发现日期": "2025-10-05", "立案日期": "2025-10-06", "执法证号": "REV-A、REV-B", "重大执法决定": "是", "告知日期": "2025-10-20",
                        "涉企影响评估日期": "2025-10-25", "决定日期": "2025-11-10", "罚款": "3000", "决定内容": "依法罚款", "法制审核日期": "2025-11-01"]
            var byAccount = base
            byAccount.merge(["案号": "示市监罚〔2025〕901号", "法制审核人": "reviewer.scjg"]) { $1 }
            var byName = base
            byName.merge(["案号": "示市监罚〔2025〕902号", "法制审核人": "县市场监管局法制科王某"]) { $1 }
            let table = try TableReader.read(Data(([header.joined(separator: ",")] + [byAccount, byName].map(line)).joined(separator: "\n").utf8), filename: "l.csv")
            let officer = try #require(try await AccountService.principal(user: try await t.user("officer.scjg"), channel: .session(id: UUID(), csrfToken: "", mustEnrollTOTP: false),
                                                                           tokenPermissions: nil, ip: "test", services: t.services, on: t.db))
            let report = try await importer.run(table, by: officer, services: t.services, on: t.db)
            #expect(report.errors.isEmpty && report.rowsWritten == 2)
            let reviewerAccount = try await t.user("reviewer.scjg")
            for (number, named) in [("示市监罚〔2025〕901号", reviewerAccount.displayName), ("示市监罚〔2025〕902号", "县市场监管局法制科王某")] {
                let row = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == number).first())
                let review = try #require(try await PenaltyCaseEvent.query(on: t.db).filter(\.$penaltyCase.$id == row.id!).filter(\.$action == "review").first())
                #expect(review.actor.contains("据台账记载") && review.actor.contains(named) && review.actor.contains(officer.displayName))
            }
            // The named person holds the one step and nothing else.
            let ledgerReviewer = Principal.ledger("王某", permission: EnforcementPermissions.review, role: .legalReviewer, unitPath: "/", importedBy: officer)
            #expect(ledgerReviewer.has(EnforcementPermissions.review) && !ledgerReviewer.has(EnforcementPermissions.manage) && !ledgerReviewer.has(.authenticated))
            #expect(ledgerReviewer.auditActor.id == officer.auditActor.id)
        }
    }
}
