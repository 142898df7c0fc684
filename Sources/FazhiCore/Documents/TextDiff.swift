import Foundation

/// A line-by-line comparison of two texts (a draft and its next version), for the readable diff a
/// reviewer reads: each line of the result is kept, removed or added, in reading order.
public enum TextDiff {
    public enum Change: String, Sendable, Equatable {
        case kept, removed, added
    }

    public struct Line: Sendable, Equatable {
        public var change: Change
        public var text: String

        public init(_ change: Change, _ text: String) {
            self.change = change
            self.text = text
        }
    }

    /// The lines past which a comparison gives up its detail: a longest-common-subsequence table is
    /// lines × lines, so two 5,000-line texts are compared as "all removed, all added" instead.
    public static let maximumLines = 4_000

    /// The shortest edit from `old` to `new` by lines (longest common subsequence). Blank lines and
    /// trailing spaces are kept as written: a document's paragraphs are its lines.
    public static func lines(from old: String, to new: String) -> [Line] {
        let a = split(old), b = split(new)
        // Lines equal at both ends need no table.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let midA = Array(a[prefix..<(a.count - suffix)]), midB = Array(b[prefix..<(b.count - suffix)])
        var result = a[..<prefix].map { Line(.kept, $0) }
        if midA.count > maximumLines || midB.count > maximumLines || midA.isEmpty || midB.isEmpty {
            result += midA.map { Line(.removed, $0) } + midB.map { Line(.added, $0) }
        } else {
            result += middle(midA, midB)
        }
        result += a[(a.count - suffix)...].map { Line(.kept, $0) }
        return result
    }

    /// A text's lines (its paragraphs), as the comparison reads them.
    public static func split(_ text: String) -> [String] {
        text.isEmpty ? [] : text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
    }

    static func middle(_ a: [String], _ b: [String]) -> [Line] {
        let n = a.count, m = b.count
        // lengths[i][j]: the longest common subsequence of a[i...] and b[j...], in one flat array.
        var lengths = [Int](repeating: 0, count: (n + 1) * (m + 1))
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lengths[i * (m + 1) + j] = a[i] == b[j] ? lengths[(i + 1) * (m + 1) + j + 1] + 1
                    : max(lengths[(i + 1) * (m + 1) + j], lengths[i * (m + 1) + j + 1])
            }
        }
        var result: [Line] = []
        var i = 0, j = 0
        while i < n, j < m {
            if a[i] == b[j] {
                result.append(Line(.kept, a[i])); i += 1; j += 1
            } else if lengths[(i + 1) * (m + 1) + j] >= lengths[i * (m + 1) + j + 1] {
                result.append(Line(.removed, a[i])); i += 1
            } else {
                result.append(Line(.added, b[j])); j += 1
            }
        }
        result += a[i...].map { Line(.removed, $0) } + b[j...].map { Line(.added, $0) }
        return result
    }
}

/// Where a phrase occurs in a text: the passage around the first occurrence, for a search result's
/// highlighted snippet.
public struct TextSnippet: Sendable, Equatable {
    public var before: String
    public var match: String
    public var after: String

    /// The first occurrence of `phrase` in `text` (ignoring case), with up to `context` characters
    /// either side; nil if the phrase is not there.
    public static func around(_ phrase: String, in text: String, context: Int = 40) -> TextSnippet? {
        guard !phrase.isEmpty, let range = text.range(of: phrase, options: [.caseInsensitive]) else { return nil }
        let start = text.index(range.lowerBound, offsetBy: -context, limitedBy: text.startIndex) ?? text.startIndex
        let end = text.index(range.upperBound, offsetBy: context, limitedBy: text.endIndex) ?? text.endIndex
        func flat(_ part: Substring) -> String { part.replacingOccurrences(of: "\n", with: " ") }
        return TextSnippet(before: (start > text.startIndex ? "…" : "") + flat(text[start..<range.lowerBound]), match: String(text[range]),
                           after: flat(text[range.upperBound..<end]) + (end < text.endIndex ? "…" : ""))
    }
}
