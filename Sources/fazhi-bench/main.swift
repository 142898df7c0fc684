import FazhiCalendar
import FazhiMallocCounter
import Foundation

// `swift run -c release fazhi-bench [N]`: how long N (default 1,000,000) due-date computations take,
// mixed rules, random starts over 2019–2026, with a fixed seed so runs are comparable.
// `swift run -c release fazhi-bench --database URL [--unit CODE] [--year 2025]`: every figure of the
// province and of one county, each beside the same aggregates written by hand in SQL on the same
// database in the same run (`FiguresBench`). `--import N [--import-database URL]` imports an N-row
// penalty ledger into a scratch copy of the demo (`--database` if no other is named) and prints its
// rows/s beside a raw insert. `--pages [--seconds S] [--rounds R] [--connections C] [--log-level L]
// [--pages-database URL --pages-key-file F] [PATH ...]`: the pages under wrk beside `/healthz` (R
// rounds: medians), and the server's memory (`PagesBench`); on a scratch demo, or on a seeded
// database (PostgreSQL: the province's path). Any of the three can be asked for in one run.
// Prints figures; asserts nothing (speed is measured here, never in the test suite).

struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let benchArguments = Array(CommandLine.arguments.dropFirst())
// The parts asked for run in one invocation, in this order: figures (`--database`), import
// (`--import N`, into `--import-database URL`, else into `--database`), pages (`--pages`).
if benchArguments.contains(where: { ["--database", "--import-database", "--pages"].contains($0) }) {
    var database: String?, importDatabase: String?, unit: String?, year = 2025, importRows: Int?
    var pages: PagesBench.Options?
    var paths: [String] = []
    var rest = benchArguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--database": database = rest.popFirst()
        case "--import-database": importDatabase = rest.popFirst()
        case "--unit": unit = rest.popFirst()
        case "--year": year = rest.popFirst().flatMap(Int.init).map { min(max($0, 2000), 2100) } ?? year
        case "--import": importRows = rest.popFirst().flatMap(Int.init).map { min(max($0, 1), 1_000_000) }
        case "--pages":
            pages = PagesBench.Options(fazhi: URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fazhi").path)
        case "--fazhi": if let path = rest.popFirst() { pages?.fazhi = path }
        case "--seconds": if let value = rest.popFirst().flatMap(Int.init) { pages?.seconds = min(max(value, 1), 600) }
        case "--rounds": if let value = rest.popFirst().flatMap(Int.init) { pages?.rounds = min(max(value, 1), 100) }
        case "--connections": if let value = rest.popFirst().flatMap(Int.init) { pages?.connections = min(max(value, 1), 1_000) }
        case "--user": if let name = rest.popFirst() { pages?.user = name }
        case "--log-level": if let level = rest.popFirst() { pages?.logLevel = level }
        case "--pages-database": pages?.database = rest.popFirst()
        case "--pages-key-file": pages?.keyFile = rest.popFirst()
        default: paths.append(argument)
        }
    }
    if let database { try await FiguresBench.run(database: database, unitCode: unit, year: year, importRows: nil) }
    if let importRows, let target = importDatabase ?? database {
        try await FiguresBench.run(database: target, unitCode: unit, year: year, importRows: importRows)
    }
    if var pages {
        if !paths.isEmpty { pages.paths = paths }
        try await PagesBench.run(pages)
    }
    exit(0)
}

let n = benchArguments.first.flatMap(Int.init) ?? 1_000_000
let calendar = try WorkCalendar.bundled()
let first = CivilDate(year: 2019, month: 1, day: 1)!
let span = first.days(until: CivilDate(year: 2026, month: 12, day: 31)!) + 1
let rules: [ClockRule] = [
    ClockRule(title: "答复政府信息公开申请", period: .workdays(20), basis: "政府信息公开条例第三十三条"),
    ClockRule(title: "作出行政复议决定", period: .days(60), basis: "行政复议法第六十二条"),
    ClockRule(title: "办理代表建议", period: .months(3), basis: "代表建议办理规定"),
    ClockRule(title: "移送涉嫌犯罪案件", period: .hours(24), basis: "行政执法机关移送涉嫌犯罪案件的规定"),
    ClockRule(title: "受理审查", period: .workdays(5), basis: "行政复议法第三十条"),
]

var random = SplitMix64(state: 20_261_122)
var clocks: [Clock] = []
clocks.reserveCapacity(n)
for _ in 0..<n {
    let start = first.adding(days: random.below(span))
    var clock = Clock(rule: rules[random.below(rules.count)], start: CivilDateTime(date: start, minuteOfDay: random.below(1440)))
    // One clock in ten has a pause; one in twenty an extension.
    if clock.rule.period.unit != .hours, random.below(10) == 0 {
        let pause = start.adding(days: 1 + random.below(10))
        clock.events = [.suspend(pause, reason: "征求第三方意见"), .resume(pause.adding(days: 1 + random.below(15)))]
    }
    if clock.rule.period.unit != .hours, random.below(20) == 0 {
        clock.events.append(.extend(start.adding(days: 40), by: clock.rule.period, approver: "负责人", reason: "情况复杂"))
    }
    clocks.append(clock)
}

var checksum = 0
let dueSeconds = seconds {
    for clock in clocks {
        checksum &+= Int(clock.dueDate(calendar: calendar)?.dayNumber ?? 0)
    }
}

var workdays = 0
let lookups = 10_000_000
let allocationsBeforeLookups = fazhi_malloc_count()
let lookupSeconds = seconds {
    for index in 0..<lookups where calendar.isWorkday(first.adding(days: index % span)) {
        workdays += 1
    }
}

let lookupAllocations = fazhi_malloc_count() - allocationsBeforeLookups

// Allocations of the fast path: due dates of clocks without a ledger, and with one.
let plain = clocks.lazy.filter { $0.events.isEmpty }.prefix(100_000).map { $0 }
let withLedger = clocks.lazy.filter { !$0.events.isEmpty }.prefix(10_000).map { $0 }
let beforePlain = fazhi_malloc_count()
for clock in plain { checksum &+= Int(clock.dueDate(calendar: calendar)?.dayNumber ?? 0) }
let plainAllocations = fazhi_malloc_count() - beforePlain
let beforeLedger = fazhi_malloc_count()
for clock in withLedger { checksum &+= Int(clock.dueDate(calendar: calendar)?.dayNumber ?? 0) }
let ledgerAllocations = fazhi_malloc_count() - beforeLedger

let explainCount = min(n, 10_000)
var characters = 0
let beforeExplain = fazhi_malloc_count()
let explainSeconds = seconds {
    let asOf = CivilDateTime(date: CivilDate(year: 2026, month: 11, day: 22)!, minuteOfDay: 600)
    for clock in clocks.prefix(explainCount) {
        characters += clock.evaluate(calendar: calendar, asOf: asOf).explain().count
    }
}

print("due-date computations: \(n) in \(String(format: "%.3f", dueSeconds)) s (\(String(format: "%.0f", Double(n) / dueSeconds)) per second; checksum \(checksum))")
print("isWorkday lookups: \(lookups) in \(String(format: "%.3f", lookupSeconds)) s (\(String(format: "%.1f", lookupSeconds * 1e9 / Double(lookups))) ns each; \(workdays) working days)")
if lookupAllocations >= 0 {
    print("heap allocations: \(lookupAllocations) during the \(lookups) lookups; \(plainAllocations) for \(plain.count) due dates without a ledger; \(ledgerAllocations) for \(withLedger.count) with one (\(String(format: "%.1f", Double(ledgerAllocations) / Double(max(withLedger.count, 1)))) each)")
} else {
    print("heap allocations: not counted on this platform (Linux with glibc only)")
}
let explainAllocations = fazhi_malloc_count() - beforeExplain
// The explained path builds strings, so its count shows the counter is live.
print("explained evaluations: \(explainCount) in \(String(format: "%.3f", explainSeconds)) s (\(characters) characters of explanation; \(explainAllocations) heap allocations)")
