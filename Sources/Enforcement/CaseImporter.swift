import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// Imports last year's penalty-case ledger. Each row is replayed through `PenaltyCaseService`
/// step by step with its own dates, so an imported case meets exactly the rules a case entered by
/// hand meets (第三十六条, 第四十二条, 第五十一条, 第五十七条, 第五十八条, 第六十四条, the benchmark) and opens
/// the clocks it would have. All or nothing: any refused step fails the file, with every row's
/// problem listed.
public struct PenaltyCaseImporter: Importer {
    /// Each step in its own `perform` instead of the ledger's batch: the same rules and rows, at
    /// the speed of the pages. Kept as the oracle `PenaltyLedgerReplayTests` compares the batch to.
    let stepwise: Bool
    /// Rows waiting in memory before they are written (inside the import's one transaction): a
    /// few megabytes, whatever the file's size.
    let flushEvery: Int

    public init() { self.init(stepwise: false) }

    public init(stepwise: Bool, flushEvery: Int = 8_000) {
        self.stepwise = stepwise
        self.flushEvery = max(1, flushEvery)
    }

    public var id: String { "penalty-cases" }
    public var title: String { "行政处罚案件台账" }
    public var permission: Permission { EnforcementPermissions.importRegisters }

    public var columns: [ImportColumn] {
        [
            ImportColumn("案号", required: true, note: "不得重复"),
            ImportColumn("历史违规说明", required: false, note: "过去的案件确有违反法定程序的（如未经法制审核作出重大决定），如实说明；填写后该行按实际情况导入，违法情形记为监督发现的问题并计入统计；不填则违反规则的行被拒绝"),
            ImportColumn("办案单位编码", required: true, note: "已确认的行政执法主体"),
            ImportColumn("当事人类型", required: true, note: "自然人/法人/其他组织"),
            ImportColumn("当事人", required: true, note: "加密保存"),
            ImportColumn("违法行为", required: true, note: ""),
            ImportColumn("违法行为发生日期", required: true, note: "YYYY-MM-DD；连续或继续状态的填终了日期"),
            ImportColumn("发现日期", required: true, note: "YYYY-MM-DD"),
            ImportColumn("危害生命健康或金融安全", required: false, note: "是/否：是则追责期限五年（第三十六条）"),
            ImportColumn("不予立案日期", required: false, note: "不予立案的填此列和理由，其余环节不填"),
            ImportColumn("不予立案理由", required: false, note: ""),
            ImportColumn("立案日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("执法证号", required: false, note: "立案时至少两个有效执法证号，用顿号或逗号分隔（第四十二条）"),
            ImportColumn("简易程序", required: false, note: "是/否"),
            ImportColumn("重大执法决定", required: false, note: "是/否：第五十八条情形，须法制审核"),
            ImportColumn("情节复杂", required: false, note: "是/否：须集体讨论（第五十七条第二款）"),
            ImportColumn("告知日期", required: false, note: ""),
            ImportColumn("告知听证权利", required: false, note: "是/否"),
            ImportColumn("要求听证日期", required: false, note: "当事人在告知后五个工作日内要求听证的（第六十四条第一项）"),
            ImportColumn("放弃听证日期", required: false, note: "当事人书面放弃听证的；期限内作出决定须有此项"),
            ImportColumn("听证通知日期", required: false, note: "应在听证日期七个工作日前"),
            ImportColumn("听证日期", required: false, note: ""),
            ImportColumn("法制审核日期", required: false, note: ""),
            ImportColumn("法制审核人", required: false, note: "不能是办案人员"),
            ImportColumn("集体讨论日期", required: false, note: ""),
            ImportColumn("参加讨论人员", required: false, note: ""),
            ImportColumn("涉企影响评估日期", required: false, note: "对企业的重大决定须填"),
            ImportColumn("评估意见", required: false, note: ""),
            ImportColumn("延长决定期限日期", required: false, note: "执法领域的规定允许延长的（如市场监管），填批准延长的日期"),
            ImportColumn("延长日数", required: false, note: "整数"),
            ImportColumn("延长批准人", required: false, note: ""),
            ImportColumn("决定日期", required: false, note: ""),
            ImportColumn("决定类型", required: false, note: "处罚/不予处罚，默认处罚"),
            ImportColumn("罚款", required: false, note: "元，整数"),
            ImportColumn("决定内容", required: false, note: "决定日期有值时必填"),
            ImportColumn("裁量基准编码", required: false, note: ""),
            ImportColumn("裁量档次", required: false, note: "不予处罚/减轻/从轻/一般/从重"),
            ImportColumn("偏离基准理由", required: false, note: ""),
            ImportColumn("清单事项编码", required: false, note: ""),
            ImportColumn("适用清单理由", required: false, note: ""),
            ImportColumn("送达日期", required: false, note: ""),
            ImportColumn("公示日期", required: false, note: ""),
            ImportColumn("执行日期", required: false, note: ""),
            ImportColumn("结案日期", required: false, note: ""),
            ImportColumn("归档日期", required: false, note: ""),
        ]
    }

    struct Row: Sendable {
        var number: Int
        var lead: [String: String]
        var steps: [(order: Int, action: PenaltyAction, reviewer: String?)]
        /// The ledger's statement of a historical breach (历史违规说明), if any.
        var breach: String?
    }

    static let partyKinds = ["自然人": "natural", "法人": "legal", "其他组织": "other"]

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        var rows: [Row] = []
        var seen: [String: Int] = [:]
        for (position, cells) in table.rows.enumerated() {
            let number = ImportTable.rowNumber(position)
            func value(_ header: String) -> String { table.value(cells, header) }
            func error(_ column: String, _ message: String) { errors.append(ImportRowError(row: number, column: column, message: message)) }
            func date(_ header: String) -> CivilDate? {
                let text = value(header).slashesAsDashes
                if text.isEmpty { return nil }
                guard let day = CivilDate(text) else { error(header, "“\(text)”不是有效日期（YYYY-MM-DD）"); return nil }
                return day
            }
            func flag(_ header: String) -> Bool {
                switch value(header) {
                case "", "否", "N", "n", "0": return false
                case "是", "Y", "y", "1": return true
                default: error(header, "应为“是”或“否”"); return false
                }
            }
            let caseNumber = value("案号")
            if !caseNumber.isEmpty { if let first = seen[caseNumber] { error("案号", "与第\(first)行重复") } else { seen[caseNumber] = number } }
            let kindText = value("当事人类型")
            let kind = Self.partyKinds[kindText]
            if kind == nil { error("当事人类型", "应为自然人、法人或其他组织") }
            var steps: [(Int, PenaltyAction, String?)] = []
            if let dropped = date("不予立案日期") { steps.append((0, .drop(on: dropped, reason: value("不予立案理由")), nil)) }
            let filed = date("立案日期")
            if let filed {
                let certificates = value("执法证号").split(whereSeparator: { ",，、 ".contains($0) }).map(String.init)
                steps.append((1, .file(on: filed, certificateNumbers: certificates, major: flag("重大执法决定"), complex: flag("情节复杂"), summary: flag("简易程序")), nil))
            }
            if let notified = date("告知日期") { steps.append((2, .notify(on: notified, hearingRight: flag("告知听证权利")), nil)) }
            if let requested = date("要求听证日期") { steps.append((2, .requestHearing(on: requested), nil)) }
            if let waived = date("放弃听证日期") { steps.append((2, .waiveHearing(on: waived), nil)) }
            if let held = date("听证日期") {
                if let notice = date("听证通知日期") { steps.append((3, .hearing(on: held, noticeOn: notice, record: "台账导入：已举行听证"), nil)) } else { error("听证通知日期", "有听证日期时必填") }
            }
            if let assessed = date("涉企影响评估日期") { steps.append((4, .assessImpact(on: assessed, assessment: value("评估意见").nilIfEmpty ?? "台账导入"), nil)) }
            if let reviewed = date("法制审核日期") {
                let reviewer = value("法制审核人")
                if reviewer.isEmpty { error("法制审核人", "有法制审核日期时必填") }
                steps.append((5, .review(on: reviewed, passed: true, opinion: "台账导入"), reviewer))
            }
            if let deliberated = date("集体讨论日期") { steps.append((6, .deliberate(on: deliberated, participants: value("参加讨论人员").nilIfEmpty ?? "台账导入"), nil)) }
            if let extended = date("延长决定期限日期") {
                let days = Int(value("延长日数"))
                if days == nil { error("延长日数", "有延长决定期限日期时必填，应为整数") }
                if value("延长批准人").isEmpty { error("延长批准人", "有延长决定期限日期时必填") }
                // After 立案 and the steps before the decision: sorted with them by its date.
                steps.append((6, .extendDecision(on: extended, days: days ?? 0, approver: value("延长批准人"), reason: "台账记载：经批准延长"), nil))
            }
            if let decided = date("决定日期") {
                let fineText = value("罚款")
                let fine = fineText.isEmpty ? nil : Int(fineText)
                if !fineText.isEmpty && fine == nil { error("罚款", "应为整数（元）") }
                let penalty = value("决定类型") != "不予处罚"
                if !["", "处罚", "不予处罚"].contains(value("决定类型")) { error("决定类型", "应为“处罚”或“不予处罚”") }
                let code = value("裁量基准编码"), lenience = value("清单事项编码")
                var tier: DiscretionTier?
                if !value("裁量档次").isEmpty { tier = DiscretionTier(label: value("裁量档次")); if tier == nil { error("裁量档次", "应为不予处罚、减轻、从轻、一般、从重之一") } }
                let discretion = code.isEmpty && lenience.isEmpty ? nil
                    : DiscretionInput(benchmarkCode: code, circumstances: [], tier: tier, outsideReason: value("偏离基准理由").nilIfEmpty,
                                      lenienceCode: lenience, lenienceReason: value("适用清单理由").nilIfEmpty)
                if value("决定内容").isEmpty { error("决定内容", "有决定日期时必填") }
                steps.append((7, .decide(on: decided, fineYuan: fine, decision: value("决定内容"), penalty: penalty, discretion: discretion), nil))
            }
            if let served = date("送达日期") { steps.append((8, .serve(on: served), nil)) }
            if let published = date("公示日期") { steps.append((9, .publish(on: published), nil)) }
            if let executed = date("执行日期") { steps.append((10, .execute(on: executed), nil)) }
            if let closed = date("结案日期") { steps.append((11, .close(on: closed), nil)) }
            if let archived = date("归档日期") { steps.append((12, .archive(on: archived), nil)) }
            var lead: [String: String] = [:]
            for header in ["案号", "办案单位编码", "当事人", "违法行为", "违法行为发生日期", "发现日期"] { lead[header] = value(header).slashesAsDashes }
            lead["当事人类型"] = kind ?? ""
            lead["危害"] = flag("危害生命健康或金融安全") ? "1" : "0"
            // Steps in the order of the procedure; a date out of that order is the service's to refuse.
            // Sorted by step, and within a step in the order added (告知, then 要求/放弃听证).
            let ordered = steps.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
            let breach = value("历史违规说明")
            if breach.count > 500 { error("历史违规说明", "不能超过500个字符") }
            rows.append(Row(number: number, lead: lead, steps: ordered.map { (order: $0.0, action: $0.1, reviewer: $0.2) }, breach: breach.isEmpty ? nil : breach))
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        let prepared = rows
        var certificateNumbers: Set<String> = []
        for row in prepared {
            for step in row.steps {
                if case .file(_, let numbers, _, _, _) = step.action {
                    certificateNumbers.formUnion(numbers.map(\.trimmedCell).filter { !$0.isEmpty })
                }
            }
        }
        let numbers = certificateNumbers
        let stepwise = self.stepwise, flushEvery = self.flushEvery
        do {
            try await database.write { db in
                var problems: [ImportRowError] = []
                // The facts every row asks for, read once; the rows' writes, inserted in batches.
                let store = try await LedgerStore(services: services, on: db, unitCodes: Set(prepared.compactMap { $0.lead["办案单位编码"] }),
                                                  caseNumbers: Set(prepared.compactMap { $0.lead["案号"] }), certificateNumbers: numbers)
                var reviewers: [String: Principal] = [:]
                do {
                    for row in prepared {
                        var column = "案号"
                        do {
                            let lead = row.lead
                            let created: PenaltyCase
                            if stepwise {
                                created = try await PenaltyCaseService.registerLead(
                                    caseNumber: lead["案号"], unitCode: lead["办案单位编码"], partyKind: lead["当事人类型"], party: lead["当事人"], violation: lead["违法行为"],
                                    violationOn: lead["违法行为发生日期"], discoveredOn: lead["发现日期"], graveHarm: lead["危害"] == "1", by: principal, services: services, on: db)
                            } else {
                                created = try await PenaltyCaseService.registerLead(
                                    caseNumber: lead["案号"], unitCode: lead["办案单位编码"], partyKind: lead["当事人类型"], party: lead["当事人"], violation: lead["违法行为"],
                                    violationOn: lead["违法行为发生日期"], discoveredOn: lead["发现日期"], graveHarm: lead["危害"] == "1", by: principal, store: store)
                            }
                            for step in row.steps {
                                column = Self.column(for: step.action)
                                var actor = principal
                                if let name = step.reviewer {
                                    // The reviewer the ledger names (第五十八条): the account when one is
                                    // a legal reviewer by that login or name, otherwise a historical fact
                                    // asserted by the importing officer. Never the system: the reviewer
                                    // may only review.
                                    let key = name + "\u{1F}" + created.unitPath
                                    if let known = reviewers[key] {
                                        actor = known
                                    } else {
                                        actor = try await Self.reviewer(named: name, unitPath: created.unitPath, importer: principal, services: services, on: db)
                                        reviewers[key] = actor
                                    }
                                }
                                if stepwise {
                                    try await PenaltyCaseService.perform(step.action, on: created.id!, by: actor, services: services, on: db, historicalBreach: row.breach)
                                } else {
                                    try await PenaltyCaseService.step(step.action, case: created, by: actor, historicalBreach: row.breach, store: store)
                                }
                            }
                            if !stepwise { store.endRow(created, by: principal) }
                        } catch let failure as ValidationFailure {
                            problems += failure.errors.map { ImportRowError(row: row.number, column: column, message: "\($0.label)：\($0.message)") }
                        } catch let denied as ScopeDenied {
                            problems.append(ImportRowError(row: row.number, column: "办案单位编码", message: "不在您的管辖范围内（\(denied.entityID)）"))
                        }
                        // A refused file writes nothing: stop collecting writes, keep checking rows.
                        if !problems.isEmpty { store.discardPending() } else if store.pending >= flushEvery { try await store.flush() }
                    }
                    if !problems.isEmpty { throw ImportRejected(errors: problems) }
                    try await store.finish()
                } catch {
                    // A batch may still be going in: the transaction rolls back after it, not beside it.
                    await store.settle()
                    throw error
                }
                try await AuditLog.append(AuditEvent(action: "enforcement.case-import", entityType: "penalty_case", detail: "导入行政处罚案件\(prepared.count)件" + (prepared.contains { $0.breach != nil } ? "，其中\(prepared.filter { $0.breach != nil }.count)件说明了历史违规" : "")),
                                          by: principal.auditActor, at: services.now, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: prepared.count, errors: [])
    }

    /// The legal reviewer a ledger row names: an active legal-reviewer account of the case's units
    /// (by login name or display name), or else the named person as a historical record.
    static func reviewer(named name: String, unitPath: String, importer: Principal, services: FazhiServices, on db: any Database) async throws -> Principal {
        let candidates = try await UserAccount.query(on: db).group(.or) { $0.filter(\.$loginName == name).filter(\.$displayName == name) }
            .filter(\.$active == true).all()
        // Written as a plain loop with no early return: returning a Principal from inside the loop
        // around the await crashes the Swift 6 compiler's ownership verifier in release builds.
        let actor = importer.auditActor, ip = importer.ip
        var chosen: Principal?
        for account in candidates {
            guard chosen == nil, account.roleValue == .legalReviewer else { continue }
            let found = try await AccountService.principal(user: account, channel: .ledger(importedBy: actor), tokenPermissions: nil,
                                                           ip: ip, services: services, on: db)
            if let found, found.covers(unitPath: unitPath) { chosen = found }
        }
        if let chosen { return chosen }
        return Principal.ledger(name, permission: EnforcementPermissions.review, role: .legalReviewer, unitPath: unitPath, importedBy: importer)
    }

    /// The ledger column a refused step belongs to, for the row report.
    static func column(for action: PenaltyAction) -> String {
        switch action {
        case .file: return "立案日期"
        case .drop: return "不予立案日期"
        case .notify: return "告知日期"
        case .hearing: return "听证日期"
        case .requestHearing: return "要求听证日期"
        case .waiveHearing: return "放弃听证日期"
        case .assessImpact: return "涉企影响评估日期"
        case .review: return "法制审核日期"
        case .deliberate: return "集体讨论日期"
        case .decide: return "决定日期"
        case .serve: return "送达日期"
        case .publish: return "公示日期"
        case .execute: return "执行日期"
        case .close: return "结案日期"
        case .archive: return "归档日期"
        case .change, .withdraw: return "决定日期"
        case .extendDecision: return "延长决定期限日期"
        }
    }
}
