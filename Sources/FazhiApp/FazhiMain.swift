import FazhiCore
import Foundation
import Logging
import Vapor

/// The `fazhi` binary: `serve [--demo]`, `migrate`, `user create`, `audit verify`, `metrics`,
/// `demo seed`, `totp`, `backup --out FILE`, `restore FILE`.
public enum FazhiMain {
    public static func run() async {
        var arguments = CommandLine.arguments
        var demo = false
        if arguments.count > 1, arguments[1] == "serve", let index = arguments.firstIndex(of: "--demo") {
            arguments.remove(at: index)
            demo = true
        }
        do {
            var env = try Environment.detect(arguments: arguments)
            if demo && env == .production {
                FileHandle.standardError.write(Data((FazhiApp.demoRefusedInProduction + "\n").utf8))
                exit(1)
            }
            let jsonLogs = ProcessInfo.processInfo.environment["FAZHI_LOG_FORMAT"] == "json"
            // FAZHI_LOG_LEVEL over Vapor's `--log` / LOG_LEVEL; a wrong value is refused with the
            // other settings' problems (`AppConfig.load`), below.
            let chosenLevel = ProcessInfo.processInfo.environment["FAZHI_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
            if jsonLogs {
                LoggingSystem.bootstrap { label in
                    var handler = JSONLogHandler(label: label)
                    handler.logLevel = chosenLevel ?? .info
                    return handler
                }
            } else {
                // Logs and warnings on standard error: standard output carries only a command's answer.
                try LoggingSystem.bootstrap(from: &env) { level in
                    { label in
                        var handler = StreamLogHandler.standardError(label: label)
                        handler.logLevel = chosenLevel ?? level
                        return handler
                    }
                }
            }
            let app = try await Application.make(env)
            var settings = ProcessInfo.processInfo.environment
            if demo, settings["FAZHI_DATABASE_URL"] == nil { settings["FAZHI_DATABASE_URL"] = "sqlite://./data/demo.sqlite" }
            var config: AppConfig
            do {
                config = try AppConfig.load(from: settings, production: env == .production)
                config.readOnly = FazhiApp.isReadOnly(Array(arguments.dropFirst()))
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                try? await app.asyncShutdown()
                exit(1)
            }
            if arguments.count > 1, arguments[1] == "restore" {
                // Before the app opens the database: a SQLite restore replaces its file.
                try? await app.asyncShutdown()
                guard arguments.count == 3 else {
                    FileHandle.standardError.write(Data("用法：fazhi restore 备份文件（先停止服务）\n".utf8))
                    exit(1)
                }
                do {
                    let report = try await Backup.restore(config: config, from: arguments[2], environment: env)
                    print("已从 \(arguments[2]) 恢复到 \(config.database.description)。")
                    for line in report.lines { print(line) }
                    exit(0)
                } catch {
                    FileHandle.standardError.write(Data("恢复失败：\(error)\n".utf8))
                    exit(1)
                }
            }
            do {
                try await FazhiApp.configure(app, config: config)
                if demo {
                    try await FazhiApp.migrate(app)
                    if let accounts = try await FazhiApp.seedDemo(app, progress: true) {
                        print(DemoBanner.text(accounts))
                    } else {
                        print(DemoBanner.text(try await DemoCounty.storedAccounts(services: app.fazhi, on: app.db)))
                        print("（使用已有演示数据 \(config.database.description)）")
                    }
                    // The accounts are the answer: out now, not when a file's buffer fills (the server runs on).
                    fflush(nil)
                }
                try await app.execute()
                // After SIGTERM: stop accepting and close the connections (Vapor would do it inside
                // `asyncShutdown`; a second shutdown is a no-op), then let the handlers already
                // running finish before the databases close under them.
                await app.server.shutdown()
                if !(await RequestMetrics.shared.drain(seconds: 30)) {
                    app.logger.warning("shutting down with \(RequestMetrics.shared.inFlight) requests still running after 30 s")
                }
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                try? await app.asyncShutdown()
                exit(1)
            }
            try await app.asyncShutdown()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(1)
        }
    }
}

/// One JSON object a line (FAZHI_LOG_FORMAT=json), for log collectors.
struct JSONLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = ["ts": Date().formatted(.iso8601), "level": event.level.rawValue, "label": label, "msg": event.message.description]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[key] = value.description }
        if let error = event.error { object["error"] = String(reflecting: error) }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}
