import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent

/// The statutory clocks of a reconsideration case (行政复议法 2023; 三日、五日、七日、十日 are
/// working days under 第八十八条).
public enum ReconsiderationClocks {
    static func kind(_ key: String, _ title: String, _ period: Period, _ basis: String, limit: ExtensionLimit? = nil) -> ClockKind {
        ClockKind(key: "reconsideration.\(key)", moduleID: "reconsideration", rule: ClockRule(title: title, period: period, basis: basis, extensionLimit: limit))
    }

    /// 第三十条: review within five (working) days; 第三十一条: a 补正 notice within the same five days.
    public static let acceptance = kind("acceptance", "审查是否受理（或通知补正）", .workdays(5), "行政复议法第三十条第一款、第三十一条第一款")
    /// 第三十一条: the applicant supplements within ten (working) days.
    /// 第三十一条第二款: from the day the notice is received; a reasonable longer period for a proper
    /// reason. ⚠️ The statute sets no cap; the platform allows 20 working days more in all, in up to three steps.
    public static let correction = kind("correction", "申请人提交补正材料", .workdays(10), "行政复议法第三十一条第二款",
                                        limit: ExtensionLimit(maxCount: 3, maxPeriod: .workdays(20), basis: "行政复议法第三十一条第二款：有正当理由不能按期补正的，行政复议机关可以延长合理的补正期限（平台上限：合计20个工作日）"))
    /// 第四十八条 / 第五十四条: the copy to the respondent within seven / three (working) days of acceptance.
    public static let copyOrdinary = kind("copy-ordinary", "向被申请人发送申请书副本", .workdays(7), "行政复议法第四十八条")
    public static let copySummary = kind("copy-summary", "向被申请人发送申请书副本（简易程序）", .workdays(3), "行政复议法第五十四条")
    /// 第四十八条 / 第五十四条: the respondent's written reply and evidence within ten / five (working) days.
    public static let replyOrdinary = kind("reply-ordinary", "被申请人提出书面答复并提交证据", .workdays(10), "行政复议法第四十八条")
    public static let replySummary = kind("reply-summary", "被申请人提出书面答复并提交证据（简易程序）", .workdays(5), "行政复议法第五十四条")
    /// 第六十二条: sixty days, extendable with the head's approval by at most thirty in all.
    public static let decisionOrdinary = kind("decision-ordinary", "作出行政复议决定", .days(60), "行政复议法第六十二条第一款",
                                              limit: ExtensionLimit(maxCount: 30, maxPeriod: .days(30), basis: "行政复议法第六十二条第一款：经行政复议机构的负责人批准，可以适当延长，并书面告知当事人；但是延长期限最多不得超过三十日"))
    /// 第六十二条第二款: thirty days under the summary procedure, not extendable.
    public static let decisionSummary = kind("decision-summary", "作出行政复议决定（简易程序）", .days(30), "行政复议法第六十二条第二款")
    /// 第四十一条第五项: a suspension unresolved for sixty days ends the case.
    public static let suspensionLimit = kind("suspension-limit", "中止满六十日未恢复的，终止行政复议", .days(60), "行政复议法第四十一条第五项")

    public static let all = [acceptance, correction, copyOrdinary, copySummary, replyOrdinary, replySummary, decisionOrdinary, decisionSummary, suspensionLimit, opinionReply]

    static func decision(_ procedure: Procedure) -> ClockKind { procedure == .ordinary ? decisionOrdinary : decisionSummary }

    /// 第六十二条: the last day of a concluded case's decision period. From its clock where one ran
    /// (closed at the conclusion, its stored due date is the one that applied); otherwise (an
    /// imported case) from its dates, with its recorded extension — thirty days when the ledger
    /// only says it was extended.
    static func decisionDue(_ row: ReconsiderationCase, calendar: WorkCalendar, on db: any Database) async throws -> CivilDate? {
        let kind = decision(row.caseProcedure ?? .ordinary)
        let record = row.clockRecord
        if let stored = try await StatutoryClock.query(on: db).filter(\.$recordType == record.type).filter(\.$recordID == record.id.uuidString)
            .filter(\.$kind == kind.key).first() {
            return stored.dueDate.flatMap(CivilDate.init)
        }
        return decisionDue(importedCase: row, calendar: calendar)
    }

    /// The same for a case without a clock (an imported one), from its dates.
    static func decisionDue(importedCase row: ReconsiderationCase, calendar: WorkCalendar) -> CivilDate? {
        let kind = decision(row.caseProcedure ?? .ordinary)
        guard let start = row.intakeOn.flatMap(CivilDate.init) else { return nil }
        var clock = Clock(rule: kind.rule, start: CivilDateTime(date: start))
        if row.extended { clock.events = [.extend(start, by: .days(row.extendedDays > 0 ? row.extendedDays : 30), approver: "导入", reason: "导入记录标明已延长")] }
        return clock.dueDate(calendar: calendar)
    }
    static func copy(_ procedure: Procedure) -> ClockKind { procedure == .ordinary ? copyOrdinary : copySummary }
    static func reply(_ procedure: Procedure) -> ClockKind { procedure == .ordinary ? replyOrdinary : replySummary }
}
