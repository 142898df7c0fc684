import FazhiApp
import FazhiCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Figures at province scale beside their floor: `fazhi metrics`' work (every registered figure,
/// through `MetricsRegistry.evaluateAll`) for the whole database and for one county, and the main
/// aggregates of those figures written by hand in SQL (`scripts/bench/floor.sql`), run on the same
/// connection pool in the same process, so the ratio holds on any machine.
enum FiguresBench {
    /// The hand-written aggregates: `{from}`/`{to}` are the year's bounds, `{scope}` the county filter.
    static let floor: [(table: String, path: String, sql: String)] = [
        ("reconsideration_cases", "respondent_path", "SELECT COUNT(*) FROM reconsideration_cases WHERE received_on >= '{from}' AND received_on < '{to}'{scope}"),
        ("reconsideration_cases", "respondent_path", "SELECT intake, COUNT(*) FROM reconsideration_cases WHERE received_on >= '{from}' AND received_on < '{to}'{scope} GROUP BY intake"),
        ("reconsideration_cases", "respondent_path", "SELECT COUNT(*), SUM(CASE WHEN outcome_on <= decision_due_on THEN 1 ELSE 0 END) FROM reconsideration_cases WHERE outcome_on >= '{from}' AND outcome_on < '{to}' AND intake = 'accepted'{scope}"),
        ("reconsideration_cases", "respondent_path", "SELECT outcome, COUNT(*) FROM reconsideration_cases WHERE outcome_on >= '{from}' AND outcome_on < '{to}'{scope} GROUP BY outcome"),
        ("penalty_cases", "unit_path", "SELECT COUNT(*) FROM penalty_cases WHERE filed_on >= '{from}' AND filed_on < '{to}'{scope}"),
        ("penalty_cases", "unit_path", "SELECT COUNT(*), SUM(CASE WHEN decided_on <= decision_due_on THEN 1 ELSE 0 END), SUM(CASE WHEN major THEN 1 ELSE 0 END), CAST(SUM(fine_yuan) AS BIGINT) FROM penalty_cases WHERE decided_on >= '{from}' AND decided_on < '{to}'{scope}"),
        ("penalty_cases", "unit_path", "SELECT COUNT(*) FROM penalty_cases WHERE decided_on >= '{from}' AND decided_on < '{to}' AND outside_benchmark{scope}"),
        ("enforcement_actions", "unit_path", "SELECT kind, COUNT(*) FROM enforcement_actions WHERE decided_on >= '{from}' AND decided_on < '{to}'{scope} GROUP BY kind"),
        ("lawsuits", "defendant_path", "SELECT COUNT(*) FROM lawsuits WHERE filed_on >= '{from}' AND filed_on < '{to}'{scope}"),
    ]

    static func seconds<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try await body()
        return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Peak resident memory of this process (Linux `VmHWM`), in MB.
    static func peakMB() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty }.map(String.init) ?? "") else { return "—" }
        return "\(kb / 1024) MB"
    }

    static func run(database: String, unitCode: String?, year: Int) async throws {
        var environment = Environment(name: "development", arguments: ["fazhi-bench"])
        try LoggingSystem.bootstrap(from: &environment)
        let app = try await Application.make(environment)
        var settings = ProcessInfo.processInfo.environment
        settings["FAZHI_DATABASE_URL"] = database
        try await FazhiApp.configure(app, config: try AppConfig.load(from: settings, production: false))
        let sql = app.db as! any SQLDatabase
        let counties = try await OrgUnit.query(on: app.db).filter(\.$parentID == nil).sort(\.$code).all()
        var county = counties[counties.count / 2]
        if let unitCode {
            guard let chosen = try await UnitService.find(code: unitCode, on: app.db) else { throw Abort(.badRequest, reason: "没有编码为“\(unitCode)”的单位") }
            county = chosen
        }
        let units = try await OrgUnit.query(on: app.db).count()
        let cases = try await sql.raw("SELECT COUNT(*) AS n FROM penalty_cases").first(decodingColumn: "n", as: Int.self) ?? 0
        print("database: \(counties.count) counties, \(units) units, \(cases) penalty cases; year \(year); county: \(county.name) (\(county.code))")
        let scopes = [MetricScope(year: year, unitPath: nil, unitName: "全省（全库）"), MetricScope(year: year, unitPath: county.path, unitName: county.name)]
        for scope in scopes {
            // Twice: the first run warms the page cache; the second is printed.
            _ = try await app.fazhi.metrics.evaluateAll(scope: scope, on: app.db)
            let (results, figureSeconds) = try await seconds { try await app.fazhi.metrics.evaluateAll(scope: scope, on: app.db) }
            let (_, floorSeconds) = try await seconds {
                for statement in floor {
                    let filter = scope.unitPath.map { " AND \(statement.path) LIKE '\($0)%'" } ?? ""
                    let text = statement.sql.replacingOccurrences(of: "{from}", with: "\(year)-01-01").replacingOccurrences(of: "{to}", with: "\(year + 1)-01-01")
                        .replacingOccurrences(of: "{scope}", with: filter)
                    _ = try await sql.raw(SQLQueryString(text)).all()
                }
            }
            print(String(format: "%@: %d figures in %.3f s; the hand-written SQL floor (%d statements) %.3f s; ratio %.1f×",
                         scope.unitName, results.count, figureSeconds, floor.count, floorSeconds, figureSeconds / max(floorSeconds, 0.000_001)))
        }
        // Where the province's time goes: the slowest figures one by one (a family's shared read is
        // counted with its first figure).
        var timings: [(String, Double)] = []
        for definition in app.fazhi.metrics.definitions {
            let (_, elapsed) = try await seconds { try await app.fazhi.metrics.evaluate([definition], scope: scopes[0], on: app.db) }
            timings.append((definition.key, elapsed))
        }
        print("slowest figures (province, each alone): " + timings.sorted { $0.1 > $1.1 }.prefix(6).map { String(format: "%@ %.3f s", $0.0, $0.1) }.joined(separator: "; "))
        print("peak RSS: \(peakMB())")
        try await app.asyncShutdown()
    }
}
