import Fluent
import Vapor

extension Application {
    /// `AppConfig.figureWorkers` database handles, each on the next event loop, for
    /// `MetricsRegistry.evaluate(_:on:)`: SQLite keeps one connection per event loop, so handles on
    /// different loops read in parallel; on PostgreSQL each takes its own pooled connection.
    public func figureDatabases(logger: Logger? = nil) -> [any Database] {
        let loops = Array(eventLoopGroup.makeIterator())
        guard !loops.isEmpty else { return [db] }
        return (0..<max(1, fazhi.config.figureWorkers)).compactMap { index in
            databases.database(logger: logger ?? self.logger, on: loops[index % loops.count])
        }
    }
}

extension Request {
    /// The request's own database first, then handles on the event loops after the request's.
    public var figureDatabases: [any Database] {
        let loops = Array(application.eventLoopGroup.makeIterator())
        let workers = max(1, application.fazhi.config.figureWorkers)
        guard !loops.isEmpty, workers > 1 else { return [db] }
        let start = loops.firstIndex { $0 === eventLoop } ?? 0
        return [db] + (1..<workers).compactMap { index in
            application.databases.database(logger: logger, on: loops[(start + index) % loops.count])
        }
    }
}
