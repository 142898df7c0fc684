import FazhiApp
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Reconsideration
import Testing
import Vapor
import VaporTesting
import ZIPFoundation

/// The procedure through the web UI, as the justice bureau's officer does it (clock at 2026-03-02).
@Suite struct ReconsiderationFlowTests {
    static let applicantID = ResidentID.completing("99999919850615123")!

    func register(_ t: TestApp, _ browser: TestApp.Browser, received: String, number: String) async throws -> ReconsiderationCase {
        let response = try await t.request(browser, .POST, "/reconsideration/new", form: [
            "caseNumber": number, "receivedOn": received, "channel": "post", "applicantKind": "naturalPerson", "applicantName": "张三丰",
            "applicantID": Self.applicantID, "respondentCode": "SFX-SCJG", "actCategory": "penalty", "enforcementDomain": "市场监管",
            "actOn": "2026-01-05", "request": "撤销罚款决定",
        ])
        #expect(response.status == .seeOther, "\(response.body.string.prefix(300))")
        return try #require(try await ReconsiderationCase.query(on: t.db).filter(\.$caseNumber == number).first())
    }

    func act(_ t: TestApp, _ browser: TestApp.Browser, _ row: ReconsiderationCase, _ form: [String: String]) async throws -> TestingHTTPResponse {
        try await t.request(browser, .POST, "/reconsideration/\(row.id!)/actions", form: form)
    }

    @Test("receipt → 补正 → acceptance → copy → reply → extension → decision → served → archived, each step with its clock, all in the web UI")
    func fullProcedure() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("supervisor")
            t.time.advance(by: -40 * 86400)  // 2026-01-21
            var row = try await register(t, officer, received: "2026-01-20", number: "测试复字第1号")
            // The applicant's name and number are stored sealed, shown masked.
            #expect(!row.applicantNameSealed.contains("张三丰") && row.applicantNameMasked == "张**")
            #expect(row.applicantIDMasked?.contains("*") == true && row.applicantIDSealed?.contains(Self.applicantID) == false)
            let acceptance = try #require(try await ClockService.openClock(kind: ReconsiderationClocks.acceptance.key, record: row.clockRecord, on: t.db))
            #expect(acceptance.dueDate == "2026-01-27")  // five working days after 01-20

            #expect(try await act(t, officer, row, ["action": "request-correction", "on": "2026-01-21", "text": "补充处罚决定书复印件"]).status == .seeOther)
            let correction = try #require(try await ClockService.openClock(kind: ReconsiderationClocks.correction.key, record: row.clockRecord, on: t.db))
            #expect(correction.dueDate == "2026-02-04")  // ten working days after 01-21
            // Deemed withdrawn before the applicant's ten days are out: refused, with the article.
            let early = try await act(t, officer, row, ["action": "deem-withdrawn", "on": "2026-01-21"])
            #expect(early.status == .unprocessableEntity)
            #expect(early.body.string.contains("补正期限至2026-02-04届满，届满前不能视为撤回"))
            // A decision before acceptance: refused.
            let tooSoon = try await act(t, officer, row, ["action": "conclude", "on": "2026-01-21", "outcome": "uphold"])
            #expect(tooSoon.status == .unprocessableEntity)
            #expect(tooSoon.body.string.contains("不能结案"))

            t.time.advance(by: 9 * 86400)  // 2026-01-30
            #expect(try await act(t, officer, row, ["action": "receive-correction", "on": "2026-01-29"]).status == .seeOther)
            // The review period restarts from the receipt of the supplement (第三十一条).
            let restarted = try #require(try await ClockService.openClock(kind: ReconsiderationClocks.acceptance.key, record: row.clockRecord, on: t.db))
            #expect(restarted.dueDate == "2026-02-05")
            #expect(try await act(t, officer, row, ["action": "accept", "on": "2026-01-30", "procedure": "ordinary", "major": "0"]).status == .seeOther)
            let decision = try #require(try await ClockService.openClock(kind: ReconsiderationClocks.decisionOrdinary.key, record: row.clockRecord, on: t.db))
            #expect(decision.dueDate == "2026-03-31")  // 60 days from 01-30 end on Tuesday 03-31
            #expect(try await act(t, officer, row, ["action": "send-copy", "on": "2026-01-30"]).status == .seeOther)
            let reply = try #require(try await ClockService.openClock(kind: ReconsiderationClocks.replyOrdinary.key, record: row.clockRecord, on: t.db))
            #expect(reply.dueDate == "2026-02-13")  // ten working days after Friday 01-30

            t.time.advance(by: 31 * 86400)  // 2026-03-02
            #expect(try await act(t, officer, row, ["action": "receive-reply", "on": "2026-02-26"]).status == .seeOther)
            // A hearing noticed four working days ahead is refused (第五十一条).
            let hearing = try await act(t, officer, row, ["action": "schedule-hearing", "on": "2026-03-02", "hearingOn": "2026-03-06"])
            #expect(hearing.status == .unprocessableEntity)
            #expect(hearing.body.string.contains("行政复议法第五十一条"))
            #expect(try await act(t, officer, row, ["action": "extend", "on": "2026-03-02", "days": "30", "approver": "复议科负责人", "text": "案情复杂"]).status == .seeOther)
            let extended = try #require(try await StatutoryClock.find(decision.id!, on: t.db))
            #expect(extended.dueDate == "2026-04-30")  // 90 days from 01-30
            let second = try await act(t, officer, row, ["action": "extend", "on": "2026-03-02", "days": "5", "approver": "复议科负责人", "text": "再延"])
            #expect(second.status == .unprocessableEntity)
            // 第六十二条第一款: thirty days in all, whatever the number of steps.
            #expect(second.body.string.contains("延长期限合计最多不得超过三十日"))
            #expect(try await act(t, officer, row, ["action": "conclude", "on": "2026-03-02", "outcome": "annul", "text": "认定事实不清"]).status == .seeOther)
            #expect(try await act(t, officer, row, ["action": "serve", "on": "2026-03-02"]).status == .seeOther)
            #expect(try await act(t, officer, row, ["action": "archive", "on": "2026-03-02"]).status == .seeOther)
            row = try #require(try await ReconsiderationCase.find(row.id!, on: t.db))
            #expect(row.caseStatus == .archived && row.caseOutcome == .annul)
            // No clock of the case is left open; the decision was on time.
            let clocks = try await ClockService.clocks(record: row.clockRecord, on: t.db)
            let openClocks = clocks.filter { !$0.closed }.count
            #expect(openClocks == 0)
            let calendar = try await CalendarService.current(services: t.services, on: t.db)
            let finalDecision = try #require(try await StatutoryClock.find(decision.id!, on: t.db))
            let finalState = try finalDecision.clock.evaluate(calendar: calendar, asOf: CivilDateTime(t.services.now)).state
            #expect(finalState == .metOnTime)
            // The documents of the steps taken, in 公文 layout, with the applicant's real name (they go to the parties).
            for kind in [CaseDocument.correctionNotice, .acceptanceNotice, .replyNotice, .decision] {
                let response = try await t.request(officer, .GET, "\(row.link)/documents/\(kind.rawValue)")
                #expect(response.status == .ok, "\(kind)")
                let archive = try Archive(data: Data(buffer: response.body), accessMode: .read)
                var xml = Data()
                _ = try archive.extract(try #require(archive["word/document.xml"])) { xml.append($0) }
                let text = String(decoding: xml, as: UTF8.self)
                #expect(text.contains("示范县人民政府\(kind.title)"))
                #expect(text.contains("张三丰"))
                #expect(text.contains("仿宋_GB2312") && text.contains("方正小标宋简体"))
                #expect(text.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>") && text.contains("w:top=\"2098\""))
                switch kind {
                case .correctionNotice: #expect(text.contains("补充处罚决定书复印件") && text.contains("2026年1月21日"))
                case .acceptanceNotice: #expect(text.contains("自2026年1月30日起依法受理") && text.contains("示范县政复受〔2026〕"))
                case .replyNotice: #expect(text.contains("十日内，提出书面答复") && text.contains("第四十八条"))
                default: #expect(text.contains("第六十四条的规定，本机关决定如下：撤销") && text.contains("2026年3月2日"))
                }
            }
            // A refusal decision for an accepted case cannot be generated.
            #expect(try await t.request(officer, .GET, "\(row.link)/documents/refusalDecision").status == .unprocessableEntity)
            let page = try await t.request(officer, .GET, row.link).body.string
            #expect(page.contains("撤销（行政复议法第六十四条）"))
            #expect(page.contains("计算方法"))
            #expect(!page.contains("张三丰") && !page.contains(Self.applicantID))
            // Every step is in the audit trail.
            let actions = Set(try await t.db.sql.raw("SELECT action FROM audit_entries WHERE entity_id = \(bind: row.id!.uuidString)").all().map { try $0.decode(column: "action", as: String.self) })
            for step in ["register", "request-correction", "receive-correction", "accept", "send-copy", "receive-reply", "extend", "conclude", "serve", "archive"] {
                #expect(actions.contains("reconsideration.\(step)"), "missing audit of \(step)")
            }
        }
    }

    @Test("the summary procedure cannot be extended (第六十二条第二款); a major case cannot take it (第五十三条)")
    func summaryProcedure() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("supervisor")
            let row = try await register(t, officer, received: "2026-02-24", number: "测试复字第2号")
            let major = try await act(t, officer, row, ["action": "accept", "on": "2026-02-25", "procedure": "summary", "major": "1"])
            #expect(major.status == .unprocessableEntity && major.body.string.contains("第五十三条"))
            // 第五十三条: not major is not enough; the case must be of a listed kind or the parties agree.
            let groundless = try await act(t, officer, row, ["action": "accept", "on": "2026-02-25", "procedure": "summary", "major": "0"])
            #expect(groundless.status == .unprocessableEntity && groundless.body.string.contains("当事人各方同意"))
            #expect(try await act(t, officer, row, ["action": "accept", "on": "2026-02-25", "procedure": "summary", "major": "0", "summaryGround": "warningOrCriticism"]).status == .seeOther)
            let decision = try #require(try await ClockService.openClock(kind: ReconsiderationClocks.decisionSummary.key, record: row.clockRecord, on: t.db))
            #expect(decision.dueDate == "2026-03-27")  // 30 days from 02-25
            let extend = try await act(t, officer, row, ["action": "extend", "on": "2026-03-02", "days": "10", "approver": "负责人", "text": "复杂"])
            #expect(extend.status == .unprocessableEntity)
            #expect(extend.body.string.contains("简易程序案件应当自受理之日起三十日内作出决定，不得延长"))
            // 第五十五条: converted to the ordinary procedure with approval, the case runs 60 days from acceptance.
            let unapproved = try await act(t, officer, row, ["action": "convert-to-ordinary", "on": "2026-03-02", "text": "案情复杂"])
            #expect(unapproved.status == .unprocessableEntity && unapproved.body.string.contains("第五十五条"))
            #expect(try await act(t, officer, row, ["action": "convert-to-ordinary", "on": "2026-03-02", "approver": "复议科负责人", "text": "案情复杂"]).status == .seeOther)
            #expect(try await StatutoryClock.find(decision.id!, on: t.db)?.closed == true)
            let ordinary = try #require(try await ClockService.openClock(kind: ReconsiderationClocks.decisionOrdinary.key, record: row.clockRecord, on: t.db))
            #expect(ordinary.dueDate == "2026-04-27")  // 60 days from 02-25 end Sunday 04-26 → Monday 04-27
        }
    }

    @Test("an attachment is stored encrypted with its SHA-256, comes back byte for byte, and both steps are audited")
    func attachment() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("supervisor")
            let row = try await register(t, officer, received: "2026-02-02", number: "测试复字第6号")
            _ = try await t.request(officer, .GET, row.link)  // a page of the case carries the CSRF token
            let bytes = Data("申请书：申请人张三丰，身份证号\(Self.applicantID)".utf8)
            struct Upload: Content { var _csrf: String; var file: File }
            var status: HTTPStatus?
            try await t.app.testing().test(.POST, "\(row.link)/attachments", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: officer.cookieHeader)
                try req.content.encode(Upload(_csrf: officer.csrf, file: File(data: ByteBuffer(data: bytes), filename: "申请书.txt")), as: .formData)
            }, afterResponse: { response in status = response.status })
            #expect(status == .seeOther)
            let stored = try #require(try await ReconsiderationAttachment.query(on: t.db).first())
            #expect(stored.size == bytes.count && stored.sealed != bytes)
            #expect(String(decoding: stored.sealed, as: UTF8.self).contains("张三丰") == false)
            let download = try await t.request(officer, .GET, "\(row.link)/attachments/\(stored.id!)")
            #expect(Data(buffer: download.body) == bytes)
            let actions = try await t.db.sql.raw("SELECT action FROM audit_entries WHERE entity_id = \(bind: row.id!.uuidString)").all().map { try $0.decode(column: "action", as: String.self) }
            #expect(actions.contains("reconsideration.attachment") && actions.contains("reconsideration.attachment-download"))
        }
    }

    @Test("a major case cannot be decided without a hearing (第五十条)")
    func majorCaseNeedsHearing() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("supervisor")
            let row = try await register(t, officer, received: "2026-01-05", number: "测试复字第5号")
            #expect(try await act(t, officer, row, ["action": "accept", "on": "2026-01-06", "procedure": "ordinary", "major": "1"]).status == .seeOther)
            #expect(try await act(t, officer, row, ["action": "send-copy", "on": "2026-01-07"]).status == .seeOther)
            let unheard = try await act(t, officer, row, ["action": "conclude", "on": "2026-03-02", "outcome": "uphold"])
            #expect(unheard.status == .unprocessableEntity && unheard.body.string.contains("第五十条"))
            #expect(try await act(t, officer, row, ["action": "schedule-hearing", "on": "2026-01-20", "hearingOn": "2026-02-02"]).status == .seeOther)
            #expect(try await act(t, officer, row, ["action": "conclude", "on": "2026-03-02", "outcome": "uphold"]).status == .seeOther)
        }
    }

    @Test("silence past the five-day review counts as acceptance on its last day (第三十条第二款)")
    func deemedAcceptance() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("supervisor")
            let row = try await register(t, officer, received: "2026-02-10", number: "测试复字第3号")
            // 02-10 + 5 working days: 02-11, 02-12, 02-13, 02-14 (调休), 02-24.
            #expect(try await act(t, officer, row, ["action": "accept", "on": "2026-03-02", "procedure": "ordinary", "major": "0"]).status == .seeOther)
            let accepted = try #require(try await ReconsiderationCase.find(row.id!, on: t.db))
            #expect(accepted.intakeOn == "2026-02-24")
            let decision = try #require(try await ClockService.openClock(kind: ReconsiderationClocks.decisionOrdinary.key, record: row.clockRecord, on: t.db))
            #expect(try decision.clock.start.date == CivilDate("2026-02-24"))
        }
    }

    @Test("行政复议法第七十六条: an opinion letter starts the recipient's sixty days; its report closes them; both are counted")
    func opinionLetter() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("supervisor")
            let row = try await register(t, officer, received: "2026-01-05", number: "测试复字第4号")
            // An opinion before acceptance is refused.
            let early = try await t.request(officer, .POST, "\(row.link)/opinions", form: ["on": "2026-01-06", "recipientCode": "SFX-SCJG", "text": "规范处罚程序"])
            #expect(early.status == .unprocessableEntity && early.body.string.contains("第七十六条"))
            #expect(try await act(t, officer, row, ["action": "accept", "on": "2026-01-06", "procedure": "ordinary", "major": "0"]).status == .seeOther)
            #expect(try await t.request(officer, .POST, "\(row.link)/opinions", form: ["on": "2026-01-09", "recipientCode": "SFX-SCJG", "text": "规范处罚程序"]).status == .seeOther)
            let opinion = try #require(try await ReconsiderationOpinion.query(on: t.db).first())
            let clock = try #require(try await ClockService.openClock(kind: ReconsiderationClocks.opinionReply.key, record: opinion.clockRecord, on: t.db))
            #expect(clock.dueDate == "2026-03-10")  // 60 days from 01-09, until the receipt is known
            // 第七十六条: the sixty days run from the recipient's receipt, recorded once.
            #expect(try await t.request(officer, .POST, "\(row.link)/opinions/\(opinion.id!)/received", form: ["on": "2026-01-12"]).status == .seeOther)
            #expect(try await StatutoryClock.find(clock.id!, on: t.db)?.dueDate == "2026-03-13")
            #expect(try await t.request(officer, .POST, "\(row.link)/opinions/\(opinion.id!)/received", form: ["on": "2026-01-13"]).status == .unprocessableEntity)
            #expect(try await t.request(officer, .POST, "\(row.link)/opinions/\(opinion.id!)/reply", form: ["on": "2026-03-02", "text": "已整改"]).status == .seeOther)
            #expect(try await StatutoryClock.find(clock.id!, on: t.db)?.closed == true)
            let scope = MetricScope(year: 2026, unitPath: nil, unitName: "全县")
            let issued = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition("reconsideration.opinions")), scope: scope, on: t.db)
            let replied = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition("reconsideration.opinions-replied")), scope: scope, on: t.db)
            #expect(issued.value == "1" && replied.value == "1")
        }
    }

    @Test("a bad ledger row is reported with its row and column, and nothing is written")
    func importRejected() async throws {
        try await TestApp.run { t in
            let header = CaseImporter().columns.map(\.header)
            func line(_ cells: [String: String]) -> String { header.map { cells[$0] ?? "" }.joined(separator: ",") }
            let good = ["案号": "导入1", "收到申请日期": "2025-03-01", "申请方式": "邮寄", "申请人类型": "法人", "申请人": "示范县某公司",
                        "被申请人单位编码": "SFX-SCJG", "被申请行为类别": "行政处罚", "行政复议请求": "撤销", "审查结果": "受理", "审查日期": "2025-03-03",
                        "程序": "简易程序", "简易程序情形": "当事人各方同意适用简易程序", "结案方式": "维持", "结案日期": "2025-03-20"]
            var bad = good
            bad["案号"] = "导入2"
            bad["是否延长"] = "是"
            bad["证件号码"] = "91330100799655058A"
            var early = good
            early["案号"] = "导入3"
            early["结案日期"] = "2025-03-02"
            let csv = ([header.joined(separator: ","), line(good), line(bad), line(early)]).joined(separator: "\n")
            let table = try TableReader.read(Data(csv.utf8), filename: "x.csv")
            let report = try await CaseImporter().run(table, by: .system(), services: t.services, on: t.db)
            #expect(report.rowsWritten == 0)
            #expect(report.errors.contains { $0.row == 3 && $0.column == "是否延长" && $0.message.contains("第六十二条第二款") })
            #expect(report.errors.contains { $0.row == 3 && $0.column == "证件号码" && $0.message.contains("校验位") })
            #expect(report.errors.contains { $0.row == 4 && $0.column == "结案日期" })
            #expect(try await ReconsiderationCase.query(on: t.db).filter(\.$caseNumber == "导入1").count() == 0)
        }
    }
}
