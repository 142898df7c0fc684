import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

/// The demo county's 法治督察: a yearly inspection and a provincial feedback in each past year, their
/// findings rectified (one sent back, one late), and this year's inspection with findings open —
/// one overdue, one due soon — on the inspected units' deadline lists.
enum OversightDemo {
    static let problems: [(FindingCategory, String, String)] = [
        (.documents, "SFX-ZJ", "个别行政规范性文件未按规定进行合法性审核即印发"),
        (.enforcement, "SFX-SCJG", "部分行政处罚案卷法制审核意见书缺失"),
        (.decisions, "SFX-ZRZY", "重大行政决策公众参与程序记录不完整"),
        (.openness, "SFX-CG", "依申请公开答复书未告知救济途径"),
        (.reconsideration, "SFX-RS", "行政机关负责人出庭应诉率偏低"),
        (.leadership, "SFX-DL", "未按时召开专题会议研究法治建设工作"),
    ]

    static func seed(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        let bureau = try await context.principal("supervisor")
        var index = 0
        for year in [today.year - 2, today.year - 1] {
            for (kind, month) in [(InspectionKind.annual, 4), (.provincial, 9)] {
                let started = CivilDate(year: year, month: month, day: 10)!
                let inspection = try await OversightService.createInspection(title: "\(year)年\(kind == .annual ? "法治政府建设年度督察" : "省法治督察反馈问题整改")",
                                                                            kind: kind.rawValue, startedOn: started.description, unitCode: "SFX-SFJ",
                                                                            by: bureau, services: services, on: db)
                for offset in 0..<3 {
                    let (category, unit, problem) = problems[index % problems.count]
                    let found = started.adding(days: 5 + offset)
                    let finding = try await OversightService.addFinding(to: inspection.id!, unitCode: unit, category: category.rawValue, description: problem,
                                                                        foundOn: found.description, by: bureau, services: services, on: db)
                    let unitPrincipal = Principal.system("\(unit)整改联络员")
                    let submitted = found.adding(days: index % 5 == 3 ? 40 : 20)
                    try await OversightService.perform(.submit(on: submitted, evidence: "已制定整改方案并完成整改，附整改报告和相关文件"), on: finding.id!, by: unitPrincipal, asInspector: false,
                                                       services: services, on: db)
                    if index % 4 == 1 {
                        try await OversightService.perform(.sendBack(on: submitted.adding(days: 3), reason: "佐证材料不足", days: 15), on: finding.id!, by: bureau, services: services, on: db)
                        try await OversightService.perform(.submit(on: submitted.adding(days: 12), evidence: "补充了整改前后的案卷对照和制度文件"), on: finding.id!,
                                                           by: unitPrincipal, asInspector: false, services: services, on: db)
                    }
                    try await OversightService.perform(.close(on: submitted.adding(days: 14)), on: finding.id!, by: bureau, services: services, on: db)
                    index += 1
                }
            }
        }
        // This year: an inspection last month, one finding past its period, one still running.
        let started = today.adding(days: -45)
        let inspection = try await OversightService.createInspection(title: "\(today.year)年法治政府建设专项督察", kind: InspectionKind.special.rawValue,
                                                                    startedOn: started.description, unitCode: "SFX-SFJ", by: bureau, services: services, on: db)
        try await OversightService.addFinding(to: inspection.id!, unitCode: "SFX-SCJG", category: FindingCategory.enforcement.rawValue,
                                              description: "行政执法公示信息更新不及时", foundOn: started.adding(days: 2).description, by: bureau, services: services, on: db)
        try await OversightService.addFinding(to: inspection.id!, unitCode: "SFX-CG", category: FindingCategory.openness.rawValue,
                                              description: "乡镇政务公开目录未及时更新", foundOn: today.adding(days: -20).description, by: bureau, services: services, on: db)
    }
}
