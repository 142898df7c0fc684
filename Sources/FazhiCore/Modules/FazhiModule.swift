import FazhiCalendar
import Fluent
import Vapor

/// One entry of the navigation, shown to whoever holds its permission.
public struct MenuEntry: Sendable {
    public var title: String
    public var path: String
    public var permission: Permission
    /// The heading it is listed under ("工作台", "系统管理" …).
    public var section: String

    public init(title: String, path: String, permission: Permission, section: String) {
        self.title = title
        self.path = path
        self.permission = permission
        self.section = section
    }
}

/// A kind of statutory clock a module runs ("答复政府信息公开申请, 20个工作日"). Modules list theirs in
/// the manifest; the deadline dashboard counts every open clock of every kind.
public struct ClockKind: Sendable {
    /// Unique across modules: "reconsideration.decision".
    public var key: String
    public var moduleID: String
    public var rule: ClockRule
    /// Whether staff may register a clock of this kind by hand on the deadline pages (for matters
    /// whose own module does not exist yet); otherwise only the module's workflow opens it.
    public var manual: Bool

    public init(key: String, moduleID: String, rule: ClockRule, manual: Bool = false) {
        self.key = key
        self.moduleID = moduleID
        self.rule = rule
        self.manual = manual
    }
}

/// A card on the dashboard (工作台), shown to whoever holds its permission.
public struct DashboardWidget: Sendable {
    public var id: String
    public var permission: Permission
    public var render: @Sendable (Request) async throws -> Node

    public init(id: String, permission: Permission, render: @escaping @Sendable (Request) async throws -> Node) {
        self.id = id
        self.permission = permission
        self.render = render
    }
}

/// What a module brings to its demo-county seed.
public struct DemoContext: Sendable {
    public var database: any Database
    public var seed: UInt64
    public var services: FazhiServices
    public var now: Date

    public init(database: any Database, seed: UInt64, services: FazhiServices, now: Date) {
        self.database = database
        self.seed = seed
        self.services = services
        self.now = now
    }

    /// A demo account as the services see it, for a module's seed to act as (system channel).
    public func principal(_ login: String) async throws -> Principal {
        guard let user = try await UserAccount.query(on: database).filter(\.$loginName == login).first(),
              let principal = try await AccountService.principal(user: user, channel: .system, tokenPermissions: nil, ip: "local", services: services, on: database)
        else { throw CommandFailure("演示账号 \(login) 不存在") }
        return principal
    }
}

/// A column of a module's table that copies a unit's path (`unit_path`, `respondent_path` …) so
/// lists can be scoped without a join. Moving a unit rewrites every declared column in the same
/// transaction; a `*_path` column not declared by its module fails `UnitMoveTests`.
public struct UnitPathColumn: Sendable, Hashable {
    public var table: String
    public var column: String

    public init(_ table: String, _ column: String = "unit_path") {
        self.table = table
        self.column = column
    }
}

/// A period or number a province sets (🏷), with the national default: the module's rules read it
/// through `FazhiServices.rule(_:)`; an installation sets it in `FAZHI_RULE_SETTINGS`.
public struct RuleSetting: Sendable {
    /// Unique across modules: "documents.filing-days".
    public var key: String
    public var label: String
    public var defaultValue: Int
    public var range: ClosedRange<Int>
    /// Where the default comes from (shown in docs and refusals).
    public var basis: String

    public init(_ key: String, _ label: String, default defaultValue: Int, range: ClosedRange<Int>, basis: String) {
        self.key = key
        self.label = label
        self.defaultValue = defaultValue
        self.range = range
        self.basis = basis
    }
}

/// A draft open for public comment on the public site, from any module: `/gongshi/consultations`
/// lists every module's (`FazhiModule.openConsultations`).
public struct PublicConsultation: Sendable {
    public var kind: String
    public var title: String
    public var unitID: UUID
    public var from: String
    public var due: String
    /// The public page that shows the draft and takes opinions.
    public var link: String

    public init(kind: String, title: String, unitID: UUID, from: String, due: String, link: String) {
        self.kind = kind
        self.title = title
        self.unitID = unitID
        self.from = from
        self.due = due
        self.link = link
    }
}

/// A module's manifest (decidim's component.rb): everything it plugs into the platform, in one
/// value. `FazhiApp` loops over the list of manifests; adding a module touches one line there.
public struct FazhiModule: Sendable {
    public var id: String
    public var name: String
    public var migrations: [any Migration]
    public var permissions: [Permission]
    public var grants: [Role: [Permission]]
    public var menu: [MenuEntry]
    public var routes: @Sendable (ModuleRouter) throws -> Void
    public var metrics: [MetricDefinition]
    public var importers: [any Importer]
    /// Adds this module's records to the demo county, after the modules before it in the list.
    public var demoSeed: (@Sendable (DemoContext) async throws -> Void)?
    public var commands: [String: any AnyAsyncCommand]
    public var clockKinds: [ClockKind]
    public var dashboardWidgets: [DashboardWidget]
    /// The module's copies of unit paths, rewritten when a unit moves.
    public var unitPathColumns: [UnitPathColumn]
    /// The periods a province may set for this module's rules.
    public var ruleSettings: [RuleSetting]
    /// The module's drafts open for public comment today (no login: nothing but public facts).
    public var openConsultations: (@Sendable (FazhiServices, any Database) async throws -> [PublicConsultation])?
    /// The module's services on the public portal, linked from its home with their legal basis.
    public var publicServices: [PublicService]
    /// The module's public records matching a search on the portal (nothing that is not public).
    public var publicSearch: (@Sendable (String, any Database) async throws -> [PublicSearchHit])?

    public init(id: String, name: String, migrations: [any Migration] = [], permissions: [Permission] = [],
                grants: [Role: [Permission]] = [:], menu: [MenuEntry] = [],
                routes: @escaping @Sendable (ModuleRouter) throws -> Void = { _ in },
                metrics: [MetricDefinition] = [], importers: [any Importer] = [],
                demoSeed: (@Sendable (DemoContext) async throws -> Void)? = nil,
                commands: [String: any AnyAsyncCommand] = [:], clockKinds: [ClockKind] = [],
                dashboardWidgets: [DashboardWidget] = [], unitPathColumns: [UnitPathColumn] = [], ruleSettings: [RuleSetting] = [],
                openConsultations: (@Sendable (FazhiServices, any Database) async throws -> [PublicConsultation])? = nil,
                publicServices: [PublicService] = [], publicSearch: (@Sendable (String, any Database) async throws -> [PublicSearchHit])? = nil) {
        self.publicServices = publicServices
        self.publicSearch = publicSearch
        self.id = id
        self.name = name
        self.migrations = migrations
        self.permissions = permissions
        self.grants = grants
        self.menu = menu
        self.routes = routes
        self.metrics = metrics
        self.importers = importers
        self.demoSeed = demoSeed
        self.commands = commands
        self.clockKinds = clockKinds
        self.dashboardWidgets = dashboardWidgets
        self.unitPathColumns = unitPathColumns
        self.ruleSettings = ruleSettings
        self.openConsultations = openConsultations
    }
}

/// A command-line refusal: printed as the message, with a non-zero exit status.
public struct CommandFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
