/// A small HTML builder that escapes every text and attribute value by default, so data from
/// records can never become markup. Only ``Node/trusted(_:)`` takes markup as is, and it is given
/// only constants written in this codebase or markup this builder rendered itself, with every text
/// escaped (`NavigationCache` keeps the side navigation so, `FazhiServices.portalServices` the
/// public services list).
///
/// We chose this over Plot (docs/architecture.md names it as an option): Plot's typed contexts have no
/// ARIA attributes and forbid forms inside table cells, which accessible list pages need, and the
/// whole builder is this file.
///
/// Not `indirect`: the children are already behind their array's buffer, so a node is stored in its
/// parent's array as it is, and a text or element costs no box of its own. A list page builds and
/// frees some thousand nodes; their boxes were a few percent of its CPU (`perf`, issue 16, stop 34).
public enum Node: Sendable {
    case element(String, [Attribute], [Node])
    /// An element whose only child is a text (a table cell, a link, an option): one array fewer
    /// than `.element(name, attributes, [.text(text)])`, which renders the same.
    case textElement(String, [Attribute], String)
    case void(String, [Attribute])
    case text(String)
    case trusted(String)
    case group([Node])

    public static let empty = Node.group([])

    public func render() -> String {
        var output: [UInt8] = []
        render(into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Writes the markup as UTF-8 bytes. A page is some thousand small pieces: appending them to a
    /// `String` kept its count and flags up to date on every append, and a NIO `ByteBuffer` checks
    /// its storage's uniqueness, capacity and exclusive access on each; a byte array appends a
    /// string's bytes with one copy.
    func render(into output: inout [UInt8]) {
        switch self {
        case .element(let name, let attributes, let children):
            output.append(UInt8(ascii: "<"))
            output.append(contentsOf: name.utf8)
            for attribute in attributes { attribute.render(into: &output) }
            output.append(UInt8(ascii: ">"))
            for child in children { child.render(into: &output) }
            output.append(UInt8(ascii: "<"))
            output.append(UInt8(ascii: "/"))
            output.append(contentsOf: name.utf8)
            output.append(UInt8(ascii: ">"))
        case .textElement(let name, let attributes, let text):
            output.append(UInt8(ascii: "<"))
            output.append(contentsOf: name.utf8)
            for attribute in attributes { attribute.render(into: &output) }
            output.append(UInt8(ascii: ">"))
            writeEscapedHTML(text, into: &output)
            output.append(UInt8(ascii: "<"))
            output.append(UInt8(ascii: "/"))
            output.append(contentsOf: name.utf8)
            output.append(UInt8(ascii: ">"))
        case .void(let name, let attributes):
            output.append(UInt8(ascii: "<"))
            output.append(contentsOf: name.utf8)
            for attribute in attributes { attribute.render(into: &output) }
            output.append(UInt8(ascii: ">"))
        case .text(let text):
            writeEscapedHTML(text, into: &output)
        case .trusted(let markup):
            output.append(contentsOf: markup.utf8)
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

    func render(into output: inout [UInt8]) {
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: name.utf8)
        if let value {
            output.append(UInt8(ascii: "="))
            output.append(UInt8(ascii: "\""))
            writeEscapedHTML(value, into: &output)
            output.append(UInt8(ascii: "\""))
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

/// `escapeHTML` written into a byte array: the five characters are ASCII, so the UTF-8 bytes are
/// escaped one by one and every other byte is copied in runs.
func writeEscapedHTML(_ text: String, into output: inout [UInt8]) {
    let escaped: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
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
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
            replacement.withUTF8Buffer { output.append(contentsOf: $0) }
            run = index + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
    }
    if escaped == nil { writeEscapedHTML(String(decoding: Array(text.utf8), as: UTF8.self), into: &output) }
}

/// Element shorthands: `el("p", [.cls("hint")], [.text("…")])`.
public func el(_ name: String, _ attributes: [Attribute] = [], _ children: [Node] = []) -> Node {
    .element(name, attributes, children)
}

public func el(_ name: String, _ attributes: [Attribute] = [], text: String) -> Node {
    .textElement(name, attributes, text)
}

public func link(_ title: String, _ href: String, _ attributes: [Attribute] = []) -> Node {
    .textElement("a", attributes.isEmpty ? [.href(href)] : [.href(href)] + attributes, title)
}
