import FazhiCore
import Fluent
import Foundation

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

    @Sendable static func ref(_ row: ServiceItem) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: "\(row.code) \(row.name)", link: row.link) }

    typealias Narrowing = @Sendable (QueryBuilder<ServiceItem>) -> QueryBuilder<ServiceItem>

    static func share(_ key: String, _ label: String, _ definition: String, _ narrowing: @escaping Narrowing) -> MetricDefinition {
        MetricDefinition(key: "services.\(key)", label: label, definition: definition, unit: .percent, compute: { scope, db in
            try await .countedRatio({ inForce(scope, on: db) }, narrowedTo: narrowing)
        }, records: .query({ scope, db in narrowing(inForce(scope, on: db)).sort(\.$code) }, ref))
    }

    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "services.items", label: "政务服务事项", definition: "年末目录中的政务服务事项数（纳入目录且未撤销）", unit: .item, compute: { scope, db in
                .count(try await inForce(scope, on: db).count())
            }, records: .query({ scope, db in inForce(scope, on: db).sort(\.$code) }, ref)),
            MetricDefinition(key: "services.new-items", label: "新增政务服务事项", definition: "本年度纳入目录的事项数", unit: .item, compute: { scope, db in
                .count(try await added(scope, on: db).count())
            }, records: .query({ scope, db in added(scope, on: db).sort(\.$code) }, ref)),
            share("on-the-spot-share", "马上办事项占比", "马上办（即办件、当场办结）事项数 ÷ 年末事项数 × 100%", { $0.filter(\.$onTheSpot == true) }),
            share("online-share", "全程网办事项占比", "全程网办事项数 ÷ 年末事项数 × 100%", { $0.filter(\.$fullyOnline == true) }),
            share("one-visit-share", "最多跑一次事项占比", "最多跑一次（含零跑动）事项数 ÷ 年末事项数 × 100%", { $0.filter(\.$visits <= 1) }),
            share("nearby-share", "就近办事项占比", "可在乡镇（街道）或村（社区）办理的事项数 ÷ 年末事项数 × 100%", { $0.filter(\.$nearby != nil) }),
            MetricDefinition(key: "services.commitment-items", label: "证明事项告知承诺事项", definition: "年末目录中实行证明事项告知承诺制的事项数", unit: .item, compute: { scope, db in
                .count(try await inForce(scope, on: db).filter(\.$notificationCommitment == true).count())
            }, records: .query({ scope, db in inForce(scope, on: db).filter(\.$notificationCommitment == true).sort(\.$code) }, ref)),
            MetricDefinition(key: "services.compression-rate", label: "承诺时限压缩率",
                             definition: "有法定时限的事项：Σ（法定时限 − 承诺时限）÷ Σ法定时限 × 100%（工作日）", unit: .percent, compute: { scope, db in
                let legal = try await inForce(scope, on: db).filter(\.$legalLimit != nil).sumOfIntegers("legal_limit")
                guard legal > 0 else { return .missing }
                let saved = try await inForce(scope, on: db).filter(\.$legalLimit != nil).sumOfIntegers("legal_limit - promised_limit")
                return .ratio(numerator: saved, denominator: legal)
            }, records: .query({ scope, db in inForce(scope, on: db).filter(\.$legalLimit != nil).sort(\.$code) }, ref)),
        ]
    }
}
