import Enforcement
import FazhiApp
import FazhiCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Sixty-four writers at once (issue "prove it"): on the same record, the same login, the same
/// import. No request gets a 5xx or "database is locked"; each step happens once; nothing is lost.
@Suite struct ConcurrencyTests {
    /// A browser with the same session as `browser`, for one concurrent request.
    static func clone(_ browser: TestApp.Browser) -> TestApp.Browser {
        let copy = TestApp.Browser()
        copy.cookies = browser.cookies
        copy.csrf = browser.csrf
        return copy
    }

    @Test("64 concurrent 告知 on one case: exactly one is recorded, the other 63 are refused by the rule with 422, none fails")
    func sameStep() async throws {
        try await TestApp.run { t in
            for (seed, number) in [("05001", "CON-A"), ("05002", "CON-B")] {
                let id = ResidentID.completing("999999198801\(seed)")!
                let officer = try await OfficerService.register(.init(name: "并发员\(seed)", idNumber: id, unitCode: "SFX-SCJG"), by: .system(), services: t.services, on: t.db)
                try await OfficerService.addCertificate(.init(kind: "enforcement", number: number, issuedOn: "2024-01-01", expiresOn: "2028-12-31", status: "valid"),
                                                        to: officer.id!, by: .system(), services: t.services, on: t.db)
            }
            let (handler, _) = try await t.login("officer.scjg")
            #expect(try await t.request(handler, .POST, "/enforcement/cases/new", form: ["caseNumber": "示市监罚〔2026〕64号", "unitCode": "SFX-SCJG", "partyKind": "legal",
                                                                                     "party": "示范县并发公司", "violation": "无照经营", "violationOn": "2026-01-05", "discoveredOn": "2026-01-10"]).status == .seeOther)
            let row = try #require(try await PenaltyCase.query(on: t.db).filter(\.$caseNumber == "示市监罚〔2026〕64号").first())
            #expect(try await t.request(handler, .POST, "\(row.link)/actions", form: ["action": "file", "on": "2026-01-12", "officers": "CON-A,CON-B"]).status == .seeOther)
            let app = t
            let statuses = try await withThrowingTaskGroup(of: (UInt, String).self) { group in
                for _ in 0..<64 {
                    let browser = Self.clone(handler)
                    group.addTask {
                        let response = try await app.request(browser, .POST, "\(row.link)/actions", form: ["action": "notify", "on": "2026-02-02"])
                        return (response.status.code, response.body.string)
                    }
                }
                var all: [(UInt, String)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(statuses.filter { $0.0 == 303 }.count == 1)
            #expect(statuses.filter { $0.0 == 422 && $0.1.contains("不能告知") }.count == 63)
            #expect(!statuses.contains { $0.0 >= 500 || $0.1.contains("locked") })
            let events = try await PenaltyCaseEvent.query(on: t.db).filter(\.$penaltyCase.$id == row.id!).filter(\.$action == "notify").count()
            #expect(events == 1)
            #expect(try await AuditEntryQueries.page(.init(action: "enforcement.case-notify"), page: PageRequest(number: 1), on: t.db).items
                .filter { $0.entityID == row.id!.uuidString }.count == 1)
            #expect(try await PenaltyCase.find(row.id!, on: t.db)?.caseStatus == .notified)
        }
    }

    @Test("64 concurrent logins of one account all succeed with a session each; 64 concurrent imports each land whole, and 8 of the same file land once")
    func loginsAndImports() async throws {
        var config = TestApp.configuration()
        config.loginRateLimitPerIP = 1_000
        try await TestApp.run(config: config) { t in
            let app = t
            let logins = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<64 { group.addTask { try await app.login("leader").1.status.code } }
                var all: [UInt] = []
                for try await code in group { all.append(code) }
                return all
            }
            #expect(logins.count == 64 && logins.allSatisfy { $0 == 303 })
            let leader = try await t.user("leader")
            #expect(try await LoginSession.query(on: t.db).filter(\.$userID == leader.id!).count() >= 64)

            let header = MatterImporter().columns.map(\.header).joined(separator: ",")
            let before = try await EnforcementMatter.query(on: t.db).count()
            let reports = try await withThrowingTaskGroup(of: ImportReport.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        let file = try TableReader.read(Data("\(header)\nCON-M-\(index)-1,并发事项\(index)甲,行政处罚,SFX-SCJG,法律第1条,,\nCON-M-\(index)-2,并发事项\(index)乙,行政检查,SFX-SCJG,法律第2条,,".utf8), filename: "m.csv")
                        return try await MatterImporter().run(file, by: .system(), services: app.services, on: app.db)
                    }
                }
                for _ in 0..<8 {
                    group.addTask {
                        let file = try TableReader.read(Data("\(header)\nCON-SAME-1,同一文件,行政处罚,SFX-SCJG,法律第3条,,".utf8), filename: "same.csv")
                        return try await MatterImporter().run(file, by: .system(), services: app.services, on: app.db)
                    }
                }
                var all: [ImportReport] = []
                for try await report in group { all.append(report) }
                return all
            }
            #expect(reports.filter { $0.rowsWritten == 2 }.count == 64)
            #expect(reports.filter { $0.rowsWritten == 1 }.count == 1)
            #expect(reports.filter { $0.rowsWritten == 0 && $0.errors.contains { $0.message.contains("已在系统中") } }.count == 7)
            #expect(try await EnforcementMatter.query(on: t.db).count() == before + 129)
        }
    }
}
