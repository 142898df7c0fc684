import FazhiApp
import FazhiCore
import Fluent
import FluentPostgresDriver
import Foundation
import NIOHTTP1
import SQLKit
import Testing
import Vapor
import VaporTesting

/// A configured app on its own database: a temporary SQLite file by default, or a new database
/// on the PostgreSQL server in `FAZHI_TEST_POSTGRES_URL` (its role needs CREATEDB). The clock is
/// manual and bcrypt is cheap.
///
/// A seeded app does not seed: the demo county is migrated and seeded once per test process into a
/// template (`DemoTemplate`), and each test gets a copy of it — a file copy on SQLite,
/// `CREATE DATABASE … TEMPLATE` on PostgreSQL. Nothing in `AppConfig` that a test may change
/// (rounding, cookies) changes what the demo seeds; a test that needs a different seed must seed
/// itself with `seeded: false` and `FazhiApp.seedDemo`.
struct TestApp {
    let app: Application
    let time: ManualTime
    var accounts: [String: DemoCounty.DemoAccount] = [:]

    /// 2026-03-02 09:00 Asia/Shanghai.
    static let start = Date(timeIntervalSince1970: 1_772_413_200)

    /// The schema every PostgreSQL test database uses, so the `FAZHI_DATABASE_SCHEMA` path (a
    /// county in its own schema of a shared database) is the one the suite exercises.
    static let postgresSchema = "county"

    static func configuration(secureCookies: Bool = false) -> AppConfig {
        var config = AppConfig()
        config.bcryptCost = 4
        // The whole suite runs at once on two cores in a debug build: a burst of 64 writers
        // (ConcurrencyTests) queued behind every other test's work waited more than the
        // production default of 60 s for a PostgreSQL connection on CI (stop 29). The wait
        // is the machine's, not the code's; what the tests check is that nothing fails or is lost.
        config.databasePoolTimeoutSeconds = 600
        config.dataKey = Data(repeating: 42, count: 32)
        config.secureCookies = secureCookies
        if let url = TestDatabases.postgresURL {
            config.database = .postgres(url: url)
            config.postgresSchema = postgresSchema
        } else {
            config.database = .sqlite(path: TestDatabases.freshSQLitePath())
        }
        return config
    }

    static func run(seeded: Bool = true, config: AppConfig = configuration(), _ body: (inout TestApp) async throws -> Void) async throws {
        var config = config
        var accounts: [DemoCounty.DemoAccount] = []
        var ownDatabase: String?
        // The copy (or empty database) this test owns, made before the app connects to it.
        switch config.database {
        case .sqlite(let path):
            if seeded {
                let template = try await DemoTemplate.shared.value
                try FileManager.default.copyItem(atPath: template.location, toPath: path)
                accounts = template.accounts
            }
        case .postgres(let url):
            let name = TestDatabases.freshDatabaseName()
            if seeded {
                let template = try await DemoTemplate.shared.value
                try await TestDatabases.admin.create(name, template: template.location)
                accounts = template.accounts
            } else {
                try await TestDatabases.admin.create(name, template: nil)
            }
            ownDatabase = name
            config.database = .postgres(url: TestDatabases.url(url, database: name))
        }

        let app = try await Application.make(.testing)
        let (clock, time) = AppClock.manual(start)
        do {
            try await FazhiApp.configure(app, config: config, clock: clock)
            // A copy of the template is migrated already: this only confirms it.
            try await FazhiApp.migrate(app)
            var testApp = TestApp(app: app, time: time)
            testApp.accounts = Dictionary(uniqueKeysWithValues: accounts.map { ($0.loginName, $0) })
            try await body(&testApp)
        } catch {
            try await cleanUp(app, config: config, database: ownDatabase)
            throw error
        }
        try await cleanUp(app, config: config, database: ownDatabase)
    }

    static func cleanUp(_ app: Application, config: AppConfig, database: String?) async throws {
        try await app.asyncShutdown()
        if let database { try await TestDatabases.admin.drop(database) }
        if case .sqlite(let path) = config.database {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    /// A demo account as the services see it (system channel), for steps a test takes without pages.
    func principal(_ login: String) async throws -> Principal {
        let user = try #require(try await UserAccount.query(on: db).filter(\.$loginName == login).first())
        return try #require(try await AccountService.principal(user: user, channel: .system, tokenPermissions: nil, ip: "test", services: services, on: db))
    }

    /// How many audit rows carry `action` (tests compare it before and after a step: the demo county has its own).
    func auditCount(_ action: String) async throws -> Int {
        try await AuditEntryQueries.page(.init(action: action), page: PageRequest(number: 1), on: db).total
    }

    var db: any Database { app.db }
    var services: FazhiServices { app.fazhi }

    // MARK: Browser-like requests

    /// A browser: keeps cookies between requests.
    final class Browser: @unchecked Sendable {
        var cookies: [String: String] = [:]
        var csrf: String = ""

        var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }

        func absorb(_ response: TestingHTTPResponse) {
            for header in response.headers[.setCookie] {
                let pair = header.split(separator: ";", maxSplits: 1)[0]
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { continue }
                if parts[1].isEmpty || header.contains("Max-Age=0") { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
            }
            let body = response.body.string
            if let range = body.range(of: "name=\"_csrf\" value=\"") {
                let rest = body[range.upperBound...]
                csrf = String(rest.prefix { $0 != "\"" })
            }
        }
    }

    @discardableResult
    func request(_ browser: Browser, _ method: HTTPMethod, _ path: String, form: [String: String]? = nil, withCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        try await app.testing().test(method, path, beforeRequest: { req in
            if !browser.cookies.isEmpty { req.headers.replaceOrAdd(name: .cookie, value: browser.cookieHeader) }
            if method != .GET {
                var fields = form ?? [:]
                if withCSRF { fields["_csrf"] = browser.csrf }
                try req.content.encode(fields, as: .urlEncodedForm)
            }
        }, afterResponse: { response in
            captured = response
        })
        let response = try #require(captured)
        browser.absorb(response)
        return response
    }

    /// A multipart form post (with the CSRF token): text fields and one file.
    func upload(_ browser: Browser, _ path: String, fields: [String: String], file: (name: String, filename: String, content: String)?) async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        try await app.testing().test(.POST, path, beforeRequest: { req in
            req.headers.replaceOrAdd(name: .cookie, value: browser.cookieHeader)
            let boundary = "fazhi-test-boundary"
            req.headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
            var body = ""
            for (name, value) in fields.merging(["_csrf": browser.csrf], uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            if let file {
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: text/plain\r\n\r\n\(file.content)\r\n"
            }
            req.body = ByteBuffer(string: body + "--\(boundary)--\r\n")
        }, afterResponse: { captured = $0 })
        let response = try #require(captured)
        browser.absorb(response)
        return response
    }

    /// Logs in through the form, with the account's TOTP code when it has one.
    @discardableResult
    func login(_ loginName: String, password: String = DemoCounty.password, browser: Browser = Browser(), totp: String? = nil) async throws -> (Browser, TestingHTTPResponse) {
        try await request(browser, .GET, "/login")
        var form = ["loginName": loginName, "password": password]
        if let totp {
            form["totp"] = totp
        } else if let secret = accounts[loginName]?.totpSecret.flatMap(Base32.decode) {
            // A code can be used once: step past the last one.
            time.advance(by: 31)
            form["totp"] = TOTP(secret: secret).code(at: time.current)
        }
        let response = try await request(browser, .POST, "/login", form: form)
        if response.status == .seeOther {
            // A page of the new session carries its CSRF token, which later forms need.
            try await request(browser, .GET, "/profile")
        }
        return (browser, response)
    }

    func unit(_ code: String) async throws -> OrgUnit {
        try #require(try await UnitService.find(code: code, on: db))
    }

    func user(_ login: String) async throws -> UserAccount {
        try #require(try await UserAccount.query(on: db).filter(\.$loginName == login).first())
    }
}
