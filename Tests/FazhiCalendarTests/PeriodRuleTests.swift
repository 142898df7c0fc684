import FazhiCalendar
import Testing

func rule(_ period: Period, _ basis: String = "测试依据", limit: ExtensionLimit? = nil) -> ClockRule {
    ClockRule(title: "测试事项", period: period, basis: basis, extensionLimit: limit)
}

func due(_ period: Period, from start: String, _ events: [ClockEvent] = []) -> CivilDate? {
    Clock(rule: rule(period, limit: ExtensionLimit(maxCount: 9, maxPeriod: period, basis: "x")),
          start: CivilDateTime(start)!, events: events).dueDate(calendar: official)
}

/// Hand-worked examples; each test's name quotes the text it applies.
@Suite struct WorkdayRuleTests {
    @Test("政府信息公开条例第三十三条 “自收到申请之日起20个工作日内予以答复”: 2025-09-26 → 2025-10-30 across 国庆 and two 调休 Saturdays/Sundays")
    func disclosureAcrossNationalDay() {
        // 9-27 Sat rest; 9-28 Sun 调休 = day 1; 9-29, 9-30 = 2, 3; 10-1…10-8 holiday; 10-9, 10-10 = 4, 5;
        // 10-11 Sat 调休 = 6; 10-13…17 = 7–11; 10-20…24 = 12–16; 10-27…30 = 17–20.
        #expect(due(.workdays(20), from: "2025-09-26") == day("2025-10-30"))
        let result = Clock(rule: rule(.workdays(20), "政府信息公开条例第三十三条"), start: CivilDateTime("2025-09-26")!)
            .evaluate(calendar: official, asOf: CivilDateTime("2025-10-20T09:00")!)
        let text = result.explain()
        #expect(text.contains("跳过2025年10月1日至2025年10月8日（国庆节、中秋节假期，8天）"), "\(text)")
        #expect(text.contains("计入2025年9月28日（星期日）（国庆节、中秋节调休上班，为工作日）"), "\(text)")
        #expect(text.contains("跳过2025年9月27日（星期六）（周末）"), "\(text)")
        #expect(text.contains("政府信息公开条例第三十三条"))
        #expect(text.contains("届满日：2025年10月30日（星期四）"))
        #expect(result.state == .running)
        #expect(result.warning == .none)  // 8 working days left on 10-20
    }

    @Test("政府信息公开条例第三十二条 “征求第三方和其他机关意见所需时间不计算在前款规定的期限内”: 10-10…10-14 not counted moves 10-30 to 11-05")
    func thirdPartyNotCounted() {
        let events: [ClockEvent] = [.suspend(day("2025-10-10"), reason: "征求第三方意见"), .resume(day("2025-10-15"))]
        #expect(due(.workdays(20), from: "2025-09-26", events) == day("2025-11-05"))
    }

    @Test("政府信息公开条例第三十三条第二款 “延长的期限最长不得超过20个工作日”: extended by 20 working days → 2025-11-27")
    func disclosureExtended() {
        let events: [ClockEvent] = [.extend(day("2025-10-28"), by: .workdays(20), approver: "办公室主任", reason: "需要调取档案")]
        #expect(due(.workdays(20), from: "2025-09-26", events) == day("2025-11-27"))
    }

    @Test("行政复议法第三十条 “收到行政复议申请后，应当在五日内进行审查” (五日 = 工作日, 第八十八条): 2026-02-13 → 2026-02-27 across 春节")
    func acceptanceAcrossSpringFestival() {
        // 2-14 Sat 调休 = 1; 2-15…2-23 春节; 2-24…2-27 = 2–5.
        #expect(due(.workdays(5), from: "2026-02-13") == day("2026-02-27"))
    }

    @Test("行政处罚法第八十五条 “三日…是指工作日，不含法定节假日”: 2020-01-23 → 2020-02-05 across the extended 2020 春节")
    func extendedSpringFestival2020() {
        #expect(due(.workdays(3), from: "2020-01-23") == day("2020-02-05"))
    }

    @Test("政府信息公开条例第三十条 “答复期限自行政机关收到补正的申请之日起计算”: a restart counts again from the receipt")
    func restartOnCorrection() {
        let events: [ClockEvent] = [.suspend(day("2025-09-29"), reason: "补正材料期间"), .restart(day("2025-10-20"), reason: "收到补正材料")]
        // 20 working days after 2025-10-20 (Mon): 10-21 … 11-17.
        #expect(due(.workdays(20), from: "2025-09-26", events) == day("2025-11-17"))
    }
}

@Suite struct DayRuleTests {
    @Test("民事诉讼法第八十五条 “期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期”: 行政复议法第六十二条 60日 from 2025-08-02 ends 10-01 (国庆) → 2025-10-09")
    func sixtyDaysIntoNationalDay() {
        #expect(due(.days(60), from: "2025-08-02") == day("2025-10-09"))
        let text = Clock(rule: rule(.days(60), "行政复议法第六十二条"), start: CivilDateTime("2025-08-02")!)
            .evaluate(calendar: official, asOf: CivilDateTime("2025-08-03")!).explain()
        #expect(text.contains("期间最后一日2025年10月1日（星期三）为国庆节、中秋节假期（法定休假日），依民事诉讼法第八十五条，以休假日后的第一个工作日2025年10月9日（星期四）为届满日"), "\(text)")
    }

    @Test("民事诉讼法第八十五条 “期间开始的时和日，不计算在期间内”: 60日 from 2025-12-17 ends 2026-02-15 (春节) → 2026-02-24")
    func sixtyDaysIntoSpringFestival() {
        #expect(due(.days(60), from: "2025-12-17") == day("2026-02-24"))
    }

    @Test("民事诉讼法第八十五条 applies to 法定休假日 only: 60日 from 2025-07-30 ends on 调休 Sunday 2025-09-28, a working day, and is not moved")
    func endsOnMakeupSunday() {
        #expect(due(.days(60), from: "2025-07-30") == day("2025-09-28"))
        let text = Clock(rule: rule(.days(60)), start: CivilDateTime("2025-07-30")!).evaluate(calendar: official, asOf: CivilDateTime("2025-08-01")!).explain()
        #expect(text.contains("为工作日，不顺延"), "\(text)")
    }

    @Test("民事诉讼法第八十五条: a plain weekend end moves to Monday (15日 from 2025-03-07 ends Sat 03-22 → 03-24)")
    func weekendEnd() {
        #expect(due(.days(15), from: "2025-03-07") == day("2025-03-24"))
    }

    @Test("行政复议法第六十二条 “延长期限最多不得超过三十日”: 60 + 30 days from 2025-08-02 is 90 days, ending 2025-10-31")
    func reconsiderationExtended() {
        let events: [ClockEvent] = [.extend(day("2025-09-25"), by: .days(30), approver: "复议机构负责人", reason: "案情复杂")]
        #expect(due(.days(60), from: "2025-08-02", events) == day("2025-10-31"))
    }
}

@Suite struct MonthAndHourRuleTests {
    @Test("三个月 from 2025-11-30 clamps to 2026-02-28, a 春节调休 Saturday, which is a working day")
    func monthsClampToMakeupSaturday() {
        #expect(due(.months(3), from: "2025-11-30") == day("2026-02-28"))
    }

    @Test("三个月 from 2025-07-01 ends 10-01 (国庆) → 2025-10-09 under 民事诉讼法第八十五条")
    func monthsIntoNationalDay() {
        #expect(due(.months(3), from: "2025-07-01") == day("2025-10-09"))
    }

    @Test("一个月 from 2025-01-31 ends on 2025-02-28, the last day of February")
    func monthEnd() {
        #expect(due(.months(1), from: "2025-01-31") == day("2025-02-28"))
    }

    @Test("行政执法机关移送涉嫌犯罪案件的规定 “24小时内移送”: hours run through 国庆 without moving")
    func hoursThroughHoliday() {
        let result = Clock(rule: rule(.hours(24)), start: CivilDateTime("2025-09-30T16:00")!)
            .evaluate(calendar: official, asOf: CivilDateTime("2025-10-01T17:00")!)
        #expect(result.dueAt == CivilDateTime("2025-10-01T16:00"))
        #expect(result.state == .overdue)
        #expect(result.warning == .overdueHours(hoursLate: 1))
    }
}

@Suite struct ClockLedgerTests {
    let reconsideration = ClockRule(title: "作出行政复议决定", period: .days(60), basis: "行政复议法第六十二条第一款",
                                    extensionLimit: ExtensionLimit(maxCount: 1, maxPeriod: .days(30), basis: "行政复议法第六十二条第一款"))

    @Test("a second extension, an extension over 30 days and a resume without a pause are refused, each with its article")
    func refusals() {
        let clock = Clock(rule: reconsideration, start: CivilDateTime("2025-08-02")!, events: [
            .resume(day("2025-08-05")),
            .extend(day("2025-09-01"), by: .days(20), approver: "甲", reason: "复杂"),
            .extend(day("2025-09-02"), by: .days(20), approver: "甲", reason: "复杂"),
        ])
        let problems = clock.problems().joined(separator: "\n")
        #expect(problems.contains("第1项（恢复，2025-08-05）：期限未暂停，无从恢复"))
        #expect(problems.contains("第3项（延长，2025-09-02）：作出行政复议决定最多延长1次（行政复议法第六十二条第一款）"))
        #expect(problems.contains("延长合计不得超过30日"))
        let noLimit = Clock(rule: rule(.days(30)), start: CivilDateTime("2025-08-02")!, events: [.extend(day("2025-08-03"), by: .days(5), approver: "甲", reason: "x")])
        #expect(noLimit.problems().contains { $0.contains("依法不得延长") })
    }

    @Test("states: met on time, met late, overdue, paused with a projection, due soon")
    func states() {
        let base = Clock(rule: rule(.workdays(20)), start: CivilDateTime("2025-09-26")!)
        var onTime = base
        onTime.events = [.complete(CivilDateTime("2025-10-30T17:00")!)]
        #expect(onTime.evaluate(calendar: official, asOf: CivilDateTime("2025-11-10")!).state == .metOnTime)
        var late = base
        late.events = [.complete(CivilDateTime("2025-10-31T09:00")!)]
        #expect(late.evaluate(calendar: official, asOf: CivilDateTime("2025-11-10")!).state == .metLate)
        let overdue = base.evaluate(calendar: official, asOf: CivilDateTime("2025-11-02")!)
        #expect(overdue.state == .overdue)
        #expect(overdue.warning == .overdue(daysLate: 3))
        let soon = base.evaluate(calendar: official, asOf: CivilDateTime("2025-10-28")!, warnWithin: 3)
        #expect(soon.warning == .dueSoon(workdaysLeft: 2))
        #expect(base.evaluate(calendar: official, asOf: CivilDateTime("2025-10-30")!).warning == .dueSoon(workdaysLeft: 0))
        var paused = base
        paused.events = [.suspend(day("2025-10-10"), reason: "征求第三方意见")]
        let pausedResult = paused.evaluate(calendar: official, asOf: CivilDateTime("2025-10-14")!)
        #expect(pausedResult.state == .paused)
        #expect(pausedResult.due == nil)
        // Resuming on 10-15 is the same as the 10-10…10-14 exclusion above.
        #expect(pausedResult.projectedDue == day("2025-11-05"))
        #expect(paused.dueDate(calendar: official) == nil)
    }

    @Test("the explanation names a year whose holidays are not installed")
    func uncoveredYearNotice() {
        let text = Clock(rule: rule(.workdays(20)), start: CivilDateTime("2026-12-20")!).evaluate(calendar: official, asOf: CivilDateTime("2026-12-21")!).explain()
        #expect(text.contains("2027年的节假日安排尚未录入"), "\(text)")
    }

    @Test("the fast path and the explained path give the same due date")
    func pathsAgree() {
        var random = SplitMix(seed: 7)
        for _ in 0..<2000 {
            let clock = randomClock(&random)
            #expect(clock.dueDate(calendar: official) == clock.evaluate(calendar: official, asOf: CivilDateTime(date: clock.start.date)).due)
        }
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

func randomClock(_ random: inout SplitMix) -> Clock {
    let units: [PeriodUnit] = [.days, .workdays, .months]
    let unit = units[random.below(3)]
    let count = unit == .months ? 1 + random.below(6) : 1 + random.below(90)
    let start = day("2019-01-01").adding(days: random.below(2900))
    var events: [ClockEvent] = []
    if random.below(2) == 0 {
        let pause = start.adding(days: random.below(30))
        events += [.suspend(pause, reason: "中止"), .resume(pause.adding(days: 1 + random.below(20)))]
    }
    return Clock(rule: rule(Period(unit, count)), start: CivilDateTime(date: start), events: events)
}

/// Fixed dates (期日): the annual report's 3月1日 / 4月1日 and a drafting office's deadline for a department's part.
@Suite struct FixedDateRuleTests {
    @Test("督察工作规定 “每年3月1日前报送”: a fixed date is due that day even on a Sunday (2026-03-01), never moved")
    func fixedDateNotMoved() throws {
        let period = try Period.parse("date:2026-03-01")
        #expect(period == .on(day("2026-03-01")))
        #expect(period.description == "date:2026-03-01")
        #expect(period.chinese == "2026年3月1日前")
        #expect(official.kind(of: day("2026-03-01")) == .weekend)
        #expect(due(period, from: "2026-01-05") == day("2026-03-01"))
        let clock = Clock(rule: rule(period, "法治政府建设与责任落实督察工作规定"), start: CivilDateTime("2026-01-05")!)
        let running = clock.evaluate(calendar: official, asOf: CivilDateTime("2026-02-26T10:00")!)
        #expect(running.state == .running)
        #expect(running.warning == .dueSoon(workdaysLeft: 2))  // 02-27 Fri and 02-28, a 春节 调休 Saturday, before a Sunday due date
        #expect(running.explain().contains("截止日期：2026年3月1日（星期日）（确定的日期，不顺延）"), "\(running.explain())")
        #expect(running.explain().contains("期日"))
        let late = clock.evaluate(calendar: official, asOf: CivilDateTime("2026-03-02T09:00")!)
        #expect(late.state == .overdue)
        #expect(late.warning == .overdue(daysLate: 1))
    }

    @Test("A fixed date is met by completing on or before it, late after it")
    func fixedDateCompletion() {
        let period = Period.on(day("2026-04-01"))
        let onTime = Clock(rule: rule(period), start: CivilDateTime("2026-01-05")!, events: [.complete(CivilDateTime("2026-04-01T17:00")!)])
        #expect(onTime.evaluate(calendar: official, asOf: CivilDateTime("2026-05-01")!).state == .metOnTime)
        let late = Clock(rule: rule(period), start: CivilDateTime("2026-01-05")!, events: [.complete(CivilDateTime("2026-04-02T09:00")!)])
        #expect(late.evaluate(calendar: official, asOf: CivilDateTime("2026-05-01")!).state == .metLate)
    }

    @Test("A fixed date cannot be suspended, extended or restarted: the ledger names the rule")
    func fixedDateLedgerRefused() {
        let period = Period.on(day("2026-03-01"))
        let clock = Clock(rule: rule(period, limit: ExtensionLimit(maxCount: 1, maxPeriod: .days(10), basis: "x")), start: CivilDateTime("2026-01-05")!,
                          events: [.suspend(day("2026-01-10"), reason: "等待"), .extend(day("2026-01-12"), by: .days(5), approver: "主任", reason: "材料多")])
        let problems = clock.problems()
        #expect(problems.count == 2)
        #expect(problems.allSatisfy { $0.contains("不能暂停、延长或重新起算") }, "\(problems)")
    }

    @Test("date:YYYY-MM-DD parsing refuses an impossible date, naming the rule")
    func fixedDateParse() {
        #expect(throws: PeriodParseError.self) { try Period.parse("date:2026-02-30") }
        do { _ = try Period.parse("date:2026-02-30"); Issue.record("accepted") } catch { #expect(error.message.contains("YYYY-MM-DD")) }
        #expect(Period(.date, 0).fixedDate == nil)
        #expect(Period(.date, 0).chinese == "按确定的日期")
    }
}
