import Foundation
import Testing
@testable import FazhiCore

@Suite struct TOTPTests {
    // RFC 6238 Appendix B, SHA-1 secret "12345678901234567890".
    static let secret = Data("12345678901234567890".utf8)

    @Test("RFC 6238 test vectors (8 digits)", arguments: [
        (59.0, "94287082"), (1111111109.0, "07081804"), (1111111111.0, "14050471"),
        (1234567890.0, "89005924"), (2000000000.0, "69279037"), (20000000000.0, "65353130"),
    ])
    func vectors(time: Double, code: String) {
        #expect(TOTP(secret: Self.secret, digits: 8).code(at: Date(timeIntervalSince1970: time)) == code)
    }

    @Test("a code is accepted once, within one step of drift, and not again")
    func verification() throws {
        let totp = TOTP(secret: Self.secret)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let code = totp.code(at: now)
        let counter = try #require(totp.verify(code, at: now.addingTimeInterval(25)))
        #expect(totp.verify(code, at: now, after: counter) == nil)
        #expect(totp.verify(code, at: now.addingTimeInterval(120)) == nil)
        #expect(totp.verify("12345", at: now) == nil)
    }

    @Test("base32 round trip")
    func base32() {
        let data = Data((0..<20).map { UInt8($0 * 7 % 256) })
        #expect(Base32.decode(Base32.encode(data)) == data)
        #expect(Base32.encode(Data("foobar".utf8)) == "MZXW6YTBOI")
    }
}

@Suite struct PasswordPolicyTests {
    let policy = PasswordPolicy()

    @Test("a strong password passes")
    func strong() {
        #expect(policy.problems(with: "Correct-Horse-9", loginName: "alice").isEmpty)
    }

    @Test("too short, too few classes, contains login name, too long for bcrypt")
    func weak() {
        #expect(policy.problems(with: "Ab1!", loginName: "x").map(\.message).contains("长度至少12个字符"))
        #expect(policy.problems(with: "alllowercaseletters", loginName: "x").contains { $0.message.contains("至少三类") })
        #expect(policy.problems(with: "Alice-Password-1", loginName: "alice").contains { $0.message == "不能包含登录名" })
        #expect(policy.problems(with: "Aa1!" + String(repeating: "x", count: 70), loginName: "x").contains { $0.message.contains("72字节") })
    }
}

@Suite struct PersonalDataCipherTests {
    @Test("sealed values open again, differ each time, and hash equally")
    func roundTrip() throws {
        let cipher = try PersonalDataCipher(masterKey: Data(repeating: 7, count: 32))
        let first = try cipher.seal("11010519491231002X")
        let second = try cipher.seal("11010519491231002X")
        #expect(first != second)
        #expect(try cipher.open(first) == "11010519491231002X")
        #expect(cipher.searchHash("11010519491231002x") == cipher.searchHash("11010519491231002X"))
        #expect(!first.contains("1101051949"))
    }

    @Test("a key of the wrong size is refused")
    func wrongKey() {
        #expect(throws: ValidationFailure.self) { try PersonalDataCipher(masterKey: Data(count: 16)) }
    }
}

@Suite struct HTMLTests {
    @Test("text and attributes are escaped")
    func escaping() {
        let node = el("a", [.href("/x?a=1&b=\"2\"")], text: "<script>alert('x')</script>")
        #expect(node.render() == "<a href=\"/x?a=1&amp;b=&quot;2&quot;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</a>")
    }
}

@Suite struct RedactionTests {
    @Test("public text: a citizen's name becomes 张某 everywhere, ID and mobile numbers go, other numbers stay whole")
    func publicText() {
        let text = "对张三丰（身份证号码11010519491231002X，电话13912345678）罚款800元；张三丰已缴纳。案卷编号202601010001234567890，座机02712345678。"
        let result = Redaction.publicText(text, personNames: ["张三丰", " "])
        #expect(result == "对张某（身份证号码\(Redaction.idRemoved)，电话\(Redaction.phoneRemoved)）罚款800元；张某已缴纳。案卷编号202601010001234567890，座机02712345678。")
        #expect(Masking.publicPersonName(" 欧阳娜娜") == "欧某")
        // The longer name is replaced first, so a name inside another is not left half-masked.
        #expect(Redaction.publicText("王小明与王小明明", personNames: ["王小明", "王小明明"]) == "王某与王某")
    }
}
