import FazhiCalendar
import FazhiCore
import Fluent
import FluentSQL
import SQLKit
import Foundation
import Vapor

/// 行政执法 registers: enforcement bodies, power lists, officers with certificates and exams.
/// (Cases under the three systems, benchmarks, lenience lists and supervision build on these.)
public enum EnforcementModule {
    public static let manifest = FazhiModule(
        id: "enforcement",
        name: "行政执法",
        migrations: EnforcementMigrations.all,
        permissions: EnforcementPermissions.all,
        grants: EnforcementPermissions.grants,
        menu: [
            MenuEntry(title: "执法主体与权责清单", route: EnforcementRoute.list, permission: EnforcementPermissions.read, section: "业务办理"),
            MenuEntry(title: "执法人员", route: EnforcementRoute.officers, permission: EnforcementPermissions.read, section: "业务办理"),
            MenuEntry(title: "行政处罚案件", route: EnforcementRoute.cases, permission: EnforcementPermissions.read, section: "业务办理"),
            MenuEntry(title: "强制、许可与检查", route: EnforcementRoute.actions, permission: EnforcementPermissions.read, section: "业务办理"),
            MenuEntry(title: "执法统计", route: EnforcementRoute.statistics, permission: EnforcementPermissions.read, section: "业务办理"),
            MenuEntry(title: "裁量基准与清单", route: EnforcementRoute.benchmarks, permission: EnforcementPermissions.read, section: "业务办理"),
        ],
        routes: { router in
            EnforcementAPI.register(router)
            EnforcementPages.register(router)
            PenaltyCasePages.register(router)
            PublicSitePages.register(router)
            DiscretionPages.register(router)
            ActionPages.register(router)
            EnforcementStatisticsPage.register(router)
        },
        metrics: EnforcementMetrics.all + PenaltyMetrics.all + PublicationMetrics.all + DiscretionMetrics.all + ActionMetrics.all + TrainingMetrics.all + FineMetrics.all + FindingMetrics.all,
        importers: [OfficerImporter(), MatterImporter(), PenaltyCaseImporter()],
        demoSeed: { context in try await EnforcementDemo.seed(context) },
        clockKinds: PenaltyClocks.all + PublicationClocks.all + ActionClocks.all,
        dashboardWidgets: [DashboardWidget(id: "certificates", permission: EnforcementPermissions.read) { req in try await EnforcementPages.widget(req) }],
        unitPathColumns: [UnitPathColumn("penalty_cases"), UnitPathColumn("enforcement_actions"), UnitPathColumn("enforcement_bodies"), UnitPathColumn("enforcement_matters"), UnitPathColumn("enforcement_officers"), UnitPathColumn("officer_certificates"), UnitPathColumn("officer_exams"), UnitPathColumn("officer_years"), UnitPathColumn("discretion_benchmarks"), UnitPathColumn("lenience_items"), UnitPathColumn("enforcement_publications"), UnitPathColumn("penalty_case_findings")],
        publicServices: [
            PublicService(title: "行政执法决定公示", path: PortalRoute.index.path(), summary: "行政处罚、行政许可、行政强制决定，自作出之日起七个工作日内公开。",
                          basis: "行政处罚法第三十九条、第四十八条；国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见"),
            PublicService(title: "行政裁量权基准与清单", path: PortalRoute.benchmarks.path(), summary: "各执法机关的行政处罚裁量基准，首违不罚、不予处罚、从轻减轻清单。",
                          basis: "行政处罚法第三十四条；国务院办公厅关于进一步规范行政裁量权基准制定和管理工作的意见"),
        ],
        publicSearch: { query, db in
            try await EnforcementPublication.query(on: db).filter(\.$withdrawnOn == nil).filter(\.$heldReason == nil)
                .group(.or) { $0.filter(\.$caseNumber ~~ query).filter(\.$title ~~ query).filter(\.$unitName ~~ query).filter(\.$violation ~~ query) }
                .sort(\.$publishedOn, .descending).limit(PublicPortal.hitsPerModule).all()
                .map { PublicSearchHit(kind: "行政执法决定", title: "\($0.caseNumber) \($0.unitName)：\($0.title)", link: PortalRoute.decision.path($0.id!), date: $0.publishedOn) }
        }
    )


}

/// Figures as of the last day of the year (年末, 12月31日), whenever they are computed.
enum EnforcementMetrics {
    static func asOf(_ scope: MetricScope) -> String { "\(scope.year)-12-31" }

    static func bodies(_ scope: MetricScope, on db: any Database) -> QueryBuilder<EnforcementBody> {
        let day = asOf(scope)
        let query = EnforcementBody.query(on: db).filter(\.$since <= day).group(.or) { $0.filter(\.$until == nil).filter(\.$until >= day) }
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static func matters(_ scope: MetricScope, on db: any Database) -> QueryBuilder<EnforcementMatter> {
        let query = EnforcementMatter.query(on: db).filter(\.$active == true).filter(\.$createdAt < scope.interval.end)
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static func passedExams(_ scope: MetricScope, on db: any Database) -> QueryBuilder<OfficerExam> {
        let query = OfficerExam.query(on: db).filter(\.$takenOn >= "\(scope.year)-01-01").filter(\.$takenOn < "\(scope.year + 1)-01-01").filter(\.$passed == true)
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static func officers(_ scope: MetricScope, on db: any Database) -> QueryBuilder<EnforcementOfficer> {
        let query = EnforcementOfficer.query(on: db).filter(\.$active == true).filter(\.$createdAt < scope.interval.end)
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    /// Officers holding an enforcement certificate valid on the day the figure is taken (recorded as
    /// valid, issued on or before it, expiring on or after it: `OfficerCertificate.valid(on:)`), as a
    /// query the database counts.
    static func holders(_ scope: MetricScope, on db: any Database) -> QueryBuilder<EnforcementOfficer> {
        let day = asOf(scope)
        return officers(scope, on: db).filter(.sql(embed: """
            EXISTS (SELECT 1 FROM officer_certificates c WHERE c.officer_id = enforcement_officers.id \
            AND c.kind = \(bind: CertificateKind.enforcement.rawValue) AND c.status = \(bind: CertificateStatus.valid.rawValue) \
            AND c.issued_on <= \(bind: day) AND c.expires_on >= \(bind: day))
            """))
    }

    @Sendable static func ref(_ row: EnforcementOfficer) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: row.nameMasked, link: row.link) }

    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "enforcement.bodies", label: "行政执法主体", definition: "年末（12月31日）确认的行政执法主体数", unit: .count, compute: { scope, db in
                .count(try await bodies(scope, on: db).count())
            }, records: { scope, db in
                let rows = try await bodies(scope, on: db).all()
                let units = try await OrgUnit.query(on: db).filter(\.$id ~~ rows.map(\.unitID)).all()
                return units.map { MetricRecordRef(id: $0.id!.uuidString, title: $0.name, link: EnforcementRoute.list.path()) }
            }),
            MetricDefinition(key: "enforcement.matters", label: "权责清单事项", definition: "年末在用的行政执法事项数（含委托乡镇实施的）", unit: .item, compute: { scope, db in
                .count(try await matters(scope, on: db).count())
            }, records: .query({ scope, db in matters(scope, on: db).sort(\.$code) }) { MetricRecordRef(id: $0.id!.uuidString, title: "\($0.code) \($0.name)", link: EnforcementRoute.list.path()) }),
            MetricDefinition(key: "enforcement.officers", label: "行政执法人员", definition: "年末在岗的行政执法人员数", unit: .person, compute: { scope, db in
                .count(try await officers(scope, on: db).count())
            }, records: .query({ scope, db in officers(scope, on: db) }, ref)),
            MetricDefinition(key: "enforcement.certificate-holders", label: "持有效行政执法证人员", definition: "年末（12月31日）持有有效行政执法证（未暂扣、未注销、未过期）的在岗人员数",
                             unit: .person, compute: { scope, db in .count(try await holders(scope, on: db).count()) },
                             records: .query({ scope, db in holders(scope, on: db).sort(\.$nameMasked) }, ref)),
            MetricDefinition(key: "enforcement.certification-rate", label: "持证率", definition: "持有效行政执法证人员 ÷ 在岗行政执法人员 × 100%", unit: .percent, compute: { scope, db in
                try await .countedRatio({ officers(scope, on: db) }) { _ in holders(scope, on: db) }
            }, records: .query({ scope, db in holders(scope, on: db).sort(\.$nameMasked) }, ref)),
            MetricDefinition(key: "enforcement.exams-passed", label: "执法资格考试合格", definition: "本年度参加执法资格考试并合格（60分及以上）的人次", unit: .personTime, compute: { scope, db in
                .count(try await passedExams(scope, on: db).count())
            }, records: { scope, db in
                let ids = Set(try await passedExams(scope, on: db).all(\.$officer.$id))
                return try await EnforcementOfficer.query(on: db).filter(\.$id ~~ Array(ids)).sort(\.$nameMasked).all().map(ref)
            }),
        ]
    }
}
