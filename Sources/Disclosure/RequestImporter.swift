import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

/// Imports a year's 依申请公开 ledger (CSV or XLSX): one row per request with its steps, replayed
/// through `DisclosureService` so each rule of the 条例 is checked as when the clerk keyed it (a
/// 补正 notice after 7 working days, a second extension, an answer before the corrected request…),
/// and refused under its column with the article. All or nothing.
public struct RequestImporter: Importer {
    public init() {}

    public var id: String { "disclosure" }
    public var title: String { "政府信息公开申请台账" }
    public var permission: Permission { DisclosurePermissions.handle }

    public var columns: [ImportColumn] {
        [
            ImportColumn("受理机关编码", required: true, note: "本系统中的单位编码"),
            ImportColumn("申请人", required: true, note: "加密保存"),
            ImportColumn("申请人类别", required: true, note: ApplicantClass.allCases.map(\.label).joined(separator: "、")),
            ImportColumn("申请方式", required: true, note: ReceiptChannel.allCases.map(\.label).joined(separator: "、")),
            ImportColumn("提交日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("签收日期", required: false, note: "邮寄（需签收）的必填"),
            ImportColumn("确认日期", required: false, note: "平常信函、互联网、传真的必填"),
            ImportColumn("申请内容", required: true, note: ""),
            ImportColumn("告知补正日期", required: false, note: "收到申请之日起7个工作日内"),
            ImportColumn("补正事项", required: false, note: "以中文分号分隔"),
            ImportColumn("补正期限", required: false, note: ""),
            ImportColumn("收到补正日期", required: false, note: ""),
            ImportColumn("征求意见开始日期", required: false, note: "第三十二条、第三十四条"),
            ImportColumn("征求意见结束日期", required: false, note: ""),
            ImportColumn("延长日期", required: false, note: ""),
            ImportColumn("延长工作日数", required: false, note: "不超过20"),
            ImportColumn("延长批准人", required: false, note: "政府信息公开工作机构负责人"),
            ImportColumn("答复日期", required: false, note: "未答复的留空"),
            ImportColumn("办理结果", required: false, note: "年度报告表三的项目名称，如“予以公开”“本机关不掌握相关政府信息”"),
            ImportColumn("信息处理费", required: false, note: "元，整数"),
        ]
    }

    struct Row: Sendable {
        var number: Int
        var cells: [String: String]
        var steps: [(column: String, action: RequestAction)]
    }

    static func outcome(_ text: String) -> DisclosureOutcome? {
        let plain = text.replacingOccurrences(of: " ", with: "")
        return DisclosureOutcome.allCases.first { $0.label == plain || $0.rawValue == plain || "\($0.group.rawValue)\($0.label)" == plain }
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        var rows: [Row] = []
        for position in table.rows.indices {
            var row = ImportRow(table, position: position)
            var cells: [String: String] = [:]
            for column in ["受理机关编码", "申请人", "申请内容", "提交日期", "签收日期", "确认日期"] { cells[column] = row.value(column) }
            let kind = ApplicantClass.allCases.first { $0.label == row.value("申请人类别") }
            if kind == nil { row.error("申请人类别", "应为\(ApplicantClass.allCases.map(\.label).joined(separator: "、"))之一") }
            let channel = ReceiptChannel.allCases.first { $0.label == row.value("申请方式") }
            if channel == nil { row.error("申请方式", "应为\(ReceiptChannel.allCases.map(\.label).joined(separator: "、"))之一") }
            cells["申请人类别"] = kind?.rawValue
            cells["申请方式"] = channel?.rawValue
            var steps: [(column: String, action: RequestAction)] = []
            if let notice = row.date("告知补正日期") {
                if let due = row.date("补正期限", required: true) {
                    steps.append(("告知补正日期", .noticeCorrection(on: notice, items: row.value("补正事项").split(separator: "；").map(String.init), due: due)))
                }
                if let received = row.date("收到补正日期") { steps.append(("收到补正日期", .receiveCorrection(on: received))) }
            }
            if let from = row.date("征求意见开始日期") {
                steps.append(("征求意见开始日期", .startConsultation(on: from)))
                if let to = row.date("征求意见结束日期") { steps.append(("征求意见结束日期", .endConsultation(on: to))) }
            }
            if let on = row.date("延长日期") {
                if let days = Int(row.value("延长工作日数")) {
                    steps.append(("延长日期", .extend(on: on, workdays: days, approver: row.value("延长批准人"))))
                } else {
                    row.error("延长工作日数", "延长的须填写工作日数")
                }
            }
            if let on = row.date("答复日期") {
                let feeText = row.value("信息处理费")
                let fee = feeText.isEmpty ? 0 : Int(feeText)
                if fee == nil { row.error("信息处理费", "应为整数（元）") }
                if let outcome = Self.outcome(row.value("办理结果")) {
                    steps.append(("答复日期", .answer(on: on, outcome: outcome, fee: fee ?? 0)))
                } else {
                    row.error("办理结果", "应为年度报告表三中的项目名称，如“予以公开”“部分公开”“本机关不掌握相关政府信息”")
                }
            } else if !row.value("办理结果").isEmpty {
                row.error("答复日期", "填写了办理结果的须填写答复日期")
            }
            errors += row.errors
            rows.append(Row(number: row.number, cells: cells, steps: steps))
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
        let prepared = rows
        let stamp = services.now
        let labels = ["unitCode": "受理机关编码", "applicant": "申请人", "applicantClass": "申请人类别", "channel": "申请方式", "submittedOn": "提交日期",
                      "signedOn": "签收日期", "confirmedOn": "确认日期", "content": "申请内容"]
        do {
            try await database.write { db in
                var problems: [ImportRowError] = []
                for row in prepared {
                    var column = "受理机关编码"
                    do {
                        let request = try await DisclosureService.register(unitCode: row.cells["受理机关编码"], applicant: row.cells["申请人"], applicantClass: row.cells["申请人类别"],
                                                                           channel: row.cells["申请方式"], submittedOn: row.cells["提交日期"], signedOn: row.cells["签收日期"],
                                                                           confirmedOn: row.cells["确认日期"], content: row.cells["申请内容"], by: principal, services: services, on: db)
                        for step in row.steps {
                            column = step.column
                            try await DisclosureService.perform(step.action, on: request.id!, by: principal, services: services, on: db)
                        }
                    } catch let failure as ValidationFailure {
                        problems += failure.errors.map { ImportRowError(row: row.number, column: labels[$0.field] ?? column, message: "\($0.label)：\($0.message)") }
                    } catch is ScopeDenied {
                        problems.append(ImportRowError(row: row.number, column: "受理机关编码", message: "“\(row.cells["受理机关编码"] ?? "")”不在您的管辖范围内"))
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
                try await AuditLog.append(AuditEvent(action: "disclosure.import", entityType: DisclosureRequest.schema, detail: "导入政府信息公开申请\(prepared.count)件"),
                                          by: principal.auditActor, at: stamp, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: prepared.count, errors: [])
    }
}
