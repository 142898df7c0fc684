import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
@testable import Reports
import SQLKit
import Testing

/// The annual report's 依法决策 part (issue 17): computed from the three modules' records, each figure
/// linked to them; added to a shipped template by migration, an edited one left alone.
@Suite struct DecisionChapterTests {
    @Test("last year's county report: the 依法决策 figures are there, with values, each linked to its records")
    func chapterFigures() async throws {
        try await TestApp.run { t in
            let year = CivilDateTime(t.services.now).date.year - 1
            let report = try await ReportService.render(year: year, unitCode: nil, services: t.services, on: t.db)
            #expect(report.markdown.contains("坚持科学民主依法决策"))
            for key in ["documents.issued", "documents.reviewed", "documents.filed-on-time-rate", "documents.in-force", "decisions.catalogued", "decisions.decided",
                        "decisions.all-procedures", "legal.reviews-total", "legal.contract-amount", "legal.opinions-adopted-rate", "legal.adviser-coverage-villages"] {
                let figure = try #require(report.figures.first { $0.key == key }, "\(key)")
                #expect(figure.value != nil, "\(key)")
                #expect(report.markdown.contains("(/figures/\(key)?year=\(year)&unit=\(DemoCounty.governmentCode))"), "\(key)")
                // The link's list holds records.
                let definition = try #require(t.services.metrics.definition(key))
                let government = try await t.unit(DemoCounty.governmentCode)
                let scope = MetricScope(year: year, unitPath: government.path, unitName: government.name)
                #expect(!(try await definition.records.first(scope, limit: 5, on: t.db)).isEmpty || key == "legal.opinions-adopted-rate", "\(key)")
            }
            // The total is the parts' sum: documents' and decisions' opinions with the bureau's own.
            func value(_ key: String) -> Int { Int(report.figures.first { $0.key == key }?.value ?? "") ?? -1 }
            #expect(value("legal.reviews-total") == value("documents.reviewed") + value("decisions.legality-reviewed") + value("legal.agreement-reviews")
                    + value("legal.contract-reviews") + value("legal.other-reviews"))
        }
    }

    @Test("migration reports.004 adds the part to a template as shipped, leaves an edited one, and reverts")
    func migration() async throws {
        try await TestApp.run { t in
            // The template as shipped before issue 17, and what reports.004 makes of it (reports.006's parts come later).
            typealias Later = ReportMigrations.EducationChapter
            let beforeDuty = ReportMigrations.DutyRecords.changes.reduce(ReportTemplate.standardText) { $0.replacingOccurrences(of: $1.1, with: $1.0) }
            #expect(beforeDuty != ReportTemplate.standardText)
            let beforeEducation = beforeDuty.replacingOccurrences(of: Later.chapter, with: "")
                .replacingOccurrences(of: Later.dutyHeading + Later.dutyAfter, with: Later.dutyHeading + Later.dutyBefore)
            #expect(beforeEducation != ReportTemplate.standardText)
            let current = beforeEducation.replacingOccurrences(of: ReportMigrations.OpennessChapter.chapter, with: "")
            let shipped = current.replacingOccurrences(of: ReportMigrations.DecisionChapter.chapter, with: "")
            #expect(shipped != current && current != beforeEducation)
            let sql = t.db as! any SQLDatabase
            try await sql.update("report_templates").set("text", to: SQLBind(shipped)).where("kind", .equal, SQLBind(ReportKind.ruleOfLaw.rawValue)).run()
            let edited = ReportTemplate()
            edited.name = "某部门模板"
            edited.text = shipped
            edited.updatedBy = "陈监督"
            edited.updatedAt = Date(timeIntervalSince1970: 0)
            edited.kind = ReportKind.ruleOfLaw.rawValue
            try await edited.create(on: t.db)
            try await ReportMigrations.DecisionChapter().prepare(on: t.db)
            let templates = try await ReportTemplate.query(on: t.db).filter(\.$kind == ReportKind.ruleOfLaw.rawValue).all()
            #expect(templates.first { $0.updatedBy == "平台默认" }?.text == current)
            // The disclosure template, shipped beside it, has no such part and is left as it is.
            #expect(try await ReportService.template(.disclosure, on: t.db).text == ReportTemplate.disclosureText)
            #expect(templates.first { $0.id == edited.id }?.text == shipped)
            // Twice is once.
            try await ReportMigrations.DecisionChapter().prepare(on: t.db)
            #expect(try await ReportTemplate.query(on: t.db).filter(\.$updatedBy == "平台默认").filter(\.$kind == ReportKind.ruleOfLaw.rawValue).first()?.text == current)
            // reports.006 then adds 政务公开, 接受监督 and 政务服务 after it, and reports.007 学法普法, 矛盾纠纷化解
            // and part 三 from records: the template as shipped now.
            try await ReportMigrations.OpennessChapter().prepare(on: t.db)
            #expect(try await ReportTemplate.query(on: t.db).filter(\.$updatedBy == "平台默认").filter(\.$kind == ReportKind.ruleOfLaw.rawValue).first()?.text == beforeEducation)
            try await ReportMigrations.EducationChapter().prepare(on: t.db)
            #expect(try await ReportTemplate.query(on: t.db).filter(\.$updatedBy == "平台默认").filter(\.$kind == ReportKind.ruleOfLaw.rawValue).first()?.text == beforeDuty)
            // reports.008 writes the heads' documents, inspections and 复查 into part 三 and the mediators into （十）.
            try await ReportMigrations.DutyRecords().prepare(on: t.db)
            #expect(try await ReportTemplate.query(on: t.db).filter(\.$updatedBy == "平台默认").filter(\.$kind == ReportKind.ruleOfLaw.rawValue).first()?.text == ReportTemplate.standardText)
            try await ReportMigrations.DutyRecords().prepare(on: t.db)
            #expect(try await ReportTemplate.query(on: t.db).filter(\.$updatedBy == "平台默认").filter(\.$kind == ReportKind.ruleOfLaw.rawValue).first()?.text == ReportTemplate.standardText)
            #expect(try await ReportTemplate.query(on: t.db).filter(\.$id == edited.id!).first()?.text == shipped)
            try await ReportMigrations.DutyRecords().revert(on: t.db)
            try await ReportMigrations.EducationChapter().revert(on: t.db)
            try await ReportMigrations.OpennessChapter().revert(on: t.db)
            try await ReportMigrations.DecisionChapter().revert(on: t.db)
            #expect(try await ReportTemplate.query(on: t.db).filter(\.$updatedBy == "平台默认").filter(\.$kind == ReportKind.ruleOfLaw.rawValue).first()?.text == shipped)
        }
    }
}
