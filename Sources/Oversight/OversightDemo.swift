import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

/// The demo county's 法治督察: a yearly inspection and a provincial feedback in each past year, their
/// findings rectified (one sent back, one late), and this year's inspection with findings open —
/// one overdue, one due soon — on the inspected units' deadline lists; the yearly inspections led by
/// the county head; this year's 复查 of two of last year's closed findings, one found back.
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
                                                                            leader: kind == .annual ? "县人民政府县长" : nil, by: bureau, services: services, on: db)
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
        // Last year's 复查 of a finding closed the year before: it held.
        if let earlier = try await InspectionFinding.query(on: db).filter(\.$foundOn < "\(today.year - 1)-01-01").filter(\.$status == FindingStatus.closed.rawValue)
            .sort(\.$foundOn).sort(\.$unitPath).first() {
            try await OversightService.perform(.recheck(on: CivilDate(year: today.year - 1, month: 3, day: 16)!, held: true, note: "回头看：整改措施已形成制度，未发现同类问题", days: 0),
                                               on: earlier.id!, by: bureau, services: services, on: db)
        }
        // This year's 复查 of last year's closed findings: one held, one found back and reopened.
        let lastYear = try await InspectionFinding.query(on: db).filter(\.$foundOn >= "\(today.year - 1)-01-01").filter(\.$status == FindingStatus.closed.rawValue)
            .sort(\.$foundOn).sort(\.$unitPath).range(0..<2).all()
        for (position, finding) in lastYear.enumerated() {
            try await OversightService.perform(.recheck(on: today.adding(days: -15 + position * 5), held: position == 0,
                                                        note: position == 0 ? "抽查整改后的案卷，未发现同类问题" : "抽查发现同类问题再次出现", days: 30),
                                               on: finding.id!, by: bureau, services: services, on: db)
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
