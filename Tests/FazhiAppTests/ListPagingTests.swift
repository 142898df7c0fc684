import Enforcement
import FazhiCore
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
