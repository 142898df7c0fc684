import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum ServiceAPIRoute: String, RouteTemplate, CaseIterable {
    case items = "services/items"
    case itemsRecord = "services/items/:id"
}

enum ServiceAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(ServiceItem.self, list: ServiceAPIRoute.items, record: ServiceAPIRoute.itemsRecord, title: "政务服务事项", permission: ServicePermissions.read, fields: [
            APIField("code", .string("事项编码")) { .text($0.code) },
            APIField("name", .string("事项名称")) { .text($0.name) },
            APIField("kind", .string("事项类型")) { .text($0.kind) },
            APIField("unitPath", .string("实施机关路径")) { .text($0.unitPath) },
            APIField("legalLimit", .nullable(.integer("法定时限（工作日）"))) { .number($0.legalLimit) },
            APIField("promisedLimit", .integer("承诺时限（工作日）")) { .number($0.promisedLimit) },
            APIField("onTheSpot", .boolean("马上办")) { .flag($0.onTheSpot) },
            APIField("fullyOnline", .boolean("全程网办")) { .flag($0.fullyOnline) },
            APIField("visits", .integer("跑动次数")) { .number($0.visits) },
            APIField("version", .integer("版本")) { .number($0.version) },
            APIField("effectiveOn", .string("生效日期")) { .text($0.effectiveOn) },
            APIField("withdrawnOn", .nullable(.string("取消日期"))) { .text($0.withdrawnOn) },
        ])
    }
}
