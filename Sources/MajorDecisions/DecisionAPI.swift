import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum DecisionAPIRoute: String, RouteTemplate, CaseIterable {
    case decisions = "decisions"
    case decisionsRecord = "decisions/:id"
}

enum DecisionAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(MajorDecision.self, list: DecisionAPIRoute.decisions, record: DecisionAPIRoute.decisionsRecord, title: "重大行政决策", permission: DecisionPermissions.read, fields: [
            APIField("title", .string("事项")) { .text($0.title) },
            APIField("unitPath", .string("决策机关路径")) { .text($0.unitPath) },
            APIField("year", .integer("目录年度")) { .number($0.year) },
            APIField("inCatalogue", .boolean("列入目录")) { .flag($0.inCatalogue) },
            APIField("participationTo", .nullable(.string("公众参与截止"))) { .text($0.participationTo) },
            APIField("expertTo", .nullable(.string("专家论证截止"))) { .text($0.expertTo) },
            APIField("riskTo", .nullable(.string("风险评估截止"))) { .text($0.riskTo) },
            APIField("legalityResult", .nullable(.string("合法性审查意见"))) { .text($0.legalityResult) },
            APIField("discussedOn", .nullable(.string("集体讨论日期"))) { .text($0.discussedOn) },
            APIField("publishedOn", .nullable(.string("公布日期"))) { .text($0.publishedOn) },
            APIField("evaluatedOn", .nullable(.string("决策后评估日期"))) { .text($0.evaluatedOn) },
        ])
    }
}
