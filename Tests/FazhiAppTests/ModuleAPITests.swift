import FazhiCore
import Fluent
import Foundation
import Mediation
import Testing
import VaporTesting

/// Every module in `/api/v1` (issue 20): each module's records by keyset, within the token's scope,
/// personal data masked; every figure with its records; every ledger importable as JSON, all or nothing.
@Suite struct ModuleAPITests {
    /// The resources' list paths, by module.
    static let lists = ["enforcement/cases", "supervision/transfers", "supervision/draws", "documents", "decisions", "legal/reviews", "disclosure/requests",
                        "suggestions", "services/items", "education/records", "mediation/disputes", "mediation/bodies", "oversight/inspections", "oversight/findings",
                        "reports/annual"]

    struct Page: Decodable {
        var items: [[String: AnyDecodable]]
        var next: String?
    }

    func client(_ t: TestApp, login: String, permissions: [String]? = nil, unitCode: String? = nil) async throws -> (String) async throws -> TestingHTTPResponse {
        let principal = try #require(try await AccountService.principal(user: try await t.user(login), channel: .system, tokenPermissions: nil, ip: "t",
                                                                         services: t.services, on: t.db))
        let (token, _) = try await AccountService.createAPIToken(for: principal, name: "省平台", permissions: permissions ?? principal.permissions.sorted(), days: 1,
                                                                 unitCode: unitCode, services: t.services, on: t.db)
        return { path in
            var captured: TestingHTTPResponse?
            try await t.app.testing().test(.GET, path, beforeRequest: { $0.headers.bearerAuthorization = BearerAuthorization(token: token) }, afterResponse: { captured = $0 })
            return try #require(captured)
        }
    }

    @Test("each module's list pages by keyset to the end without repeats, every record once; a record by its id; an unknown id is refused")
    func everyModule() async throws {
        try await TestApp.run { t in
            let get = try await client(t, login: "supervisor")
            for list in Self.lists {
                var seen: [String] = [], cursor: String?, pages = 0
                repeat {
                    let response = try await get("/api/v1/\(list)?limit=7" + (cursor.map { "&after=\($0)" } ?? ""))
                    #expect(response.status == .ok, "\(list)")
                    let page = try JSONDecoder().decode(Page.self, from: Data(response.body.string.utf8))
                    seen += page.items.compactMap { $0["id"]?.text }
                    #expect(page.items.count <= 7 && (page.next == nil || page.items.count == 7), "\(list)")
                    cursor = page.next
                    pages += 1
                } while cursor != nil && pages < 500
                #expect(!seen.isEmpty && Set(seen).count == seen.count, "\(list): \(seen.count) records")
                let one = try await get("/api/v1/\(list)/\(seen[0])")
                #expect(one.status == .ok && one.body.string.contains(seen[0]), "\(list)")
                #expect(try await get("/api/v1/\(list)/\(UUID())").status == .forbidden, "\(list)")
            }
            // The count is the table's: mediation's disputes, all of them, in the county-wide scope.
            var all = 0, cursor: String?
            repeat {
                let page = try JSONDecoder().decode(Page.self, from: Data(try await get("/api/v1/mediation/disputes?limit=200" + (cursor.map { "&after=\($0)" } ?? "")).body.string.utf8))
                all += page.items.count
                cursor = page.next
            } while cursor != nil
            let stored = try await Dispute.query(on: t.db).count()
            #expect(all == stored)
            // Bad filters are named, never ignored.
            #expect(try await get("/api/v1/mediation/disputes?after=x").status == .unprocessableEntity)
            #expect(try await get("/api/v1/mediation/disputes?year=99999").status == .unprocessableEntity)
            #expect(try await get("/api/v1/mediation/disputes?unit=NOPE").status == .forbidden)
            // By year: the disputes accepted that year only.
            let year = try JSONDecoder().decode(Page.self, from: Data(try await get("/api/v1/mediation/disputes?year=2025&limit=200").body.string.utf8))
            #expect(!year.items.isEmpty && year.items.allSatisfy { $0["acceptedOn"]?.text?.hasPrefix("2025-") == true })
        }
    }

    @Test("a token narrowed to a township reads that township's records only, and parties come masked, never sealed")
    func scopeAndMasking() async throws {
        try await TestApp.run { t in
            let township = try await t.unit("SFX-CG")
            let get = try await client(t, login: "supervisor", permissions: ["mediation.read"], unitCode: "SFX-CG")
            let body = try await get("/api/v1/mediation/disputes?limit=200").body.string
            let page = try JSONDecoder().decode(Page.self, from: Data(body.utf8))
            let inside = try await Dispute.query(on: t.db).filter(\.$unitPath =~ township.path).all()
            #expect(page.items.count == min(inside.count, 200) && !inside.isEmpty)
            #expect(page.items.allSatisfy { $0["unitPath"]?.text?.hasPrefix(township.path) == true })
            let first = try #require(inside.first)
            let plain = try t.services.cipher.open(first.partiesSealed)
            #expect(body.contains(first.partiesMasked) && !body.contains(first.partiesSealed) && !body.contains(plain))
            let outside = try #require(try await Dispute.query(on: t.db).filter(\.$unitPath !~ township.path).first())
            #expect(try await get("/api/v1/mediation/disputes/\(outside.id!)").status == .forbidden)
            // Other modules' records need their own permission.
            #expect(try await get("/api/v1/enforcement/cases").status == .forbidden)
        }
    }

    @Test("a figure with its records: as many records as the count; an unknown figure is 404")
    func figureRecords() async throws {
        try await TestApp.run { t in
            let get = try await client(t, login: "supervisor")
            struct Answer: Decodable {
                struct Figure: Decodable { var value: String? }
                struct Record: Decodable { var id: String; var link: String }
                var figure: Figure
                var records: [Record]
                var truncated: Bool
            }
            for key in ["mediation.accepted", "oversight.findings", "education.events", "disclosure.requests.new.total"] {
                let response = try await get("/api/v1/figures/\(key)?year=2025&unit=\(DemoCounty.governmentCode)&limit=1000")
                #expect(response.status == .ok, "\(key)")
                let answer = try JSONDecoder().decode(Answer.self, from: Data(response.body.string.utf8))
                #expect(!answer.truncated && Int(answer.figure.value ?? "") == answer.records.count && answer.records.count > 0, "\(key)")
            }
            #expect(try await get("/api/v1/figures/no.such.figure").status == .notFound)
        }
    }

    @Test("a ledger through the API as JSON: a bad row refuses the whole file with the row named (422); corrected, every row is written (201)")
    func importJSON() async throws {
        try await TestApp.run { t in
            let principal = try #require(try await AccountService.principal(user: try await t.user("supervisor"), channel: .system, tokenPermissions: nil, ip: "t",
                                                                             services: t.services, on: t.db))
            let (token, _) = try await AccountService.createAPIToken(for: principal, name: "省平台", permissions: ["mediation.handle", "mediation.read"], days: 1,
                                                                     services: t.services, on: t.db)
            func post(_ path: String, _ json: String) async throws -> TestingHTTPResponse {
                var captured: TestingHTTPResponse?
                try await t.app.testing().test(.POST, path, beforeRequest: { req in
                    req.headers.bearerAuthorization = BearerAuthorization(token: token)
                    req.headers.contentType = .json
                    req.body = ByteBuffer(string: json)
                }, afterResponse: { captured = $0 })
                return try #require(captured)
            }
            let before = try await Dispute.query(on: t.db).count()
            let good = #"{"调解组织": "城关镇人民调解委员会", "纠纷来源": "当事人申请", "纠纷类型": "邻里", "当事人": "甲某、乙某", "简要情况": "排水纠纷", "受理日期": "2026-02-01", "调解日期": "2026-02-03", "结果": "口头协议", "结案日期": "2026-02-03"}"#
            let bad = #"{"调解组织": "城关镇人民调解委员会", "纠纷来源": "当事人申请", "纠纷类型": "邻里", "当事人": "丙某", "简要情况": "噪声纠纷", "受理日期": "2026-02-30"}"#
            let refused = try await post("/api/v1/imports/mediation", "[\(good), \(bad)]")
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("第3行"))
            #expect(try await Dispute.query(on: t.db).count() == before)
            let written = try await post("/api/v1/imports/mediation", "[\(good)]")
            #expect(written.status == .created && written.body.string.contains("\"rowsWritten\":1"))
            #expect(try await Dispute.query(on: t.db).count() == before + 1)
            // A ledger the token may not import, and one that does not exist.
            #expect(try await post("/api/v1/imports/oversight", "[]").status == .forbidden)
            #expect(try await post("/api/v1/imports/nothing", "[]").status == .notFound)
        }
    }
}
