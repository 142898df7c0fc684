import Foundation

/// The 政府信息公开工作年度报告's identities (国办公开办函〔2021〕30号, docs/disclosure-report.md §4–§5):
/// recognised in any report whose text holds the national Table 三 rows — a published page pasted
/// as text, a Markdown or tab-separated table, or the platform's own report before it is approved.
///
/// - Table 三, each column: 一 + 二 = 三（七）+ 四 (the table's own corner note), and （七） is the sum
///   of the 21 result rows;
/// - Table 三, each row: 总计 = 自然人 + the five 法人或其他组织 columns;
/// - Table 四, each group: 维持 + 纠正 + 其他 + 尚未审结 = 总计.
enum DisclosureReportCheck {
    static let note = "政府信息公开工作年度报告勾稽关系（国办公开办函〔2021〕30号）"
    static let columns = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]

    /// The row's words to look for: its label without numbering, brackets and punctuation.
    static func anchor(_ label: String) -> String {
        var text = label.replacingOccurrences(of: #"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)"#, with: "", options: .regularExpression)
        if let open = text.firstIndex(of: "（") { text = String(text[..<open]) }
        return squeeze(text)
    }

    /// What `squeeze` drops besides white space.
    static let dropped = Set<Character>("、，,.．。“”\"'‘’（）()：:|[]")

    static func squeeze(_ text: String) -> String {
        String(text.filter { !$0.isWhitespace && !dropped.contains($0) })
    }

    /// The national rows that carry a label, each with its anchor: worked out once, not per line
    /// of every text checked (a pasted text of thousands of lines read them per line and row).
    static let labelledRows: [(key: String, label: String, anchor: String)] = ReportTemplate.disclosureRows
        .filter { !$0.0.isEmpty }.map { (key: $0.0, label: $0.1, anchor: anchor($0.1)) }

    /// Integers after `anchor` in `line` (a Markdown link's address is not a number of the table).
    static func numbers(after anchor: String, in line: String) -> [Int]? {
        let plain = line.replacingOccurrences(of: #"\]\([^)]*\)"#, with: "", options: .regularExpression)
        var squeezed = "", map: [String.Index] = []
        for index in plain.indices where !(plain[index].isWhitespace || dropped.contains(plain[index])) || plain[index].isNumber {
            squeezed.append(plain[index])
            map.append(index)
        }
        guard let range = squeezed.range(of: anchor) else { return nil }
        let end = squeezed.distance(from: squeezed.startIndex, to: range.upperBound)
        let tail = end < map.count ? String(plain[map[end]...]) : ""
        return tail.matches(of: #/\d+/#).compactMap { Int($0.output) }
    }

    static func claims(_ lines: [String]) -> (claims: [Claim], lines: Set<Int>) {
        let rows = labelledRows
        var found: [String: (line: Int, values: [Int])] = [:]
        var next = 0
        for (number, line) in lines.enumerated() where next < rows.count {
            let squeezed = squeeze(line)
            for index in next..<rows.count {
                let (key, _, wanted) = rows[index]
                guard squeezed.contains(wanted), let values = numbers(after: wanted, in: line), values.count >= 7 else { continue }
                found[key] = (number, Array(values.prefix(7)))
                next = index + 1
                break
            }
        }
        var claims: [Claim] = []
        func claim(_ text: String, line: Int, ok: Bool, _ computation: String) {
            claims.append(Claim(kind: .breakdown, text: text, paragraph: line + 1, verdict: ok ? .consistent : .inconsistent, computation: computation, note: note))
        }
        if let new = found["new"], let carried = found["carried-in"], let total = found["answered"], let next = found["carried-out"] {
            for column in 0..<7 {
                let left = new.values[column] + carried.values[column], right = total.values[column] + next.values[column]
                claim("表三·\(columns[column])：新收 + 上年结转 = 办理结果总计 + 结转下年度", line: total.line, ok: left == right,
                      "\(new.values[column]) + \(carried.values[column]) = \(left)；\(total.values[column]) + \(next.values[column]) = \(right)")
            }
        }
        let results = rows.map(\.key).filter { !["new", "carried-in", "answered", "carried-out"].contains($0) }
        if let total = found["answered"], results.allSatisfy({ found[$0] != nil }) {
            for column in 0..<7 {
                let sum = results.reduce(0) { $0 + found[$1]!.values[column] }
                claim("表三·\(columns[column])：（一）至（六）各项之和 = （七）总计", line: total.line, ok: sum == total.values[column],
                      "各项之和 \(sum)，总计 \(total.values[column])")
            }
        }
        for (key, label, _) in rows {
            guard let row = found[key] else { continue }
            let sum = row.values.prefix(6).reduce(0, +)
            claim("表三·\(label)：各类申请人之和 = 总计", line: row.line, ok: sum == row.values[6], "\(row.values.prefix(6).map(String.init).joined(separator: " + ")) = \(sum)，总计 \(row.values[6])")
        }
        // Table 四: after its heading, each run of five numbers is a group (one line of fifteen or three of five).
        if let start = lines.firstIndex(where: { squeeze($0).contains("政府信息公开行政复议行政诉讼情况") }) {
            for number in (start + 1)..<lines.count {
                let line = lines[number]
                // Up to the next part (五、存在的主要问题…), and never further than the table's few lines.
                let squeezed = squeeze(line).drop { $0 == "#" }
                if squeezed.hasPrefix("五") || squeezed.hasPrefix("六") || squeezed.contains("存在的主要问题") || number > start + 12 { break }
                let plain = line.replacingOccurrences(of: #"\]\([^)]*\)"#, with: "", options: .regularExpression)
                let values = plain.matches(of: #/\d+/#).compactMap { Int($0.output) }
                guard values.count >= 5, values.count % 5 == 0 else { continue }
                for group in stride(from: 0, to: values.count, by: 5) {
                    let parts = Array(values[group..<(group + 4)]), total = values[group + 4]
                    claim("表四：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计", line: number, ok: parts.reduce(0, +) == total,
                          "\(parts.map(String.init).joined(separator: " + ")) = \(parts.reduce(0, +))，总计 \(total)")
                }
            }
        }
        return (claims, Set(found.values.map(\.line)))
    }

    typealias Claim = ReportChecker.Claim
}
