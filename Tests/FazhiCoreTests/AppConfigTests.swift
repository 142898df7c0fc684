import Foundation
import Testing
@testable import FazhiCore

@Suite struct AppConfigTests {
    @Test("every invalid setting is listed in one error, each naming its variable")
    func listsEveryProblem() {
        // given three bad settings and a missing production key
        let env = ["FAZHI_DATABASE_URL": "mysql://x", "FAZHI_LOCKOUT_THRESHOLD": "zero", "FAZHI_METRIC_ROUNDING": "units.total=ceil:2"]
        // when loaded for production
        let problems = #expect(throws: AppConfig.Problems.self) { try AppConfig.load(from: env, production: true) }
        // then all four are reported together
        let text = problems?.description ?? ""
        #expect(problems?.messages.count == 4)
        for variable in ["FAZHI_DATABASE_URL", "FAZHI_LOCKOUT_THRESHOLD", "FAZHI_METRIC_ROUNDING", "FAZHI_DATA_KEY"] {
            #expect(text.contains(variable), "\(variable) missing from: \(text)")
        }
    }

    @Test("production serves over HTTPS: Secure cookies by default, which the setting can turn off")
    func secureByDefaultInProduction() throws {
        let key = Data(repeating: 7, count: 32).base64EncodedString()
        #expect(try AppConfig.load(from: ["FAZHI_DATA_KEY": key], production: true).secureCookies)
        #expect(try !AppConfig.load(from: ["FAZHI_DATA_KEY": key, "FAZHI_SECURE_COOKIES": "false"], production: true).secureCookies)
        #expect(try !AppConfig.load(from: [:], production: false).secureCookies)
    }

    @Test("database URLs, per-figure rounding and TOTP roles are read")
    func readsSettings() throws {
        let config = try AppConfig.load(from: [
            "FAZHI_DATABASE_URL": "postgres://u:p@db.local:5433/fazhi",
            "FAZHI_METRIC_ROUNDING": "units.total=truncate:1, accounts.active=half-up:0",
            "FAZHI_TOTP_REQUIRED_ROLES": "auditAdmin",
        ], production: false)
        #expect(config.database == .postgres(url: "postgres://u:p@db.local:5433/fazhi"))
        #expect(config.metricRounding == ["units.total": .truncate(places: 1), "accounts.active": .halfUp(places: 0)])
        #expect(config.totpRequiredRoles == [.auditAdmin])
        #expect(try AppConfig.load(from: ["FAZHI_DATABASE_URL": "sqlite:///var/lib/fazhi.sqlite"], production: false).database
            == .sqlite(path: "/var/lib/fazhi.sqlite"))
    }

    @Test("FAZHI_SITE_URL: an http(s) address, its trailing slash dropped; anything else is refused by name")
    func siteURL() throws {
        #expect(try AppConfig.load(from: ["FAZHI_SITE_URL": "https://fazhi.example.gov.cn/"], production: false).siteURL == "https://fazhi.example.gov.cn")
        #expect(try AppConfig.load(from: [:], production: false).siteURL == nil)
        for bad in ["fazhi.example.gov.cn", "ftp://x.cn", "https://"] {
            let problems = #expect(throws: AppConfig.Problems.self) { try AppConfig.load(from: ["FAZHI_SITE_URL": bad], production: false) }
            #expect(problems?.description.contains("FAZHI_SITE_URL") == true, "\(bad)")
        }
    }

    @Test("FAZHI_LOG_LEVEL: one of swift-log's levels, any case; unset leaves Vapor's; anything else is refused by name")
    func logLevel() throws {
        #expect(try AppConfig.load(from: ["FAZHI_LOG_LEVEL": "Warning"], production: false).logLevel == "warning")
        #expect(try AppConfig.load(from: ["FAZHI_LOG_LEVEL": "error"], production: false).logLevel == "error")
        #expect(try AppConfig.load(from: [:], production: false).logLevel == nil)
        for bad in ["warn", "verbose", "5"] {
            let problems = #expect(throws: AppConfig.Problems.self) { try AppConfig.load(from: ["FAZHI_LOG_LEVEL": bad], production: false) }
            #expect(problems?.description.contains("FAZHI_LOG_LEVEL=\(bad)") == true, "\(bad)")
        }
    }

    @Test("a rounding override replaces the figure's own rule")
    func overrideApplies() async throws {
        let definition = MetricDefinition(key: "test.rate", label: "测试率", definition: "20 ÷ 143", unit: .percent,
                                          compute: { _, _ in .ratio(numerator: 20, denominator: 143) }, records: { _, _ in [] })
        let module = FazhiModule(id: "test", name: "测试", metrics: [definition])
        let rounded = MetricsRegistry(modules: [module])
        let truncated = MetricsRegistry(modules: [module], roundingOverrides: ["test.rate": .truncate(places: 2)])
        #expect(rounded.rounding(for: definition) == .halfUp(places: 2))
        #expect(truncated.rounding(for: definition) == .truncate(places: 2))
    }
}
