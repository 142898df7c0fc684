import Fluent
import FluentSQL
import SQLKit
import Foundation
import NIOConcurrencyHelpers

/// The unit a figure is counted in, as the annual reports write it.
public enum MetricUnit: String, Sendable, Codable, CaseIterable {
    case piece = "件"
    case person = "人"
    case personTime = "人次"
    case times = "次"
    case item = "项"
    case volume = "卷"
    case count = "个"
    case percent = "%"
    case yuan = "元"
    case tenThousandYuan = "万元"
    case day = "日"
}

/// How a rate is cut to its published digits. Published reports do both: 江汉区 2019 rounds, others
/// truncate, so each figure names its rule and an installation can change it.
public enum RoundingRule: Sendable, Equatable, Codable, CustomStringConvertible {
    case halfUp(places: Int)
    case truncate(places: Int)

    public static let `default` = RoundingRule.halfUp(places: 2)

    public var description: String {
        switch self {
        case .halfUp(let places): "四舍五入保留\(places)位小数"
        case .truncate(let places): "截断保留\(places)位小数"
        }
    }

    /// Parses `half-up:2` or `truncate:1`.
    public init?(spec: String) {
        let parts = spec.split(separator: ":")
        guard parts.count == 2, let places = Int(parts[1]), (0...6).contains(places) else { return nil }
        switch parts[0] {
        case "half-up": self = .halfUp(places: places)
        case "truncate": self = .truncate(places: places)
        default: return nil
        }
    }

    public var spec: String {
        switch self {
        case .halfUp(let places): "half-up:\(places)"
        case .truncate(let places): "truncate:\(places)"
        }
    }

    public func apply(_ value: Decimal) -> Decimal {
        var input = value
        var output = Decimal()
        switch self {
        // .plain rounds a tie away from zero: 四舍五入 for both signs.
        case .halfUp(let places): NSDecimalRound(&output, &input, places, .plain)
        // Truncation cuts toward zero.
        case .truncate(let places): NSDecimalRound(&output, &input, places, value < 0 ? .up : .down)
        }
        return output
    }
}

/// What a figure computes to before rounding: a count, an amount, or a ratio kept as its parts so
/// the definition can be shown with the numbers ("22 ÷ 29").
public enum MetricValue: Sendable, Equatable {
    case count(Int)
    case amount(Decimal)
    case ratio(numerator: Int, denominator: Int)
    /// No records to compute from: shown as missing, never as zero.
    case missing

    /// The value in the figure's unit, before rounding (a ratio becomes a percentage).
    public var decimal: Decimal? {
        switch self {
        case .count(let count): Decimal(count)
        case .amount(let amount): amount
        case .ratio(let numerator, let denominator):
            denominator == 0 ? nil : Decimal(numerator) * 100 / Decimal(denominator)
        case .missing: nil
        }
    }
}

/// A year and a unit subtree: the scope every figure is computed over.
public struct MetricScope: Sendable {

    public var year: Int
    /// Path prefix of the unit subtree; nil means the whole installation.
    public var unitPath: String?
    public var unitName: String
    public var timeZone: TimeZone

    public init(year: Int, unitPath: String?, unitName: String, timeZone: TimeZone = .shanghai) {
        // Bounded, so `year + 1` and the date arithmetic below cannot overflow or fail.
        self.year = min(max(year, RequestNumbers.years.lowerBound), RequestNumbers.years.upperBound)
        self.unitPath = unitPath
        self.unitName = unitName
        self.timeZone = timeZone
    }

    /// [1 January, next 1 January) of the year in Asia/Shanghai.
    public var interval: (start: Date, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.date(from: DateComponents(year: year, month: 1, day: 1))!
        let end = calendar.date(from: DateComponents(year: year + 1, month: 1, day: 1))!
        return (start, end)
    }

    public var previousYear: MetricScope {
        var scope = self
        scope.year -= 1
        return scope
    }
}

extension MetricScope {
    /// The FROM and WHERE of a figure family's statement (`MetricFamilyCache.table`): the rows of
    /// `table` whose `dated` column (a `YYYY-MM-DD` text) falls in the year, when one is named, and
    /// whose `path` column is in the unit subtree.
    public func rows(of table: String, dated: String?, path: String, on db: any Database) -> SQLSelectBuilder {
        let select = db.sql.select().from(table)
        if let dated {
            select.where(SQLIdentifier(dated), .greaterThanOrEqual, SQLBind("\(year)-01-01")).where(SQLIdentifier(dated), .lessThan, SQLBind("\(year + 1)-01-01"))
        }
        if let unitPath { select.where(SQLIdentifier(path), .like, SQLBind(unitPath + "%")) }
        return select
    }

    /// The condition that `column` (a `YYYY-MM-DD` text) falls in the year: a flag of a family
    /// whose figures are dated by different columns (`MetricFamilyCache.table`).
    public func inYear(_ column: String) -> SQLQueryString {
        "\(ident: column) >= \(bind: "\(year)-01-01") AND \(ident: column) < \(bind: "\(year + 1)-01-01")"
    }
}

extension SQLQueryString {
    /// `column IN (…)` with each value bound: a flag's condition over a list the module names.
    public static func column(_ name: String, in values: some Sequence<String>) -> SQLQueryString {
        "\(ident: name) IN (" + values.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ") + ")"
    }
}

extension TimeZone {
    /// Legal events are dated in Asia/Shanghai (docs/architecture.md, "Non-negotiables").
    public static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
}

/// A record behind a figure, for the list a rendered figure links to.
public struct MetricRecordRef: Sendable, Codable, Equatable {
    public var id: String
    public var title: String
    public var link: String

    public init(id: String, title: String, link: String) {
        self.id = id
        self.title = title
        self.link = link
    }
}

/// One named figure (`<module>.<name>`): the single definition the annual report, the indicators
/// and the dashboards all read.
public struct MetricDefinition: Sendable {
    public var key: String
    public var label: String
    /// The definition in words, shown to users next to the figure.
    public var definition: String
    public var unit: MetricUnit
    public var rounding: RoundingRule
    public var compute: @Sendable (MetricScope, any Database) async throws -> MetricValue
    /// The records behind the figure, a page at a time (`/figures/{key}?page=`).
    public var records: MetricRecords

    public init(key: String, label: String, definition: String, unit: MetricUnit, rounding: RoundingRule = .default,
                compute: @escaping @Sendable (MetricScope, any Database) async throws -> MetricValue,
                records: MetricRecords) {
        self.key = key
        self.label = label
        self.definition = definition
        self.unit = unit
        self.rounding = rounding
        self.compute = compute
        self.records = records
    }

    /// A figure whose records are a short list computed whole (the units of a county, its bodies).
    public init(key: String, label: String, definition: String, unit: MetricUnit, rounding: RoundingRule = .default,
                compute: @escaping @Sendable (MetricScope, any Database) async throws -> MetricValue,
                records: @escaping @Sendable (MetricScope, any Database) async throws -> [MetricRecordRef]) {
        self.init(key: key, label: label, definition: definition, unit: unit, rounding: rounding, compute: compute, records: .list(records))
    }
}

/// The records behind a figure, read a page at a time: a figure of a province's year can rest on
/// tens of thousands of cases, and its page shows 200 at most.
public struct MetricRecords: Sendable {
    public let page: @Sendable (MetricScope, PageRequest, any Database) async throws -> Page<MetricRecordRef>

    public init(page: @escaping @Sendable (MetricScope, PageRequest, any Database) async throws -> Page<MetricRecordRef>) {
        self.page = page
    }

    /// From a query: counted in the database, and only the page's rows loaded (in the query's
    /// order, then by id, so pages do not overlap).
    public static func query<M: Model>(_ make: @escaping @Sendable (MetricScope, any Database) -> QueryBuilder<M>,
                                       _ reference: @escaping @Sendable (M) -> MetricRecordRef) -> MetricRecords {
        MetricRecords { scope, request, db in
            // Fluent's page: COUNT(*) of the query, then LIMIT/OFFSET for the one page.
            let page = try await make(scope, db).sort(.id).page(withIndex: request.number, size: request.size)
            return Page(items: page.items.map(reference), total: page.metadata.total, request: request)
        }
    }

    /// From a list computed whole, for the short ones.
    public static func list(_ make: @escaping @Sendable (MetricScope, any Database) async throws -> [MetricRecordRef]) -> MetricRecords {
        MetricRecords { scope, request, db in
            let all = try await make(scope, db)
            let start = min(request.offset, all.count)
            return Page(items: Array(all[start..<min(start + request.size, all.count)]), total: all.count, request: request)
        }
    }

    /// The first `limit` records (at most 200: one page), for tests and the command line.
    public func first(_ scope: MetricScope, limit: Int = 200, on db: any Database) async throws -> [MetricRecordRef] {
        try await page(scope, PageRequest(number: 1, size: limit), db).items
    }
}

/// A computed figure, ready to print or render.
public struct MetricResult: Sendable, Codable, Equatable {
    public var key: String
    public var label: String
    public var definition: String
    public var unit: String
    public var rounding: String
    /// The rounded value as text ("75.86"); nil when missing.
    public var value: String?
    public var numerator: Int?
    public var denominator: Int?
    public var previousValue: String?
    /// Year-over-year change in percent of last year's value, rounded by the same rule.
    public var yearOverYear: String?
}

/// All registered figures. Built once at boot from the module manifests.
public struct MetricsRegistry: Sendable {
    public private(set) var definitions: [MetricDefinition] = []
    /// Per-installation overrides of rounding rules, keyed by metric key.
    public var roundingOverrides: [String: RoundingRule] = [:]

    public init(modules: [FazhiModule], roundingOverrides: [String: RoundingRule] = [:]) {
        definitions = modules.flatMap(\.metrics)
        self.roundingOverrides = roundingOverrides
    }

    public func definition(_ key: String) -> MetricDefinition? {
        definitions.first { $0.key == key }
    }

    public func rounding(for definition: MetricDefinition) -> RoundingRule {
        roundingOverrides[definition.key] ?? definition.rounding
    }

    public func evaluate(_ definition: MetricDefinition, scope: MetricScope, on db: any Database) async throws -> MetricResult {
        let rule = rounding(for: definition)
        let current = try await definition.compute(scope, db)
        let previous = try await definition.compute(scope.previousYear, db)
        func text(_ value: MetricValue) -> String? {
            guard let decimal = value.decimal else { return nil }
            if case .count = value { return "\(decimal)" }
            return Self.format(rule.apply(decimal), places: rule.places)
        }
        var yoy: String?
        if case .count(let now) = current, case .count(let before) = previous, before != 0 {
            let change = (Decimal(now) - Decimal(before)) * 100 / Decimal(before)
            yoy = Self.format(rule.apply(change), places: rule.places)
        }
        var numerator: Int?
        var denominator: Int?
        if case .ratio(let n, let d) = current {
            numerator = n
            denominator = d
        }
        return MetricResult(key: definition.key, label: definition.label, definition: definition.definition,
                            unit: definition.unit.rawValue, rounding: rule.description, value: text(current),
                            numerator: numerator, denominator: denominator, previousValue: text(previous),
                            yearOverYear: yoy)
    }

    public func evaluateAll(scope: MetricScope, on db: any Database) async throws -> [MetricResult] {
        try await evaluate(definitions, scope: scope, on: [db])
    }

    /// Every figure, spread over `databases` (`Application.figureDatabases`).
    public func evaluateAll(scope: MetricScope, on databases: [any Database]) async throws -> [MetricResult] {
        try await evaluate(definitions, scope: scope, on: databases)
    }

    /// Several figures, sharing one read per figure family (`MetricFamilyCache`).
    public func evaluate(_ chosen: [MetricDefinition], scope: MetricScope, on db: any Database) async throws -> [MetricResult] {
        try await evaluate(chosen, scope: scope, on: [db])
    }

    /// Several figures over several database handles at once: `evaluate(_:on:)` for one scope.
    public func evaluate(_ chosen: [MetricDefinition], scope: MetricScope, on databases: [any Database]) async throws -> [MetricResult] {
        try await evaluate(chosen.map { MetricJob(definition: $0, scope: scope) }, on: databases)
    }

    /// Figures, each for its own scope (a report's trends ask one figure for five years), in the
    /// order asked, sharing one read per figure family (`MetricFamilyCache`).
    ///
    /// With more than one handle in `databases`, as many workers take the next figure in turn, each
    /// on its own handle: a county's figures are hundreds of small statements, each mostly a wait
    /// for the database, and a province's are scans that a second core halves (issue 16). One handle
    /// (a transaction's, whose statements must stay on its connection) evaluates them one by one.
    public func evaluate(_ jobs: [MetricJob], on databases: [any Database]) async throws -> [MetricResult] {
        guard MetricFamilyCache.current != nil else {
            return try await MetricFamilyCache.$current.withValue(MetricFamilyCache()) { try await evaluate(jobs, on: databases) }
        }
        let handles = Array(databases.prefix(max(1, jobs.count)))
        guard handles.count > 1 else {
            guard let db = handles.first else { return [] }
            var results: [MetricResult] = []
            for job in jobs { results.append(try await evaluate(job.definition, scope: job.scope, on: db)) }
            return results
        }
        let next = NIOLockedValueBox(0)
        return try await withThrowingTaskGroup(of: [(Int, MetricResult)].self) { group in
            for db in handles {
                group.addTask {
                    var done: [(Int, MetricResult)] = []
                    while true {
                        let index = next.withLockedValue { taken in
                            defer { taken += 1 }
                            return taken
                        }
                        guard index < jobs.count else { return done }
                        done.append((index, try await self.evaluate(jobs[index].definition, scope: jobs[index].scope, on: db)))
                    }
                }
            }
            var results = [MetricResult?](repeating: nil, count: jobs.count)
            for try await finished in group {
                for (index, result) in finished { results[index] = result }
            }
            return results.compactMap { $0 }
        }
    }

    /// Fixed digits ("75.80", not "75.8"), as reports print rates.
    static func format(_ value: Decimal, places: Int) -> String {
        var text = "\(value)"
        guard places > 0 else { return text }
        if !text.contains(".") { text += "." }
        let decimals = text.split(separator: ".", omittingEmptySubsequences: false).last?.count ?? 0
        if decimals < places { text += String(repeating: "0", count: places - decimals) }
        return text
    }
}

extension RoundingRule {
    public var places: Int {
        switch self {
        case .halfUp(let places), .truncate(let places): places
        }
    }
}

extension MetricValue {
    /// A rate as two `COUNT(*)`s in the database: the rows of `denominator`, and those `numerator`
    /// narrows it to; no rows is `.missing`, never 0%. Each figure family writes its rates with it
    /// (docs/modules.md §8), so no rate loads rows into Swift.
    public static func countedRatio<M: Model>(_ denominator: @Sendable () -> QueryBuilder<M>,
                                              narrowedTo numerator: (QueryBuilder<M>) -> QueryBuilder<M>) async throws -> MetricValue {
        let total = try await denominator().count()
        guard total > 0 else { return .missing }
        return .ratio(numerator: try await numerator(denominator()).count(), denominator: total)
    }
}

extension QueryBuilder {
    /// The SUM of an integer column over the query's rows, as a whole number on both databases
    /// (PostgreSQL sums a BIGINT column as NUMERIC, which does not decode as `Int`); 0 for no rows.
    /// `column` is the model's own column name, written by the module, never from a request.
    public func sumOfIntegers(_ column: String) async throws -> Int {
        try await aggregate(.custom(SQLRaw("CAST(COALESCE(SUM(\(column)), 0) AS BIGINT) AS \"aggregate\"")), as: Int.self).get()
    }
}

/// One figure for one scope: a unit of `MetricsRegistry.evaluate(_:on:)`.
public struct MetricJob: Sendable {
    public var definition: MetricDefinition
    public var scope: MetricScope

    public init(definition: MetricDefinition, scope: MetricScope) {
        self.definition = definition
        self.scope = scope
    }
}

/// One statement for a family of figures (the counts by outcome, say): within one `evaluateAll`,
/// the family's grouped counts are read once per scope and each figure takes its own, instead of
/// one `COUNT` per figure. Outside `evaluateAll` (one figure alone) the family is simply read.
public final class MetricFamilyCache: @unchecked Sendable {
    @TaskLocal public static var current: MetricFamilyCache?

    private let lock = NSLock()
    /// Each family's read, once started: a second figure of the family, on another worker, waits
    /// for the same read instead of starting its own.
    private var reads: [String: Task<any Sendable, any Error>] = [:]

    public init() {}

    /// The family's answer for `scope`, read with `read` at most once per evaluation: for a family
    /// whose one statement is neither `grouped` nor a `table` (distinct counts, say).
    public static func shared<T: Sendable>(_ family: String, scope: MetricScope, read: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let cache = current else { return try await read() }
        let key = "\(family)|\(scope.year)|\(scope.unitPath ?? "")"
        let task = cache.lock.withLock {
            if let started = cache.reads[key] { return started }
            let started = Task<any Sendable, any Error> { try await read() }
            cache.reads[key] = started
            return started
        }
        let value = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        // A family name is read with one type only; were it reused with another, read it afresh.
        if let typed = value as? T { return typed }
        return try await read()
    }

    /// The family's counts for `scope`, by group value, read with `read` at most once per evaluation.
    public static func counts(_ family: String, scope: MetricScope,
                              read: @escaping @Sendable () async throws -> [String: Int]) async throws -> [String: Int] {
        try await shared(family, scope: scope, read: read)
    }

    /// A family counted along several columns in one statement (`FamilyTable`): `query` names the
    /// table and the rows (the scope and the year); the grouping, `COUNT(*)` and the sums are added
    /// here. Grouping columns are text; sums are of integer columns. Every name is the module's own,
    /// never from a request.
    ///
    /// `flags` are conditions grouped by as well (`CASE WHEN … THEN 'yes' ELSE 'no' END`, so a NULL
    /// is "no", as in a `WHERE`): `row[name] == "yes"`. The grouping is by position (`GROUP BY 1, 2`).
    public static func table(_ family: String, scope: MetricScope, groupedBy columns: [String], flags: [(name: String, condition: any SQLExpression)] = [],
                             summing sums: [String] = [], _ query: @escaping @Sendable () -> SQLSelectBuilder) async throws -> FamilyTable {
        try await shared(family, scope: scope) {
            let select = query()
            for column in columns { select.column(SQLIdentifier(column)) }
            for flag in flags {
                select.column(SQLQueryString("CASE WHEN \(flag.condition) THEN 'yes' ELSE 'no' END"), as: flag.name)
            }
            select.column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            for (index, column) in sums.enumerated() {
                select.column(SQLRaw("CAST(COALESCE(SUM(\(column)), 0) AS BIGINT)"), as: "s\(index)")
            }
            let names = columns + flags.map(\.name)
            for position in names.indices { select.groupBy(SQLLiteral.numeric("\(position + 1)")) }
            let rows = NIOLockedValueBox<[FamilyTable.Row]>([])
            let failure = NIOLockedValueBox<(any Error)?>(nil)
            try await select.run { row in
                do {
                    var values: [String: String] = [:]
                    for column in names { values[column] = try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self) }
                    let n = try row.decode(column: "n", as: Int.self)
                    var totals: [String: Int] = [:]
                    for (index, column) in sums.enumerated() { totals[column] = try row.decode(column: "s\(index)", as: Int.self) }
                    rows.withLockedValue { $0.append(FamilyTable.Row(values: values, count: n, sums: totals)) }
                } catch {
                    failure.withLockedValue { $0 = error }
                }
            }
            if let error = failure.withLockedValue({ $0 }) { throw error }
            return FamilyTable(rows: rows.withLockedValue { $0 })
        }
    }
}

/// One statement's answer for a figure family counted along several columns: a row per combination
/// of their values, with its count and the family's sums. Each figure adds up the rows it wants, so
/// a family of dozens of figures (disputes by level, by type and by source) is one statement per
/// year instead of one each (issue 16: a county's figures were some 400 statements).
public struct FamilyTable: Sendable {
    public struct Row: Sendable {
        /// The grouping columns' values (a NULL is absent).
        public let values: [String: String]
        public let count: Int
        public let sums: [String: Int]

        public subscript(column: String) -> String? { values[column] }

        /// Whether the row's combination has `flag` (a condition of `MetricFamilyCache.table`'s
        /// `flags`) true; a NULL condition is false, as in a `WHERE`.
        public func has(_ flag: String) -> Bool { values[flag] == "yes" }
    }

    public let rows: [Row]

    public init(rows: [Row]) {
        self.rows = rows
    }

    /// The rows counted, of the combinations `match` takes (all by default).
    public func count(where match: (Row) -> Bool = { _ in true }) -> Int {
        rows.reduce(0) { $0 + (match($1) ? $1.count : 0) }
    }

    /// The share of the rows `denominator` takes (all by default) that `numerator` takes too, as a
    /// ratio of counts; no rows is `.missing`, never 0%.
    public func ratio(where numerator: (Row) -> Bool, among denominator: (Row) -> Bool = { _ in true }) -> MetricValue {
        let total = count(where: denominator)
        return total == 0 ? .missing : .ratio(numerator: count { denominator($0) && numerator($0) }, denominator: total)
    }

    /// Picks the rows whose `column` is one of `values`.
    public static func matching(_ column: String, _ values: some Sequence<String>) -> @Sendable (Row) -> Bool {
        let names = Set(values)
        return { names.contains($0[column] ?? "") }
    }

    /// The sum of `column` (one of the family's sums) over the combinations `match` takes.
    public func sum(_ column: String, where match: (Row) -> Bool = { _ in true }) -> Int {
        rows.reduce(0) { $0 + (match($1) ? $1.sums[column] ?? 0 : 0) }
    }
}
