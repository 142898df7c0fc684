import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum OversightAPIRoute: String, RouteTemplate, CaseIterable {
    case inspections = "oversight/inspections"
    case inspectionsRecord = "oversight/inspections/:id"
    case findings = "oversight/findings"
    case findingsRecord = "oversight/findings/:id"
}

enum OversightAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(Inspection.self, list: OversightAPIRoute.inspections, record: OversightAPIRoute.inspectionsRecord, title: "法治督察", permission: OversightPermissions.read, year: (\.$startedOn, "开始日期"), fields: [
            APIField("title", .string("名称")) { .text($0.title) },
            APIField("kind", .string("类别")) { .text($0.kind) },
            APIField("year", .integer("年度")) { .number($0.year) },
            APIField("startedOn", .string("开始日期")) { .text($0.startedOn) },
            APIField("unitPath", .string("组织单位路径")) { .text($0.unitPath) },
            APIField("headLed", .boolean("主要负责人带队")) { .flag($0.leader != nil) },
        ])
        router.resource(InspectionFinding.self, list: OversightAPIRoute.findings, record: OversightAPIRoute.findingsRecord, title: "督察发现的问题", permission: OversightPermissions.read, year: (\.$foundOn, "发现日期"), fields: [
            APIField("inspectionID", .string("督察ID")) { .text($0.inspectionID.uuidString) },
            APIField("unitPath", .string("被督察单位路径")) { .text($0.unitPath) },
            APIField("category", .string("类别")) { .text($0.category) },
            APIField("problem", .string("问题")) { .text($0.problem) },
            APIField("foundOn", .string("发现日期")) { .text($0.foundOn) },
            APIField("dueOn", .string("整改期限")) { .text($0.dueOn) },
            APIField("status", .string("状态")) { .text($0.status) },
            APIField("submittedOn", .nullable(.string("报送整改情况日期"))) { .text($0.submittedOn) },
            APIField("closedOn", .nullable(.string("销号日期"))) { .text($0.closedOn) },
            APIField("returns", .integer("退回次数")) { .number($0.returns) },
            APIField("recheckedOn", .nullable(.string("最近复查日期"))) { .text($0.recheckedOn) },
            APIField("rebounds", .integer("复查反弹次数")) { .number($0.rebounds) },
        ])
    }
}
