import Fluent
import Foundation
import SQLKit
import Vapor

/// The core's manifest: units, accounts, access, audit, figures and the web shell's own pages.
public enum CoreModule {
    public static let manifest = FazhiModule(
        id: "core",
        name: "单位与账户",
        migrations: CoreMigrations.all,
        permissions: CorePermissions.all + [.authenticated],
        grants: CorePermissions.grants,
        menu: [
            MenuEntry(title: "工作台", route: CoreRoute.dashboard, permission: CorePermissions.dashboardView, section: "工作台"),
            MenuEntry(title: "统计指标", route: CoreRoute.figures, permission: CorePermissions.metricsRead, section: "工作台"),
            MenuEntry(title: "单位", route: CoreRoute.units, permission: CorePermissions.unitsRead, section: "系统管理"),
            MenuEntry(title: "账户", route: CoreRoute.users, permission: CorePermissions.usersRead, section: "系统管理"),
            MenuEntry(title: "角色与权限", route: CoreRoute.roles, permission: CorePermissions.rolesRead, section: "系统管理"),
            MenuEntry(title: "在线会话", route: CoreRoute.sessions, permission: CorePermissions.sessionsManage, section: "系统管理"),
            MenuEntry(title: "审计日志", route: CoreRoute.audit, permission: CorePermissions.auditRead, section: "系统管理"),
            MenuEntry(title: "个人中心", route: CoreRoute.profile, permission: .authenticated, section: "我的"),
        ],
        routes: { router in
            AuthPages.register(router)
            UnitPages.register(router)
            UserPages.register(router)
            AuditPages.register(router)
            ProfilePages.register(router)
            FiguresPage.register(router)
            CoreAPI.register(router)
            PublicPortal.register(router)
        },
        metrics: CoreMetrics.all,
        importers: [UnitImporter()],
        demoSeed: { context in _ = try await DemoCounty.seed(context) },
        // An API token narrowed to a unit moves with it.
        unitPathColumns: [UnitPathColumn("api_tokens")],
        publicServices: [PublicService(title: "审计链锚点", path: PortalRoute.audit.path(), summary: "平台操作日志的哈希链定期公布的锚点，任何人可据此核验日志未被篡改。",
                                       basis: "网络安全法第二十一条（日志留存）；本平台审计制度")]
    )
}

/// Coverage figures of the unit tree and accounts, as of the end of the year.
enum CoreMetrics {
    static func unitCount(_ kinds: [UnitKind]?, key: String, label: String, definition: String) -> MetricDefinition {
        let ofKinds: @Sendable (FamilyTable.Row) -> Bool
        if let kinds { ofKinds = FamilyTable.matching("kind", kinds.map(\.rawValue)) } else { ofKinds = { _ in true } }
        return MetricDefinition(key: key, label: label, definition: definition, unit: .count, compute: { scope, db in
            .count(try await unitTable(scope, on: db).count(where: ofKinds))
        }, records: { scope, db in
            try await unitsQuery(kinds, scope: scope, on: db).sort(\.$code).all().map {
                MetricRecordRef(id: $0.id!.uuidString, title: $0.name, link: CoreRoute.unitsRecord.path($0.id!))
            }
        })
    }

    /// The units that existed at the end of the year, by kind: one statement a year for the unit
    /// figures (`unitsQuery`'s rows, grouped).
    static func unitTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("units.kinds", scope: scope, groupedBy: ["kind"]) {
            let end = scope.interval.end
            return scope.rows(of: OrgUnit.schema, dated: nil, path: "path", on: db).where("created_at", .lessThan, SQLBind(end))
                .where { $0.where("deactivated_at", .is, SQLLiteral.null).orWhere("deactivated_at", .greaterThanOrEqual, SQLBind(end)) }
        }
    }

    /// Units that existed at the end of the year and had not been deactivated by then.
    static func unitsQuery(_ kinds: [UnitKind]?, scope: MetricScope, on db: any Database) -> QueryBuilder<OrgUnit> {
        let end = scope.interval.end
        let query = OrgUnit.query(on: db).filter(\.$createdAt < end)
            .group(.or) { $0.filter(\.$deactivatedAt == nil).filter(\.$deactivatedAt >= end) }
        if let kinds { query.filter(\.$kind ~~ kinds.map(\.rawValue)) }
        if let path = scope.unitPath { query.filter(\.$path =~ path) }
        return query
    }

    static let all: [MetricDefinition] = [
        unitCount(nil, key: "units.total", label: "单位总数", definition: "年末在用的各级单位数（含本单位）"),
        unitCount([.department], key: "units.departments", label: "部门数", definition: "年末在用的部门及其下属机构数"),
        unitCount([.township, .subdistrict], key: "units.townships", label: "乡镇（街道）数", definition: "年末在用的乡镇、街道数"),
        unitCount([.village, .community], key: "units.villages", label: "村（社区）数", definition: "年末在用的村、社区数"),
        MetricDefinition(key: "accounts.active", label: "在用账户数", definition: "年末在用、已分配角色的账户数", unit: .count, compute: { scope, db in
            .count(try await accountsQuery(scope: scope, on: db).count())
        }, records: { scope, db in
            try await accountsQuery(scope: scope, on: db).sort(\.$loginName).all().map {
                MetricRecordRef(id: $0.id!.uuidString, title: $0.displayName, link: CoreRoute.usersRecord.path($0.id!))
            }
        }),
    ]

    static func accountsQuery(scope: MetricScope, on db: any Database) -> QueryBuilder<UserAccount> {
        let query = UserAccount.query(on: db).join(OrgUnit.self, on: \UserAccount.$unitID == \OrgUnit.$id)
            .filter(\.$createdAt < scope.interval.end).filter(\.$active == true).filter(\.$role != nil)
        if let path = scope.unitPath { query.filter(OrgUnit.self, \.$path =~ path) }
        return query
    }
}
