import Vapor

/// Numbers taken from a request, bounded before anything computes with them: a year or a page
/// number from a query string must never reach arithmetic that can overflow (`year + 1`, an offset).
public enum RequestNumbers {
    /// Years the platform's records can have.
    public static let years = 1949...2200
    /// Pages a list can be asked for (200 rows a page at most: far beyond any list).
    public static let pages = 1...100_000

    /// An integer within `range`, or nil for anything else (absent, not a number, out of range).
    public static func int(_ text: String?, in range: ClosedRange<Int>) -> Int? {
        guard let text, let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else { return nil }
        return value
    }

    public static func year(_ text: String?) -> Int? { int(text, in: years) }
}

extension Request {
    /// `?year=` when it is a year the platform can hold; nil otherwise.
    public func queryYear(_ key: String = "year") -> Int? {
        RequestNumbers.year(query[String.self, at: key])
    }

    /// An integer query parameter within `range`; nil otherwise.
    public func queryInt(_ key: String, in range: ClosedRange<Int>) -> Int? {
        RequestNumbers.int(query[String.self, at: key], in: range)
    }
}
