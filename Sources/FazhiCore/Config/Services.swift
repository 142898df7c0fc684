import FazhiCalendar
import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import SQLKit
import Vapor

/// "Now", behind a small client so tests pin it (docs/architecture.md, "Effects behind small clients").
public struct AppClock: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    public static let live = AppClock { Date() }

    /// A clock a test moves by hand.
    public static func manual(_ start: Date) -> (AppClock, ManualTime) {
        let time = ManualTime(start)
        return (AppClock { time.current }, time)
    }
}

public final class ManualTime: Sendable {
    private let box: NIOLockedValueBox<Date>

    public init(_ start: Date) { box = NIOLockedValueBox(start) }

    public var current: Date { box.withLockedValue { $0 } }

    public func advance(by seconds: TimeInterval) {
        box.withLockedValue { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// Everything the request handlers and commands share, built once at boot.
public struct FazhiServices: Sendable {
    public var config: AppConfig
    public var cipher: PersonalDataCipher
    public var access: AccessPolicy
    public var metrics: MetricsRegistry
    public var modules: [FazhiModule] {
        didSet {
            clockKindIndex = Self.index(clockKindsOf: modules)
            navigation = NavigationCache(menu: modules.flatMap(\.menu))
            portalServices = Self.renderedServices(of: modules)
        }
    }
    public var clock: AppClock
    /// `clockKind(_:)`'s table: a ledger import looks a kind up for every clock event it replays.
    private var clockKindIndex: [String: ClockKind]
    /// The working-day calendar last loaded from the database, per application.
    public let calendarCache = CalendarCache()
    /// Resolved session cookies for a few seconds (`AppConfig.sessionCacheSeconds`).
    public let sessionCache = SessionCache()
    /// Unit names for list pages, kept like the session cache.
    public let unitNames = UnitNames()
    /// Answers computed from the records (the dashboard's indicator score), kept until they change.
    public let recordsCache = RecordsCache()
    /// List pages' tables rendered from the records, kept the same way (`Request.keptList`): apart
    /// from the dashboard's answers, so that a reader paging through a long list pushes out other
    /// pages' tables, not the dashboard's cards. At most 256, each some ten kilobytes.
    public let listCache = RecordsCache(capacity: 256)
    /// On an SQLite file: the read-only connections with prepared statements that list pages read
    /// their rows through (`SQLiteReader`). Nil on PostgreSQL and on a database in memory.
    public var sqliteReader: SQLiteReader?
    /// The side navigation of each role, rendered once (made anew with the modules).
    public private(set) var navigation: NavigationCache
    /// The public services list at the top of `/gongshi`, rendered once (made anew with the modules):
    /// markup this builder rendered, every text escaped, so it goes into pages as `.trusted`.
    public private(set) var portalServices: Node
    /// Per-address limit on the public report checker (no login, real work per request).
    public let publicCheckLimiter: RateLimiter
    /// Per-address limit on opinions sent to open drafts from the public site.
    public let publicCommentLimiter: RateLimiter

    public init(config: AppConfig, cipher: PersonalDataCipher, modules: [FazhiModule], clock: AppClock) {
        self.config = config
        self.cipher = cipher
        self.access = AccessPolicy(modules: modules)
        self.metrics = MetricsRegistry(modules: modules, roundingOverrides: config.metricRounding)
        self.modules = modules
        self.clockKindIndex = Self.index(clockKindsOf: modules)
        self.navigation = NavigationCache(menu: modules.flatMap(\.menu))
        self.portalServices = Self.renderedServices(of: modules)
        self.clock = clock
        self.publicCheckLimiter = RateLimiter(limit: config.publicChecksPerMinute, window: 60)
        self.publicCommentLimiter = RateLimiter(limit: config.publicCommentsPerHour, window: 3600)
    }

    public var now: Date { clock.now() }

    public var menu: [MenuEntry] { navigation.menu }

    /// The database a list's select is built on: `db`, with the list's own rows read by
    /// `sqliteReader` when there is one and `db` is not in a transaction (a read in a transaction
    /// must see that transaction's writes, which another connection does not).
    public func listDatabase(_ db: any Database) -> any SQLDatabase {
        let sql = db as! any SQLDatabase
        guard let sqliteReader, !db.inTransaction else { return sql }
        return ReaderDatabase(base: sql, reader: sqliteReader)
    }

    static func renderedServices(of modules: [FazhiModule]) -> Node { .trusted(PublicPortal.servicesList(modules).render()) }

    public var importers: [any Importer] { modules.flatMap(\.importers) }

    public var clockKinds: [ClockKind] { modules.flatMap(\.clockKinds) }

    public func clockKind(_ key: String) -> ClockKind? { clockKindIndex[key] }

    /// Each key's first kind in module order, as a search of `clockKinds` finds it.
    private static func index(clockKindsOf modules: [FazhiModule]) -> [String: ClockKind] {
        Dictionary(modules.flatMap(\.clockKinds).map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A province's setting (🏷) of a module's rule, or its default; bounded by the setting's range.
    public func rule(_ setting: RuleSetting) -> Int {
        guard let value = config.ruleSettings[setting.key] else { return setting.defaultValue }
        return min(max(value, setting.range.lowerBound), setting.range.upperBound)
    }

    /// The `FAZHI_RULE_SETTINGS` entries no module declares or outside their range, as messages.
    public func ruleSettingProblems() -> [String] {
        let declared = Dictionary(modules.flatMap(\.ruleSettings).map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        return config.ruleSettings.sorted { $0.key < $1.key }.compactMap { key, value in
            guard let setting = declared[key] else { return "FAZHI_RULE_SETTINGS：没有规则“\(key)”，可设置的有 \(declared.keys.sorted().joined(separator: "、"))" }
            return setting.range.contains(value) ? nil : "FAZHI_RULE_SETTINGS：\(key)（\(setting.label)）应在\(setting.range.lowerBound)至\(setting.range.upperBound)之间"
        }
    }

    public func hashPassword(_ password: String) throws -> String {
        try Bcrypt.hash(password, cost: config.bcryptCost)
    }

    /// bcrypt off the event loop and outside any transaction: on NIO's blocking-work pool, so a
    /// login's 250 ms neither stalls other requests on its loop nor holds SQLite's write lock.
    public func hashPasswordOffLoop(_ password: String) async throws -> String {
        let cost = config.bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    /// `Bcrypt.verify` on the blocking-work pool.
    public func verifyPasswordOffLoop(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { try Bcrypt.verify(password, created: hash) }
    }
}

struct FazhiServicesKey: StorageKey {
    typealias Value = FazhiServices
}

extension Application {
    public var fazhi: FazhiServices {
        get {
            guard let services = storage[FazhiServicesKey.self] else {
                fatalError("FazhiServices used before configure(app) installed them")
            }
            return services
        }
        set { storage[FazhiServicesKey.self] = newValue }
    }
}

extension Request {
    public var fazhi: FazhiServices { application.fazhi }
}

/// Holds the current working-day calendar between requests; `CalendarService` reloads it when the
/// stored version number moves.
public final class CalendarCache: Sendable {
    private let box = NIOLockedValueBox<WorkCalendar?>(nil)

    public init() {}

    public var value: WorkCalendar? {
        get { box.withLockedValue { $0 } }
        set { box.withLockedValue { $0 = newValue } }
    }
}

/// A fixed-window count per key (a client address), held in memory: a limit for one server process,
/// which is what a county installation runs; behind a load balancer each server limits its share.
public final class RateLimiter: Sendable {
    public let limit: Int
    public let window: TimeInterval
    private let box = NIOLockedValueBox<[String: (start: Date, count: Int)]>([:])

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Counts one request of `key` and says whether it is within the limit.
    public func allow(_ key: String, now: Date) -> Bool {
        box.withLockedValue { counts in
            // Forget finished windows, so the table cannot grow without bound.
            if counts.count > 10_000 { counts = counts.filter { now.timeIntervalSince($0.value.start) < window } }
            var entry = counts[key] ?? (now, 0)
            if now.timeIntervalSince(entry.start) >= window { entry = (now, 0) }
            entry.count += 1
            counts[key] = entry
            return entry.count <= limit
        }
    }
}
