import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

/// Imports a mediation ledger (CSV or XLSX): each dispute accepted in its body and carried through
/// its sessions, outcome, 司法确认 and performance by `MediationService`, all or nothing.
public struct DisputeImporter: Importer {
    public init() {}

    public var id: String { "mediation" }
    public var title: String { "矛盾纠纷调解台账" }
    public var permission: Permission { MediationPermissions.handle }

    public var columns: [ImportColumn] {
        [
            ImportColumn("调解组织", required: true, note: "已登记的调解组织名称"),
            ImportColumn("纠纷来源", required: true, note: DisputeSource.allCases.map(\.label).joined(separator: "、")),
            ImportColumn("纠纷类型", required: true, note: DisputeCategory.allCases.map(\.label).joined(separator: "、")),
            ImportColumn("当事人", required: true, note: "以顿号分隔，加密保存"), ImportColumn("简要情况", required: true, note: ""),
            ImportColumn("涉及金额", required: false, note: "元"), ImportColumn("受理日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("调解员", required: false, note: "该调解组织登记的调解员姓名"),
            ImportColumn("调解日期", required: false, note: "多次的以分号分隔"),
            ImportColumn("结果", required: false, note: "书面协议、口头协议、调解不成、撤回"),
            ImportColumn("结案日期", required: false, note: ""), ImportColumn("告知途径", required: false, note: "调解不成的必填：诉讼、仲裁、行政"),
            ImportColumn("申请司法确认日期", required: false, note: "协议生效之日起30日内"), ImportColumn("司法确认结果", required: false, note: "有效、驳回"),
            ImportColumn("履行日期", required: false, note: ""),
        ]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        var prepared: [(number: Int, cells: [String: String], steps: [(String, DisputeStep)])] = []
        for position in table.rows.indices {
            var row = ImportRow(table, position: position)
            var cells: [String: String] = [:]
            for column in ["调解组织", "纠纷来源", "纠纷类型", "当事人", "简要情况", "涉及金额", "受理日期", "调解员"] { cells[column] = row.value(column) }
            var steps: [(String, DisputeStep)] = []
            for text in row.value("调解日期").split(separator: "；").map({ $0.trimmingCharacters(in: .whitespaces) }) where !text.isEmpty {
                if let day = CivilDate(text) { steps.append(("调解日期", .session(on: day))) } else { row.error("调解日期", "“\(text)”不是有效日期") }
            }
            let result = row.value("结果")
            if !result.isEmpty {
                if let ended = row.date("结案日期", required: true) {
                    switch result {
                    case "书面协议": steps.append(("结果", .agree(on: ended, written: true)))
                    case "口头协议": steps.append(("结果", .agree(on: ended, written: false)))
                    case "调解不成":
                        let routes = OtherRoute.allCases.filter { route in row.value("告知途径").contains(route.label.prefix(2)) }
                        steps.append(("告知途径", .fail(on: ended, routes: routes)))
                    case "撤回": steps.append(("结果", .withdraw(on: ended)))
                    default: row.error("结果", "应为书面协议、口头协议、调解不成或撤回")
                    }
                }
            }
            if let applied = row.date("申请司法确认日期") {
                steps.append(("申请司法确认日期", .applyConfirmation(on: applied)))
                switch row.value("司法确认结果") {
                case "有效": steps.append(("司法确认结果", .confirmationResult(on: applied, confirmed: true)))
                case "驳回": steps.append(("司法确认结果", .confirmationResult(on: applied, confirmed: false)))
                case "": break
                default: row.error("司法确认结果", "应为有效或驳回")
                }
            }
            if let performed = row.date("履行日期") { steps.append(("履行日期", .perform(on: performed))) }
            errors += row.errors
            prepared.append((row.number, cells, steps))
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
        let rows = prepared
        let labels = ["body": "调解组织", "source": "纠纷来源", "category": "纠纷类型", "parties": "当事人", "summary": "简要情况", "amount": "涉及金额", "acceptedOn": "受理日期", "mediator": "调解员"]
        do {
            try await database.write { db in
                var problems: [ImportRowError] = []
                for row in rows {
                    var column = "受理日期"
                    do {
                        let dispute = try await MediationService.accept(bodyName: row.cells["调解组织"], source: row.cells["纠纷来源"], category: row.cells["纠纷类型"],
                                                                        parties: row.cells["当事人"], summary: row.cells["简要情况"], amount: row.cells["涉及金额"],
                                                                        acceptedOn: row.cells["受理日期"], mediator: row.cells["调解员"], by: principal,
                                                                        services: services, on: db)
                        for (name, step) in row.steps {
                            column = name
                            try await MediationService.perform(step, on: dispute.id!, by: principal, services: services, on: db)
                        }
                    } catch let failure as ValidationFailure {
                        problems += failure.errors.map { ImportRowError(row: row.number, column: labels[$0.field] ?? column, message: "\($0.label)：\($0.message)") }
                    } catch is ScopeDenied {
                        problems.append(ImportRowError(row: row.number, column: "调解组织", message: "不在您的管辖范围内"))
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
                try await AuditLog.append(AuditEvent(action: "mediation.import", entityType: Dispute.schema, detail: "导入矛盾纠纷\(rows.count)件"),
                                          by: principal.auditActor, at: services.now, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: rows.count, errors: [])
    }
}
