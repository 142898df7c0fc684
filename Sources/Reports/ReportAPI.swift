import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum ReportAPIRoute: String, RouteTemplate, CaseIterable {
    case reports = "reports/annual"
    case reportsRecord = "reports/annual/:id"
}

enum ReportAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(AnnualReport.self, list: ReportAPIRoute.reports, record: ReportAPIRoute.reportsRecord, title: "年度报告", permission: ReportPermissions.read, fields: [
            APIField("year", .integer("年度")) { .number($0.year) },
            APIField("kind", .string("报告类别")) { .text($0.kind) },
            APIField("unitPath", .string("单位路径")) { .text($0.unitPath) },
            APIField("unitName", .string("单位")) { .text($0.unitName) },
            APIField("title", .string("标题")) { .text($0.title) },
            APIField("number", .nullable(.string("文号"))) { .text($0.number) },
            APIField("status", .string("状态")) { .text($0.status) },
            APIField("approvedOn", .nullable(.string("批准日期"))) { .text($0.approvedOn) },
            APIField("sentOn", .nullable(.string("报送日期"))) { .text($0.sentOn) },
            APIField("publishedOn", .nullable(.string("公开日期"))) { .text($0.publishedOn) },
            APIField("text", .string("正文（标记文本；批准后数字已固定）")) { .text($0.text) },
        ])
    }
}
