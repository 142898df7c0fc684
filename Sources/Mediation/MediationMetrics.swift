import FazhiCore
import Fluent
import Foundation
import SQLKit

/// The figures of 矛盾纠纷化解 (docs/law.md §22): disputes accepted in the year (by level and
/// source), ended with an agreement, the success rate, 司法确认 and performance; the bodies.
enum MediationMetrics {
    static func bounds(_ scope: MetricScope) -> (String, String) { ("\(scope.year)-01-01", "\(scope.year + 1)-01-01") }

    static func base(_ scope: MetricScope, on db: any Database) -> QueryBuilder<Dispute> {
        let query = Dispute.query(on: db)
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static func accepted(_ scope: MetricScope, on db: any Database) -> QueryBuilder<Dispute> {
        let (start, end) = bounds(scope)
        return base(scope, on: db).filter(\.$acceptedOn >= start).filter(\.$acceptedOn < end)
    }

    /// Ended in the year; an escalated dispute ends at its level and is counted again at the next.
    static func ended(_ scope: MetricScope, on db: any Database) -> QueryBuilder<Dispute> {
        let (start, end) = bounds(scope)
        return base(scope, on: db).filter(\.$endedOn >= start).filter(\.$endedOn < end).filter(\.$outcome != MediationOutcome.escalated.rawValue)
    }

    /// The levels of 人民调解 (行政调解 and 行政裁决 are recorded beside it, not counted in it).
    static let peoplesMediation: [MediationLevel] = [.county, .township, .village, .professional]

    static func bodies(_ levels: [MediationLevel], _ scope: MetricScope, on db: any Database) -> QueryBuilder<MediationBody> {
        let query = MediationBody.query(on: db).filter(\.$level ~~ levels.map(\.rawValue))
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static func bodyCount(_ key: String, _ label: String, _ definition: String, _ levels: [MediationLevel]) -> MetricDefinition {
        let ofLevels = FamilyTable.matching("level", levels.map(\.rawValue))
        return MetricDefinition(key: key, label: label, definition: definition, unit: .count, compute: { scope, db in
            .count(try await bodyTable(scope, on: db).count(where: ofLevels))
        }, records: .query({ scope, db in bodies(levels, scope, on: db).sort(\.$unitPath) }) {
                             MetricRecordRef(id: $0.id!.uuidString, title: "\($0.name)（\($0.mediationLevel.label)）", link: MediationRoute.bodies.path())
                         })
    }

    static func mediators(_ scope: MetricScope, fullTimeOnly: Bool, on db: any Database) -> QueryBuilder<Mediator> {
        let query = Mediator.query(on: db).join(MediationBody.self, on: \Mediator.$bodyID == \MediationBody.$id)
            .filter(MediationBody.self, \.$level ~~ peoplesMediation.map(\.rawValue))
        if fullTimeOnly { query.filter(\.$fullTime == true) }
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static func mediatorCount(_ key: String, _ label: String, _ definition: String, fullTimeOnly: Bool) -> MetricDefinition {
        MetricDefinition(key: key, label: label, definition: definition, unit: .person, compute: { scope, db in
            .count(try await mediators(scope, fullTimeOnly: fullTimeOnly, on: db).count())
        }, records: .query({ scope, db in mediators(scope, fullTimeOnly: fullTimeOnly, on: db).sort(\.$unitPath).sort(\.$name) }) {
            MetricRecordRef(id: $0.id!.uuidString, title: "\($0.name)（\($0.fullTime ? "专职" : "兼职")）", link: MediationRoute.bodies.path())
        })
    }

    static let successes = [MediationOutcome.writtenAgreement.rawValue, MediationOutcome.oralAgreement.rawValue]

    @Sendable static func ref(_ row: Dispute) -> MetricRecordRef {
        MetricRecordRef(id: row.id!.uuidString, title: "\(row.number) \(DisputeCategory(rawValue: row.category)?.label ?? "")纠纷 \(row.partiesMasked)", link: row.link)
    }

    static func count(_ key: String, _ label: String, _ definition: String, _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<Dispute>) -> MetricDefinition {
        MetricDefinition(key: "mediation.\(key)", label: label, definition: definition, unit: .piece, compute: { scope, db in .count(try await query(scope, db).count()) },
                         records: .query({ scope, db in query(scope, db).sort(\.$acceptedOn) }, ref))
    }

    /// A count read from a family's table (`FamilyTable`): `rows` picks the rows of the table that
    /// `query` lists as records (a test holds the two to the same number).
    static func count(_ key: String, _ label: String, _ definition: String, from table: @escaping @Sendable (MetricScope, any Database) async throws -> FamilyTable,
                      where rows: @escaping @Sendable (FamilyTable.Row) -> Bool,
                      _ query: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<Dispute>) -> MetricDefinition {
        MetricDefinition(key: "mediation.\(key)", label: label, definition: definition, unit: .piece,
                         compute: { scope, db in .count(try await table(scope, db).count(where: rows)) },
                         records: .query({ scope, db in query(scope, db).sort(\.$acceptedOn) }, ref))
    }

    /// The year's accepted disputes by level, type and source (`accepted`).
    @Sendable static func acceptedTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("mediation.accepted", scope: scope, groupedBy: ["level", "category", "source"]) {
            scope.rows(of: Dispute.schema, dated: "accepted_on", path: "unit_path", on: db)
        }
    }

    /// The year's ended disputes, escalations left out, by outcome and level, with their amounts (`ended`).
    @Sendable static func endedTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("mediation.ended", scope: scope, groupedBy: ["outcome", "level"], summing: ["amount_yuan"]) {
            scope.rows(of: Dispute.schema, dated: "ended_on", path: "unit_path", on: db).where("outcome", .notEqual, SQLBind(MediationOutcome.escalated.rawValue))
        }
    }

    /// The registered bodies by level (not dated: the list as it is now).
    static func bodyTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("mediation.bodies", scope: scope, groupedBy: ["level"]) {
            scope.rows(of: MediationBody.schema, dated: nil, path: "unit_path", on: db)
        }
    }

    static let success = FamilyTable.matching("outcome", successes)

    static var all: [MetricDefinition] {
        var list: [MetricDefinition] = [
            count("accepted", "受理矛盾纠纷", "本年度各级人民调解组织受理的纠纷件数（含上一级受理的移交纠纷）", from: acceptedTable, where: { _ in true }, { accepted($0, on: $1) }),
            count("screened", "排查发现纠纷", "本年度受理的纠纷中排查发现、主动调解的件数", from: acceptedTable, where: { $0["source"] == DisputeSource.screening.rawValue },
                  { accepted($0, on: $1).filter(\.$source == DisputeSource.screening.rawValue) }),
            count("court-referred", "诉调对接纠纷", "本年度受理的人民法院委派、委托调解的纠纷件数", from: acceptedTable, where: { $0["source"] == DisputeSource.court.rawValue },
                  { accepted($0, on: $1).filter(\.$source == DisputeSource.court.rawValue) }),
            count("resolved", "调解成功", "本年度达成调解协议（书面或口头，人民调解法第二十八条）的件数", from: endedTable, where: success,
                  { ended($0, on: $1).filter(\.$outcome ~~ successes) }),
            MetricDefinition(key: "mediation.success-rate", label: "调解成功率", definition: "本年度调解成功件数 ÷ 本年度调结件数（移交上一级的不计）× 100%",
                             unit: .percent, compute: { scope, db in
                try await endedTable(scope, on: db).ratio(where: success)
            }, records: .query({ scope, db in ended(scope, on: db).filter(\.$outcome !~ successes).sort(\.$acceptedOn) }, ref)),
            count("confirmations", "申请司法确认", "本年度申请司法确认的调解协议件数（人民调解法第三十三条）", { scope, db in
                let (start, end) = bounds(scope)
                return base(scope, on: db).filter(\.$confirmationAppliedOn >= start).filter(\.$confirmationAppliedOn < end)
            }),
            count("performed", "协议履行", "本年度调解协议已履行的件数", { scope, db in
                let (start, end) = bounds(scope)
                return base(scope, on: db).filter(\.$performedOn >= start).filter(\.$performedOn < end)
            }),
            MetricDefinition(key: "mediation.agreement-amount", label: "协议涉及金额", definition: "本年度调解成功的纠纷涉及金额合计（万元）", unit: .tenThousandYuan,
                             compute: { scope, db in
                .amount(Decimal(try await endedTable(scope, on: db).sum("amount_yuan", where: success)) / 10_000)
            }, records: .query({ scope, db in ended(scope, on: db).filter(\.$outcome ~~ successes).filter(\.$amountYuan > 0).sort(\.$acceptedOn) }, ref)),
        ]
        for level in MediationLevel.allCases {
            list.append(count("accepted.\(level.rawValue)", "受理矛盾纠纷（\(level.label)）", "本年度\(level.label)人民调解组织受理的纠纷件数",
                              from: acceptedTable, where: { $0["level"] == level.rawValue }, { accepted($0, on: $1).filter(\.$level == level.rawValue) }))
        }
        for category in DisputeCategory.allCases {
            list.append(count("accepted.type.\(category.rawValue)", "受理\(category.label)纠纷", "本年度受理的\(category.label)纠纷件数",
                              from: acceptedTable, where: { $0["category"] == category.rawValue }, { accepted($0, on: $1).filter(\.$category == category.rawValue) }))
        }
        for source in DisputeSource.allCases {
            list.append(count("accepted.source.\(source.rawValue)", "受理纠纷（\(source.label)）", "本年度受理的纠纷中来源为\(source.label)的件数",
                              from: acceptedTable, where: { $0["source"] == source.rawValue }, { accepted($0, on: $1).filter(\.$source == source.rawValue) }))
        }
        for level in MediationLevel.allCases {
            list.append(count("resolved.\(level.rawValue)", "调解成功（\(level.label)）", "本年度\(level.label)调解组织调解成功的件数",
                              from: endedTable, where: { success($0) && $0["level"] == level.rawValue },
                              { ended($0, on: $1).filter(\.$outcome ~~ successes).filter(\.$level == level.rawValue) }))
        }
        list.append(mediatorCount("mediation.mediators", "人民调解员", "登记在人民调解组织的调解员人数（按当前名册，人民调解法第十三条）", fullTimeOnly: false))
        list.append(mediatorCount("mediation.full-time-mediators", "专职人民调解员", "登记在人民调解组织的专职调解员人数（按当前名册）", fullTimeOnly: true))
        for level in MediationLevel.allCases {
            list.append(bodyCount("mediation.bodies.\(level.rawValue)", "调解组织（\(level.label)）", "登记的\(level.label)调解组织数（按当前名录）", [level]))
        }
        // ⚠️ The bodies as registered now: the list keeps no history of when a committee was set up.
        list.append(bodyCount("mediation.bodies", "人民调解组织", "登记的人民调解组织数（三级及行业性、专业性；按当前名录）", peoplesMediation))
        return list
    }
}
