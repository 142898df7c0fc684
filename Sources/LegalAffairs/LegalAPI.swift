import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum LegalAPIRoute: String, RouteTemplate, CaseIterable {
    case reviews = "legal/reviews"
    case reviewsRecord = "legal/reviews/:id"
}

enum LegalAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(LegalityReview.self, list: LegalAPIRoute.reviews, record: LegalAPIRoute.reviewsRecord, title: "合法性审查", permission: LegalPermissions.read, year: (\.$submittedOn, "送审日期"), fields: [
            APIField("kind", .string("类别")) { .text($0.kind) },
            APIField("title", .string("事项")) { .text($0.title) },
            APIField("unitPath", .string("送审单位路径")) { .text($0.unitPath) },
            APIField("amountYuan", .nullable(.integer("金额（元）"))) { .number($0.amountYuan.map { Int($0) }) },
            APIField("submittedOn", .string("送审日期")) { .text($0.submittedOn) },
            APIField("opinionOn", .nullable(.string("出具意见日期"))) { .text($0.opinionOn) },
            APIField("adopted", .nullable(.boolean("意见被采纳"))) { .flag($0.adopted) },
        ])
    }
}
