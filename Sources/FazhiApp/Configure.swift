import FazhiCore
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import NIOCore
import SQLKit
import Vapor

public enum FazhiApp {
    /// Builds the application: settings, database, modules, middleware, routes, commands.
    public static func configure(_ app: Application, config: AppConfig, modules: [FazhiModule] = installedModules,
                                 clock: AppClock = .live) async throws {
        let key = try resolveDataKey(config, production: app.environment == .production, logger: app.logger)
        let cipher = try PersonalDataCipher(masterKey: key)
        AuditLog.configure(dataKey: key)
        app.fazhi = FazhiServices(config: config, cipher: cipher, modules: modules, clock: clock)
        let unknownFigures = config.metricRounding.keys.filter { app.fazhi.metrics.definition($0) == nil }.sorted()
        if !unknownFigures.isEmpty {
            throw AppConfig.Problems(messages: ["FAZHI_METRIC_ROUNDING：没有这些指标：\(unknownFigures.joined(separator: "、"))（`fazhi metrics` 列出全部指标代码）"])
        }
        let ruleProblems = app.fazhi.ruleSettingProblems()
        if !ruleProblems.isEmpty { throw AppConfig.Problems(messages: ruleProblems) }

        // The app's own blocking pool, larger than the cores: SQLite runs every call on it, and a
        // connection waiting for the write lock (busy_timeout) holds a thread while it waits; with
        // only NIO's shared pool of one thread a core, the connection holding the lock could find no
        // thread to finish on (found by ConcurrencyTests: 64 writers at once timed out).
        app.threadPool = NIOThreadPool(numberOfThreads: max(8, System.coreCount * 4))
        switch config.database {
        case .sqlite(let path) where config.readOnly && !FileManager.default.fileExists(atPath: path):
            app.databases.use(.sqlite(.memory, maxConnectionsPerEventLoop: 1), as: .sqlite)
        case .sqlite(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            app.databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(Int64(config.databasePoolTimeoutSeconds))), as: .sqlite)
            try await applySQLitePragmas(app)
            // List pages read their rows through connections of their own that keep statements prepared.
            // On a pool of their own, one thread a core: a reader connection is `query_only` in WAL
            // mode, so it does not wait for the write lock as the writers on the pool above do, and
            // more threads than cores only take turns. Sharing the writers' pool of eight threads
            // cost a list page about 9% more CPU (issue 16, stop 39: 596 → 541 µs, median of eight
            // alternating rounds, `docs/deployment.md`).
            let readerPool = NIOThreadPool(numberOfThreads: System.coreCount)
            readerPool.start()
            let reader = SQLiteReader(path: path, threadPool: readerPool)
            app.fazhi.sqliteReader = reader
            app.lifecycle.use(ClosesReader(reader: reader, pool: readerPool))
        case .postgres(let url):
            var configuration = try SQLPostgresConfiguration(url: url)
            if let schema = config.postgresSchema { configuration.searchPath = [schema] }
            app.databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: config.postgresConnectionsPerLoop,
                                        connectionPoolTimeout: .seconds(Int64(config.databasePoolTimeoutSeconds)), sqlLogLevel: .debug), as: .psql)
            if let schema = config.postgresSchema {
                // Two servers starting together may both create it: PostgreSQL's IF NOT EXISTS is not proof
                // against that race (a unique violation on the catalogue), so the loser checks it is there.
                let sql = app.db as! any SQLDatabase
                do {
                    try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
                } catch {
                    struct Found: Decodable { var n: Int }
                    let found = try await sql.raw("SELECT COUNT(*) AS n FROM pg_namespace WHERE nspname = \(bind: schema)").first(decoding: Found.self)
                    guard (found?.n ?? 0) > 0 else { throw error }
                }
            }
        }
        for module in modules { app.migrations.add(module.migrations) }

        app.middleware = Middlewares()
        app.middleware.use(RequestMetrics.shared)
        app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
        app.middleware.use(SecurityHeaders())
        app.middleware.use(ErrorResponder())
        // A NUL in a query string or a form, JSON or multipart body is a field error, not a 500 from PostgreSQL.
        app.middleware.use(NullCharacterGuard())
        NullCharacter.install()
        app.routes.defaultMaxBodySize = "1mb"

        let web = app.grouped(SessionAuthenticator())
        let api = app.grouped("api", "v1").grouped(BearerAuthenticator())
        let router = ModuleRouter(app: app, web: web, api: api, open: web)
        // Health checks, metrics and the stylesheet never need the caller: no session lookup.
        OperationsRoutes.register(ModuleRouter(app: app, web: web, api: api, open: app))
        for module in modules { try module.routes(router) }

        app.asyncCommands.use(UserCommand(), as: "user")
        app.asyncCommands.use(AuditCommand(), as: "audit")
        app.asyncCommands.use(MetricsCommand(), as: "metrics")
        app.asyncCommands.use(DemoCommand(), as: "demo")
        app.asyncCommands.use(TOTPCommand(), as: "totp")
        app.asyncCommands.use(BackupCommand(), as: "backup")
        for module in modules {
            for (name, command) in module.commands { app.asyncCommands.use(command, as: name) }
        }
    }

    /// SQLite settings that live on each connection. The driver keeps one connection per event
    /// loop for the life of the pool, so setting them on every loop's connection covers all.
    /// WAL is recorded in the file itself; `synchronous=FULL` makes a commit durable across power
    /// loss; `busy_timeout` replaces the driver's wait-forever busy handler with 5 seconds.
    static func applySQLitePragmas(_ app: Application) async throws {
        for eventLoop in app.eventLoopGroup.makeIterator() {
            guard let db = app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase else { continue }
            try await db.raw("PRAGMA journal_mode = WAL").run()
            try await db.raw("PRAGMA synchronous = FULL").run()
            try await db.raw("PRAGMA foreign_keys = ON").run()
            try await db.raw("PRAGMA busy_timeout = 5000").run()
        }
    }

    /// The personal-data key: from `FAZHI_DATA_KEY`, or outside production from a key file made on
    /// first run (so the demo works with no set-up). Production refuses to start without the setting.
    static func resolveDataKey(_ config: AppConfig, production: Bool, logger: Logger) throws -> Data {
        if let key = config.dataKey { return key }
        let path = config.dataKeyFile
        if let text = try? String(contentsOfFile: path, encoding: .utf8),
           let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 {
            return data
        }
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        // A command that only reads has nothing sealed with a key that does not exist yet: a key for this run, no file.
        if config.readOnly { return data }
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        // Written whole to a temporary file, then linked to its name only if no key is there yet: two
        // servers started together on one directory end with one key, never a torn or replaced one.
        let temporary = path + ".\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(data.base64EncodedString().utf8), attributes: [.posixPermissions: 0o600]) else {
            throw AppConfig.Problems(messages: ["无法写入开发用密钥文件 \(path)：请检查目录权限，或设置 FAZHI_DATA_KEY"])
        }
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        if link(temporary, path) != 0 {
            // Another process made it first: use that one.
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let existing = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), existing.count == 32 {
                return existing
            }
            throw AppConfig.Problems(messages: ["无法写入开发用密钥文件 \(path)：请检查目录权限，或设置 FAZHI_DATA_KEY"])
        }
        logger.warning("未设置 FAZHI_DATA_KEY：已生成开发用密钥文件 \(path)。生产环境必须通过 FAZHI_DATA_KEY 提供密钥。")
        return data
    }

    /// Applies pending migrations (demo and tests; operators run `fazhi migrate`).
    /// Applies pending migrations. On PostgreSQL, processes that start together (several
    /// `fazhi serve` behind one database) take turns, so each migration runs once.
    public static func migrate(_ app: Application) async throws {
        try await exclusively(app) { try await app.autoMigrate() }
    }

    /// `body` while holding the schema's session advisory lock on PostgreSQL (a session lock belongs
    /// to its connection: taken and released on the one held here); plainly on SQLite.
    static func exclusively<T: Sendable>(_ app: Application, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard DatabaseFlavor(app.db) == .postgres else { return try await body() }
        return try await app.db.withConnection { connection in
            let sql = connection as! any SQLDatabase
            try await sql.raw("SELECT pg_advisory_lock(7243002, hashtext(current_schema()))").run()
            let result: T
            do {
                result = try await body()
            } catch {
                try? await sql.raw("SELECT pg_advisory_unlock(7243002, hashtext(current_schema()))").run()
                throw error
            }
            try await sql.raw("SELECT pg_advisory_unlock(7243002, hashtext(current_schema()))").run()
            return result
        }
    }

    /// Seeds the demo county and every module's demo records, once.
    @discardableResult
    public static func seedDemo(_ app: Application, seed: UInt64 = 20260101, progress: Bool = false) async throws -> [DemoCounty.DemoAccount]? {
        // Demo data is made-up people and cases with a published password: never in production.
        guard app.environment != .production else { throw CommandFailure(demoRefusedInProduction) }
        // Two servers started together seed once: the second finds the county there.
        return try await exclusively(app) { try await seedDemoUnlocked(app, seed: seed, progress: progress) }
    }

    static func seedDemoUnlocked(_ app: Application, seed: UInt64, progress: Bool = false) async throws -> [DemoCounty.DemoAccount]? {
        if try await DemoCounty.isSeeded(on: app.db) { return nil }
        let services = app.fazhi
        let steps = services.modules.filter { $0.demoSeed != nil }.count + 2
        let reporter = progress ? ProgressReporter(title: "生成演示数据", total: steps) : nil
        // Each module's records in one transaction: the seed is all there or not at all, and
        // SQLite syncs once per module instead of once per record.
        for module in services.modules {
            guard let demoSeed = module.demoSeed else { continue }
            try await app.db.write { tx in
                try await demoSeed(DemoContext(database: tx, seed: seed, services: services, now: services.now))
            }
            reporter?.step(module.name)
            // The two previous years come in once the registers exist and before supervision
            // draws its samples from the closed files.
            if module.id == "enforcement" {
                try await app.db.write { tx in
                    try await DemoHistory.seed(DemoContext(database: tx, seed: seed, services: services, now: services.now))
                }
                reporter?.step("前两年执法记录")
            }
        }
        try await app.db.write { tx in
            try await DemoHistory.publishReport(DemoContext(database: tx, seed: seed, services: services, now: services.now))
        }
        reporter?.step("已公开的上年度报告")
        return try await DemoCounty.storedAccounts(services: services, on: app.db)
    }

    /// The commands that only read and answer: they create no key file and no database (issue 20).
    public static func isReadOnly(_ arguments: [String]) -> Bool {
        let words = arguments.filter { !$0.hasPrefix("-") }
        switch (words.first, words.dropFirst().first) {
        case ("calendar", "due"?), ("calendar", "is-workday"?), ("calendar", "export"?), ("audit", "verify"?): return true
        case ("metrics", _), ("check-report", _), ("report", _), ("routes", _): return true
        default: return false
        }
    }

    public static let demoRefusedInProduction = "生产环境（--env production）不能生成或启动演示数据：演示账户的密码是公开的"
}

/// Closes the list reader's connections when the application shuts down.
struct ClosesReader: LifecycleHandler {
    let reader: SQLiteReader
    let pool: NIOThreadPool

    func shutdown(_ application: Application) {
        reader.close()
        try? pool.syncShutdownGracefully()
    }

    func shutdownAsync(_ application: Application) async {
        reader.close()
        try? await pool.shutdownGracefully()
    }
}
