import Foundation

/// How personal data is shown in lists and exports (docs/security.md, "Personal data").
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

    /// How a natural person is named in anything published (`张某`): the family name and 某.
    public static func publicPersonName(_ value: String) -> String {
        guard let first = value.trimmingCharacters(in: .whitespaces).first else { return "" }
        return "\(first)某"
    }
}

/// Redaction of text meant for the public site (docs/security.md: personal data is redacted from
/// anything public). Names are replaced by `publicPersonName`, resident ID numbers and mobile
/// numbers by a note that they were removed.
public enum Redaction {
    public static let idRemoved = "［身份证号码已隐去］"
    public static let phoneRemoved = "［电话号码已隐去］"

    public static func publicText(_ text: String, personNames: [String]) -> String {
        var result = text
        for name in personNames.map({ $0.trimmingCharacters(in: .whitespaces) }).filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) {
            result = result.replacingOccurrences(of: name, with: Masking.publicPersonName(name))
        }
        // Whole runs of digits only, so a longer number is never cut into an ID or a phone number.
        result = result.replacing(/[0-9]+[Xx]?/) { match in
            let run = match.output
            // Any 18-character run is treated as an ID, valid check digit or not: redaction errs on the safe side.
            if run.count == 18 { return idRemoved }
            if run.count == 11, run.first == "1", let second = run.dropFirst().first, "3456789".contains(second) { return phoneRemoved }
            return String(run)
        }
        return result
    }
}
