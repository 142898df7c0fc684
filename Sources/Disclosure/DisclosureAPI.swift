import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum DisclosureAPIRoute: String, RouteTemplate, CaseIterable {
    case requests = "disclosure/requests"
    case requestsRecord = "disclosure/requests/:id"
}

enum DisclosureAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(DisclosureRequest.self, list: DisclosureAPIRoute.requests, record: DisclosureAPIRoute.requestsRecord, title: "政府信息公开申请", permission: DisclosurePermissions.read, year: (\.$receivedOn, "收到日期"), fields: [
            APIField("number", .string("编号")) { .text($0.number) },
            APIField("unitPath", .string("办理机关路径")) { .text($0.unitPath) },
            APIField("applicantClass", .string("申请人类别")) { .text($0.applicantClass) },
            APIField("applicant", .string("申请人（脱敏）")) { .text($0.applicantMasked) },
            APIField("channel", .string("申请方式")) { .text($0.channel) },
            APIField("receivedOn", .string("收到日期")) { .text($0.receivedOn) },
            APIField("answerDueOn", .nullable(.string("答复期限"))) { .text($0.answerDueOn) },
            APIField("extensionWorkdays", .nullable(.integer("延长工作日"))) { .number($0.extensionWorkdays) },
            APIField("answeredOn", .nullable(.string("答复日期"))) { .text($0.answeredOn) },
            APIField("outcome", .nullable(.string("办理结果"))) { .text($0.outcome) },
            APIField("feeYuan", .integer("信息处理费（元）")) { .number($0.feeYuan) },
        ])
    }
}
