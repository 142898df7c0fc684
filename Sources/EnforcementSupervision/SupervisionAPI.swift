import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum SupervisionAPIRoute: String, RouteTemplate, CaseIterable {
    case transfers = "supervision/transfers"
    case transfersRecord = "supervision/transfers/:id"
    case draws = "supervision/draws"
    case drawsRecord = "supervision/draws/:id"
}

enum SupervisionAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(CriminalTransfer.self, list: SupervisionAPIRoute.transfers, record: SupervisionAPIRoute.transfersRecord, title: "涉嫌犯罪案件移送（两法衔接）", permission: SupervisionPermissions.read, year: (\.$reportedOn, "报告日期"), fields: [
            APIField("caseNumber", .string("案号")) { .text($0.caseNumber) },
            APIField("unitPath", .string("移送单位路径")) { .text($0.unitPath) },
            APIField("suspect", .string("涉嫌人（脱敏）")) { .text($0.suspectMasked) },
            APIField("offence", .string("涉嫌罪名")) { .text($0.offence) },
            APIField("status", .string("状态")) { .text($0.status) },
            APIField("reportedOn", .string("报告日期")) { .text($0.reportedOn) },
            APIField("decidedOn", .nullable(.string("决定日期"))) { .text($0.decidedOn) },
            APIField("transferredAt", .nullable(.string("移送日期"))) { .text($0.transferredAt) },
            APIField("policeAnswerOn", .nullable(.string("公安答复日期"))) { .text($0.policeAnswerOn) },
        ])
        router.resource(InspectionDraw.self, list: SupervisionAPIRoute.draws, record: SupervisionAPIRoute.drawsRecord, title: "双随机抽查对象", permission: SupervisionPermissions.read, fields: [
            APIField("targetName", .string("检查对象")) { .text($0.targetName) },
            APIField("creditCode", .string("统一社会信用代码")) { .text($0.creditCode) },
            APIField("unitPath", .string("检查单位路径")) { .text($0.unitPath) },
            APIField("inspectedOn", .nullable(.string("检查日期"))) { .text($0.inspectedOn) },
            APIField("result", .nullable(.string("检查结果"))) { .text($0.result) },
            APIField("publishedOn", .nullable(.string("公示日期"))) { .text($0.publishedOn) },
            APIField("dueOn", .nullable(.string("公示期限"))) { .text($0.dueOn) },
        ])
    }
}
