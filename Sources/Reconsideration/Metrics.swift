import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import SQLKit
import Foundation

/// The reconsideration figures of the annual report (docs/law.md §12). Applications are counted in
/// the year they were received, with what became of them; conclusions in the year they were made.
enum ReconsiderationMetrics {
    static func bounds(_ scope: MetricScope) -> (String, String) { ("\(scope.year)-01-01", "\(scope.year + 1)-01-01") }

    static func base(_ scope: MetricScope, on db: any Database) -> QueryBuilder<ReconsiderationCase> {
        let query = ReconsiderationCase.query(on: db)
        if let path = scope.unitPath { query.filter(\.$respondentPath =~ path) }
        return query
    }

    static func received(_ scope: MetricScope, on db: any Database) -> QueryBuilder<ReconsiderationCase> {
        let (start, end) = bounds(scope)
        return base(scope, on: db).filter(\.$receivedOn >= start).filter(\.$receivedOn < end)
    }

    static func concluded(_ scope: MetricScope, on db: any Database) -> QueryBuilder<ReconsiderationCase> {
        let (start, end) = bounds(scope)
        return base(scope, on: db).filter(\.$outcomeOn >= start).filter(\.$outcomeOn < end)
    }

    /// Breaches stated in imported ledgers, by the year of the step.
    static func findings(_ scope: MetricScope, on db: any Database) -> QueryBuilder<ReconsiderationFinding> {
        let (start, end) = bounds(scope)
        let query = ReconsiderationFinding.query(on: db).filter(\.$happenedOn >= start).filter(\.$happenedOn < end)
        if let path = scope.unitPath { query.filter(\.$respondentPath =~ path) }
        return query
    }

    @Sendable static func ref(_ row: ReconsiderationCase) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: row.caseNumber, link: row.link) }

    static func count(_ key: String, _ label: String, _ definition: String,
                      _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<ReconsiderationCase>) -> MetricDefinition {
        MetricDefinition(key: "reconsideration.\(key)", label: label, definition: definition, unit: .piece, compute: { scope, db in
            .count(try await query(scope, db).count())
        }, records: .query({ scope, db in query(scope, db).sort(\.$caseNumber) }, ref))
    }

    typealias Narrowing = @Sendable (QueryBuilder<ReconsiderationCase>) -> QueryBuilder<ReconsiderationCase>

    /// The year's received applications by intake decision and status (`received`): one statement.
    static func receivedTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("reconsideration.received", scope: scope, groupedBy: ["intake", "status"]) {
            scope.rows(of: ReconsiderationCase.schema, dated: "received_on", path: "respondent_path", on: db)
        }
    }

    /// The year's concluded cases by outcome and intake, whether the respondent corrected itself and
    /// whether the case ended within its period (`concluded`): one statement.
    static func concludedTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("reconsideration.concluded", scope: scope, groupedBy: ["outcome", "intake"],
                                          flags: [("self_corrected", SQLIdentifier("self_corrected")), ("on_time", SQLRaw("outcome_on <= decision_due_on"))]) {
            scope.rows(of: ReconsiderationCase.schema, dated: "outcome_on", path: "respondent_path", on: db)
        }
    }

    /// A count from a family's table; `query` lists the same rows as records.
    static func count(_ key: String, _ label: String, _ definition: String, from table: @escaping @Sendable (MetricScope, any Database) async throws -> FamilyTable,
                      where rows: @escaping @Sendable (FamilyTable.Row) -> Bool,
                      _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<ReconsiderationCase>) -> MetricDefinition {
        MetricDefinition(key: "reconsideration.\(key)", label: label, definition: definition, unit: .piece, compute: { scope, db in
            .count(try await table(scope, db).count(where: rows))
        }, records: .query({ scope, db in query(scope, db).sort(\.$caseNumber) }, ref))
    }

    /// A percentage of a family's rows: `numerator` picks them from the table, as `narrowing` does
    /// from `denominator`'s query for the records (unless `listing` lists others, the late cases).
    static func ratio(_ key: String, _ label: String, _ definition: String,
                      from table: @escaping @Sendable (MetricScope, any Database) async throws -> FamilyTable,
                      numerator: @escaping @Sendable (FamilyTable.Row) -> Bool, narrowing: @escaping Narrowing,
                      denominator: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<ReconsiderationCase>,
                      listing: Narrowing? = nil) -> MetricDefinition {
        let listed = listing ?? narrowing
        return MetricDefinition(key: "reconsideration.\(key)", label: label, definition: definition, unit: .percent, compute: { scope, db in
            try await table(scope, db).ratio(where: numerator)
        }, records: .query({ scope, db in listed(denominator(scope, db)).sort(\.$caseNumber) }, ref))
    }

    static func outcome(in outcomes: [String]) -> @Sendable (FamilyTable.Row) -> Bool { FamilyTable.matching("outcome", outcomes) }

    static let directCorrections = CaseOutcome.allCases.filter(\.isDirectCorrection).map(\.rawValue)
    static let mediationsOrSettlements = CaseOutcome.allCases.filter(\.isMediationOrSettlement).map(\.rawValue)

    static func withIntake(_ intake: String) -> @Sendable (MetricScope, any Database) -> QueryBuilder<ReconsiderationCase> {
        { scope, db in received(scope, on: db).filter(\.$intake == intake) }
    }

    static var all: [MetricDefinition] {
        var list: [MetricDefinition] = [
            count("received", "收到行政复议申请", "本年度收到的行政复议申请件数（按收到申请日期）", from: receivedTable, where: { _ in true }, { received($0, on: $1) }),
            intakeCount("accepted", "受理", "本年度收到的申请中决定受理（含依第三十条视为受理）的件数", "accepted"),
            intakeCount("refused", "不予受理", "本年度收到的申请中决定不予受理的件数（行政复议法第三十条）", "refused"),
            intakeCount("referred", "告知向有权机关申请", "本年度收到的申请中告知申请人向有权机关提出的件数（行政复议法第三十条）", "referred"),
            intakeCount("deemed-withdrawn", "逾期未补正视为撤回", "本年度收到的申请中无正当理由逾期不补正、视为放弃的件数（行政复议法第三十一条）", "deemedWithdrawn"),
            count("suspended-in-intake", "受理前中止", "本年度收到、尚未作出受理决定即中止的件数", from: receivedTable,
                  where: { $0["intake"] == nil && $0["status"] == CaseStatus.suspended.rawValue }, { scope, db in
                received(scope, on: db).filter(\.$intake == nil).filter(\.$status == CaseStatus.suspended.rawValue)
            }),
            count("concluded", "办结", "本年度作出决定、调解、准予撤回或终止的件数（按结案日期）", from: concludedTable, where: { _ in true }, { concluded($0, on: $1) }),
            count("pending-year-end", "年末未结", "年末已受理而尚未结案的件数", { scope, db in
                let (_, end) = bounds(scope)
                return base(scope, on: db).filter(\.$intake == "accepted").filter(\.$intakeOn < end)
                    .group(.or) { $0.filter(\.$outcomeOn == nil).filter(\.$outcomeOn >= end) }
            }),
            count("withdrawn", "撤回申请", "本年度因申请人撤回（含和解后撤回）而终止的件数（行政复议法第七十四条）", from: concludedTable,
                  where: outcome(in: [CaseOutcome.withdrawal.rawValue, CaseOutcome.settlementWithdrawal.rawValue]), { scope, db in
                concluded(scope, on: db).filter(\.$outcome ~~ [CaseOutcome.withdrawal.rawValue, CaseOutcome.settlementWithdrawal.rawValue])
            }),
            ratio("acceptance-rate", "受案率", "受理件数 ÷ 收到申请件数 × 100%（⚠️ 无官方公式；含尚在补正中的申请）", from: receivedTable,
                  numerator: { $0["intake"] == "accepted" }, narrowing: { $0.filter(\.$intake == "accepted") }, denominator: { received($0, on: $1) }),
            ratio("direct-correction-rate", "直接纠错率", "以变更、撤销、确认违法、责令履行、确认无效决定纠错的件数 ÷ 办结件数 × 100%", from: concludedTable,
                  numerator: outcome(in: directCorrections), narrowing: { $0.filter(\.$outcome ~~ directCorrections) }, denominator: { concluded($0, on: $1) }),
            ratio("overall-correction-rate", "综合纠错率", "（直接纠错件数 + 被申请人自行纠正后申请人撤回的件数）÷ 办结件数 × 100%", from: concludedTable,
                  numerator: { outcome(in: directCorrections)($0) || ($0["outcome"] == CaseOutcome.withdrawal.rawValue && $0.has("self_corrected")) },
                  narrowing: { $0.group(.or) { either in
                      either.filter(\.$outcome ~~ directCorrections)
                          .group(.and) { $0.filter(\.$outcome == CaseOutcome.withdrawal.rawValue).filter(\.$selfCorrected == true) }
                  } },
                  denominator: { concluded($0, on: $1) }),
            ratio("mediation-settlement-rate", "调解和解率", "（制作调解书 + 和解后撤回）件数 ÷ 办结件数 × 100%（⚠️ 以报告用法为准）", from: concludedTable,
                  numerator: outcome(in: mediationsOrSettlements), narrowing: { $0.filter(\.$outcome ~~ mediationsOrSettlements) }, denominator: { concluded($0, on: $1) }),
            ratio("on-time-rate", "按期办结率",
                  "在法定审理期限内（普通程序60日、经批准延长不超过30日；简易程序30日；中止期间不计）结案的件数 ÷ 办结件数 × 100%", from: concludedTable,
                  numerator: { $0["intake"] == "accepted" && $0.has("on_time") },
                  narrowing: { $0.filter(\.$intake == "accepted").filter(\.$outcomeOn, .lessThanOrEqual, \.$decisionDueOn) },
                  denominator: { concluded($0, on: $1) }, listing: { $0.filter(\.$intake == "accepted").group(.or) { late in
                      late.filter(\.$decisionDueOn == nil).filter(\.$outcomeOn, .greaterThan, \.$decisionDueOn)
                  } }),
        ]
        list += opinionMetrics
        list += disclosureCases
        list.append(MetricDefinition(key: "reconsideration.historical-breaches", label: "导入历史中的违法情形（行政复议）",
                                     definition: "本年度导入的行政复议台账中，经规则核对并由复议机构说明的违反法定程序情形数（每项一条，如普通程序未发送申请书副本即作出决定）",
                                     unit: .item, compute: { scope, db in .count(try await findings(scope, on: db).count()) },
                                     records: .query({ scope, db in findings(scope, on: db).sort(\.$caseNumber).sort(\.$happenedOn) }) {
                                         MetricRecordRef(id: $0.id!.uuidString, title: "\($0.caseNumber) \($0.step)：\($0.finding)", link: ReconsiderationRoute.record.path($0.caseID))
                                     }))
        // The counts by outcome read the concluded cases' family: one GROUP BY per scope and year.
        for outcome in CaseOutcome.allCases {
            let query: @Sendable (MetricScope, any Database) -> QueryBuilder<ReconsiderationCase> = { scope, db in
                concluded(scope, on: db).filter(\.$outcome == outcome.rawValue)
            }
            list.append(MetricDefinition(key: "reconsideration.concluded.\(outcome.rawValue)", label: "办结：\(outcome.label)",
                                         definition: "本年度以“\(outcome.label)”结案的件数（\(outcome.article)）", unit: .piece, compute: { scope, db in
                .count(try await concludedTable(scope, on: db).count { $0["outcome"] == outcome.rawValue })
            }, records: .query({ scope, db in query(scope, db).sort(\.$caseNumber) }, ref)))
        }
        return list
    }

    /// A count of the year's applications by what their review decided, from the received family.
    static func intakeCount(_ key: String, _ label: String, _ definition: String, _ intake: String) -> MetricDefinition {
        let query = withIntake(intake)
        return MetricDefinition(key: "reconsideration.\(key)", label: label, definition: definition, unit: .piece, compute: { scope, db in
            .count(try await receivedTable(scope, on: db).count { $0["intake"] == intake })
        }, records: .query({ scope, db in query(scope, db).sort(\.$caseNumber) }, ref))
    }

    /// Table 四 of the 政府信息公开 yearly report (政府信息公开条例第五十条第（三）项, docs/law.md §19):
    /// the year's applications against a disclosure answer (被申请行为类别“政府信息公开”, received in
    /// the year), by their result at the year's end. ⚠️ 维持 counts 维持 and the two 驳回; 纠正 the direct
    /// corrections; 其他 mediation, withdrawal, termination and applications not accepted.
    static var disclosureCases: [MetricDefinition] {
        let upheld = [CaseOutcome.uphold, .rejectClaim, .dismissApplication].map(\.rawValue)
        let other = CaseOutcome.allCases.filter { !$0.isDirectCorrection && !upheld.contains($0.rawValue) }.map(\.rawValue)
        let notAccepted = ["refused", "referred", "deemedWithdrawn"]
        @Sendable func cases(_ scope: MetricScope, _ db: any Database) -> QueryBuilder<ReconsiderationCase> {
            received(scope, on: db).filter(\.$actCategory == ActCategory.informationDisclosure.rawValue)
        }
        func decided(_ outcomes: [String]) -> @Sendable (MetricScope, any Database) -> QueryBuilder<ReconsiderationCase> {
            { scope, db in cases(scope, db).filter(\.$outcomeOn < bounds(scope).1).filter(\.$outcome ~~ outcomes) }
        }
        let rows: [(String, String, String, @Sendable (MetricScope, any Database) -> QueryBuilder<ReconsiderationCase>)] = [
            ("upheld", "结果维持", "年末已作出维持或驳回决定的", decided(upheld)),
            ("corrected", "结果纠正", "年末已作出变更、撤销、确认违法、责令履行、确认无效等纠错决定的", decided(CaseOutcome.allCases.filter(\.isDirectCorrection).map(\.rawValue))),
            ("other", "其他结果", "年末已调解、撤回、终止或不予受理、告知向有权机关申请、视为撤回的", { scope, db in
                let end = bounds(scope).1
                return cases(scope, db).group(.or) { either in
                    either.group(.and) { $0.filter(\.$outcomeOn < end).filter(\.$outcome ~~ other) }
                        .group(.and) { $0.filter(\.$intakeOn < end).filter(\.$intake ~~ notAccepted) }
                }
            }),
            ("pending", "尚未审结", "年末尚未结案的", { scope, db in
                let end = bounds(scope).1
                return cases(scope, db).group(.or) { $0.filter(\.$outcomeOn == nil).filter(\.$outcomeOn >= end) }
                    .group(.or) { $0.filter(\.$intake == nil).filter(\.$intake !~ notAccepted).filter(\.$intakeOn == nil).filter(\.$intakeOn >= end) }
            }),
            ("total", "总计", "", { cases($0, $1) }),
        ]
        // The same rows in one statement a year, each flag the WHERE of its row's query above.
        let table: @Sendable (MetricScope, any Database) async throws -> FamilyTable = { scope, db in
            let end = bounds(scope).1
            func decidedBy(_ outcomes: [String]) -> SQLQueryString { "outcome_on < \(bind: end) AND " + .column("outcome", in: outcomes) }
            let notAcceptedBy: SQLQueryString = "intake_on < \(bind: end) AND " + .column("intake", in: notAccepted)
            let open: SQLQueryString = "(outcome_on IS NULL OR outcome_on >= \(bind: end)) AND (intake IS NULL OR NOT " + .column("intake", in: notAccepted)
                + " OR intake_on IS NULL OR intake_on >= \(bind: end))"
            return try await MetricFamilyCache.table("reconsideration.disclosure", scope: scope, groupedBy: [], flags: [
                ("upheld", decidedBy(upheld)),
                ("corrected", decidedBy(CaseOutcome.allCases.filter(\.isDirectCorrection).map(\.rawValue))),
                ("other", "(" + decidedBy(other) + ") OR (" + notAcceptedBy + ")"),
                ("pending", open),
            ]) {
                scope.rows(of: ReconsiderationCase.schema, dated: "received_on", path: "respondent_path", on: db)
                    .where(SQLIdentifier("act_category"), .equal, SQLBind(ActCategory.informationDisclosure.rawValue))
            }
        }
        return rows.map { key, label, definition, query in
            count("disclosure-cases.\(key)", "政府信息公开行政复议：\(label)",
                  "本年度收到的、被申请行为类别为政府信息公开的行政复议申请" + (definition.isEmpty ? "" : "中，\(definition)") + "（政府信息公开工作年度报告表四，政府信息公开条例第五十条第（三）项）",
                  from: table, where: { key == "total" || $0.has(key) }, query)
        }
    }
}
