/// How personal data is shown in lists and exports (security.md, "Personal data").
public enum Masking {
    /// `420102********1234`: the region code and the last four characters stay.
    public static func residentID(_ value: String) -> String {
        let chars = Array(value)
        guard chars.count > 10 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(6)) + String(repeating: "*", count: chars.count - 10) + String(chars.suffix(4))
    }

    /// `138****1234` for a mobile number; other numbers keep their first three and last four.
    public static func phone(_ value: String) -> String {
        let chars = Array(value)
        guard chars.count > 7 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 7) + String(chars.suffix(4))
    }

    /// A natural person's name: the family name stays (`张**`).
    public static func personName(_ value: String) -> String {
        let chars = Array(value)
        guard let first = chars.first else { return "" }
        return String(first) + String(repeating: "*", count: max(chars.count - 1, 1))
    }

    /// An address: the first six characters stay (usually province, city and district).
    public static func address(_ value: String) -> String {
        let chars = Array(value)
        guard chars.count > 6 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(6)) + "****"
    }
}
