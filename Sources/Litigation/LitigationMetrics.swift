import FazhiCore
import Fluent
import FluentSQL
import Foundation

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

    static func hearings(_ scope: MetricScope, on db: any Database) -> QueryBuilder<LawsuitHearing> {
        let (start, end) = bounds(scope)
        let query = LawsuitHearing.query(on: db).filter(\.$heldOn >= start).filter(\.$heldOn < end)
        if let path = scope.unitPath { query.filter(\.$defendantPath =~ path) }
        return query
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

    static func count(_ key: String, _ label: String, _ definition: String,
                      _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<Lawsuit>) -> MetricDefinition {
        MetricDefinition(key: "litigation.\(key)", label: label, definition: definition, unit: .piece, compute: { scope, db in
            .count(try await query(scope, db).count())
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
                let query = filed(scope, on: db).filter(\.$cause ~~ "政府信息公开")
                return afterReconsideration ? query.filter(\.$reconsiderationCaseNumber != nil) : query.filter(\.$reconsiderationCaseNumber == nil)
            }
            func judged(_ kinds: [String]) -> @Sendable (MetricScope, any Database) -> QueryBuilder<Lawsuit> {
                { scope, db in cases(scope, db).filter(\.$judgmentOn < bounds(scope).1).filter(\.$judgment ~~ kinds) }
            }
            let rows: [(String, String, @Sendable (MetricScope, any Database) -> QueryBuilder<Lawsuit>)] = [
                ("upheld", "结果维持（判决驳回诉讼请求）", judged(kept)),
                ("corrected", "结果纠正（被告败诉）", judged(corrected)),
                ("other", "其他结果（撤诉、驳回起诉、调解）", judged(other)),
                ("pending", "尚未审结", { scope, db in cases(scope, db).group(.or) { $0.filter(\.$judgmentOn == nil).filter(\.$judgmentOn >= bounds(scope).1) } }),
                ("total", "总计", cases),
            ]
            for (key, label, query) in rows {
                list.append(count("disclosure-\(route).\(key)", "政府信息公开行政诉讼（\(routeLabel)）：\(label)",
                                  "本年度立案的、案由为政府信息公开、\(routeLabel)的行政诉讼案件中\(key == "total" ? "的全部" : "年末\(label)")件数（政府信息公开工作年度报告表四，政府信息公开条例第五十条第（三）项）", query))
            }
        }
        return list
    }

    static var core: [MetricDefinition] {
        [
            count("cases", "行政诉讼案件（新收）", "本年度立案的、以本单位（含下级）为被告的行政诉讼案件数（各审级）", { filed($0, on: $1) }),
            count("concluded", "行政诉讼案件（审结）", "本年度作出判决、裁定或调解结案的案件数", { concluded($0, on: $1) }),
            count("lost", "败诉", "本年度审结案件中判决撤销、履行、给付、确认违法或无效、变更及行政协议判决的件数；撤诉、驳回起诉、调解不计", { scope, db in
                concluded(scope, on: db).filter(\.$lost == true)
            }),
            MetricDefinition(key: "litigation.loss-rate", label: "败诉率", definition: "败诉件数 ÷ 审结件数 × 100%", unit: .percent, compute: { scope, db in
                let total = try await concluded(scope, on: db).count()
                guard total > 0 else { return .missing }
                return .ratio(numerator: try await concluded(scope, on: db).filter(\.$lost == true).count(), denominator: total)
            }, records: .query({ scope, db in concluded(scope, on: db).filter(\.$lost == true) }, ref)),
            MetricDefinition(key: "litigation.hearings", label: "开庭次数", definition: "本年度开庭审理的次数", unit: .times, compute: { scope, db in
                .count(try await hearings(scope, on: db).count())
            }, records: .query({ scope, db in heardCases(scope, on: db) }, ref)),
            MetricDefinition(key: "litigation.head-appearance-rate", label: "行政机关负责人出庭应诉率",
                             definition: "负责人出庭的庭审次数 ÷ 开庭审理次数 × 100%（按庭次；⚠️ 无全国统一公式，按案件计算见下一项）",
                             unit: .percent, compute: { scope, db in
                try await .countedRatio({ hearings(scope, on: db) }) { $0.filter(\.$headAppeared == true) }
            }, records: .query({ scope, db in heardCases(scope, headAppeared: true, on: db) }, ref)),
            MetricDefinition(key: "litigation.head-appearance-rate-by-case", label: "行政机关负责人出庭应诉率（按案件）",
                             definition: "本年度开庭的案件中负责人至少出庭一次的案件数 ÷ 本年度开庭的案件数 × 100%",
                             unit: .percent, compute: { scope, db in
                // COUNT(DISTINCT lawsuit_id): a case heard twice counts once.
                let cases = try await hearings(scope, on: db).unique().count(\.$lawsuit.$id)
                guard cases > 0 else { return .missing }
                let appeared = try await hearings(scope, on: db).filter(\.$headAppeared == true).unique().count(\.$lawsuit.$id)
                return .ratio(numerator: appeared, denominator: cases)
            }, records: .query({ scope, db in heardCases(scope, headAppeared: true, on: db) }, ref)),
        ]
    }
}
