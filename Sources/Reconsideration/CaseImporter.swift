import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// Imports a reconsideration ledger (台账) from CSV or XLSX with Chinese headers: one row per case,
/// in whatever state it reached. All or nothing, every bad row reported. Cases still open get the
/// clock of the step they are at; concluded cases keep their dates and are counted from them.
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
            ImportColumn("审查结果", required: false, note: "审查中/待补正/受理/不予受理/告知/视为撤回/中止；空为审查中"),
            ImportColumn("审查日期", required: false, note: "受理、不予受理、告知、视为撤回、通知补正或中止的日期"),
            ImportColumn("审查理由", required: false, note: "不予受理理由、有权机关、补正事项或中止理由"),
            ImportColumn("程序", required: false, note: "普通程序/简易程序（受理的必填）"),
            ImportColumn("是否延长", required: false, note: "是/否（简易程序不得延长）"),
            ImportColumn("结案方式", required: false, note: CaseOutcome.allCases.map(\.label).joined(separator: "/")),
            ImportColumn("结案日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("被申请人自行纠正", required: false, note: "是/否（仅撤回申请时）"),
            ImportColumn("送达日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("归档日期", required: false, note: "YYYY-MM-DD"),
        ]
    }

    struct Row: Sendable {
        var number: Int
        var input: ApplicationInput
        var received: CivilDate
        var intake: String
        var intakeOn: CivilDate?
        var intakeReason: String?
        var procedure: Procedure?
        var extended: Bool
        var outcome: CaseOutcome?
        var outcomeOn: CivilDate?
        var selfCorrected: Bool
        var servedOn: CivilDate?
        var archivedOn: CivilDate?
        var respondent: OrgUnit
        var name: String
        var id: String?
        var kind: ApplicantKind
        var channel: ApplicationChannel
        var category: ActCategory
        var actOn: CivilDate?
        var request: String
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        let today = CivilDateTime(services.now).date
        var rows: [Row] = []
        var numbers: [String: Int] = [:]
        var units: [String: OrgUnit] = [:]
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
            if caseNumber.isEmpty { error("案号", "不能为空") } else if let first = numbers[caseNumber] {
                error("案号", "“\(caseNumber)”与第\(first)行重复")
            } else {
                numbers[caseNumber] = number
            }
            let code = value("被申请人单位编码")
            var respondent = units[code]
            if respondent == nil, !code.isEmpty {
                respondent = try await UnitService.find(code: code, on: database)
                units[code] = respondent
            }
            if code.isEmpty { error("被申请人单位编码", "不能为空") } else if respondent == nil {
                error("被申请人单位编码", "没有编码为“\(code)”的单位")
            } else if !principal.covers(unitPath: respondent!.path) {
                error("被申请人单位编码", "“\(code)”不在您的管辖范围内")
            }
            let intakeText = value("审查结果")
            let intake = Self.intakeLabels[intakeText]
            if intake == nil { error("审查结果", "应为以下之一：" + Self.intakeLabels.keys.sorted().joined(separator: "、")) }
            let intakeOn = date("审查日期")
            if let intake, !intake.isEmpty, intakeOn == nil { error("审查日期", "审查结果为“\(intakeText)”时必填") }
            if let intakeOn, let received = checked.receivedOn, intakeOn < received { error("审查日期", "不能早于收到申请日期") }
            let reason = value("审查理由")
            if intake == "refused" && reason.isEmpty { error("审查理由", "不予受理须说明理由（行政复议法第三十条）") }
            if intake == "referred" && reason.isEmpty { error("审查理由", "告知须写明有权机关（行政复议法第三十条）") }
            let procedureText = value("程序")
            var procedure: Procedure?
            if !procedureText.isEmpty {
                procedure = Procedure.allCases.first { $0.label == procedureText || $0.rawValue == procedureText }
                if procedure == nil { error("程序", "应为“普通程序”或“简易程序”") }
            }
            if intake == "accepted" && procedure == nil && procedureText.isEmpty { error("程序", "受理的案件须写明普通程序或简易程序") }
            let extended = yes("是否延长")
            if extended && procedure == .summary { error("是否延长", "简易程序不得延长审理期限（行政复议法第六十二条第二款）") }
            let outcomeText = value("结案方式")
            var outcome: CaseOutcome?
            if !outcomeText.isEmpty {
                outcome = CaseOutcome.allCases.first { $0.label == outcomeText || $0.rawValue == outcomeText }
                    ?? (outcomeText == "调解" ? .mediation : nil)
                if outcome == nil { error("结案方式", "应为以下之一：" + CaseOutcome.allCases.map(\.label).joined(separator: "、")) }
                if intake != "accepted" { error("结案方式", "只有受理的案件才能结案（不予受理、告知、视为撤回不是结案方式）") }
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
            if let respondent, let received = checked.receivedOn, let kind = checked.kind, let channel = checked.channel, let category = checked.category, let intake {
                rows.append(Row(number: number, input: input, received: received, intake: intake, intakeOn: intakeOn, intakeReason: reason.nilIfEmpty,
                                procedure: procedure, extended: extended, outcome: outcome, outcomeOn: outcomeOn, selfCorrected: selfCorrected,
                                servedOn: servedOn, archivedOn: archivedOn, respondent: respondent, name: checked.name, id: checked.id,
                                kind: kind, channel: channel, category: category, actOn: checked.actOn, request: checked.request))
            }
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }

        let prepared = rows
        let stamp = services.now
        let cipher = services.cipher
        do {
            try await database.write { db in
                let calendar = try await CalendarService.current(services: services, on: db)
                var rowErrors: [ImportRowError] = []
                let existing = Set(try await ReconsiderationCase.query(on: db).filter(\.$caseNumber ~~ prepared.map { $0.input.caseNumber ?? "" }).all().map(\.caseNumber))
                for row in prepared where existing.contains(row.input.caseNumber ?? "") {
                    rowErrors.append(ImportRowError(row: row.number, column: "案号", message: "“\(row.input.caseNumber ?? "")”已在系统中"))
                }
                if !rowErrors.isEmpty { throw ImportRejected(errors: rowErrors) }
                for row in prepared {
                    let record = ReconsiderationCase()
                    record.caseNumber = row.input.caseNumber ?? ""
                    record.receivedOn = row.received.description
                    record.channel = row.channel.rawValue
                    record.applicantKind = row.kind.rawValue
                    record.applicantNameSealed = try cipher.seal(row.name)
                    record.applicantNameMasked = row.kind == .naturalPerson ? Masking.personName(row.name) : row.name
                    if let id = row.id {
                        record.applicantIDSealed = try cipher.seal(id)
                        record.applicantIDMasked = row.kind == .naturalPerson ? Masking.residentID(id) : id
                        record.applicantIDHash = cipher.searchHash(id)
                    }
                    record.agent = row.input.agent?.nilIfEmpty
                    record.thirdParties = row.input.thirdParties?.nilIfEmpty
                    record.respondentID = row.respondent.id!
                    record.respondentPath = row.respondent.path
                    record.actCategory = row.category.rawValue
                    record.enforcementDomain = row.input.enforcementDomain?.nilIfEmpty
                    record.actOn = row.actOn?.description
                    record.request = row.request
                    record.major = false
                    record.extended = row.extended
                    record.extendedDays = row.extended ? 30 : 0
                    record.selfCorrected = row.selfCorrected
                    record.procedure = row.procedure?.rawValue
                    record.intakeReason = row.intakeReason
                    switch row.intake {
                    case "accepted", "refused", "referred", "deemedWithdrawn":
                        record.intake = row.intake
                        record.intakeOn = row.intakeOn?.description
                    default:
                        break
                    }
                    let status: CaseStatus
                    switch row.intake {
                    case "accepted":
                        if row.archivedOn != nil { status = .archived } else if row.servedOn != nil { status = .served } else if row.outcome != nil { status = .decided } else { status = .underReview }
                    case "refused": status = row.archivedOn != nil ? .archived : .refused
                    case "referred": status = row.archivedOn != nil ? .archived : .referred
                    case "deemedWithdrawn": status = row.archivedOn != nil ? .archived : .deemedWithdrawn
                    case "awaitingCorrection": status = .awaitingCorrection
                    case "suspended": status = .suspended
                    default: status = .received
                    }
                    record.status = status.rawValue
                    if status == .suspended { record.statusBeforeSuspension = CaseStatus.received.rawValue }
                    record.outcome = row.outcome?.rawValue
                    record.outcomeOn = row.outcomeOn?.description
                    record.servedOn = row.servedOn?.description
                    record.archivedOn = row.archivedOn?.description
                    if record.accepted && record.outcomeOn != nil {
                        record.decisionDueOn = ReconsiderationClocks.decisionDue(importedCase: record, calendar: calendar)?.description
                    }
                    record.createdAt = stamp
                    record.updatedAt = stamp
                    try await record.create(on: db)
                    let event = ReconsiderationEvent()
                    event.$reconsiderationCase.id = record.id!
                    event.action = "import"
                    event.happenedOn = row.received.description
                    event.detail = "从台账导入（第\(row.number)行）：\(status.label)\(row.outcome.map { "，\($0.label)" } ?? "")"
                    event.actor = principal.auditActor.name
                    event.createdAt = stamp
                    try await event.create(on: db)
                    // The clock of the step an open case is at.
                    var clockKind: ClockKind?
                    var start = row.received
                    switch status {
                    case .received: clockKind = ReconsiderationClocks.acceptance
                    case .awaitingCorrection: clockKind = ReconsiderationClocks.correction; start = row.intakeOn ?? row.received
                    case .underReview: clockKind = ReconsiderationClocks.decision(row.procedure ?? .ordinary); start = row.intakeOn ?? row.received
                    default: clockKind = nil
                    }
                    if let clockKind {
                        let opened = try await ClockService.open(kind: clockKind.key, unitID: row.respondent.id, title: "\(record.caseNumber) \(clockKind.rule.title)",
                                                                 record: record.clockRecord, start: CivilDateTime(date: start), startReason: "导入", by: principal, services: services, on: db)
                        if status == .underReview && row.extended {
                            try await ClockService.record(.extend(start, by: .days(30), approver: "导入台账", reason: "台账标明已延长"), on: opened.id!,
                                                          by: principal, services: services, on: db)
                        }
                    }
                }
                try await AuditLog.append(AuditEvent(action: "reconsideration.import", entityType: "reconsideration_case",
                                                     detail: "导入行政复议案件\(prepared.count)件"),
                                          by: principal.auditActor, at: stamp, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        } catch let failure as ValidationFailure {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: failure.errors.map { ImportRowError(row: 0, column: $0.label, message: $0.message) })
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: prepared.count, errors: [])
    }
}
