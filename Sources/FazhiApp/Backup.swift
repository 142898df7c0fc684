import FazhiCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// `fazhi backup --out FILE` and `fazhi restore FILE`: the whole county's data, consistent at one
/// moment, and back again (docs/deployment.md, "Backup").
///
/// - SQLite: `VACUUM INTO`, an online copy taken inside one read transaction while the server runs;
///   restoring copies the file into place beside, then renames it over, the database (the server is
///   stopped first).
/// - PostgreSQL: `pg_dump --format=custom` of the installation's schema, and `pg_restore --clean`.
///
/// A restore is checked before it reports success: `PRAGMA integrity_check` (SQLite) and the audit
/// chain, read by a fresh app on the restored data.
public enum Backup {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// What a restore found in the restored data.
    public struct RestoreReport: Sendable {
        public var integrity: String
        public var auditRows: Int
        public var lines: [String]
    }

    /// Writes the backup of the configured database to `path`, which must not exist yet.
    public static func backup(config: AppConfig, db: any Database, to path: String) async throws {
        guard !path.isEmpty else { throw Failure("--out：请指定备份文件路径") }
        guard !FileManager.default.fileExists(atPath: path) else { throw Failure("--out：文件“\(path)”已存在，备份不会覆盖已有文件") }
        switch config.database {
        case .sqlite:
            guard let sql = db as? any SQLDatabase else { throw Failure("数据库不支持SQL") }
            try await sql.raw("VACUUM INTO \(bind: path)").run()
        case .postgres(let url):
            var arguments = ["--format=custom", "--no-owner", "--no-privileges", "--file=\(path)", "--dbname=\(url)"]
            if let schema = config.postgresSchema { arguments.append("--schema=\(schema)") }
            try await run(try tool("pg_dump"), arguments)
        }
    }

    /// Restores `path` into the configured database, then checks the restored data with a fresh
    /// app. SQLite: the server must be stopped (the file is replaced).
    public static func restore(config: AppConfig, from path: String, environment: Environment = .development) async throws -> RestoreReport {
        guard FileManager.default.fileExists(atPath: path) else { throw Failure("备份文件“\(path)”不存在") }
        switch config.database {
        case .sqlite(let target):
            let header = try FileHandle(forReadingFrom: URL(fileURLWithPath: path)).read(upToCount: 16) ?? Data()
            guard header == Data("SQLite format 3\u{0}".utf8) else { throw Failure("“\(path)”不是SQLite备份文件") }
            let directory = URL(fileURLWithPath: target).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let staging = target + ".restoring"
            try? FileManager.default.removeItem(atPath: staging)
            try FileManager.default.copyItem(atPath: path, toPath: staging)
            // The old database's journal belongs to the old file: it must not be replayed into the new one.
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
            guard rename(staging, target) == 0 else { throw Failure("无法将备份移动到“\(target)”") }
        case .postgres(let url):
            let arguments = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname=\(url)", path]
            try await run(try tool("pg_restore"), arguments)
        }
        return try await check(config: config, environment: environment)
    }

    /// Opens the restored data in a fresh app: integrity and the audit chain.
    static func check(config: AppConfig, environment: Environment) async throws -> RestoreReport {
        let app = try await Application.make(environment)
        do {
            try await FazhiApp.configure(app, config: config)
            var integrity = "ok"
            if case .sqlite = config.database, let sql = app.db as? any SQLDatabase {
                let rows = try await sql.raw("PRAGMA integrity_check").all()
                integrity = try rows.map { try $0.decode(column: "integrity_check", as: String.self) }.joined(separator: "；")
            }
            let audit = try await AuditLog.verify(on: app.db) { _ in }
            try await app.asyncShutdown()
            switch audit {
            case .intact(let rows):
                guard integrity == "ok" else { throw Failure("恢复后的数据库完整性检查未通过：\(integrity)") }
                return RestoreReport(integrity: integrity, auditRows: Int(rows), lines: [
                    "完整性检查：\(integrity)", "审计链完整：共 \(rows) 条记录，哈希链全部相符。",
                ])
            case .broken(let seq, let reason):
                throw Failure("恢复后的审计链在第 \(seq) 条记录处断开：\(reason)")
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// A PostgreSQL client program: on the PATH, or the newest of Debian's versioned directories.
    static func tool(_ name: String) throws -> String {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
        let versioned = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin/\(name)" }
        // The versioned binary first: Debian's wrapper on the PATH picks a version by its own rules.
        guard let found = (versioned + paths).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure("找不到 \(name)：请安装 PostgreSQL 客户端（postgresql-client），版本不低于服务器")
        }
        return found
    }

    /// Runs a program off the event loop; its error output becomes the message of a failure.
    static func run(_ program: String, _ arguments: [String]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: program)
                process.arguments = arguments
                let errors = Pipe()
                process.standardError = errors
                process.standardOutput = FileHandle.nullDevice
                do {
                    try process.run()
                    let output = errors.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    if process.terminationStatus == 0 {
                        continuation.resume()
                    } else {
                        let text = String(decoding: output.prefix(2_000), as: UTF8.self)
                        continuation.resume(throwing: Failure("\(URL(fileURLWithPath: program).lastPathComponent) 失败（退出码 \(process.terminationStatus)）：\(text)"))
                    }
                } catch {
                    continuation.resume(throwing: Failure("无法运行 \(program)：\(error)"))
                }
            }
        }
    }
}

/// `fazhi backup --out FILE`.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "out", help: "备份文件路径（不得已存在）")
        var out: String?
    }

    var help: String { "备份全部数据（fazhi backup --out FILE；SQLite 在线备份，PostgreSQL 用 pg_dump）" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let out = signature.out else { throw CommandFailure("--out：请指定备份文件路径") }
        do {
            try await Backup.backup(config: app.fazhi.config, db: app.db, to: out)
        } catch let failure as Backup.Failure {
            throw CommandFailure(failure.description)
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: out)[.size]) as? Int) ?? 0
        context.console.print("已备份到 \(out)（\(size) 字节）。恢复：fazhi restore \(out)（先停止服务）")
    }
}
