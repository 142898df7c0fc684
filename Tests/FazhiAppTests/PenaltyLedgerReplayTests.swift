import Enforcement
import FazhiApp
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit
import Testing

/// The penalty ledger's batch import (facts read once, rows written in batches: issue 16) leaves
/// exactly the rows that replaying each step through `PenaltyCaseService.perform` leaves: the same
/// cases, timelines, clocks, publications and findings. Its audit trail holds the same entries in
/// the same order, each case's folded into one row (findings keep their own rows).
@Suite struct PenaltyLedgerReplayTests {
    /// A year of the demo's ledger (ordinary, major with hearing right, assessment and review,
    /// 首违不罚) and the rows the generator lacks: a stated historical breach, an extension, a
    /// hearing requested and held.
    static func ledger(_ t: TestApp) async throws -> ImportTable {
        let generated = String(decoding: try await DemoHistory.benchPenaltyLedger(year: 2025, count: 40, seed: 7, on: t.db), as: UTF8.self)
        let header = PenaltyCaseImporter().columns.map(\.header)
        let scjg = try await t.unit("SFX-SCJG")
        let numbers = try await OfficerCertificate.query(on: t.db).filter(\.$unitPath == scjg.path).filter(\.$kind == "enforcement").all()
            .filter { $0.valid(on: "2025-01-01") && $0.valid(on: "2025-12-31") }.map(\.number).sorted()
        try #require(numbers.count >= 2)
        let certificates = "\(numbers[0])、\(numbers[1])"
        let extra: [[String: String]] = [
            ["案号": "示市监罚〔2025〕B1号", "办案单位编码": "SFX-SCJG", "当事人类型": "法人", "当事人": "示范县某建材公司", "违法行为": "销售不合格建材",
             "违法行为发生日期": "2025-09-01", "发现日期": "2025-09-05", "立案日期": "2025-09-08", "执法证号": certificates, "重大执法决定": "是",
             "告知日期": "2025-09-20", "涉企影响评估日期": "2025-09-25", "决定日期": "2025-10-15", "罚款": "80000", "决定内容": "依法罚款",
             "历史违规说明": "2025年重大决定未送法制审核，已于2026年整改"],
            ["案号": "示市监罚〔2025〕B2号", "办案单位编码": "SFX-SCJG", "当事人类型": "自然人", "当事人": "李某某", "违法行为": "销售过期食品",
             "违法行为发生日期": "2025-03-01", "发现日期": "2025-03-03", "立案日期": "2025-03-04", "执法证号": certificates,
             "告知日期": "2025-04-01", "告知听证权利": "是", "要求听证日期": "2025-04-03", "听证通知日期": "2025-04-08", "听证日期": "2025-04-21",
             "延长决定期限日期": "2025-05-30", "延长日数": "30", "延长批准人": "局长王某",
             "决定日期": "2025-06-20", "罚款": "3000", "决定内容": "罚款3000元", "送达日期": "2025-06-23", "公示日期": "2025-06-26",
             "执行日期": "2025-07-01", "结案日期": "2025-07-02", "归档日期": "2025-07-10"],
        ]
        let lines = generated.split(separator: "\n").map(String.init) + extra.map { row in header.map { row[$0] ?? "" }.joined(separator: ",") }
        return try TableReader.read(Data(lines.joined(separator: "\n").utf8), filename: "ledger.csv")
    }

    /// Every row the import wrote, ids replaced by what they name, so two copies compare.
    static func written(_ t: TestApp, afterSeq: Int64) async throws -> [String: [String]] {
        let sql = t.db as! any SQLDatabase
        func text(_ row: any SQLRow, _ column: String) -> String {
            if let value = try? row.decodeNil(column: column), value { return "∅" }
            if let value = try? row.decode(column: column, as: String.self) { return value }
            if let value = try? row.decode(column: column, as: Int.self) { return String(value) }
            if let value = try? row.decode(column: column, as: Bool.self) { return String(value) }
            if let value = try? row.decode(column: column, as: Double.self) { return String(value) }
            if let value = try? row.decode(column: column, as: Date.self) { return String(value.timeIntervalSince1970) }
            if let value = try? row.decode(column: column, as: UUID.self) { return value.uuidString }
            return "?"
        }
        var names: [String: String] = [:]
        let cases = try await sql.raw("SELECT id, case_number FROM penalty_cases").all()
        for row in cases { names[text(row, "id").uppercased()] = "case:" + text(row, "case_number") }
        for row in try await sql.raw("SELECT id, record_id, kind FROM statutory_clocks WHERE record_type = 'penalty_cases'").all() {
            names[text(row, "id").uppercased()] = "clock:" + (names[text(row, "record_id").uppercased()] ?? "?") + ":" + text(row, "kind")
        }
        for row in try await sql.raw("SELECT id, case_id FROM enforcement_publications").all() {
            names[text(row, "id").uppercased()] = "publication:" + (names[text(row, "case_id").uppercased()] ?? "?")
        }
        let uuid = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/
        func named(_ value: String) -> String {
            value.replacing(uuid) { match in names[String(value[match.range]).uppercased()] ?? String(value[match.range]) }
        }
        // A publication step's audit detail digests a timeline text that holds the publication's
        // random id (its /gongshi link); the timeline rows themselves are compared with the id named.
        let digest = /text=[0-9a-f]{64}/
        func dump(_ query: String, skipping: Set<String>, ordered: Bool = false) async throws -> [String] {
            let lines = try await sql.raw(SQLQueryString(query)).all().map { row in
                let line = row.allColumns.filter { !skipping.contains($0) }.sorted().map { "\($0)=\(named(text(row, $0)))" }.joined(separator: " | ")
                return line.contains("action=enforcement.case-publish ") ? line.replacing(digest, with: "text=…") : line
            }
            return ordered ? lines : lines.sorted()
        }
        let imported = "SELECT id FROM penalty_cases WHERE case_number LIKE '%罚测%' OR case_number LIKE '%〔2025〕B%'"
        return [
            "cases": try await dump("SELECT * FROM penalty_cases WHERE id IN (\(imported))", skipping: ["id", "party_sealed"]),
            "events": try await dump("SELECT * FROM penalty_case_events WHERE case_id IN (\(imported))", skipping: ["id"]),
            // record_id is text, the case id a uuid: matched by the case number its id names.
            "clocks": try await dump("SELECT * FROM statutory_clocks WHERE record_type = 'penalty_cases'", skipping: [])
                .filter { $0.contains("record_id=case:") && ($0.contains("罚测") || $0.contains("〔2025〕B")) },
            "publications": try await dump("SELECT * FROM enforcement_publications WHERE case_id IN (\(imported))", skipping: []),
            "findings": try await dump("SELECT * FROM penalty_case_findings WHERE case_id IN (\(imported))", skipping: ["id"]),
            "audit": try await sql.raw("SELECT * FROM audit_entries WHERE seq > \(unsafeRaw: String(afterSeq)) ORDER BY seq").all().map { row in
                let line = AuditEntry.foldedLine(action: text(row, "action"), entityType: text(row, "entity_type"), entityID: text(row, "entity_id"),
                                                 actorName: text(row, "actor_name"), outcome: text(row, "outcome"), detail: text(row, "detail"))
                // The publication's random id in a publish step's digest; the whole row of that
                // id named.
                return named(line).split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.contains("enforcement.case-publish｜") ? String($0).replacing(digest, with: "text=…") : String($0) }
                    .joined(separator: "\n")
            },
        ]
    }

    /// The step-by-step replay's audit rows as the batch folds them: from each case's lead to the
    /// next, findings as rows of their own, then the rest as one `enforcement.case-imported` row
    /// whose first line (the summary) is left out here and checked by the caller. In a folded line
    /// the case is named by nothing and a clock by its kind (`LedgerStore.endRow`).
    static func folded(_ rows: [String]) -> [String] {
        var result: [String] = [], group: [String] = [], caseName = ""
        func close() {
            guard !group.isEmpty else { return }
            result.append(AuditEntry.foldedLine(action: PenaltyCaseService.importedAction, entityType: "penalty_case", entityID: caseName,
                                                actorName: Principal.system().auditActor.name, outcome: "success", detail: "…\n" + group.joined(separator: "\n")))
            group = []
        }
        for row in rows {
            let fields = row.split(separator: "｜", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            switch fields[0] {
            case "enforcement.case-lead":
                close()
                caseName = String(fields[1].dropFirst("penalty_case:".count))
                group.append(([fields[0], "penalty_case:"] + fields[2...]).joined(separator: "｜"))
            case "enforcement.case-import":
                close()
                result.append(row)
            case PenaltyCaseService.findingAction:
                result.append(row)
            default:
                var relative = fields
                if fields[1].hasPrefix("penalty_case:case:") { relative[1] = "penalty_case:" }
                if fields[1].hasPrefix("statutory_clock:clock:") { relative[1] = "statutory_clock:" + (fields[1].split(separator: ":").last.map(String.init) ?? "") }
                group.append(relative.joined(separator: "｜"))
            }
        }
        close()
        return result
    }

    static func importing(stepwise: Bool) async throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        try await TestApp.run { t in
            let table = try await Self.ledger(t)
            let sql = t.db as! any SQLDatabase
            let before = try await sql.raw("SELECT MAX(seq) AS seq FROM audit_entries").first()?.decode(column: "seq", as: Int64.self) ?? 0
            let report = try await PenaltyCaseImporter(stepwise: stepwise, flushEvery: 100).run(table, by: .system(), services: t.services, on: t.db)
            #expect(report.errors.isEmpty, "\(report.errors.prefix(5))")
            #expect(report.rowsWritten == table.rows.count)
            result = try await Self.written(t, afterSeq: before)
            #expect(try await AuditLog.verify(on: t.db) == .intact(rows: try await sql.raw("SELECT COUNT(*) AS n FROM audit_entries").first()!.decode(column: "n", as: Int64.self)))
        }
        return result
    }

    @Test("a ledger refused at its last row, after batches went in while later rows were replayed, writes nothing: no case, clock or audit row, the chain intact")
    func refusedAfterBatchesWritesNothing() async throws {
        try await TestApp.run { t in
            var table = try await Self.ledger(t)
            // The last row names a case number the county already has: refused by the replay, not
            // by the reading of the file, so earlier rows' batches are already going in.
            let column = try #require(table.headers.firstIndex(of: "案号"))
            let existing = try #require(try await PenaltyCase.query(on: t.db).first()).caseNumber
            table.rows[table.rows.count - 1][column] = existing
            let sql = t.db as! any SQLDatabase
            func count(_ table: String) async throws -> Int {
                try await sql.raw(SQLQueryString("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)")).first()!.decode(column: "n", as: Int.self)
            }
            let before = (try await count("penalty_cases"), try await count("statutory_clocks"), try await count("audit_entries"))
            // Every 5 rows a batch is handed to the database while the next rows are replayed.
            let report = try await PenaltyCaseImporter(stepwise: false, flushEvery: 5).run(table, by: .system(), services: t.services, on: t.db)
            #expect(report.rowsWritten == 0)
            #expect(report.errors.map(\.row) == [ImportTable.rowNumber(table.rows.count - 1)], "\(report.errors)")
            #expect(report.errors.first?.message.contains("已存在") == true, "\(report.errors)")
            let after = (try await count("penalty_cases"), try await count("statutory_clocks"), try await count("audit_entries"))
            #expect(after == before)
            #expect(try await AuditLog.verify(on: t.db) == .intact(rows: Int64(after.2)))
        }
    }

    @Test("the batch import writes row for row what the step-by-step replay writes, the same audit entries in order (one row per case), the chain intact")
    func batchEqualsStepwise() async throws {
        let stepwise = try await Self.importing(stepwise: true)
        let batch = try await Self.importing(stepwise: false)
        // The ledger exercised what it should: every kind of row; the batch flushed every 100
        // rows, so several times.
        #expect((stepwise["cases"] ?? []).count == 42)
        #expect((stepwise["findings"] ?? []).count >= 1)
        #expect((stepwise["publications"] ?? []).count >= 40)
        #expect((stepwise["clocks"] ?? []).contains { $0.contains("延长") || $0.contains("extend") })
        // Each folded row's summary names its case; then the rows compare without it.
        var summaries = 0
        let batchAudit = (batch["audit"] ?? []).map { row -> String in
            guard row.hasPrefix(PenaltyCaseService.importedAction + "｜") else { return row }
            var lines = row.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let fields = lines[0].split(separator: "｜", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            #expect(fields[4].hasPrefix("台账导入") && fields[4].contains(fields[1].dropFirst("penalty_case:case:".count)), "\(lines[0])")
            summaries += 1
            lines[0] = fields[0..<4].joined(separator: "｜") + "｜…"
            return lines.joined(separator: "\n")
        }
        #expect(summaries == 42)
        var expected = stepwise
        expected["audit"] = Self.folded(stepwise["audit"] ?? [])
        var actual = batch
        actual["audit"] = batchAudit
        for key in expected.keys.sorted() {
            let left = expected[key] ?? [], right = actual[key] ?? []
            #expect(left.count == right.count, "\(key): \(left.count) rows stepwise, \(right.count) in the batch")
            if let index = (0..<min(left.count, right.count)).first(where: { left[$0] != right[$0] }) {
                Issue.record("\(key) row \(index) differs:\nstepwise: \(left[index])\nbatch:    \(right[index])")
            }
        }
    }
}

/// A batch insert (`BulkInsertable.insertAll`, which binds SQLite's values itself and COPYs into
/// PostgreSQL) stores every kind of value as Fluent's `create` stores it: same type, same value.
@Suite struct BulkInsertStorageTests {
    @Test("a batch-inserted clock is stored column for column as Fluent stores the same clock: UUIDs, text with tabs and line breaks, integers, booleans, dates, nulls")
    func sameStorageAsFluent() async throws {
        try await TestApp.run { t in
            let unit = try await t.unit("SFX-SCJG").id!
            func clock(_ id: UUID) -> StatutoryClock {
                let row = StatutoryClock()
                row.id = id; row.kind = "k"; row.moduleID = "m"; row.title = "标题\t制表\n换行\r回车\\反斜杠"; row.link = nil; row.recordType = "penalty_cases"
                row.recordID = unit.uuidString; row.unitID = unit; row.unitPath = "/a/"; row.ledger = "{}"; row.dueDate = "2026-01-02"
                row.calendarVersion = 3; row.closed = true; row.openedBy = "某"
                row.createdAt = Date(timeIntervalSince1970: 1_790_000_000.123457); row.updatedAt = Date(timeIntervalSince1970: 1_790_000_001.5)
                return row
            }
            let byFluent = UUID.v4(), byBatch = UUID.v4()
            try await clock(byFluent).create(on: t.db)
            let batch = clock(byBatch)
            try await t.db.write { tx in try await StatutoryClock.insertAll([batch], on: tx) }
            let loaded = try #require(try await StatutoryClock.find(byBatch, on: t.db))
            #expect(loaded.unitID == unit && loaded.closed && loaded.calendarVersion == 3 && loaded.link == nil && loaded.title == "标题\t制表\n换行\r回车\\反斜杠")
            #expect(abs(loaded.createdAt.timeIntervalSince1970 - 1_790_000_000.123457) < 0.000_002)
            #expect(try await StatutoryClock.query(on: t.db).filter(\.$recordID == unit.uuidString).count() == 2)
            let columns = StatutoryClock.bulkColumns.filter { $0 != "id" }
            // SQLite: each value's storage class and literal; PostgreSQL: each value as text
            // (timestamps to the microsecond), or null.
            let select = "SELECT " + columns.map {
                DatabaseFlavor(t.db) == .sqlite ? "typeof(\($0)) || ':' || quote(\($0)) AS \($0)" : "COALESCE(\($0)::text, 'NULL') AS \($0)"
            }.joined(separator: ", ") + " FROM statutory_clocks WHERE id = "
            let sql = t.db.sql
            let fluentRow = try #require(try await sql.raw(SQLQueryString(select + "'\(byFluent.uuidString)'")).first())
            let batchRow = try #require(try await sql.raw(SQLQueryString(select + "'\(byBatch.uuidString)'")).first())
            for column in columns {
                #expect(try fluentRow.decode(column: column, as: String.self) == batchRow.decode(column: column, as: String.self), "\(column)")
            }
        }
    }
}
