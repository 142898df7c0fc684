import FazhiApp
import FazhiCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct AuthenticationTests {
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
