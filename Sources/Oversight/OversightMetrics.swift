import FazhiCore
import Fluent
import Foundation
import SQLKit

/// 法治督察's figures (docs/law.md §23): inspections (and those the principal head led), findings,
/// rectified (销号), on time against the first period, re-checked and found back, and overdue at the
/// year's end.
enum OversightMetrics {
    static func bounds(_ scope: MetricScope) -> (String, String) { ("\(scope.year)-01-01", "\(scope.year + 1)-01-01") }

    static func findings(_ scope: MetricScope, on db: any Database) -> QueryBuilder<InspectionFinding> {
        let query = InspectionFinding.query(on: db)
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static func inspections(_ scope: MetricScope, on db: any Database) -> QueryBuilder<Inspection> {
        let query = Inspection.query(on: db).filter(\.$year == scope.year)
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static func found(_ scope: MetricScope, on db: any Database) -> QueryBuilder<InspectionFinding> {
        let (start, end) = bounds(scope)
        return findings(scope, on: db).filter(\.$foundOn >= start).filter(\.$foundOn < end)
    }

    static func closed(_ scope: MetricScope, on db: any Database) -> QueryBuilder<InspectionFinding> {
        let (start, end) = bounds(scope)
        return findings(scope, on: db).filter(\.$closedOn >= start).filter(\.$closedOn < end)
    }

    /// The scope's findings, flagged by which of the year's figures each counts in: one statement,
    /// each flag the `WHERE` of the figure's own records query.
    static func findingsTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        let end = bounds(scope).1
        let closed = scope.inYear("closed_on")
        return try await MetricFamilyCache.table("oversight.findings", scope: scope, groupedBy: [], flags: [
            ("found", scope.inYear("found_on")),
            ("closed", closed),
            ("closed_on_time", closed + " AND returns = 0 AND rebounds = 0 AND submitted_on <= first_due_on"),
            ("rechecked", scope.inYear("rechecked_on")),
            ("rebounded", scope.inYear("rechecked_on") + " AND rebounds > 0"),
            ("overdue", SQLQueryString("found_on < \(bind: end) AND due_on < \(bind: end) AND (submitted_on IS NULL OR submitted_on >= \(bind: end))")
                + SQLQueryString(" AND (closed_on IS NULL OR closed_on >= \(bind: end))")),
        ]) {
            scope.rows(of: InspectionFinding.schema, dated: nil, path: "unit_path", on: db)
        }
    }

    /// The year's inspections, led by the principal head or not: one statement.
    static func inspectionsTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("oversight.inspections", scope: scope, groupedBy: [], flags: [("head_led", SQLRaw("leader IS NOT NULL"))]) {
            scope.rows(of: Inspection.schema, dated: nil, path: "unit_path", on: db).where(SQLIdentifier("year"), .equal, SQLBind(scope.year))
        }
    }

    @Sendable static func ref(_ row: InspectionFinding) -> MetricRecordRef {
        MetricRecordRef(id: row.id!.uuidString, title: "\(row.foundOn) \(String(row.problem.prefix(40)))", link: row.link)
    }

    /// A count of the findings `flag` marks in the family's table; `query` lists them as records.
    static func count(_ key: String, _ label: String, _ definition: String, flag: String,
                      _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<InspectionFinding>) -> MetricDefinition {
        MetricDefinition(key: "oversight.\(key)", label: label, definition: definition, unit: .item,
                         compute: { scope, db in .count(try await findingsTable(scope, on: db).count { $0.has(flag) }) },
                         records: .query({ scope, db in query(scope, db).sort(\.$foundOn) }, ref))
    }

    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "oversight.inspections", label: "开展法治督察", definition: "本年度开展的督察（含上级督察反馈）次数", unit: .times, compute: { scope, db in
                .count(try await inspectionsTable(scope, on: db).count())
            }, records: .query({ scope, db in inspections(scope, on: db).sort(\.$startedOn) }) { MetricRecordRef(id: $0.id!.uuidString, title: $0.title, link: $0.link) }),
            count("findings", "督察发现问题", "本年度督察发现的问题数", flag: "found", { found($0, on: $1) }),
            count("closed", "问题整改销号", "本年度整改到位并销号的问题数", flag: "closed", { closed($0, on: $1) }),
            MetricDefinition(key: "oversight.on-time-rate", label: "督察问题按期整改率",
                             definition: "本年度销号的问题中在首次整改期限内报送整改情况且未被退回的 ÷ 本年度销号问题数 × 100%", unit: .percent, compute: { scope, db in
                try await findingsTable(scope, on: db).ratio(where: { $0.has("closed_on_time") }, among: { $0.has("closed") })
            }, records: .query({ scope, db in
                closed(scope, on: db).group(.or) { $0.filter(\.$returns > 0).filter(\.$rebounds > 0).filter(\.$submittedOn, .greaterThan, \.$firstDueOn) }.sort(\.$foundOn)
            }, ref)),
            count("rechecked", "销号后复查", "本年度对已销号问题开展复查的问题数（按最近一次复查日期）", flag: "rechecked", { scope, db in
                let (start, end) = bounds(scope)
                return findings(scope, on: db).filter(\.$recheckedOn >= start).filter(\.$recheckedOn < end)
            }),
            count("rebounded", "复查发现反弹", "本年度复查发现问题反弹、撤销销号重新整改的问题数（按最近一次复查日期）", flag: "rebounded", { scope, db in
                let (start, end) = bounds(scope)
                return findings(scope, on: db).filter(\.$recheckedOn >= start).filter(\.$recheckedOn < end).filter(\.$rebounds > 0)
            }),
            MetricDefinition(key: "oversight.head-led-inspections", label: "主要负责人带队督察", definition: "本年度党政主要负责人亲自带队开展的督察次数（第一责任人职责）",
                             unit: .times, compute: { scope, db in .count(try await inspectionsTable(scope, on: db).count { $0.has("head_led") }) },
                             records: .query({ scope, db in inspections(scope, on: db).filter(\.$leader != nil).sort(\.$startedOn) }) {
                                 MetricRecordRef(id: $0.id!.uuidString, title: "\($0.title)（\($0.leader ?? "")带队）", link: $0.link)
                             }),
            count("overdue", "逾期未整改", "年末已过整改期限、尚未报送整改情况的问题数", flag: "overdue", { scope, db in
                let (_, end) = bounds(scope)
                return findings(scope, on: db).filter(\.$foundOn < end).filter(\.$dueOn < end)
                    .group(.or) { $0.filter(\.$submittedOn == nil).filter(\.$submittedOn >= end) }
                    .group(.or) { $0.filter(\.$closedOn == nil).filter(\.$closedOn >= end) }
            }),
        ]
    }
}
