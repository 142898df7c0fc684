import Crypto
import FazhiApp
@testable import FazhiCore
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite struct AuditChainTests {
    /// What an attacker with DDL rights does first: the append-only triggers go.
    static func dropTriggers(_ db: any Database) async throws {
        let sql = db as! any SQLDatabase
        if DatabaseFlavor(db) == .postgres {
            try await sql.raw("DROP TRIGGER audit_entries_append_only ON audit_entries").run()
        } else {
            try await sql.raw("DROP TRIGGER audit_entries_no_update").run()
            try await sql.raw("DROP TRIGGER audit_entries_no_delete").run()
        }
    }

    @Test("the audit table refuses UPDATE and DELETE; with its triggers dropped, an edited row breaks the chain at that row")
    func tamperingIsFound() async throws {
        try await TestApp.run { t in
            guard case .intact(let rows) = try await AuditLog.verify(on: t.db, batchSize: 37) else {
                Issue.record("fresh chain should be intact")
                return
            }
            #expect(rows > 100)
            let sql = t.db as! any SQLDatabase
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE audit_entries SET detail = 'x' WHERE seq = 57").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_entries WHERE seq = 57").run() }
            #expect(try await AuditLog.verify(on: t.db) == .intact(rows: rows))
            try await Self.dropTriggers(t.db)
            try await sql.raw("UPDATE audit_entries SET detail = 'x' WHERE seq = 57").run()
            #expect(try await AuditLog.verify(on: t.db, batchSize: 37) == .broken(seq: 57, reason: "第57条记录的内容与其哈希不符（记录被修改）"))
        }
    }

    @Test("appends in one write transaction chain on from each other, reading the chain's end once; a rolled-back transaction's appends leave nothing behind")
    func appendsInOneTransaction() async throws {
        try await TestApp.run { t in
            guard case .intact(let before) = try await AuditLog.verify(on: t.db) else {
                Issue.record("fresh chain should be intact")
                return
            }
            let actor = AuditActor(id: "test", name: "测试", unitID: "", ip: "test")
            let event: @Sendable (Int) -> AuditEvent = { AuditEvent(action: "test.append", entityType: "test", entityID: String($0)) }
            let now = t.time.current
            try await t.db.write { tx in
                let state = try #require((tx as? InTransaction)?.state)
                // On PostgreSQL the transaction began by taking the writer lock; appends do not take it again.
                #expect(state.holdsWriterLock == (DatabaseFlavor(tx) == .postgres))
                #expect(state.auditHead == nil)
                let first = try await AuditLog.append(event(0), by: actor, at: now, on: tx)
                #expect(first.seq == before + 1)
                #expect(state.auditHead?.seq == first.seq && state.auditHead?.hash == first.hash)
                // A batch of more than one statement's 400 rows chains on from the row before it.
                let batch = try await AuditLog.append((1...450).map { AuditEntry(event($0), by: actor, at: now) }, on: tx)
                #expect(batch.first?.prevHash == first.hash && batch.map(\.seq) == Array((before + 2)...(before + 451)))
                let last = try await AuditLog.append(event(451), by: actor, at: now, on: tx)
                #expect(last.seq == before + 452 && last.prevHash == batch.last?.hash)
                #expect(state.auditHead?.seq == last.seq && state.auditHead?.hash == last.hash)
            }
            #expect(try await AuditLog.verify(on: t.db) == .intact(rows: before + 452))
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await t.db.write { tx in
                    try await AuditLog.append(event(1_000), by: actor, at: now, on: tx)
                    try await AuditLog.append(event(1_001), by: actor, at: now, on: tx)
                    throw Refused()
                }
            }
            // The next transaction reads the end from the table: the rolled-back rows are not its predecessors.
            let after = try await AuditLog.append(event(2_000), by: actor, at: now, on: t.db)
            #expect(after.seq == before + 453)
            #expect(try await AuditLog.verify(on: t.db) == .intact(rows: before + 453))
        }
    }

    @Test("the chain is keyed: a row rewritten with a recomputed SHA-256 is caught; deleting a row is caught at the gap")
    func rehashAndDelete() async throws {
        try await TestApp.run { t in
            try await Self.dropTriggers(t.db)
            let sql = t.db as! any SQLDatabase
            // An attacker who knows the format but not the key recomputes the row's hash.
            let row = try #require(try await sql.raw("SELECT \(unsafeRaw: AuditRow.selectColumns) FROM audit_entries WHERE seq = 10").first(decoding: AuditRow.self))
            var forged = row
            forged.detail = "改写"
            let plain = Data(SHA256.hash(data: Data((forged.prevHash + forged.canonical).utf8))).map { String(format: "%02x", $0) }.joined()
            try await sql.raw("UPDATE audit_entries SET detail = '改写', hash = \(bind: plain) WHERE seq = 10").run()
            #expect(try await AuditLog.verify(on: t.db) == .broken(seq: 10, reason: "第10条记录的内容与其哈希不符（记录被修改）"))
        }
        try await TestApp.run { t in
            try await Self.dropTriggers(t.db)
            let sql = t.db as! any SQLDatabase
            try await sql.raw("DELETE FROM audit_entries WHERE seq = 20").run()
            guard case .broken(let seq, _) = try await AuditLog.verify(on: t.db) else {
                Issue.record("a deleted row must break the chain")
                return
            }
            #expect(seq == 20)
        }
    }

    /// Rows as an installation from before the keyed chain wrote them: plain SHA-256.
    static func insertLegacy(_ sql: any SQLDatabase, seq: Int64, prev: String, detail: String) async throws -> AuditRow {
        var row = AuditRow(seq: seq, occurredAt: "2025-06-0\(seq)T09:00:00.000+0800", actorID: "", actorName: "旧系统", unitID: "", ip: "",
                           action: "unit.create", entityType: "unit", entityID: "U\(seq)", outcome: "ok", detail: detail, prevHash: prev, hash: "")
        row.hash = row.legacyHash()
        try await sql.raw("""
            INSERT INTO audit_entries (id, seq, occurred_at, actor_id, actor_name, unit_id, ip, action, entity_type, entity_id, outcome, detail, prev_hash, hash) \
            VALUES (\(bind: UUID()), \(bind: row.seq), \(bind: row.occurredAt), '', '旧系统', '', '', 'unit.create', 'unit', \(bind: row.entityID), 'ok', \
            \(bind: row.detail), \(bind: row.prevHash), \(bind: row.hash))
            """).run()
        return row
    }

    @Test("fazhi audit rekey: a chain from before the key is verified as SHA-256 and sealed by a keyed row; a rewrite of an old row is then caught; a broken old chain is not sealed")
    func rekeyLegacyChain() async throws {
        try await TestApp.run(seeded: false) { t in
            let sql = t.db as! any SQLDatabase
            try await Self.dropTriggers(t.db)
            try await sql.raw("DELETE FROM audit_entries").run()
            var previous = AuditLog.genesisHash
            for seq in Int64(1)...5 { previous = try await Self.insertLegacy(sql, seq: seq, prev: previous, detail: "旧记录\(seq)").hash }
            // The upgraded server appended two keyed rows before anyone ran rekey.
            for _ in 0..<2 { try await AuditLog.append(AuditEvent(action: "unit.update", entityType: "unit", detail: "升级后"), by: Principal.system().auditActor, at: t.services.now, on: t.db) }
            guard case .broken(1, let reason) = try await AuditLog.verify(on: t.db) else { Issue.record("an unsealed old chain must not verify"); return }
            #expect(reason.contains("fazhi audit rekey"))
            #expect(try await AuditLog.rekey(by: Principal.system().auditActor, at: t.services.now, on: t.db) == .sealed(through: 5, marker: 8))
            #expect(try await AuditLog.verify(on: t.db) == .intact(rows: 8))
            try await AuditLog.append(AuditEvent(action: "unit.update", entityType: "unit", detail: "封存后"), by: Principal.system().auditActor, at: t.services.now, on: t.db)
            #expect(try await AuditLog.verify(on: t.db) == .intact(rows: 9))
            #expect(try await AuditLog.rekey(by: Principal.system().auditActor, at: t.services.now, on: t.db) == .alreadyKeyed(rows: 9))
            // Someone rewrites old row 3 and recomputes the plain chain 3…5: the keyed row 6 no longer fits.
            try await sql.raw("DELETE FROM audit_entries WHERE seq BETWEEN 3 AND 5").run()
            previous = try #require(try await sql.raw("SELECT hash FROM audit_entries WHERE seq = 2").first()?.decode(column: "hash", as: String.self))
            for seq in Int64(3)...5 { previous = try await Self.insertLegacy(sql, seq: seq, prev: previous, detail: seq == 3 ? "改写" : "旧记录\(seq)").hash }
            #expect(try await AuditLog.verify(on: t.db) == .broken(seq: 6, reason: "第6条记录的前序哈希与第5条记录不符"))
        }
        try await TestApp.run(seeded: false) { t in
            let sql = t.db as! any SQLDatabase
            try await Self.dropTriggers(t.db)
            try await sql.raw("DELETE FROM audit_entries").run()
            let first = try await Self.insertLegacy(sql, seq: 1, prev: AuditLog.genesisHash, detail: "旧记录1")
            _ = try await Self.insertLegacy(sql, seq: 2, prev: first.hash, detail: "旧记录2")
            try await sql.raw("UPDATE audit_entries SET detail = '改写' WHERE seq = 2").run()
            guard case .refused(let reason) = try await AuditLog.rekey(by: Principal.system().auditActor, at: t.services.now, on: t.db) else {
                Issue.record("a broken old chain must not be sealed")
                return
            }
            #expect(reason.contains("第2条"))
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM audit_entries").first()?.decode(column: "n", as: Int.self) == 2)
        }
    }

    @Test("an anchor signs the head: it checks while the chain stands, and finds a cut tail or a forged anchor")
    func anchors() async throws {
        try await TestApp.run { t in
            // The demo's published report signed one, and the public site lists it.
            let published = try #require(try await AuditLog.anchors(on: t.db).first)
            #expect(try await AuditLog.check(published, on: t.db) == .intact(rows: published.seq))
            try await t.app.testing().test(.GET, "/gongshi/audit") { #expect($0.body.string.contains(published.description)) }
            let anchor = try #require(try await AuditLog.anchor(at: t.time.current, on: t.db))
            #expect(anchor.signed && AuditAnchor(anchor.description) == anchor)
            #expect(try await AuditLog.check(anchor, on: t.db) == .intact(rows: anchor.seq))
            #expect(try await AuditLog.anchors(on: t.db).first == anchor)
            // Rows appended later do not disturb it.
            try await AuditLog.append(AuditEvent(action: "test.after", entityType: "test"), by: .anonymous(ip: "t"), at: t.time.current, on: t.db)
            #expect(try await AuditLog.check(anchor, on: t.db) == .intact(rows: anchor.seq))
            // A forged anchor (another hash, same signature) is refused.
            var forged = anchor
            forged.hash = String(repeating: "b", count: 64)
            #expect(try await AuditLog.check(forged, on: t.db) == .broken(seq: anchor.seq, reason: "锚点的签名不符：不是本安装签发的锚点，或锚点被改动"))
            // The tail cut back past the anchor: the chain left verifies, the anchor does not.
            try await Self.dropTriggers(t.db)
            try await (t.db as! any SQLDatabase).raw("DELETE FROM audit_entries WHERE seq >= \(bind: anchor.seq)").run()
            guard case .intact = try await AuditLog.verify(on: t.db) else { Issue.record("a cut tail leaves a chain that verifies by itself"); return }
            #expect(try await AuditLog.check(anchor, on: t.db) == .broken(seq: anchor.seq, reason: "锚点所指的第\(anchor.seq)条记录已不存在（审计日志被截断）"))
        }
    }

    @Test("every change of data appends a row: creating a unit adds exactly one")
    func changesAreAudited() async throws {
        try await TestApp.run { t in
            let before = try await AuditEntryQueries.count(on: t.db)
            try await UnitService.create(UnitInput(code: "SFX-NEW", name: "新部门", kind: "部门", parentCode: DemoCounty.governmentCode),
                                         by: .system(), services: t.services, on: t.db)
            #expect(try await AuditEntryQueries.count(on: t.db) == before + 1)
            let last = try await AuditEntryQueries.page(.init(action: "unit.create"), page: PageRequest(number: 1, size: 1), on: t.db).items.first
            #expect(last?.detail.hasPrefix("新建单位 SFX-NEW 新部门") == true)
        }
    }
}

@Suite struct UnitImportTests {
    static func csv(_ rows: [String]) -> Data {
        Data(("单位编码,单位名称,单位类型,上级单位编码,统一社会信用代码,排序号\n" + rows.joined(separator: "\n")).utf8)
    }

    @Test("an import with one bad row writes nothing and reports that row")
    func allOrNothing() async throws {
        try await TestApp.run { t in
            let unitsBefore = try await OrgUnit.query(on: t.db).count()
            let auditBefore = try await AuditEntryQueries.count(on: t.db)
            let table = try TableReader.read(Self.csv([
                "SFX-NEW-A,新部门甲,部门,SFX-GOV,914403001922038216,1",
                "SFX-NEW-B,新部门乙,部门,SFX-GOV,914403001922038217,2",
                "SFX-NEW-C,新部门丙,部门,SFX-NEW-A,,3",
            ]), filename: "units.csv")
            let report = try await UnitImporter().run(table, by: .system(), services: t.services, on: t.db)
            #expect(report.rowsWritten == 0)
            #expect(report.errors.count == 1)
            #expect(report.errors.first?.row == 3)
            #expect(report.errors.first?.column == "统一社会信用代码")
            #expect(try await OrgUnit.query(on: t.db).count() == unitsBefore)
            #expect(try await AuditEntryQueries.count(on: t.db) == auditBefore)
        }
    }

    @Test("a row failing against the database (parent of the wrong kind) rolls back the rows before it")
    func rollbackAfterWrites() async throws {
        try await TestApp.run { t in
            let unitsBefore = try await OrgUnit.query(on: t.db).count()
            let table = try TableReader.read(Self.csv([
                "SFX-NEW-A,新部门甲,部门,SFX-GOV,,1",
                "SFX-NEW-V,新村,村,SFX-NEW-A,,1",
            ]), filename: "units.csv")
            let report = try await UnitImporter().run(table, by: .system(), services: t.services, on: t.db)
            #expect(report.rowsWritten == 0)
            #expect(report.errors.map(\.row) == [3])
            #expect(report.errors.first?.message.contains("村的上级应为") == true)
            #expect(try await OrgUnit.query(on: t.db).count() == unitsBefore)
        }
    }

    @Test("a good file is written whole, children listed before their parents included")
    func writesAll() async throws {
        try await TestApp.run { t in
            let table = try TableReader.read(Self.csv([
                "SFX-NEW-V,新村,村,SFX-NEW-T,,1",
                "SFX-NEW-T,新乡,乡镇,SFX-GOV,,13",
            ]), filename: "units.csv")
            let report = try await UnitImporter().run(table, by: .system(), services: t.services, on: t.db)
            #expect(report.errors.isEmpty)
            #expect(report.rowsWritten == 2)
            let village = try await t.unit("SFX-NEW-V")
            let township = try await t.unit("SFX-NEW-T")
            #expect(village.parentID == township.id)
            #expect(village.path.hasPrefix(township.path))
        }
    }

    @Test("the import page shows the per-row report to the system admin")
    func importPage() async throws {
        try await TestApp.run { t in
            let (browser, _) = try await t.login("sysadmin")
            let csv = String(decoding: Self.csv(["SFX-NEW-A,新部门甲,局,SFX-GOV,,1"]), as: UTF8.self)
            var captured: TestingHTTPResponse?
            try await t.app.testing().test(.POST, "/units/import", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: browser.cookieHeader)
                let boundary = "fazhi-test-boundary"
                req.headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
                let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(browser.csrf)\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"units.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
                req.body = ByteBuffer(string: body)
            }, afterResponse: { captured = $0 })
            let response = try #require(captured)
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("“局”不是有效类型"))
            #expect(response.body.string.contains("未写入任何数据"))
        }
    }
}

@Suite struct MetricsAndAPITests {
    @Test("unit figures count the units alive at each year's end, for a subtree too")
    func unitFigures() async throws {
        try await TestApp.run { t in
            let scope2025 = MetricScope(year: 2025, unitPath: nil, unitName: "全县")
            let results = try await t.services.metrics.evaluateAll(scope: scope2025, on: t.db)
            let townships = try #require(results.first { $0.key == "units.townships" })
            #expect(townships.value == "12")
            #expect(townships.previousValue == "12")
            #expect(townships.yearOverYear == "0.00")
            let departments = try #require(results.first { $0.key == "units.departments" })
            #expect(departments.value == "25")
            // 2018 had no units yet: shown as zero units, because a count over no records is zero.
            let before = try await t.services.metrics.evaluateAll(scope: MetricScope(year: 2018, unitPath: nil, unitName: "全县"), on: t.db)
            #expect(before.first { $0.key == "units.total" }?.value == "0")
            let cg = try await t.unit("SFX-CG")
            let villages = try await OrgUnit.query(on: t.db).filter(\.$parentID == cg.id!).count()
            let subtree = try await t.services.metrics.evaluateAll(scope: MetricScope(year: 2025, unitPath: cg.path, unitName: cg.name), on: t.db)
            #expect(subtree.first { $0.key == "units.villages" }?.value == String(villages))
            #expect(subtree.first { $0.key == "units.total" }?.value == String(villages + 1))
        }
    }

    @Test("openapi.json is OpenAPI 3.1 and lists every API route with its method and real formats; an undeclared method is 405 with Allow")
    func openAPI() async throws {
        try await TestApp.run(seeded: false) { t in
            try await t.app.testing().test(.GET, "/api/v1/openapi.json") { response in
                #expect(response.status == .ok)
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
                #expect(object["openapi"] as? String == "3.1.0")
                let paths = object["paths"] as! [String: [String: Any]]
                for route in t.app.routes.all where route.userInfo[RouteInfo.kind] as? String == RouteKind.api.rawValue {
                    let path = "/" + route.path.map { component -> String in
                        if case .parameter(let name) = component { return "{\(name)}" }
                        return component.description
                    }.joined(separator: "/")
                    #expect(paths[path]?[route.method.rawValue.lowercased()] != nil, "\(route.method) \(path) missing from openapi.json")
                }
                // Record ids are UUIDs, and a required date says so (schemathesis generates from these).
                let unit = try #require(paths["/api/v1/units/{id}"]?["get"] as? [String: Any])
                let parameter = try #require((unit["parameters"] as? [[String: Any]])?.first)
                #expect((parameter["schema"] as? [String: String])?["format"] == "uuid")
                let day = try #require(paths["/api/v1/calendar/day"]?["get"] as? [String: Any])
                let date = try #require((day["parameters"] as? [[String: Any]])?.first)
                #expect(date["required"] as? Bool == true && (date["schema"] as? [String: String])?["format"] == "date")
            }
            // A method the path does not have: 405 with the ones it has; an unknown path stays 404.
            try await t.app.testing().test(.TRACE, "/api/v1/units") { response in
                #expect(response.status == .methodNotAllowed && response.headers.first(name: .allow) == "GET, POST")
            }
            try await t.app.testing().test(.DELETE, "/api/v1/no-such-thing") { #expect($0.status == .notFound) }
        }
    }

    @Test("API validation errors are RFC 9457 problems naming the field in Chinese")
    func problemDetails() async throws {
        try await TestApp.run { t in
            let user = try await t.user("sysadmin")
            let principal = try #require(try await AccountService.principal(user: user, channel: .system, tokenPermissions: nil, ip: "t", services: t.services, on: t.db))
            let (token, _) = try await AccountService.createAPIToken(for: principal, name: "t", permissions: ["units.write"], days: 1, services: t.services, on: t.db)
            try await t.app.testing().test(.POST, "/api/v1/units", beforeRequest: { req in
                req.headers.bearerAuthorization = BearerAuthorization(token: token)
                try req.content.encode(["code": "X1", "name": "测试", "kind": "部门", "parentCode": "SFX-GOV", "uscc": "123"])
            }, afterResponse: { response in
                #expect(response.status == .unprocessableEntity)
                #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                #expect(problem.errors?.first?.field == "uscc")
                #expect(problem.detail.contains("统一社会信用代码：应为18位"))
            })
            // the same token cannot read units: it was limited to units.write
            try await t.app.testing().test(.GET, "/api/v1/units", beforeRequest: { req in
                req.headers.bearerAuthorization = BearerAuthorization(token: token)
            }, afterResponse: { response in
                #expect(response.status == .forbidden)
            })
        }
    }

    @Test("a rounding override for a figure that does not exist stops start-up with a clear error")
    func unknownRoundingKey() async throws {
        var config = TestApp.configuration()
        config.metricRounding = ["reconsideration.no_such_rate": .truncate(places: 2)]
        let problems = await #expect(throws: AppConfig.Problems.self) {
            try await TestApp.run(seeded: false, config: config) { _ in }
        }
        #expect(problems?.description.contains("reconsideration.no_such_rate") == true)
    }

    @Test("health, readiness and Prometheus metrics answer")
    func operations() async throws {
        try await TestApp.run(seeded: false) { t in
            try await t.app.testing().test(.GET, "/healthz") { #expect($0.status == .ok) }
            try await t.app.testing().test(.GET, "/readyz") { #expect($0.body.string == "ready") }
            try await t.app.testing().test(.GET, "/metrics") { response in
                #expect(response.body.string.contains("fazhi_http_requests_total"))
                #expect(response.body.string.contains("fazhi_http_request_duration_seconds_bucket"))
            }
        }
    }
}
