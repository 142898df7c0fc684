import FazhiCore
import Fluent
import Foundation
import SQLKit

/// The catalogue's figures (docs/law.md §21): the items in force at the year's end and the shares
/// reports give (江汉区 2019: 马上办 55.08% = 195 ÷ 354), and the compression of promised time
/// limits against legal ones. ⚠️ A past year is read with each item's current attributes (its
/// version history is text); a year's share therefore moves if an item changes later.
enum ServiceMetrics {
    static func inForce(_ scope: MetricScope, on db: any Database) -> QueryBuilder<ServiceItem> {
        let end = "\(scope.year + 1)-01-01"
        let query = ServiceItem.query(on: db).filter(\.$effectiveOn < end).group(.or) { $0.filter(\.$withdrawnOn == nil).filter(\.$withdrawnOn >= end) }
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static func added(_ scope: MetricScope, on db: any Database) -> QueryBuilder<ServiceItem> {
        let query = ServiceItem.query(on: db).filter(\.$effectiveOn >= "\(scope.year)-01-01").filter(\.$effectiveOn < "\(scope.year + 1)-01-01")
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    /// The scope's items, flagged by whether each is in force at the year's end, added in the year,
    /// and has each attribute a share counts, with the legal and the saved time limits summed: one
    /// statement for every figure of the catalogue.
    static func table(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        let end = "\(scope.year + 1)-01-01"
        return try await MetricFamilyCache.table("services", scope: scope, groupedBy: [], flags: [
            ("in_force", SQLQueryString("effective_on < \(bind: end) AND (withdrawn_on IS NULL OR withdrawn_on >= \(bind: end))")),
            ("added", scope.inYear("effective_on")),
            ("on_the_spot", SQLIdentifier("on_the_spot")),
            ("fully_online", SQLIdentifier("fully_online")),
            ("one_visit", SQLRaw("visits <= 1")),
            ("nearby", SQLRaw("nearby IS NOT NULL")),
            ("commitment", SQLIdentifier("notification_commitment")),
            ("legal_limit", SQLRaw("legal_limit IS NOT NULL")),
        ], summing: ["legal_limit", "legal_limit - promised_limit"]) {
            scope.rows(of: ServiceItem.schema, dated: nil, path: "unit_path", on: db)
        }
    }

    /// The items in force at the year's end that have `flag`.
    static func inForceWith(_ flag: String) -> @Sendable (FamilyTable.Row) -> Bool {
        { $0.has("in_force") && $0.has(flag) }
    }

    @Sendable static func ref(_ row: ServiceItem) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: "\(row.code) \(row.name)", link: row.link) }

    typealias Narrowing = @Sendable (QueryBuilder<ServiceItem>) -> QueryBuilder<ServiceItem>

    /// The share of the items in force that have `flag`, which `narrowing` picks for the records.
    static func share(_ key: String, _ label: String, _ definition: String, flag: String, _ narrowing: @escaping Narrowing) -> MetricDefinition {
        MetricDefinition(key: "services.\(key)", label: label, definition: definition, unit: .percent, compute: { scope, db in
            try await table(scope, on: db).ratio(where: { $0.has(flag) }, among: { $0.has("in_force") })
        }, records: .query({ scope, db in narrowing(inForce(scope, on: db)).sort(\.$code) }, ref))
    }

    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "services.items", label: "政务服务事项", definition: "年末目录中的政务服务事项数（纳入目录且未撤销）", unit: .item, compute: { scope, db in
                .count(try await table(scope, on: db).count { $0.has("in_force") })
            }, records: .query({ scope, db in inForce(scope, on: db).sort(\.$code) }, ref)),
            MetricDefinition(key: "services.new-items", label: "新增政务服务事项", definition: "本年度纳入目录的事项数", unit: .item, compute: { scope, db in
                .count(try await table(scope, on: db).count { $0.has("added") })
            }, records: .query({ scope, db in added(scope, on: db).sort(\.$code) }, ref)),
            share("on-the-spot-share", "马上办事项占比", "马上办（即办件、当场办结）事项数 ÷ 年末事项数 × 100%", flag: "on_the_spot", { $0.filter(\.$onTheSpot == true) }),
            share("online-share", "全程网办事项占比", "全程网办事项数 ÷ 年末事项数 × 100%", flag: "fully_online", { $0.filter(\.$fullyOnline == true) }),
            share("one-visit-share", "最多跑一次事项占比", "最多跑一次（含零跑动）事项数 ÷ 年末事项数 × 100%", flag: "one_visit", { $0.filter(\.$visits <= 1) }),
            share("nearby-share", "就近办事项占比", "可在乡镇（街道）或村（社区）办理的事项数 ÷ 年末事项数 × 100%", flag: "nearby", { $0.filter(\.$nearby != nil) }),
            MetricDefinition(key: "services.commitment-items", label: "证明事项告知承诺事项", definition: "年末目录中实行证明事项告知承诺制的事项数", unit: .item, compute: { scope, db in
                .count(try await table(scope, on: db).count(where: inForceWith("commitment")))
            }, records: .query({ scope, db in inForce(scope, on: db).filter(\.$notificationCommitment == true).sort(\.$code) }, ref)),
            MetricDefinition(key: "services.compression-rate", label: "承诺时限压缩率",
                             definition: "有法定时限的事项：Σ（法定时限 − 承诺时限）÷ Σ法定时限 × 100%（工作日）", unit: .percent, compute: { scope, db in
                let items = try await table(scope, on: db)
                let legal = items.sum("legal_limit", where: inForceWith("legal_limit"))
                guard legal > 0 else { return .missing }
                let saved = items.sum("legal_limit - promised_limit", where: inForceWith("legal_limit"))
                return .ratio(numerator: saved, denominator: legal)
            }, records: .query({ scope, db in inForce(scope, on: db).filter(\.$legalLimit != nil).sort(\.$code) }, ref)),
        ]
    }
}
