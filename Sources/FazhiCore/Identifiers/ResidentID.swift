/// 居民身份证号码 (resident ID number), GB 11643-1999: 17 digits and a check character
/// (0–9 or X) computed with the weights 2^(17-i) mod 11. Personal data: store it only through
/// ``PersonalDataCipher`` and show it only masked.
public struct ResidentID: Sendable, Hashable {
    public let value: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checks: [Character] = Array("10X98765432")

    public init(_ raw: String, field: String = "idNumber") throws(ValidationFailure) {
        let code = raw.trimmingCharacters(in: .whitespaces).uppercased()
        func fail(_ message: String) -> ValidationFailure {
            ValidationFailure(field: field, label: "居民身份证号码", message: message)
        }
        let chars = Array(code)
        guard chars.count == 18 else { throw fail("应为18位，实际为\(chars.count)位（GB 11643-1999）") }
        guard chars[0..<17].allSatisfy(\.isASCIIDigit) else { throw fail("前17位应为数字") }
        let expected = Self.checkCharacter(Array(chars[0..<17]))
        guard chars[17] == expected else {
            throw fail("校验码错误：按GB 11643-1999计算，第18位应为“\(expected)”")
        }
        self.value = code
    }

    static func checkCharacter(_ digits: [Character]) -> Character {
        var sum = 0
        for (index, char) in digits.enumerated() {
            sum += (char.wholeNumberValue ?? 0) * weights[index]
        }
        return checks[sum % 11]
    }

    /// Completes a 17-digit prefix with its check character (used to make demo data).
    public static func completing(_ prefix: String) -> String? {
        let chars = Array(prefix)
        guard chars.count == 17, chars.allSatisfy(\.isASCIIDigit) else { return nil }
        return prefix + String(checkCharacter(chars))
    }
}
