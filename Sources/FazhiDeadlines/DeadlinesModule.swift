import FazhiCalendar
import FazhiCore
import Fluent
import Vapor

public enum DeadlinePermissions {
    public static let view = Permission("deadlines.view", "查看期限预警")
    public static let manage = Permission("deadlines.manage", "登记和维护期限事项")
    public static let calendarView = Permission("calendar.view", "查看工作日历")
    public static let calendarManage = Permission("calendar.manage", "维护工作日历")

    static let all = [view, manage, calendarView, calendarManage]

    static let grants: [Role: [Permission]] = [
        .systemAdmin: [calendarView, calendarManage],
        .securityAdmin: [calendarView],
        .auditAdmin: [calendarView],
        .supervisor: [view, manage, calendarView],
        .departmentOfficer: [view, manage, calendarView],
        .legalReviewer: [view, manage, calendarView],
        .townshipStaff: [view, manage, calendarView],
        .leader: [view, calendarView],
    ]
}

/// The working-day calendar, the statutory clocks of every module, and the deadline dashboard
/// (待办/预警). Other modules open clocks through `ClockService` and list their kinds in their own
/// manifests.
public enum DeadlinesModule {
    /// Clocks staff may register by hand, for matters whose own module is not installed yet.
    public static let manualKinds: [ClockKind] = [
        ClockKind(key: "deadlines.disclosure-reply", moduleID: "deadlines", rule: ClockRule(
            title: "答复政府信息公开申请", period: .workdays(20), basis: "政府信息公开条例第三十三条第二款",
            extensionLimit: ExtensionLimit(maxCount: 1, maxPeriod: .workdays(20), basis: "政府信息公开条例第三十三条第二款：延长的期限最长不得超过20个工作日")), manual: true),
        ClockKind(key: "deadlines.deputy-suggestion", moduleID: "deadlines", rule: ClockRule(
            title: "答复人大代表建议", period: .months(3), basis: "全国人民代表大会和地方各级人民代表大会代表法第五十一条：自交办之日起三个月内答复",
            extensionLimit: ExtensionLimit(maxCount: 1, maxPeriod: .months(3), basis: "代表法第五十一条：涉及面广、处理难度大的，应当在六个月内答复")), manual: true),
        ClockKind(key: "deadlines.cppcc-proposal", moduleID: "deadlines", rule: ClockRule(
            title: "办理政协提案", period: .months(3), basis: "本地提案办理办法：一般三个月内办理完毕（各地规定不同）",
            extensionLimit: ExtensionLimit(maxCount: 1, maxPeriod: .months(3), basis: "本地提案办理办法：最迟不得超过六个月")), manual: true),
        // 两法衔接's clocks (deadlines.crime-transfer-decision, deadlines.crime-transfer) moved to the
        // EnforcementSupervision module with their keys, so clocks registered by hand before keep their kind.
    ]

    public static let manifest = FazhiModule(
        id: "deadlines",
        name: "期限与日历",
        migrations: DeadlineMigrations.all,
        permissions: DeadlinePermissions.all,
        grants: DeadlinePermissions.grants,
        menu: [
            MenuEntry(title: "期限预警", route: DeadlineRoute.list, permission: DeadlinePermissions.view, section: "工作台"),
            MenuEntry(title: "工作日历", route: DeadlineRoute.calendar, permission: DeadlinePermissions.calendarView, section: "工作台"),
        ],
        routes: { router in
            DeadlinePages.register(router)
            CalendarPages.register(router)
            DeadlineAPI.register(router)
        },
        demoSeed: { context in try await DemoClocks.seed(context) },
        commands: ["calendar": CalendarCommand()],
        clockKinds: manualKinds,
        dashboardWidgets: [DashboardWidget(id: "deadlines", permission: DeadlinePermissions.view) { req in try await DeadlinePages.widget(req) }],
        unitPathColumns: [UnitPathColumn("statutory_clocks"), UnitPathColumn("clock_due_changes")]
    )
}
