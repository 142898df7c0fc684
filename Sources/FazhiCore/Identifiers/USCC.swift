/// 统一社会信用代码 (unified social credit code), GB 32100-2015.
///
/// 18 characters: registration authority (1), organisation type (1), administrative division
/// code (6 digits), organisation code (9), check character (1). The character set is the digits and
/// the capital letters without I, O, Z, S and V; the check character is computed with the weights
/// 3^i mod 31 (GB 32100-2015 §4.2 and Appendix B).
public struct USCC: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public var description: String { value }

    /// Validates a code; the thrown message says which rule failed, in Chinese.
    public init(_ raw: String, field: String = "uscc") throws(ValidationFailure) {
        let code = raw.trimmingCharacters(in: .whitespaces).uppercased()
        func fail(_ message: String) -> ValidationFailure {
            ValidationFailure(field: field, label: "统一社会信用代码", message: message)
        }
        let chars = Array(code)
        guard chars.count == 18 else {
            throw fail("应为18位，实际为\(chars.count)位（GB 32100-2015）")
        }
        var values: [Int] = []
        for (index, char) in chars.enumerated() {
            guard let value = Self.alphabet.firstIndex(of: char) else {
                throw fail("第\(index + 1)位字符“\(char)”不合法：只能使用数字和除I、O、Z、S、V以外的大写字母（GB 32100-2015）")
            }
            values.append(value)
        }
        guard chars[2..<8].allSatisfy(\.isASCIIDigit) else {
            throw fail("第3至8位应为行政区划代码（6位数字）")
        }
        let expected = Self.checkCharacter(for: values[0..<17])
        guard chars[17] == expected else {
            throw fail("校验位错误：按GB 32100-2015计算，第18位应为“\(expected)”，实际为“\(chars[17])”")
        }
        self.value = code
    }

    /// The check character for the first 17 character values.
    static func checkCharacter(for values: ArraySlice<Int>) -> Character {
        var sum = 0
        for (offset, value) in values.enumerated() {
            sum += value * weights[offset]
        }
        let check = (31 - sum % 31) % 31
        return alphabet[check]
    }

    /// Completes a 17-character prefix with its check character (used to make demo data).
    public static func completing(_ prefix: String) -> String? {
        let chars = Array(prefix.uppercased())
        guard chars.count == 17 else { return nil }
        var values: [Int] = []
        for char in chars {
            guard let value = alphabet.firstIndex(of: char) else { return nil }
            values.append(value)
        }
        return prefix.uppercased() + String(checkCharacter(for: values[...]))
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
