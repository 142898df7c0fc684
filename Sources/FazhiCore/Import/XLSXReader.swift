import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the first worksheet of an XLSX file (Office Open XML, ECMA-376): the shared strings and
/// the cells of `xl/worksheets/sheet1.xml`, as text. Enough for the ledgers departments keep; it
/// does not evaluate formulas (it reads their cached values).
public enum XLSXReader {
    public static func read(_ data: Data) throws -> ImportTable {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw ImportFileError.unreadable("不是有效的XLSX文件")
        }
        func entry(_ path: String) throws -> Data? {
            guard let item = archive[path] else { return nil }
            var output = Data()
            _ = try archive.extract(item, skipCRC32: false) { output.append($0) }
            return output
        }
        let shared = try entry("xl/sharedStrings.xml").map(SharedStringsParser.parse) ?? []
        let sheetPath = try firstSheetPath(archive: archive, entry: entry) ?? "xl/worksheets/sheet1.xml"
        guard let sheet = try entry(sheetPath) else {
            throw ImportFileError.unreadable("找不到第一个工作表")
        }
        let grid = try SheetParser.parse(sheet, sharedStrings: shared)
        guard let header = grid.first else { throw ImportFileError.empty }
        let width = header.count
        let rows = grid.dropFirst()
            .map { row in row.count < width ? row + Array(repeating: "", count: width - row.count) : row }
            .filter { !$0.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        return ImportTable(headers: header.map { $0.trimmingCharacters(in: .whitespaces) }, rows: rows)
    }

    static func firstSheetPath(archive: Archive, entry: (String) throws -> Data?) throws -> String? {
        guard let workbook = try entry("xl/workbook.xml"), let rels = try entry("xl/_rels/workbook.xml.rels") else { return nil }
        let sheetRelation = AttributeCollector.first(in: workbook, element: "sheet", attribute: "r:id")
        guard let relation = sheetRelation else { return nil }
        let targets = AttributeCollector.all(in: rels, element: "Relationship")
        guard let target = targets.first(where: { $0["Id"] == relation })?["Target"] else { return nil }
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        return "xl/" + target
    }
}

/// Column letters to a zero-based index: A → 0, Z → 25, AA → 26.
func columnIndex(fromCellReference reference: String) -> Int? {
    var index = 0
    var sawLetter = false
    for scalar in reference.unicodeScalars {
        guard scalar.value >= 65, scalar.value <= 90 else { break }
        index = index * 26 + Int(scalar.value - 64)
        sawLetter = true
    }
    return sawLetter ? index - 1 : nil
}

final class SharedStringsParser: NSObject, XMLParserDelegate {
    private var strings: [String] = []
    private var current = ""
    private var inText = false
    private var inPhonetic = false

    static func parse(_ data: Data) throws -> [String] {
        let delegate = SharedStringsParser()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else { throw ImportFileError.unreadable("共享字符串（xl/sharedStrings.xml）不是有效的XML") }
        return delegate.strings
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }
}

final class SheetParser: NSObject, XMLParserDelegate {
    private let shared: [String]
    private var rows: [[String]] = []
    private var row: [String] = []
    private var cellColumn = 0
    private var cellType = ""
    private var value = ""
    private var capturing = false

    init(shared: [String]) { self.shared = shared }

    static func parse(_ data: Data, sharedStrings: [String]) throws -> [[String]] {
        let delegate = SheetParser(shared: sharedStrings)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else { throw ImportFileError.unreadable("工作表不是有效的XML") }
        return delegate.rows
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "row": row = []
        case "c":
            cellColumn = attributes["r"].flatMap(columnIndex(fromCellReference:)) ?? row.count
            cellType = attributes["t"] ?? ""
            value = ""
        case "v", "t":
            capturing = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t": capturing = false
        case "c":
            var text = value
            if cellType == "s", let index = Int(value), index < shared.count { text = shared[index] }
            if cellType == "b" { text = value == "1" ? "TRUE" : "FALSE" }
            if cellType.isEmpty || cellType == "n", text.hasSuffix(".0") { text.removeLast(2) }
            while row.count < cellColumn { row.append("") }
            if row.count == cellColumn { row.append(text) } else { row[cellColumn] = text }
        case "row":
            rows.append(row)
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if capturing { value += string }
    }
}

final class AttributeCollector: NSObject, XMLParserDelegate {
    private let element: String
    private var found: [[String: String]] = []

    init(element: String) { self.element = element }

    /// The attributes of every `element` before the first malformed byte, if any: a damaged
    /// workbook index falls back to the conventional first sheet.
    static func all(in data: Data, element: String) -> [[String: String]] {
        let delegate = AttributeCollector(element: element)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        _ = parser.parse()
        return delegate.found
    }

    static func first(in data: Data, element: String, attribute: String) -> String? {
        all(in: data, element: element).first?[attribute]
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == element || qualifiedName == element { found.append(attributes) }
    }
}
