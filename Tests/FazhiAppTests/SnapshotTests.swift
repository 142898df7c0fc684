import FazhiApp
import FazhiCore
import Foundation
import Testing
import Vapor
import VaporTesting

/// HTML snapshots of the main pages. Random values (ids, CSRF tokens) are replaced before
/// comparing. A missing snapshot is written and the test fails, so a new snapshot is always looked
/// at once; set FAZHI_RECORD_SNAPSHOTS=1 to rewrite changed ones.
@Suite struct SnapshotTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")

    static func normalise(_ html: String) -> String {
        var text = html
        let patterns = [
            "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}": "<uuid>",
            "name=\"_csrf\" value=\"[^\"]*\"": "name=\"_csrf\" value=\"<csrf>\"",
            // A disclosure request's number ends in six random characters (it is the applicant's tracking code).
            "GK[0-9]{8}[0-9A-F]{6}": "GK<number>",
        ]
        for (pattern, replacement) in patterns {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text.replacingOccurrences(of: "><", with: ">\n<")
    }

    func assertSnapshot(_ html: String, named name: String) throws {
        let file = Self.directory.appendingPathComponent(name + ".html")
        let actual = Self.normalise(html)
        let record = ProcessInfo.processInfo.environment["FAZHI_RECORD_SNAPSHOTS"] == "1"
        guard let expected = try? String(contentsOf: file, encoding: .utf8), !record else {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            if !record { Issue.record("snapshot \(name) was missing and has been recorded; check it and run again") }
            return
        }
        #expect(actual == expected, "page \(name) differs from its snapshot")
    }

    @Test("login page")
    func login() async throws {
        try await TestApp.run(seeded: false) { t in
            let page = try await t.request(TestApp.Browser(), .GET, "/login")
            try assertSnapshot(page.body.string, named: "login")
        }
    }

    @Test("dashboard, units list, unit record, roles and profile as seen by their roles")
    func mainPages() async throws {
        try await TestApp.run { t in
            let (supervisor, _) = try await t.login("supervisor")
            try assertSnapshot(try await t.request(supervisor, .GET, "/").body.string, named: "dashboard-supervisor")
            try assertSnapshot(try await t.request(supervisor, .GET, "/units?page=2").body.string, named: "units-supervisor-page2")
            let cg = try await t.unit("SFX-CG")
            try assertSnapshot(try await t.request(supervisor, .GET, "/units/\(cg.id!)").body.string, named: "unit-chengguan")
            try assertSnapshot(try await t.request(supervisor, .GET, "/figures?year=2025").body.string, named: "figures-2025")
            let (township, _) = try await t.login("staff.cg")
            try assertSnapshot(try await t.request(township, .GET, "/units").body.string, named: "units-township")
            let (secadmin, _) = try await t.login("secadmin")
            try assertSnapshot(try await t.request(secadmin, .GET, "/roles").body.string, named: "roles")
            let (sysadmin, _) = try await t.login("sysadmin")
            let form = try await t.request(sysadmin, .POST, "/units/new", form: ["code": "", "name": "新单位", "kind": "部门", "uscc": "914403001922038217"])
            #expect(form.status == .unprocessableEntity)
            try assertSnapshot(form.body.string, named: "unit-form-errors")
        }
    }
}
