import FazhiCore
import Fluent
import Foundation
import Indicators
import LegalEducation
import Testing
import VaporTesting

/// 考核指标 (issue 19): the bureau binds an indicator to a figure; a unit's score follows its records
/// at once; every point links to its figure's records; the unit sees what it is losing on.
@Suite struct IndicatorTests {
    @Test("an indicator bound to a figure: the education bureau scores 0 on it, records an event, and its score rises by the weight; the page traces the point to the figure")
    func scoreFollowsRecords() async throws {
        try await TestApp.run { t in
            let (bureau, _) = try await t.login("supervisor")
            let system = try #require(try await IndicatorSystem.query(on: t.db).filter(\.$year == 2026).first())
            let unknown = try await t.request(bureau, .POST, "/indicators/\(system.id!)", form: ["code": "7.1", "name": "开展普法活动", "weight": "5",
                                                                                              "metric": "education.nothing", "rule": "threshold:1:higher", "perUnit": "yes"])
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains("没有统计指标"))
            #expect(try await t.request(bureau, .POST, "/indicators/\(system.id!)", form: ["code": "7.1", "name": "开展普法活动", "weight": "5",
                                                                                          "metric": "education.events", "rule": "threshold:1:higher", "perUnit": "yes"]).status == .seeOther)
            let unit = try await t.unit("SFX-JY")
            let county = try #require(try await IndicatorService.county(on: t.db))
            func line() async throws -> IndicatorService.Line {
                let score = try await IndicatorService.score(system, unit: unit, year: 2026, county: county, services: t.services, on: t.db)
                return try #require(score.lines.first { $0.indicator.code == "7.1" })
            }
            let before = try await IndicatorService.score(system, unit: unit, year: 2026, county: county, services: t.services, on: t.db)
            #expect(try await line().score.points == 0)
            let supervisor = try await t.principal("supervisor")
            try await EducationServiceBridge.event(unitCode: "SFX-JY", by: supervisor, t: t)
            let after = try await IndicatorService.score(system, unit: unit, year: 2026, county: county, services: t.services, on: t.db)
            #expect(try await line().score.points == 5 && after.total == before.total + 5)
            let page = try await t.request(bureau, .GET, "/indicators/\(system.id!)/units/\(unit.id!)").body.string
            #expect(page.contains("/figures/education.events?year=2026&amp;unit=SFX-JY") && page.contains("得分 \(after.total) / \(after.maximum)"))
            let ranking = try await t.request(bureau, .GET, "/indicators/\(system.id!)/scores")
            #expect(ranking.status == .ok && ranking.body.string.contains("示范县教育局"))
            // A department sees its own score and where it loses points on its dashboard.
            let (officer, _) = try await t.login("officer.scjg")
            let dashboard = try await t.request(officer, .GET, "/").body.string
            #expect(dashboard.contains("示范县市场监督管理局2026年得分") && dashboard.contains("失"))
        }
    }

    @Test("an evidence indicator is scored by the bureau within its weight, with a reason; a bound one cannot be")
    func evidence() async throws {
        try await TestApp.run { t in
            let supervisor = try await t.principal("supervisor")
            let system = try #require(try await IndicatorSystem.query(on: t.db).filter(\.$year == 2026).first())
            let duty = try #require(try await Indicator.query(on: t.db).filter(\.$systemID == system.id!).filter(\.$code == "6.2").first())
            let bound = try #require(try await Indicator.query(on: t.db).filter(\.$systemID == system.id!).filter(\.$code == "3.1").first())
            await #expect(throws: ValidationFailure.self) {
                try await IndicatorService.assess(duty.id!, unitCode: "SFX-JY", evidence: "述法报告", points: "4", reason: "完整", by: supervisor, services: t.services, on: t.db)
            }
            await #expect(throws: ValidationFailure.self) {
                try await IndicatorService.assess(bound.id!, unitCode: "SFX-JY", evidence: "证件", points: "1", reason: "完整", by: supervisor, services: t.services, on: t.db)
            }
            try await IndicatorService.assess(duty.id!, unitCode: "SFX-JY", evidence: "述法报告", points: "2.5", reason: "报告未列整改措施", by: supervisor, services: t.services, on: t.db)
            let unit = try await t.unit("SFX-JY")
            let county = try #require(try await IndicatorService.county(on: t.db))
            let score = try await IndicatorService.score(system, unit: unit, year: 2026, county: county, services: t.services, on: t.db)
            #expect(score.lines.first { $0.indicator.code == "6.2" }?.score.points == Decimal(string: "2.5"))
            // The maximum is the applicable leaves' points: a figure without records is out of it.
            let leaves = GenericIndicatorSystem.rows.filter { row in !GenericIndicatorSystem.rows.contains { $0.0.hasPrefix(row.0 + ".") } }
            let applicable = leaves.filter { row in !(score.lines.first { $0.indicator.code == row.0 }?.score.explanation.contains("不适用") ?? true) }
            #expect(score.lines.count == leaves.count && score.maximum == applicable.map { Decimal(string: $0.2)! }.reduce(0, +) && score.maximum > 0)
        }
    }
}

extension IndicatorTests {
    @Test("a department submits its own evidence with a file; the bureau scores it from what was submitted; another unit can neither submit for it nor read its file")
    func unitEvidence() async throws {
        try await TestApp.run { t in
            let system = try #require(try await IndicatorSystem.query(on: t.db).filter(\.$year == 2026).first())
            let unit = try await t.unit("SFX-SCJG"), other = try await t.unit("SFX-JY")
            let (officer, _) = try await t.login("officer.scjg")
            let page = "/indicators/\(system.id!)/units/\(unit.id!)"
            #expect(try await t.request(officer, .GET, page).body.string.contains("尚未提交佐证材料"))
            // Without a statement: the form comes back naming the field, nothing is written.
            let empty = try await t.upload(officer, page + "/evidence", fields: ["indicator": "6.2", "statement": ""], file: nil)
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains("佐证说明"))
            // A bound indicator takes no evidence.
            let bound = try await t.upload(officer, page + "/evidence", fields: ["indicator": "3.1", "statement": "持证名单"], file: nil)
            #expect(bound.status == .unprocessableEntity && bound.body.string.contains("只有依佐证评分的指标"))
            #expect(try await IndicatorEvidence.query(on: t.db).filter(\.$unitID == unit.id!).count() == 0)
            let audited = try await t.auditCount("indicators.evidence")
            let sent = try await t.upload(officer, page + "/evidence", fields: ["indicator": "6.2", "statement": "局长2026年2月述法，报告见附件"],
                                          file: ("file", "述法报告.txt", "述法报告正文"))
            #expect(sent.status == .seeOther)
            let evidence = try #require(try await IndicatorEvidence.query(on: t.db).filter(\.$unitID == unit.id!).first())
            #expect(evidence.unitPath == unit.path && evidence.sha256?.count == 64 && evidence.filename == "述法报告.txt")
            #expect(try await t.auditCount("indicators.evidence") == audited + 1)
            let after = try await t.request(officer, .GET, page).body.string
            #expect(after.contains("提交佐证材料，待评分") && after.contains("述法报告.txt"))
            let file = try await t.request(officer, .GET, page + "/evidence/\(evidence.id!)")
            #expect(file.status == .ok && file.body.string == "述法报告正文")
            // Another unit's page and file are out of the officer's scope.
            #expect(try await t.upload(officer, "/indicators/\(system.id!)/units/\(other.id!)/evidence", fields: ["indicator": "6.2", "statement": "x"], file: nil).status == .forbidden)
            #expect(try await t.request(officer, .GET, "/indicators/\(system.id!)/units/\(other.id!)/evidence/\(evidence.id!)").status == .forbidden)
            #expect(try await t.request(officer, .GET, "/indicators/\(system.id!)/units/\(unit.id!)/evidence/\(UUID())").status == .notFound)
            // The unit's dashboard shows its score; read twice, the second from the kept answer.
            func dashboardTotal() async throws -> Decimal {
                let body = try await t.request(officer, .GET, "/").body.string
                let total = try #require(body.firstMatch(of: #/示范县市场监督管理局2026年得分 ([0-9.]+) \//#))
                return try #require(Decimal(string: String(total.output.1)))
            }
            let shown = try await dashboardTotal()
            #expect(try await dashboardTotal() == shown)
            // The bureau scores it; without its own note the unit's statement is the evidence.
            let (bureau, _) = try await t.login("supervisor")
            #expect(try await t.request(bureau, .POST, "/indicators/\(system.id!)/assess", form: ["indicator": "6.2", "unitCode": "SFX-SCJG", "evidence": "",
                                                                                                "points": "3", "reason": "述法报告完整"]).status == .seeOther)
            let assessment = try #require(try await IndicatorAssessment.query(on: t.db).filter(\.$unitID == unit.id!).filter(\.$indicatorID == evidence.indicatorID).first())
            #expect(assessment.evidence.contains("局长2026年2月述法"))
            // With nothing submitted, the assessor must say what was seen.
            let blind = try await t.request(bureau, .POST, "/indicators/\(system.id!)/assess", form: ["indicator": "6.2", "unitCode": "SFX-JY", "evidence": "",
                                                                                                   "points": "3", "reason": "完整"])
            #expect(blind.status == .unprocessableEntity && blind.body.string.contains("单位尚未提交佐证材料"))
            let county = try #require(try await IndicatorService.county(on: t.db))
            let score = try await IndicatorService.score(system, unit: unit, year: 2026, county: county, services: t.services, on: t.db)
            #expect(score.lines.first { $0.indicator.code == "6.2" }?.score.points == 3)
            // The dashboard, whose score is kept until a record changes, shows the three points at once.
            #expect(try await dashboardTotal() == shown + 3 && score.total == shown + 3)
        }
    }
}

extension IndicatorTests {
    @Test("an indicator system imported as JSON becomes the next version of its year; a bad rule rejects the whole file with the row named")
    func jsonImport() async throws {
        try await TestApp.run { t in
            let (bureau, _) = try await t.login("supervisor")
            _ = try await t.request(bureau, .GET, "/indicators/import")
            let bad = #"[{"年度": 2027, "体系名称": "县考核", "代码": "1", "名称": "执法", "分值": 10, "统计指标代码": "enforcement.certification-rate", "评分规则": "linear:50", "计分范围": "各单位"}]"#
            let refused = try await t.upload(bureau, "/indicators/import", fields: [:], file: ("file", "system.json", bad))
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("评分规则"))
            #expect(try await IndicatorSystem.query(on: t.db).filter(\.$year == 2027).count() == 0)
            let good = #"[{"年度": 2027, "体系名称": "县考核", "代码": "1", "名称": "执法", "分值": 10, "统计指标代码": null, "评分规则": "evidence"},"#
                + #" {"年度": 2027, "体系名称": "县考核", "代码": "1.1", "名称": "持证率", "分值": 6, "统计指标代码": "enforcement.certification-rate", "评分规则": "threshold:100:higher", "计分范围": "全县"}]"#
            #expect(try await t.upload(bureau, "/indicators/import", fields: [:], file: ("file", "system.json", good)).status == .ok)
            let system = try #require(try await IndicatorSystem.query(on: t.db).filter(\.$year == 2027).first())
            let rows = try await Indicator.query(on: t.db).filter(\.$systemID == system.id!).sort(\.$code).all()
            #expect(rows.map(\.code) == ["1", "1.1"] && rows[1].perUnit == false && rows[1].points == 6)
        }
    }
}

/// A 普法 event recorded through the education module's service.
enum EducationServiceBridge {
    static func event(unitCode: String, by principal: Principal, t: TestApp) async throws {
        try await LegalEducation.EducationService.record(kind: "event", unitCode: unitCode, on: "2026-03-01", title: "校园法治讲座", count: "400", passed: nil, level: nil,
                                                         batch: nil, by: principal, services: t.services, on: t.db)
    }
}
