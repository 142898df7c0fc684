import FazhiApp
import FazhiCore
import Fluent
import Reconsideration
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite struct AuthenticationTests {
    @Test("a resolved session is remembered for FAZHI_SESSION_CACHE_SECONDS: a change made behind the server's back shows after it, one made through the services at once")
    func sessionCache() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("supervisor")
            #expect(try await t.request(officer, .GET, "/units").status == .ok)
            #expect(t.services.sessionCache.count == 1)
            // Another server (here: SQL behind this one's back) ends the session: this server keeps
            // the entry for at most the cache's seconds, then reads the database again.
            try await (t.db as! any SQLDatabase).raw("UPDATE sessions SET ended_at = CURRENT_TIMESTAMP, end_reason = 'elsewhere'").run()
            #expect(try await t.request(officer, .GET, "/units").status == .ok)
            t.time.advance(by: Double(t.services.config.sessionCacheSeconds))
            #expect(try await t.request(officer, .GET, "/units").status == .seeOther)

            // Through the services, a change applies to the next request: a new role ends the account's
            // sessions (docs/security.md), and the cached one with them.
            let (admin, _) = try await t.login("supervisor")
            #expect(try await t.request(admin, .GET, "/units").status == .ok)
            let account = try #require(try await UserAccount.query(on: t.db).filter(\.$loginName == "supervisor").first())
            try await AccountService.assignRole(account.id!, role: .townshipStaff, by: .system(), services: t.services, on: t.db)
            #expect(t.services.sessionCache.count == 0)
            let after = try await t.request(admin, .GET, "/units/new").status
            #expect(after == .seeOther, "\(after)")
        }
    }

    @Test("docs/security.md: 5 failed logins lock the account for 15 minutes, and the lock is audited")
    func lockout() async throws {
        try await TestApp.run { t in
            for _ in 1...5 {
                let (_, response) = try await t.login("supervisor", password: "Wrong-Password-1")
                #expect(response.status == .unauthorized)
            }
            let (_, locked) = try await t.login("supervisor")
            #expect(locked.status == .unauthorized)
            #expect(locked.body.string.contains("已锁定"))
            let locks = try await AuditEntryQueries.page(.init(action: "auth.lock"), page: PageRequest(number: 1), on: t.db)
            #expect(locks.total == 1)
            t.time.advance(by: 15 * 60 + 1)
            let (_, unlocked) = try await t.login("supervisor")
            #expect(unlocked.status == .seeOther)
        }
    }

    @Test("an unknown login name answers like a real one: the same message, and after five failures the same lock")
    func unknownNamesLookReal() async throws {
        try await TestApp.run { t in
            let (_, unknown) = try await t.login("no.such.person", password: "Wrong-Password-1")
            let (_, wrong) = try await t.login("leader", password: "Wrong-Password-1")
            #expect(unknown.status == wrong.status)
            #expect(unknown.body.string.contains("登录名、密码或动态口令错误") && wrong.body.string.contains("登录名、密码或动态口令错误"))
            for _ in 2...5 {
                _ = try await t.login("no.such.person", password: "Wrong-Password-1")
                _ = try await t.login("leader", password: "Wrong-Password-1")
            }
            let (_, unknownLocked) = try await t.login("no.such.person", password: "Wrong-Password-1")
            let (_, realLocked) = try await t.login("leader", password: "Wrong-Password-1")
            #expect(unknownLocked.body.string.contains("账户因多次登录失败已锁定") && realLocked.body.string.contains("账户因多次登录失败已锁定"))
        }
    }

    @Test("a login name is cut to 64 characters before it is stored, and a rate-limited address adds one audit row per window")
    func boundedAttempts() async throws {
        var config = TestApp.configuration()
        config.loginRateLimitPerIP = 3
        try await TestApp.run(config: config) { t in
            let long = String(repeating: "甲", count: 5000)
            for _ in 1...3 { _ = try await t.login(long, password: "x") }
            let before = try await AuditEntryQueries.count(on: t.db)
            for _ in 1...20 {
                let (_, response) = try await t.login(long, password: "x")
                #expect(response.body.string.contains("登录尝试过于频繁"))
            }
            #expect(try await AuditEntryQueries.count(on: t.db) - before == 1)
            let rows = try await AuditEntryQueries.page(.init(action: "auth.login"), page: PageRequest(number: 1, size: 200), on: t.db).items
            #expect(rows.contains { $0.entityID == String(repeating: "甲", count: 64) })
            #expect(!rows.contains { $0.entityID.count > 64 })
        }
    }

    @Test("the security admin resets a forgotten password (shown once, changed at the next login) and a lost TOTP device; both are audited")
    func adminResets() async throws {
        try await TestApp.run { t in
            let leader = try await t.user("leader")
            let (admin, _) = try await t.login("secadmin")
            let page = try await t.request(admin, .POST, "/users/\(leader.id!)/reset-password", form: [:])
            #expect(page.status == .ok)
            let body = page.body.string
            let start = try #require(body.range(of: "<code>"))
            let temporary = String(body[start.upperBound...].prefix { $0 != "<" })
            #expect(temporary.hasPrefix("Tmp-") && temporary.count >= 16)
            #expect(try await t.login("leader").1.status == .unauthorized)
            let (browser, login) = try await t.login("leader", password: temporary)
            #expect(login.status == .seeOther)
            // The temporary password must be changed before anything else.
            #expect(try await t.request(browser, .GET, "/").headers.first(name: .location) == "/profile/password")
            // A lost TOTP device: the admin account enrols again at its next login.
            let auditor = try await t.user("auditor")
            #expect(auditor.totpEnabled)
            #expect(try await t.request(admin, .POST, "/users/\(auditor.id!)/reset-totp", form: [:]).status == .seeOther)
            #expect(try await t.user("auditor").totpEnabled == false)
            let (auditorBrowser, auditorLogin) = try await t.login("auditor", totp: "")
            #expect(auditorLogin.status == .seeOther)
            #expect(try await t.request(auditorBrowser, .GET, "/audit").headers.first(name: .location) == "/profile/totp")
            for action in ["user.password_reset", "user.totp_reset"] {
                #expect(try await AuditEntryQueries.page(.init(action: action), page: PageRequest(number: 1), on: t.db).total == 1)
            }
            // The temporary password is in no audit row.
            let rows = try await AuditEntryQueries.page(.init(), page: PageRequest(number: 1, size: 200), on: t.db).items
            #expect(!rows.contains { $0.detail.contains(temporary) })
        }
    }

    @Test("an API token narrowed to a unit reads that unit's subtree only, and cannot be narrowed outside its owner's scope")
    func tokenNarrowedToAUnit() async throws {
        try await TestApp.run { t in
            let supervisor = try #require(try await AccountService.principal(user: try await t.user("supervisor"), channel: .system, tokenPermissions: nil, ip: "t",
                                                                              services: t.services, on: t.db))
            let (token, record) = try await AccountService.createAPIToken(for: supervisor, name: "省平台", permissions: ["reconsideration.read"], days: 30,
                                                                          unitCode: "SFX-DL", services: t.services, on: t.db)
            let townshipB = try await t.unit("SFX-DL")
            #expect(record.unitPath == townshipB.path)
            func get(_ path: String) async throws -> TestingHTTPResponse {
                var captured: TestingHTTPResponse?
                try await t.app.testing().test(.GET, path, beforeRequest: { $0.headers.bearerAuthorization = BearerAuthorization(token: token) },
                                               afterResponse: { captured = $0 })
                guard let captured else { throw TestSetupError("no response for \(path)") }
                return captured
            }
            let all = try await ReconsiderationCase.query(on: t.db).all()
            let inside = try #require(all.first { $0.respondentPath.hasPrefix(townshipB.path) })
            let outside = try #require(all.first { !$0.respondentPath.hasPrefix(townshipB.path) })
            let list = try await get("/api/v1/reconsideration?pageSize=200")
            #expect(list.status == .ok)
            struct Listing: Decodable { var items: [[String: AnyDecodable]]; var total: Int }
            let listing = try JSONDecoder().decode(Listing.self, from: Data(list.body.string.utf8))
            let ids = listing.items.compactMap { $0["id"]?.text }
            #expect(ids.contains(inside.id!.uuidString) && !ids.contains(outside.id!.uuidString))
            #expect(listing.total == all.filter { $0.respondentPath.hasPrefix(townshipB.path) }.count)
            #expect(try await get("/api/v1/reconsideration/\(outside.id!)").status == .forbidden)
            #expect(try await get("/api/v1/reconsideration/\(inside.id!)").status == .ok)
            // A department officer cannot narrow a token to a township it does not hold.
            let officer = try #require(try await AccountService.principal(user: try await t.user("officer.scjg"), channel: .system, tokenPermissions: nil, ip: "t",
                                                                           services: t.services, on: t.db))
            await #expect(throws: ValidationFailure.self) {
                _ = try await AccountService.createAPIToken(for: Principal(userID: officer.userID, loginName: officer.loginName, displayName: officer.displayName,
                                                                           role: .departmentOfficer, unitID: officer.unitID, unitName: officer.unitName, unitPath: officer.unitPath,
                                                                           permissions: officer.permissions, channel: .session(id: UUID(), csrfToken: "", mustEnrollTOTP: false), ip: "t"),
                                                            name: "越权", permissions: ["reconsideration.read"], days: 30, unitCode: "SFX-DL", services: t.services, on: t.db)
            }
        }
    }

    @Test("API tokens end with a password change and with a lock")
    func tokensFollowCredentials() async throws {
        try await TestApp.run { t in
            func token(_ login: String) async throws -> String {
                let user = try await t.user(login)
                let principal = try #require(try await AccountService.principal(user: user, channel: .system, tokenPermissions: nil, ip: "test", services: t.services, on: t.db))
                return try await AccountService.createAPIToken(for: principal, name: "测试", permissions: Array(principal.permissions), days: 30, services: t.services, on: t.db).0
            }
            func status(_ token: String) async throws -> HTTPStatus {
                var status = HTTPStatus.internalServerError
                try await t.app.testing().test(.GET, "/api/v1/me", beforeRequest: { $0.headers.bearerAuthorization = BearerAuthorization(token: token) },
                                               afterResponse: { status = $0.status })
                return status
            }
            let leaderToken = try await token("leader")
            #expect(try await status(leaderToken) == .ok)
            let leader = try await t.user("leader")
            try await AccountService.changePassword(leader.id!, current: DemoCounty.password, new: "New-Passw0rd-2026", confirmation: "New-Passw0rd-2026",
                                                    keepSession: nil, by: .system(), services: t.services, on: t.db)
            #expect(try await status(leaderToken) == .unauthorized)
            let officerToken = try await token("officer.scjg")
            for _ in 1...5 { _ = try await t.login("officer.scjg", password: "Wrong-Password-1") }
            #expect(try await status(officerToken) == .unauthorized)
            let revocations = try await AuditEntryQueries.page(.init(action: "apitoken.revoke"), page: PageRequest(number: 1), on: t.db)
            #expect(revocations.total == 2)
        }
    }

    @Test("TOTP: an admin needs the current code; a wrong or reused code is refused")
    func totp() async throws {
        try await TestApp.run { t in
            let secret = try #require(t.accounts["auditor"]?.totpSecret.flatMap(Base32.decode))
            let (_, missing) = try await t.login("auditor", totp: "")
            #expect(missing.status == .unauthorized)
            let (_, wrong) = try await t.login("auditor", totp: "000000" == TOTP(secret: secret).code(at: t.time.current) ? "111111" : "000000")
            #expect(wrong.status == .unauthorized)
            let code = TOTP(secret: secret).code(at: t.time.current)
            let (_, good) = try await t.login("auditor", totp: code)
            #expect(good.status == .seeOther)
            let (_, replay) = try await t.login("auditor", totp: code)
            #expect(replay.status == .unauthorized)
        }
    }

    @Test("an admin role without TOTP is sent to enrol before anything else")
    func enrolmentRequired() async throws {
        try await TestApp.run { t in
            let user = try await t.user("secadmin")
            user.totpEnabled = false
            user.totpSecret = nil
            try await user.save(on: t.db)
            let (browser, response) = try await t.login("secadmin", totp: "")
            #expect(response.status == .seeOther)
            let home = try await t.request(browser, .GET, "/users")
            #expect(home.headers.first(name: .location) == "/profile/totp")
            let page = try await t.request(browser, .GET, "/profile/totp")
            let secretText = try #require(page.body.string.range(of: "<code>").map { page.body.string[$0.upperBound...].prefix { $0 != "<" } })
            let code = TOTP(secret: try #require(Base32.decode(String(secretText)))).code(at: t.time.current)
            let confirm = try await t.request(browser, .POST, "/profile/totp", form: ["code": code])
            #expect(confirm.status == .seeOther)
            #expect(try await t.request(browser, .GET, "/users").status == .ok)
        }
    }

    @Test("sessions end after 30 idle minutes and after 12 hours however active")
    func expiry() async throws {
        try await TestApp.run { t in
            let (browser, _) = try await t.login("supervisor")
            t.time.advance(by: 29 * 60)
            #expect(try await t.request(browser, .GET, "/units").status == .ok)
            t.time.advance(by: 31 * 60)
            #expect(try await t.request(browser, .GET, "/units").headers.first(name: .location)?.hasPrefix("/login") == true)

            let (active, _) = try await t.login("leader")
            for _ in 0..<36 {
                t.time.advance(by: 20 * 60)
                #expect(try await t.request(active, .GET, "/units").status == .ok)
            }
            t.time.advance(by: 20 * 60 + 1)
            #expect(try await t.request(active, .GET, "/units").headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }

    @Test("the session id changes at login; logout ends the session")
    func sessionLifecycle() async throws {
        try await TestApp.run { t in
            let (browser, _) = try await t.login("supervisor")
            let first = try #require(browser.cookies["fazhi_session"])
            try await t.login("supervisor", browser: browser)
            let second = try #require(browser.cookies["fazhi_session"])
            #expect(first != second)
            let stale = TestApp.Browser()
            stale.cookies["fazhi_session"] = first
            #expect(try await t.request(stale, .GET, "/").headers.first(name: .location)?.hasPrefix("/login") == true)

            #expect(try await t.request(browser, .POST, "/logout").status == .seeOther)
            let reused = TestApp.Browser()
            reused.cookies["fazhi_session"] = second
            #expect(try await t.request(reused, .GET, "/").headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }

    @Test("a state-changing form without the CSRF token is refused and changes nothing")
    func csrf() async throws {
        try await TestApp.run { t in
            let (browser, _) = try await t.login("sysadmin")
            let response = try await t.request(browser, .POST, "/units/new",
                                                form: ["code": "NEW-1", "name": "新单位", "kind": "部门", "parentCode": DemoCounty.governmentCode], withCSRF: false)
            #expect(response.status == .forbidden)
            #expect(response.body.string.contains("CSRF"))
            #expect(try await UnitService.find(code: "NEW-1", on: t.db) == nil)
            let accepted = try await t.request(browser, .POST, "/units/new",
                                                form: ["code": "NEW-1", "name": "新单位", "kind": "部门", "parentCode": DemoCounty.governmentCode])
            #expect(accepted.status == .seeOther)
            #expect(try await UnitService.find(code: "NEW-1", on: t.db) != nil)
        }
    }

    @Test("cookie flags: HttpOnly and SameSite=Lax; Secure and __Host- prefix over TLS")
    func cookieFlags() async throws {
        try await TestApp.run { t in
            let (_, response) = try await t.login("supervisor")
            let cookie = try #require(response.headers[.setCookie].first { $0.hasPrefix("fazhi_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))
        }
        try await TestApp.run(config: TestApp.configuration(secureCookies: true)) { t in
            let (_, response) = try await t.login("supervisor")
            let cookie = try #require(response.headers[.setCookie].first { $0.hasPrefix("__Host-fazhi_session=") })
            #expect(cookie.contains("Secure"))
            #expect(cookie.contains("HttpOnly"))
            #expect(!cookie.contains("Domain="))
            #expect(response.headers.first(name: "Strict-Transport-Security") == "max-age=31536000")
        }
        // Without TLS no HSTS: a browser would then refuse the plain-HTTP installation.
        try await TestApp.run(seeded: false) { t in
            try await t.app.testing().test(.GET, "/login") { #expect($0.headers.first(name: "Strict-Transport-Security") == nil) }
        }
    }

    @Test("the demo is refused in production; its TOTP secrets differ between installations")
    func demoNotInProduction() async throws {
        let app = try await Application.make(.production)
        var config = TestApp.configuration()
        config.database = .sqlite(path: TestDatabases.freshSQLitePath())
        do {
            try await FazhiApp.configure(app, config: config)
            try await FazhiApp.migrate(app)
            let refusal = await #expect(throws: CommandFailure.self) { try await FazhiApp.seedDemo(app) }
            #expect(refusal?.description.contains("生产环境") == true)
            #expect(try await DemoCounty.isSeeded(on: app.db) == false)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        if case .sqlite(let path) = config.database { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        // Two installations' admin secrets: random, not derived from the published seed.
        try await TestApp.run(seeded: false) { t in
            let first = DemoCounty.demoAccounts(services: t.services).compactMap(\.totpSecret)
            let second = DemoCounty.demoAccounts(services: t.services).compactMap(\.totpSecret)
            #expect(first.count == 3 && first != second)
        }
    }

    @Test("password change: history of 5 is enforced and other sessions end")
    func passwordChange() async throws {
        try await TestApp.run { t in
            let (other, _) = try await t.login("supervisor")
            let (browser, _) = try await t.login("supervisor")
            let reuse = try await t.request(browser, .POST, "/profile/password",
                                             form: ["current": DemoCounty.password, "password": DemoCounty.password, "confirmation": DemoCounty.password])
            #expect(reuse.status == .unprocessableEntity)
            #expect(reuse.body.string.contains("最近5次"))
            let changed = try await t.request(browser, .POST, "/profile/password",
                                               form: ["current": DemoCounty.password, "password": "New-Secret-2026", "confirmation": "New-Secret-2026"])
            #expect(changed.status == .seeOther)
            #expect(try await t.request(browser, .GET, "/units").status == .ok)
            #expect(try await t.request(other, .GET, "/units").headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }
}

/// Any JSON value, read for the fields a test looks at.
struct AnyDecodable: Decodable {
    let text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        text = try? container.decode(String.self)
    }
}
