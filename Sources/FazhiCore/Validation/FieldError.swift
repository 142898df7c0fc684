/// One broken rule on one field, told to the user in Chinese.
///
/// `field` is the machine name (the form field or the import column), `label` the Chinese name the
/// user sees, `message` the rule in Chinese. The UI shows `message` next to the field; imports and
/// the API show `text`.
public struct FieldError: Error, Sendable, Equatable, Codable {
    public var field: String
    public var label: String
    public var message: String

    public init(field: String, label: String, message: String) {
        self.field = field
        self.label = label
        self.message = message
    }

    public var text: String { "\(label)：\(message)" }
}

/// Every rule an input broke at once, so a form or a row can show them all together.
public struct ValidationFailure: Error, Sendable, Equatable {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }

    public init(field: String, label: String, message: String) {
        self.errors = [FieldError(field: field, label: label, message: message)]
    }

    public var summary: String { errors.map(\.text).joined(separator: "；") }

    public func message(for field: String) -> String? {
        errors.first { $0.field == field }?.message
    }
}

/// Collects field errors while a form or a row is checked, then throws them together.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ label: String, _ message: String) {
        errors.append(FieldError(field: field, label: label, message: message))
    }

    /// Trims a required text field and records an error when it is empty or too long.
    public mutating func required(_ value: String?, field: String, label: String, maxLength: Int = 200) -> String {
        let trimmed = (value ?? "").trimmedCell
        if trimmed.isEmpty {
            add(field, label, "不能为空")
        } else if trimmed.count > maxLength {
            add(field, label, "不能超过\(maxLength)个字符")
        }
        return trimmed
    }

    /// Trims an optional text field; nil when it is empty.
    public mutating func optional(_ value: String?, field: String, label: String, maxLength: Int = 200) -> String? {
        let trimmed = (value ?? "").trimmedCell
        if trimmed.isEmpty { return nil }
        if trimmed.count > maxLength { add(field, label, "不能超过\(maxLength)个字符") }
        return trimmed
    }

    public func check() throws {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}
