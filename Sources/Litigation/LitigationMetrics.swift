import FazhiCore
import Fluent
import FluentSQL
import Foundation
import SQLKit

/// The litigation figures of the annual report (docs/law.md §9, §12).
enum LitigationMetrics {
    static func bounds(_ scope: MetricScope) -> (String, String) { ("\(scope.year)-01-01", "\(scope.year + 1)-01-01") }

    static func lawsuits(_ scope: MetricScope, on db: any Database) -> QueryBuilder<Lawsuit> {
        let query = Lawsuit.query(on: db)
        if let path = scope.unitPath { query.filter(\.$defendantPath =~ path) }
        return query
    }

    static func filed(_ scope: MetricScope, on db: any Database) -> QueryBuilder<Lawsuit> {
        let (start, end) = bounds(scope)
        return lawsuits(scope, on: db).filter(\.$filedOn >= start).filter(\.$filedOn < end)
    }

    static func concluded(_ scope: MetricScope, on db: any Database) -> QueryBuilder<Lawsuit> {
        let (start, end) = bounds(scope)
        return lawsuits(scope, on: db).filter(\.$judgmentOn >= start).filter(\.$judgmentOn < end)
    }

    /// The cause a lawsuit over disclosure carries (政府信息公开条例第五十条第（三）项).
    static let disclosureCause = "政府信息公开"

    /// The year's lawsuits filed, by judgment, with whether each is over disclosure, came after
    /// reconsideration, and was judged by the year's end: one statement for the new cases and the
    /// ten figures of the disclosure report's table 四.
    static func filedTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        let end = bounds(scope).1
        return try await MetricFamilyCache.table("litigation.filed", scope: scope, groupedBy: ["judgment"], flags: [
            ("disclosure", SQLQueryString("cause LIKE \(bind: "%\(disclosureCause)%")")),
            ("after_reconsideration", SQLRaw("reconsideration_case_number IS NOT NULL")),
            ("judged", SQLQueryString("judgment_on < \(bind: end)")),
        ]) {
            scope.rows(of: Lawsuit.schema, dated: "filed_on", path: "defendant_path", on: db)
        }
    }

    /// The year's concluded lawsuits, lost or not: one statement for the concluded, lost and loss rate.
    static func concludedTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("litigation.concluded", scope: scope, groupedBy: [], flags: [("lost", SQLIdentifier("lost"))]) {
            scope.rows(of: Lawsuit.schema, dated: "judgment_on", path: "defendant_path", on: db)
        }
    }

    /// The year's hearings, a head present or not: one statement for the hearings and their rate.
    static func hearingsTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("litigation.hearings", scope: scope, groupedBy: [], flags: [("head", SQLIdentifier("head_appeared"))]) {
            scope.rows(of: LawsuitHearing.schema, dated: "held_on", path: "defendant_path", on: db)
        }
    }

    /// The year's heard cases, and those where a head appeared at least once, counted distinct in
    /// one statement (a case heard twice counts once).
    static func heardCaseCounts(_ scope: MetricScope, on db: any Database) async throws -> (cases: Int, appeared: Int) {
        try await MetricFamilyCache.shared("litigation.heard-cases", scope: scope) {
            let select = scope.rows(of: LawsuitHearing.schema, dated: "held_on", path: "defendant_path", on: db)
                .column(SQLRaw("COUNT(DISTINCT lawsuit_id)"), as: "cases")
                .column(SQLRaw("COUNT(DISTINCT CASE WHEN head_appeared THEN lawsuit_id END)"), as: "appeared")
            guard let row = try await select.first() else { return (0, 0) }
            return (try row.decode(column: "cases", as: Int.self), try row.decode(column: "appeared", as: Int.self))
        }
    }

    @Sendable static func ref(_ row: Lawsuit) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: "\(row.court) \(row.caseNumber)", link: row.link) }

    /// The scope's lawsuits heard in its year (a head present, if `headAppeared`): the records behind
    /// the hearing figures, counted and paged by the database (an `EXISTS` over the hearings).
    static func heardCases(_ scope: MetricScope, headAppeared: Bool = false, on db: any Database) -> QueryBuilder<Lawsuit> {
        let (start, end) = bounds(scope)
        let head: SQLQueryString = headAppeared ? " AND h.head_appeared = \(bind: true)" : ""
        return lawsuits(scope, on: db).filter(.sql(embed: """
            EXISTS (SELECT 1 FROM lawsuit_hearings h WHERE h.lawsuit_id = lawsuits.id \
            AND h.held_on >= \(bind: start) AND h.held_on < \(bind: end)\(head))
            """)).sort(\.$filedOn)
    }

    /// A count from a family's table; `query` lists the same rows as records.
    static func count(_ key: String, _ label: String, _ definition: String, from table: @escaping @Sendable (MetricScope, any Database) async throws -> FamilyTable,
                      where rows: @escaping @Sendable (FamilyTable.Row) -> Bool = { _ in true },
                      _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<Lawsuit>) -> MetricDefinition {
        MetricDefinition(key: "litigation.\(key)", label: label, definition: definition, unit: .piece, compute: { scope, db in
            .count(try await table(scope, db).count(where: rows))
        }, records: .query({ scope, db in query(scope, db).sort(\.$filedOn) }, ref))
    }

    static var all: [MetricDefinition] { core + disclosureCases }

    /// Table 四 of the 政府信息公开 yearly report (政府信息公开条例第五十条第（三）项, docs/law.md §19):
    /// the year's lawsuits over disclosure (案由含“政府信息公开”, filed in the year), brought directly or
    /// after reconsideration (a reconsideration case number recorded), by their result at the year's
    /// end. ⚠️ 维持 is 判决驳回诉讼请求; 纠正 a judgment the defendant lost; 其他 撤诉, 驳回起诉, 调解.
    static var disclosureCases: [MetricDefinition] {
        let kept = [Judgment.dismissClaims.rawValue]
        let corrected = Judgment.allCases.filter(\.isLoss).map(\.rawValue)
        let other = Judgment.allCases.filter { !$0.isLoss && $0 != .dismissClaims }.map(\.rawValue)
        var list: [MetricDefinition] = []
        for (route, routeLabel, afterReconsideration) in [("direct", "未经复议直接起诉", false), ("after-reconsideration", "复议后起诉", true)] {
            let cases: @Sendable (MetricScope, any Database) -> QueryBuilder<Lawsuit> = { scope, db in
                let query = filed(scope, on: db).filter(\.$cause ~~ disclosureCause)
                return afterReconsideration ? query.filter(\.$reconsiderationCaseNumber != nil) : query.filter(\.$reconsiderationCaseNumber == nil)
            }
            let ofRoute: @Sendable (FamilyTable.Row) -> Bool = { $0.has("disclosure") && ($0.has("after_reconsideration")) == afterReconsideration }
            func judged(_ kinds: [String]) -> (@Sendable (FamilyTable.Row) -> Bool, @Sendable (MetricScope, any Database) -> QueryBuilder<Lawsuit>) {
                let judgment = FamilyTable.matching("judgment", kinds)
                return ({ ofRoute($0) && $0.has("judged") && judgment($0) },
                        { scope, db in cases(scope, db).filter(\.$judgmentOn < bounds(scope).1).filter(\.$judgment ~~ kinds) })
            }
            let rows: [(String, String, (@Sendable (FamilyTable.Row) -> Bool, @Sendable (MetricScope, any Database) -> QueryBuilder<Lawsuit>))] = [
                ("upheld", "结果维持（判决驳回诉讼请求）", judged(kept)),
                ("corrected", "结果纠正（被告败诉）", judged(corrected)),
                ("other", "其他结果（撤诉、驳回起诉、调解）", judged(other)),
                ("pending", "尚未审结", ({ ofRoute($0) && !$0.has("judged") },
                                     { scope, db in cases(scope, db).group(.or) { $0.filter(\.$judgmentOn == nil).filter(\.$judgmentOn >= bounds(scope).1) } })),
                ("total", "总计", (ofRoute, cases)),
            ]
            for (key, label, (match, query)) in rows {
                list.append(count("disclosure-\(route).\(key)", "政府信息公开行政诉讼（\(routeLabel)）：\(label)",
                                  "本年度立案的、案由为政府信息公开、\(routeLabel)的行政诉讼案件中\(key == "total" ? "的全部" : "年末\(label)")件数（政府信息公开工作年度报告表四，政府信息公开条例第五十条第（三）项）",
                                  from: filedTable, where: match, query))
            }
        }
        return list
    }

    static var core: [MetricDefinition] {
        [
            count("cases", "行政诉讼案件（新收）", "本年度立案的、以本单位（含下级）为被告的行政诉讼案件数（各审级）", from: filedTable, { filed($0, on: $1) }),
            count("concluded", "行政诉讼案件（审结）", "本年度作出判决、裁定或调解结案的案件数", from: concludedTable, { concluded($0, on: $1) }),
            count("lost", "败诉", "本年度审结案件中判决撤销、履行、给付、确认违法或无效、变更及行政协议判决的件数；撤诉、驳回起诉、调解不计",
                  from: concludedTable, where: { $0.has("lost") }, { scope, db in concluded(scope, on: db).filter(\.$lost == true) }),
            MetricDefinition(key: "litigation.loss-rate", label: "败诉率", definition: "败诉件数 ÷ 审结件数 × 100%", unit: .percent, compute: { scope, db in
                try await concludedTable(scope, on: db).ratio { $0.has("lost") }
            }, records: .query({ scope, db in concluded(scope, on: db).filter(\.$lost == true) }, ref)),
            MetricDefinition(key: "litigation.hearings", label: "开庭次数", definition: "本年度开庭审理的次数", unit: .times, compute: { scope, db in
                .count(try await hearingsTable(scope, on: db).count())
            }, records: .query({ scope, db in heardCases(scope, on: db) }, ref)),
            MetricDefinition(key: "litigation.head-appearance-rate", label: "行政机关负责人出庭应诉率",
                             definition: "负责人出庭的庭审次数 ÷ 开庭审理次数 × 100%（按庭次；⚠️ 无全国统一公式，按案件计算见下一项）",
                             unit: .percent, compute: { scope, db in
                try await hearingsTable(scope, on: db).ratio { $0.has("head") }
            }, records: .query({ scope, db in heardCases(scope, headAppeared: true, on: db) }, ref)),
            MetricDefinition(key: "litigation.head-appearance-rate-by-case", label: "行政机关负责人出庭应诉率（按案件）",
                             definition: "本年度开庭的案件中负责人至少出庭一次的案件数 ÷ 本年度开庭的案件数 × 100%",
                             unit: .percent, compute: { scope, db in
                let counts = try await heardCaseCounts(scope, on: db)
                guard counts.cases > 0 else { return .missing }
                return .ratio(numerator: counts.appeared, denominator: counts.cases)
            }, records: .query({ scope, db in heardCases(scope, headAppeared: true, on: db) }, ref)),
        ]
    }
}
