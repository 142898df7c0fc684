import Enforcement
import FazhiApp
import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Testing

@Suite struct EnforcementRegisterTests {
    @Test("the demo's 持证率 and certificate holders equal a hand count of its certificates as of 2026-12-31")
    func certificationFigures() async throws {
        try await TestApp.run { t in
            let officers = try await EnforcementOfficer.query(on: t.db).filter(\.$active == true).all()
            let certificates = try await OfficerCertificate.query(on: t.db).all()
            // Counted here without the module's code: status 有效, issued by and expiring on or after the day.
            let holders = Set(certificates.filter { $0.kind == "enforcement" && $0.status == "valid" && $0.issuedOn <= "2026-12-31" && $0.expiresOn >= "2026-12-31" }
                .map { $0.$officer.id })
            #expect(officers.count == 300)
            let scope = MetricScope(year: 2026, unitPath: nil, unitName: "全县")
            let registry = t.services.metrics
            let count = try await registry.evaluate(try #require(registry.definition("enforcement.certificate-holders")), scope: scope, on: t.db)
            let rate = try await registry.evaluate(try #require(registry.definition("enforcement.certification-rate")), scope: scope, on: t.db)
            #expect(count.value == String(holders.count))
            #expect(rate.numerator == holders.count && rate.denominator == 300)
            #expect(holders.count < 300 && holders.count > 200)
            let matters = try await registry.evaluate(try #require(registry.definition("enforcement.matters")), scope: scope, on: t.db)
            #expect(matters.value == "144")  // 12 bodies × 4 kinds × 3 matters
        }
    }

    @Test("行政处罚法第四十二条: only an officer with a certificate valid that day is qualified; expired, suspended and missing ones are not")
    func qualification() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            let id = ResidentID.completing("99999919900101777")!
            #expect(try await t.request(officer, .POST, "/enforcement/officers/new", form: ["name": "测试员", "idNumber": id, "unitCode": "SFX-SCJG"]).status == .seeOther)
            let row = try #require(try await EnforcementOfficer.query(on: t.db).filter(\.$idHash == t.services.cipher.searchHash(id)).first())
            #expect(row.nameMasked == "测**" && !row.nameSealed.contains("测试员"))
            #expect(try await OfficerService.qualified(row.id!, on: CivilDate("2026-03-02")!, db: t.db) == false)
            let bad = try await t.request(officer, .POST, "\(row.link)/certificates", form: ["kind": "enforcement", "number": "T-1", "issuedOn": "2026-01-01", "expiresOn": "2025-12-31"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("应晚于发证日期"))
            #expect(try await t.request(officer, .POST, "\(row.link)/certificates", form: ["kind": "enforcement", "number": "T-1", "issuedOn": "2026-01-01", "expiresOn": "2026-06-30"]).status == .seeOther)
            #expect(try await OfficerService.qualified(row.id!, on: CivilDate("2026-03-02")!, db: t.db))
            #expect(try await OfficerService.qualified(row.id!, on: CivilDate("2026-07-01")!, db: t.db) == false)  // expired by then
            let certificate = try #require(try await OfficerCertificate.query(on: t.db).filter(\.$number == "T-1").first())
            let noReason = try await t.request(officer, .POST, "\(row.link)/certificates/\(certificate.id!)/status", form: ["status": "suspended"])
            #expect(noReason.status == .unprocessableEntity)
            #expect(try await t.request(officer, .POST, "\(row.link)/certificates/\(certificate.id!)/status", form: ["status": "suspended", "reason": "违规执法"]).status == .seeOther)
            #expect(try await OfficerService.qualified(row.id!, on: CivilDate("2026-03-02")!, db: t.db) == false)
            let page = try await t.request(officer, .GET, row.link).body.string
            #expect(page.contains("今日不能从事执法") && page.contains("第四十二条"))
            // The dashboard counts officers without a valid certificate in the department.
            #expect(try await t.request(officer, .GET, "/").body.string.contains("无有效执法证"))
        }
    }

    @Test("a roster with a bad identity number, a duplicate certificate number and a reversed validity is refused whole, row by row")
    func rosterRefused() async throws {
        try await TestApp.run(seeded: true) { t in
            let header = OfficerImporter().columns.map(\.header).joined(separator: ",")
            let good = ResidentID.completing("99999919800101001")!
            let lines = [
                header,
                "甲,\(good),SFX-SCJG,队员,行政执法证,X-1,2024-01-01,2029-01-01,有效,,",
                "乙,999999198001010020,SFX-SCJG,队员,行政执法证,X-2,2024-01-01,2029-01-01,有效,,",
                "丙,\(ResidentID.completing("99999919800101003")!),SFX-SCJG,队员,行政执法证,X-1,2024-01-01,2023-01-01,有效,,",
            ]
            let table = try TableReader.read(Data(lines.joined(separator: "\n").utf8), filename: "roster.csv")
            let report = try await OfficerImporter().run(table, by: .system(), services: t.services, on: t.db)
            #expect(report.rowsWritten == 0)
            #expect(report.errors.contains { $0.row == 3 && $0.column == "身份证号码" })
            #expect(report.errors.contains { $0.row == 4 && $0.column == "证件号码" && $0.message.contains("与第2行重复") })
            #expect(report.errors.contains { $0.row == 4 && $0.column == "有效期至" })
            #expect(try await EnforcementOfficer.query(on: t.db).filter(\.$idHash == t.services.cipher.searchHash(good)).count() == 0)
        }
    }
}
