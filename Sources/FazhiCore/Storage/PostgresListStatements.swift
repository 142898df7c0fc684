import FluentPostgresDriver
import Foundation
import NIOConcurrencyHelpers

/// List statements kept prepared on PostgreSQL's backends, one name per statement text.
///
/// Why: PostgresNIO sends every query as an unnamed statement, which the server parses and plans
/// anew each time. For a list page's statement on the demo county that was most of the server's
/// work: `pgbench` on the `/enforcement/cases` statement ran 8,217 queries/s unnamed and 19,747/s
/// prepared (`-M extended` vs `-M prepared`, 4 clients), and 1.75× as many as `EXECUTE` of a
/// statement `PREPARE`d once per connection (the form used here).
///
/// How: PostgresNIO does not offer a named statement for SQL made at run time, so the read runs
/// `EXECUTE name(…)` with the list's bind values written as literals (`argument(_:)`). The first
/// time a connection lacks the statement the server answers 26000 (`invalid_sql_statement_name`);
/// the read then runs `PREPARE name(types) AS sql`, with the binds' own types, and `EXECUTE` again.
/// A statement whose result type changed under it (a migration by another process: 0A000, `cached
/// plan must not change result type`) is deallocated and prepared again. A text whose `PREPARE` the
/// server refuses runs as it is, now and afterwards. Only outside a transaction: a failed statement
/// would end one.
///
/// Bounds: a text is named on its second read (a one-off statement, such as a deep page's offset,
/// takes no name), at most `nameLimit` names a process, so a backend holds at most that many
/// statements of this process. Names carry a random token of the process: two servers behind a
/// pooler that shares backends never run each other's statement under one name.
final class PostgresListStatements: Sendable {
    static let shared = PostgresListStatements()
    /// Names a process gives out; past this, new texts run unnamed.
    static let nameLimit = 128
    /// Texts counted while waiting for their second read; past this the count starts again.
    static let countedLimit = 1_024

    let prefix: String
    private struct State {
        var seen: Set<String> = []
        var names: [String: String] = [:]
        var refused: Set<String> = []
        var given = 0
    }
    private let state = NIOLockedValueBox(State())

    init() {
        prefix = "fazhi_list_" + String(UInt32.random(in: 0 ... .max), radix: 16) + "_"
    }

    /// The name to run `sql` under; nil to run it as it is (its first read, a refused text, or
    /// the names used up).
    func name(for sql: String) -> String? {
        state.withLockedValue { state in
            if let name = state.names[sql] { return name }
            guard state.given < Self.nameLimit, !state.refused.contains(sql) else { return nil }
            guard state.seen.remove(sql) != nil else {
                // A full count starts again: one-off texts never crowd out a statement read often.
                if state.seen.count >= Self.countedLimit { state.seen.removeAll(keepingCapacity: true) }
                state.seen.insert(sql)
                return nil
            }
            state.given += 1
            let name = prefix + String(state.given)
            state.names[sql] = name
            return name
        }
    }

    /// `sql` could not be prepared: it runs as it is from now on.
    func refuse(_ sql: String) {
        state.withLockedValue { state in
            if state.names.removeValue(forKey: sql) != nil { state.refused.insert(sql) }
        }
    }

    /// A bind as `PREPARE` declares it and `EXECUTE` passes it: its type's SQL name and a literal
    /// of it, for the types a list binds, with the types PostgresNIO gives them (`psqlType`); nil
    /// for any other (the statement then runs unnamed, with its binds). `EXECUTE` takes no
    /// parameters of the extended protocol (42P02), so the values are written into it: a number
    /// as its digits, a UUID as its 36 hex digits and dashes, a text by `quoted(_:)`.
    static func argument(_ value: any Encodable & Sendable) -> (type: String, literal: String)? {
        switch value {
        case let text as String: ("text", quoted(text))
        case let number as Int: ("int8", String(number))
        case let number as Int64: ("int8", String(number))
        case let number as Int32: ("int4", String(number))
        case let number as Int16: ("int2", String(number))
        case let flag as Bool: ("bool", flag ? "true" : "false")
        case let id as UUID: ("uuid", "'" + id.uuidString + "'")
        default: nil
        }
    }

    /// `text` as an escape-string literal, `E'…'`: every backslash doubled and every quote doubled,
    /// so no character of the text can end the literal or start an escape, whatever the server's
    /// `standard_conforming_strings` (an `E` string reads backslashes the same under either). The
    /// connection's encoding is UTF-8, in which no byte of a character is a quote or a backslash.
    /// (A NUL, which the form guard rejects before, the server refuses here as in a bind.)
    static func quoted(_ text: String) -> String {
        var literal = "E'"
        literal.reserveCapacity(text.utf8.count + 3)
        for character in text.unicodeScalars {
            switch character {
            case "\\": literal += "\\\\"
            case "'": literal += "''"
            default: literal.unicodeScalars.append(character)
            }
        }
        return literal + "'"
    }

    /// Runs `sql` as the prepared statement `name` on `connection`, with `arguments` (`argument(_:)`
    /// of each bind, in order), preparing it there if the connection lacks it, and hands each row to
    /// `onRow`. A text the server will not prepare runs as it is with `bindings`, and is refused a
    /// name here from then on.
    func run(_ sql: String, name: String, arguments: [(type: String, literal: String)], bindings: PostgresBindings,
                    on connection: PostgresConnection, logger: Logger,
                    reset: @escaping @Sendable () -> Void, onRow: @escaping @Sendable (PostgresRow) throws -> Void) -> EventLoopFuture<Void> {
        let execute = PostgresQuery(unsafeSQL: "EXECUTE \(name)" + (arguments.isEmpty ? "" : "(" + arguments.map(\.literal).joined(separator: ", ") + ")"))
        let prepare = PostgresQuery(unsafeSQL: "PREPARE \(name)" + (arguments.isEmpty ? "" : "(" + arguments.map(\.type).joined(separator: ", ") + ")") + " AS \(sql)")
        return connection.query(execute, logger: logger, onRow).map { _ in }.flatMapError { error in
            let state = (error as? PSQLError)?.serverInfo?[.sqlState]
            guard state == "26000" || state == "0A000" else { return connection.eventLoop.makeFailedFuture(error) }
            reset()
            let cleared: EventLoopFuture<Void> = state == "0A000"
                ? connection.query(PostgresQuery(unsafeSQL: "DEALLOCATE \(name)"), logger: logger).map { _ in }
                : connection.eventLoop.makeSucceededVoidFuture()
            return cleared.flatMap {
                connection.query(prepare, logger: logger).map { _ in true }.flatMapErrorThrowing { error in
                    // Refused (a type the server could not settle, say): the text runs as it is.
                    guard (error as? PSQLError)?.code == .server else { throw error }
                    self.refuse(sql)
                    logger.debug("list statement not prepared", metadata: ["error": "\(String(reflecting: error))"])
                    return false
                }
            }.flatMap { prepared in
                prepared ? connection.query(execute, logger: logger, onRow).map { _ in }
                         : connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger, onRow).map { _ in }
            }
        }
    }
}
