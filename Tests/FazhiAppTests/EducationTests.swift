import FazhiCore
import Fluent
import Foundation
import LegalEducation
import Testing
import VaporTesting

/// 学法普法 (issue 19): records through the page and a ledger, refused by field; the exam pass rate
/// is the records' passes over their takers.
@Suite struct EducationTests {
    @Test("an exam with more passes than takers is refused on the page; a ledger with one bad row writes nothing; the pass rate is the sums of the year's exams")
    func recordsAndFigures() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            let bad = try await t.request(officer, .POST, "/education", form: ["kind": "exam", "unitCode": "SFX-SCJG", "on": "2026-02-20", "title": "执法人员法律知识考试",
                                                                              "count": "40", "passed": "41"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("合格人数"))
            #expect(try await t.request(officer, .POST, "/education", form: ["kind": "exam", "unitCode": "SFX-SCJG", "on": "2026-02-20", "title": "执法人员法律知识考试",
                                                                            "count": "40", "passed": "37"]).status == .seeOther)
            let (leader, _) = try await t.login("leader")
            #expect(try await t.request(leader, .POST, "/education", form: ["kind": "event", "unitCode": "SFX-GOV", "on": "2026-02-20", "title": "x", "count": "1"]).status == .forbidden)
            let importer = EducationImporter()
            let header = importer.columns.map(\.header)
            let bureau = try await t.principal("supervisor")
            let refused = try await importer.run(try DecisionAndLegalImportTests.table(header, [["普法活动", "SFX-DL", "2026-01-15", "法律进乡村", "300", "", "", ""],
                                                                                                ["民主法治示范村（社区）", "SFX-CG-01", "2026-01-20", "城关镇第一村", "", "", "省级", ""]]),
                                                 by: bureau, services: t.services, on: t.db)
            #expect(refused.rowsWritten == 0 && refused.errors.map(\.row) == [3] && refused.errors.first?.column == "批次")
            #expect(try await EducationRecord.query(on: t.db).filter(\.$title == "法律进乡村").filter(\.$heldOn == "2026-01-15").count() == 0)
            let root = try await t.unit(DemoCounty.rootCode)
            let scope = MetricScope(year: 2026, unitPath: root.path, unitName: root.name)
            let exams = try await EducationRecord.query(on: t.db).filter(\.$kind == "exam").filter(\.$heldOn >= "2026-01-01").all()
            let rate = try #require(t.services.metrics.definition("education.exam-pass-rate"))
            #expect(try await rate.compute(scope, t.db) == .ratio(numerator: exams.map { $0.passed ?? 0 }.reduce(0, +), denominator: exams.map(\.count).reduce(0, +)))
            #expect(exams.contains { $0.title == "执法人员法律知识考试" })
        }
    }
}
