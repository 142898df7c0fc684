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
        unitPathColumns: [UnitPathColumn("annual_reports"), UnitPathColumn("report_contributions")],
        publicServices: [
            PublicService(title: "法治政府建设年度报告", path: PortalRoute.reports.path(), summary: "县政府及各部门、乡镇的年度报告和政府信息公开工作年度报告，每个数字可核对。",
                          basis: "法治政府建设与责任落实督察工作规定第二十五条；政府信息公开条例第四十九条、第五十条"),
            PublicService(title: "报告数字核对", path: PortalRoute.checkReport.path(), summary: "粘贴一份年度报告，核对其中的比率和合计是否自洽。",
                          basis: "国办公开办函〔2021〕30号（政府信息公开工作年度报告格式）"),
        ],
        publicSearch: { query, db in
            try await AnnualReport.query(on: db).filter(\.$status == ReportStatus.published.rawValue).group(.or) { $0.filter(\.$title ~~ query).filter(\.$unitName ~~ query) }
                .sort(\.$year, .descending).limit(PublicPortal.hitsPerModule).all()
                .map { PublicSearchHit(kind: "年度报告", title: $0.title, link: PortalRoute.report.path($0.id!), date: $0.publishedOn ?? "") }
        }
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
