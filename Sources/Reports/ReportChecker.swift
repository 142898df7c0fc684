import Foundation

/// Reads a published 法治政府建设情况报告 and checks the arithmetic of its quantitative claims: rates
/// against the counts they are made of, year-over-year changes against the two years' counts,
/// breakdowns against their totals, and shares given without their base against one another.
/// It must not cry wolf: a claim is called inconsistent only when the numbers it is made of are in
/// the text and no accepted computation (rounding half up or truncation, at the stated places)
/// gives it; everything else it cannot derive is "not checkable".
public enum ReportChecker {
    public enum Verdict: String, Codable, Sendable {
        case consistent, inconsistent, uncheckable

        public var label: String {
            switch self {
            case .consistent: return "一致"
            case .inconsistent: return "不一致"
            case .uncheckable: return "无法核对"
            }
        }
    }

    public enum Kind: String, Codable, Sendable {
        case count, rate, change, breakdown, share

        public var label: String {
            switch self {
            case .count: return "数量"
            case .rate: return "比率"
            case .change: return "同比变化"
            case .breakdown: return "分项合计"
            case .share: return "占比"
            }
        }
    }

    public struct Claim: Codable, Sendable, Equatable {
        public var kind: Kind
        /// The words of the claim as printed ("受案率75.86%").
        public var text: String
        public var paragraph: Int
        public var verdict: Verdict
        /// How it was checked ("22 ÷ 29 = 75.86%（四舍五入）") or, if inconsistent, the closest computation.
        public var computation: String?
        /// For an inconsistent claim: the stated minus the computed value, in the claim's unit.
        public var difference: String?
        public var note: String?
    }

    public struct Result: Codable, Sendable, Equatable {
        public var claims: [Claim]
        /// Set when the text was longer than the checker reads: what it read, in words.
        public var limited: String?
        public var consistent: Int { claims.filter { $0.verdict == .consistent }.count }
        public var inconsistent: Int { claims.filter { $0.verdict == .inconsistent }.count }
        public var uncheckable: Int { claims.filter { $0.verdict == .uncheckable }.count }

        enum CodingKeys: String, CodingKey { case claims, consistent, inconsistent, uncheckable, limited }

        public init(claims: [Claim], limited: String? = nil) {
            self.claims = claims
            self.limited = limited
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            claims = try container.decode([Claim].self, forKey: .claims)
            limited = try container.decodeIfPresent(String.self, forKey: .limited)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(claims, forKey: .claims)
            try container.encode(consistent, forKey: .consistent)
            try container.encode(inconsistent, forKey: .inconsistent)
            try container.encode(uncheckable, forKey: .uncheckable)
            try container.encodeIfPresent(limited, forKey: .limited)
        }
    }

    /// How much one check reads. A published report has tens of thousands of characters and a few
    /// hundred figures; these bounds keep any text, however hostile, to linear time and memory.
    public struct Limits: Sendable {
        public var characters = 300_000
        public var quantities = 5_000
        public var quantitiesPerParagraph = 400
        /// How far back a number's label is read (its words up to the last separator).
        public var labelCharacters = 40

        public init() {}
    }

    // MARK: Numbers in the text

    /// A number with its unit as it stands in a sentence.
    struct Quantity {
        var value: Decimal
        var places: Int
        var unit: String
        var text: String
        /// Character offsets in the paragraph.
        var start: Int
        var end: Int
        /// The words before it back to the last separator ("受理", "共收到行政复议申请").
        var label: String
        /// 余, 近, 超, 约 …: not an exact figure.
        var approximate: Bool
        var sentence: Int

        var isPercent: Bool { unit == "%" }
    }

    static let units = ["万元", "亿元", "人次", "户次", "件次", "件", "人", "次", "项", "卷", "个", "家", "份", "条", "名", "户", "起", "场", "所", "元", "%"]
    static let separators: Set<Character> = ["，", ",", "、", "；", ";", "。", "：", ":", "（", "(", "）", ")", "！", "？", "\n", " "]
    static let sentenceEnds: Set<Character> = ["。", "；", ";", "！", "？", "\n"]

    /// Full-width digits, percent sign and point become ASCII.
    static func normalize(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF10...0xFF19: output.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0xFF05: output.append("%")
            case 0xFF0E: output.append(".")
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    static func quantities(in paragraph: [Character], limits: Limits = Limits()) -> [Quantity] {
        var result: [Quantity] = []
        var sentence = 0
        var index = 0
        while index < paragraph.count, result.count < limits.quantitiesPerParagraph {
            let char = paragraph[index]
            if sentenceEnds.contains(char) { sentence += 1 }
            guard char.isASCII, char.isNumber else { index += 1; continue }
            // A number: digits, optionally one point and more digits.
            let start = index
            var end = index
            while end < paragraph.count, paragraph[end].isASCII, paragraph[end].isNumber { end += 1 }
            var places = 0
            if end + 1 < paragraph.count, paragraph[end] == ".", paragraph[end + 1].isASCII, paragraph[end + 1].isNumber {
                end += 1
                while end < paragraph.count, paragraph[end].isASCII, paragraph[end].isNumber { end += 1; places += 1 }
            }
            let digits = String(paragraph[start..<end])
            // Part of a longer token (a date, a code, a letter-number name): skip.
            let before = start > 0 ? paragraph[start - 1] : " "
            if before.isLetter && before.isASCII || before == "-" || before == "/" || before == "." || before == "〔" || before == "[" {
                index = end
                continue
            }
            var cursor = end
            var approximate = false
            while cursor < paragraph.count, paragraph[cursor] == " " { cursor += 1 }
            if cursor < paragraph.count, "余多".contains(paragraph[cursor]) { approximate = true; cursor += 1 }
            var unit = ""
            for candidate in units {
                let chars = Array(candidate)
                if cursor + chars.count <= paragraph.count, Array(paragraph[cursor..<(cursor + chars.count)]) == chars { unit = candidate; break }
            }
            guard !unit.isEmpty, let value = Decimal(string: digits) else { index = end; continue }
            let unitEnd = cursor + unit.count
            var labelStart = start
            let labelLimit = max(0, start - limits.labelCharacters)
            while labelStart > labelLimit, !separators.contains(paragraph[labelStart - 1]) { labelStart -= 1 }
            let label = String(paragraph[labelStart..<start])
            if ["近", "超", "逾", "约", "超过", "不到", "将近"].contains(where: { label.hasSuffix($0) }) { approximate = true }
            result.append(Quantity(value: value, places: places, unit: unit, text: String(paragraph[labelStart..<unitEnd]).trimmingCharacters(in: .whitespaces),
                                   start: start, end: unitEnd, label: label, approximate: approximate, sentence: sentence))
            index = unitEnd
        }
        return result
    }

    // MARK: Arithmetic

    static func rounded(_ value: Decimal, places: Int, _ mode: NSDecimalNumber.RoundingMode) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, places, mode)
        return output
    }

    /// Whether `numerator ÷ denominator × 100` gives `stated` at its places, rounding half up or truncating.
    static func matches(_ numerator: Decimal, _ denominator: Decimal, stated: Decimal, places: Int) -> (Bool, String) {
        guard denominator != 0 else { return (false, "") }
        let exact = numerator * 100 / denominator
        let half = rounded(exact, places: places, .plain)
        let down = rounded(exact, places: places, .down)
        if half == stated { return (true, "四舍五入") }
        if down == stated { return (true, "截断") }
        return (false, "")
    }

    /// The computed percentage as the rule that matched gives it.
    static func shown(_ numerator: Decimal, _ denominator: Decimal, places: Int, rule: String) -> String {
        let exact = numerator * 100 / denominator
        return text(rounded(exact, places: places, rule == "截断" ? .down : .plain), places: places)
    }

    static func text(_ value: Decimal, places: Int) -> String {
        let number = NSDecimalNumber(decimal: rounded(value, places: places, .plain))
        let formatter = NumberFormatter()
        formatter.minimumFractionDigits = places
        formatter.maximumFractionDigits = places
        formatter.minimumIntegerDigits = 1
        formatter.usesGroupingSeparator = false
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: number) ?? number.stringValue
    }

    static func plain(_ value: Decimal) -> String { NSDecimalNumber(decimal: value).stringValue }

    // MARK: Known definitions

    /// A rate's definition by name (docs/law.md §12): the words that name its numerator and denominator.
    struct Definition {
        var rate: String
        var numerator: [String]
        var denominator: [String]
    }

    static let definitions: [Definition] = [
        Definition(rate: "受案率", numerator: ["受理"], denominator: ["收到", "申请"]),
        Definition(rate: "调解和解率", numerator: ["调解、和解", "调解和解", "和解"], denominator: ["办结", "审结"]),
        Definition(rate: "纠错率", numerator: ["纠错"], denominator: ["办结", "审结"]),
        Definition(rate: "败诉率", numerator: ["败诉"], denominator: ["审结", "办结"]),
        Definition(rate: "出庭应诉率", numerator: ["出庭"], denominator: ["开庭", "应诉案件"]),
        Definition(rate: "持证率", numerator: ["持证"], denominator: ["执法人员"]),
    ]

    /// The count a word names: its label contains the word, not negated ("不予受理" is not "受理").
    static func count(named words: [String], among candidates: [Quantity], unit: String) -> Quantity? {
        for word in words {
            let found = candidates.filter { candidate in
                guard candidate.unit == unit, !candidate.approximate, candidate.places == 0, let range = candidate.label.range(of: word) else { return false }
                let prefix = candidate.label[..<range.lowerBound]
                return !(prefix.hasSuffix("不予") || prefix.hasSuffix("未") || prefix.hasSuffix("不") || prefix.hasSuffix("无"))
            }
            if let best = found.last { return best }
        }
        return nil
    }

    // MARK: The check

    public static func check(_ raw: String, limits: Limits = Limits()) -> Result {
        var text = normalize(raw)
        var limited: String?
        if text.count > limits.characters {
            text = String(text.prefix(limits.characters))
            limited = "全文超过\(limits.characters)字，只核对了前\(limits.characters)字"
        }
        let lines = text.components(separatedBy: "\n")
        var claims: [Claim] = []
        var read = 0
        var table: [(line: Int, cells: [String])] = []
        func flushTable() {
            if table.count >= 2 { claims += tableClaims(table) }
            table = []
        }
        for (number, line) in lines.enumerated() where !line.isEmpty {
            if let cells = tableCells(line) {
                table.append((number, cells))
                continue
            }
            flushTable()
            let paragraph = Array(line)
            let found = quantities(in: paragraph, limits: limits)
            guard !found.isEmpty else { continue }
            if found.count >= limits.quantitiesPerParagraph { limited = "第\(number + 1)段数字过多，只核对了其前\(limits.quantitiesPerParagraph)个数字" }
            read += found.count
            if read > limits.quantities {
                limited = "全文数字超过\(limits.quantities)个，只核对了前面的部分"
                break
            }
            var handled = Set<Int>()
            claims += shares(found, paragraph: paragraph, number: number, handled: &handled)
            claims += changes(found, paragraph: paragraph, number: number, handled: &handled)
            claims += rates(found, paragraph: paragraph, number: number, handled: &handled)
            claims += breakdowns(found, paragraph: paragraph, number: number)
            for (index, quantity) in found.enumerated() where !handled.contains(index) && !quantity.isPercent {
                claims.append(Claim(kind: .count, text: quantity.text, paragraph: number + 1, verdict: .uncheckable,
                                    note: quantity.approximate ? "约数" : "单独的数量，文中没有可核对的算式"))
            }
        }
        flushTable()
        // A 政府信息公开 yearly report: its tables' identities, in place of the generic table checks on those rows.
        let disclosure = DisclosureReportCheck.claims(lines)
        if !disclosure.claims.isEmpty {
            claims.removeAll { $0.note == "表格" && disclosure.lines.contains($0.paragraph - 1) }
            claims += disclosure.claims
        }
        return Result(claims: claims, limited: limited)
    }

    // MARK: Tables

    /// The cells of a table row: `| a | b |` (Markdown, with its `---` rule rows skipped) or
    /// tab-separated; nil for a line that is not one.
    static func tableCells(_ line: String) -> [String]? {
        let separator: Character
        if line.filter({ $0 == "|" }).count >= 2 { separator = "|" } else if line.contains("\t") { separator = "\t" } else { return nil }
        var cells = line.split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if separator == "|" {
            if cells.first == "" { cells.removeFirst() }
            if cells.last == "" { cells.removeLast() }
        }
        if cells.allSatisfy({ $0.allSatisfy { "-:| ".contains($0) } }) { return [] }
        return cells.count >= 2 ? cells : nil
    }

    /// A cell's number: its value, places and whether it is a percentage; nil for words.
    static func cellNumber(_ cell: String) -> (value: Decimal, places: Int, percent: Bool)? {
        var text = cell.replacingOccurrences(of: ",", with: "")
        let percent = text.hasSuffix("%")
        for unit in units where text.hasSuffix(unit) { text.removeLast(unit.count); break }
        text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Decimal(string: text) else { return nil }
        let places = text.split(separator: ".").dropFirst().first?.count ?? 0
        return (value, places, percent)
    }

    static let totalWords = ["合计", "总计", "总数", "小计", "共计"]

    /// A table's rows are checked like sentences: a row's cells against its stated total, and a row
    /// of shares against the row of counts above it.
    static func tableClaims(_ rows: [(line: Int, cells: [String])]) -> [Claim] {
        let content = rows.filter { !$0.cells.isEmpty }
        guard let header = content.first?.cells else { return [] }
        let totalColumn = header.firstIndex { cell in totalWords.contains { cell.contains($0) } }
        var claims: [Claim] = []
        var previousCounts: (label: String, values: [Int: Decimal], total: Decimal?)?
        for row in content.dropFirst() {
            let label = row.cells.first ?? ""
            var values: [Int: (value: Decimal, places: Int, percent: Bool)] = [:]
            for (index, cell) in row.cells.enumerated().dropFirst() { if let number = cellNumber(cell) { values[index] = number } }
            guard !values.isEmpty else { continue }
            let percents = values.filter { $0.value.percent }
            if percents.count == values.count {
                // A row of shares: each against the count above it and that row's total.
                guard let counts = previousCounts else { continue }
                let whole = counts.total ?? counts.values.values.reduce(0, +)
                guard whole > 0 else { continue }
                for (column, share) in percents.sorted(by: { $0.key < $1.key }) {
                    guard let count = counts.values[column], column != totalColumn else { continue }
                    let heading = column < header.count ? header[column] : "第\(column + 1)列"
                    let claimText = "\(label)·\(heading) \(plain(share.value))%"
                    let (ok, rule) = matches(count, whole, stated: share.value, places: share.places)
                    if ok {
                        claims.append(Claim(kind: .rate, text: claimText, paragraph: row.line + 1, verdict: .consistent,
                                            computation: "\(plain(count))（\(counts.label)·\(heading)）÷ \(plain(whole)) = \(shown(count, whole, places: share.places, rule: rule))%（\(rule)）", note: "表格"))
                    } else {
                        let computed = count * 100 / whole
                        claims.append(Claim(kind: .rate, text: claimText, paragraph: row.line + 1, verdict: .inconsistent,
                                            computation: "\(plain(count)) ÷ \(plain(whole)) = \(text(computed, places: share.places))%",
                                            difference: "\(plain(share.value - rounded(computed, places: share.places, .plain))) 个百分点", note: "表格"))
                    }
                }
                continue
            }
            let counts = values.filter { !$0.value.percent && $0.value.places == 0 }
            var stated: Decimal?
            if let totalColumn, let total = counts[totalColumn] {
                stated = total.value
                let parts = counts.filter { $0.key != totalColumn }.sorted { $0.key < $1.key }
                if parts.count >= 2 {
                    let sum = parts.reduce(Decimal(0)) { $0 + $1.value.value }
                    let listing = parts.map { plain($0.value.value) }.joined(separator: " + ")
                    let claimText = "\(label)：\(header[totalColumn]) \(plain(total.value))"
                    if sum == total.value {
                        claims.append(Claim(kind: .breakdown, text: claimText, paragraph: row.line + 1, verdict: .consistent, computation: "\(listing) = \(plain(sum))", note: "表格"))
                    } else if sum > total.value {
                        claims.append(Claim(kind: .breakdown, text: claimText, paragraph: row.line + 1, verdict: .inconsistent,
                                            computation: "\(listing) = \(plain(sum))，多于合计 \(plain(total.value))", difference: plain(sum - total.value), note: "表格"))
                    } else {
                        claims.append(Claim(kind: .breakdown, text: claimText, paragraph: row.line + 1, verdict: .inconsistent,
                                            computation: "\(listing) = \(plain(sum))，少于合计 \(plain(total.value))", difference: plain(sum - total.value),
                                            note: "表格的合计应等于各列之和"))
                    }
                }
            }
            previousCounts = (label, counts.filter { $0.key != totalColumn }.mapValues(\.value), stated)
        }
        return claims
    }

    /// "较2018年减少10件，同比下降25.6%": last year's count is this year's plus or minus the change.
    static func changes(_ found: [Quantity], paragraph: [Character], number: Int, handled: inout Set<Int>) -> [Claim] {
        var claims: [Claim] = []
        for (index, delta) in found.enumerated() where !delta.isPercent {
            let label = delta.label
            guard let match = label.range(of: #"^(较|比)(\d{4})年(同期)?(增加|减少|多|少|上升|下降)$"#, options: .regularExpression) else { continue }
            _ = match
            let decrease = label.hasSuffix("减少") || label.hasSuffix("少") || label.hasSuffix("下降")
            // This year's count: the nearest exact count of the same unit before it in the sentence.
            guard let current = found[..<index].last(where: { $0.sentence == delta.sentence && $0.unit == delta.unit && !$0.approximate && !$0.isPercent }) else { continue }
            let previous = decrease ? current.value + delta.value : current.value - delta.value
            handled.insert(index)
            // The percentage that follows ("同比下降25.6%").
            guard let pctIndex = found.indices.first(where: { $0 > index && found[$0].isPercent && found[$0].sentence == delta.sentence }) else {
                claims.append(Claim(kind: .change, text: delta.text, paragraph: number + 1, verdict: .consistent,
                                    computation: "上年 \(plain(previous))\(delta.unit)（\(plain(current.value)) \(decrease ? "+" : "−") \(plain(delta.value))）"))
                continue
            }
            let pct = found[pctIndex]
            guard pct.label.contains("同比") || pct.label.contains("下降") || pct.label.contains("增长") || pct.label.contains("上升") || pct.label.contains("减少") else { continue }
            handled.insert(pctIndex)
            let claimText = "\(current.text)，\(delta.text)，\(pct.text)"
            let (ok, rule) = matches(delta.value, previous, stated: pct.value, places: pct.places)
            let computed = previous == 0 ? Decimal(0) : delta.value * 100 / previous
            if ok {
                claims.append(Claim(kind: .change, text: claimText, paragraph: number + 1, verdict: .consistent,
                                    computation: "\(plain(delta.value)) ÷ \(plain(previous))（上年 = \(plain(current.value)) \(decrease ? "+" : "−") \(plain(delta.value))）= \(shown(delta.value, previous, places: pct.places, rule: rule))%（\(rule)）"))
            } else {
                claims.append(Claim(kind: .change, text: claimText, paragraph: number + 1, verdict: .inconsistent,
                                    computation: "\(plain(delta.value)) ÷ \(plain(previous)) = \(text(computed, places: pct.places + 2))%",
                                    difference: "\(plain(pct.value - rounded(computed, places: pct.places, .plain))) 个百分点"))
            }
        }
        return claims
    }

    /// "由28项增加到195项，占比从7.9%提高到55.08%": each share implies a range of bases; the
    /// shares of one paragraph should agree on one base.
    static func shares(_ found: [Quantity], paragraph: [Character], number: Int, handled: inout Set<Int>) -> [Claim] {
        struct Share { var count: Quantity; var percent: Quantity; var bases: Set<Int>; var indices: [Int] }
        var items: [Share] = []
        for (index, quantity) in found.enumerated() where quantity.isPercent && quantity.label.contains("占比") {
            // The pair "a项 … b项 … p1% … p2%" within one sentence: match the percentages to the counts in order.
            let counts = found.indices.filter { found[$0].sentence == quantity.sentence && !found[$0].isPercent && !found[$0].approximate }
            let percents = found.indices.filter { found[$0].sentence == quantity.sentence && found[$0].isPercent }
            guard counts.count == percents.count, let position = percents.firstIndex(of: index) else { continue }
            let count = found[counts[position]]
            guard count.value > 0, quantity.value > 0 else { continue }
            items.append(Share(count: count, percent: quantity, bases: bases(count: count.value, percent: quantity.value, places: quantity.places),
                               indices: [counts[position], index]))
        }
        guard !items.isEmpty else { return [] }
        let common = items.dropFirst().reduce(items[0].bases) { $0.intersection($1.bases) }
        var claims: [Claim] = []
        for item in items {
            handled.formUnion(item.indices)
            let claimText = "\(item.count.text)，\(item.percent.text)"
            if item.bases.isEmpty {
                // No whole base gives this share at all: the share cannot be right.
                claims.append(Claim(kind: .share, text: claimText, paragraph: number + 1, verdict: .inconsistent,
                                    computation: "没有整数基数 T 能使 \(plain(item.count.value)) ÷ T 得出 \(plain(item.percent.value))%", note: "文中未写基数"))
            } else if let base = common.min(), items.count > 1 {
                let (_, rule) = matches(item.count.value, Decimal(base), stated: item.percent.value, places: item.percent.places)
                claims.append(Claim(kind: .share, text: claimText, paragraph: number + 1, verdict: .consistent,
                                    computation: "\(plain(item.count.value)) ÷ \(base) = \(shown(item.count.value, Decimal(base), places: item.percent.places, rule: rule))%（\(rule)）；本段\(items.count)个占比共同的隐含基数：\(common.sorted().map(String.init).joined(separator: "、"))",
                                    note: "文中未写基数，按各占比推算"))
            } else {
                // One share alone, or shares whose bases differ (they may have different wholes): not called wrong.
                claims.append(Claim(kind: .share, text: claimText, paragraph: number + 1, verdict: .uncheckable,
                                    computation: "隐含基数 \(item.bases.min()!)…\(item.bases.max()!)",
                                    note: items.count > 1 ? "本段各占比没有共同的隐含基数，可能基数不同" : "文中未写基数"))
            }
        }
        return claims
    }

    /// Every whole number T for which count ÷ T gives the percentage (rounding or truncating).
    static func bases(count: Decimal, percent: Decimal, places: Int) -> Set<Int> {
        let step = rounded(Decimal(sign: .plus, exponent: -places, significand: 1), places: places, .plain)
        let low = NSDecimalNumber(decimal: count * 100 / (percent + step)).doubleValue
        let high = percent - step > 0 ? NSDecimalNumber(decimal: count * 100 / (percent - step)).doubleValue : NSDecimalNumber(decimal: count * 100 / percent).doubleValue * 2
        guard high.isFinite, high - low < 1_000_000 else { return [] }
        var result = Set<Int>()
        for base in max(1, Int(low.rounded(.down)))...max(1, Int(high.rounded(.up))) where matches(count, Decimal(base), stated: percent, places: places).0 {
            result.insert(base)
        }
        return result
    }

    /// Rates: by the known definition when its counts are in the paragraph; otherwise any two counts
    /// of the sentence whose ratio gives it.
    static func rates(_ found: [Quantity], paragraph: [Character], number: Int, handled: inout Set<Int>) -> [Claim] {
        var claims: [Claim] = []
        for (index, rate) in found.enumerated() where rate.isPercent && !handled.contains(index) {
            handled.insert(index)
            let counts = found.filter { !$0.isPercent && !$0.approximate && $0.places == 0 && $0.start < rate.start }
            if rate.approximate {
                claims.append(approximateRate(rate, counts: counts, number: number))
                continue
            }
            if let definition = definitions.first(where: { rate.label.contains($0.rate) }) {
                let unit = counts.last?.unit ?? "件"
                if let top = count(named: definition.numerator, among: counts, unit: unit), let bottom = count(named: definition.denominator, among: counts, unit: unit) {
                    let (ok, rule) = matches(top.value, bottom.value, stated: rate.value, places: rate.places)
                    let computed = bottom.value == 0 ? Decimal(0) : top.value * 100 / bottom.value
                    if ok {
                        claims.append(Claim(kind: .rate, text: rate.text, paragraph: number + 1, verdict: .consistent,
                                            computation: "\(definition.rate) = \(plain(top.value))（\(top.text)）÷ \(plain(bottom.value))（\(bottom.text)）= \(shown(top.value, bottom.value, places: rate.places, rule: rule))%（\(rule)）"))
                    } else {
                        claims.append(Claim(kind: .rate, text: rate.text, paragraph: number + 1, verdict: .inconsistent,
                                            computation: "\(definition.rate) = \(plain(top.value))（\(top.text)）÷ \(plain(bottom.value))（\(bottom.text)）= \(text(computed, places: rate.places))%（截断为 \(text(rounded(computed, places: rate.places, .down), places: rate.places))%）",
                                            difference: "\(plain(rate.value - rounded(computed, places: rate.places, .plain))) 个百分点"))
                    }
                    continue
                }
            }
            // Any two counts of the same sentence and unit.
            let near = counts.filter { $0.sentence == rate.sentence }
            var found: String?
            outer: for top in near {
                for bottom in near where bottom.unit == top.unit && bottom.start != top.start && bottom.value >= top.value {
                    let (ok, rule) = matches(top.value, bottom.value, stated: rate.value, places: rate.places)
                    if ok {
                        found = "\(plain(top.value))（\(top.text)）÷ \(plain(bottom.value))（\(bottom.text)）= \(shown(top.value, bottom.value, places: rate.places, rule: rule))%（\(rule)）"
                        break outer
                    }
                }
            }
            if let found {
                claims.append(Claim(kind: .rate, text: rate.text, paragraph: number + 1, verdict: .consistent, computation: found, note: "按同句数字推算"))
            } else {
                claims.append(Claim(kind: .rate, text: rate.text, paragraph: number + 1, verdict: .uncheckable, note: "文中没有能得出此比率的数字"))
            }
        }
        return claims
    }

    /// "约19.2%": checked within one unit of its last place (plus rounding) against its definition's
    /// counts; words like 超/近/逾 bound it from one side only, so those stay uncheckable.
    static func approximateRate(_ rate: Quantity, counts: [Quantity], number: Int) -> Claim {
        guard rate.label.hasSuffix("约"), let definition = definitions.first(where: { rate.label.contains($0.rate) }) else {
            return Claim(kind: .rate, text: rate.text, paragraph: number + 1, verdict: .uncheckable, note: "约数")
        }
        let unit = counts.last?.unit ?? "件"
        guard let top = count(named: definition.numerator, among: counts, unit: unit), let bottom = count(named: definition.denominator, among: counts, unit: unit),
              bottom.value != 0 else {
            return Claim(kind: .rate, text: rate.text, paragraph: number + 1, verdict: .uncheckable, note: "约数，文中没有其口径的数字")
        }
        let computed = top.value * 100 / bottom.value
        let step = Decimal(sign: .plus, exponent: -rate.places, significand: 1)
        let gap = computed > rate.value ? computed - rate.value : rate.value - computed
        let computation = "\(definition.rate) = \(plain(top.value))（\(top.text)）÷ \(plain(bottom.value))（\(bottom.text)）= \(text(computed, places: rate.places + 2))%"
        if gap <= step {
            return Claim(kind: .rate, text: rate.text, paragraph: number + 1, verdict: .consistent, computation: computation, note: "约数，允许相差\(plain(step))个百分点")
        }
        return Claim(kind: .rate, text: rate.text, paragraph: number + 1, verdict: .inconsistent, computation: computation,
                     difference: "\(plain(rate.value - rounded(computed, places: rate.places, .plain))) 个百分点", note: "约数，相差超过\(plain(step))个百分点")
    }

    /// "共收到…29件…其中，受理22件，不予受理4件，…": the listed parts against the whole.
    static func breakdowns(_ found: [Quantity], paragraph: [Character], number: Int) -> [Claim] {
        let full = String(paragraph)
        var claims: [Claim] = []
        var searchFrom = full.startIndex
        while let marker = full.range(of: "其中", range: searchFrom..<full.endIndex) {
            searchFrom = marker.upperBound
            let offset = full.distance(from: full.startIndex, to: marker.lowerBound)
            func isChange(_ quantity: Quantity) -> Bool { quantity.label.range(of: #"(较|比)\d{4}年"#, options: .regularExpression) != nil }
            // The whole: the nearest exact count before 其中 that is not a change.
            guard let whole = found.last(where: { $0.end <= offset && !$0.isPercent && !$0.approximate && !isChange($0) }) else { continue }
            // Parts: exact counts of the same unit after 其中, in its sentence — and, when 其中 opens a
            // parenthesis, inside it — that are not changes.
            guard let sentenceOfMarker = found.first(where: { $0.start >= offset })?.sentence else { continue }
            var limit = paragraph.count
            let opening = paragraph[..<offset].lastIndex { $0 == "(" || $0 == "（" }
            let closingBefore = paragraph[..<offset].lastIndex { $0 == ")" || $0 == "）" }
            if let opening, closingBefore.map({ $0 < opening }) ?? true {
                limit = paragraph[offset...].firstIndex { $0 == ")" || $0 == "）" } ?? paragraph.count
            }
            // A number of another year ("2022年66件") or the whole restated is no part of this whole.
            func year(_ quantity: Quantity) -> Substring? { quantity.label.range(of: #"\d{4}年"#, options: .regularExpression).map { quantity.label[$0] } }
            func otherYear(_ quantity: Quantity) -> Bool { year(quantity).map { $0 != year(whole) } ?? false }
            let parts = found.filter { $0.start > offset && $0.end <= limit && $0.sentence == sentenceOfMarker && $0.unit == whole.unit && !$0.approximate
                && !$0.isPercent && !isChange($0) && !otherYear($0) && $0.value != whole.value }
            guard parts.count >= 2 else { continue }
            let sum = parts.reduce(Decimal(0)) { $0 + $1.value }
            let listing = parts.map { plain($0.value) }.joined(separator: " + ")
            let claimText = "\(whole.text)；其中\(parts.map(\.text).joined(separator: "，"))"
            if sum == whole.value {
                claims.append(Claim(kind: .breakdown, text: claimText, paragraph: number + 1, verdict: .consistent, computation: "\(listing) = \(plain(sum))\(whole.unit)"))
            } else if sum > whole.value {
                claims.append(Claim(kind: .breakdown, text: claimText, paragraph: number + 1, verdict: .inconsistent,
                                    computation: "\(listing) = \(plain(sum))\(whole.unit)，多于总数 \(plain(whole.value))\(whole.unit)", difference: "\(plain(sum - whole.value))\(whole.unit)"))
            } else {
                claims.append(Claim(kind: .breakdown, text: claimText, paragraph: number + 1, verdict: .uncheckable,
                                    computation: "\(listing) = \(plain(sum))\(whole.unit)，少于总数 \(plain(whole.value))\(whole.unit)", note: "可能只列举了部分"))
            }
        }
        return claims
    }
}
