import FazhiCore
import Foundation
import Vapor

/// The annual 法治政府建设情况报告 and the checker for published reports.
public enum ReportsModule {
    public static let manifest = FazhiModule(
        id: "reports",
        name: "年度报告",
        routes: { router in
            CheckPages.register(router)
        },
        commands: ["check-report": CheckReportCommand()]
    )
}
