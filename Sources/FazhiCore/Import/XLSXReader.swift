import FazhiCalendar
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the first worksheet of an XLSX file (Office Open XML, ECMA-376): the shared strings and
/// the cells of `xl/worksheets/sheet1.xml`, as text. Enough for the ledgers departments keep; it
/// does not evaluate formulas (it reads their cached values).
extension String {
    /// Whether `data` is valid UTF-8 (a check only, without keeping the string).
    static func validatingUTF8Data(_ data: Data) -> Bool { String(data: data, encoding: .utf8) != nil }
}

public enum XLSXReader {
    /// Limits on what one upload may make the reader hold: a ledger is thousands of rows of tens of
    /// columns, so these are far beyond any real one, and far below what exhausts the server.
    public struct Limits: Sendable {
        /// Decompressed bytes of one part of the package (a zip bomb claims little and inflates much).
        public var entryBytes = 64 << 20
        public var rows = 100_000
        /// Excel's own last column is XFD (16,384); a ledger needs far fewer.
        public var columns = 256

        public init() {}
    }

    public static func read(_ data: Data, limits: Limits = Limits()) throws -> ImportTable {
        // From a temporary file, not from memory: ZIPFoundation's in-memory reader traps when a
        // damaged directory points past the end of the data (found by ReaderFuzzTests), while its
        // file reader gets a short read and throws.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fazhi-import-\(UUID().uuidString).xlsx")
        guard FileManager.default.createFile(atPath: file.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ImportFileError.unreadable("无法写入临时文件")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let archive: Archive
        do {
            archive = try Archive(url: file, accessMode: .read)
        } catch {
            throw ImportFileError.unreadable("不是有效的XLSX文件")
        }
        func entry(_ path: String) throws -> Data? {
            guard let item = archive[path] else { return nil }
            let tooLarge = ImportFileError.unreadable("文件中的“\(path)”解压后超过\(limits.entryBytes >> 20)MB，请删除多余的工作表、格式或图片后重新保存")
            guard item.uncompressedSize <= UInt64(limits.entryBytes) else { throw tooLarge }
            var output = Data()
            do {
                // The header's size can lie: count what actually comes out, and stop at the limit.
                _ = try archive.extract(item, skipCRC32: false) { chunk in
                    guard output.count + chunk.count <= limits.entryBytes else { throw tooLarge }
                    output.append(chunk)
                }
            } catch let error as ImportFileError {
                throw error
            } catch {
                throw ImportFileError.unreadable("文件中的“\(path)”已损坏")
            }
            // Foundation's XML parser traps on some malformed UTF-8 in element names (found by
            // ReaderFuzzTests): the parts of a workbook are UTF-8, so anything else is refused here.
            guard String.validatingUTF8Data(output) else { throw ImportFileError.unreadable("文件中的“\(path)”不是有效的UTF-8文本") }
            return output
        }
        let shared = try entry("xl/sharedStrings.xml").map(SharedStringsParser.parse) ?? []
        let sheetPath = try firstSheetPath(archive: archive, entry: entry) ?? "xl/worksheets/sheet1.xml"
        guard let sheet = try entry(sheetPath) else {
            throw ImportFileError.unreadable("找不到第一个工作表")
        }
        let dates = try entry("xl/styles.xml").map(DateStyles.parse) ?? DateStyles()
        var dateSystem1904 = false
        if let workbook = try entry("xl/workbook.xml") {
            dateSystem1904 = ["1", "true"].contains(AttributeCollector.first(in: workbook, element: "workbookPr", attribute: "date1904") ?? "")
        }
        let grid = try SheetParser.parse(sheet, sharedStrings: shared, limits: limits, dateStyles: dates, dateSystem1904: dateSystem1904)
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

/// Column letters to a zero-based index: A → 0, Z → 25, AA → 26; nil past Excel's last column
/// (XFD, 16,384 columns) or without letters, so no reference can overflow the count.
func columnIndex(fromCellReference reference: String) -> Int? {
    var index = 0
    var letters = 0
    for scalar in reference.unicodeScalars {
        guard scalar.value >= 65, scalar.value <= 90 else { break }
        letters += 1
        guard letters <= 3 else { return nil }
        index = index * 26 + Int(scalar.value - 64)
    }
    guard letters > 0, index <= 16_384 else { return nil }
    return index - 1
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

/// Which cell styles (`s` attribute, an index into `cellXfs`) show a number as a date: Excel stores
/// a date as a serial number and the style alone says it is one.
struct DateStyles: Sendable {
    /// Style index → whether it shows a time of day too.
    var dateStyles: [Int: Bool] = [:]

    /// Built-in formats 14–22 are dates (22 with a time); 45–47 are times only.
    static func isDate(formatID: Int, custom: [Int: String]) -> (date: Bool, time: Bool) {
        if (14...22).contains(formatID) { return (true, formatID == 22) }
        guard let code = custom[formatID] else { return (false, false) }
        // Ignore quoted text, escaped characters and bracketed parts ([Red], [$-804]) before looking for y/m/d.
        var plain = ""
        var inQuote = false, inBracket = false, escaped = false
        for char in code.lowercased() {
            if escaped { escaped = false; continue }
            switch char {
            case "\\": escaped = true
            case "\"": inQuote.toggle()
            case "[": inBracket = true
            case "]": inBracket = false
            default: if !inQuote && !inBracket { plain.append(char) }
            }
        }
        let hasDate = plain.contains("y") || plain.contains("d") || (plain.contains("m") && !plain.contains("h") && !plain.contains("s"))
        return (hasDate, plain.contains("h"))
    }

    static func parse(_ data: Data) throws -> DateStyles {
        let formats = AttributeCollector.all(in: data, element: "numFmt")
        var custom: [Int: String] = [:]
        for format in formats { if let id = format["numFmtId"].flatMap(Int.init), let code = format["formatCode"] { custom[id] = code } }
        // The xf elements of cellXfs in order (cellStyleXfs come first in the file and are skipped).
        let delegate = CellXfsCollector()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        _ = parser.parse()
        var styles = DateStyles()
        for (index, formatID) in delegate.formatIDs.enumerated() {
            let kind = isDate(formatID: formatID, custom: custom)
            if kind.date { styles.dateStyles[index] = kind.time }
        }
        return styles
    }

    /// A serial number as YYYY-MM-DD (and HH:MM when the style shows a time); nil when it is no date.
    static func text(serial: String, withTime: Bool, system1904: Bool) -> String? {
        guard let value = Double(serial), value.isFinite, value >= 1, value < 2_958_466 else { return nil }
        let days = Int(value.rounded(.down))
        // The 1900 system counts from 1899-12-30 (Excel's phantom 1900-02-29 is before any ledger date).
        let epoch = system1904 ? CivilDate(year: 1904, month: 1, day: 1)! : CivilDate(year: 1899, month: 12, day: 30)!
        let date = epoch.adding(days: days)
        guard withTime else { return date.description }
        let minutes = Int(((value - Double(days)) * 1440).rounded())
        return CivilDateTime(date: date, minuteOfDay: min(minutes, 1439)).description
    }
}

/// The `numFmtId` of each `xf` inside `cellXfs`, in order.
final class CellXfsCollector: NSObject, XMLParserDelegate {
    var formatIDs: [Int] = []
    private var inCellXfs = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "cellXfs" { inCellXfs = true }
        if name == "xf", inCellXfs, formatIDs.count < 65_536 { formatIDs.append(attributes["numFmtId"].flatMap(Int.init) ?? 0) }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "cellXfs" { inCellXfs = false }
    }
}

final class SheetParser: NSObject, XMLParserDelegate {
    private let shared: [String]
    private let limits: XLSXReader.Limits
    private let dateStyles: DateStyles
    private let dateSystem1904: Bool
    private var cellStyle: Int?
    /// Why parsing stopped early, in the words the uploader sees.
    private var refusal: String?
    private var rows: [[String]] = []
    private var row: [String] = []
    private var cellColumn = 0
    private var cellType = ""
    private var value = ""
    private var capturing = false

    init(shared: [String], limits: XLSXReader.Limits, dateStyles: DateStyles, dateSystem1904: Bool) {
        self.shared = shared
        self.limits = limits
        self.dateStyles = dateStyles
        self.dateSystem1904 = dateSystem1904
    }

    static func parse(_ data: Data, sharedStrings: [String], limits: XLSXReader.Limits = XLSXReader.Limits(), dateStyles: DateStyles = DateStyles(),
                      dateSystem1904: Bool = false) throws -> [[String]] {
        let delegate = SheetParser(shared: sharedStrings, limits: limits, dateStyles: dateStyles, dateSystem1904: dateSystem1904)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        let parsed = parser.parse()
        if let refusal = delegate.refusal { throw ImportFileError.unreadable(refusal) }
        guard parsed else { throw ImportFileError.unreadable("工作表不是有效的XML") }
        return delegate.rows
    }

    private func stop(_ parser: XMLParser, _ reason: String) {
        if refusal == nil { refusal = reason }
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "row": row = []
        case "c":
            if let reference = attributes["r"] {
                guard let column = columnIndex(fromCellReference: reference) else {
                    return stop(parser, "第\(rows.count + 1)行的单元格引用“\(reference.prefix(20))”超出Excel的列范围（最后一列为XFD）")
                }
                cellColumn = column
            } else {
                cellColumn = row.count
            }
            guard cellColumn < limits.columns else {
                return stop(parser, "第\(rows.count + 1)行有数据的列超过\(limits.columns)列，请删除多余的列后重新上传")
            }
            cellType = attributes["t"] ?? ""
            cellStyle = attributes["s"].flatMap(Int.init)
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
            // A shared-string index outside the table (negative, too large, not a number) is
            // kept as written rather than trapping: found by ReaderFuzzTests.
            if cellType == "s", let index = Int(value.trimmingCharacters(in: .whitespaces)), shared.indices.contains(index) { text = shared[index] }
            if cellType == "b" { text = value == "1" ? "TRUE" : "FALSE" }
            if cellType.isEmpty || cellType == "n" {
                if let style = cellStyle, let withTime = dateStyles.dateStyles[style],
                   let date = DateStyles.text(serial: value, withTime: withTime, system1904: dateSystem1904) {
                    text = date
                } else if text.hasSuffix(".0") {
                    text.removeLast(2)
                }
            }
            while row.count < cellColumn { row.append("") }
            if row.count == cellColumn { row.append(text) } else { row[cellColumn] = text }
        case "row":
            guard rows.count < limits.rows else { return stop(parser, "工作表超过\(limits.rows)行，请分批导入") }
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
