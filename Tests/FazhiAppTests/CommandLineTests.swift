@testable import FazhiApp
import FazhiCore
import Foundation
import Testing
import Vapor

/// The command line's manners (issue 20): a command that only reads creates nothing in the
/// directory it runs in; long work reports progress on standard error, never on standard output.
@Suite struct CommandLineTests {
    @Test("the read-only commands are recognised by their words, whatever the options")
    func readOnlyWords() {
        #expect(FazhiApp.isReadOnly(["calendar", "due", "--start", "2025-09-26", "--rule", "workdays:20"]))
        #expect(FazhiApp.isReadOnly(["metrics", "--year", "2025"]) && FazhiApp.isReadOnly(["audit", "verify"]) && FazhiApp.isReadOnly(["check-report", "a.md"]))
        #expect(!FazhiApp.isReadOnly(["calendar", "import", "x.json"]) && !FazhiApp.isReadOnly(["serve"]) && !FazhiApp.isReadOnly(["migrate"]))
        #expect(!FazhiApp.isReadOnly(["demo", "seed"]) && !FazhiApp.isReadOnly(["user", "create"]) && !FazhiApp.isReadOnly([]))
    }

    @Test("configured for a read-only command in a fresh directory, the app writes no key file and no database; for any other, both")
    func readOnlyWritesNothing() async throws {
        for readOnly in [true, false] {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fazhi-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var config = AppConfig()
            config.database = .sqlite(path: directory.path + "/data/fazhi.sqlite")
            config.dataKeyFile = directory.path + "/data/fazhi.key"
            config.readOnly = readOnly
            // The key first, on its own: `configure` also sets the audit chain's key for the whole process,
            // which the suite's other tests share, so it runs below with theirs.
            _ = try FazhiApp.resolveDataKey(config, production: false, logger: Logger(label: "test"))
            config.dataKey = TestApp.configuration().dataKey
            let app = try await Application.make(.testing)
            do {
                try await FazhiApp.configure(app, config: config)
                try await app.asyncShutdown()
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            let made = (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []).filter { !$0.hasSuffix("data") }.sorted()
            if readOnly {
                #expect(made.isEmpty, "\(made)")
            } else {
                #expect(made.contains("data/fazhi.key") && made.contains("data/fazhi.sqlite"), "\(made)")
            }
        }
    }

    @Test("servers started together on one directory end with one development key, never two (the file is created whole, only if absent)")
    func oneKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fazhi-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var config = AppConfig()
        config.dataKeyFile = directory.path + "/data/fazhi.key"
        let settings = config
        let keys = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<16 { group.addTask { try FazhiApp.resolveDataKey(settings, production: false, logger: Logger(label: "test")) } }
            return try await group.reduce(into: [Data]()) { $0.append($1) }
        }
        let stored = Data(base64Encoded: try String(contentsOfFile: config.dataKeyFile, encoding: .utf8))
        #expect(Set(keys).count == 1 && keys.first == stored)
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/data") == ["fazhi.key"])
    }

    @Test("progress: a plain line a step when piped, a bar redrawn in place on a terminal; the time left is the time so far spread over the steps left")
    func progress() {
        let plain = ProgressReporter.line(title: "生成演示数据", done: 5, total: 20, step: "矛盾纠纷化解", elapsed: 10, terminal: false)
        #expect(plain == "生成演示数据 5/20（25%）矛盾纠纷化解：已用10秒，预计还需30秒\n")
        let bar = ProgressReporter.line(title: "生成演示数据", done: 10, total: 20, step: "考核指标", elapsed: 90, terminal: true)
        #expect(bar.hasPrefix("\r\u{1B}[K生成演示数据 [") && bar.contains("10/20") && bar.contains("预计还需1分30秒") && !bar.hasSuffix("\n"))
        #expect(ProgressReporter.line(title: "生成演示数据", done: 20, total: 20, step: "完成", elapsed: 61, terminal: true).hasSuffix("用时1分1秒\n"))
        // Every step is written through the reporter's own writer (standard error in the binary).
        let lines = LockedLines()
        let reporter = ProgressReporter(title: "导入", total: 2, terminal: false, now: Date(timeIntervalSince1970: 0)) { lines.append($0) }
        reporter.step("第一步", now: Date(timeIntervalSince1970: 4))
        reporter.step("第二步", now: Date(timeIntervalSince1970: 6))
        #expect(lines.all == ["导入 1/2（50%）第一步：已用4秒，预计还需4秒\n", "导入 2/2（100%）第二步：用时6秒\n"])
    }
}

final class LockedLines: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

/// The server drains the requests it took before its databases close (FazhiMain, after SIGTERM).
@Suite struct RequestDrainTests {
    @Test("a request is in flight until its response, and the drain waits for it: false while it runs past the deadline, true once it is answered")
    func drainWaitsForAnswers() async throws {
        let app = try await Application.make(.testing)
        let metrics = RequestMetrics()
        let promise = app.eventLoopGroup.next().makePromise(of: Response.self)
        let pending = PendingResponder(future: promise.futureResult)
        let request = Request(application: app, on: app.eventLoopGroup.next())
        let answered = metrics.respond(to: request, chainingTo: pending)
        #expect(metrics.inFlight == 1)
        #expect(await metrics.drain(seconds: 0.1) == false)
        promise.succeed(Response(status: .ok))
        _ = try await answered.get()
        #expect(await metrics.drain(seconds: 5))
        #expect(metrics.inFlight == 0)
        // A failed answer leaves flight too.
        let failing = app.eventLoopGroup.next().makePromise(of: Response.self)
        let failed = metrics.respond(to: Request(application: app, on: app.eventLoopGroup.next()), chainingTo: PendingResponder(future: failing.futureResult))
        failing.fail(Abort(.internalServerError))
        _ = try? await failed.get()
        #expect(await metrics.drain(seconds: 5))
        try await app.asyncShutdown()
    }

    struct PendingResponder: Responder {
        let future: EventLoopFuture<Response>
        func respond(to request: Request) -> EventLoopFuture<Response> { future }
    }
}
