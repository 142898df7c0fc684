import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum MediationAPIRoute: String, RouteTemplate, CaseIterable {
    case disputes = "mediation/disputes"
    case disputesRecord = "mediation/disputes/:id"
    case bodies = "mediation/bodies"
    case bodiesRecord = "mediation/bodies/:id"
}

enum MediationAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(Dispute.self, list: MediationAPIRoute.disputes, record: MediationAPIRoute.disputesRecord, title: "矛盾纠纷", permission: MediationPermissions.read, year: (\.$acceptedOn, "受理日期"), fields: [
            APIField("number", .string("编号")) { .text($0.number) },
            APIField("level", .string("调解组织层级")) { .text($0.level) },
            APIField("unitPath", .string("单位路径")) { .text($0.unitPath) },
            APIField("source", .string("来源")) { .text($0.source) },
            APIField("category", .string("类型")) { .text($0.category) },
            APIField("parties", .string("当事人（脱敏）")) { .text($0.partiesMasked) },
            APIField("amountYuan", .integer("涉及金额（元）")) { .number($0.amountYuan) },
            APIField("acceptedOn", .string("受理日期")) { .text($0.acceptedOn) },
            APIField("outcome", .nullable(.string("结果"))) { .text($0.outcome) },
            APIField("endedOn", .nullable(.string("结案日期"))) { .text($0.endedOn) },
            APIField("confirmationAppliedOn", .nullable(.string("申请司法确认日期"))) { .text($0.confirmationAppliedOn) },
            APIField("confirmed", .nullable(.boolean("司法确认有效"))) { .flag($0.confirmed) },
            APIField("performedOn", .nullable(.string("履行日期"))) { .text($0.performedOn) },
        ])
        router.resource(MediationBody.self, list: MediationAPIRoute.bodies, record: MediationAPIRoute.bodiesRecord, title: "调解组织", permission: MediationPermissions.read, fields: [
            APIField("name", .string("名称")) { .text($0.name) },
            APIField("level", .string("层级")) { .text($0.level) },
            APIField("unitPath", .string("单位路径")) { .text($0.unitPath) },
            APIField("mediators", .integer("调解员人数")) { .number($0.mediators) },
            APIField("fullTime", .integer("专职调解员")) { .number($0.fullTime) },
        ])
    }
}
