import FazhiCore
import Fluent
import FluentSQL
import Foundation
import SQLKit

/// The normative-document figures of the annual report's 依法决策 chapter (docs/documents.md).
enum DocumentMetrics {
    static func bounds(_ scope: MetricScope) -> (String, String) { ("\(scope.year)-01-01", "\(scope.year + 1)-01-01") }

    static func documents(_ scope: MetricScope, on db: any Database) -> QueryBuilder<NormativeDocument> {
        let query = NormativeDocument.query(on: db)
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    /// The documents whose `column` (a date) falls in the scope's year.
    static func dated(_ scope: MetricScope, _ field: KeyPath<NormativeDocument, OptionalFieldProperty<NormativeDocument, String>>,
                      on db: any Database) -> QueryBuilder<NormativeDocument> {
        let (start, end) = bounds(scope)
        return documents(scope, on: db).filter(field >= start).filter(field < end)
    }

    /// In force on the year's last day: published, in force by then, not expired, not repealed by then.
    static func inForce(_ scope: MetricScope, on db: any Database) -> QueryBuilder<NormativeDocument> {
        let last = "\(scope.year)-12-31"
        return documents(scope, on: db).filter(\.$publishedOn != nil).filter(\.$effectiveOn <= last)
            .group(.or) { $0.filter(\.$validUntil == nil).filter(\.$validUntil >= last) }
            .group(.or) { $0.filter(\.$repealedOn == nil).filter(\.$repealedOn > last) }
            .group(.or) { $0.filter(\.$amendedOn == nil).filter(\.$amendedOn > last) }
    }

    /// Documents given a 清理 verdict in the year (of `results`, or any).
    static func cleaned(_ scope: MetricScope, results: [CleanupResult]?, on db: any Database) -> QueryBuilder<NormativeDocument> {
        documents(scope, on: db).filter(.sql(embed: cleanedIn(scope, results: results)))
    }

    /// A document (`normative_documents`) was given a 清理 verdict in the scope's year (of `results`, or any).
    static func cleanedIn(_ scope: MetricScope, results: [CleanupResult]?) -> SQLQueryString {
        let kinds: SQLQueryString = results.map { " AND r.result IN (" + $0.map { "'\(unsafeRaw: $0.rawValue)'" }.joined(separator: ", ") + ")" } ?? ""
        return """
            EXISTS (SELECT 1 FROM document_cleanup_results r WHERE r.document_id = normative_documents.id \
            AND r.decided_on >= \(bind: "\(scope.year)-01-01") AND r.decided_on < \(bind: "\(scope.year + 1)-01-01")\(kinds))
            """
    }

    /// The scope's documents, flagged by which of the year's figures each counts in: one statement
    /// for all of them, each flag the `WHERE` of the figure's own records query (`dated`,
    /// `inForce`, `cleaned`). A county's documents are hundreds, not millions: they are all read.
    static func table(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        let last = "\(scope.year)-12-31"
        let inForce: SQLQueryString = "published_on IS NOT NULL AND effective_on <= \(bind: last) AND (valid_until IS NULL OR valid_until >= \(bind: last))"
            + " AND (repealed_on IS NULL OR repealed_on > \(bind: last)) AND (amended_on IS NULL OR amended_on > \(bind: last))"
        return try await MetricFamilyCache.table("documents", scope: scope, groupedBy: [], flags: [
            ("issued", scope.inYear("published_on")),
            ("issued_filed_in_time", scope.inYear("published_on") + " AND filed_on IS NOT NULL AND filed_on <= filing_due"),
            ("reviewed", scope.inYear("review_opinion_on")),
            ("consulted", scope.inYear("consultation_from")),
            ("filed", scope.inYear("filed_on")),
            ("in_force", inForce),
            ("repealed", scope.inYear("repealed_on")),
            ("cleaned", cleanedIn(scope, results: nil)),
            ("cleaned_removed", cleanedIn(scope, results: [.repeal, .invalidate])),
        ]) {
            scope.rows(of: NormativeDocument.schema, dated: nil, path: "unit_path", on: db)
        }
    }

    @Sendable static func ref(_ row: NormativeDocument) -> MetricRecordRef {
        MetricRecordRef(id: row.id!.uuidString, title: [row.number, row.title].compactMap { $0 }.joined(separator: " "), link: row.link)
    }

    /// A count of the documents `flag` marks in the family's table; `query` lists them as records.
    static func count(_ key: String, _ label: String, _ definition: String, flag: String,
                      _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<NormativeDocument>) -> MetricDefinition {
        MetricDefinition(key: "documents.\(key)", label: label, definition: definition, unit: .piece, compute: { scope, db in
            .count(try await table(scope, on: db).count { $0.has(flag) })
        }, records: .query({ scope, db in query(scope, db).sort(\.$createdAt) }, ref))
    }

    static var all: [MetricDefinition] {
        [
            count("issued", "制定公布规范性文件", "本年度公布的行政规范性文件件数（以公布日期计）", flag: "issued", { dated($0, \.$publishedOn, on: $1) }),
            count("reviewed", "规范性文件合法性审核", "本年度出具合法性审核意见的文件件数（以最近一次审核意见日期计）", flag: "reviewed", { dated($0, \.$reviewOpinionOn, on: $1) }),
            count("consulted", "公开征求意见的规范性文件", "本年度开始公开征求意见的文件件数", flag: "consulted", { dated($0, \.$consultationFrom, on: $1) }),
            count("filed", "报送备案规范性文件", "本年度报送备案的文件件数", flag: "filed", { dated($0, \.$filedOn, on: $1) }),
            MetricDefinition(key: "documents.filed-on-time-rate", label: "规范性文件备案及时率",
                             definition: "本年度公布的文件中在本省规定期限内报送备案的件数 ÷ 本年度公布的文件件数 × 100%（未报送的计为不及时）",
                             unit: .percent, compute: { scope, db in
                try await table(scope, on: db).ratio(where: { $0.has("issued_filed_in_time") }, among: { $0.has("issued") })
            }, records: .query({ scope, db in dated(scope, \.$publishedOn, on: db).group(.or) { $0.filter(\.$filedOn == nil).filter(.sql(embed: "filed_on > filing_due")) } }, ref)),
            count("in-force", "现行有效规范性文件", "年末（12月31日）现行有效的文件件数：已施行、未届有效期、未废止", flag: "in_force", { inForce($0, on: $1) }),
            count("repealed", "废止规范性文件", "本年度废止的文件件数", flag: "repealed", { dated($0, \.$repealedOn, on: $1) }),
            count("cleaned-up", "清理规范性文件", "本年度清理中作出结论的文件件数（继续有效、需要修改、废止、宣布失效）", flag: "cleaned", { cleaned($0, results: nil, on: $1) }),
            count("cleaned-up-removed", "清理后废止或宣布失效", "本年度清理中决定废止或宣布失效的文件件数", flag: "cleaned_removed", { cleaned($0, results: [.repeal, .invalidate], on: $1) }),
        ]
    }
}
