import Enforcement
import FazhiApp
import FazhiCore
import Foundation
import Reconsideration
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Pages under load beside their floor: starts `fazhi serve --demo` (the release binary next to this
/// one, unless `--fazhi PATH`) on a scratch SQLite database, or `fazhi serve` on a database already
/// seeded with the demo (`--pages-database URL --pages-key-file F`: a PostgreSQL server, the path a
/// province uses; it is only read), logs in as a demo account, and runs `wrk`
/// (64 connections by default) on `/healthz` and on each page, printing req/s, p99 and the share of
/// `/healthz` served the same run, then the server's resident memory (current and peak, from
/// `/proc`). The server is stopped at the end. Prints figures; asserts nothing.
enum PagesBench {
    struct Options {
        var fazhi: String
        var seconds = 10
        /// Rounds of `/healthz` and every page, one after the other; more than one prints medians.
        var rounds = 1
        var connections = 64
        var user = "supervisor"
        var password = "Fazhi@Demo2026"
        /// The server's `FAZHI_LOG_LEVEL`. At `error` no request writes a log line; at `info` (the
        /// default of a server started without the setting) each writes one.
        var logLevel = "error"
        /// A seeded database to serve instead of a scratch demo, and its key file.
        var database: String?
        var keyFile: String?
        var paths = [EnforcementRoute.cases.path(), ReconsiderationRoute.list.path(), PortalRoute.index.path(), CoreRoute.profile.path(), "/"]
    }

    struct Result {
        var path: String
        var requestsPerSecond: Double
        var p99Milliseconds: Double
        var failures: Int
    }

    static func run(_ options: Options) async throws {
        guard FileManager.default.isExecutableFile(atPath: options.fazhi) else {
            print("pages: no server binary at \(options.fazhi) (build it: swift build -c release --product fazhi, or pass --fazhi PATH)")
            return
        }
        guard AppConfig.logLevels.contains(options.logLevel) else {
            print("pages: --log-level \(options.logLevel) is not one of \(AppConfig.logLevels.joined(separator: ", "))")
            return
        }
        guard let wrk = which("wrk") else {
            print("pages: wrk is not installed (apt-get install wrk); no load figures printed")
            return
        }
        if options.database != nil, options.keyFile == nil {
            print("pages: --pages-database needs --pages-key-file, the key the database was seeded with")
            return
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fazhi-pages-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let port = 18_000 + Int(getpid() % 1_000)
        let base = "http://127.0.0.1:\(port)"

        let server = Process()
        server.executableURL = URL(fileURLWithPath: options.fazhi)
        server.arguments = (options.database == nil ? ["serve", "--demo"] : ["serve"]) + ["--hostname", "127.0.0.1", "--port", String(port)]
        var environment = ProcessInfo.processInfo.environment
        environment["FAZHI_DATABASE_URL"] = options.database ?? "sqlite://\(work.path)/pages.sqlite"
        environment["FAZHI_DATA_KEY_FILE"] = options.keyFile ?? work.appendingPathComponent("key").path
        environment["FAZHI_LOGIN_RATE_LIMIT"] = "10000"
        environment["FAZHI_LOG_LEVEL"] = options.logLevel
        server.environment = environment
        let log = work.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        server.standardOutput = handle
        server.standardError = handle
        try server.run()
        defer { stop(server, log: log) }

        let client = Client()
        let (_, startSeconds) = try await FiguresBench.seconds {
            for _ in 0..<600 {
                if let (status, _, _) = try? await client.request(base + OperationsRoute.healthz.path()), status == 200 { return }
                guard server.isRunning else { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            let tail = (try? String(contentsOf: log, encoding: .utf8))?.suffix(2_000) ?? ""
            throw BenchError("the server did not answer /healthz within 5 minutes:\n\(tail)")
        }
        let served = options.database.map { url in "served " + (url.hasPrefix("postgres") ? "a PostgreSQL database" : "the database given") } ?? "seeded the demo"
        print("pages: server pid \(server.processIdentifier) \(served) and answered in \(String(format: "%.1f", startSeconds)) s; \(options.connections) connections, \(options.seconds) s a path, user \(options.user), log level \(options.logLevel)")
        let cookie = try await client.login(base: base, user: options.user, password: options.password)
        let idle = memory(of: server.processIdentifier)

        // Each round runs `/healthz` and then every page; a page's share is of the `/healthz` of its
        // own round, so a slow stretch of a shared machine weighs on both sides of the ratio.
        let paths = [OperationsRoute.healthz.path()] + options.paths
        var rounds: [[Result]] = []
        for round in 1...options.rounds {
            var results: [Result] = []
            for path in paths { results.append(try load(wrk: wrk, base: base, path: path, cookie: cookie, options: options)) }
            rounds.append(results)
            if options.rounds > 1 {
                print("round \(round): " + results.map { "\($0.path) \(Int($0.requestsPerSecond.rounded()))" }.joined(separator: ", "))
            }
        }
        let loaded = memory(of: server.processIdentifier)
        if options.rounds > 1 { print("medians of \(options.rounds) rounds (a page's share: the median of its share of each round's /healthz)") }
        print("path".padding(toLength: 28, withPad: " ", startingAt: 0) + "       req/s   p99 ms   of /healthz   non-2xx")
        for (index, path) in paths.enumerated() {
            let runs = rounds.map { $0[index] }
            let shares = rounds.compactMap { $0[0].requestsPerSecond > 0 ? $0[index].requestsPerSecond / $0[0].requestsPerSecond : nil }
            let result = Result(path: path, requestsPerSecond: median(runs.map(\.requestsPerSecond)), p99Milliseconds: median(runs.map(\.p99Milliseconds)),
                                failures: runs.map(\.failures).reduce(0, +))
            let share = shares.isEmpty ? "—" : String(format: "%.1f%%", 100 * median(shares))
            print(result.path.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%12.0f %8.1f ", result.requestsPerSecond, result.p99Milliseconds)
                  + String(repeating: " ", count: max(0, 13 - share.count)) + share + String(format: " %9d", result.failures))
        }
        print("server memory: \(idle.current) MB resident after login, \(loaded.current) MB after the load; peak \(loaded.peak) MB")
    }

    /// The middle value (the mean of the two middle ones for an even count); NaN for none.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Stops the server: SIGTERM, then SIGKILL after 30 s. It polls instead of `waitUntilExit`,
    /// which spins a core on Linux (seen when a wrapper such as `perf record` took the SIGTERM and
    /// the server went on running). A server that did not exit with status 0 leaves its log in the
    /// temporary directory, since the work directory with it is removed.
    static func stop(_ server: Process, log: URL) {
        if server.isRunning {
            server.terminate()
            for _ in 0..<300 where server.isRunning { usleep(100_000) }
            if server.isRunning {
                print("pages: the server did not stop within 30 s of SIGTERM; sending SIGKILL")
                kill(server.processIdentifier, SIGKILL)
                while server.isRunning { usleep(100_000) }
            }
        }
        guard server.terminationReason == .uncaughtSignal || server.terminationStatus != 0 else { return }
        let kept = FileManager.default.temporaryDirectory.appendingPathComponent("fazhi-pages-server-\(server.processIdentifier).log")
        try? FileManager.default.removeItem(at: kept)
        try? FileManager.default.copyItem(at: log, to: kept)
        let how = server.terminationReason == .uncaughtSignal ? "signal" : "status"
        print("pages: the server exited with \(how) \(server.terminationStatus); its log is kept at \(kept.path)")
    }

    /// One `wrk` run: `-t2 -cN -dS --latency` with the session cookie.
    static func load(wrk: String, base: String, path: String, cookie: String, options: Options) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t2", "-c\(options.connections)", "-d\(options.seconds)s", "--latency", "-H", "Cookie: \(cookie)", base + path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let rate = output.firstMatch(of: #/Requests/sec:\s+([\d.]+)/#).flatMap({ Double($0.output.1) }) else {
            throw BenchError("wrk printed no rate for \(path):\n\(output)")
        }
        var p99 = Double.nan
        if let match = output.firstMatch(of: #/99%\s+([\d.]+)(us|ms|s)/#), let value = Double(match.output.1) {
            p99 = value * (match.output.2 == "us" ? 0.001 : match.output.2 == "ms" ? 1 : 1_000)
        }
        let failures = output.firstMatch(of: #/Non-2xx or 3xx responses: (\d+)/#).flatMap { Int($0.output.1) } ?? 0
        return Result(path: path, requestsPerSecond: rate, p99Milliseconds: p99, failures: failures)
    }

    /// `VmRSS` and `VmHWM` of a process, in MB.
    static func memory(of pid: Int32) -> (current: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
                  let kb = line.split(separator: " ").dropFirst().first(where: { !$0.isEmpty }).flatMap({ Int($0) }) else { return 0 }
            return kb / 1024
        }
        return (field("VmRSS:"), field("VmHWM:"))
    }

    static func which(_ tool: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A client that does not follow redirects (a login answers 303 with the session cookie).
    final class Client: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        lazy var session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)

        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }

        func request(_ url: String, method: String = "GET", cookie: String? = nil, form: [(String, String)]? = nil) async throws -> (Int, [String], String) {
            var request = URLRequest(url: URL(string: url)!)
            request.httpMethod = method
            request.httpShouldHandleCookies = false
            if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
            if let form {
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                request.httpBody = Data(form.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&").utf8)
                request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw BenchError("\(url): not an HTTP answer") }
            let cookies = (http.value(forHTTPHeaderField: "Set-Cookie") ?? "").split(separator: ",").compactMap { part -> String? in
                let pair = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                return pair.contains("=") ? pair : nil
            }
            return (http.statusCode, cookies, String(decoding: data, as: UTF8.self))
        }

        /// Logs in through the form, as a browser would, and returns the cookie header that carries the session.
        func login(base: String, user: String, password: String) async throws -> String {
            let (_, formCookies, page) = try await request(base + CoreRoute.login.path())
            guard let csrf = page.firstMatch(of: #/name="_csrf" value="([^"]+)"/#)?.output.1 else { throw BenchError("no CSRF token on /login") }
            let (status, cookies, _) = try await request(base + CoreRoute.login.path(), method: "POST", cookie: formCookies.joined(separator: "; "),
                                                         form: [("loginName", user), ("password", password), ("_csrf", String(csrf))])
            guard status == 303, !cookies.isEmpty else { throw BenchError("login as \(user) answered \(status)") }
            return cookies.joined(separator: "; ")
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
