import FazhiApp
import FazhiCalendar
import FazhiCore
@testable import FazhiDeadlines
import Enforcement
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct DeadlineTests {
    /// 2026 as bundled, plus one made-up holiday on Tuesday 2026-03-10 (a correction of 2026).
    static func corrected2026(_ calendar: WorkCalendar) -> Data {
        var year = calendar.years[2026]!
        year.holidays.append(HolidayRange(name: "测试假日", start: CivilDate("2026-03-10")!, end: CivilDate("2026-03-10")!))
        year.holidays.sort { $0.start < $1.start }
        return CalendarFile(years: [year]).encoded()
    }

    @Test("adding a holiday inside an open clock's window moves its due date, audits old and new date, and shows it to the holder")
    func recomputeOnCalendarChange() async throws {
        try await TestApp.run { t in
            // A disclosure request received Friday 2026-02-27 is due 20 working days later: Saturday
            // 02-28 is a 春节 调休 working day (day 1), so the 20th is Thursday 2026-03-26.
            let (officer, _) = try await t.login("officer.scjg")
            let unit = try await t.unit("SFX-SCJG")
            let opened = try await t.request(officer, .POST, "/deadlines/new", form: [
                "kind": "deadlines.disclosure-reply", "title": "测试公开申请", "unitCode": unit.code, "startDate": "2026-02-27", "startReason": "收到申请",
            ])
            #expect(opened.status == .seeOther)
            let clock = try #require(try await StatutoryClock.query(on: t.db).filter(\.$title == "测试公开申请").first())
            #expect(clock.dueDate == "2026-03-26")
            let closed = try await ClockService.open(kind: "deadlines.disclosure-reply", unitID: unit.id, title: "已办结的申请", record: nil,
                                                     start: CivilDateTime("2026-02-27"), startReason: nil, by: .system(), services: t.services, on: t.db)
            try await ClockService.record(.complete(CivilDateTime("2026-03-02T08:00")!), on: closed.id!, by: .system(), services: t.services, on: t.db)

            // The holder's dashboard before the change lists no moved due date (and is kept so).
            #expect(try await t.request(officer, .GET, "/").body.string.contains("近30日因日历更新而变动的届满日") == false)

            // The system admin corrects 2026 with a holiday on 03-10.
            let (admin, _) = try await t.login("sysadmin")
            let calendar = try await CalendarService.current(services: t.services, on: t.db)
            #expect(calendar.version == 1)
            let auditBefore = try await AuditEntryQueries.count(on: t.db)
            let imported = try await t.request(admin, .POST, "/calendar/import", form: ["text": String(decoding: Self.corrected2026(calendar), as: UTF8.self)])
            #expect(imported.status == .seeOther)
            let now = try await CalendarService.current(services: t.services, on: t.db)
            #expect(now.version == 2)
            #expect(now.kind(of: CivilDate("2026-03-10")!) == .holiday(name: "测试假日"))

            // The open clock moved by one working day; the closed one did not.
            let moved = try #require(try await StatutoryClock.find(clock.id!, on: t.db))
            #expect(moved.dueDate == "2026-03-27")
            #expect(moved.calendarVersion == 2)
            #expect(try await StatutoryClock.find(closed.id!, on: t.db)?.dueDate == "2026-03-26")
            let change = try #require(try await ClockDueChange.query(on: t.db).filter(\.$clock.$id == clock.id!).first())
            #expect(change.oldDue == "2026-03-26" && change.newDue == "2026-03-27")
            #expect(change.reason == "工作日历第2版：更正2026年")

            // The audit trail has the new version and the move, with both dates and the reason.
            let rows = try await AuditEntryQueries.rows(since: auditBefore, on: t.db)
            #expect(rows.contains { $0.action == "calendar.install" && $0.outcome == "success" && $0.detail.contains("工作日历第2版：更正2026年") })
            #expect(rows.contains { $0.action == "clock.recompute" && $0.entityID == clock.id!.uuidString
                && $0.detail.contains("2026-03-26 → 2026-03-27") && $0.detail.contains("更正2026年") })

            // The holder sees the move on the dashboard, and the explanation names the holiday.
            let dashboard = try await t.request(officer, .GET, "/")
            #expect(dashboard.body.string.contains("近30日因日历更新而变动的届满日"))
            #expect(dashboard.body.string.contains("2026-03-26 → 2026-03-27"))
            let page = try await t.request(officer, .GET, "/deadlines/\(clock.id!)")
            #expect(page.body.string.contains("跳过2026年3月10日（星期二）（测试假日假期）"))

            // Importing the same data again makes no version.
            let again = try await t.request(admin, .POST, "/calendar/import", form: ["text": String(decoding: Self.corrected2026(calendar), as: UTF8.self)])
            #expect(again.status == .unprocessableEntity)
            #expect(again.body.string.contains("未产生新版本"))
            #expect(try await CalendarService.current(services: t.services, on: t.db).version == 2)
        }
    }

    @Test("a ledger read again is the kept decoding of its very text; a ledger extended or completed is another text, decoded afresh")
    func decodedLedgersFollowTheirText() throws {
        let row = StatutoryClock()
        var clock = Clock(rule: ClockRule(title: "政府信息公开答复", period: .workdays(20), basis: "政府信息公开条例第三十三条"),
                          start: CivilDateTime("2026-02-27")!, startReason: "收到申请")
        try row.store(clock)
        let first = row.ledger
        let decoded = try StatutoryClock.decodeLedger(first), again = try StatutoryClock.decodeLedger(first)
        #expect(decoded == clock && again == clock)
        clock.events.append(.extend(CivilDate("2026-03-20")!, by: .workdays(20), approver: "局长", reason: "需要延长答复期限"))
        try row.store(clock)
        let extended = try StatutoryClock.decodeLedger(row.ledger)
        #expect(row.ledger != first && extended == clock && extended.events.count == 1)
        clock.events.append(ClockEvent(kind: .complete, at: CivilDateTime("2026-04-01")!, reason: "已答复"))
        try row.store(clock)
        let completed = try StatutoryClock.decodeLedger(row.ledger)
        #expect(completed == clock && completed.events.count == 2)
        // The first text still reads as the clock it was.
        #expect(try StatutoryClock.decodeLedger(first).events.isEmpty)
        #expect(throws: (any Error).self) { try StatutoryClock.decodeLedger("{") }
    }

    @Test("a malformed calendar is refused with every problem named, makes no version, and the refusal is audited")
    func malformedImportRefused() async throws {
        try await TestApp.run { t in
            let (admin, _) = try await t.login("sysadmin")
            let json = #"{"format":"fazhi-calendar/1","years":[{"year":2027,"source":"测试","holidays":[{"name":"春节","start":"2027-02-05","end":"2027-02-11"},{"name":"元宵","start":"2027-02-11","end":"2027-02-12"}],"workdays":[{"date":"2027-02-06","note":"调休"}]}]}"#
            let before = try await AuditEntryQueries.count(on: t.db)
            let response = try await t.request(admin, .POST, "/calendar/import", form: ["text": json])
            #expect(response.status == .unprocessableEntity)
            let body = response.body.string
            #expect(body.contains("重叠"))
            #expect(body.contains("2027-02-06：落在假期“春节”"))
            #expect(try await CalendarVersion.query(on: t.db).count() == 1)
            let rows = try await AuditEntryQueries.rows(since: before, on: t.db)
            #expect(rows.contains { $0.action == "calendar.install" && $0.outcome == "failure" && $0.detail.contains("重叠") })
        }
    }

    @Test("行政复议法第六十二条-style limits through the web: a second extension is refused with its article, nothing is written")
    func secondExtensionRefused() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            _ = try await t.request(officer, .POST, "/deadlines/new", form: [
                "kind": "deadlines.disclosure-reply", "title": "延长测试", "unitCode": "SFX-SCJG", "startDate": "2026-02-02",
            ])
            let clock = try #require(try await StatutoryClock.query(on: t.db).filter(\.$title == "延长测试").first())
            let first = try await t.request(officer, .POST, "/deadlines/\(clock.id!)/events", form: [
                "kind": "extend", "date": "2026-02-27", "count": "20", "approver": "办公室主任", "reason": "涉及档案较多",
            ])
            #expect(first.status == .seeOther)
            let extended = try #require(try await StatutoryClock.find(clock.id!, on: t.db))
            let second = try await t.request(officer, .POST, "/deadlines/\(clock.id!)/events", form: [
                "kind": "extend", "date": "2026-03-02", "count": "5", "approver": "办公室主任", "reason": "再延",
            ])
            #expect(second.status == .unprocessableEntity)
            #expect(second.body.string.contains("最多延长1次（政府信息公开条例第三十三条第二款"))
            let after = try #require(try await StatutoryClock.find(clock.id!, on: t.db))
            #expect(after.ledger == extended.ledger)
            // A future-dated event and a missing reason are refused with the field named.
            let future = try await t.request(officer, .POST, "/deadlines/\(clock.id!)/events", form: ["kind": "suspend", "date": "2026-03-05", "reason": "征求第三方意见"])
            #expect(future.status == .unprocessableEntity)
            #expect(future.body.string.contains("日期：不能晚于当前时间"))
        }
    }

    @Test("the demo county's clocks are on the dashboard and the deadline page, counted per unit and module, within the caller's scope")
    func dashboardShowsDemoClocks() async throws {
        try await TestApp.run { t in
            let calendar = try await CalendarService.current(services: t.services, on: t.db)
            let now = CivilDateTime(t.services.now)
            let rows = try await StatutoryClock.query(on: t.db).filter(\.$closed == false).all()
            #expect(rows.count >= 20)
            let results = try rows.map { try $0.clock.evaluate(calendar: calendar, asOf: now, warnWithin: 3) }
            let overdue = results.filter { $0.state == .overdue }.count
            #expect(overdue > 0)
            #expect(results.contains { $0.state == .paused })

            let (supervisor, _) = try await t.login("supervisor")
            let dashboard = try await t.request(supervisor, .GET, "/").body.string
            #expect(dashboard.contains("未办结 \(rows.count) 项：已逾期 \(overdue) 项"))
            let list = try await t.request(supervisor, .GET, "/deadlines").body.string
            #expect(list.contains("按单位统计") && list.contains("按来源统计"))
            #expect(list.contains("东岭镇"))
            let overdueOnly = try await t.request(supervisor, .GET, "/deadlines?status=overdue").body.string
            #expect(!overdueOnly.contains("status-ok"))

            // A department officer sees only the department's clocks, and another unit's clock is refused.
            let scjg = try await t.unit("SFX-SCJG")
            let own = rows.filter { $0.unitPath.hasPrefix(scjg.path) }
            let (officer, _) = try await t.login("officer.scjg")
            let officerDashboard = try await t.request(officer, .GET, "/").body.string
            #expect(officerDashboard.contains("未办结 \(own.count) 项"))
            // The counts are kept between visits until a record changes: a clock opened now is counted at once.
            #expect(try await t.request(officer, .GET, "/").body.string.contains("未办结 \(own.count) 项"))
            let opened = try await t.request(officer, .POST, "/deadlines/new", form: [
                "kind": "deadlines.disclosure-reply", "title": "测试公开申请", "unitCode": scjg.code, "startDate": "2026-02-27", "startReason": "收到申请",
            ])
            #expect(opened.status == .seeOther)
            #expect(try await t.request(officer, .GET, "/").body.string.contains("未办结 \(own.count + 1) 项"))
            #expect(try await t.request(supervisor, .GET, "/").body.string.contains("未办结 \(rows.count + 1) 项"))
            let foreign = try #require(rows.first { !$0.unitPath.hasPrefix(scjg.path) })
            // The API lists the same clocks for the same caller.
            let user = try await t.user("officer.scjg")
            let principal = try #require(try await AccountService.principal(user: user, channel: .system, tokenPermissions: nil, ip: "test", services: t.services, on: t.db))
            let (token, _) = try await AccountService.createAPIToken(for: principal, name: "期限", permissions: ["deadlines.view"], days: 1, services: t.services, on: t.db)
            try await t.app.testing().test(.GET, "/api/v1/deadlines", beforeRequest: { req in
                req.headers.bearerAuthorization = BearerAuthorization(token: token)
            }, afterResponse: { response in
                let items = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]
                #expect(items?.count == own.count + 1)
                #expect(items?.allSatisfy { ($0["rule"] as? String)?.contains(":") == true } == true)
            })
            #expect(try await t.request(officer, .GET, "/deadlines/\(foreign.id!)").status == .forbidden)
        }
    }

    @Test("a paused clock shows its projection; a 24-hour transfer shows its due minute")
    func pausedAndHours() async throws {
        try await TestApp.run(seeded: true) { t in
            let (supervisor, _) = try await t.login("supervisor")
            let paused = try #require(try await StatutoryClock.query(on: t.db).all().first { row in
                (try? row.clock.events.last?.kind == .suspend) ?? false
            })
            let page = try await t.request(supervisor, .GET, "/deadlines/\(paused.id!)").body.string
            #expect(page.contains("暂停中") || page.contains("若明日恢复"), "paused page")
            #expect(page.contains("尚未恢复，按次日恢复推算"), "paused explanation")
            let transfer = try #require(try await StatutoryClock.query(on: t.db).filter(\.$kind == "deadlines.crime-transfer").filter(\.$closed == false).first())
            let transferPage = try await t.request(supervisor, .GET, "/deadlines/\(transfer.id!)").body.string
            let steps = transferPage.components(separatedBy: "<li>").filter { $0.contains("届满") || $0.contains("状态") }.joined()
            #expect(transferPage.contains("届满时间：2026年3月2日（星期一）14:00"), "\(steps)")
            #expect(transferPage.contains("临期（剩余5小时）"))
        }
    }
}

/// The dashboard's deadline card reads only the clocks near their due date (`nearClocks`), and
/// shows what reading every open clock would show.
@Suite struct DashboardClockTests {
    @Test("the dashboard reads only clocks near their due date, and its counts and first eight equal those of every open clock, on several days")
    func nearEqualsAll() async throws {
        try await TestApp.run { t in
            for login in ["supervisor", "officer.scjg"] {
                let principal = try await t.principal(login)
                for step in 0..<4 {
                    let all = try await ClockService.openClocks(for: principal, services: t.services, on: t.db)
                    let (open, near) = try await ClockService.nearClocks(for: principal, services: t.services, on: t.db)
                    #expect(open == all.count, "\(login) day +\(step * 20)")
                    for state in [ClockState.overdue, .paused] {
                        #expect(near.filter { $0.result.state == state }.count == all.filter { $0.result.state == state }.count, "\(login) \(state) +\(step * 20)")
                    }
                    #expect(near.filter { $0.result.warning.severity == 1 }.count == all.filter { $0.result.warning.severity == 1 }.count)
                    #expect(near.filter { $0.result.warning != .none }.prefix(8).map(\.id) == all.filter { $0.result.warning != .none }.prefix(8).map(\.id))
                    // Read as plain rows and kept, each clock is shown as its model read afresh and
                    // evaluated with its explanation shows it.
                    let calendar = try await CalendarService.current(services: t.services, on: t.db)
                    let models = try await StatutoryClock.scoped(for: principal, on: t.db).filter(\.$closed == false).all()
                    let byID = Dictionary(uniqueKeysWithValues: try models.map {
                        let view = try ClockService.view($0, calendar: calendar, now: CivilDateTime(t.services.now), warnWithin: t.services.config.deadlineWarnWorkdays)
                        return (view.id, view)
                    })
                    #expect(Set(all.map(\.id)) == Set(byID.keys))
                    for view in all {
                        let model = try #require(byID[view.id])
                        #expect(view.result.due == model.result.due && view.result.state == model.result.state && view.result.warning == model.result.warning)
                        #expect(view.link == model.link && view.title == model.title && !model.result.steps.isEmpty)
                    }
                    for view in near {
                        let model = try #require(byID[view.id], "\(login): a near clock is an open clock")
                        #expect([view.kind, view.moduleID, view.title, view.link, view.unitPath] == [model.kind, model.moduleID, model.title, model.link, model.unitPath])
                        #expect(view.unitID == model.unitID && view.clock.rule.title == model.clock.rule.title)
                        #expect(view.result.due == model.result.due && view.result.state == model.result.state && view.result.warning == model.result.warning)
                    }
                    if login == "supervisor", step == 0 {
                        #expect(near.count < all.count, "some open clocks lie beyond the window and are not read")
                        #expect(all.contains { $0.result.state == .overdue } && all.contains { $0.result.state == .paused })
                    }
                    t.time.advance(by: 20 * 86_400)
                }
            }
        }
    }
}

/// Clocks are found by their record (table and id), not by the record's URL.
@Suite struct ClockRecordTests {
    @Test("a clock is found by its record after its stored link changes; clocks opened before are backfilled from their links")
    func keyedByRecord() async throws {
        try await TestApp.run { t in
            // given a penalty case of the demo with an open decision clock
            let clock = try #require(try await StatutoryClock.query(on: t.db).filter(\.$kind == PenaltyClocks.decision.key).filter(\.$closed == false).first())
            let recordID = try #require(clock.recordID.flatMap(UUID.init(uuidString:)))
            let row = try #require(try await PenaltyCase.find(recordID, on: t.db))
            #expect(clock.recordType == PenaltyCase.schema)
            // when the route is renamed (the stored link goes stale)
            clock.link = "/renamed/\(row.id!)"
            try await clock.save(on: t.db)
            // then the case still finds its clock
            #expect(try await ClockService.openClock(kind: PenaltyClocks.decision.key, record: row.clockRecord, on: t.db)?.id == clock.id)
            // and a clock from before the keys, with only its link, is backfilled by the module's migration
            clock.recordType = nil
            clock.recordID = nil
            clock.link = row.link
            try await clock.save(on: t.db)
            #expect(try await ClockService.openClock(kind: PenaltyClocks.decision.key, record: row.clockRecord, on: t.db) == nil)
            try await ClockRecordBackfill(name: "test", patterns: [.init(prefix: "/enforcement/cases/", type: PenaltyCase.schema)]).prepare(on: t.db)
            #expect(try await ClockService.openClock(kind: PenaltyClocks.decision.key, record: row.clockRecord, on: t.db)?.id == clock.id)
            // An opinion's link names its case and itself: the fragment picks the opinion.
            let opinionID = UUID()
            clock.recordType = nil
            clock.recordID = nil
            clock.link = "/reconsideration/\(UUID())#opinion-\(opinionID)"
            try await clock.save(on: t.db)
            try await ClockRecordBackfill(name: "test", patterns: [.init(prefix: "/reconsideration/", fragment: "#opinion-", type: "reconsideration_opinions"),
                                                                   .init(prefix: "/reconsideration/", type: "reconsideration_cases")]).prepare(on: t.db)
            let backfilled = try #require(try await StatutoryClock.find(clock.id!, on: t.db))
            #expect(backfilled.recordType == "reconsideration_opinions" && backfilled.recordID == opinionID.uuidString)
        }
    }
}
