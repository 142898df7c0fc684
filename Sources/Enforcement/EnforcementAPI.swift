import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum EnforcementAPIRoute: String, RouteTemplate, CaseIterable {
    case cases = "enforcement/cases"
    case casesRecord = "enforcement/cases/:id"
}

enum EnforcementAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(PenaltyCase.self, list: EnforcementAPIRoute.cases, record: EnforcementAPIRoute.casesRecord, title: "行政处罚案件", permission: EnforcementPermissions.read, year: (\.$discoveredOn, "发现日期"), fields: [
            APIField("caseNumber", .string("案号")) { .text($0.caseNumber) },
            APIField("unitPath", .string("承办单位路径")) { .text($0.unitPath) },
            APIField("party", .string("当事人（脱敏）")) { .text($0.partyMasked) },
            APIField("partyKind", .string("当事人类型")) { .text($0.partyKind) },
            APIField("violation", .string("违法行为")) { .text($0.violation) },
            APIField("status", .string("状态")) { .text($0.status) },
            APIField("discoveredOn", .string("发现日期")) { .text($0.discoveredOn) },
            APIField("filedOn", .nullable(.string("立案日期"))) { .text($0.filedOn) },
            APIField("major", .boolean("重大执法决定")) { .flag($0.major) },
            APIField("summaryProcedure", .boolean("简易程序")) { .flag($0.summary) },
            APIField("decidedOn", .nullable(.string("决定日期"))) { .text($0.decidedOn) },
            APIField("decisionDueOn", .nullable(.string("决定期限"))) { .text($0.decisionDueOn) },
            APIField("fineYuan", .nullable(.integer("罚款（元）"))) { .number($0.fineYuan) },
            APIField("firstPublishedOn", .nullable(.string("公示日期"))) { .text($0.firstPublishedOn) },
            APIField("publishedOnTime", .boolean("按时公示")) { .flag($0.publishedOnTime) },
            APIField("closedOn", .nullable(.string("结案日期"))) { .text($0.closedOn) },
            APIField("changeKind", .nullable(.string("变更、撤销等"))) { .text($0.changeKind) },
        ])
    }
}
