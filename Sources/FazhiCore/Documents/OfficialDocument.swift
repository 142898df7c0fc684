import Foundation
import ZIPFoundation

/// A document in the 公文 layout of GB/T 9704-2012, written as DOCX (Office Open XML): A4, 版心
/// 156 mm × 225 mm (top margin 37 mm, bottom 35 mm, left 28 mm, right 26 mm), title in 2号
/// 小标宋, body in 3号仿宋 on a 22-line grid, 文号 under the title, signature and date at the right.
public struct OfficialDocument: Sendable {
    public enum Block: Sendable {
        /// A body paragraph, first line indented two characters.
        case paragraph(String)
        /// A paragraph without indent (主送机关, party lines).
        case flush(String)
        /// A bold lead-in followed by text ("申请人：…").
        case labelled(String, String)
        /// GB/T 9704 7.3.3 结构层次: "一、" in 黑体 (level 1), "（一）" in 楷体 (level 2), indented two characters.
        case heading(level: Int, String)
        /// A body paragraph whose spans may link to an address (a report's figure to its records).
        /// The linked text keeps the body's look, so the printed 公文 is unchanged.
        case linked([Span])
        /// A ruled table, the first row its header, each cell a paragraph of spans (the statistical
        /// tables of the 政府信息公开 yearly report). Set in 4号仿宋 (14 pt), the size 公文 tables use.
        case table([[[Span]]])
    }

    public struct Span: Sendable, Equatable {
        public var text: String
        /// An absolute http(s) address, or nil for plain text.
        public var link: String?

        public init(_ text: String, link: String? = nil) {
            self.text = text
            self.link = link
        }
    }

    public var title: String
    public var number: String?
    public var blocks: [Block]
    public var signature: String
    public var date: String

    public init(title: String, number: String?, blocks: [Block], signature: String, date: String) {
        self.title = title
        self.number = number
        self.blocks = blocks
        self.signature = signature
        self.date = date
    }

    static let body = "仿宋_GB2312"
    static let heading = "方正小标宋简体"
    /// 3号 = 16 pt = 32 half-points; 2号 = 22 pt.
    static let bodySize = 32, titleSize = 44
    /// A 22-line page in a 225 mm 版心: 28.95 pt per line, in twentieths of a point.
    static let linePitch = 579

    static func escape(_ text: String) -> String {
        var out = ""
        for char in text.unicodeScalars {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                // Characters XML 1.0 forbids are dropped rather than written.
                if char.value < 0x20 && char != "\t" { continue }
                out.unicodeScalars.append(char)
            }
        }
        return out
    }

    static func run(_ text: String, font: String = body, size: Int = bodySize, bold: Bool = false) -> String {
        "<w:r><w:rPr><w:rFonts w:ascii=\"\(font)\" w:hAnsi=\"\(font)\" w:eastAsia=\"\(font)\"/>\(bold ? "<w:b/>" : "")<w:sz w:val=\"\(size)\"/><w:szCs w:val=\"\(size)\"/></w:rPr><w:t xml:space=\"preserve\">\(escape(text))</w:t></w:r>"
    }

    /// A table across the 版心 (156 mm = 8,845 twips), single lines, the first column wide.
    static func table(_ rows: [[[Span]]], relationship: [String: String]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        guard columns > 0 else { return "" }
        let width = 8845
        let first = columns == 1 ? width : width * 2 / 5
        let other = columns == 1 ? 0 : (width - first) / (columns - 1)
        let border = ["top", "left", "bottom", "right", "insideH", "insideV"].map { "<w:\($0) w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>" }.joined()
        var xml = "<w:tbl><w:tblPr><w:tblW w:w=\"\(width)\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>\(border)</w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>"
        xml += (0..<columns).map { "<w:gridCol w:w=\"\($0 == 0 ? first : other)\"/>" }.joined() + "</w:tblGrid>"
        for (index, row) in rows.enumerated() {
            xml += index == 0 ? "<w:tr><w:trPr><w:tblHeader/></w:trPr>" : "<w:tr>"
            for column in 0..<columns {
                let spans = column < row.count ? row[column] : []
                let runs = spans.map { span in
                    let run = Self.run(span.text, size: 28, bold: index == 0)
                    return span.link.flatMap { relationship[$0] }.map { "<w:hyperlink r:id=\"\($0)\" w:history=\"1\">\(run)</w:hyperlink>" } ?? run
                }.joined()
                xml += "<w:tc><w:tcPr><w:tcW w:w=\"\(column == 0 ? first : other)\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>"
                xml += "<w:p><w:pPr><w:spacing w:line=\"360\" w:lineRule=\"auto\"/><w:jc w:val=\"\(column == 0 ? "left" : "center")\"/></w:pPr>\(runs)</w:p></w:tc>"
            }
            xml += "</w:tr>"
        }
        return xml + "</w:tbl>"
    }

    static func paragraph(_ runs: String, align: String? = nil, firstLineChars: Int = 0, rightChars: Int = 0) -> String {
        var properties = "<w:spacing w:line=\"\(linePitch)\" w:lineRule=\"exact\"/>"
        if firstLineChars > 0 || rightChars > 0 {
            // Both the character-based indent (Word) and its twips equivalent at 3号 (other readers): 1 char = 320 twips.
            var indent = ""
            if firstLineChars > 0 { indent += " w:firstLineChars=\"\(firstLineChars)\" w:firstLine=\"\(firstLineChars * 320 / 100)\"" }
            if rightChars > 0 { indent += " w:rightChars=\"\(rightChars)\" w:right=\"\(rightChars * 320 / 100)\"" }
            properties += "<w:ind\(indent)/>"
        }
        if let align { properties += "<w:jc w:val=\"\(align)\"/>" }
        return "<w:p><w:pPr>\(properties)</w:pPr>\(runs)</w:p>"
    }

    /// The distinct link targets, in order of first use; target i is relationship `rIdLink{i+1}`.
    var linkTargets: [String] {
        var targets: [String] = []
        var spans: [Span] = []
        for block in blocks {
            switch block {
            case .linked(let line): spans += line
            case .table(let rows): spans += rows.flatMap { $0.flatMap { $0 } }
            default: break
            }
        }
        for span in spans { if let link = span.link, !targets.contains(link) { targets.append(link) } }
        return targets
    }

    /// `word/document.xml`.
    public var documentXML: String {
        let targets = linkTargets
        let relationship = Dictionary(targets.enumerated().map { ($1, "rIdLink\($0 + 1)") }, uniquingKeysWith: { first, _ in first })
        var paragraphs: [String] = [
            "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"\(Self.linePitch)\" w:line=\"\(Self.linePitch * 3 / 2)\" w:lineRule=\"exact\"/><w:jc w:val=\"center\"/></w:pPr>\(Self.run(title, font: Self.heading, size: Self.titleSize))</w:p>",
        ]
        if let number { paragraphs.append(Self.paragraph(Self.run(number), align: "center")) }
        paragraphs.append(Self.paragraph(""))
        for block in blocks {
            switch block {
            case .paragraph(let text): paragraphs.append(Self.paragraph(Self.run(text), align: "both", firstLineChars: 200))
            case .flush(let text): paragraphs.append(Self.paragraph(Self.run(text), align: "both"))
            case .labelled(let label, let text): paragraphs.append(Self.paragraph(Self.run(label, bold: true) + Self.run(text), align: "both", firstLineChars: 200))
            case .heading(let level, let text):
                paragraphs.append(Self.paragraph(Self.run(text, font: level <= 1 ? "黑体" : "楷体_GB2312"), align: "both", firstLineChars: 200))
            case .linked(let spans):
                let runs = spans.map { span in
                    span.link.flatMap { relationship[$0] }.map { "<w:hyperlink r:id=\"\($0)\" w:history=\"1\">\(Self.run(span.text))</w:hyperlink>" } ?? Self.run(span.text)
                }
                paragraphs.append(Self.paragraph(runs.joined(), align: "both", firstLineChars: 200))
            case .table(let rows):
                paragraphs.append(Self.table(rows, relationship: relationship))
            }
        }
        paragraphs.append(Self.paragraph(""))
        paragraphs.append(Self.paragraph(""))
        paragraphs.append(Self.paragraph(Self.run(signature), align: "right", rightChars: 400))
        paragraphs.append(Self.paragraph(Self.run(date), align: "right", rightChars: 400))
        // A4 with the GB/T 9704 margins (1 mm = 56.7 twips), page number in the footer.
        let section = """
        <w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/><w:pgSz w:w="11906" w:h="16838"/>\
        <w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/>\
        <w:docGrid w:type="linesAndChars" w:linePitch="\(Self.linePitch)" w:charSpace="0"/></w:sectPr>
        """
        return """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>\(paragraphs.joined())\(section)</w:body></w:document>
        """
    }

    static let footerXML = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>\
    <w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">— </w:t></w:r>\
    <w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>\
    <w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r>\
    <w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>
    """

    static let contentTypes = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
    <Default Extension="xml" ContentType="application/xml"/>\
    <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
    <Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>
    """

    static let packageRelationships = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
    """

    /// `word/_rels/document.xml.rels`: the footer, and each link as an external hyperlink.
    var documentRelationships: String {
        let links = linkTargets.enumerated().map { index, target in
            "<Relationship Id=\"rIdLink\(index + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink\" Target=\"\(Self.escape(target))\" TargetMode=\"External\"/>"
        }
        return """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>\(links.joined())</Relationships>
        """
    }

    /// The DOCX file.
    public func docx() throws -> Data {
        let archive = try Archive(accessMode: .create)
        let parts: [(String, String)] = [
            ("[Content_Types].xml", Self.contentTypes), ("_rels/.rels", Self.packageRelationships),
            ("word/document.xml", documentXML), ("word/_rels/document.xml.rels", documentRelationships), ("word/footer1.xml", Self.footerXML),
        ]
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: Date(timeIntervalSince1970: 1_700_000_000),
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }
}
