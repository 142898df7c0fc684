import FazhiCore
import Fluent
import Foundation

/// A report as blocks of text and figures, ready for HTML, Markdown or DOCX.
public struct RenderedReport: Sendable {
    public enum Segment: Sendable, Equatable {
        case text(String)
        /// A figure as printed ("29件", "同比下降25.64%"), the metric it comes from, and whether its data is missing.
        case figure(key: String, text: String, missing: Bool)
        /// A multi-year trend: the figure of each year, oldest first (nil where missing).
        case trend(key: String, label: String, unit: String, points: [TrendPoint])
    }

    public struct TrendPoint: Sendable, Equatable {
        public var year: Int
        public var value: Decimal?
    }

    public enum Block: Sendable, Equatable {
        case heading(level: Int, String)
        case paragraph([Segment])
        /// A table written as `| a | b |` lines, the first its header (the statistical tables of
        /// the 政府信息公开 yearly report); each cell is a line of segments.
        case table([[[Segment]]])
    }

    public var title: String
    public var number: String?
    public var unitName: String
    public var unitCode: String?
    public var year: Int
    public var date: String
    public var blocks: [Block]
    /// Every figure the text uses, in order of first use.
    public var figures: [MetricResult]

    /// Where a figure's records are listed.
    public func recordsLink(_ key: String) -> String {
        CoreRoute.figuresRecord.path(key) + "?year=\(year)" + (unitCode.map { "&unit=\($0)" } ?? "")
    }

    public func plain(_ segments: [Segment]) -> String {
        segments.map { segment in
            switch segment {
            case .text(let text): return text
            case .figure(_, let text, _): return text
            case .trend(_, let label, let unit, let points): return RenderedReport.trendText(label: label, unit: unit, points: points)
            }
        }.joined()
    }

    static func trendText(label: String, unit: String, points: [TrendPoint]) -> String {
        "近\(points.count)年\(label)：" + points.map { "\($0.year)年\($0.value.map { NSDecimalNumber(decimal: $0).stringValue + unit } ?? "无数据")" }.joined(separator: "、") + "。"
    }

    public var markdown: String {
        var lines = ["# \(title)", ""]
        if let number { lines += [number, ""] }
        for block in blocks {
            switch block {
            case .heading(let level, let text): lines += ["\(String(repeating: "#", count: level + 1)) \(text)", ""]
            case .paragraph(let segments):
                lines.append(segments.map { segment -> String in
                    switch segment {
                    case .text(let text): return text
                    case .figure(let key, let text, _): return "[\(text)](\(recordsLink(key)))"
                    case .trend(_, let label, let unit, let points): return RenderedReport.trendText(label: label, unit: unit, points: points)
                    }
                }.joined())
                lines.append("")
            case .table(let rows):
                for (index, row) in rows.enumerated() {
                    lines.append("| " + row.map { cell in cell.map { segment -> String in
                        if case .figure(let key, let text, _) = segment { return "[\(text)](\(recordsLink(key)))" }
                        return plain([segment]).replacingOccurrences(of: "|", with: "｜")
                    }.joined() }.joined(separator: " | ") + " |")
                    if index == 0 { lines.append("|" + String(repeating: " --- |", count: row.count)) }
                }
                lines.append("")
            }
        }
        lines += ["\(unitName)", date, "", "## 附：数据说明", ""]
        lines += figures.map { "- \($0.label)（`\($0.key)`）：\(ReportRenderer.display($0))；\($0.definition)" }
        return lines.joined(separator: "\n") + "\n"
    }

    func spans(_ segments: [Segment], siteURL: String?) -> [OfficialDocument.Span] {
        segments.map { segment in
            switch segment {
            case .figure(let key, let text, _): return OfficialDocument.Span(text, link: siteURL.map { $0 + recordsLink(key) })
            default: return OfficialDocument.Span(plain([segment]))
            }
        }
    }

    /// The DOCX in 公文 layout, with an annex that names each figure's definition and record list.
    /// - Parameter siteURL: the platform's address (`https://…`, no trailing slash). With it each
    ///   figure is a hyperlink to its records; without it the text is plain and the annex prints
    ///   the relative addresses.
    public func document(siteURL: String? = nil) -> OfficialDocument {
        var out: [OfficialDocument.Block] = []
        for block in blocks {
            switch block {
            case .heading(let level, let text): out.append(.heading(level: level, text))
            case .paragraph(let segments):
                guard let siteURL else { out.append(.paragraph(plain(segments))); continue }
                out.append(.linked(spans(segments, siteURL: siteURL)))
            case .table(let rows):
                out.append(.table(rows.map { $0.map { spans($0, siteURL: siteURL) } }))
            }
        }
        out.append(.flush(""))
        out.append(.heading(level: 1, "附：数据说明"))
        for figure in figures {
            out.append(.labelled("\(figure.label)：", "\(ReportRenderer.display(figure))。\(figure.definition)（\(figure.rounding)）。记录清单：\(siteURL ?? "")\(recordsLink(figure.key))"))
        }
        return OfficialDocument(title: title, number: number, blocks: out, signature: unitName, date: date)
    }
}

public enum ReportRenderer {
    /// `{key}`, `{key|同比}`, `{key|上年}`, `{key|数}` (the value without its unit, for table cells); a regex is not Sendable, so each use makes its own.
    static var placeholder: Regex<(Substring, Substring, Substring?)> { #/\{([a-z0-9.\-]+)(?:\|(同比|上年|趋势|数))?\}/# }

    /// How many years a trend shows.
    public static let trendYears = 5

    /// The keys a text draws as trends.
    static func trendKeys(in text: String) -> [String] {
        var keys: [String] = []
        for match in text.matches(of: placeholder) where match.output.2 == "趋势" && !keys.contains(String(match.output.1)) { keys.append(String(match.output.1)) }
        return keys
    }

    /// A trend's yearly figures are stored with the others under `key@year`, so they freeze too.
    static func trendKey(_ key: String, _ year: Int) -> String { "\(key)@\(year)" }

    /// The metric keys a text uses.
    public static func keys(in text: String) -> [String] {
        var keys: [String] = []
        for match in text.matches(of: placeholder) where !keys.contains(String(match.output.1)) { keys.append(String(match.output.1)) }
        return keys
    }

    /// Keys the text uses that no module registers: refused when a template or report is saved.
    public static func unknownKeys(in text: String, registry: MetricsRegistry) -> [String] {
        keys(in: text).filter { registry.definition($0) == nil }
    }

    /// "29件", "75.86%", "12.35万元"; missing is missing, never zero.
    public static func display(_ result: MetricResult) -> String {
        guard let value = result.value else { return "【无数据】" }
        return value + result.unit
    }

    /// "同比下降25.64%", "同比增长3.00%", "与上年持平"; without last year's figure it says so.
    public static func change(_ result: MetricResult) -> String? {
        guard let yoy = result.yearOverYear, let number = Decimal(string: yoy) else { return nil }
        if number == 0 { return "与上年持平" }
        let magnitude = yoy.hasPrefix("-") ? String(yoy.dropFirst()) : yoy
        return number < 0 ? "同比下降\(magnitude)%" : "同比增长\(magnitude)%"
    }

    /// The figures a text uses, for a year and a unit subtree, evaluated live.
    public static func evaluate(_ text: String, scope: MetricScope, registry: MetricsRegistry, on db: any Database) async throws -> [MetricResult] {
        try await evaluate(text, scope: scope, registry: registry, on: [db])
    }

    /// The same, spread over several database handles (`Request.figureDatabases`); one handle (a
    /// transaction's) evaluates them one by one.
    public static func evaluate(_ text: String, scope: MetricScope, registry: MetricsRegistry, on databases: [any Database]) async throws -> [MetricResult] {
        // One read per figure family for the whole report, trends included (`MetricFamilyCache`),
        // all the report's figures and trend years in one evaluation.
        var jobs: [MetricJob] = []
        for key in keys(in: text) {
            guard let definition = registry.definition(key) else { continue }
            jobs.append(MetricJob(definition: definition, scope: scope))
        }
        let plain = jobs.count
        var trends: [String] = []
        for key in trendKeys(in: text) {
            guard let definition = registry.definition(key) else { continue }
            trends.append(key)
            for year in (scope.year - trendYears + 1)...scope.year {
                jobs.append(MetricJob(definition: definition, scope: MetricScope(year: year, unitPath: scope.unitPath, unitName: scope.unitName)))
            }
        }
        let evaluated = try await registry.evaluate(jobs, on: databases)
        var results = Array(evaluated.prefix(plain))
        for (index, key) in trends.enumerated() {
            let start = plain + index * trendYears
            let years = evaluated[start..<start + trendYears].enumerated().map { offset, result in
                var result = result
                result.key = trendKey(key, scope.year - trendYears + 1 + offset)
                return result
            }
            results += withoutDataBeforeRecords(years)
        }
        return results
    }

    /// A trend's years before the first with anything recorded are 无数据, not 0: a count of zero
    /// there means the platform had no records yet (the county came later, or imported less), not that
    /// nothing happened (issue 20). A zero after the first year with records is a real zero.
    static func withoutDataBeforeRecords(_ years: [MetricResult]) -> [MetricResult] {
        var seen = false
        return years.map { result in
            var result = result
            if !seen, let value = result.value, Decimal(string: value) == 0 { result.value = nil } else if result.value != nil { seen = true }
            return result
        }
    }

    /// Parses the markup and fills in the figures.
    public static func render(text: String, figures: [MetricResult], title: String, number: String?, unitName: String, unitCode: String?, year: Int, date: String) -> RenderedReport {
        let byKey = Dictionary(figures.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var blocks: [RenderedReport.Block] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("## ") { blocks.append(.heading(level: 2, String(line.dropFirst(3)))); continue }
            if line.hasPrefix("# ") { blocks.append(.heading(level: 1, String(line.dropFirst(2)))); continue }
            if line.hasPrefix("|") {
                var cells = tableCells(line)
                cells.removeFirst()
                if cells.last?.isEmpty == true { cells.removeLast() }
                // A Markdown rule line (| --- |) only separates the header.
                if cells.allSatisfy({ $0.allSatisfy { $0 == "-" || $0 == ":" } && !$0.isEmpty }) { continue }
                let row = cells.map { segments(of: $0, byKey: byKey, year: year) }
                if case .table(let rows) = blocks.last { blocks[blocks.count - 1] = .table(rows + [row]) } else { blocks.append(.table([row])) }
                continue
            }
            blocks.append(.paragraph(segments(of: line, byKey: byKey, year: year)))
        }
        let used = keys(in: text).compactMap { byKey[$0] }
        return RenderedReport(title: title, number: number, unitName: unitName, unitCode: unitCode, year: year, date: date, blocks: blocks, figures: used)
    }

    /// A table line's cells: split at each `|` outside a `{…}` placeholder (`{key|数}` is one cell).
    static func tableCells(_ line: String) -> [String] {
        var cells: [String] = [], current = "", depth = 0
        for char in line {
            if char == "{" { depth += 1 } else if char == "}" { depth = max(0, depth - 1) }
            if char == "|" && depth == 0 {
                cells.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(char)
            }
        }
        cells.append(current.trimmingCharacters(in: .whitespaces))
        return cells
    }

    /// A line's text and figures.
    static func segments(of line: String, byKey: [String: MetricResult], year: Int) -> [RenderedReport.Segment] {
        var segments: [RenderedReport.Segment] = []
        var rest = Substring(line)
        while let match = rest.firstMatch(of: placeholder) {
            if match.range.lowerBound > rest.startIndex { segments.append(.text(String(rest[rest.startIndex..<match.range.lowerBound]))) }
            let key = String(match.output.1)
            if let result = byKey[key] {
                switch match.output.2.map(String.init) {
                case "同比":
                    if let change = change(result) {
                        segments.append(.figure(key: key, text: change, missing: false))
                    } else if let previous = result.previousValue {
                        // Last year's figure is there but a change cannot be a percentage of it (zero).
                        segments.append(.figure(key: key, text: "上年为\(previous)\(result.unit)", missing: false))
                    } else {
                        segments.append(.figure(key: key, text: "上年无数据", missing: true))
                    }
                case "趋势":
                    let points = ((year - trendYears + 1)...year).map { past in
                        RenderedReport.TrendPoint(year: past, value: byKey[trendKey(key, past)]?.value.flatMap { Decimal(string: $0) })
                    }
                    segments.append(.trend(key: key, label: result.label, unit: result.unit, points: points))
                case "上年":
                    segments.append(.figure(key: key, text: result.previousValue.map { $0 + result.unit } ?? "【上年无数据】", missing: result.previousValue == nil))
                case "数":
                    segments.append(.figure(key: key, text: result.value ?? "【无数据】", missing: result.value == nil))
                default:
                    segments.append(.figure(key: key, text: display(result), missing: result.value == nil))
                }
            } else {
                segments.append(.figure(key: key, text: "【未知指标：\(key)】", missing: true))
            }
            rest = rest[match.range.upperBound...]
        }
        if !rest.isEmpty { segments.append(.text(String(rest))) }
        return segments
    }
}
