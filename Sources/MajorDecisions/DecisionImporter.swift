import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// Imports a decision catalogue (CSV or XLSX): one row per decision with the day its catalogue was
/// published and the procedures it went through, replayed through `DecisionService` (docs/law.md
/// §16): a skipped gate is reported under its column with its article. All or nothing.
public struct DecisionImporter: Importer {
    public init() {}

    public var id: String { "decisions" }
    public var title: String { "重大行政决策事项目录" }
    public var permission: Permission { DecisionPermissions.review }

    public var columns: [ImportColumn] {
        [
            ImportColumn("决策事项", required: true, note: ""),
            ImportColumn("决策机关编码", required: true, note: "本系统中的单位编码"),
            ImportColumn("目录年度", required: true, note: "四位年份"),
            ImportColumn("目录公布日期", required: true, note: "同一机关同一年度相同；目录已在系统中公布的，为目录调整日期"),
            ImportColumn("征求意见开始日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("征求意见结束日期", required: false, note: "一般不少于30日"),
            ImportColumn("采纳情况", required: false, note: "征求意见时必填"),
            ImportColumn("缩短期限理由", required: false, note: "少于30日时必填"),
            ImportColumn("专家论证开始日期", required: false, note: ""), ImportColumn("专家论证结束日期", required: false, note: ""),
            ImportColumn("专家论证意见", required: false, note: ""),
            ImportColumn("风险评估开始日期", required: false, note: ""), ImportColumn("风险评估结束日期", required: false, note: ""),
            ImportColumn("风险评估结论", required: false, note: ""),
            ImportColumn("不履行程序及理由", required: false, note: "如“专家论证：不涉及专业技术问题；风险评估：……”，以中文分号分隔"),
            ImportColumn("合法性审查送审日期", required: false, note: ""), ImportColumn("合法性审查意见日期", required: false, note: ""),
            ImportColumn("合法性审查意见", required: false, note: ""),
            ImportColumn("集体讨论日期", required: false, note: ""), ImportColumn("会议", required: false, note: "常务会议或全体会议"),
            ImportColumn("行政首长决定", required: false, note: ""), ImportColumn("公布日期", required: false, note: ""),
        ]
    }

    struct Row: Sendable {
        var number: Int
        var title: String
        var unitCode: String
        var year: String
        var catalogued: CivilDate
        var steps: [(column: String, action: DecisionAction)]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        var rows: [Row] = []
        var catalogueDays: [String: (CivilDate, Int)] = [:]
        for position in table.rows.indices {
            var row = ImportRow(table, position: position)
            var steps: [(column: String, action: DecisionAction)] = []
            if let from = row.date("征求意见开始日期"), let to = row.date("征求意见结束日期") {
                steps.append(("征求意见结束日期", .consult(from: from, to: to, adoption: row.value("采纳情况"), shortReason: row.value("缩短期限理由").nilIfEmpty)))
            }
            if let from = row.date("专家论证开始日期"), let to = row.date("专家论证结束日期") { steps.append(("专家论证意见", .expertReview(from: from, to: to, result: row.value("专家论证意见")))) }
            if let from = row.date("风险评估开始日期"), let to = row.date("风险评估结束日期") { steps.append(("风险评估结论", .riskAssessment(from: from, to: to, result: row.value("风险评估结论")))) }
            for item in row.value("不履行程序及理由").split(separator: "；").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                let parts = item.split(separator: "：", maxSplits: 1).map(String.init)
                guard parts.count == 2, let procedure = DecisionProcedure.allCases.first(where: { $0.label == parts[0] }) else {
                    row.error("不履行程序及理由", "“\(item)”应写作“程序名称：理由”，程序为公众参与、专家论证、风险评估"); continue
                }
                steps.append(("不履行程序及理由", .waive(procedure, reason: parts[1])))
            }
            if let sent = row.date("合法性审查送审日期") {
                steps.append(("合法性审查送审日期", .submitLegalityReview(on: sent)))
                if let to = row.date("合法性审查意见日期") { steps.append(("合法性审查意见日期", .legalityReview(from: sent, to: to, opinion: row.value("合法性审查意见")))) }
            }
            if let on = row.date("集体讨论日期") { steps.append(("集体讨论日期", .discuss(on: on, meeting: row.value("会议"), headDecision: row.value("行政首长决定")))) }
            if let on = row.date("公布日期") { steps.append(("公布日期", .publish(on: on))) }
            let catalogued = row.date("目录公布日期", required: true)
            let key = row.value("决策机关编码") + "|" + row.value("目录年度")
            if let catalogued, let (day, first) = catalogueDays[key], day != catalogued { row.error("目录公布日期", "与第\(first)行同一机关同一年度的目录公布日期（\(day)）不同") }
            errors += row.errors
            guard let catalogued else { continue }
            if catalogueDays[key] == nil { catalogueDays[key] = (catalogued, row.number) }
            rows.append(Row(number: row.number, title: row.value("决策事项"), unitCode: row.value("决策机关编码"), year: row.value("目录年度"), catalogued: catalogued, steps: steps))
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
        let prepared = rows
        let stamp = services.now
        do {
            try await database.write { db in
                var problems: [ImportRowError] = []
                var created: [Int: UUID] = [:]
                for row in prepared {
                    do {
                        created[row.number] = try await DecisionService.create(title: row.title, unitCode: row.unitCode, year: row.year, by: principal, services: services, on: db).id
                    } catch let failure as ValidationFailure {
                        let labels = ["title": "决策事项", "unitCode": "决策机关编码", "year": "目录年度"]
                        problems += failure.errors.map { ImportRowError(row: row.number, column: labels[$0.field] ?? "决策事项", message: $0.message) }
                    } catch is ScopeDenied {
                        problems.append(ImportRowError(row: row.number, column: "决策机关编码", message: "“\(row.unitCode)”不在您的管辖范围内"))
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems) }
                // Each catalogue once: published on its day, or (already in the system) an adjustment for each row.
                for row in prepared {
                    let id = created[row.number]!
                    var column = "目录公布日期"
                    do {
                        let decision = try await MajorDecision.find(id, for: principal, on: db)
                        if !decision.inCatalogue {
                            if try await DecisionCatalogue.query(on: db).filter(\.$unitID == decision.unitID).filter(\.$year == decision.year).first() == nil {
                                try await DecisionService.publishCatalogue(unitCode: row.unitCode, year: row.year, on: row.catalogued.description, by: principal, services: services, on: db)
                            } else {
                                try await DecisionService.include(id, on: row.catalogued.description, reason: "导入：目录调整", by: principal, services: services, on: db)
                            }
                        }
                        for step in row.steps {
                            column = step.column
                            try await DecisionService.perform(step.action, on: id, by: principal, services: services, on: db)
                        }
                    } catch let failure as ValidationFailure {
                        problems += failure.errors.map { ImportRowError(row: row.number, column: column, message: "\($0.label)：\($0.message)") }
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
                try await AuditLog.append(AuditEvent(action: "decisions.import", entityType: MajorDecision.schema, detail: "导入重大行政决策事项\(prepared.count)项"),
                                          by: principal.auditActor, at: stamp, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: prepared.count, errors: [])
    }
}
