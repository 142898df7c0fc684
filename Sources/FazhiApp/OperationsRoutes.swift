import FazhiCore
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Health, readiness, Prometheus metrics and the stylesheet.
enum OperationsRoutes {
    static func register(_ router: ModuleRouter) {
        router.open(.GET, OperationsRoute.healthz) { _ in "ok" }
        router.open(.GET, OperationsRoute.readyz) { req async throws -> Response in
            do {
                _ = try await (req.db as! any SQLDatabase).raw("SELECT 1 AS ok").first()
                return Response(status: .ok, body: "ready")
            } catch {
                return Response(status: .serviceUnavailable, body: "database unreachable")
            }
        }
        router.open(.GET, OperationsRoute.metrics) { _ async throws -> Response in
            let response = Response(status: .ok, body: .init(string: RequestMetrics.shared.exposition()))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
            return response
        }
        router.open(.GET, CoreRoute.stylesheet) { _ async throws -> Response in
            let response = Response(status: .ok, body: .init(string: Stylesheet.css))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return response
        }
    }
}

/// Request counters and a latency histogram in the Prometheus text format. Kept in-process and
/// written by hand: a handful of series does not need a metrics library.
/// A `Middleware` on futures, not an `AsyncMiddleware`: each async middleware starts a task and
/// hops off the event loop and back for every request, and this one has no waiting of its own.
final class RequestMetrics: Middleware, Sendable {
    static let shared = RequestMetrics()
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct State {
        var requests: [String: Int] = [:]
        var bucketCounts = [Int](repeating: 0, count: RequestMetrics.buckets.count)
        var count = 0
        var sum = 0.0
        /// Requests entered and not yet answered.
        var inFlight = 0
    }

    private let state = NIOLockedValueBox(State())
    private let started = Date()

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = DispatchTime.now().uptimeNanoseconds
        state.withLockedValue { $0.inFlight += 1 }
        let answered = next.respond(to: req)
        answered.whenComplete { _ in self.state.withLockedValue { $0.inFlight -= 1 } }
        return answered.map { response in
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let label = "method=\"\(req.method.rawValue)\",status=\"\(response.status.code / 100)xx\""
            self.state.withLockedValue { state in
                state.requests[label, default: 0] += 1
                state.count += 1
                state.sum += seconds
                for (index, bound) in Self.buckets.enumerated() where seconds <= bound { state.bucketCounts[index] += 1 }
            }
            return response
        }
    }

    /// Requests entered and not yet answered.
    var inFlight: Int { state.withLockedValue { $0.inFlight } }

    /// Waits until no request is in flight, up to `seconds`; false if some still were. The server
    /// calls it after it stops accepting and before the application shuts its databases down: a
    /// handler still running after its client left (a queue of requests under load) otherwise
    /// asked for `req.db` after Fluent's shutdown and crashed the process (Fluent's force unwrap).
    func drain(seconds: Double) async -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(seconds, 0) * 1e9)
        while inFlight > 0 {
            guard DispatchTime.now().uptimeNanoseconds < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    func exposition() -> String {
        let snapshot = state.withLockedValue { $0 }
        var lines = ["# HELP fazhi_http_requests_total HTTP requests by method and status class.", "# TYPE fazhi_http_requests_total counter"]
        for (label, count) in snapshot.requests.sorted(by: { $0.key < $1.key }) { lines.append("fazhi_http_requests_total{\(label)} \(count)") }
        lines += ["# HELP fazhi_http_request_duration_seconds Request latency.", "# TYPE fazhi_http_request_duration_seconds histogram"]
        for (index, bound) in Self.buckets.enumerated() {
            lines.append("fazhi_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(snapshot.bucketCounts[index])")
        }
        lines.append("fazhi_http_request_duration_seconds_bucket{le=\"+Inf\"} \(snapshot.count)")
        lines.append("fazhi_http_request_duration_seconds_sum \(snapshot.sum)")
        lines.append("fazhi_http_request_duration_seconds_count \(snapshot.count)")
        lines += ["# HELP fazhi_uptime_seconds Seconds since the process started.", "# TYPE fazhi_uptime_seconds gauge",
                  "fazhi_uptime_seconds \(Int(Date().timeIntervalSince(started)))"]
        return lines.joined(separator: "\n") + "\n"
    }
}
