import Foundation

/// Progress of long command-line work (demo seeding, …) on standard error, so that standard output
/// carries only the answer: on a terminal one line redrawn in place — a bar, the counts, the step
/// and the time left; piped or logged, one plain line a step.
public final class ProgressReporter: @unchecked Sendable {
    let title: String
    let total: Int
    let terminal: Bool
    let started: Date
    let write: @Sendable (String) -> Void
    private var done = 0
    private let lock = NSLock()

    public init(title: String, total: Int, terminal: Bool = isatty(STDERR_FILENO) == 1, now: Date = Date(),
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.title = title
        self.total = max(total, 1)
        self.terminal = terminal
        self.started = now
        self.write = write
    }

    /// One step finished (`name` is what it was).
    public func step(_ name: String, now: Date = Date()) {
        let text: String = lock.withLock {
            done = min(done + 1, total)
            return Self.line(title: title, done: done, total: total, step: name, elapsed: now.timeIntervalSince(started), terminal: terminal)
        }
        write(text)
    }

    /// The line for `done` of `total`: the time left is the time so far spread over the steps left.
    public static func line(title: String, done: Int, total: Int, step: String, elapsed: TimeInterval, terminal: Bool) -> String {
        let remaining = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let timing = done == total ? "用时\(seconds(elapsed))" : "已用\(seconds(elapsed))，预计还需\(seconds(remaining))"
        let percent = done * 100 / max(total, 1)
        guard terminal else { return "\(title) \(done)/\(total)（\(percent)%）\(step)：\(timing)\n" }
        let width = 24, filled = done * width / max(total, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        // \r and clear-to-end redraw the line; the last step ends it.
        return "\r\u{1B}[K\(title) [\(bar)] \(done)/\(total) \(step) \(timing)" + (done == total ? "\n" : "")
    }

    static func seconds(_ value: TimeInterval) -> String {
        let whole = Int(value.rounded())
        return whole >= 60 ? "\(whole / 60)分\(whole % 60)秒" : "\(whole)秒"
    }
}
