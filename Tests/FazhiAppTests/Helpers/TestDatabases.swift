import FazhiApp
import FazhiCore
import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import Vapor

#if canImport(Glibc)
import Glibc
#endif

/// Where the suite's databases live, and the one-off work of making and removing them.
enum TestDatabases {
    /// The PostgreSQL server to test against, or nil for SQLite.
    static let postgresURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["FAZHI_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }()

    static let processID = Int(getpid())

    /// A SQLite path no other test uses; the file is removed by `TestApp.cleanUp`.
    static func freshSQLitePath() -> String {
        NSTemporaryDirectory() + "fazhi-test-\(processID)-\(UUID().uuidString).sqlite"
    }

    /// A PostgreSQL database name no other test uses. The process id in the name lets a later run
    /// remove what a killed run left behind (`PostgresAdmin.removeLeftovers`).
    static func freshDatabaseName() -> String {
        "fazhi_t_\(processID)_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    }

    /// `base` with its database name replaced.
    static func url(_ base: String, database: String) -> String {
        guard var components = URLComponents(string: base) else { return base }
        components.path = "/" + database
        return components.string ?? base
    }

    /// Whether a process of this machine with that id is still running.
    static func isRunning(_ pid: Int) -> Bool {
        pid == processID || kill(pid_t(pid), 0) == 0 || errno == EPERM
    }

    /// The connection that creates and drops the tests' databases (PostgreSQL only).
    static let admin = PostgresAdmin()
}

/// Creates and drops databases on the test server through a connection to the database named in
/// `FAZHI_TEST_POSTGRES_URL`.
final class PostgresAdmin: Sendable {
    private let app: Task<Application, any Error>

    init() {
        app = Task {
            guard let url = TestDatabases.postgresURL else { throw TestSetupError("FAZHI_TEST_POSTGRES_URL is not set") }
            let app = try await Application.make(.testing)
            // Every test of the run asks for its copy the moment the template is ready, so the
            // creates queue here. With one connection per event loop and the pool's default
            // 10-second wait, the tail of that queue timed out on a slower CI machine (stop 22).
            // The queue is bounded by the suite's size: a few connections and a long wait.
            app.databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: url),
                                        maxConnectionsPerEventLoop: 4,
                                        connectionPoolTimeout: .minutes(10)), as: .psql)
            try await PostgresAdmin.removeLeftovers(on: app.db as! any SQLDatabase)
            return app
        }
    }

    private func sql() async throws -> any SQLDatabase {
        try await app.value.db as! any SQLDatabase
    }

    /// `CREATE DATABASE`, empty or as a copy of `template`. The role needs CREATEDB.
    /// A copy waits while the server still counts a connection to the template (one closing as
    /// the template's app shut down, or a concurrent copy's check): up to eight tries.
    func create(_ name: String, template: String?) async throws {
        let db = try await sql()
        var attempt = 0
        while true {
            attempt += 1
            do {
                if let template {
                    try await db.raw("CREATE DATABASE \(ident: name) TEMPLATE \(ident: template)").run()
                } else {
                    try await db.raw("CREATE DATABASE \(ident: name)").run()
                }
                return
            } catch {
                let text = String(reflecting: error)
                if attempt < 8 && (text.contains("being accessed by other users") || text.contains("too many clients")) {
                    try await Task.sleep(nanoseconds: UInt64(attempt) * 250_000_000)
                    continue
                }
                throw TestSetupError("CREATE DATABASE \(name) failed (the role of FAZHI_TEST_POSTGRES_URL needs CREATEDB): \(text)")
            }
        }
    }

    /// Drops a test's database; `FORCE` ends any connection a failed test left open.
    func drop(_ name: String) async throws {
        try await sql().raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
    }

    /// Drops the test databases and templates of runs whose process has ended (a run that was killed
    /// never dropped its own).
    static func removeLeftovers(on db: any SQLDatabase) async throws {
        let rows = try await db.raw("SELECT datname FROM pg_database WHERE datname LIKE 'fazhi\\_t%'").all()
        for row in rows {
            let name = try row.decode(column: "datname", as: String.self)
            let parts = name.split(separator: "_")
            guard parts.count >= 3, let pid = Int(parts[2]), !TestDatabases.isRunning(pid) else { continue }
            try await db.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
        }
    }
}

/// The demo county, migrated and seeded once per test process; `TestApp` copies it for each test.
struct DemoTemplate: Sendable {
    /// The SQLite file, or the PostgreSQL database name.
    let location: String
    let accounts: [DemoCounty.DemoAccount]

    static let shared = Task<DemoTemplate, any Error> { try await make() }

    private static func make() async throws -> DemoTemplate {
        var config = TestApp.configuration()
        let location: String
        switch config.database {
        case .sqlite:
            removeSQLiteLeftovers()
            location = NSTemporaryDirectory() + "fazhi-template-\(TestDatabases.processID).sqlite"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: location + suffix) }
            config.database = .sqlite(path: location)
        case .postgres(let url):
            location = "fazhi_tpl_\(TestDatabases.processID)"
            try await TestDatabases.admin.drop(location)
            try await TestDatabases.admin.create(location, template: nil)
            config.database = .postgres(url: TestDatabases.url(url, database: location))
        }
        let app = try await Application.make(.testing)
        let (clock, _) = AppClock.manual(TestApp.start)
        do {
            try await FazhiApp.configure(app, config: config, clock: clock)
            try await FazhiApp.migrate(app)
            guard let accounts = try await FazhiApp.seedDemo(app) else { throw TestSetupError("the template was seeded already") }
            if case .sqlite = config.database {
                // Everything into the main file, so copying that one file copies the county.
                try await (app.db as! any SQLDatabase).raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            }
            try await app.asyncShutdown()
            return DemoTemplate(location: location, accounts: accounts)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Templates and copies in the temporary directory from runs whose process has ended.
    private static func removeSQLiteLeftovers() {
        let directory = NSTemporaryDirectory()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix("fazhi-template-") || name.hasPrefix("fazhi-test-") {
            let digits = name.split(separator: "-").dropFirst(2).first.flatMap { Int($0.prefix { $0.isNumber }) }
            guard let pid = digits, !TestDatabases.isRunning(pid) else { continue }
            try? FileManager.default.removeItem(atPath: directory + name)
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
