import Foundation

/// A sheet read from an uploaded file: the header row and the data rows, as text.
public struct ImportTable: Sendable, Equatable {
    public var headers: [String] { didSet { index = Self.index(headers) } }
    public var rows: [[String]]
    /// Each trimmed header's first column: a ledger of 20,000 rows asks for it a million times.
    private var index: [String: Int]

    public init(headers: [String], rows: [[String]]) {
        self.headers = headers
        self.rows = rows
        index = Self.index(headers)
    }

    private static func index(_ headers: [String]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, header) in headers.enumerated() {
            let key = header.trimmingCharacters(in: .whitespaces)
            if index[key] == nil { index[key] = position }
        }
        return index
    }

    /// The spreadsheet row number of data row `index` (the header is row 1).
    public static func rowNumber(_ index: Int) -> Int { index + 2 }

    public func column(_ header: String) -> Int? { index[header] }

    public func value(_ row: [String], _ header: String) -> String {
        guard let index = column(header), index < row.count else { return "" }
        return row[index].trimmedCell
    }
}

extension String {
    /// The text without leading and trailing white space and line breaks; as it is (no copy) when
    /// it has none, as nearly every spreadsheet cell.
    public var trimmedCell: String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return self }
        if !first.properties.isWhitespace && !last.properties.isWhitespace { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The text with each "/" as "-" (a spreadsheet's 2025/3/1 as 2025-3-1); as it is when it has none.
    public var slashesAsDashes: String {
        guard utf8.contains(UInt8(ascii: "/")) else { return self }
        return String(decoding: utf8.map { $0 == UInt8(ascii: "/") ? UInt8(ascii: "-") : $0 }, as: UTF8.self)
    }
}

public enum ImportFileError: Error, CustomStringConvertible {
    case notUTF8
    case unreadable(String)
    case empty

    public var description: String {
        switch self {
        case .notUTF8: "文件不是UTF-8编码：请在Excel中“另存为”选择“CSV UTF-8（逗号分隔）”，或直接上传XLSX文件"
        case .unreadable(let reason): "无法读取文件：\(reason)"
        case .empty: "文件没有表头或数据行"
        }
    }
}

/// Reads CSV (RFC 4180, UTF-8 with or without BOM), XLSX (the first worksheet) and JSON (an array of
/// objects whose keys are the column headers: what a province system sends through the API).
public enum TableReader {
    public static func read(_ data: Data, filename: String) throws -> ImportTable {
        let isZip = data.starts(with: [0x50, 0x4B, 0x03, 0x04])
        let table: ImportTable
        if isZip || filename.lowercased().hasSuffix(".xlsx") {
            table = try XLSXReader.read(data)
        } else if filename.lowercased().hasSuffix(".json") || JSONTableReader.looksLikeJSON(data) {
            table = try JSONTableReader.read(data)
        } else {
            table = try CSVReader.read(data)
        }
        guard !table.headers.isEmpty else { throw ImportFileError.empty }
        try refuseNUL(in: table)
        return table
    }

    /// A NUL character (U+0000) in a header or cell fails the file with its row and column named:
    /// PostgreSQL cannot store one, and no ledger holds one on purpose (`NullCharacter`).
    static func refuseNUL(in table: ImportTable) throws {
        func hasNUL(_ text: String) -> Bool { text.utf8.contains(0) }
        if let header = table.headers.first(where: hasNUL) {
            throw ImportFileError.unreadable("表头“\(header.replacingOccurrences(of: "\u{0}", with: "\\0"))”\(NullCharacter.rule)")
        }
        for (position, cells) in table.rows.enumerated() {
            guard let column = cells.firstIndex(where: hasNUL) else { continue }
            let header = column < table.headers.count ? table.headers[column] : "第\(column + 1)列"
            throw ImportFileError.unreadable("第\(ImportTable.rowNumber(position))行“\(header)”\(NullCharacter.rule)")
        }
    }
}

/// A JSON array of flat objects as a table: the headers are the keys in the order first met, each
/// value as text (numbers as written, true/false as 是/否, null as empty). Nested values are refused
/// with the row and key named, so nothing is silently dropped.
public enum JSONTableReader {
    /// Starts (after white space and a BOM) with `[`: a CSV's first cell cannot.
    static func looksLikeJSON(_ data: Data) -> Bool {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[")
    }

    public static func read(_ data: Data) throws -> ImportTable {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let value: Any
        do { value = try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]) } catch {
            throw ImportFileError.unreadable("不是有效的JSON")
        }
        guard let objects = value as? [Any] else { throw ImportFileError.unreadable("JSON应为对象数组：[{\"列名\": \"值\"}, …]") }
        var headers: [String] = [], positions: [String: Int] = [:]
        var rows: [[String: String]] = []
        for (index, element) in objects.enumerated() {
            guard let object = element as? [String: Any] else { throw ImportFileError.unreadable("第\(index + 1)个元素不是对象") }
            var row: [String: String] = [:]
            // Keys sorted so that the header order does not depend on the dictionary's.
            for key in object.keys.sorted() {
                let header = key.trimmingCharacters(in: .whitespaces)
                guard let text = cell(object[key]!) else { throw ImportFileError.unreadable("第\(index + 1)个对象的“\(key)”不是文字、数字、布尔值或null") }
                if positions[header] == nil { positions[header] = headers.count; headers.append(header) }
                row[header] = text
            }
            rows.append(row)
        }
        guard !headers.isEmpty else { throw ImportFileError.empty }
        return ImportTable(headers: headers, rows: rows.map { row in headers.map { row[$0] ?? "" } })
    }

    static func cell(_ value: Any) -> String? {
        switch value {
        case is NSNull: return ""
        case let text as String: return text
        case let number as NSNumber:
            // JSONSerialization gives true and false as numbers of type `char` ("c"); no JSON number is one.
            if String(cString: number.objCType) == "c" { return number.boolValue ? "是" : "否" }
            return number.stringValue
        default: return nil
        }
    }
}

public enum CSVReader {
    public static func read(_ data: Data) throws -> ImportTable {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) else { throw ImportFileError.notUTF8 }
        var records = parse(text)
        while let last = records.last, last.allSatisfy({ $0.isEmpty }) { records.removeLast() }
        guard let header = records.first else { throw ImportFileError.empty }
        let rows = records.dropFirst().filter { !$0.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        return ImportTable(headers: header.map { $0.trimmingCharacters(in: .whitespaces) }, rows: rows.map { $0.map(unescapeFormula) })
    }

    /// The export's guard against formula injection (`'` before = + - @ or before a leading `'`) taken off again, so an
    /// exported ledger imports back to the values it was written from.
    static func unescapeFormula(_ cell: String) -> String {
        guard cell.hasPrefix("'"), let next = cell.dropFirst().first, "=+-@'".contains(next) else { return cell }
        return String(cell.dropFirst())
    }

    /// RFC 4180: fields separated by commas, quoted fields may hold commas, quotes ("") and
    /// line breaks; records end with CRLF or LF.
    public static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: inQuotes = true
            case ",":
                record.append(field)
                field = ""
            case "\r":
                if pending == "\n" { pending = iterator.next() }
                record.append(field)
                records.append(record)
                record = []
                field = ""
            case "\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }

    /// Writes rows as CSV with a BOM, so Excel opens the Chinese text correctly.
    public static func write(headers: [String], rows: [[String]]) -> Data {
        func escape(_ value: String) -> String {
            var safe = value
            // A leading = + - @ would make Excel evaluate the cell (CSV injection). A leading ' is
            // doubled too, so the reader can tell the guard from a value that starts with ' .
            if let first = safe.first, "=+-@'".contains(first) { safe = "'" + safe }
            // By scalar: "\r\n" is one Character, equal to neither "\r" nor "\n" (found by ReaderFuzzTests).
            if safe.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return safe
        }
        var text = headers.map(escape).joined(separator: ",") + "\r\n"
        for row in rows {
            text += row.map(escape).joined(separator: ",") + "\r\n"
        }
        return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
    }
}
