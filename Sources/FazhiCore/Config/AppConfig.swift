import Foundation

/// Where the data lives.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// `sqlite:///absolute/path`, `sqlite://relative/path`, or `postgres://user:pass@host:5432/db`.
    public init?(url: String) {
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else { return nil }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            guard URL(string: url)?.host != nil else { return nil }
            self = .postgres(url: url)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "SQLite \(path)"
        case .postgres(let url):
            if let parsed = URL(string: url), let host = parsed.host {
                "PostgreSQL \(host):\(parsed.port ?? 5432)\(parsed.path)"
            } else {
                "PostgreSQL"
            }
        }
    }
}

/// Every setting, read from the environment (and `.env`, which Vapor loads). Reading reports all
/// problems at once so an operator fixes them in one pass.
public struct AppConfig: Sendable {
    public var database: DatabaseLocation = .sqlite(path: "./data/fazhi.sqlite")
    /// 32 bytes; nil until `load` resolves it (from the setting or, outside production, a key file).
    public var dataKey: Data?
    public var dataKeyFile: String = "./data/fazhi.key"
    /// A command that only reads (`calendar due`, `metrics`, …): it makes no key file and, when the
    /// SQLite file is not there, no database — it reads an empty one in memory instead.
    public var readOnly = false
    public var bcryptCost: Int = 12
    public var lockoutThreshold: Int = 5
    public var lockoutMinutes: Int = 15
    public var loginRateLimitPerIP: Int = 30
    /// Checks of a published report one address may ask the public site for in a minute.
    public var publicChecksPerMinute: Int = 20
    /// Opinions on open drafts (征求意见) one address may send the public site in an hour.
    public var publicCommentsPerHour: Int = 20
    public var loginRateWindowMinutes: Int = 10
    public var sessionIdleMinutes: Int = 30
    /// How long a server remembers a resolved session cookie (its account, unit and permissions)
    /// before reading them again: 0 turns the memory off. Any change to accounts, units or sessions
    /// made through this server forgets everything at once; another server behind the same
    /// database sees such a change within this many seconds (docs/deployment.md).
    public var sessionCacheSeconds: Int = 5
    public var sessionAbsoluteHours: Int = 12
    public var passwordPolicy = PasswordPolicy()
    public var totpRequiredRoles: Set<Role> = [.systemAdmin, .securityAdmin, .auditAdmin]
    /// Served over TLS: cookies get `Secure` and the `__Host-` prefix.
    public var secureCookies = false
    public var jsonLogs = false
    /// The lowest level written to the log (`FAZHI_LOG_LEVEL`); nil: Vapor's own (`info`, or
    /// `--log` / `LOG_LEVEL`). At `info` every request writes a line; behind a reverse proxy that
    /// keeps the access log, `warning` leaves the log to what needs reading. Logging starts before
    /// the settings are read (`FazhiMain`), so it reads the variable itself; this is the checked value.
    public var logLevel: String?
    public var siteName = "法治政府建设管理平台"
    /// The address staff reach the platform at (`FAZHI_SITE_URL=https://fazhi.example.gov.cn`), for
    /// links in documents read outside it (the annual report's DOCX). Nil: such documents link to
    /// the address the download was requested from, or print plain addresses from the command line.
    public var siteURL: String?
    /// PostgreSQL schema to use (created if missing); lets one database hold several installations
    /// or parallel test runs.
    public var postgresSchema: String?
    /// Per-figure rounding rules (`FAZHI_METRIC_ROUNDING=key=truncate:2,key2=half-up:1`): published
    /// reports both round and truncate, so an installation matches the convention it reports in.
    public var metricRounding: [String: RoundingRule] = [:]
    /// The province's periods (🏷) where a module's rule lets a province set it:
    /// `FAZHI_RULE_SETTINGS=documents.filing-days=15,legal.review-workdays=5`. The keys and their
    /// bounds are the modules' (`FazhiModule.ruleSettings`), checked at start.
    public var ruleSettings: [String: Int] = [:]
    /// A clock due within this many working days is flagged 临期 (`FAZHI_DEADLINE_WARN_WORKDAYS`).
    public var deadlineWarnWorkdays: Int = 3
    /// An enforcement certificate expiring within this many days is flagged (`FAZHI_CERTIFICATE_WARN_DAYS`).
    public var certificateWarnDays: Int = 60
    /// 🏷 A fine at or above this amount (元) on a citizen makes the decision 重大 (legal review
    /// before deciding, 行政处罚法第五十八条第一款第四项 "法律、法规规定应当进行法制审核的其他情形"
    /// as provinces fill it in): `FAZHI_MAJOR_FINE_PERSON_YUAN`.
    public var majorFinePersonYuan: Int = 5_000
    /// 🏷 The same threshold for a legal person or other organisation: `FAZHI_MAJOR_FINE_ORG_YUAN`.
    public var majorFineOrganisationYuan: Int = 50_000
    /// 🏷 Whether a major decision against an enterprise needs an economic-impact assessment on
    /// record first (local 涉企行政执法 rules): `FAZHI_ENTERPRISE_IMPACT_REQUIRED`.
    public var enterpriseImpactRequired: Bool = true
    /// 🏷 行政处罚法第六十条 ("法律、法规、规章另有规定的，从其规定"): days to decide a penalty case, per
    /// enforcement domain key (`FAZHI_PENALTY_DECISION_DAYS=market=90,public-security=30`), where a
    /// local rule differs from the built-in one. Keys are the enforcement module's domains.
    public var penaltyDecisionDays: [String: Int] = [:]
    /// How long a request waits for a database connection before it fails. SQLite has one writer
    /// and one connection per event loop, so a burst of writes queues: sixty seconds, not the
    /// driver's ten (ConcurrencyTests).
    public var databasePoolTimeoutSeconds: Int = 60
    /// PostgreSQL connections per event loop (per CPU core) of one app server (docs/decisions.md).
    public var postgresConnectionsPerLoop: Int = 4
    /// How many database handles one evaluation of many figures (a report, `/figures`, the API,
    /// `fazhi metrics`) spreads its statements over, one per event loop in turn; 1 evaluates them
    /// one by one (`Application.figureDatabases`, issue 16).
    public var figureWorkers: Int = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 4)

    public init() {}

    public struct Problems: Error, CustomStringConvertible {
        public var messages: [String]

        public init(messages: [String]) { self.messages = messages }

        public var description: String {
            "配置有误，平台未启动：\n" + messages.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    /// The names `FAZHI_LOG_LEVEL` takes, lowest first (swift-log's levels).
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Reads every setting; throws one ``Problems`` listing each missing or invalid one.
    public static func load(from env: [String: String], production: Bool) throws(Problems) -> AppConfig {
        var config = AppConfig()
        var problems: [String] = []

        func int(_ key: String, _ range: ClosedRange<Int>, into target: inout Int) {
            guard let raw = env[key], !raw.isEmpty else { return }
            if let value = Int(raw), range.contains(value) {
                target = value
            } else {
                problems.append("\(key)=\(raw)：应为\(range.lowerBound)到\(range.upperBound)之间的整数")
            }
        }
        func bool(_ key: String, into target: inout Bool) {
            guard let raw = env[key], !raw.isEmpty else { return }
            switch raw.lowercased() {
            case "1", "true", "yes", "on": target = true
            case "0", "false", "no", "off": target = false
            default: problems.append("\(key)=\(raw)：应为 true 或 false")
            }
        }

        if let url = env["FAZHI_DATABASE_URL"], !url.isEmpty {
            if let location = DatabaseLocation(url: url) {
                config.database = location
            } else {
                problems.append("FAZHI_DATABASE_URL：应为 sqlite:///路径 或 postgres://用户:密码@主机:5432/库名")
            }
        }
        if let key = env["FAZHI_DATA_KEY"], !key.isEmpty {
            if let data = Data(base64Encoded: key), data.count == 32 {
                config.dataKey = data
            } else {
                problems.append("FAZHI_DATA_KEY：应为32字节随机密钥的Base64编码（可用 `openssl rand -base64 32` 生成）")
            }
        } else if production {
            problems.append("FAZHI_DATA_KEY：生产环境必须设置个人信息加密密钥（32字节的Base64编码）")
        }
        if let file = env["FAZHI_DATA_KEY_FILE"], !file.isEmpty { config.dataKeyFile = file }
        int("FAZHI_BCRYPT_COST", 4...16, into: &config.bcryptCost)
        if production, config.bcryptCost < 12 {
            problems.append("FAZHI_BCRYPT_COST：生产环境不得低于12")
        }
        int("FAZHI_DEADLINE_WARN_WORKDAYS", 0...60, into: &config.deadlineWarnWorkdays)
        int("FAZHI_CERTIFICATE_WARN_DAYS", 1...365, into: &config.certificateWarnDays)
        int("FAZHI_MAJOR_FINE_PERSON_YUAN", 1...100_000_000, into: &config.majorFinePersonYuan)
        int("FAZHI_MAJOR_FINE_ORG_YUAN", 1...1_000_000_000, into: &config.majorFineOrganisationYuan)
        bool("FAZHI_ENTERPRISE_IMPACT_REQUIRED", into: &config.enterpriseImpactRequired)
        if let spec = env["FAZHI_PENALTY_DECISION_DAYS"], !spec.isEmpty {
            for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") }),
                   let days = Int(parts[1]), (1...366).contains(days) {
                    config.penaltyDecisionDays[parts[0]] = days
                } else {
                    problems.append("FAZHI_PENALTY_DECISION_DAYS：“\(item)”应写成 执法领域代码=日数（1至366），例如 market=90")
                }
            }
        }
        int("FAZHI_DB_POOL_TIMEOUT", 1...600, into: &config.databasePoolTimeoutSeconds)
        int("FAZHI_DB_CONNECTIONS_PER_CORE", 1...64, into: &config.postgresConnectionsPerLoop)
        int("FAZHI_FIGURE_WORKERS", 1...16, into: &config.figureWorkers)
        int("FAZHI_LOCKOUT_THRESHOLD", 1...100, into: &config.lockoutThreshold)
        int("FAZHI_LOCKOUT_MINUTES", 1...1440, into: &config.lockoutMinutes)
        int("FAZHI_LOGIN_RATE_LIMIT", 1...10000, into: &config.loginRateLimitPerIP)
        int("FAZHI_PUBLIC_CHECKS_PER_MINUTE", 1...10000, into: &config.publicChecksPerMinute)
        int("FAZHI_PUBLIC_COMMENTS_PER_HOUR", 1...10000, into: &config.publicCommentsPerHour)
        int("FAZHI_SESSION_IDLE_MINUTES", 1...1440, into: &config.sessionIdleMinutes)
        int("FAZHI_SESSION_CACHE_SECONDS", 0...60, into: &config.sessionCacheSeconds)
        int("FAZHI_SESSION_ABSOLUTE_HOURS", 1...168, into: &config.sessionAbsoluteHours)
        int("FAZHI_PASSWORD_MIN_LENGTH", 8...64, into: &config.passwordPolicy.minimumLength)
        int("FAZHI_PASSWORD_EXPIRY_DAYS", 0...3650, into: &config.passwordPolicy.expiryDays)
        int("FAZHI_PASSWORD_HISTORY", 0...24, into: &config.passwordPolicy.historyCount)
        bool("FAZHI_PASSWORD_COMPLEXITY", into: &config.passwordPolicy.requireThreeClasses)
        // Production is served over HTTPS: Secure cookies (and HSTS) unless the setting says otherwise.
        if production { config.secureCookies = true }
        bool("FAZHI_SECURE_COOKIES", into: &config.secureCookies)
        if let format = env["FAZHI_LOG_FORMAT"], !format.isEmpty {
            switch format {
            case "json": config.jsonLogs = true
            case "text": config.jsonLogs = false
            default: problems.append("FAZHI_LOG_FORMAT=\(format)：应为 text 或 json")
            }
        }
        if let level = env["FAZHI_LOG_LEVEL"], !level.isEmpty {
            if Self.logLevels.contains(level.lowercased()) {
                config.logLevel = level.lowercased()
            } else {
                problems.append("FAZHI_LOG_LEVEL=\(level)：应为 \(Self.logLevels.joined(separator: "、")) 之一")
            }
        }
        if let roles = env["FAZHI_TOTP_REQUIRED_ROLES"] {
            var set: Set<Role> = []
            for name in roles.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                if let role = Role(rawValue: name) {
                    set.insert(role)
                } else {
                    problems.append("FAZHI_TOTP_REQUIRED_ROLES：未知角色“\(name)”，可选 \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            config.totpRequiredRoles = set
        }
        if let schema = env["FAZHI_DATABASE_SCHEMA"], !schema.isEmpty {
            if schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                config.postgresSchema = schema
            } else {
                problems.append("FAZHI_DATABASE_SCHEMA=\(schema)：只能使用字母、数字和下划线")
            }
        }
        if let spec = env["FAZHI_METRIC_ROUNDING"], !spec.isEmpty {
            for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2, !parts[0].isEmpty, let rule = RoundingRule(spec: parts[1]) {
                    config.metricRounding[parts[0]] = rule
                } else {
                    problems.append("FAZHI_METRIC_ROUNDING：“\(item)”应写成 指标代码=half-up:位数 或 指标代码=truncate:位数（位数0至6）")
                }
            }
        }
        if let spec = env["FAZHI_RULE_SETTINGS"], !spec.isEmpty {
            for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-" || $0 == ".") }), let value = Int(parts[1]) {
                    config.ruleSettings[parts[0]] = value
                } else {
                    problems.append("FAZHI_RULE_SETTINGS：“\(item)”应写成 规则代码=整数，例如 documents.filing-days=15")
                }
            }
        }
        if let name = env["FAZHI_SITE_NAME"], !name.isEmpty { config.siteName = name }
        if let url = env["FAZHI_SITE_URL"], !url.isEmpty {
            let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
            if let parsed = URL(string: trimmed), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil, !trimmed.contains(" ") {
                config.siteURL = trimmed
            } else {
                problems.append("FAZHI_SITE_URL：“\(url)”应为 http:// 或 https:// 开头的网址，例如 https://fazhi.example.gov.cn")
            }
        }

        if !problems.isEmpty { throw Problems(messages: problems) }
        return config
    }
}
