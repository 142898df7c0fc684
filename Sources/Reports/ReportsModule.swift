import Fluent
import FazhiCore
import FazhiDeadlines
import Foundation
import Vapor

/// The annual 法治政府建设情况报告 from records, and the checker for published reports.
public enum ReportsModule {
    public static let manifest = FazhiModule(
        id: "reports",
        name: "年度报告",
        migrations: [ReportMigrations.Create(), ContributionMigrations.Create(),
                     ClockRecordBackfill(name: "reports.003.clock-records", patterns: [
                         .init(prefix: "/reports/inputs/", type: ReportContribution.schema), .init(prefix: "/reports/", type: AnnualReport.schema),
                     ]), ReportMigrations.DecisionChapter(), ReportMigrations.Kinds(), ReportMigrations.OpennessChapter(), ReportMigrations.EducationChapter(),
                     ReportMigrations.DutyRecords()],
        permissions: ReportPermissions.all,
        grants: ReportPermissions.grants,
        menu: [MenuEntry(title: "年度报告", route: ReportRoute.list, permission: ReportPermissions.read, section: "工作台"),
               MenuEntry(title: "报告分项材料", route: ReportRoute.inputs, permission: ReportPermissions.manage, section: "工作台")],
        routes: { router in
            ReportAPI.register(router)
            ReportPages.register(router)
            ContributionPages.register(router)
            CheckPages.register(router)
        },
        commands: ["check-report": CheckReportCommand(), "report": ReportCommand()],
        clockKinds: ReportClocks.all,
        dashboardWidgets: [DashboardWidget(id: "reports", permission: ReportPermissions.read) { req in try await ContributionPages.widget(req) }],
        unitPathColumns: [UnitPathColumn("annual_reports"), UnitPathColumn("report_contributions")]
    )
}

extension AnnualReport: ClockOwner {}
extension ReportContribution: ClockOwner {}

extension AnnualReport: UnitScoped {
    public static var unitPathField: KeyPath<AnnualReport, FieldProperty<AnnualReport, String>> { \.$unitPath }
}

extension ReportContribution: UnitScoped {
    public static var unitPathField: KeyPath<ReportContribution, FieldProperty<ReportContribution, String>> { \.$unitPath }
}
