import FazhiCore
import Fluent
import Foundation
import SQLKit

/// The figures county reports give for 建议提案办理 (docs/law.md §20): items assigned in the year,
/// answered, answered within the period, by class, satisfaction and re-handling. Counted in SQL.
enum SuggestionMetrics {
    static func bounds(_ scope: MetricScope) -> (String, String) { ("\(scope.year)-01-01", "\(scope.year + 1)-01-01") }

    static func base(_ scope: MetricScope, on db: any Database) -> QueryBuilder<Suggestion> {
        let query = Suggestion.query(on: db)
        if let path = scope.unitPath { query.filter(\.$leadUnitPath =~ path) }
        return query
    }

    static func assigned(_ scope: MetricScope, on db: any Database) -> QueryBuilder<Suggestion> {
        let (start, end) = bounds(scope)
        return base(scope, on: db).filter(\.$assignedOn >= start).filter(\.$assignedOn < end)
    }

    /// First answered in the year (a re-handled item's second answer is not a second item).
    static func answered(_ scope: MetricScope, on db: any Database) -> QueryBuilder<Suggestion> {
        let (start, end) = bounds(scope)
        return base(scope, on: db).filter(\.$firstAnsweredOn >= start).filter(\.$firstAnsweredOn < end)
    }

    static func feedback(_ scope: MetricScope, on db: any Database) -> QueryBuilder<Suggestion> {
        let (start, end) = bounds(scope)
        return base(scope, on: db).filter(\.$feedbackOn >= start).filter(\.$feedbackOn < end).filter(\.$satisfaction != nil)
    }

    @Sendable static func ref(_ row: Suggestion) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: "\(row.heading) \(row.title)", link: row.link) }

    static func count(_ key: String, _ label: String, _ definition: String, _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<Suggestion>) -> MetricDefinition {
        MetricDefinition(key: "suggestions.\(key)", label: label, definition: definition, unit: .piece, compute: { scope, db in .count(try await query(scope, db).count()) },
                         records: .query({ scope, db in query(scope, db).sort(\.$assignedOn) }, ref))
    }

    /// The scope's items whose `dated` column falls in its year, counted by `column`: one statement a
    /// year for the figures of one date (`FamilyTable`).
    static func table(_ family: String, dated: String, groupedBy column: String, _ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table(family, scope: scope, groupedBy: [column]) {
            scope.rows(of: Suggestion.schema, dated: dated, path: "lead_unit_path", on: db)
        }
    }

    /// A count of one date's family, of the rows whose `column` is `value` (any row if nil), beside
    /// the records `query` lists (a test holds the two to the same number).
    static func count(_ key: String, _ label: String, _ definition: String, dated: String, by column: String, _ value: String?,
                      _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<Suggestion>) -> MetricDefinition {
        MetricDefinition(key: "suggestions.\(key)", label: label, definition: definition, unit: .piece, compute: { scope, db in
            .count(try await table("suggestions.\(dated)", dated: dated, groupedBy: column, scope, on: db).count { value == nil || $0[column] == value })
        }, records: .query({ scope, db in query(scope, db).sort(\.$assignedOn) }, ref))
    }

    static func answerClass(_ answerClass: AnswerClass) -> @Sendable (MetricScope, any Database) -> QueryBuilder<Suggestion> {
        { scope, db in
            let (start, end) = bounds(scope)
            return base(scope, on: db).filter(\.$answeredOn >= start).filter(\.$answeredOn < end).filter(\.$answerClass == answerClass.rawValue)
        }
    }

    static var all: [MetricDefinition] {
        [
            count("received", "交办建议提案", "本年度交办本单位（含下级）主办的人大代表建议和政协委员提案件数", dated: "assigned_on", by: "kind", nil, { assigned($0, on: $1) }),
            count("deputy-suggestions", "人大代表建议", "本年度交办的人大代表建议件数", dated: "assigned_on", by: "kind", SuggestionKind.deputySuggestion.rawValue,
                  { assigned($0, on: $1).filter(\.$kind == SuggestionKind.deputySuggestion.rawValue) }),
            count("cppcc-proposals", "政协委员提案", "本年度交办的政协委员提案件数", dated: "assigned_on", by: "kind", SuggestionKind.cppccProposal.rawValue,
                  { assigned($0, on: $1).filter(\.$kind == SuggestionKind.cppccProposal.rawValue) }),
            count("answered", "答复建议提案", "本年度首次答复的件数", { answered($0, on: $1) }),
            MetricDefinition(key: "suggestions.on-time-rate", label: "建议提案按时答复率",
                             definition: "本年度首次答复的件数中在办理期限内（自交办之日起三个月，经批准延长的不超过六个月，代表法第五十一条）答复的 ÷ 本年度首次答复件数 × 100%",
                             unit: .percent, compute: { scope, db in
                try await .countedRatio({ answered(scope, on: db) }) { $0.filter(\.$firstAnsweredOn, .lessThanOrEqual, \.$firstDueOn) }
            }, records: .query({ scope, db in
                answered(scope, on: db).group(.or) { $0.filter(\.$firstDueOn == nil).filter(\.$firstAnsweredOn, .greaterThan, \.$firstDueOn) }.sort(\.$assignedOn)
            }, ref)),
            count("class-a", "A类答复", "本年度答复（含重新办理后答复）为A类（已经解决或者采纳）的件数", dated: "answered_on", by: "answer_class", AnswerClass.a.rawValue, answerClass(.a)),
            count("class-b", "B类答复", "本年度答复为B类（正在解决或者列入计划逐步解决）的件数", dated: "answered_on", by: "answer_class", AnswerClass.b.rawValue, answerClass(.b)),
            count("class-c", "C类答复", "本年度答复为C类（暂时不能解决、留作参考）的件数", dated: "answered_on", by: "answer_class", AnswerClass.c.rawValue, answerClass(.c)),
            MetricDefinition(key: "suggestions.satisfaction-rate", label: "代表委员满意率",
                             definition: "本年度反馈意见为满意或基本满意的件数 ÷ 本年度反馈意见件数 × 100%（重新办理的以最后一次反馈为准）",
                             unit: .percent, compute: { scope, db in
                try await .countedRatio({ feedback(scope, on: db) }) { $0.filter(\.$satisfaction != Satisfaction.unsatisfied.rawValue) }
            }, records: .query({ scope, db in feedback(scope, on: db).filter(\.$satisfaction == Satisfaction.unsatisfied.rawValue).sort(\.$assignedOn) }, ref)),
            count("rehandled", "重新办理", "本年度因代表、委员不满意而重新办理的件数", { scope, db in
                let (start, end) = bounds(scope)
                return base(scope, on: db).filter(\.$rehandledFrom >= start).filter(\.$rehandledFrom < end)
            }),
            count("released", "办理复文公开", "本年度公开办理复文的件数", { scope, db in
                let (start, end) = bounds(scope)
                return base(scope, on: db).filter(\.$releasedOn >= start).filter(\.$releasedOn < end)
            }),
        ]
    }
}
