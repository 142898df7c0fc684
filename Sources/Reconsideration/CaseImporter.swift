import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// Imports a reconsideration ledger (台账) from CSV or XLSX with Chinese headers: one row per case,
/// in whatever state it reached. Each row is replayed through `CaseService` and so through
/// `ReconsiderationRules`, step by step in the order of the procedure — registration, 补正, the
/// intake decision, the copy to the respondent, its reply, an extension, the conclusion, service,
/// archiving — exactly as if the officer had recorded it on the platform: the same clocks, timeline
/// and audit rows, and a step the statute does not allow is refused with its article. A row whose
/// 历史违规说明 states the breach is brought in as it happened, each breach kept as a finding
/// (docs/import.md). All or nothing, every bad row reported.
public struct CaseImporter: Importer {
    public init() {}

    public var id: String { "reconsideration" }
    public var title: String { "行政复议案件" }
    public var permission: Permission { ReconsiderationPermissions.importCases }

    static let intakeLabels: [String: String] = [
        "审查中": "", "待补正": "awaitingCorrection", "受理": "accepted", "不予受理": "refused", "告知": "referred",
        "视为撤回": "deemedWithdrawn", "逾期未补正视为撤回": "deemedWithdrawn", "中止": "suspended",
    ]

    public var columns: [ImportColumn] {
        [
            ImportColumn("案号", required: true, note: "不得重复"),
            ImportColumn("收到申请日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("申请方式", required: true, note: ApplicationChannel.allCases.map(\.label).joined(separator: "/")),
            ImportColumn("申请人类型", required: true, note: ApplicantKind.allCases.map(\.label).joined(separator: "/")),
            ImportColumn("申请人", required: true, note: "姓名或名称（加密保存）"),
            ImportColumn("证件号码", required: false, note: "自然人必填身份证号码；组织填统一社会信用代码（加密保存）"),
            ImportColumn("代理人", required: false, note: ""),
            ImportColumn("第三人", required: false, note: ""),
            ImportColumn("被申请人单位编码", required: true, note: "本系统中的单位编码"),
            ImportColumn("被申请行为类别", required: true, note: ActCategory.allCases.map(\.label).joined(separator: "/")),
            ImportColumn("执法领域", required: false, note: "如 市场监管、生态环境"),
            ImportColumn("行政行为日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("行政复议请求", required: true, note: ""),
            ImportColumn("通知补正日期", required: false, note: "发出补正通知的日期（行政复议法第三十一条）；视为撤回的必填"),
            ImportColumn("收到补正日期", required: false, note: "收到补正材料的日期；补正后受理、不予受理、告知或中止的必填"),
            ImportColumn("审查结果", required: false, note: "审查中/待补正/受理/不予受理/告知/视为撤回/中止；空为审查中"),
            ImportColumn("审查日期", required: false, note: "受理、不予受理、告知、视为撤回、通知补正或中止的日期"),
            ImportColumn("审查理由", required: false, note: "不予受理理由、有权机关、补正事项或中止理由"),
            ImportColumn("程序", required: false, note: "普通程序/简易程序（受理的必填）"),
            ImportColumn("简易程序情形", required: false, note: SummaryGround.allCases.map(\.label).joined(separator: "/") + "（简易程序的必填，行政复议法第五十三条）"),
            ImportColumn("发送副本日期", required: false, note: "向被申请人发送申请书副本的日期（普通程序作出决定的必填，行政复议法第四十八条）"),
            ImportColumn("答复日期", required: false, note: "收到被申请人书面答复的日期"),
            ImportColumn("是否延长", required: false, note: "是/否（简易程序不得延长）"),
            ImportColumn("延长日期", required: false, note: "批准延长的日期；空则按原审理期限届满之日记录"),
            ImportColumn("延长日数", required: false, note: "1–30，空为30（行政复议法第六十二条第一款）"),
            ImportColumn("延长批准人", required: false, note: "行政复议机构负责人"),
            ImportColumn("结案方式", required: false, note: CaseOutcome.allCases.map(\.label).joined(separator: "/")),
            ImportColumn("结案日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("被申请人自行纠正", required: false, note: "是/否（仅撤回申请时）"),
            ImportColumn("送达日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("归档日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("历史违规说明", required: false, note: "过去的案件确有违反法定程序的（如普通程序未发送申请书副本即作出决定），如实说明；填写后该行按实际情况导入，违法情形记为监督发现的问题并计入统计；不填则违反规则的行被拒绝"),
        ]
    }

    /// One step of a row's replay, with the ledger column a refusal belongs to.
    enum Step: Sendable {
        case action(CaseAction, column: String)
        /// 是否延长 without 延长日期: recorded on the last day of the original decision period (or
        /// the day of the conclusion, if earlier), which the transaction reads from the case's clock.
        case undatedExtension(days: Int, approver: String, notAfter: CivilDate?)
    }

    struct Row: Sendable {
        var number: Int
        var input: ApplicationInput
        var steps: [Step]
        /// The ledger's statement of a historical breach (历史违规说明), if any.
        var breach: String?
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        let today = CivilDateTime(services.now).date
        var rows: [Row] = []
        var numbers: [String: Int] = [:]
        for (index, cells) in table.rows.enumerated() {
            let number = ImportTable.rowNumber(index)
            func value(_ header: String) -> String { table.value(cells, header).trimmingCharacters(in: .whitespaces) }
            func error(_ column: String, _ message: String) { errors.append(ImportRowError(row: number, column: column, message: message)) }
            func date(_ header: String) -> CivilDate? {
                let text = value(header).replacingOccurrences(of: "/", with: "-")
                if text.isEmpty { return nil }
                guard let date = CivilDate(text) else { error(header, "“\(text)”不是有效日期（YYYY-MM-DD）"); return nil }
                if date > today { error(header, "不能晚于今天") }
                return date
            }
            func yes(_ header: String) -> Bool {
                switch value(header) {
                case "", "否": return false
                case "是": return true
                default: error(header, "应为“是”或“否”"); return false
                }
            }
            let input = ApplicationInput(caseNumber: value("案号"), receivedOn: value("收到申请日期"), channel: value("申请方式"),
                                         applicantKind: value("申请人类型"), applicantName: value("申请人"), applicantID: value("证件号码"),
                                         agent: value("代理人"), thirdParties: value("第三人"), respondentCode: value("被申请人单位编码"),
                                         actCategory: value("被申请行为类别"), enforcementDomain: value("执法领域"), actOn: value("行政行为日期"),
                                         request: value("行政复议请求"))
            var validator = Validator()
            let checked = CaseService.validate(input, validator: &validator, today: today)
            let labels = ["receivedOn": "收到申请日期", "channel": "申请方式", "applicantKind": "申请人类型", "applicantName": "申请人",
                          "applicantID": "证件号码", "actCategory": "被申请行为类别", "actOn": "行政行为日期", "request": "行政复议请求"]
            for item in validator.errors { error(labels[item.field] ?? item.label, item.message) }
            let caseNumber = value("案号")
            if caseNumber.isEmpty { error("案号", "不能为空") } else if caseNumber.count > 60 { error("案号", "不能超过60个字符") } else if let first = numbers[caseNumber] {
                error("案号", "“\(caseNumber)”与第\(first)行重复")
            } else {
                numbers[caseNumber] = number
            }
            if value("被申请人单位编码").isEmpty { error("被申请人单位编码", "不能为空") }
            let intakeText = value("审查结果")
            let intake = Self.intakeLabels[intakeText]
            if intake == nil { error("审查结果", "应为以下之一：" + Self.intakeLabels.keys.sorted().joined(separator: "、")) }
            let intakeOn = date("审查日期")
            if let intake, !intake.isEmpty, intakeOn == nil { error("审查日期", "审查结果为“\(intakeText)”时必填") }
            if let intakeOn, let received = checked.receivedOn, intakeOn < received { error("审查日期", "不能早于收到申请日期") }
            let reason = value("审查理由")
            if reason.count > 500 { error("审查理由", "不能超过500个字符") }
            let noticeOn = date("通知补正日期")
            let correctedOn = date("收到补正日期")
            if intake == "deemedWithdrawn" && noticeOn == nil {
                error("通知补正日期", "视为撤回的必填：逾期不补正才视为撤回，补正期限自收到补正通知之日起计算（行政复议法第三十一条第二款）")
            }
            if noticeOn != nil, correctedOn == nil, let intake, ["accepted", "refused", "referred", "suspended"].contains(intake) {
                error("收到补正日期", "通知补正后\(intakeText)的，须填写收到补正材料的日期（行政复议法第三十一条：审查期限自收到补正材料之日起重新计算）")
            }
            if correctedOn != nil && noticeOn == nil { error("通知补正日期", "有收到补正日期时必填") }
            let procedureText = value("程序")
            var procedure: Procedure?
            if !procedureText.isEmpty {
                procedure = Procedure.allCases.first { $0.label == procedureText || $0.rawValue == procedureText }
                if procedure == nil { error("程序", "应为“普通程序”或“简易程序”") }
            }
            if intake == "accepted" && procedure == nil && procedureText.isEmpty { error("程序", "受理的案件须写明普通程序或简易程序") }
            let groundText = value("简易程序情形")
            var ground: SummaryGround?
            if !groundText.isEmpty {
                ground = SummaryGround.allCases.first { $0.label == groundText || $0.rawValue == groundText }
                if ground == nil { error("简易程序情形", "应为以下之一：" + SummaryGround.allCases.map(\.label).joined(separator: "、")) }
            }
            let copyOn = date("发送副本日期"), replyOn = date("答复日期")
            let extended = yes("是否延长")
            if extended && procedure == .summary { error("是否延长", "简易程序不得延长审理期限（行政复议法第六十二条第二款）") }
            let extendOn = date("延长日期")
            let daysText = value("延长日数")
            var extensionDays = 30
            if !daysText.isEmpty {
                if let days = Int(daysText), (1...30).contains(days) { extensionDays = days } else { error("延长日数", "应为1到30的整数（行政复议法第六十二条第一款）") }
            }
            if !extended && (extendOn != nil || !daysText.isEmpty || !value("延长批准人").isEmpty) { error("是否延长", "填写了延长日期、日数或批准人时应为“是”") }
            let outcomeText = value("结案方式")
            var outcome: CaseOutcome?
            if !outcomeText.isEmpty {
                outcome = CaseOutcome.allCases.first { $0.label == outcomeText || $0.rawValue == outcomeText }
                    ?? (outcomeText == "调解" ? .mediation : nil)
                if outcome == nil { error("结案方式", "应为以下之一：" + CaseOutcome.allCases.map(\.label).joined(separator: "、")) }
                if intake != "accepted" { error("结案方式", "只有受理的案件才能结案（不予受理、告知、视为撤回不是结案方式）") }
            }
            if intake != "accepted" {
                for column in ["发送副本日期", "答复日期"] where !value(column).isEmpty { error(column, "只有受理的案件才有此项") }
                if extended { error("是否延长", "只有受理的案件才能延长审理期限") }
            }
            let outcomeOn = date("结案日期")
            if outcome != nil && outcomeOn == nil { error("结案日期", "有结案方式时必填") }
            if outcome == nil && outcomeOn != nil { error("结案方式", "有结案日期时必填") }
            if let outcomeOn, let intakeOn, outcomeOn < intakeOn { error("结案日期", "不能早于审查（受理）日期") }
            let selfCorrected = yes("被申请人自行纠正")
            if selfCorrected && outcome != .withdrawal { error("被申请人自行纠正", "只适用于结案方式为“撤回申请”的案件") }
            let servedOn = date("送达日期")
            if servedOn != nil && outcomeOn == nil { error("送达日期", "结案后才能送达") }
            if let servedOn, let outcomeOn, servedOn < outcomeOn { error("送达日期", "不能早于结案日期") }
            let archivedOn = date("归档日期")
            if let archivedOn, let after = servedOn ?? (intake == "accepted" ? nil : intakeOn), archivedOn < after { error("归档日期", "不能早于送达或审查日期") }
            if archivedOn != nil && servedOn == nil && (intake == "accepted" || intake == "" || intake == "suspended" || intake == "awaitingCorrection") {
                error("归档日期", "受理的案件送达后才能归档")
            }
            let breach = value("历史违规说明")
            if breach.count > 500 { error("历史违规说明", "不能超过500个字符") }

            // The replay, in the order of the procedure.
            var steps: [Step] = []
            let items = (intake == "awaitingCorrection" || intake == "deemedWithdrawn" ? reason : "").nilIfEmpty ?? "（台账未载明补正事项）"
            if let notice = noticeOn ?? (intake == "awaitingCorrection" ? intakeOn : nil) {
                steps.append(.action(.requestCorrection(on: notice, items: items), column: noticeOn == nil ? "审查日期" : "通知补正日期"))
                if let correctedOn { steps.append(.action(.receiveCorrection(on: correctedOn), column: "收到补正日期")) }
            }
            if let intake, let intakeOn {
                switch intake {
                case "accepted": steps.append(.action(.accept(on: intakeOn, procedure: procedure ?? .ordinary, major: false, summaryGround: ground), column: "审查日期"))
                case "refused": steps.append(.action(.refuse(on: intakeOn, reason: reason), column: "审查理由"))
                case "referred": steps.append(.action(.refer(on: intakeOn, body: reason), column: "审查理由"))
                case "deemedWithdrawn": steps.append(.action(.deemWithdrawn(on: intakeOn), column: "审查日期"))
                case "suspended":
                    let suspension = SuspensionGround.allCases.first { $0.label == reason || $0.rawValue == reason } ?? .other
                    steps.append(.action(.suspend(on: intakeOn, ground: suspension, reason: reason), column: "审查理由"))
                default: break
                }
            }
            if intake == "accepted" {
                if let copyOn { steps.append(.action(.sendCopy(on: copyOn), column: "发送副本日期")) }
                if let replyOn { steps.append(.action(.receiveReply(on: replyOn), column: "答复日期")) }
                if extended {
                    let approver = value("延长批准人").nilIfEmpty ?? "（台账未载明批准人）"
                    if let extendOn {
                        steps.append(.action(.extend(on: extendOn, days: extensionDays, approver: approver, reason: "台账记载：经批准延长审理期限"), column: "延长日期"))
                    } else {
                        steps.append(.undatedExtension(days: extensionDays, approver: approver, notAfter: outcomeOn))
                    }
                }
                if let outcome, let outcomeOn { steps.append(.action(.conclude(on: outcomeOn, outcome: outcome, selfCorrected: selfCorrected, note: ""), column: "结案方式")) }
                if let servedOn { steps.append(.action(.serve(on: servedOn), column: "送达日期")) }
            }
            if let archivedOn { steps.append(.action(.archive(on: archivedOn), column: "归档日期")) }
            rows.append(Row(number: number, input: input, steps: steps, breach: breach.nilIfEmpty))
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }

        let prepared = rows
        let stamp = services.now
        do {
            try await database.write { db in
                var problems: [ImportRowError] = []
                let existing = Set(try await ReconsiderationCase.query(on: db).filter(\.$caseNumber ~~ prepared.map { $0.input.caseNumber ?? "" }).all().map(\.caseNumber))
                for row in prepared where existing.contains(row.input.caseNumber ?? "") {
                    problems.append(ImportRowError(row: row.number, column: "案号", message: "“\(row.input.caseNumber ?? "")”已在系统中"))
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems) }
                let calendar = try await CalendarService.current(services: services, on: db)
                for row in prepared {
                    var column = "案号"
                    do {
                        let created = try await CaseService.register(row.input, by: principal, services: services, on: db)
                        for step in row.steps {
                            let action: CaseAction
                            switch step {
                            case .action(let recorded, let stepColumn):
                                column = stepColumn
                                action = recorded
                            case .undatedExtension(let days, let approver, let notAfter):
                                column = "是否延长"
                                let clock = try await ClockService.openClock(kind: ReconsiderationClocks.decisionOrdinary.key, record: created.clockRecord, on: db)
                                let due = try clock?.clock.dueDate(calendar: calendar) ?? today
                                action = .extend(on: min(due, notAfter ?? due, today), days: days, approver: approver,
                                                 reason: "台账记载已延长审理期限，未载明延长日期：按原审理期限届满之日记录")
                            }
                            _ = try await CaseService.performWithWarnings(action, on: created.id!, by: principal, services: services, on: db, historicalBreach: row.breach)
                        }
                    } catch let failure as ValidationFailure {
                        let labels = ["caseNumber": "案号", "respondentCode": "被申请人单位编码"]
                        problems += failure.errors.map {
                            column == "案号" ? ImportRowError(row: row.number, column: labels[$0.field] ?? $0.label, message: $0.message)
                                : ImportRowError(row: row.number, column: column, message: "\($0.label)：\($0.message)")
                        }
                    } catch is ScopeDenied {
                        problems.append(ImportRowError(row: row.number, column: "被申请人单位编码", message: "“\(row.input.respondentCode ?? "")”不在您的管辖范围内"))
                    }
                }
                if !problems.isEmpty { throw ImportRejected(errors: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
                let stated = prepared.filter { $0.breach != nil }.count
                try await AuditLog.append(AuditEvent(action: "reconsideration.import", entityType: "reconsideration_case",
                                                     detail: "导入行政复议案件\(prepared.count)件" + (stated > 0 ? "，其中\(stated)件说明了历史违规" : "")),
                                          by: principal.auditActor, at: stamp, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: prepared.count, errors: [])
    }
}
