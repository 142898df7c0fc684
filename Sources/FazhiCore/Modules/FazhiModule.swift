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

    public init(id: String, name: String, migrations: [any Migration] = [], permissions: [Permission] = [],
                grants: [Role: [Permission]] = [:], menu: [MenuEntry] = [],
                routes: @escaping @Sendable (ModuleRouter) throws -> Void = { _ in },
                metrics: [MetricDefinition] = [], importers: [any Importer] = [],
                demoSeed: (@Sendable (DemoContext) async throws -> Void)? = nil,
                commands: [String: any AnyAsyncCommand] = [:]) {
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
    }
}
