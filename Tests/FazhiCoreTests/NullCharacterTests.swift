import Foundation
import Testing
@testable import FazhiCore

/// A NUL character (U+0000) in submitted text is found, and its field named, before anything stores it.
@Suite struct NullCharacterTests {
    @Test("form-encoded text: the pair holding %00 or a raw NUL is named, decoded as forms decode names; text without one passes")
    func formEncoded() {
        #expect(NullCharacter.field(inFormEncoded: "title=a%00b&note=x") == "title")
        #expect(NullCharacter.field(inFormEncoded: "a=1&party=%E7%94%B2%00") == "party")
        #expect(NullCharacter.field(inFormEncoded: "%E5%90%8D%E7%A7%B0=x%00") == "名称")
        #expect(NullCharacter.field(inFormEncoded: "first+name=%00") == "first name")
        #expect(NullCharacter.field(inFormEncoded: "a=1&b=2\u{0}") == "b")
        #expect(NullCharacter.field(inFormEncoded: "a%00b=1") == "a\\0b")
        #expect(NullCharacter.field(inFormEncoded: "=%00") == "（无名字段）")
        // %000 is %00 followed by 0; %0 and %10 and %a0 are not a NUL.
        #expect(NullCharacter.field(inFormEncoded: "n=%000") == "n")
        for clean in ["", "a=1&b=%E7%94%B2", "x=%0", "x=%10%20", "x=%a0", "q=100%25", "a=&b="] {
            #expect(NullCharacter.field(inFormEncoded: clean) == nil, "\(clean)")
        }
    }

    @Test("JSON: the path of the string holding \\u0000 is named; an escaped backslash before u0000 is text, not a NUL")
    func json() {
        func field(_ text: String) -> String? {
            Array(text.utf8).withUnsafeBufferPointer { NullCharacter.field(inJSON: $0) }
        }
        #expect(field(#"{"party": {"name": "甲\u0000"}, "note": "x"}"#) == "party.name")
        #expect(field(#"{"rows": [{"a": "1"}, {"a": "2", "b": "\u0000"}]}"#) == "rows[1].b")
        #expect(field(#"["ok", "no\u0000"]"#) == "[1]")
        #expect(field(#"{"k\u0000": 1}"#) == "k\\0")
        #expect(field(#""\u0000""#) == "请求内容")
        #expect(field(#"{"path": "C:\\u0000"}"#) == nil)
        #expect(field(#"{"path": "C:\\\u0000"}"#) == "path")
        #expect(field(#"{"a": "\u0001 \u00000"}"#) == "a")
        #expect(field(#"{"a": "plain", "b": [1, 2, null, true]}"#) == nil)
        // Unparseable JSON with the escape: the body as a whole is named.
        #expect(field(#"{"a": "\u0000"#) == "请求内容")
    }

    @Test("a decoded multipart value: the text property, element or dictionary value holding a NUL is named; numbers and bytes are not texts")
    func decoded() {
        struct Party { var name: String; var note: String? }
        struct Form { var kind: String; var count: Int; var parties: [Party]; var extra: [String: String]; var bytes: [UInt8] }
        let clean = Form(kind: "other", count: 0, parties: [Party(name: "甲", note: nil)], extra: ["a": "b"], bytes: [0, 1, 0])
        #expect(NullCharacter.field(inDecoded: clean) == nil)
        var form = clean
        form.parties.append(Party(name: "乙", note: "备\u{0}注"))
        #expect(NullCharacter.field(inDecoded: form) == "parties[1].note")
        form = clean
        form.extra["z"] = "\u{0}"
        #expect(NullCharacter.field(inDecoded: form) == "extra.z")
        form = clean
        form.kind = "\u{0}"
        #expect(NullCharacter.field(inDecoded: form) == "kind")
        #expect(NullCharacter.field(inDecoded: "\u{0}") == "请求内容")
    }

    @Test("an imported table with a NUL in a cell or header fails the file, naming the row and column; one without passes")
    func importedTable() throws {
        let clean = try TableReader.read(Data("案号,当事人\nA1,甲\nA2,乙\n".utf8), filename: "t.csv")
        #expect(clean.rows.count == 2)
        do {
            _ = try TableReader.read(Data("案号,当事人\nA1,甲\nA2,乙\u{0}丙\n".utf8), filename: "t.csv")
            Issue.record("a NUL in a cell was read")
        } catch let error as ImportFileError {
            #expect(error.description.contains("第3行“当事人”") && error.description.contains("U+0000"), "\(error)")
        }
        do {
            _ = try TableReader.read(Data(#"[{"案号": "A1", "当\u0000事人": "甲"}]"#.utf8), filename: "t.json")
            Issue.record("a NUL in a header was read")
        } catch let error as ImportFileError {
            #expect(error.description.contains("表头“当\\0事人”"), "\(error)")
        }
    }
}
