import FazhiCore
import Fluent
import FluentSQL
import Foundation

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
        let kinds: SQLQueryString = results.map { " AND r.result IN (" + $0.map { "'\(unsafeRaw: $0.rawValue)'" }.joined(separator: ", ") + ")" } ?? ""
        return documents(scope, on: db).filter(.sql(embed: """
            EXISTS (SELECT 1 FROM document_cleanup_results r WHERE r.document_id = normative_documents.id \
            AND r.decided_on >= \(bind: "\(scope.year)-01-01") AND r.decided_on < \(bind: "\(scope.year + 1)-01-01")\(kinds))
            """))
    }

    @Sendable static func ref(_ row: NormativeDocument) -> MetricRecordRef {
        MetricRecordRef(id: row.id!.uuidString, title: [row.number, row.title].compactMap { $0 }.joined(separator: " "), link: row.link)
    }

    static func count(_ key: String, _ label: String, _ definition: String,
                      _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<NormativeDocument>) -> MetricDefinition {
        MetricDefinition(key: "documents.\(key)", label: label, definition: definition, unit: .piece, compute: { scope, db in
            .count(try await query(scope, db).count())
        }, records: .query({ scope, db in query(scope, db).sort(\.$createdAt) }, ref))
    }

    static var all: [MetricDefinition] {
        [
            count("issued", "制定公布规范性文件", "本年度公布的行政规范性文件件数（以公布日期计）", { dated($0, \.$publishedOn, on: $1) }),
            count("reviewed", "规范性文件合法性审核", "本年度出具合法性审核意见的文件件数（以最近一次审核意见日期计）", { dated($0, \.$reviewOpinionOn, on: $1) }),
            count("consulted", "公开征求意见的规范性文件", "本年度开始公开征求意见的文件件数", { dated($0, \.$consultationFrom, on: $1) }),
            count("filed", "报送备案规范性文件", "本年度报送备案的文件件数", { dated($0, \.$filedOn, on: $1) }),
            MetricDefinition(key: "documents.filed-on-time-rate", label: "规范性文件备案及时率",
                             definition: "本年度公布的文件中在本省规定期限内报送备案的件数 ÷ 本年度公布的文件件数 × 100%（未报送的计为不及时）",
                             unit: .percent, compute: { scope, db in
                try await .countedRatio({ dated(scope, \.$publishedOn, on: db) }) { $0.filter(\.$filedOn != nil).filter(.sql(embed: "filed_on <= filing_due")) }
            }, records: .query({ scope, db in dated(scope, \.$publishedOn, on: db).group(.or) { $0.filter(\.$filedOn == nil).filter(.sql(embed: "filed_on > filing_due")) } }, ref)),
            count("in-force", "现行有效规范性文件", "年末（12月31日）现行有效的文件件数：已施行、未届有效期、未废止", { inForce($0, on: $1) }),
            count("repealed", "废止规范性文件", "本年度废止的文件件数", { dated($0, \.$repealedOn, on: $1) }),
            count("cleaned-up", "清理规范性文件", "本年度清理中作出结论的文件件数（继续有效、需要修改、废止、宣布失效）", { cleaned($0, results: nil, on: $1) }),
            count("cleaned-up-removed", "清理后废止或宣布失效", "本年度清理中决定废止或宣布失效的文件件数", { cleaned($0, results: [.repeal, .invalidate], on: $1) }),
        ]
    }
}
