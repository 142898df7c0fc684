import FluentPostgresDriver
import Foundation
import NIOCore
import Vapor

/// A NUL character (U+0000) in submitted text is refused where a request's text is read, with the
/// field named (422, like any other field error).
///
/// Why: PostgreSQL cannot store it in text at all (`invalid byte sequence for encoding "UTF8":
/// 0x00`, SQLSTATE 22021), so a `%00` in a login name, a form field or a list filter answered 500
/// there; SQLite stored it, and its driver then read the text back cut short at the NUL. No
/// legitimate text of this platform holds one. Checked in three places, so no module has to:
/// the query string (`NullCharacterGuard`), form, JSON and multipart bodies (the content decoders
/// `NullCharacter.install` wraps: a multipart body's decoded texts, not its bytes, since its files are
/// binary), and imported tables (`TableReader.read`). If a NUL still reaches PostgreSQL (a path
/// parameter), `ErrorResponder` answers 422 with `NullCharacter.rule` instead of 500.
public enum NullCharacter {
    public static let rule = "不能包含空字符（U+0000），请删除后重新提交"

    /// The refusal for `field`.
    public static func failure(field: String) -> ValidationFailure {
        ValidationFailure(field: field, label: field, message: rule)
    }

    /// Whether PostgreSQL refused a text for its NUL (SQLSTATE 22021, `character_not_in_repertoire`).
    static func isPostgresRefusal(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "22021"
    }

    /// The name of the first pair of form-encoded text (`a=1&b=%00`, a query string or a form body)
    /// whose name or value holds a NUL, raw or escaped as `%00`; nil when none does. The name is
    /// decoded as the form decoder decodes it (`+` as a space); a NUL in the name itself is shown as `\0`.
    public static func field(inFormEncoded bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var pairStart = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "&") {
                pairStart = index + 1
            } else if byte == 0 || (byte == UInt8(ascii: "%") && index + 2 < count && bytes[index + 1] == UInt8(ascii: "0") && bytes[index + 2] == UInt8(ascii: "0")) {
                var end = pairStart
                while end < count, bytes[end] != UInt8(ascii: "="), bytes[end] != UInt8(ascii: "&") { end += 1 }
                let raw = String(decoding: UnsafeBufferPointer(rebasing: bytes[pairStart..<end]), as: UTF8.self).replacingOccurrences(of: "+", with: " ")
                let name = (raw.removingPercentEncoding ?? raw).replacingOccurrences(of: "\u{0}", with: "\\0")
                return name.isEmpty ? "（无名字段）" : name
            }
            index += 1
        }
        return nil
    }

    public static func field(inFormEncoded text: String) -> String? {
        var text = text
        return text.withUTF8 { field(inFormEncoded: $0) }
    }

    /// The path (`party.name`, `rows[2].note`) of the first string of a JSON text that holds a NUL
    /// (written `\u0000`; a raw NUL byte is not JSON and fails to decode anyway); nil when none does.
    /// The text is parsed only when the escape occurs in it.
    public static func field(inJSON bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard containsEscapedNUL(bytes) else { return nil }
        guard let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else { return "请求内容" }
        return field(inDecoded: value) ?? "请求内容"
    }

    /// `\u0000` whose backslash is not itself escaped (`\\u0000` is a backslash and the text `u0000`).
    static func containsEscapedNUL(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            guard bytes[index] == UInt8(ascii: "\\") else { index += 1; continue }
            // A backslash escapes the next character, whatever it is.
            if index + 5 < count, bytes[index + 1] == UInt8(ascii: "u"),
               bytes[index + 2] == UInt8(ascii: "0"), bytes[index + 3] == UInt8(ascii: "0"),
               bytes[index + 4] == UInt8(ascii: "0"), bytes[index + 5] == UInt8(ascii: "0") {
                return true
            }
            index += 2
        }
        return false
    }

    /// Wraps the global form, JSON and multipart decoders (once, however many applications are configured in
    /// one process) so that a body is scanned before it is decoded.
    public static func install() {
        let lock = installLock
        lock.lock()
        defer { lock.unlock() }
        for (mediaType, scan) in [(HTTPMediaType.urlEncodedForm, Scan.formEncoded), (.json, .json), (.formData, .decodedText)] {
            guard let base = try? ContentConfiguration.global.requireDecoder(for: mediaType), !(base is CheckingDecoder) else { continue }
            ContentConfiguration.global.use(decoder: CheckingDecoder(base: base, scan: scan), for: mediaType)
        }
    }

    private static let installLock = NSLock()

    enum Scan: Sendable {
        case formEncoded, json
        /// A multipart body is not scanned as bytes (its files are binary): its decoded value's
        /// texts are, by `field(inDecoded:)`.
        case decodedText

        func field(in body: ByteBuffer) -> String? {
            let scan: (UnsafeBufferPointer<UInt8>) -> String?
            switch self {
            case .formEncoded: scan = NullCharacter.field(inFormEncoded:)
            case .json: scan = NullCharacter.field(inJSON:)
            case .decodedText: return nil
            }
            if let found = body.readableBytesView.withContiguousStorageIfAvailable(scan) { return found }
            return Array(body.readableBytesView).withUnsafeBufferPointer(scan)
        }
    }

    /// A decoder that refuses a body holding a NUL, then decodes with the one it wraps.
    struct CheckingDecoder: ContentDecoder {
        let base: any ContentDecoder
        let scan: Scan

        func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
            try decode(D.self, from: body, headers: headers, userInfo: [:])
        }

        func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders, userInfo: [CodingUserInfoKey: any Sendable]) throws -> D {
            if let field = scan.field(in: body) { throw NullCharacter.failure(field: field) }
            let value = try base.decode(D.self, from: body, headers: headers, userInfo: userInfo)
            if case .decodedText = scan, let field = NullCharacter.field(inDecoded: value) { throw NullCharacter.failure(field: field) }
            return value
        }
    }

    /// The name (`note`, `rows[2]`, `party.name`) of the first text a decoded value holds with a
    /// NUL in it, walked by reflection: its stored properties, array elements and dictionary values,
    /// to a depth of 8. Other values (numbers, dates, an uploaded file's bytes) are not texts. Used
    /// for a decoded multipart form and for a parsed JSON body alike.
    public static func field(inDecoded value: Any, path: String = "", depth: Int = 0) -> String? {
        if let text = value as? String { return text.utf8.contains(0) ? (path.isEmpty ? "请求内容" : path) : nil }
        guard depth < 8 else { return nil }
        if let dictionary = value as? [String: Any] {
            for key in dictionary.keys.sorted() {
                let here = path.isEmpty ? key : path + "." + key
                if key.utf8.contains(0) { return here.replacingOccurrences(of: "\u{0}", with: "\\0") }
                if let found = field(inDecoded: dictionary[key]!, path: here, depth: depth + 1) { return found }
            }
            return nil
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct, .class, .optional, .collection, .set, .tuple:
            for (index, child) in mirror.children.enumerated() {
                let here: String
                switch mirror.displayStyle {
                case .optional: here = path
                case .collection, .set: here = "\(path)[\(index)]"
                default:
                    // A property wrapper's storage is `_name`: the form's field is `name`.
                    let label = child.label.map { $0.hasPrefix("_") ? String($0.dropFirst()) : $0 } ?? "\(index)"
                    here = path.isEmpty ? label : path + "." + label
                }
                if let found = field(inDecoded: child.value, path: here, depth: depth + 1) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}

/// Refuses a query string holding a NUL (`?q=%00`) before any route reads it: list filters are
/// read by hand (`ListQuery`), not through a decoder. On futures, as the other middleware every
/// request passes (see `SecurityHeaders`).
public struct NullCharacterGuard: Middleware {
    public init() {}

    public func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        if let query = req.url.query, let field = NullCharacter.field(inFormEncoded: query) {
            return req.eventLoop.makeFailedFuture(NullCharacter.failure(field: field))
        }
        return next.respond(to: req)
    }
}
