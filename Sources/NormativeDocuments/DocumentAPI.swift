import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum DocumentAPIRoute: String, RouteTemplate, CaseIterable {
    case documents = "documents"
    case documentsRecord = "documents/:id"
}

enum DocumentAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(NormativeDocument.self, list: DocumentAPIRoute.documents, record: DocumentAPIRoute.documentsRecord, title: "行政规范性文件", permission: DocumentPermissions.read, fields: [
            APIField("title", .string("标题")) { .text($0.title) },
            APIField("unitPath", .string("制定机关路径")) { .text($0.unitPath) },
            APIField("stage", .string("阶段")) { .text($0.stage) },
            APIField("number", .nullable(.string("文号"))) { .text($0.number) },
            APIField("affectsRights", .boolean("涉及公民、法人和其他组织权利义务")) { .flag($0.affectsRights) },
            APIField("provisional", .boolean("暂行、试行")) { .flag($0.provisional) },
            APIField("reviewPassed", .nullable(.boolean("合法性审核通过"))) { .flag($0.reviewPassed) },
            APIField("publishedOn", .nullable(.string("公布日期"))) { .text($0.publishedOn) },
            APIField("effectiveOn", .nullable(.string("施行日期"))) { .text($0.effectiveOn) },
            APIField("validUntil", .nullable(.string("有效期至"))) { .text($0.validUntil) },
            APIField("filedOn", .nullable(.string("报送备案日期"))) { .text($0.filedOn) },
            APIField("filingDue", .nullable(.string("备案期限"))) { .text($0.filingDue) },
            APIField("repealedOn", .nullable(.string("废止日期"))) { .text($0.repealedOn) },
        ])
    }
}
