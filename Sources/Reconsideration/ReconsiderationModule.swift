import FazhiCore
import FazhiDeadlines
import Fluent
import Vapor

public enum ReconsiderationPermissions {
    public static let read = Permission("reconsideration.read", "查看行政复议案件")
    public static let handle = Permission("reconsideration.handle", "办理行政复议案件")
    public static let importCases = Permission("reconsideration.import", "导入行政复议台账")

    static let all = [read, handle, importCases]

    /// The justice bureau's officers (supervisor role) handle cases; respondents see the cases
    /// against them (unit scope), leaders read.
    static let grants: [Role: [Permission]] = [
        .supervisor: [read, handle, importCases],
        .leader: [read],
        .departmentOfficer: [read],
        .legalReviewer: [read],
        .townshipStaff: [read],
    ]
}

/// 行政复议: applications, the procedure with its statutory clocks, outcomes, figures, import.
public enum ReconsiderationModule {
    public static let manifest = FazhiModule(
        id: "reconsideration",
        name: "行政复议",
        migrations: ReconsiderationMigrations.all,
        permissions: ReconsiderationPermissions.all,
        grants: ReconsiderationPermissions.grants,
        menu: [MenuEntry(title: "行政复议", route: ReconsiderationRoute.list, permission: ReconsiderationPermissions.read, section: "业务办理")],
        routes: { router in ReconsiderationPages.register(router) },
        metrics: ReconsiderationMetrics.all,
        importers: [CaseImporter()],
        demoSeed: { context in try await ReconsiderationDemo.seed(context) },
        clockKinds: ReconsiderationClocks.all,
        unitPathColumns: [UnitPathColumn("reconsideration_cases", "respondent_path"), UnitPathColumn("reconsideration_opinions", "recipient_path"),
                          UnitPathColumn("reconsideration_findings", "respondent_path")]
    )
}
