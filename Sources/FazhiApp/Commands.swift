import FazhiCore
import Fluent
import Foundation
import Vapor

/// `fazhi user create --login NAME --name 姓名 --unit CODE [--role ROLE]`; the password is read
/// from standard input when it is not a terminal, otherwise asked for without echo.
struct UserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create")
        var action: String
        @Option(name: "login", help: "登录名")
        var login: String?
        @Option(name: "name", help: "姓名")
        var name: String?
        @Option(name: "unit", help: "所属单位编码")
        var unit: String?
        @Option(name: "role", help: "角色：\(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        var role: String?
    }

    var help: String { "创建账户（fazhi user create --login … --name … --unit … --role …）" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "create" else { throw CommandFailure("未知操作“\(signature.action)”，可用：create") }
        var role: Role?
        if let raw = signature.role {
            guard let parsed = Role(rawValue: raw) else { throw CommandFailure("未知角色“\(raw)”，可选：\(Role.allCases.map(\.rawValue).joined(separator: ", "))") }
            role = parsed
        }
        let password: String
        if isatty(STDIN_FILENO) == 1 {
            password = context.console.ask("密码（不回显）：", isSecure: true)
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        let app = context.application
        do {
            let user = try await AccountService.createUser(loginName: signature.login, displayName: signature.name, unitCode: signature.unit,
                                                           password: password, role: role, mustChangePassword: false,
                                                           by: .system(), services: app.fazhi, on: app.db)
            context.console.print("已创建账户 \(user.loginName)（\(role?.label ?? "未分配角色")）")
        } catch let failure as ValidationFailure {
            throw CommandFailure(failure.errors.map(\.text).joined(separator: "\n"))
        }
    }
}

/// `fazhi audit verify`: walks the hash chain and names the first row that does not fit.
struct AuditCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "verify、anchor 或 rekey")
        var action: String
        @Option(name: "anchor", help: "已公布的锚点（FAZHI-AUDIT-ANCHOR …）")
        var anchor: String?
    }

    var help: String { "校验审计日志哈希链（fazhi audit verify [--anchor 锚点]）；签发链头锚点（fazhi audit anchor）；核验并封存升级前的旧链（fazhi audit rekey）" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        let db = context.application.db
        switch signature.action {
        case "anchor":
            guard let anchor = try await AuditLog.anchor(at: context.application.fazhi.now, on: db) else { throw CommandFailure("审计日志为空，无可签发的锚点") }
            console.print(anchor.description)
        case "verify":
            let result = try await AuditLog.verify(on: db) { checked in
                console.output("已校验 \(checked) 条…".consoleText(.info))
            }
            switch result {
            case .intact(let rows):
                console.print("审计链完整：共 \(rows) 条记录，哈希链全部相符。")
            case .broken(let seq, let reason):
                throw CommandFailure("审计链在第 \(seq) 条记录处断开：\(reason)")
            }
            if let text = signature.anchor {
                guard let anchor = AuditAnchor(text) else { throw CommandFailure("--anchor：不是有效的锚点（应以 FAZHI-AUDIT-ANCHOR 开头）") }
                switch try await AuditLog.check(anchor, on: db) {
                case .intact: console.print("与锚点相符：第 \(anchor.seq) 条记录及之前的记录自 \(anchor.at) 签发以来未被改动或截断。")
                case .broken(let seq, let reason): throw CommandFailure("与锚点不符（第 \(seq) 条）：\(reason)")
                }
            }
        case "rekey":
            switch try await AuditLog.rekey(by: Principal.system("审计链转换").auditActor, at: context.application.fazhi.now, on: db) {
            case .sealed(let through, let marker):
                console.print("旧链第1至\(through)条记录按SHA-256核验无误，已由第\(marker)条记录以密钥哈希链封存；fazhi audit verify 现应通过。")
            case .alreadyKeyed(let rows):
                console.print("审计链已是密钥哈希链（共 \(rows) 条），无需转换。")
            case .refused(let reason):
                throw CommandFailure(reason)
            }
        default:
            throw CommandFailure("未知操作“\(signature.action)”，可用：verify、anchor、rekey")
        }
    }
}

/// `fazhi metrics --year 2023 [--unit CODE] [--json]`: every registered figure.
struct MetricsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "year", help: "年度")
        var year: Int?
        @Option(name: "unit", help: "单位编码（默认全县）")
        var unit: String?
        @Flag(name: "json", help: "输出JSON")
        var json: Bool
    }

    var help: String { "计算并打印全部统计指标（fazhi metrics --year 2023 [--unit CODE] [--json]）" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let year = signature.year, (2000...2100).contains(year) else { throw CommandFailure("请用 --year 指定年度（2000至2100）") }
        var scope = MetricScope(year: year, unitPath: nil, unitName: "全县（区）")
        if let code = signature.unit {
            guard let unit = try await UnitService.find(code: code, on: app.db) else { throw CommandFailure("找不到编码为“\(code)”的单位") }
            scope = MetricScope(year: year, unitPath: unit.path, unitName: unit.name)
        }
        let results = try await app.fazhi.metrics.evaluateAll(scope: scope, on: app.figureDatabases())
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            context.console.print(String(decoding: try encoder.encode(MetricsReport(year: year, unit: scope.unitName, figures: results)), as: UTF8.self))
            return
        }
        for line in MetricsText.lines(year: year, unitName: scope.unitName, results: results) { context.console.print(line) }
    }

    struct MetricsReport: Encodable {
        var year: Int
        var unit: String
        var figures: [MetricResult]
    }
}

/// `fazhi demo seed`: migrates and creates the demo county (once).
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "seed")
        var action: String
    }

    var help: String { "生成演示县数据（fazhi demo seed）" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "seed" else { throw CommandFailure("未知操作“\(signature.action)”，可用：seed") }
        guard context.application.environment != .production else { throw CommandFailure(FazhiApp.demoRefusedInProduction) }
        context.console.print("正在执行数据库迁移…")
        try await FazhiApp.migrate(context.application)
        context.console.print("正在生成演示县…")
        guard let accounts = try await FazhiApp.seedDemo(context.application, progress: true) else {
            context.console.print("演示数据已存在，未重复生成。")
            return
        }
        context.console.print(DemoBanner.text(accounts))
    }
}

/// `fazhi totp SECRET`: the current code for a base32 secret (for the demo's admin accounts).
struct TOTPCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "secret", help: "Base32密钥")
        var secret: String
    }

    var help: String { "打印某个动态口令密钥当前的6位口令（演示用）" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let secret = Base32.decode(signature.secret), !secret.isEmpty else { throw CommandFailure("密钥不是有效的Base32") }
        context.console.print(TOTP(secret: secret).code(at: Date()))
    }
}

enum DemoBanner {
    static func text(_ accounts: [DemoCounty.DemoAccount]) -> String {
        var lines = ["", "演示县“示范县”已就绪。所有演示账户的密码均为：\(DemoCounty.password)", ""]
        for account in accounts {
            var line = "  \(account.loginName.padding(toLength: 14, withPad: " ", startingAt: 0))\(account.role.label)（\(account.displayName)，\(account.unitCode)）"
            if let secret = account.totpSecret { line += "  动态口令密钥 \(secret)（当前口令：fazhi totp \(secret)）" }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}


/// What `fazhi metrics` prints: a heading, then one tab-separated line per figure.
public enum MetricsText {
    public static func lines(year: Int, unitName: String, results: [MetricResult]) -> [String] {
        ["\(year)年 \(unitName)"] + results.map { result in
            var line = "\(result.key)\t\(result.label)\t\(result.value.map { $0 + result.unit } ?? "无数据")"
            if let numerator = result.numerator, let denominator = result.denominator { line += "\t(\(numerator) ÷ \(denominator))" }
            if let yoy = result.yearOverYear { line += "\t同比\(yoy)%" }
            return line
        }
    }

}
