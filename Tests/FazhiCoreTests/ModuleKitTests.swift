import FazhiCalendar
@testable import FazhiCore
import Foundation
import Testing
import Vapor

private enum SampleRoute: String, RouteTemplate {
    case list = "sample"
    case item = "sample/:id"
    case child = "sample/:id/children/:child"
    case root = ""
    case slashes = "/sample//:id/"
    case idFirst = ":id"
    case idInside = "sample/:id/detail"
    case leading = "/sample/:id"
    case trailing = "sample/:id/"
}

@Suite struct ModuleKitTests {
    @Test("a typed route registers its pattern and fills its parameters in order for links")
    func routes() {
        let id = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
        #expect(SampleRoute.list.path() == "/sample")
        #expect(SampleRoute.item.path(id) == "/sample/00000000-0000-0000-0000-000000000001")
        #expect(SampleRoute.child.path(id, 7) == "/sample/00000000-0000-0000-0000-000000000001/children/7")
        #expect(SampleRoute.child.rawValue == "sample/:id/children/:child")
        // Empty segments drop, as the router's own path components do; the empty template is the root.
        #expect(SampleRoute.root.path() == "/")
        #expect(SampleRoute.slashes.path("值") == "/sample/值")
        // A record's link writes its id straight into the path: the same as filling it segment by segment.
        let other = UUID(uuidString: "a1b2c3d4-e5f6-4789-8abc-def012345678")!
        for route in [SampleRoute.item, .slashes, .idFirst, .idInside, .leading, .trailing] {
            for value in [id, other] {
                #expect(route.path(value) == route.path(value as any CustomStringConvertible), "\(route.rawValue)")
            }
        }
        #expect(SampleRoute.idInside.path(other) == "/sample/A1B2C3D4-E5F6-4789-8ABC-DEF012345678/detail")
        #expect(SampleRoute.idFirst.path(other) == "/A1B2C3D4-E5F6-4789-8ABC-DEF012345678")
    }

    @Test("form fields: one date rule, bounded integers, trimmed text, yes/no flags")
    func fields() throws {
        let fields = FormFields(["on": " 2026/03/02 ", "bad": "2026-02-30", "days": "31", "text": "  说明  ", "yes": "1"])
        #expect(try fields.date("on", label: "日期") == CivilDate("2026-03-02"))
        #expect(try fields.optionalDate("missing", label: "日期") == nil)
        #expect(throws: ValidationFailure(field: "bad", label: "收到日期", message: FormFields.dateRule)) { try fields.date("bad", label: "收到日期") }
        #expect(throws: ValidationFailure(field: "missing", label: "日期", message: FormFields.dateRule)) { try fields.date("missing", label: "日期") }
        #expect(throws: ValidationFailure(field: "days", label: "延长天数", message: "应为1到30的整数")) { try fields.int("days", label: "延长天数", in: 1...30) }
        #expect(fields.text("text") == "说明" && fields.optionalText("missing") == nil)
        #expect(fields.flag("yes") && !fields.flag("missing"))
    }
}

@Suite struct PageChromeTests {
    @Test("a cookie is read from the raw headers as Vapor reads it: spaces, quotes, commas, several headers, the last pair wins")
    func cookies() {
        let headers = HTTPHeaders([("Cookie", "a=1; fazhi_session=tok-EN_1 ;fazhi_flash=\"%E5%B7%B2\""), ("Cookie", "x=y, a=2"), ("Cookie", "broken; =v")])
        for (name, expected) in [("a", "2"), ("fazhi_session", "tok-EN_1"), ("fazhi_flash", "%E5%B7%B2"), ("x", "y"), ("missing", nil), ("", "v")] as [(String, String?)] {
            #expect(Cookies.value(name, in: headers) == expected, "\(name)")
            #expect(Cookies.value(name, in: headers) == headers.cookie?[name]?.string, "\(name) as Vapor reads it")
        }
        #expect(Cookies.value("a", in: HTTPHeaders()) == nil)
    }

    @Test("one menu entry is the current page: the page's own entry, else the longest one it lies under")
    func currentEntry() {
        let menu = ["/", "/enforcement", "/enforcement/cases", "/reports", "/reports/inputs", "/enforcementx"]
        #expect(Layout.currentEntryPath(menu, for: "/enforcement/cases") == "/enforcement/cases")
        #expect(Layout.currentEntryPath(menu, for: "/enforcement/cases/8E0B/steps") == "/enforcement/cases")
        #expect(Layout.currentEntryPath(menu, for: "/enforcement/officers") == "/enforcement")
        #expect(Layout.currentEntryPath(menu, for: "/enforcement") == "/enforcement")
        #expect(Layout.currentEntryPath(menu, for: "/reports/inputs") == "/reports/inputs")
        #expect(Layout.currentEntryPath(menu, for: "/reports/2025") == "/reports")
        #expect(Layout.currentEntryPath(menu, for: "/") == "/")
        #expect(Layout.currentEntryPath(menu, for: "/profile") == nil)
        #expect(Layout.currentEntryPath(menu, for: "/enforcementy") == nil)
    }

    @Test("the cached navigation is the navigation rendered afresh, for each set of permissions and each page; one rendering a set and current entry")
    func navigationCache() {
        let cases = Permission("enforcement.cases", "案件"), reports = Permission("reports.view", "报告")
        // Seventy entries, so the visibility spans two words of the key; titles need escaping.
        var menu = [MenuEntry(title: "工作台", path: "/", permission: .authenticated, section: "工作台"),
                    MenuEntry(title: "案件 & 台账", path: "/enforcement/cases", permission: cases, section: "执法"),
                    MenuEntry(title: "报告", path: "/reports", permission: reports, section: "报告")]
        menu += (0..<67).map { MenuEntry(title: "事项<\($0)>", path: "/items/\($0)", permission: $0.isMultiple(of: 2) ? cases : reports, section: "事项\($0 % 3)") }
        let cache = NavigationCache(menu: menu)
        func reader(_ permissions: Set<String>) -> Principal {
            Principal(userID: UUID(), loginName: "u", displayName: "U", role: nil, unitID: nil, unitName: "", unitPath: "/1/",
                      permissions: permissions, channel: .apiToken(id: UUID()), ip: "")
        }
        let readers = [reader([]), reader([cases.key]), reader([reports.key]), reader([cases.key, reports.key])]
        let paths = ["/", "/enforcement/cases", "/enforcement/cases/9/steps", "/reports/2025", "/items/3", "/items/64", "/profile"]
        for _ in 0..<2 {
            for principal in readers {
                for path in paths {
                    let fresh = Layout.navigation(menu: menu, principal: principal, currentPath: path).render()
                    #expect(cache.node(for: principal, currentPath: path).render() == fresh, "\(principal.permissions) \(path)")
                }
            }
        }
        // Four permission sets; a page under no visible entry shares its set's rendering with the others of its kind.
        let expected = Set(readers.flatMap { principal in
            paths.map { path in Layout.navigation(menu: menu, principal: principal, currentPath: path).render() }
        }).count
        #expect(cache.count == expected)
        #expect(cache.node(for: readers[1], currentPath: "/items/64").render().contains("<a href=\"/items/64\" aria-current=\"page\">事项&lt;64&gt;</a>"))
        #expect(!cache.node(for: readers[2], currentPath: "/items/64").render().contains("/items/64"))
    }
}

@Suite struct CoveringIndexTests {
    @Test("a covering index carries its counted columns as INCLUDE payload after its keys")
    func statement() {
        let migration = AddCoveringIndex("t.001", (name: "t_cover", table: "t", keys: ["day"], included: ["path", "amount"]), replacing: [("t_day", "t", ["day"])])
        #expect(migration.statement == #"CREATE INDEX IF NOT EXISTS t_cover ON t ("day") INCLUDE ("path", "amount")"#)
    }
}

@Suite struct ListQueryParsingTests {
    @Test("a list's query string: escapes and + decode, unknown keys and undecodable pairs drop, the first of a repeated key counts")
    func parsing() {
        let keys = ["status", "q", "page", "after"]
        #expect(ListQuery.parse(query: "status=closed&page=2", keys: keys) == ["status": "closed", "page": "2"])
        #expect(ListQuery.parse(query: "q=%E7%A4%BA%E8%8C%83%E5%8E%BF+%E5%B8%82%E7%9B%91", keys: keys) == ["q": "示范县 市监"])
        #expect(ListQuery.parse(query: "after=2026-01-05~ABC&other=1&status=a&status=b", keys: keys) == ["after": "2026-01-05~ABC", "status": "a"])
        #expect(ListQuery.parse(query: "q=%zz&page&status=%2B1", keys: keys) == ["page": "", "status": "+1"])
        #expect(ListQuery.parse(query: "", keys: keys).isEmpty)
        // Empty values are dropped by ListQuery itself, as before.
        #expect(ListQuery(path: "/x", parameters: ListQuery.parse(query: "page=&status=closed", keys: keys)).parameters == ["status": "closed"])
    }
}

private actor ReadLog {
    var labels: [String] = []
    func add(_ label: String) { labels.append(label) }
}

/// Figures evaluated by several workers at once share one read per family (issue 16).
@Suite struct MetricFamilyCacheTests {
    @Test("eight figures of one family asking at once start one read and all get its counts; another scope or family reads again")
    func oneReadPerFamily() async throws {
        let reads = ReadLog()
        let county = MetricScope(year: 2025, unitPath: "/a/", unitName: "县")
        func read(_ label: String) -> @Sendable () async throws -> [String: Int] {
            { @Sendable in
                await reads.add(label)
                try await Task.sleep(for: .milliseconds(20))
                return [label: 1]
            }
        }
        let answers = try await MetricFamilyCache.$current.withValue(MetricFamilyCache()) {
            try await withThrowingTaskGroup(of: [String: Int].self) { group in
                for index in 0..<10 {
                    let (family, scope, label) = index < 8 ? ("f", county, "f-county") : index == 8 ? ("f", county.previousYear, "f-2024") : ("g", county, "g-county")
                    group.addTask { try await MetricFamilyCache.counts(family, scope: scope, read: read(label)) }
                }
                var answers: [[String: Int]] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
        }
        #expect(await reads.labels.sorted() == ["f-2024", "f-county", "g-county"])
        #expect(answers.filter { $0 == ["f-county": 1] }.count == 8)
        // Outside an evaluation there is no cache: each call reads.
        _ = try await MetricFamilyCache.counts("f", scope: county, read: read("alone"))
        _ = try await MetricFamilyCache.counts("f", scope: county, read: read("alone"))
        #expect(await reads.labels.filter { $0 == "alone" }.count == 2)
    }
}
