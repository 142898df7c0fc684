/// Password rules from docs/security.md ("Accounts"), configurable as 等保 2.0 allows.
public struct PasswordPolicy: Sendable, Equatable {
    public var minimumLength: Int = 12
    /// 3 of 4 character classes (lower, upper, digit, symbol) when on.
    public var requireThreeClasses: Bool = true
    /// 0 turns expiry off.
    public var expiryDays: Int = 180
    public var historyCount: Int = 5

    /// bcrypt reads only the first 72 bytes, so a longer password would be silently cut; we refuse
    /// it instead of pre-hashing (docs/security.md explains the choice).
    public static let bcryptByteLimit = 72

    public init(minimumLength: Int = 12, requireThreeClasses: Bool = true, expiryDays: Int = 180, historyCount: Int = 5) {
        self.minimumLength = minimumLength
        self.requireThreeClasses = requireThreeClasses
        self.expiryDays = expiryDays
        self.historyCount = historyCount
    }

    /// Every rule the password breaks, as messages for the field `password`.
    public func problems(with password: String, loginName: String) -> [FieldError] {
        var errors: [FieldError] = []
        func add(_ message: String) {
            errors.append(FieldError(field: "password", label: "密码", message: message))
        }
        if password.count < minimumLength {
            add("长度至少\(minimumLength)个字符")
        }
        if password.utf8.count > Self.bcryptByteLimit {
            add("不能超过\(Self.bcryptByteLimit)字节（约24个汉字或72个英文字符）")
        }
        if requireThreeClasses {
            var classes = 0
            if password.contains(where: \.isLowercase) { classes += 1 }
            if password.contains(where: \.isUppercase) { classes += 1 }
            if password.contains(where: \.isNumber) { classes += 1 }
            if password.contains(where: { !$0.isLetter && !$0.isNumber }) { classes += 1 }
            if classes < 3 {
                add("须包含小写字母、大写字母、数字、符号中的至少三类")
            }
        }
        if !loginName.isEmpty, password.lowercased().contains(loginName.lowercased()) {
            add("不能包含登录名")
        }
        return errors
    }
}
