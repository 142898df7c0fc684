import FazhiApp
import FazhiCore
import Fluent
import Foundation
import NIOHTTP1
import SQLKit
import Testing
import Vapor
import VaporTesting

/// A configured app on a fresh database: a temporary SQLite file by default, or a new schema of
/// the PostgreSQL server in `FAZHI_TEST_POSTGRES_URL`. The clock is manual, bcrypt is cheap, and
/// the demo county is seeded with the same seed the demo uses.
struct TestApp {
    let app: Application
    let time: ManualTime
    var accounts: [String: DemoCounty.DemoAccount] = [:]

    /// 2026-03-02 09:00 Asia/Shanghai.
    static let start = Date(timeIntervalSince1970: 1_772_413_200)

    static func configuration(secureCookies: Bool = false) -> AppConfig {
        var config = AppConfig()
        config.bcryptCost = 4
        config.dataKey = Data(repeating: 42, count: 32)
        config.secureCookies = secureCookies
        let env = ProcessInfo.processInfo.environment
        if let url = env["FAZHI_TEST_POSTGRES_URL"], !url.isEmpty {
            config.database = .postgres(url: url)
            config.postgresSchema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        } else {
            config.database = .sqlite(path: NSTemporaryDirectory() + "fazhi-test-\(UUID().uuidString).sqlite")
        }
        return config
    }

    static func run(seeded: Bool = true, config: AppConfig = configuration(), _ body: (inout TestApp) async throws -> Void) async throws {
        let app = try await Application.make(.testing)
        let (clock, time) = AppClock.manual(start)
        do {
            try await FazhiApp.configure(app, config: config, clock: clock)
            try await FazhiApp.migrate(app)
            var testApp = TestApp(app: app, time: time)
            if seeded, let accounts = try await FazhiApp.seedDemo(app) {
                testApp.accounts = Dictionary(uniqueKeysWithValues: accounts.map { ($0.loginName, $0) })
            }
            try await body(&testApp)
        } catch {
            try await cleanUp(app, config: config)
            throw error
        }
        try await cleanUp(app, config: config)
    }

    static func cleanUp(_ app: Application, config: AppConfig) async throws {
        // A configuration refused at start-up never set up a database, so there is no schema to drop.
        if case .postgres = config.database, let schema = config.postgresSchema, app.databases.ids().contains(.psql) {
            try await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(ident: schema) CASCADE").run()
        }
        try await app.asyncShutdown()
        if case .sqlite(let path) = config.database {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
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
