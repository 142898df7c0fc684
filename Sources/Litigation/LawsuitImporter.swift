import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// Imports a litigation ledger from CSV or XLSX. One row per case; further rows with the same 法院
/// and 案号 add court sessions (only their 开庭 columns are read). All or nothing.
public struct LawsuitImporter: Importer {
    public init() {}

    public var id: String { "litigation" }
    public var title: String { "行政诉讼案件" }
    public var permission: Permission { LitigationPermissions.importCases }

    public var columns: [ImportColumn] {
        [
            ImportColumn("法院", required: true, note: ""),
            ImportColumn("案号", required: true, note: "同一法院同一案号的后续行只登记开庭"),
            ImportColumn("审级", required: false, note: "一审/二审/再审，默认一审"),
            ImportColumn("立案日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("收到起诉状副本日期", required: false, note: "答辩期限（15日）自次日起算"),
            ImportColumn("被告单位编码", required: true, note: "本系统中的单位编码"),
            ImportColumn("复议机关共同被告", required: false, note: "是/否（行政诉讼法第二十六条第二款）"),
            ImportColumn("关联复议案号", required: false, note: ""),
            ImportColumn("原告", required: true, note: "多名原告用顿号分隔（加密保存）"),
            ImportColumn("案由", required: true, note: ""),
            ImportColumn("答辩日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("开庭日期", required: false, note: "YYYY-MM-DD；每次开庭一行"),
            ImportColumn("负责人是否出庭", required: false, note: "是/否（有开庭日期时必填）"),
            ImportColumn("出庭负责人", required: false, note: "负责人出庭时必填"),
            ImportColumn("职务", required: false, note: "负责人出庭时必填"),
            ImportColumn("代为出庭人员", required: false, note: "负责人未出庭时必填"),
            ImportColumn("裁判结果", required: false, note: Judgment.allCases.map(\.label).joined(separator: "/")),
            ImportColumn("裁判日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("是否上诉", required: false, note: "是/否"),
            ImportColumn("履行情况", required: false, note: "已履行/未履行/不涉及"),
        ]
    }

    struct Hearing: Sendable {
        var heldOn: CivilDate
        var head: Bool
        var name: String?
        var post: String?
        var substitute: String?
    }

    struct Row: Sendable {
        var number: Int
        var key: String
        var input: LawsuitInput
        var defenceOn: CivilDate?
        var judgment: Judgment?
        var judgmentOn: CivilDate?
        var appealed: Bool
        var performance: String?
        var hearings: [Hearing]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        let today = CivilDateTime(services.now).date
        var cases: [Row] = []
        var index: [String: Int] = [:]
        var checkedCases: [String: LawsuitService.Checked] = [:]
        for (position, cells) in table.rows.enumerated() {
            let number = ImportTable.rowNumber(position)
            func value(_ header: String) -> String { table.value(cells, header).trimmingCharacters(in: .whitespaces) }
            func error(_ column: String, _ message: String) { errors.append(ImportRowError(row: number, column: column, message: message)) }
            func date(_ header: String) -> CivilDate? {
                let text = value(header).replacingOccurrences(of: "/", with: "-")
                if text.isEmpty { return nil }
                guard let date = CivilDate(text) else { error(header, "“\(text)”不是有效日期（YYYY-MM-DD）"); return nil }
                if date > today { error(header, "不能晚于今天") }
                return date
            }
            func yes(_ header: String) -> Bool? {
                switch value(header) {
                case "": return nil
                case "是": return true
                case "否": return false
                default: error(header, "应为“是”或“否”"); return nil
                }
            }
            var hearing: Hearing?
            if let heldOn = date("开庭日期") {
                let head = yes("负责人是否出庭")
                if head == nil && value("负责人是否出庭").isEmpty { error("负责人是否出庭", "有开庭日期时必填") }
                if head == true && (value("出庭负责人").isEmpty || value("职务").isEmpty) { error("出庭负责人", "负责人出庭时须写明姓名和职务") }
                if head == false && value("代为出庭人员").isEmpty { error("代为出庭人员", "负责人未出庭时须写明代为出庭的工作人员（行政诉讼法第三条第三款）") }
                hearing = Hearing(heldOn: heldOn, head: head ?? false, name: value("出庭负责人").nilIfEmpty, post: value("职务").nilIfEmpty,
                                  substitute: value("代为出庭人员").nilIfEmpty)
            }
            let key = value("法院") + "|" + value("案号")
            if let existing = index[key] {
                if let hearing {
                    if let filed = cases[existing].input.filedOn.flatMap(CivilDate.init), hearing.heldOn < filed { error("开庭日期", "不能早于立案日期") }
                    cases[existing].hearings.append(hearing)
                } else {
                    error("开庭日期", "与第\(cases[existing].number)行同一案件的后续行只用于登记开庭，须填写开庭日期")
                }
                continue
            }
            let input = LawsuitInput(caseNumber: value("案号"), court: value("法院"), instance: value("审级"), filedOn: value("立案日期"),
                                     servedOn: value("收到起诉状副本日期"), defendantCode: value("被告单位编码"), coDefendant: value("复议机关共同被告"),
                                     reconsiderationCaseNumber: value("关联复议案号"), plaintiff: value("原告"), cause: value("案由"))
            var validator = Validator()
            let checked = try await LawsuitService.check(input, today: today, on: database, validator: &validator)
            for item in validator.errors { error(item.label, item.message) }
            if let checked, !principal.covers(unitPath: checked.defendant.path) { error("被告单位编码", "不在您的管辖范围内") }
            let defenceOn = date("答辩日期")
            let judgmentText = value("裁判结果")
            var judgment: Judgment?
            if !judgmentText.isEmpty {
                judgment = Judgment.allCases.first { $0.label == judgmentText || $0.rawValue == judgmentText || $0.label.hasSuffix(judgmentText) }
                if judgment == nil { error("裁判结果", "应为以下之一：" + Judgment.allCases.map(\.label).joined(separator: "、")) }
            }
            let judgmentOn = date("裁判日期")
            if judgment != nil && judgmentOn == nil { error("裁判日期", "有裁判结果时必填") }
            if judgment == nil && judgmentOn != nil { error("裁判结果", "有裁判日期时必填") }
            if let judgmentOn, let filed = checked?.filedOn, judgmentOn < filed { error("裁判日期", "不能早于立案日期") }
            if let hearing, let filed = checked?.filedOn, hearing.heldOn < filed { error("开庭日期", "不能早于立案日期") }
            let performance = value("履行情况")
            if !["", "已履行", "未履行", "不涉及"].contains(performance) { error("履行情况", "应为已履行、未履行或不涉及") }
            if let checked { checkedCases[key] = checked }
            index[key] = cases.count
            cases.append(Row(number: number, key: key, input: input, defenceOn: defenceOn, judgment: judgment, judgmentOn: judgmentOn,
                             appealed: yes("是否上诉") ?? false, performance: performance.nilIfEmpty, hearings: hearing.map { [$0] } ?? []))
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
        let prepared = cases
        let checkedByKey = checkedCases
        let stamp = services.now
        do {
            try await database.write { db in
                for row in prepared {
                    let checked = checkedByKey[row.key]!
                    if try await Lawsuit.query(on: db).filter(\.$court == checked.court).filter(\.$caseNumber == checked.number).count() > 0 {
                        throw ImportRejected(errors: [ImportRowError(row: row.number, column: "案号", message: "\(checked.court)的“\(checked.number)”已在系统中")])
                    }
                    let lawsuit = try LawsuitService.make(checked, reconsiderationCaseNumber: row.input.reconsiderationCaseNumber, cipher: services.cipher, stamp: stamp)
                    lawsuit.defenceOn = row.defenceOn?.description
                    lawsuit.judgment = row.judgment?.rawValue
                    lawsuit.judgmentOn = row.judgmentOn?.description
                    lawsuit.lost = row.judgment?.isLoss ?? false
                    lawsuit.appealed = row.appealed
                    lawsuit.performance = row.performance
                    try await lawsuit.create(on: db)
                    for hearing in row.hearings {
                        let session = LawsuitHearing()
                        session.$lawsuit.id = lawsuit.id!
                        session.heldOn = hearing.heldOn.description
                        session.headAppeared = hearing.head
                        session.headName = hearing.head ? hearing.name : nil
                        session.headPost = hearing.head ? hearing.post : nil
                        session.substitute = hearing.head ? nil : hearing.substitute
                        session.defendantPath = lawsuit.defendantPath
                        session.createdAt = stamp
                        try await session.create(on: db)
                    }
                    if let served = checked.servedOn, row.defenceOn == nil, row.judgment == nil {
                        try await ClockService.open(kind: LitigationClocks.defence.key, unitID: checked.defendant.id, title: "\(lawsuit.caseNumber) 答辩",
                                                    record: lawsuit.clockRecord, start: CivilDateTime(date: served), startReason: "收到起诉状副本（导入）",
                                                    by: principal, services: services, on: db)
                    }
                }
                try await AuditLog.append(AuditEvent(action: "litigation.import", entityType: "lawsuit", detail: "导入行政诉讼案件\(prepared.count)件"),
                                          by: principal.auditActor, at: stamp, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: prepared.count, errors: [])
    }
}
