import Foundation
import Testing
@testable import FazhiCore

/// Hostile files for the import readers, generated with fixed seeds (issue "prove it"): whatever
/// arrives, a reader returns a table or throws `ImportFileError`, whose Chinese message is what
/// the import page shows; nothing else escapes, and what is written can be read back unchanged.
@Suite struct ReaderFuzzTests {
    /// The outcome of reading: a table, or the reader's own error with its message.
    enum Outcome { case table(ImportTable), refused(String) }

    static func read(_ data: Data, filename: String) -> Result<Outcome, any Error> {
        do {
            return .success(.table(try TableReader.read(data, filename: filename)))
        } catch let error as ImportFileError {
            return .success(.refused(error.description))
        } catch {
            return .failure(error)
        }
    }

    /// Pieces a hostile CSV is made of: quotes, separators, line ends, a BOM, formulas, CJK, stray
    /// bytes that are not UTF-8, and long runs.
    static let pieces: [[UInt8]] = [
        Array("\"".utf8), Array(",".utf8), Array("\r\n".utf8), Array("\n".utf8), Array("\r".utf8), [0xEF, 0xBB, 0xBF],
        Array("=SUM(A1)".utf8), Array("'=".utf8), Array("示范县".utf8), Array("单位编码".utf8), [0xFF], [0xC3], [0x00],
        Array(String(repeating: "x", count: 300).utf8), Array("\"\"".utf8), Array(" ".utf8), Array("１２３".utf8),
    ]

    @Test("2,000 generated CSV files: each is a table or a message; a table's rows never carry a ragged header")
    func csvFuzz() {
        var random = SeededRandom(seed: 20_261_126)
        var tables = 0, refusals = 0
        for _ in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...60, using: &random) { bytes += Self.pieces.randomElement(using: &random)! }
            switch Self.read(Data(bytes), filename: "x.csv") {
            case .success(.table(let table)):
                tables += 1
                #expect(!table.headers.isEmpty)
                #expect(table.rows.allSatisfy { row in !row.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } })
            case .success(.refused(let message)):
                refusals += 1
                #expect(!message.isEmpty && message.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
            case .failure(let error):
                Issue.record("a CSV escaped as \(error)")
            }
        }
        // Both kinds were generated: the test exercises refusals as well as tables.
        #expect(tables > 100 && refusals > 100)
    }

    @Test("500 generated tables written as CSV read back cell for cell, formulas, quotes, a leading ' and CRLF inside a cell included (the last two were lost before this test)")
    func csvRoundTrip() throws {
        var random = SeededRandom(seed: 7)
        let alphabet = Array("甲乙丙,\"'=+-@ \n\r\t１a9")
        for _ in 0..<500 {
            let width = Int.random(in: 1...5, using: &random)
            func cell() -> String { String((0..<Int.random(in: 0...8, using: &random)).map { _ in alphabet.randomElement(using: &random)! }) }
            let headers = (0..<width).map { "列\($0)" }
            let rows = (0..<Int.random(in: 1...6, using: &random)).map { _ in (0..<width).map { _ in cell() } }
                .filter { !$0.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
            let back = try CSVReader.read(CSVReader.write(headers: headers, rows: rows))
            #expect(back.headers == headers)
            #expect(back.rows == rows)

        }
    }

    @Test("a negative shared-string index (found by this fuzzing: it trapped the server) is read as written")
    func negativeSharedString() throws {
        let sheet = "<worksheet><sheetData><row><c r=\"A1\" t=\"s\"><v>0</v></c></row><row><c r=\"A2\" t=\"s\"><v>-1</v></c></row></sheetData></worksheet>"
        let table = try TableReader.read(try XLSXReaderTests.makeWorkbook(sheet: sheet), filename: "x.xlsx")
        #expect(table.headers == ["单位编码"] && table.rows == [["-1"]])
    }

    @Test("1,000 damaged workbooks (bytes flipped, cut short, parts replaced by hostile XML): each is a table or a message")
    func xlsxFuzz() throws {
        var random = SeededRandom(seed: 4_242)
        let good = try XLSXReaderTests.makeWorkbook()
        let hostileSheets = [
            XLSXReaderTests.sheet([[("A1", "编码")], [("A999999999999", "x")]]),
            XLSXReaderTests.sheet([[("", "编码")], [("1A", "x")]]),
            "<worksheet><sheetData><row><c r=\"A1\" t=\"s\"><v>99999</v></c></row></sheetData></worksheet>",
            "<worksheet><sheetData><row><c r=\"A1\" t=\"s\"><v>-1</v></c></row></sheetData></worksheet>",
            "<worksheet><sheetData><row><c r=\"A1\"><v>1e308</v></c></row></sheetData></worksheet>",
            "<worksheet>" + String(repeating: "<sheetData>", count: 2_000),
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><worksheet><sheetData><row><c r=\"A1\" t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData></worksheet>",
            "not xml at all \u{0}",
            // Styled numbers that no date fits, and cells that go backwards.
            "<worksheet><sheetData><row><c r=\"A1\" s=\"0\"><v>-1e308</v></c><c r=\"C1\"><v>x</v></c><c r=\"B1\"><v>y</v></c></row></sheetData></worksheet>",
            "<x:worksheet xmlns:x=\"urn:x\"><x:sheetData><x:row><x:c r=\"A1\" t=\"s\"><x:v>9223372036854775807</x:v></x:c></x:row></x:sheetData></x:worksheet>",
        ]
        var tables = 0, refusals = 0
        for round in 0..<1_000 {
            var data: Data
            switch round % 4 {
            case 0:
                data = good
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    let index = Int.random(in: 0..<data.count, using: &random)
                    data[index] = UInt8.random(in: 0...255, using: &random)
                }
            case 1:
                data = good.prefix(Int.random(in: 0..<good.count, using: &random))
            case 2:
                data = try XLSXReaderTests.makeWorkbook(sheet: hostileSheets.randomElement(using: &random)!)
            default:
                data = Data((0..<Int.random(in: 0...512, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
                data.replaceSubrange(0..<min(4, data.count), with: [0x50, 0x4B, 0x03, 0x04])
            }
            switch Self.read(data, filename: "x.xlsx") {
            case .success(.table(let table)):
                tables += 1
                #expect(!table.headers.isEmpty && table.headers.count <= 256)
            case .success(.refused(let message)):
                refusals += 1
                #expect(!message.isEmpty)
            case .failure(let error):
                Issue.record("round \(round): a workbook escaped as \(error)")
            }
        }
        #expect(refusals > 300 && tables > 0)
    }
}
