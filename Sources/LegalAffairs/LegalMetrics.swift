import FazhiCalendar
import FazhiCore
import Fluent
import FluentSQL
import SQLKit
import Foundation
import MajorDecisions
import NormativeDocuments

/// The legality-review and legal-adviser figures of the 依法决策 chapter (docs/legal.md).
enum LegalMetrics {
    static func reviews(_ scope: MetricScope, on db: any Database) -> QueryBuilder<LegalityReview> {
        let query = LegalityReview.query(on: db).filter(\.$opinionOn >= "\(scope.year)-01-01").filter(\.$opinionOn < "\(scope.year + 1)-01-01")
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    /// The year's reviews by kind, whether their adoption is recorded and whether adopted, with
    /// the amounts summed: one statement for the review figures.
    static func reviewsTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("legal.reviews", scope: scope, groupedBy: ["kind"], flags: [
            ("adoption_recorded", SQLRaw("adopted IS NOT NULL")), ("adopted", SQLIdentifier("adopted")),
        ], summing: ["amount_yuan"]) {
            scope.rows(of: LegalityReview.schema, dated: "opinion_on", path: "unit_path", on: db)
        }
    }

    /// The scope's active units of the coverage kinds, by kind and whether an adviser whose term
    /// covers the year's last day serves them: one statement for the three coverage figures.
    static func coverageTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("legal.coverage", scope: scope, groupedBy: ["kind"], flags: [("covered", coveredOn(yearEnd(scope)))]) {
            scope.rows(of: OrgUnit.schema, dated: nil, path: "path", on: db)
                .where(SQLIdentifier("active"), .equal, SQLLiteral.boolean(true))
                .where(SQLIdentifier("kind"), .in, SQLGroupExpression(coverageKinds.flatMap(\.1).map { SQLBind($0.rawValue) }))
        }
    }

    @Sendable static func ref(_ row: LegalityReview) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: row.title, link: row.link) }

    /// The unit kinds each coverage figure counts.
    static let coverageKinds: [(String, [UnitKind])] = [("部门", [.department]), ("乡镇（街道）", [.township, .subdistrict]), ("村（社区）", [.village, .community])]

    /// The active units of `kinds` in the scope.
    static func units(_ scope: MetricScope, kinds: [UnitKind], on db: any Database) -> QueryBuilder<OrgUnit> {
        let query = OrgUnit.query(on: db).filter(\.$kind ~~ kinds.map(\.rawValue)).filter(\.$active == true)
        if let path = scope.unitPath { query.filter(\.$path =~ path) }
        return query
    }

    /// The day coverage is counted on: the year's last day (年末), as the reports state it.
    static func yearEnd(_ scope: MetricScope) -> CivilDate { CivilDate(year: scope.year, month: 12, day: 31)! }

    /// Those units served on `day` by an adviser or lawyer whose term covers it.
    static func covered(_ scope: MetricScope, kinds: [UnitKind], on db: any Database, day: CivilDate) -> QueryBuilder<OrgUnit> {
        units(scope, kinds: kinds, on: db).filter(.sql(embed: coveredOn(day)))
    }

    /// A unit (`units`) is served on `day` by an adviser or lawyer whose term covers it.
    static func coveredOn(_ day: CivilDate) -> SQLQueryString {
        """
        EXISTS (SELECT 1 FROM legal_adviser_assignments a JOIN legal_advisers d ON d.id = a.adviser_id \
        WHERE a.unit_id = units.id AND d.term_from <= \(bind: day.description) AND d.term_to >= \(bind: day.description))
        """
    }

    /// The services recorded in the year by advisers serving a unit of the scope.
    static func services(_ scope: MetricScope, on db: any Database) -> QueryBuilder<LegalAdviserService> {
        let query = LegalAdviserService.query(on: db).filter(\.$servedOn >= "\(scope.year)-01-01").filter(\.$servedOn < "\(scope.year + 1)-01-01")
        if let path = scope.unitPath {
            query.filter(.sql(embed: "EXISTS (SELECT 1 FROM legal_adviser_assignments a WHERE a.adviser_id = legal_adviser_services.adviser_id AND a.unit_path LIKE \(bind: path + "%"))"))
        }
        return query
    }

    /// The advisers with a service recorded in the year, for the records behind the figure.
    static func advisersServing(_ scope: MetricScope, on db: any Database) -> QueryBuilder<LegalAdviser> {
        let path: SQLQueryString = scope.unitPath.map { " AND EXISTS (SELECT 1 FROM legal_adviser_assignments a WHERE a.adviser_id = legal_advisers.id AND a.unit_path LIKE \(bind: $0 + "%"))" } ?? ""
        return LegalAdviser.query(on: db).filter(.sql(embed: """
            EXISTS (SELECT 1 FROM legal_adviser_services s WHERE s.adviser_id = legal_advisers.id \
            AND s.served_on >= \(bind: "\(scope.year)-01-01") AND s.served_on < \(bind: "\(scope.year + 1)-01-01"))\(path)
            """))
    }

    @Sendable static func unitRef(_ row: OrgUnit) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: row.name, link: CoreRoute.unitsRecord.path(row.id!)) }

    /// The year's reviews of `kind`: counted from the family's table, listed by their own query.
    static func count(_ key: String, _ label: String, _ definition: String, kind: ReviewKind) -> MetricDefinition {
        MetricDefinition(key: "legal.\(key)", label: label, definition: definition, unit: .piece, compute: { scope, db in
            .count(try await reviewsTable(scope, on: db).count { $0["kind"] == kind.rawValue })
        }, records: .query({ scope, db in reviews(scope, on: db).filter(\.$kind == kind.rawValue).sort(\.$opinionOn) }, ref))
    }

    static var all: [MetricDefinition] {
        var figures = [
            count("agreement-reviews", "行政协议合法性审查", "本年度出具审查意见的行政协议件数", kind: .agreement),
            count("contract-reviews", "合同合法性审查", "本年度出具审查意见的合同件数", kind: .contract),
            count("other-reviews", "其他事项合法性审查", "本年度出具审查意见的其他事项件数", kind: .other),
            MetricDefinition(key: "legal.reviews-total", label: "合法性审查（合计）",
                             definition: "本年度出具的合法性审查意见：规范性文件、重大行政决策、行政协议、合同和其他事项的件数之和", unit: .piece, compute: { scope, db in
                let (start, end) = ("\(scope.year)-01-01", "\(scope.year + 1)-01-01")
                let documents = NormativeDocument.query(on: db).filter(\.$reviewOpinionOn >= start).filter(\.$reviewOpinionOn < end)
                let decisions = MajorDecision.query(on: db).filter(\.$legalityTo >= start).filter(\.$legalityTo < end)
                if let path = scope.unitPath { documents.filter(\.$unitPath =~ path); decisions.filter(\.$unitPath =~ path) }
                return .count(try await reviewsTable(scope, on: db).count() + documents.count() + decisions.count())
            }, records: .query({ scope, db in reviews(scope, on: db).sort(\.$opinionOn) }, ref)),
            MetricDefinition(key: "legal.opinions-adopted-rate", label: "合法性审查意见采纳率",
                             definition: "本年度出具审查意见、已记录采纳情况的合同和其他事项中意见被采纳的件数 ÷ 已记录采纳情况的件数 × 100%",
                             unit: .percent, compute: { scope, db in
                try await reviewsTable(scope, on: db).ratio(where: { $0.has("adopted") }, among: { $0.has("adoption_recorded") })
            }, records: .query({ scope, db in reviews(scope, on: db).filter(\.$adopted == false) }, ref)),
            MetricDefinition(key: "legal.contract-amount", label: "审查合同金额", definition: "本年度审查的行政协议和合同的金额合计（万元）",
                             unit: .tenThousandYuan, compute: { scope, db in
                let yuan = try await reviewsTable(scope, on: db).sum("amount_yuan", where: FamilyTable.matching("kind", [ReviewKind.agreement.rawValue, ReviewKind.contract.rawValue]))
                return .amount(Decimal(yuan) / 10_000)
            }, records: .query({ scope, db in reviews(scope, on: db).filter(\.$amountYuan != nil).sort(\.$opinionOn) }, ref)),
        ]
        figures.append(MetricDefinition(key: "legal.adviser-opinions", label: "法律顾问、公职律师出具法律意见",
                                        definition: "本年度法律顾问和公职律师记录的出具法律意见件数之和", unit: .piece, compute: { scope, db in
            .count(try await services(scope, on: db).sumOfIntegers("opinions"))
        }, records: .query({ scope, db in advisersServing(scope, on: db).sort(\.$name) }, { row in
            MetricRecordRef(id: row.id!.uuidString, title: "\(row.name)（\(row.employer)）", link: LegalRoute.advisers.path())
        })))
        for (key, (label, kinds)) in zip(["departments", "townships", "villages"], coverageKinds) {
            figures.append(MetricDefinition(key: "legal.adviser-coverage-\(key)", label: "\(label)法律顾问覆盖率",
                                            definition: "年末（12月31日）有在聘法律顾问或公职律师服务的\(label)数 ÷ \(label)数 × 100%", unit: .percent, compute: { scope, db in
                try await coverageTable(scope, on: db).ratio(where: { $0.has("covered") }, among: FamilyTable.matching("kind", kinds.map(\.rawValue)))
            }, records: .query({ scope, db in covered(scope, kinds: kinds, on: db, day: yearEnd(scope)).sort(\.$sortOrder) }, unitRef)))
        }
        return figures
    }
}
