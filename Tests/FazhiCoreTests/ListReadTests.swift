import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
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
        let url = try #require(ProcessInfo.processInfo.environment["FAZHI_TEST_POSTGRES_URL"])
        let configuration = try SQLPostgresConfiguration(url: url)
        let connection = try await PostgresConnection.connect(configuration: configuration.coreConfiguration, id: 1, logger: Logger(label: "list-read-test"))
        do {
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
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
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
