import NIOCore

/// A small HTML builder that escapes every text and attribute value by default, so data from
/// records can never become markup. Only ``Node/trusted(_:)`` takes markup as is, and it is given
/// only constants written in this codebase.
///
/// We chose this over Plot (docs/architecture.md names it as an option): Plot's typed contexts have no
/// ARIA attributes and forbid forms inside table cells, which accessible list pages need, and the
/// whole builder is this file.
public indirect enum Node: Sendable {
    case element(String, [Attribute], [Node])
    case void(String, [Attribute])
    case text(String)
    case trusted(String)
    case group([Node])

    public static let empty = Node.group([])

    public func render() -> String {
        var output = ByteBuffer()
        render(into: &output)
        return String(buffer: output)
    }

    /// Writes the markup as UTF-8 bytes straight into a response buffer. A page is some thousand
    /// small pieces; appending them to a `String` kept its count and flags up to date on every
    /// append, which made rendering a third of a simple page's time.
    func render(into output: inout ByteBuffer) {
        switch self {
        case .element(let name, let attributes, let children):
            output.writeInteger(UInt8(ascii: "<"))
            output.writeString(name)
            for attribute in attributes { attribute.render(into: &output) }
            output.writeInteger(UInt8(ascii: ">"))
            for child in children { child.render(into: &output) }
            output.writeStaticString("</")
            output.writeString(name)
            output.writeInteger(UInt8(ascii: ">"))
        case .void(let name, let attributes):
            output.writeInteger(UInt8(ascii: "<"))
            output.writeString(name)
            for attribute in attributes { attribute.render(into: &output) }
            output.writeInteger(UInt8(ascii: ">"))
        case .text(let text):
            writeEscapedHTML(text, into: &output)
        case .trusted(let markup):
            output.writeString(markup)
        case .group(let nodes):
            for node in nodes { node.render(into: &output) }
        }
    }
}

public struct Attribute: Sendable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String?) {
        self.name = name
        self.value = value
    }

    func render(into output: inout ByteBuffer) {
        output.writeInteger(UInt8(ascii: " "))
        output.writeString(name)
        if let value {
            output.writeStaticString("=\"")
            writeEscapedHTML(value, into: &output)
            output.writeInteger(UInt8(ascii: "\""))
        }
    }

    public static func cls(_ value: String) -> Attribute { Attribute("class", value) }
    public static func id(_ value: String) -> Attribute { Attribute("id", value) }
    public static func href(_ value: String) -> Attribute { Attribute("href", value) }
    public static func name(_ value: String) -> Attribute { Attribute("name", value) }
    public static func value(_ value: String) -> Attribute { Attribute("value", value) }
    public static func type(_ value: String) -> Attribute { Attribute("type", value) }
    public static func aria(_ name: String, _ value: String) -> Attribute { Attribute("aria-" + name, value) }
    public static func flag(_ name: String) -> Attribute { Attribute(name, nil) }
}

public func escapeHTML(_ text: String) -> String {
    // Most text has nothing to escape: one pass over its bytes, no new string.
    if !text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) { return text }
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": output += "&amp;"
        case "<": output += "&lt;"
        case ">": output += "&gt;"
        case "\"": output += "&quot;"
        case "'": output += "&#39;"
        default: output.unicodeScalars.append(scalar)
        }
    }
    return output
}

/// `escapeHTML` written into a buffer: the five characters are ASCII, so the UTF-8 bytes are
/// escaped one by one and every other byte is copied in runs.
func writeEscapedHTML(_ text: String, into output: inout ByteBuffer) {
    var text = text
    text.withUTF8 { bytes in
        var run = 0
        for index in bytes.indices {
            let replacement: StaticString
            switch bytes[index] {
            case 0x26: replacement = "&amp;"
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x22: replacement = "&quot;"
            case 0x27: replacement = "&#39;"
            default: continue
            }
            output.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[run..<index])))
            output.writeStaticString(replacement)
            run = index + 1
        }
        output.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[run...])))
    }
}

/// Element shorthands: `el("p", [.cls("hint")], [.text("…")])`.
public func el(_ name: String, _ attributes: [Attribute] = [], _ children: [Node] = []) -> Node {
    .element(name, attributes, children)
}

public func el(_ name: String, _ attributes: [Attribute] = [], text: String) -> Node {
    .element(name, attributes, [.text(text)])
}

public func link(_ title: String, _ href: String, _ attributes: [Attribute] = []) -> Node {
    .element("a", [.href(href)] + attributes, [.text(title)])
}
