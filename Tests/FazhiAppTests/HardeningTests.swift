import Enforcement
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import NormativeDocuments
import SQLKit
import Testing
import VaporTesting

/// Numbers from a request are bounded before anything computes with them.
@Suite struct RequestNumberTests {
    @Test("a page or year of Int.max, a negative one, or an impossible date answers a page, never a crash")
    func overflowingQueries() async throws {
        try await TestApp.run { t in
            let huge = "9223372036854775807"
            // No login needed for the public list.
            for path in ["/gongshi?page=\(huge)", "/gongshi?page=-\(huge)", "/gongshi?page=abc"] {
                try await t.app.testing().test(.GET, path) { #expect($0.status == .ok, "\(path)") }
            }
            let (supervisor, _) = try await t.login("supervisor")
            for path in ["/figures?year=\(huge)", "/figures?year=-\(huge)", "/reconsideration?year=\(huge)&page=\(huge)",
                         "/reconsideration/statistics?year=\(huge)", "/litigation?year=\(huge)", "/enforcement/actions?year=\(huge)"] {
                let response = try await t.request(supervisor, .GET, path)
                #expect(response.status.code < 500, "\(path)")
            }
            let (auditor, _) = try await t.login("auditor")
            let audit = try await t.request(auditor, .GET, "/audit?from=2026-01-\(huge)&to=\(huge)-01-01&page=\(huge)")
            #expect(audit.status == .ok)
            // The server still answers.
            try await t.app.testing().test(.GET, "/healthz") { #expect($0.status == .ok) }
        }
    }

    @Test("bounds: a year outside 1949–2200 and a page outside 1–100,000 are not numbers the platform uses")
    func bounds() {
        #expect(RequestNumbers.year("2025") == 2025)
        #expect(RequestNumbers.year("9223372036854775807") == nil)
        #expect(RequestNumbers.year("1800") == nil)
        #expect(PageRequest(number: Int.max, size: Int.max).offset == (100_000 - 1) * 200)
        #expect(PageRequest(number: Int.min).number == 1)
        #expect(MetricScope(year: Int.max, unitPath: nil, unitName: "").year == 2200)
    }
}

/// docs/security.md: the audit trail carries identifiers and digests, not the personal data typed into case text.
@Suite struct AuditPersonalDataTests {
    @Test("no audit row of the demo county holds an ID number or a mobile number, though its case texts do")
    func auditHasNoPersonalData() async throws {
        try await TestApp.run { t in
            let idNumber = try NSRegularExpression(pattern: #"\d{17}[\dXx]"#)
            let mobile = try NSRegularExpression(pattern: #"(?<!\d)1[3-9]\d{9}(?!\d)"#)
            func matches(_ pattern: NSRegularExpression, _ text: String) -> Bool {
                pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            }
            // The timelines keep what officers typed (the demo's decisions name people with their numbers) …
            let timelines = try await PenaltyCaseEvent.query(on: t.db).all().map(\.detail)
            #expect(timelines.contains { matches(idNumber, $0) || matches(mobile, $0) })
            // … and the audit trail does not.
            let rows = try await t.db.sql.raw("SELECT \(unsafeRaw: AuditRow.selectColumns) FROM audit_entries").all(decoding: AuditRow.self)
            #expect(rows.count > 1000)
            for row in rows {
                // Digests are hex and organisations' credit codes are not personal data: neither is scanned.
                let text = row.detail.replacingOccurrences(of: "[0-9a-f]{64}", with: "#", options: .regularExpression)
                if row.action.hasPrefix("unit.") { continue }
                #expect(!matches(idNumber, text) && !matches(mobile, text), "audit row \(row.seq) \(row.action) holds personal data: \(text)")
            }
        }
    }
}

/// A decision whose redacted text still looks like personal data waits for a person before it is public.
@Suite struct PublicationHoldTests {
    @Test("a long number left after redaction holds the publication: not on /gongshi, its clock still running, until an officer confirms it")
    func heldUntilConfirmed() async throws {
        try await TestApp.run { t in
            try await PenaltyCaseTests().officer(t, "08001", certificate: "HOLD-A", expires: "2028-12-31")
            try await PenaltyCaseTests().officer(t, "08002", certificate: "HOLD-B", expires: "2028-12-31")
            let (handler, _) = try await t.login("officer.scjg")
            func post(_ path: String, _ form: [String: String]) async throws -> TestingHTTPResponse { try await t.request(handler, .POST, path, form: form) }
            #expect(try await post("/enforcement/cases/new", ["caseNumber": "示市监罚〔2026〕41号", "unitCode": "SFX-SCJG", "partyKind": "legal", "party": "示范县某超市",
                                                              "violation": "销售过期食品", "violationOn": "2026-01-05", "discoveredOn": "2026-01-06"]).status == .seeOther)
            let row = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示市监罚〔2026〕41号").first())
            #expect(try await post("\(row.link)/actions", ["action": "file", "on": "2026-01-07", "officers": "HOLD-A,HOLD-B"]).status == .seeOther)
            #expect(try await post("\(row.link)/actions", ["action": "notify", "on": "2026-01-20"]).status == .seeOther)
            #expect(try await post("\(row.link)/actions", ["action": "decide", "on": "2026-02-02", "fine": "800",
                                                           "text": "依法罚款，缴款凭证编号202601010001234567890"]).status == .seeOther)
            #expect(try await post("\(row.link)/actions", ["action": "publish", "on": "2026-02-03"]).status == .seeOther)
            let item = try #require(try await EnforcementPublication.query(on: t.db).filter(\.$caseID == row.id!).first())
            #expect(item.heldReason != nil)
            #expect(!(try await t.request(TestApp.Browser(), .GET, "/gongshi").body.string.contains("示市监罚〔2026〕41号")))
            #expect(try await t.request(TestApp.Browser(), .GET, item.publicLink).status == .notFound)
            let clock = try #require(try await ClockService.openClock(kind: PublicationClocks.decision.key, record: row.clockRecord, on: t.db))
            // The officer checks the text (a payment slip number, not a person's) and confirms it.
            #expect(try await post("\(row.link)/publication/release", [:]).status == .seeOther)
            #expect(try await t.request(TestApp.Browser(), .GET, "/gongshi").body.string.contains("示市监罚〔2026〕41号"))
            #expect(try await StatutoryClock.find(clock.id!, on: t.db)?.closed == true)
            #expect(try await post("\(row.link)/publication/release", [:]).status == .unprocessableEntity)
            // The case keeps its first publication: public from the confirmation, after its due date.
            let confirmed = try #require(try await PenaltyCase.find(row.id!, on: t.db))
            let shown = try #require(try await EnforcementPublication.query(on: t.db).filter(\.$caseID == row.id!).first())
            #expect(confirmed.firstPublishedOn == shown.publishedOn && shown.publishedOn == "2026-03-02")
            #expect(confirmed.publishedOnTime == (shown.publishedOn <= shown.dueOn))
            try await PublicationFirstTests.keptEqualsPublications(t)
        }
    }
}

/// The first publication each case keeps (`first_published_on`, `published_on_time`) is what its
/// publications say: the publication figures read the kept columns (issue 16).
@Suite struct PublicationFirstTests {
    static func keptEqualsPublications(_ t: TestApp) async throws {
        let sql = t.db as! any SQLDatabase
        let rows = try await sql.raw("""
            SELECT case_number, first_published_on AS kept_first, published_on_time AS kept_on_time,
            (SELECT MIN(p.published_on) FROM enforcement_publications p WHERE p.case_id = penalty_cases.id) AS first,
            EXISTS (SELECT 1 FROM enforcement_publications p WHERE p.case_id = penalty_cases.id AND p.held_reason IS NULL
              AND p.published_on <= p.due_on AND NOT EXISTS (SELECT 1 FROM enforcement_publications q
              WHERE q.case_id = p.case_id AND q.published_on < p.published_on)) AS on_time
            FROM penalty_cases
            """).all()
        #expect(rows.count > 50)
        var published = 0, late = 0
        for row in rows {
            let number = try row.decode(column: "case_number", as: String.self)
            let first = try row.decode(column: "first", as: String?.self)
            let onTime = try row.decode(column: "on_time", as: Bool.self)
            #expect(try row.decode(column: "kept_first", as: String?.self) == first, "\(number)")
            #expect(try row.decode(column: "kept_on_time", as: Bool.self) == onTime, "\(number)")
            if first != nil { published += 1; if !onTime { late += 1 } }
        }
        // The demo has both kinds, so the comparison says something.
        #expect(published > 20 && late > 0, "\(published) published, \(late) late")
    }

    @Test("on the demo county, each case's kept first publication equals what its publications say")
    func demoCounty() async throws {
        try await TestApp.run { t in try await Self.keptEqualsPublications(t) }
    }
}

/// Every response carries the browser protections once; a signed-in page is not kept by caches.
@Suite struct SecurityHeaderTests {
    @Test("a signed-in page, a public page, the stylesheet and an error each carry the protections exactly once; only signed-in pages forbid caching")
    func headersOnce() async throws {
        try await TestApp.run { t in
            let (supervisor, _) = try await t.login("supervisor")
            let signedIn = try await t.request(supervisor, .GET, "/enforcement/cases")
            var responses: [(String, HTTPHeaders)] = [("/enforcement/cases", signedIn.headers)]
            for path in ["/gongshi", "/static/app.css", "/no-such-page"] {
                try await t.app.testing().test(.GET, path) { responses.append((path, $0.headers)) }
            }
            let protections = ["Content-Security-Policy": "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                               "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"]
            for (path, headers) in responses {
                for (name, value) in protections {
                    #expect(headers[name] == [value], "\(path) \(name)")
                }
            }
            #expect(signedIn.headers["Cache-Control"] == ["no-store"])
            // The stylesheet keeps its own caching, once; a public page sets none.
            #expect(responses[2].1["Cache-Control"] == ["public, max-age=3600"])
            #expect(responses[1].1["Cache-Control"].isEmpty)
        }
    }
}

/// A NUL character in a request's text is a field error (422) on both databases: PostgreSQL cannot
/// store one and answered 500, SQLite stored it and read it back cut short.
@Suite struct NullCharacterRequestTests {
    @Test("a NUL in a login name, a form field, a query string or an API import answers 422 naming the field (the row, for a ledger); nothing is written; the server still answers")
    func refusedWithFieldNamed() async throws {
        try await TestApp.run { t in
            let anonymous = TestApp.Browser()
            try await t.request(anonymous, .GET, "/login")
            let login = try await t.request(anonymous, .POST, "/login", form: ["loginName": "super\u{0}visor", "password": "x"])
            #expect(login.status == .unprocessableEntity && login.body.string.contains("loginName") && login.body.string.contains("U+0000"), "\(login.status)")
            #expect(try await t.request(anonymous, .GET, "/gongshi?q=%E7%94%B2%00").status == .unprocessableEntity)

            let (officer, _) = try await t.login("officer.scjg")
            let before = try await PenaltyCase.query(on: t.db).count()
            let form = ["caseNumber": "示市监罚〔2026〕77号", "unitCode": "SFX-SCJG", "partyKind": "legal", "party": "示范县\u{0}某超市",
                        "violation": "销售过期食品", "violationOn": "2026-01-05", "discoveredOn": "2026-01-06"]
            let refused = try await t.request(officer, .POST, "/enforcement/cases/new", form: form)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("party"), "\(refused.status)")
            #expect(try await PenaltyCase.query(on: t.db).count() == before)
            // The same form without the NUL is taken: the refusal was the NUL's, not the form's.
            var clean = form
            clean["party"] = "示范县某超市"
            #expect(try await t.request(officer, .POST, "/enforcement/cases/new", form: clean).status == .seeOther)
            #expect(try await PenaltyCase.query(on: t.db).count() == before + 1)
            let list = try await t.request(officer, .GET, "/enforcement/cases?status=%00")
            #expect(list.status == .unprocessableEntity && list.body.string.contains("status"))

            // Multipart: a text part with a NUL is refused; a file whose bytes hold NULs is a file, and is taken.
            let draft = try await DocumentService.create(title: "空字符测试办法", unitCode: "SFX-SCJG", affectsRights: false, provisional: false,
                                                         by: try await t.principal("officer.scjg"), services: t.services, on: t.db)
            _ = try await t.request(officer, .GET, "/documents/\(draft.id!)")
            let badKind = try await t.upload(officer, "/documents/\(draft.id!)/attachments", fields: ["kind": "other\u{0}"], file: ("file", "a.txt", "x"))
            #expect(badKind.status == .unprocessableEntity && badKind.body.string.contains("kind") && badKind.body.string.contains("U+0000"), "\(badKind.status)")
            let binary = try await t.upload(officer, "/documents/\(draft.id!)/attachments", fields: ["kind": "other"], file: ("file", "b.bin", "a\u{0}b"))
            #expect(binary.status == .seeOther, "\(binary.status)")
            let stored = try await DocumentAttachment.query(on: t.db).filter(\.$documentID == draft.id!).all()
            #expect(stored.count == 1 && stored.first?.data == Data("a\u{0}b".utf8))

            let principal = try #require(try await AccountService.principal(user: try await t.user("supervisor"), channel: .system, tokenPermissions: nil, ip: "t",
                                                                             services: t.services, on: t.db))
            let (token, _) = try await AccountService.createAPIToken(for: principal, name: "省平台", permissions: ["mediation.handle", "mediation.read"], days: 1,
                                                                     services: t.services, on: t.db)
            var captured: TestingHTTPResponse?
            try await t.app.testing().test(.POST, "/api/v1/imports/mediation", beforeRequest: { req in
                req.headers.bearerAuthorization = BearerAuthorization(token: token)
                req.headers.contentType = .json
                req.body = ByteBuffer(string: #"[{"调解组织": "城关镇人民调解委员会", "当事人": "甲某\u0000"}]"#)
            }, afterResponse: { captured = $0 })
            let imported = try #require(captured)
            #expect(imported.status == .unprocessableEntity && imported.body.string.contains("第2行") && imported.body.string.contains("U+0000"), "\(imported.status) \(imported.body.string)")
            try await t.app.testing().test(.GET, "/healthz") { #expect($0.status == .ok) }
        }
    }
}

/// The unit names a server keeps for its list pages (`UnitNames`): a page naming a unit the table
/// lacks reads the units again, at most once a second.
@Suite struct UnitNamesTests {
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var value = Date(timeIntervalSince1970: 1_800_000_000)
        var now: Date { lock.withLock { value } }
        func advance(_ seconds: Double) { lock.withLock { value += seconds } }
    }

    @Test("an unknown id costs one read of the units a second, not one a request; a unit made by another server is named once a second has passed")
    func missRereadThrottled() async throws {
        try await TestApp.run { t in
            let clock = Clock()
            let names = UnitNames(now: { clock.now })
            func name(_ id: UUID) async throws -> String? { try await names.of([id], services: t.services, on: t.db)[id] }
            let known = try await t.unit("SFX-SCJG")
            #expect(try await name(known.id!) == known.name)
            #expect(names.loads == 1)
            let unknown = UUID()
            for _ in 0..<5 { #expect(try await name(unknown) == nil) }
            #expect(names.loads == 1)
            clock.advance(1.5)
            #expect(try await name(unknown) == nil)
            #expect(names.loads == 2)
            for _ in 0..<5 { #expect(try await name(unknown) == nil) }
            #expect(names.loads == 2)

            // A unit another server made: not through this server's UnitService, which would clear the table.
            let other = OrgUnit()
            other.id = UUID()
            other.code = "SFX-NAMES"
            other.name = "名称测试局"
            other.kind = known.kind
            other.parentID = known.parentID
            other.path = String(known.path.dropLast(known.id!.uuidString.count + 1)) + other.id!.uuidString + "/"
            other.depth = known.depth
            other.sortOrder = 999
            other.active = true
            other.createdAt = t.services.now
            other.updatedAt = t.services.now
            try await other.create(on: t.db)
            #expect(try await name(other.id!) == nil)
            clock.advance(1.5)
            #expect(try await name(other.id!) == "名称测试局")
            #expect(names.loads == 3)
            // Every id known: no read until the table is older than the cache's seconds.
            #expect(try await name(known.id!) == known.name)
            #expect(names.loads == 3)
            clock.advance(Double(t.services.config.sessionCacheSeconds))
            #expect(try await name(known.id!) == known.name)
            #expect(names.loads == 4)

            // Requests that find the table stale together wait for one read (issue 16: under load a
            // stale table was read by every request in flight).
            clock.advance(Double(t.services.config.sessionCacheSeconds))
            let db = t.db, services = t.services
            let found = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<24 { group.addTask { try await names.of([known.id!], services: services, on: db)[known.id!] } }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(found == Array(repeating: known.name, count: 24))
            #expect(names.loads == 5)
            // After a change to units (`removeAll`) the next request reads again.
            names.removeAll()
            #expect(try await name(known.id!) == known.name)
            #expect(names.loads == 6)
        }
    }
}
