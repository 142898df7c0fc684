import Enforcement
@testable import FazhiCore
import Fluent
import Foundation
import SQLKit
import Testing

/// A long list pages by cursor (issue 16): following 下一页 from the first page shows every case once,
/// in the list's order; 上一页 walks back through the same pages; a page number without a cursor
/// (an old link) still shows its page.
@Suite struct ListPagingTests {
    static func caseNumbers(_ html: String) -> [String] {
        // The first column links each case: <a href="/enforcement/cases/ID">NUMBER</a>
        html.matches(of: /<a href="\/enforcement\/cases\/[0-9A-Fa-f-]{36}">([^<]+)<\/a>/).map { String($0.output.1) }
    }

    static func link(_ html: String, rel: String) -> String? {
        guard let match = html.firstMatch(of: try! Regex("<a href=\"([^\"]+)\" rel=\"\(rel)\"")) else { return nil }
        return String(match.output[1].substring ?? "").replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test("下一页 by cursor shows every case once in order, 上一页 walks back the same pages, a bare page number still works")
    func cursorPaging() async throws {
        try await TestApp.run { t in
            let (browser, _) = try await t.login("supervisor")
            let sql = t.db as! any SQLDatabase
            let expected = try await sql.raw("SELECT case_number FROM penalty_cases ORDER BY discovered_on DESC, id DESC").all()
                .map { try $0.decode(column: "case_number", as: String.self) }
            #expect(expected.count > 40, "the demo should span several pages")

            var pages: [[String]] = []
            var path: String? = "/enforcement/cases"
            var html = ""
            while let next = path, pages.count < 100 {
                let response = try await t.request(browser, .GET, next)
                #expect(response.status == .ok, "\(next)")
                html = response.body.string
                pages.append(Self.caseNumbers(html))
                path = Self.link(html, rel: "next")
            }
            #expect(pages.flatMap { $0 } == expected)
            #expect(pages.dropLast().allSatisfy { $0.count == 20 })
            #expect(html.contains("第\(pages.count)/\(pages.count)页，共\(expected.count)条"))

            // Back from the last page, page by page, to the first.
            var back: [[String]] = [pages.last!]
            var previous = Self.link(html, rel: "prev")
            while let target = previous, back.count < 100 {
                let page = try await t.request(browser, .GET, target).body.string
                back.insert(Self.caseNumbers(page), at: 0)
                previous = Self.link(page, rel: "prev")
            }
            #expect(back == pages)

            // An old link with a page number and no cursor.
            let second = try await t.request(browser, .GET, "/enforcement/cases?page=2").body.string
            #expect(Self.caseNumbers(second) == pages[1])
            // A malformed cursor is ignored, not an error.
            #expect(try await t.request(browser, .GET, "/enforcement/cases?after=x~not-an-id").status == .ok)

            // The total, read in the page's own statement, counts the filters and not the cursor:
            // each status's first page and a page past the end say the SQL count.
            for status in ["closed", "filed"] {
                let count = try await sql.raw("SELECT COUNT(*) AS n FROM penalty_cases WHERE status = \(bind: status)").first(decodingColumn: "n", as: Int.self) ?? 0
                #expect(count > 0, "\(status)")
                let first = try await t.request(browser, .GET, "/enforcement/cases?status=\(status)").body.string
                #expect(first.contains("第1/\((count + 19) / 20)页，共\(count)条"), "\(status)")
            }
            let pastEnd = try await t.request(browser, .GET, "/enforcement/cases?after=0000-01-01~\(UUID().uuidString)&page=9").body.string
            #expect(Self.caseNumbers(pastEnd).isEmpty && pastEnd.contains("共\(expected.count)条"))
            let pageTooFar = try await t.request(browser, .GET, "/enforcement/cases?page=9999").body.string
            #expect(Self.caseNumbers(pageTooFar).isEmpty && pageTooFar.contains("共\(expected.count)条"))
        }
    }

    @Test("on an SQLite file the list pages read their rows through the reader, keep them until the audit trail moves, see a change at once, and a read in a transaction does not use the reader")
    func listsReadThroughTheReader() async throws {
        try await TestApp.run { t in
            guard DatabaseFlavor(t.db) == .sqlite else {
                #expect(t.services.sqliteReader == nil)
                return
            }
            let reader = try #require(t.services.sqliteReader)
            let (browser, _) = try await t.login("supervisor")
            let before = reader.counts
            let first = try await t.request(browser, .GET, "/enforcement/cases").body.string
            let afterFirst = reader.counts
            // The first visit read the records' version and the page's rows, both on the reader.
            #expect(afterFirst.prepared + afterFirst.reused == before.prepared + before.reused + 2)
            let second = try await t.request(browser, .GET, "/enforcement/cases").body.string
            let afterSecond = reader.counts
            // The second read the version only, prepared, and showed the table kept from the first.
            #expect(afterSecond.prepared == afterFirst.prepared && afterSecond.reused == afterFirst.reused + 1)
            #expect(Self.caseNumbers(second) == Self.caseNumbers(first) && !Self.caseNumbers(first).isEmpty)

            // A change made as the platform makes every change — with its audit row, in one
            // transaction through the app's own connection — is on the next page read.
            let newest = try #require(try await PenaltyCase.query(on: t.db).sort(\.$discoveredOn, .descending).first())
            #expect(Self.caseNumbers(first).first == newest.caseNumber)
            let now = t.time.current
            try await t.db.write { tx in
                newest.caseNumber = "读后即见〔2026〕1号"
                try await newest.save(on: tx)
                try await AuditLog.append(AuditEvent(action: "test.rename", entityType: "penalty_cases", entityID: newest.id!.uuidString),
                                          by: AuditActor(id: "test", name: "测试", unitID: "", ip: "test"), at: now, on: tx)
            }
            let again = try await t.request(browser, .GET, "/enforcement/cases").body.string
            #expect(Self.caseNumbers(again).first == "读后即见〔2026〕1号")

            // Inside a transaction a list reads on the transaction's connection: it sees its own write.
            let principal = try await t.principal("supervisor")
            let services = t.services
            let seen = try await t.db.transaction { tx -> [String] in
                #expect(!(services.listDatabase(tx) is ReaderDatabase))
                newest.caseNumber = "事务内〔2026〕1号"
                try await newest.save(on: tx)
                return try await PenaltyCase.scopedSelect(for: principal, on: tx, services: services).plainColumns("case_number")
                    .orderBy("discovered_on", .descending).limit(1).listRows(decoding: NumberRow.self).map(\.number)
            }
            #expect(seen == ["事务内〔2026〕1号"])
            #expect(t.services.listDatabase(t.db) is ReaderDatabase)
        }
    }

    @Test("a list's table is kept per scope: a department officer who reads the cases list after the county supervisor sees his unit's cases, not the county's; an overlong query is rendered and not kept")
    func keptListsFollowTheScope() async throws {
        try await TestApp.run { t in
            let sql = t.db as! any SQLDatabase
            let officer = try await t.principal("officer.scjg")
            let prefix = try #require(officer.scopePrefix)
            let county = try await sql.raw("SELECT case_number FROM penalty_cases ORDER BY discovered_on DESC, id DESC LIMIT 20").all()
                .map { try $0.decode(column: "case_number", as: String.self) }
            let unit = try await sql.raw("SELECT case_number FROM penalty_cases WHERE unit_path LIKE \(bind: prefix + "%") ORDER BY discovered_on DESC, id DESC LIMIT 20").all()
                .map { try $0.decode(column: "case_number", as: String.self) }
            #expect(!unit.isEmpty && unit != county, "the demo's department should hold some of the county's cases, not all")

            let (supervisor, _) = try await t.login("supervisor")
            #expect(Self.caseNumbers(try await t.request(supervisor, .GET, "/enforcement/cases").body.string) == county)
            let (clerk, _) = try await t.login("officer.scjg")
            #expect(Self.caseNumbers(try await t.request(clerk, .GET, "/enforcement/cases").body.string) == unit)
            // Both tables are kept, each for its own scope, and each reader is shown his own again.
            #expect(Self.caseNumbers(try await t.request(supervisor, .GET, "/enforcement/cases").body.string) == county)
            #expect(Self.caseNumbers(try await t.request(clerk, .GET, "/enforcement/cases").body.string) == unit)

            // A filter of hundreds of characters is answered, but not kept.
            let kept = t.services.listCache.count
            let long = String(repeating: "复", count: 200)
            let response = try await t.request(supervisor, .GET, "/reconsideration?q=" + long.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(response.status == .ok)
            #expect(t.services.listCache.count == kept)
            _ = try await t.request(supervisor, .GET, "/reconsideration?q=%E5%A4%8D")
            #expect(t.services.listCache.count == kept + 1)
        }
    }

    @Test("a list's key names each parameter once: no value can pass for two parameters")
    func listKeysAreUnambiguous() {
        let one = ListQuery(path: "/x", parameters: ["after": "1&before=2"])
        let two = ListQuery(path: "/x", parameters: ["after": "1", "before": "2"])
        #expect(one.listKey != two.listKey)
        #expect(ListQuery(path: "/x", parameters: ["status": "a", "page": "2"]).listKey == ListQuery(path: "/x", parameters: ["page": "2", "status": "a"]).listKey)
        // An empty value is no filter at all, as the list reads it.
        #expect(ListQuery(path: "/x", parameters: ["status": ""]).listKey == ListQuery(path: "/x", parameters: [:]).listKey)
    }

    struct NumberRow: SQLListRow {
        var number: String
        init(row: any SQLRow) throws { number = try row.decode(column: "case_number", as: String.self) }
    }

    @Test("PostgreSQL: a department's cases list picks its page's ids from the list index alone (scope and status from its payload), then reads those rows")
    func listIDsFromTheIndex() async throws {
        try await TestApp.run { t in
            let officer = try await t.principal("officer.scjg")
            let prefix = try #require(officer.scopePrefix)
            let postgres = DatabaseFlavor(t.db) == .postgres
            for query in [ListQuery(path: "/enforcement/cases", parameters: [:]),
                          ListQuery(path: "/enforcement/cases", parameters: ["status": "filed", "after": "2026-01-01~\(UUID().uuidString)"])] {
                let select = PenaltyCase.scopedSelect(for: officer, on: t.db, services: t.services).columns("id", "case_number", "discovered_on")
                if let status = query["status"] { select.where("status", .equal, SQLBind(status)) }
                _ = select.cursorStatement(key: "discovered_on", query: query, size: 20)
                let sql = t.db as! any SQLDatabase
                let text = sql.serialize(select.select).sql
                #expect(text.contains("IN (SELECT") == postgres, "\(text)")
                guard postgres else { continue }
                let statement = select.select
                let plan = try await t.db.transaction { tx in
                    let inner = tx as! any SQLDatabase
                    // The demo table is small enough to scan whole, or to sort a department's few cases;
                    // asked here is whether the list index answers the ids from itself, as it does on a
                    // province's table, where the department's cases are a few among millions.
                    try await inner.raw("SET LOCAL enable_seqscan = off").run()
                    try await inner.raw("SET LOCAL enable_sort = off").run()
                    let lines = LockedLines()
                    try await inner.execute(sql: Explain(statement)) { row in lines.append((try? row.decode(column: "QUERY PLAN", as: String.self)) ?? "") }
                    return lines.all.joined(separator: "\n")
                }
                #expect(plan.contains("Index Only Scan Backward using penalty_cases_list_cover"), "\(plan)")
                #expect(!plan.contains("penalty_cases_list_order"), "\(plan)")
                // The page is the same rows the plain statement gives.
                let listed = PenaltyCase.scopedSelect(for: officer, on: t.db, services: t.services).columns("id", "case_number", "discovered_on", "status", "unit_path")
                if let status = query["status"] { listed.where("status", .equal, SQLBind(status)) }
                let page = try await listed.cursorPage(key: "discovered_on", query: query, decoding: ListedCase.self) { ($0.discoveredOn, $0.id.text) }
                if query["status"] == nil {
                    let plain = try await sql.select().columns("id").from("penalty_cases").where("unit_path", .like, prefix + "%")
                        .orderBy("discovered_on", .descending).orderBy("id", .descending).limit(20)
                        .all().map { try $0.decodeUUID(column: "id") }
                    #expect(!plain.isEmpty && page.rows.map(\.id) == plain)
                } else {
                    #expect(page.rows.allSatisfy { $0.status == "filed" && $0.unitPath.hasPrefix(prefix) && $0.discoveredOn <= "2026-01-01" })
                    #expect(page.rows.map(\.discoveredOn) == page.rows.map(\.discoveredOn).sorted(by: >))
                }
            }
        }
    }

    struct ListedCase: SQLListRow {
        var id: UUID, discoveredOn: String, status: String, unitPath: String
        init(row: any SQLRow) throws {
            id = try row.decodeUUID(column: "id")
            discoveredOn = try row.decode(column: "discovered_on", as: String.self)
            status = try row.decode(column: "status", as: String.self)
            unitPath = try row.decode(column: "unit_path", as: String.self)
        }
    }

    /// `EXPLAIN` before a statement, with its binds.
    struct Explain: SQLExpression {
        let select: SQLSelect
        init(_ select: SQLSelect) { self.select = select }
        func serialize(to serializer: inout SQLSerializer) {
            serializer.write("EXPLAIN ")
            select.serialize(to: &serializer)
        }
    }

    @Test("the reconsideration list pages by cursor on (received_on, case number): every case once, in order")
    func textKeyedCursor() async throws {
        try await TestApp.run { t in
            let (browser, _) = try await t.login("supervisor")
            let sql = t.db as! any SQLDatabase
            let expected = try await sql.raw("SELECT case_number FROM reconsideration_cases ORDER BY received_on DESC, case_number DESC").all()
                .map { try $0.decode(column: "case_number", as: String.self) }
            #expect(expected.count > 20)
            var seen: [String] = []
            var path: String? = "/reconsideration"
            var pages = 0
            while let next = path, pages < 100 {
                let html = try await t.request(browser, .GET, next).body.string
                seen += html.matches(of: /<a href="\/reconsideration\/[0-9A-Fa-f-]{36}">([^<]+)<\/a>/).map { String($0.output.1) }
                path = Self.link(html, rel: "next")
                pages += 1
            }
            #expect(pages > 1)
            #expect(seen == expected)
        }
    }
}
