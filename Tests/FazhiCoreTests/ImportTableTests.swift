import Foundation
import Testing
import ZIPFoundation
@testable import FazhiCore

@Suite struct CSVReaderTests {
    @Test("RFC 4180: quotes, embedded commas and line breaks, CRLF, BOM")
    func parses() throws {
        let text = "\u{FEFF}单位编码,单位名称\r\nA1,\"示范,县\"\r\nA2,\"他说\"\"好\"\"\nA\"\r\n\r\n"
        let table = try CSVReader.read(Data(text.utf8))
        #expect(table.headers == ["单位编码", "单位名称"])
        #expect(table.rows == [["A1", "示范,县"], ["A2", "他说\"好\"\nA"]])
    }

    @Test("a GBK-encoded file gets a message saying how to save it")
    func notUTF8() {
        #expect(throws: ImportFileError.self) { try CSVReader.read(Data([0xB5, 0xA5, 0xCE, 0xBB, 0xFF])) }
    }

    @Test("writing defuses formulas; reading gives back the very cells that were written")
    func roundTrip() throws {
        let rows = [["1,2", "=SUM(A1)"], ["中文", "x\"y"], ["-5", "+86 138 0000 0000"], ["@备注", "'引号开头"]]
        let data = CSVReader.write(headers: ["a", "b"], rows: rows)
        // Excel sees text, not a formula …
        #expect(String(decoding: data, as: UTF8.self).contains("'=SUM(A1)"))
        // … and the import gets back what was exported.
        #expect(try CSVReader.read(data).rows == rows)
    }
}

@Suite struct XLSXReaderTests {
    /// Builds a minimal XLSX in memory: shared strings, an inline string, a number, a gap.
    static let sampleSheet = """
        <?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>排序号</t></is></c></row>\
        <row r="2"><c r="A2" t="s"><v>2</v></c><c r="C2"><v>3.0</v></c></row></sheetData></worksheet>
        """

    /// `rows` as sheet XML, each row's cells as (reference, inline text).
    static func sheet(_ rows: [[(String, String)]]) -> String {
        "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
            + rows.map { "<row>" + $0.map { "<c r=\"\($0.0)\" t=\"inlineStr\"><is><t>\($0.1)</t></is></c>" }.joined() + "</row>" }.joined()
            + "</sheetData></worksheet>"
    }

    static func makeWorkbook(sheet: String = sampleSheet, padding: Int = 0, styles: String? = nil) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try add("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>")
        try add("xl/workbook.xml", """
            <?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="单位" sheetId="1" r:id="rId1"/></sheets></workbook>
            """)
        try add("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="worksheet" Target="worksheets/data.xml"/></Relationships>
            """)
        try add("xl/sharedStrings.xml", """
            <?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>单位编码</t></si>\
            <si><t>单位名称</t></si><si><r><t>示范</t></r><r><t>县</t></r></si></sst>
            """)
        if let styles { try add("xl/styles.xml", styles) }
        // `padding` bytes of spaces after the sheet: compressed to almost nothing, inflated in full.
        try add("xl/worksheets/data.xml", sheet + String(repeating: " ", count: padding))
        return try #require(archive.data)
    }

    @Test("reads the first sheet through the workbook relationships")
    func readsWorkbook() throws {
        let table = try TableReader.read(try Self.makeWorkbook(), filename: "units.xlsx")
        #expect(table.headers == ["单位编码", "单位名称", "排序号"])
        #expect(table.rows == [["示范县", "", "3"]])
    }

    @Test("a cell reference past Excel's last column is refused with a message, not an overflow or a padded row")
    func hostileReferences() throws {
        for reference in ["ZZZZZZZZZZZZZZZZ1", "XFE1", "AAAA1"] {
            let data = try Self.makeWorkbook(sheet: Self.sheet([[("A1", "编码")], [(reference, "x")]]))
            let error = #expect(throws: ImportFileError.self) { try TableReader.read(data, filename: "x.xlsx") }
            #expect(error?.description.contains("超出Excel的列范围") == true, "\(reference)")
        }
        // The last real column is read, and too wide a row is refused by the reader's limit.
        #expect(columnIndex(fromCellReference: "XFD1") == 16_383)
        let wide = try Self.makeWorkbook(sheet: Self.sheet([[("A1", "编码")], [("IW2", "x")]]))
        let error = #expect(throws: ImportFileError.self) { try TableReader.read(wide, filename: "x.xlsx") }
        #expect(error?.description.contains("超过256列") == true)
    }

    @Test("a part that inflates past the limit is refused (zip bomb); too many rows are refused by count")
    func inflationAndRows() throws {
        var limits = XLSXReader.Limits()
        limits.entryBytes = 1 << 20
        let bomb = try Self.makeWorkbook(padding: 2 << 20)
        #expect(bomb.count < 64 << 10)
        let error = #expect(throws: ImportFileError.self) { try XLSXReader.read(bomb, limits: limits) }
        #expect(error?.description.contains("解压后超过1MB") == true)
        limits = XLSXReader.Limits()
        limits.rows = 3
        let long = try Self.makeWorkbook(sheet: Self.sheet((1...5).map { [("A\($0)", "行\($0)")] }))
        let rows = #expect(throws: ImportFileError.self) { try XLSXReader.read(long, limits: limits) }
        #expect(rows?.description.contains("超过3行") == true)
        #expect(try XLSXReader.read(try Self.makeWorkbook(sheet: Self.sheet((1...3).map { [("A\($0)", "行\($0)")] })), limits: limits).rows.count == 2)
    }

    @Test("date cells (a number with a date style: built-in 14–22 or a custom y/m/d format) read as dates; other numbers stay numbers")
    func dateCells() throws {
        let styles = """
            <?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy/mm/dd"/><numFmt numFmtId="165" formatCode="[$-804]yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>\
            <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>\
            <cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="22"/><xf numFmtId="2"/><xf numFmtId="165"/></cellXfs></styleSheet>
            """
        let sheet = """
            <?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row><c r="A1" t="inlineStr"><is><t>收到日期</t></is></c><c r="B1" t="inlineStr"><is><t>结案日期</t></is></c><c r="C1" t="inlineStr"><is><t>时间</t></is></c>\
            <c r="D1" t="inlineStr"><is><t>罚款</t></is></c><c r="E1" t="inlineStr"><is><t>中文日期</t></is></c><c r="F1" t="inlineStr"><is><t>无格式</t></is></c></row>\
            <row><c r="A2" s="1"><v>45658</v></c><c r="B2" s="2"><v>45717</v></c><c r="C2" s="3"><v>45658.5</v></c><c r="D2" s="4"><v>3000</v></c>\
            <c r="E2" s="5"><v>45717</v></c><c r="F2"><v>45658</v></c></row></sheetData></worksheet>
            """
        let table = try TableReader.read(try Self.makeWorkbook(sheet: sheet, styles: styles), filename: "ledger.xlsx")
        #expect(table.rows == [["2025-01-01", "2025-03-01", "2025-01-01 12:00", "3000", "2025-03-01", "45658"]])
    }

    @Test("a file that is not a workbook is refused with a message")
    func rejectsGarbage() {
        #expect(throws: ImportFileError.self) { try TableReader.read(Data("not a zip".utf8), filename: "x.xlsx") }
    }
}

@Suite struct RoundingTests {
    @Test("新吴区 2023: 20 ÷ 143 is 13.99% rounded and 13.98% truncated, never the published 13.96%")
    func mediationRate() {
        let value = MetricValue.ratio(numerator: 20, denominator: 143).decimal!
        #expect(MetricsRegistry.format(RoundingRule.halfUp(places: 2).apply(value), places: 2) == "13.99")
        #expect(MetricsRegistry.format(RoundingRule.truncate(places: 2).apply(value), places: 2) == "13.98")
    }

    @Test("江汉区 2019: 22 ÷ 29 is 75.86% under both rules")
    func acceptanceRate() {
        let value = MetricValue.ratio(numerator: 22, denominator: 29).decimal!
        #expect(MetricsRegistry.format(RoundingRule.halfUp(places: 2).apply(value), places: 2) == "75.86")
        #expect(MetricsRegistry.format(RoundingRule.truncate(places: 2).apply(value), places: 2) == "75.86")
    }

    @Test("a tie rounds away from zero; a missing denominator gives no value")
    func edges() {
        #expect(RoundingRule.halfUp(places: 1).apply(Decimal(string: "2.25")!) == Decimal(string: "2.3")!)
        #expect(RoundingRule.halfUp(places: 1).apply(Decimal(string: "-2.25")!) == Decimal(string: "-2.3")!)
        #expect(RoundingRule.truncate(places: 1).apply(Decimal(string: "-2.29")!) == Decimal(string: "-2.2")!)
        #expect(MetricValue.ratio(numerator: 1, denominator: 0).decimal == nil)
        #expect(RoundingRule(spec: "truncate:1") == .truncate(places: 1))
        #expect(RoundingRule(spec: "ceil:1") == nil)
    }
}

@Suite struct JSONTableReaderTests {
    @Test("an array of objects is a table: keys are headers, values text, booleans 是/否, null empty")
    func reads() throws {
        let json = #"[{"代码": "1.1", "分值": 4, "全县": false, "备注": null}, {"代码": "1.2", "分值": 2.5, "全县": true, "新列": "x"}]"#
        let table = try TableReader.read(Data(json.utf8), filename: "upload.bin")
        #expect(table.headers == ["代码", "全县", "分值", "备注", "新列"])
        #expect(table.value(table.rows[0], "分值") == "4")
        #expect(table.value(table.rows[1], "分值") == "2.5")
        #expect(table.value(table.rows[0], "全县") == "否")
        #expect(table.value(table.rows[1], "全县") == "是")
        #expect(table.value(table.rows[0], "备注") == "")
        #expect(table.value(table.rows[0], "新列") == "")
        #expect(table.value(table.rows[1], "新列") == "x")
    }

    @Test("nested values, a non-array and broken JSON are refused with a message, never dropped")
    func refuses() throws {
        for text in [#"[{"a": {"b": 1}}]"#, #"{"a": 1}"#, #"[1, 2]"#, "[{\"a\": ", "[]"] {
            #expect(throws: ImportFileError.self) { try TableReader.read(Data(text.utf8), filename: "x.json") }
        }
        // A CSV whose first cell is not “[” is still read as CSV.
        #expect(try TableReader.read(Data("a,b\n1,2".utf8), filename: "x.csv").rows == [["1", "2"]])
    }
}
