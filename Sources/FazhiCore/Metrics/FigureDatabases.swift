import Fluent
import Vapor

extension Application {
    /// `AppConfig.figureWorkers` database handles, each on the next event loop (from `first`'s, when
    /// given), for `MetricsRegistry.evaluate(_:on:)`: SQLite keeps one connection per event loop,
    /// so handles on different loops read in parallel; on PostgreSQL each takes its own pooled
    /// connection.
    public func figureDatabases(logger: Logger? = nil, startingOn first: (any EventLoop)? = nil) -> [any Database] {
        let loops = Array(eventLoopGroup.makeIterator())
        guard !loops.isEmpty else { return [db] }
        let start = first.flatMap { first in loops.firstIndex { $0 === first } } ?? 0
        return (0..<max(1, fazhi.config.figureWorkers)).compactMap { index in
            databases.database(logger: logger ?? self.logger, on: loops[(start + index) % loops.count])
        }
    }
}

extension Request {
    /// The request's own database first, then handles on the event loops after the request's.
    public var figureDatabases: [any Database] {
        [db] + application.figureDatabases(logger: logger, startingOn: eventLoop).dropFirst()
    }
}
