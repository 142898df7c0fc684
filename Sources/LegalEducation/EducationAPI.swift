import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum EducationAPIRoute: String, RouteTemplate, CaseIterable {
    case records = "education/records"
    case recordsRecord = "education/records/:id"
}

enum EducationAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(EducationRecord.self, list: EducationAPIRoute.records, record: EducationAPIRoute.recordsRecord, title: "学法普法记录", permission: EducationPermissions.read, year: (\.$heldOn, "日期"), fields: [
            APIField("kind", .string("类别")) { .text($0.kind) },
            APIField("unitPath", .string("单位路径")) { .text($0.unitPath) },
            APIField("heldOn", .string("日期")) { .text($0.heldOn) },
            APIField("title", .string("主题")) { .text($0.title) },
            APIField("count", .integer("人数、次数等（按类别）")) { .number($0.count) },
            APIField("passed", .nullable(.integer("合格人数（考试）"))) { .number($0.passed) },
            APIField("level", .nullable(.string("示范村（社区）级别"))) { .text($0.level) },
            APIField("batch", .nullable(.string("批次"))) { .text($0.batch) },
        ])
    }
}
