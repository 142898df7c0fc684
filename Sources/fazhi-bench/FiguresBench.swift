import FazhiApp
import Enforcement
import FazhiCore
import Fluent
import Foundation
import Reports
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
        let peak = PagesBench.memory(of: getpid()).peak
        return peak > 0 ? "\(peak) MB" : "—"
    }

    /// A penalty ledger of `rows` rows imported with every rule replayed (`PenaltyCaseImporter`, one
    /// transaction), beside the same rows inserted as text into a scratch table in one transaction
    /// (what `sqlite3 .import` does). Writes into the database: use a scratch copy of the demo.
    static func importBench(_ app: Application, database: String, rows: Int, year: Int) async throws {
        let data = try await DemoHistory.benchPenaltyLedger(year: year, count: rows, seed: 20261126, on: app.db)
        let table = try TableReader.read(data, filename: "bench.csv")
        let (report, importSeconds) = try await seconds {
            try await PenaltyCaseImporter().run(table, by: .system(), services: app.fazhi, on: app.db)
        }
        guard report.errors.isEmpty else { print("import refused: \(report.errors.prefix(3))"); return }
        let sql = app.db as! any SQLDatabase
        let width = table.headers.count
        let columns = (0..<width).map { "c\($0)" }
        // A plain table (a TEMP one belongs to one pooled connection), dropped afterwards.
        try await sql.raw(SQLQueryString("CREATE TABLE IF NOT EXISTS bench_ledger (" + columns.map { "\($0) TEXT" }.joined(separator: ", ") + ")")).run()
        let (_, rawSeconds) = try await seconds {
            try await app.db.write { tx in
                let inner = tx as! any SQLDatabase
                for chunk in stride(from: 0, to: table.rows.count, by: 200) {
                    var insert = inner.insert(into: "bench_ledger").columns(columns)
                    for cells in table.rows[chunk..<min(chunk + 200, table.rows.count)] {
                        insert = insert.values((0..<width).map { SQLBind($0 < cells.count ? cells[$0] : "") as any SQLExpression })
                    }
                    try await insert.run()
                }
            }
        }
        try await sql.raw("DROP TABLE bench_ledger").run()
        let count = report.rowsWritten
        print(String(format: "import: %d ledger rows with every rule replayed in %.2f s (%.0f rows/s); the same rows inserted as text in %.3f s (%.0f rows/s); ratio %.0f×",
                     count, importSeconds, Double(count) / importSeconds, rawSeconds, Double(count) / rawSeconds, importSeconds / max(rawSeconds, 0.000_001)))
        if let shell = try await shellImport(data, database: database, sql: sql) {
            print(String(format: "import floor from the database's own shell: %@ of the same file in %.3f s (%.0f rows/s); the import's ratio to it %.0f×",
                         shell.tool, shell.seconds, Double(count) / shell.seconds, importSeconds / max(shell.seconds, 0.000_001)))
        }
    }

    /// The same ledger file loaded by the database's own shell, as the issue's floor asks: `sqlite3`
    /// `.import --csv` into a new table, or `psql` `\copy … (FORMAT csv, HEADER)`. The time is the
    /// shell's whole run (its start included, a few milliseconds). Nil, with a line saying why,
    /// when the shell is not installed or the database is neither.
    static func shellImport(_ data: Data, database: String, sql: any SQLDatabase) async throws -> (tool: String, seconds: Double)? {
        let sqlitePrefix = "sqlite://"
        let isSQLite = database.hasPrefix(sqlitePrefix), isPostgres = database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
        guard isSQLite || isPostgres else { return nil }
        let tool = isSQLite ? "sqlite3" : "psql"
        guard let path = PagesBench.which(tool) else {
            print("import floor from the database's own shell: \(tool) is not installed (apt-get install \(isSQLite ? "sqlite3" : "postgresql-client")); not measured")
            return nil
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fazhi-bench-ledger-\(getpid()).csv")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await sql.raw("DROP TABLE IF EXISTS bench_shell_ledger").run()
        var arguments: [String]
        if isSQLite {
            // sqlite3 creates the table from the file's header row, every column TEXT.
            arguments = [String(database.dropFirst(sqlitePrefix.count).prefix { $0 != "?" }), ".import --csv \(file.path) bench_shell_ledger"]
        } else {
            let header = String(decoding: data.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
            let width = header.split(separator: ",", omittingEmptySubsequences: false).count
            try await sql.raw(SQLQueryString("CREATE TABLE bench_shell_ledger (" + (0..<width).map { "c\($0) TEXT" }.joined(separator: ", ") + ")")).run()
            arguments = [database, "-v", "ON_ERROR_STOP=1", "-c", "\\copy bench_shell_ledger FROM '\(file.path)' WITH (FORMAT csv, HEADER true)"]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let (_, elapsed) = try await seconds {
            try process.run()
            process.waitUntilExit()
        }
        try await sql.raw("DROP TABLE IF EXISTS bench_shell_ledger").run()
        guard process.terminationStatus == 0 else {
            print("import floor from the database's own shell: \(tool) exited with \(process.terminationStatus); not measured")
            return nil
        }
        return (isSQLite ? "sqlite3 .import" : "psql \\copy", elapsed)
    }

    static func run(database: String, unitCode: String?, year: Int, importRows: Int? = nil) async throws {
        var environment = Environment(name: "development", arguments: ["fazhi-bench"])
        try LoggingSystem.bootstrap(from: &environment)
        let app = try await Application.make(environment)
        var settings = ProcessInfo.processInfo.environment
        settings["FAZHI_DATABASE_URL"] = database
        try await FazhiApp.configure(app, config: try AppConfig.load(from: settings, production: false))
        do {
            if let importRows {
                try await importBench(app, database: database, rows: importRows, year: year)
            } else {
                try await figures(app, unitCode: unitCode, year: year)
            }
        } catch {
            print("fazhi-bench: \(String(reflecting: error))")
        }
        try await app.asyncShutdown()
    }

    static func figures(_ app: Application, unitCode: String?, year: Int) async throws {
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
            // Twice: the first run warms the page cache; the second is printed. As the platform
            // evaluates them (spread over `figureDatabases`), and one by one on one handle.
            let spread = app.figureDatabases()
            _ = try await app.fazhi.metrics.evaluateAll(scope: scope, on: spread)
            let (results, figureSeconds) = try await seconds { try await app.fazhi.metrics.evaluateAll(scope: scope, on: spread) }
            let (_, oneByOneSeconds) = try await seconds { try await app.fazhi.metrics.evaluateAll(scope: scope, on: app.db) }
            // Every figure carries its previous year's value (for 同比), so the figures aggregate two
            // years: the floor is timed for the year alone and for both years.
            func floorRun(_ years: [Int]) async throws -> Double {
                try await seconds {
                    for floorYear in years {
                        for statement in floor {
                            let filter = scope.unitPath.map { " AND \(statement.path) LIKE '\($0)%'" } ?? ""
                            let text = statement.sql.replacingOccurrences(of: "{from}", with: "\(floorYear)-01-01")
                                .replacingOccurrences(of: "{to}", with: "\(floorYear + 1)-01-01").replacingOccurrences(of: "{scope}", with: filter)
                            _ = try await sql.raw(SQLQueryString(text)).all()
                        }
                    }
                }.1
            }
            let floorSeconds = try await floorRun([year])
            let bothYearsSeconds = try await floorRun([year, year - 1])
            print(String(format: "%@: %d figures (each with its previous year) in %.3f s on %d handles (%.3f s one by one); the hand-written SQL floor (%d statements) for %d and %d %.3f s, ratio %.1f×; for %d alone %.3f s, ratio %.1f× (one by one %.1f×)",
                         scope.unitName, results.count, figureSeconds, spread.count, oneByOneSeconds, floor.count, year, year - 1, bothYearsSeconds,
                         figureSeconds / max(bothYearsSeconds, 0.000_001), year, floorSeconds, figureSeconds / max(floorSeconds, 0.000_001),
                         oneByOneSeconds / max(floorSeconds, 0.000_001)))
        }
        // The county's annual report: the standard template's figures (with five-year trends) and its rendering.
        let countyScope = scopes[1]
        let (rendered, reportSeconds) = try await seconds {
            let figures = try await ReportRenderer.evaluate(ReportTemplate.standardText, scope: countyScope, registry: app.fazhi.metrics, on: app.figureDatabases())
            return ReportRenderer.render(text: ReportTemplate.standardText, figures: figures, title: "\(county.name)\(year)年法治政府建设情况报告", number: nil,
                                         unitName: county.name, unitCode: county.code, year: year, date: "\(year + 1)-03-01")
        }
        print(String(format: "annual report of %@ (standard template, %d blocks): %.3f s", county.name, rendered.blocks.count, reportSeconds))
        // Where the time goes: the slowest figures one by one, for the province and for the county,
        // each evaluated alone (a family's shared read is counted in each of its figures).
        for (scope, name) in [(scopes[0], "province"), (scopes[1], "county")] {
            var timings: [(String, Double)] = []
            for definition in app.fazhi.metrics.definitions {
                let (_, elapsed) = try await seconds { try await app.fazhi.metrics.evaluate([definition], scope: scope, on: app.db) }
                timings.append((definition.key, elapsed))
            }
            print("slowest figures (\(name), each alone): " + timings.sorted { $0.1 > $1.1 }.prefix(14).map { String(format: "%@ %.3f s", $0.0, $0.1) }.joined(separator: "; "))
        }
        print("peak RSS: \(peakMB())")
    }
}
