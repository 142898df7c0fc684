import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
@testable import FazhiCore

/// A list page reads its rows and writes its column names by shorter paths than SQLKit's
/// (issue 16, stop 34). Each must read and write what SQLKit's own path does.
@Suite struct ListReadTests {
    @Test("a plain name is written as SQLIdentifier writes it; a name with a quote or other characters is still quote-doubled")
    func plainNames() async throws {
        let connection = try await SQLiteConnection.open(storage: .memory)
        defer { try? connection.close().wait() }
        let database = connection.sql()
        func written(_ expression: any SQLExpression) -> String {
            var serializer = SQLSerializer(database: database)
            expression.serialize(to: &serializer)
            return serializer.sql
        }
        for name in ["id", "case_number", "fazhi_list_total", "Unit2", "_x"] {
            #expect(SQLPlainName.isPlain(name))
            #expect(written(SQLPlainName(name)) == written(SQLIdentifier(name)))
            #expect(written(SQLPlainName(name)) == "\"\(name)\"")
        }
        for name in ["a\"b", "\"; DROP TABLE units; --", "名称", "a b", "a.b", ""] {
            #expect(!SQLPlainName.isPlain(name))
            #expect(written(SQLPlainName(name)) == written(SQLIdentifier(name)))
        }
        #expect(written(SQLPlainName("a\"b")) == "\"a\"\"b\"")

        // A select of plain columns runs and names the same columns.
        let select = database.select().plainColumns("a", "b").from(SQLPlainName("t"))
        #expect(written(select.select) == "SELECT \"a\", \"b\" FROM \"t\"")
    }

    @Test("an SQLite row read directly decodes every column as SQLiteKit's row decodes it, and fails where it fails")
    func sameValuesAsSQLKit() async throws {
        let connection = try await SQLiteConnection.open(storage: .memory)
        defer { try? connection.close().wait() }
        _ = try await connection.query("CREATE TABLE t (s TEXT, n INTEGER, r REAL, b BLOB, z TEXT, u TEXT, flag INTEGER, big INTEGER, when_ TEXT)")
        let id = UUID()
        _ = try await connection.query("INSERT INTO t VALUES (?, ?, ?, ?, NULL, ?, 1, ?, '2026-03-01')",
                                       [.text("案号\t“引号”'single'"), .integer(-42), .float(2.5), .blob(ByteBuffer(bytes: [0, 1, 255])),
                                        .text(id.uuidString), .integer(Int.max)])
        let rows = try await connection.query("SELECT s, n, r, b, z, u, flag, big, when_, n AS text_of_n FROM t")
        let row = try #require(rows.first)
        let direct: any SQLRow = SQLiteListRow(row: row)
        let kit = row.sql()

        try expectSameReads(direct, kit)
        #expect(try direct.decode(column: "s", as: String.self) == "案号\t“引号”'single'")
        #expect(try direct.decode(column: "n", as: Int.self) == -42)
        #expect(try direct.decode(column: "big", as: Int.self) == Int.max)
        #expect(try direct.decodeOptional(column: "z", as: String.self) == nil)
        #expect(try direct.decodeUUID(column: "u") == id)
        #expect(throws: (any Error).self) { try direct.decode(column: "missing", as: String.self) }
    }

    /// On PostgreSQL only: the suite runs there when `FAZHI_TEST_POSTGRES_URL` names a server (`.ci/run`).
    @Test("a PostgreSQL row read directly decodes every column as PostgresKit's row decodes it, and fails where it fails",
          .enabled(if: !(ProcessInfo.processInfo.environment["FAZHI_TEST_POSTGRES_URL"] ?? "").isEmpty))
    func postgresSameValuesAsPostgresKit() async throws {
        try await withTestPostgresConnection(id: 1, label: "list-read-test") { connection in
            // A type of its own, as Fluent makes for an enum; dropped with the session's other temporary objects.
            let mood = "list_read_mood_\(UInt32.random(in: 0 ... .max))"
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE TYPE pg_temp.\(mood) AS ENUM ('calm', 'busy')"), logger: connection.logger)
            _ = try await connection.query(PostgresQuery(unsafeSQL: """
                CREATE TEMPORARY TABLE t (s text, v varchar(40), c char(3), n int8, i int4, u uuid, flag boolean, d date, ts timestamptz,
                                          num numeric, z text, e pg_temp.\(mood))
                """), logger: connection.logger)
            let id = UUID()
            var binds = PostgresBindings()
            binds.append("案号\t“引号”'single'")
            binds.append(id)
            _ = try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO t VALUES ($1, '行政处罚', 'ab', 9223372036854775807, -42, $2, true, '2026-03-01', '2026-03-01 08:30:00+08', 12.50, NULL, 'busy')
                """, binds: binds), logger: connection.logger)
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT s, v, c, n, i, u, flag, d, ts, num, z, e, i AS text_of_i FROM t"),
                                                  logger: connection.logger).collect()
            let row = try #require(rows.first)
            let direct: any SQLRow = PostgresListRow(row: row)
            let kit = row.sql()

            try expectSameReads(direct, kit)
            #expect(try direct.decode(column: "s", as: String.self) == "案号\t“引号”'single'")
            #expect(try direct.decode(column: "v", as: String.self) == "行政处罚")
            #expect(try direct.decode(column: "n", as: Int.self) == Int.max)
            #expect(try direct.decode(column: "i", as: Int.self) == -42)
            #expect(try direct.decode(column: "e", as: String.self) == "busy")
            #expect(try direct.decodeOptional(column: "z", as: String.self) == nil)
            #expect(try direct.decodeUUID(column: "u") == id)
            #expect(try direct.decode(column: "u", as: String.self) == kit.decode(column: "u", as: String.self))
            #expect(throws: (any Error).self) { try direct.decode(column: "missing", as: String.self) }
        }
    }
}

/// List statements kept prepared on PostgreSQL (`PostgresListStatements`, issue 16, stop 40).
@Suite struct PostgresListStatementTests {
    @Test("a text is named on its second read, keeps its name, runs unnamed once refused; names stop at the limit")
    func naming() {
        let statements = PostgresListStatements()
        #expect(statements.name(for: "SELECT 1") == nil)
        let name = statements.name(for: "SELECT 1")
        #expect(name != nil)
        #expect(name?.hasPrefix(statements.prefix) == true)
        #expect(statements.name(for: "SELECT 1") == name)
        #expect(statements.name(for: "SELECT 2") == nil)
        let other = statements.name(for: "SELECT 2")
        #expect(other != nil && other != name)
        statements.refuse("SELECT 2")
        #expect(statements.name(for: "SELECT 2") == nil)
        #expect(statements.name(for: "SELECT 2") == nil)
        // Another process names its statements apart.
        #expect(PostgresListStatements().prefix != statements.prefix)

        for index in 0 ..< PostgresListStatements.nameLimit + 10 {
            _ = statements.name(for: "SELECT \(index + 10)")
            _ = statements.name(for: "SELECT \(index + 10)")
        }
        #expect(statements.name(for: "SELECT 1") == name, "a name given stays")
        // One-off texts beyond the count do not stop a text read twice from being named.
        let counted = PostgresListStatements()
        for index in 0 ..< PostgresListStatements.countedLimit * 2 { _ = counted.name(for: "SELECT \(index) AS once") }
        #expect(counted.name(for: "SELECT 'often'") == nil)
        #expect(counted.name(for: "SELECT 'often'") != nil)
        let late = "SELECT 'after the limit'"
        #expect(statements.name(for: late) == nil && statements.name(for: late) == nil)
    }

    @Test("a bind is declared with the type PostgresNIO gives it, and written so no text can end its literal")
    func arguments() throws {
        let id = UUID()
        let cases: [(any Encodable & Sendable & PostgresThrowingDynamicTypeEncodable, String, String)] = [
            ("执法", "text", "E'执法'"), (Int.max, "int8", "9223372036854775807"), (Int64(-3), "int8", "-3"),
            (Int32(7), "int4", "7"), (Int16(-2), "int2", "-2"), (true, "bool", "true"), (id, "uuid", "'\(id.uuidString)'"),
        ]
        for (value, type, literal) in cases {
            let argument = try #require(PostgresListStatements.argument(value))
            #expect(argument.type == type)
            #expect(argument.literal == literal)
            let sent: [String: PostgresDataType] = ["text": .text, "int8": .int8, "int4": .int4, "int2": .int2, "bool": .bool, "uuid": .uuid]
            #expect(sent[type] == value.psqlType, "PREPARE declares the type the bind would have been sent as")
        }
        #expect(PostgresListStatements.argument(Date()) == nil)
        #expect(PostgresListStatements.argument(2.5) == nil)
        #expect(PostgresListStatements.quoted("") == "E''")
        #expect(PostgresListStatements.quoted("a'b") == "E'a''b'")
        #expect(PostgresListStatements.quoted("a\\'b") == "E'a\\\\''b'")
        #expect(PostgresListStatements.quoted("'; DROP TABLE units; --") == "E'''; DROP TABLE units; --'")
        // Inside, every quote and every backslash comes in a pair: none ends the literal or escapes.
        for hostile in ["\\", "\\'", "'\\", "\\\\''", "$fz$'", "\\x27", "案号'\\n"] {
            let inner = Array(PostgresListStatements.quoted(hostile).unicodeScalars.dropFirst(2).dropLast())
            var index = 0
            while index < inner.count {
                if inner[index] == "'" || inner[index] == "\\" {
                    #expect(index + 1 < inner.count && inner[index + 1] == inner[index], "\(hostile)")
                    index += 2
                } else {
                    index += 1
                }
            }
        }
    }

    /// On PostgreSQL only, as `ListReadTests`' PostgreSQL case.
    @Test("a statement run by name gives the rows the text gives; it is prepared when missing, made again when its result changed, and a refused one fails as the text fails",
          .enabled(if: !(ProcessInfo.processInfo.environment["FAZHI_TEST_POSTGRES_URL"] ?? "").isEmpty))
    func runsOnPostgres() async throws {
        try await withTestPostgresConnection(id: 2, label: "list-statement-test") { connection in
            let statements = PostgresListStatements.shared
            let logger = connection.logger
            struct Binds {
                var values: [any Encodable & Sendable & PostgresThrowingDynamicTypeEncodable] = []
                var postgres: PostgresBindings {
                    var bindings = PostgresBindings()
                    for value in values { try! bindings.append(value, context: .default) }
                    return bindings
                }
            }
            func read(_ sql: String, name: String, _ binds: Binds) async throws -> [[String?]] {
                let rows = NIOLockedValueBox<[[String?]]>([])
                let arguments = try binds.values.map { try #require(PostgresListStatements.argument($0)) }
                try await statements.run(sql, name: name, arguments: arguments, bindings: binds.postgres, on: connection, logger: logger,
                                         reset: { rows.withLockedValue { $0 = [] } }) { row in
                    let values = row.map { cell in cell.bytes == nil ? nil : String(buffer: cell.bytes!) }
                    rows.withLockedValue { $0.append(values) }
                }.get()
                return rows.withLockedValue { $0 }
            }
            func direct(_ sql: String, _ binds: Binds) async throws -> [[String?]] {
                try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds.postgres), logger: logger).collect()
                    .map { row in row.map { cell in cell.bytes == nil ? nil : String(buffer: cell.bytes!) } }
            }
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE TEMPORARY TABLE listed (id uuid, path text, n int8)"), logger: logger)
            let ids = (0 ..< 5).map { _ in UUID() }
            for (index, id) in ids.enumerated() {
                var binds = PostgresBindings()
                binds.append(id); binds.append(index < 3 ? "/1/2/" : "/1/3/"); binds.append(index)
                _ = try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO listed VALUES ($1, $2, $3)", binds: binds), logger: logger)
            }
            let sql = "SELECT id, path, n FROM listed WHERE path LIKE $1 AND n >= $2 ORDER BY n DESC"
            let binds = Binds(values: ["/1/2/%", 1])
            let name = "\(statements.prefix)test_\(UInt32.random(in: 0 ... .max))"
            let expected = try await direct(sql, binds)
            #expect(expected.count == 2)
            // Missing on this connection: prepared, then run.
            #expect(try await read(sql, name: name, binds) == expected)
            let prepared = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM pg_prepared_statements WHERE name = '\(name)'"), logger: logger).collect()
            #expect(try prepared.first?.decode(Int.self) == 1)
            // Prepared: run as it is, with other binds.
            let others = Binds(values: ["/1/%", 0])
            #expect(try await read(sql, name: name, others) == direct(sql, others))
            #expect(try await read(sql, name: name, others).count == 5)
            // A text that would end a quoted literal, or the tag, is a value like any other.
            for hostile in ["' OR 1=1 --", "\\' OR true --", "/1/2/%\\", "abc$fz", "E'\\x41'", "/1/2/%'') OR true --"] {
                let tricky = Binds(values: [hostile, 0])
                #expect(try await read(sql, name: name, tricky) == direct(sql, tricky))
                #expect(try await read(sql, name: name, tricky).isEmpty)
            }
            // A UUID bind, and a query with one bind of each kind of literal.
            let byID = Binds(values: [ids[3]])
            let found = try await read("SELECT path, n FROM listed WHERE id = $1", name: name + "_id", byID)
            #expect(found.count == 1)
            #expect(found == (try await direct("SELECT path, n FROM listed WHERE id = $1", byID)))
            let mixed = Binds(values: [ids[1], Int32(1), Int16(1), true, "/1/2/"])
            let mixedSQL = "SELECT n FROM listed WHERE id = $1 AND n = $2 AND n >= $3 AND $4 AND path = $5"
            #expect(try await read(mixedSQL, name: name + "_mixed", mixed).count == 1)
            #expect(try await read(mixedSQL, name: name + "_mixed", mixed) == (try await direct(mixedSQL, mixed)))

            // A statement whose result type changed under it is made again.
            let star = "SELECT * FROM listed ORDER BY n"
            let starName = name + "_star"
            #expect(try await read(star, name: starName, Binds()).first?.count == 3)
            _ = try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE listed ADD COLUMN note text DEFAULT 'x'"), logger: logger)
            let widened = try await read(star, name: starName, Binds())
            #expect(widened.first?.count == 4)
            #expect(widened == (try await direct(star, Binds())))

            // A text the server will not prepare fails as the text fails, and runs unnamed afterwards.
            let broken = "SELECT no_such_column FROM listed"
            _ = statements.name(for: broken)
            let brokenName = try #require(statements.name(for: broken))
            await #expect(throws: PSQLError.self) { try await read(broken, name: brokenName, Binds()) }
            #expect(statements.name(for: broken) == nil)
        }
    }
}

/// A connection to the test PostgreSQL server (`FAZHI_TEST_POSTGRES_URL`) for `body`, closed after
/// it whether it threw or not.
func withTestPostgresConnection(id: Int, label: String, _ body: (PostgresConnection) async throws -> Void) async throws {
    let url = try #require(ProcessInfo.processInfo.environment["FAZHI_TEST_POSTGRES_URL"])
    let configuration = try SQLPostgresConfiguration(url: url)
    let connection = try await PostgresConnection.connect(configuration: configuration.coreConfiguration, id: id, logger: Logger(label: label))
    do {
        try await body(connection)
    } catch {
        try? await connection.close()
        throw error
    }
    try await connection.close()
}

/// `direct` has the columns `kit` has, and reads each of them as each type as `kit` reads it,
/// failing where it fails: what `SQLiteListRow` and `SQLiteReaderRow` owe SQLiteKit's row.
func expectSameReads(_ direct: any SQLRow, _ kit: any SQLRow) throws {
    #expect(direct.allColumns == kit.allColumns)
    for column in kit.allColumns + ["missing"] {
        #expect(direct.contains(column: column) == kit.contains(column: column))
        #expect(try direct.decodeNil(column: column) == kit.decodeNil(column: column))
    }
    func same<T: Decodable & Equatable>(_ column: String, _ type: T.Type) {
        let mine = Result { try direct.decode(column: column, as: T.self) }
        let theirs = Result { try kit.decode(column: column, as: T.self) }
        switch (mine, theirs) {
        case (.success(let a), .success(let b)): #expect(a == b, "\(column) as \(T.self)")
        case (.failure, .failure): break
        default: Issue.record("\(column) as \(T.self): direct \(mine), SQLiteKit \(theirs)")
        }
    }
    for column in kit.allColumns + ["missing"] {
        same(column, String.self); same(column, Int.self); same(column, Double.self); same(column, Bool.self)
        same(column, String?.self); same(column, Int?.self); same(column, UUID.self); same(column, Int64.self)
    }
}
