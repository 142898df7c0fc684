import FazhiCore
import Fluent
import FluentSQL
import Foundation
import SQLKit

/// The major-decision figures of the annual report's 依法决策 chapter (docs/documents.md).
enum DecisionMetrics {
    static func decisions(_ scope: MetricScope, on db: any Database) -> QueryBuilder<MajorDecision> {
        let query = MajorDecision.query(on: db)
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static func dated(_ scope: MetricScope, _ field: KeyPath<MajorDecision, OptionalFieldProperty<MajorDecision, String>>,
                      on db: any Database) -> QueryBuilder<MajorDecision> {
        decisions(scope, on: db).filter(field >= "\(scope.year)-01-01").filter(field < "\(scope.year + 1)-01-01")
    }

    /// Decided in the year with all four procedures carried out (none waived): 履行全部法定程序.
    static func allFive(_ scope: MetricScope, on db: any Database) -> QueryBuilder<MajorDecision> {
        dated(scope, \.$discussedOn, on: db).filter(\.$participationTo != nil).filter(\.$expertTo != nil).filter(\.$riskTo != nil).filter(\.$legalityTo != nil)
    }

    /// The scope's decisions, flagged by which of the year's figures each counts in, with the days
    /// of consultation summed: one statement for all of them, each flag the `WHERE` of the figure's
    /// own records query. A county's decisions are tens a year: they are all read.
    static func table(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        let decided = scope.inYear("discussed_on")
        return try await MetricFamilyCache.table("decisions", scope: scope, groupedBy: [], flags: [
            ("catalogued", SQLQueryString("\(ident: "year") = \(bind: scope.year) AND in_catalogue")),
            ("decided", decided),
            ("all_procedures", decided + " AND participation_to IS NOT NULL AND expert_to IS NOT NULL AND risk_to IS NOT NULL AND legality_to IS NOT NULL"),
            ("consulted", decided + " AND participation_to IS NOT NULL"),
            ("consultation_days", decided + " AND participation_days IS NOT NULL"),
            ("legality_reviewed", scope.inYear("legality_to")),
            ("evaluated", scope.inYear("evaluated_on")),
        ], summing: ["participation_days"]) {
            scope.rows(of: MajorDecision.schema, dated: nil, path: "unit_path", on: db)
        }
    }

    @Sendable static func ref(_ row: MajorDecision) -> MetricRecordRef {
        MetricRecordRef(id: row.id!.uuidString, title: row.title, link: row.link)
    }

    /// A count of the decisions `flag` marks in the family's table; `query` lists them as records.
    static func count(_ key: String, _ label: String, _ definition: String, unit: MetricUnit = .item, flag: String,
                      _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<MajorDecision>) -> MetricDefinition {
        MetricDefinition(key: "decisions.\(key)", label: label, definition: definition, unit: unit, compute: { scope, db in
            .count(try await table(scope, on: db).count { $0.has(flag) })
        }, records: .query({ scope, db in query(scope, db).sort(\.$createdAt) }, ref))
    }

    static var all: [MetricDefinition] {
        [
            count("catalogued", "列入决策事项目录", "本年度决策事项目录所列事项数（含目录调整列入的）", flag: "catalogued", { scope, db in
                decisions(scope, on: db).filter(\.$year == scope.year).filter(\.$inCatalogue == true)
            }),
            count("decided", "作出重大行政决策", "本年度经常务会议或全体会议集体讨论决定的事项数", flag: "decided", { dated($0, \.$discussedOn, on: $1) }),
            count("all-procedures", "履行全部五项法定程序的决策", "本年度作出的决策中公众参与、专家论证、风险评估、合法性审查均已履行（未依法免除任何一项）并经集体讨论决定的事项数", flag: "all_procedures",
                  { allFive($0, on: $1) }),
            count("consulted", "公开征求意见的决策", "本年度作出的决策中经公开征求意见的事项数", flag: "consulted", { dated($0, \.$discussedOn, on: $1).filter(\.$participationTo != nil) }),
            MetricDefinition(key: "decisions.consultation-days", label: "决策公开征求意见平均天数",
                             definition: "本年度作出的决策中公开征求意见的，征求意见起止日期相隔天数的平均值（一般不少于30日，重大行政决策程序暂行条例第十五条）",
                             unit: .day, compute: { scope, db in
                let decisions = try await table(scope, on: db)
                let consulted: (FamilyTable.Row) -> Bool = { $0.has("consultation_days") }
                let count = decisions.count(where: consulted)
                guard count > 0 else { return .missing }
                return .amount(Decimal(decisions.sum("participation_days", where: consulted)) / Decimal(count))
            }, records: .query({ scope, db in dated(scope, \.$discussedOn, on: db).filter(\.$participationDays != nil).sort(\.$participationDays) }, ref)),
            count("legality-reviewed", "重大行政决策合法性审查", "本年度出具合法性审查意见的决策事项数", flag: "legality_reviewed", { dated($0, \.$legalityTo, on: $1) }),
            count("evaluated", "开展决策后评估", "本年度完成决策后评估的事项数", flag: "evaluated", { dated($0, \.$evaluatedOn, on: $1) }),
        ]
    }
}
