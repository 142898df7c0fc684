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

    /// Contact details a citizen typed (a phone number or anything else): a number as `phone`,
    /// otherwise as `address`.
    public static func contact(_ value: String) -> String {
        value.allSatisfy { $0.isNumber || $0 == "-" || $0 == " " } ? phone(value) : address(value)
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
/// anything public). Names of the people a record names (the party, and anyone introduced as 法定代表人,
/// 负责人, 证人 …) are replaced by `publicPersonName`; ID numbers (18 or 15 digits), mobile numbers
/// (also spaced, dashed or with +86), landlines, bank account numbers and addresses by a note that
/// they were removed. Full-width digits are read as digits. It errs on the side of removing.
public enum Redaction {
    public static let idRemoved = "［身份证号码已隐去］"
    public static let phoneRemoved = "［电话号码已隐去］"
    public static let bankRemoved = "［银行账号已隐去］"
    public static let addressRemoved = "［住址已隐去］"

    /// Full-width digits, plus, minus, parentheses and spaces as their ASCII forms.
    static func normalized(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF10...0xFF19, 0xFF0B, 0xFF0D: output.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x3000: output.append(" ")
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// Replaces each match of `pattern`, last first, with what `replacement` makes of its groups.
    static func replace(_ pattern: NSRegularExpression, in text: String, _ replacement: ([String]) -> String) -> String {
        var result = text
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
        for match in matches.reversed() {
            let groups = (0..<match.numberOfRanges).map { index -> String in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
            guard let range = Range(match.range, in: result) else { continue }
            result.replaceSubrange(range, with: replacement(groups))
        }
        return result
    }

    static let rolePerson = try! NSRegularExpression(pattern: #"(法定代表人|负责人|经营者|证人|委托代理人|代理人|联系人|监护人)([：:]|为|是)\s*(\p{Han}{2,4})"#)
    static let address = try! NSRegularExpression(pattern: #"(家庭住址|户籍地址|住址|住所地|住所|家住|现住|居住地)([：:为在]?)([^，。；,;）)\n]{2,60})"#)
    static let spacedMobile = try! NSRegularExpression(pattern: #"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])"#)
    static let landline = try! NSRegularExpression(pattern: #"(?<![0-9])(?:\(0[0-9]{2,3}\)|（0[0-9]{2,3}）|0[0-9]{2,3}[ -]?)[0-9]{7,8}(?![0-9])"#)
    static let groupedCard = try! NSRegularExpression(pattern: #"(?<![0-9])[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,3})?(?![0-9])"#)
    static let digitRun = try! NSRegularExpression(pattern: #"(?<![0-9])[0-9]+[Xx]?(?![0-9])"#)

    public static func publicText(_ text: String, personNames: [String]) -> String {
        var result = normalized(text)
        for name in personNames.map({ $0.trimmingCharacters(in: .whitespaces) }).filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) {
            result = result.replacingOccurrences(of: name, with: Masking.publicPersonName(name))
        }
        // People a text introduces by their role, a company's included.
        result = replace(rolePerson, in: result) { "\($0[1])\($0[2])\(Masking.publicPersonName($0[3]))" }
        result = replace(address, in: result) { "\($0[1])\($0[2])\(addressRemoved)" }
        // Whole runs of digits, so a longer number is never cut into an ID or a phone number.
        result = replace(digitRun, in: result) { groups in
            let run = groups[0]
            let digits = run.filter(\.isNumber).count
            // Any 18- or 15-character run is treated as an ID, valid check digit or not.
            if run.count == 18 || (run.count == 15 && digits == 15) { return idRemoved }
            if run.count == 11, run.first == "1", let second = run.dropFirst().first, "3456789".contains(second) { return phoneRemoved }
            if digits == run.count, (16...19).contains(digits) { return bankRemoved }
            if digits == run.count, run.first == "0", (10...12).contains(digits) { return phoneRemoved }
            return run
        }
        result = replace(spacedMobile, in: result) { _ in phoneRemoved }
        result = replace(landline, in: result) { _ in phoneRemoved }
        result = replace(groupedCard, in: result) { _ in bankRemoved }
        return result
    }

    static let leftover = try! NSRegularExpression(pattern: #"(身份证|证件号|电话|手机|联系方式|住址|银行|账号|卡号)[^，。；\n]{0,6}?[0-9]{4,}|(?<![0-9])[0-9]{7,}(?![0-9])"#)

    /// What in a text about to be published still looks like personal data after redaction (a
    /// number next to 电话/身份证/账号, or any run of seven or more digits): the publication is held
    /// for a person to confirm when this is not empty.
    public static func suspicious(_ text: String) -> [String] {
        let normalizedText = normalized(text)
        return leftover.matches(in: normalizedText, range: NSRange(normalizedText.startIndex..., in: normalizedText)).compactMap {
            Range($0.range, in: normalizedText).map { String(normalizedText[$0]) }
        }
    }
}
