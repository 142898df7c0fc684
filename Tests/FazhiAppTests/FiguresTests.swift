@testable import Enforcement
import FazhiCore
import Fluent
import Foundation
import LegalEducation
import Reports
import SQLKit
import Testing
import Vapor

/// The records behind a figure are read a page at a time (`MetricRecords`), in a stable order.
@Suite struct FiguresTests {
    @Test("every figure's records page through without gaps or repeats, their total is counted, and a count figure lists as many records as it counts")
    func recordPages() async throws {
        try await TestApp.run { t in
            let government = try await t.unit("SFX-GOV")
            let scope = MetricScope(year: 2025, unitPath: government.path, unitName: government.name)
            var checked = 0
            for definition in t.services.metrics.definitions {
                let whole = try await definition.records.page(scope, PageRequest(number: 1, size: 200), t.db)
                guard whole.total <= 200 else { continue }
                #expect(whole.items.count == whole.total, "\(definition.key)")
                var paged: [String] = []
                for number in 1...max(1, (whole.total + 6) / 7) {
                    let page = try await definition.records.page(scope, PageRequest(number: number, size: 7), t.db)
                    #expect(page.total == whole.total && page.items.count <= 7, "\(definition.key) page \(number)")
                    paged += page.items.map(\.id)
                }
                #expect(paged == whole.items.map(\.id), "\(definition.key): pages of 7 are the whole list in order")
                #expect(try await definition.records.page(scope, PageRequest(number: 1_000_000), t.db).items.isEmpty)
                checked += 1
            }
            #expect(checked >= 30)
            for key in ["enforcement.penalty-cases", "enforcement.penalty-decisions", "supervision.complaints", "reconsideration.received", "litigation.cases"] {
                let definition = try #require(t.services.metrics.definition(key), "\(key)")
                guard case .count(let n) = try await definition.compute(scope, t.db) else { Issue.record("\(key) has no count"); continue }
                #expect(try await definition.records.page(scope, PageRequest(number: 1), t.db).total == n, "\(key)")
            }
            // The page shows one page of records and the way to the next.
            let (supervisor, _) = try await t.login("supervisor")
            let page = try await t.request(supervisor, .GET, "/figures/enforcement.penalty-decisions?year=2025&page=1").body.string
            #expect(page.contains("所依据的记录（共") && page.contains("第1/1页"))
        }
    }

    @Test("figures spread over several database handles are the figures one by one: every figure for a county and the whole installation, and a report's figures with its trends, in the same order")
    func spreadOverHandles() async throws {
        try await TestApp.run { t in
            let government = try await t.unit("SFX-GOV")
            // Three handles, on the event loops in turn (two loops or one, the handles are separate).
            let loops = Array(t.app.eventLoopGroup.makeIterator())
            let handles = (0..<3).compactMap { t.app.databases.database(logger: t.app.logger, on: loops[$0 % loops.count]) }
            #expect(handles.count == 3)
            func lines(_ results: [MetricResult]) -> [String] {
                results.map { "\($0.key) \($0.value ?? "—") \($0.numerator ?? -1)/\($0.denominator ?? -1) \($0.previousValue ?? "—") \($0.yearOverYear ?? "—")" }
            }
            for scope in [MetricScope(year: 2025, unitPath: government.path, unitName: government.name), MetricScope(year: 2025, unitPath: nil, unitName: "全部")] {
                let oneByOne = try await t.services.metrics.evaluateAll(scope: scope, on: t.db)
                let spread = try await t.services.metrics.evaluateAll(scope: scope, on: handles)
                #expect(oneByOne.count == t.services.metrics.definitions.count)
                #expect(lines(spread) == lines(oneByOne), "\(scope.unitName)")
                #expect(oneByOne.contains { ($0.value.flatMap { Decimal(string: $0) } ?? 0) > 0 }, "the demo county has figures to compare")
            }
            let scope = MetricScope(year: 2025, unitPath: government.path, unitName: government.name)
            let reportOneByOne = try await ReportRenderer.evaluate(ReportTemplate.standardText, scope: scope, registry: t.services.metrics, on: t.db)
            let reportSpread = try await ReportRenderer.evaluate(ReportTemplate.standardText, scope: scope, registry: t.services.metrics, on: handles)
            #expect(reportOneByOne.contains { $0.key.contains("@") }, "the template has trends (key@year)")
            #expect(lines(reportSpread) == lines(reportOneByOne))
        }
    }

    @Test("a whole installation's decided cases are counted from a date index (on PostgreSQL the covering one alone, which replaced the plain one), one county's on SQLite from its (path, date) index; the path-only case index is gone")
    func decidedFamilyReadsItsIndex() async throws {
        try await TestApp.run { t in
            let sql = t.db as! any SQLDatabase
            let query = PenaltyMetrics.decidedSelect(MetricScope(year: 2025, unitPath: nil, unitName: "全部"), on: t.db).query
            let postgres = DatabaseFlavor(t.db) == .postgres
            let names = try await sql.raw(postgres
                ? "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'penalty_cases' AND schemaname = current_schema()"
                : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'penalty_cases'").all().map { try $0.decode(column: "name", as: String.self) }
            #expect(names.contains("penalty_cases_scope_decided") && names.contains("penalty_cases_scope_filed") && !names.contains("penalty_cases_scope"), "\(names)")
            if postgres {
                let plan = try await t.db.transaction { tx in
                    let inner = tx as! any SQLDatabase
                    // The demo's table is small enough to be scanned whole; what is asked here is
                    // whether the index holds every column the statement reads.
                    try await inner.raw("SET LOCAL enable_seqscan = off").run()
                    return try await inner.raw("EXPLAIN \(query)").all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                }
                #expect(plan.contains("Index Only Scan using penalty_cases_decided_cover"), "\(plan)")
                #expect(names.contains("penalty_cases_decided_cover") && !names.contains("penalty_cases_decided_on"), "\(names)")
            } else {
                let plan = try await sql.raw("EXPLAIN QUERY PLAN \(query)").all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "\n")
                #expect(plan.contains("USING INDEX penalty_cases_decided_on"), "\(plan)")
                #expect(!names.contains("penalty_cases_decided_cover"), "\(names)")
                // One county's year: its (path, date) range, whatever the statistics say.
                let government = try await t.unit("SFX-GOV")
                let county = PenaltyMetrics.decidedSelect(MetricScope(year: 2025, unitPath: government.path, unitName: government.name), on: t.db).query
                let countyPlan = try await sql.raw("EXPLAIN QUERY PLAN \(county)").all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "\n")
                #expect(countyPlan.contains("USING INDEX penalty_cases_scope_decided"), "\(countyPlan)")
            }
        }
    }

    @Test("a count figure is the number of records it lists, for the county and the whole installation over two years, whether its family is read in one statement or the figure alone")
    func countsMatchRecords() async throws {
        try await TestApp.run { t in
            let government = try await t.unit("SFX-GOV")
            var compared = 0, nonZero = 0
            var mismatched: [String] = []
            for year in [2024, 2025] {
                for scope in [MetricScope(year: year, unitPath: government.path, unitName: government.name), MetricScope(year: year, unitPath: nil, unitName: "全部")] {
                    // Together (each family read once, `MetricFamilyCache`) and each figure alone.
                    let together = try await t.services.metrics.evaluateAll(scope: scope, on: t.db)
                    for (definition, result) in zip(t.services.metrics.definitions, together) {
                        guard case .count(let alone) = try await definition.compute(scope, t.db) else { continue }
                        #expect(result.value == "\(alone)", "\(definition.key) \(year): together \(result.value ?? "—"), alone \(alone)")
                        guard !Self.countsOtherThanRecords.contains(definition.key) else { continue }
                        let listed = try await definition.records.page(scope, PageRequest(number: 1), t.db).total
                        if listed != alone { mismatched.append("\(definition.key) \(year) \(scope.unitName): \(alone) counted, \(listed) listed") }
                        compared += 1
                        if alone > 0 { nonZero += 1 }
                    }
                }
            }
            // Rates whose records are their numerator's rows: the numerator is the number listed.
            var numerators = 0
            for year in [2024, 2025] {
                for unitPath in [government.path, nil] {
                    let scope = MetricScope(year: year, unitPath: unitPath, unitName: "")
                    for key in ["reconsideration.acceptance-rate", "reconsideration.direct-correction-rate", "reconsideration.overall-correction-rate",
                                "reconsideration.mediation-settlement-rate", "enforcement.decided-on-time-rate"] {
                        let definition = try #require(t.services.metrics.definition(key))
                        guard case .ratio(let n, let d) = try await definition.compute(scope, t.db) else { continue }
                        let listed = try await definition.records.page(scope, PageRequest(number: 1), t.db).total
                        if key == "enforcement.decided-on-time-rate" {
                            if listed != d - n { mismatched.append("\(key) \(year): \(n) ÷ \(d), \(listed) late listed") }
                        } else if listed != n { mismatched.append("\(key) \(year): \(n) ÷ \(d), \(listed) listed") }
                        numerators += n
                    }
                }
            }
            #expect(numerators > 0)
            #expect(mismatched.isEmpty, "\(mismatched)")
            #expect(compared > 400 && nonZero > 100, "\(compared) compared, \(nonZero) above zero")
            // The success rate's records are the disputes that ended without agreement.
            let scope = MetricScope(year: 2025, unitPath: government.path, unitName: government.name)
            let rate = try #require(t.services.metrics.definition("mediation.success-rate"))
            guard case .ratio(let resolved, let ended) = try await rate.compute(scope, t.db) else { Issue.record("no success rate"); return }
            let failures = try await rate.records.page(scope, PageRequest(number: 1), t.db).total
            #expect(ended == resolved + failures && resolved > 0 && failures > 0, "\(resolved) ÷ \(ended), \(failures) without agreement")
            // The education figures that sum people and items, against the year's rows added up here.
            let rows = try await EducationRecord.query(on: t.db).filter(\.$heldOn >= "2025-01-01").filter(\.$heldOn < "2026-01-01").all()
                .filter { $0.unitPath.hasPrefix(government.path) }
            for (key, kind) in [("education.exam-takers", "exam"), ("education.audience", "event"), ("education.rule-of-law-topics", "ruleOfLawTopic")] {
                let definition = try #require(t.services.metrics.definition(key))
                let expected = rows.filter { $0.kind == kind }.reduce(0) { $0 + $1.count }
                #expect(try await definition.compute(scope, t.db) == .count(expected) && expected > 0, "\(key)")
            }
            let exams = rows.filter { $0.kind == "exam" }
            #expect(try await t.services.metrics.definition("education.exam-pass-rate")!.compute(scope, t.db)
                == .ratio(numerator: exams.reduce(0) { $0 + ($1.passed ?? 0) }, denominator: exams.reduce(0) { $0 + $1.count }))
        }
    }

    /// Count figures whose record list is not the counted rows themselves: sums over the records
    /// (hours, people, opinions, topics), and the reviews total, which adds the normative documents'
    /// and major decisions' reviews to the other reviews it lists.
    static let countsOtherThanRecords: Set<String> = [
        "enforcement.training-hours", "legal.reviews-total", "legal.adviser-opinions", "education.rule-of-law-topics", "education.exam-takers", "education.audience",
    ]
}
