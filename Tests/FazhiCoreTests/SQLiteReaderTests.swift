import FluentSQLiteDriver
import Foundation
import NIOPosix
import SQLKit
import Testing
@testable import FazhiCore

/// The list pages' own read connections (`SQLiteReader`, issue 16): they must read what the
/// driver reads, see what the driver's connection committed, never write, and keep their
/// statements prepared.
@Suite struct SQLiteReaderTests {
    /// A WAL database file with one table, written through the driver's own connection.
    struct Fixture {
        let path = NSTemporaryDirectory() + "fazhi-reader-\(UUID().uuidString).sqlite"
        let pool = NIOThreadPool(numberOfThreads: 2)
        let writer: SQLiteConnection
        let reader: SQLiteReader

        init() async throws {
            pool.start()
            writer = try await SQLiteConnection.open(storage: .file(path: path))
            _ = try await writer.query("PRAGMA journal_mode = WAL")
            _ = try await writer.query("CREATE TABLE t (s TEXT, n INTEGER, r REAL, b BLOB, z TEXT, u TEXT, flag INTEGER, big INTEGER, when_ TEXT)")
            reader = SQLiteReader(path: path, threadPool: pool)
        }

        func close() async throws {
            reader.close()
            try await writer.close().get()
            try await pool.shutdownGracefully()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    @Test("a reader row decodes every column as SQLiteKit's row of the same statement decodes it, and fails where it fails")
    func sameValuesAsSQLKit() async throws {
        let fixture = try await Fixture()
        let id = UUID()
        _ = try await fixture.writer.query("INSERT INTO t VALUES (?, ?, ?, ?, NULL, ?, 1, ?, '2026-03-01')",
                                           [.text("案号\t“引号”'single'"), .integer(-42), .float(2.5), .blob(ByteBuffer(bytes: [0, 1, 255])),
                                            .text(id.uuidString), .integer(Int.max)])
        let sql = "SELECT s, n, r, b, z, u, flag, big, when_, n AS text_of_n FROM t"
        let kit = try #require(try await fixture.writer.query(sql).first).sql()
        let direct: any SQLRow = try #require(try await fixture.reader.rows(sql, []).first)

        try expectSameReads(direct, kit)
        #expect(try direct.decode(column: "s", as: String.self) == "案号\t“引号”'single'")
        #expect(try direct.decode(column: "big", as: Int.self) == Int.max)
        #expect(try direct.decodeUUID(column: "u") == id)
        try await fixture.close()
    }

    @Test("binds of every kind select the row they name; a statement is prepared once per connection and then reused")
    func bindsAndReuse() async throws {
        let fixture = try await Fixture()
        for n in 0..<30 {
            _ = try await fixture.writer.query("INSERT INTO t (s, n, r, b) VALUES (?, ?, ?, ?)",
                                               [.text("行\(n)"), .integer(n), .float(Double(n) / 2), .blob(ByteBuffer(bytes: [UInt8(n)]))])
        }
        let sql = "SELECT n FROM t WHERE s = ? OR n = ? OR r = ? OR b = ? OR z IS ? ORDER BY n"
        let rows = try await fixture.reader.rows(sql, [.text("行3"), .integer(7), .float(5.5), .blob(ByteBuffer(bytes: [20])), .integer(-1)])
        #expect(try rows.map { try $0.decode(column: "n", as: Int.self) } == [3, 7, 11, 20])
        // The same statement with other values: the binds of the first call are gone.
        let again = try await fixture.reader.rows(sql, [.text("行29"), .null, .null, .null, .integer(-1)])
        #expect(try again.map { try $0.decode(column: "n", as: Int.self) } == [29])
        let counts = fixture.reader.counts
        #expect(counts.prepared == 1 && counts.reused == 1 && counts.opened == 1)
        try await fixture.close()
    }

    @Test("a reader sees each commit of the driver's connection, and nothing of a transaction still open")
    func seesCommits() async throws {
        let fixture = try await Fixture()
        let sql = "SELECT COUNT(*) AS n FROM t"
        func count() async throws -> Int { try #require(try await fixture.reader.rows(sql, []).first).decode(column: "n", as: Int.self) }
        #expect(try await count() == 0)
        _ = try await fixture.writer.query("INSERT INTO t (n) VALUES (1)")
        #expect(try await count() == 1)
        _ = try await fixture.writer.query("BEGIN")
        _ = try await fixture.writer.query("INSERT INTO t (n) VALUES (2)")
        #expect(try await count() == 1)
        _ = try await fixture.writer.query("COMMIT")
        #expect(try await count() == 2)
        try await fixture.close()
    }

    @Test("a reader refuses to write, and a failed statement leaves the reader working")
    func neverWrites() async throws {
        let fixture = try await Fixture()
        await #expect(throws: SQLiteReaderError.self) { try await fixture.reader.rows("INSERT INTO t (n) VALUES (1)", []) }
        await #expect(throws: SQLiteReaderError.self) { try await fixture.reader.rows("DELETE FROM t", []) }
        await #expect(throws: SQLiteReaderError.self) { try await fixture.reader.rows("SELECT nope FROM t", []) }
        #expect(try await fixture.writer.query("SELECT COUNT(*) FROM t").first?.column("COUNT(*)") == .integer(0))
        let rows = try await fixture.reader.rows("SELECT 1 AS one", [])
        #expect(try rows.first?.decode(column: "one", as: Int.self) == 1)
        // Each failed call closed its connection rather than keep it.
        #expect(fixture.reader.counts.opened == 4)
        try await fixture.close()
    }

    @Test("past its limit a connection's statements are finalized and prepared again; a closed reader refuses")
    func statementLimitAndClose() async throws {
        let fixture = try await Fixture()
        for n in 0..<(SQLiteReader.statementLimit + 5) {
            let rows = try await fixture.reader.rows("SELECT \(n) AS v", [])
            #expect(try rows.first?.decode(column: "v", as: Int.self) == n)
        }
        let rows = try await fixture.reader.rows("SELECT 0 AS v", [])
        #expect(try rows.first?.decode(column: "v", as: Int.self) == 0)
        #expect(fixture.reader.counts.prepared == SQLiteReader.statementLimit + 6)
        fixture.reader.close()
        await #expect(throws: SQLiteReaderError.self) { try await fixture.reader.rows("SELECT 1", []) }
        try await fixture.close()
    }
}
