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

    @Test("escaping by bytes keeps Chinese and other multi-byte text whole around every escaped character, and matches escapeHTML")
    func multiByte() {
        var random = SeededRandom(seed: 20_261_126)
        let pieces = ["张", "三", "〔2025〕", "&", "<", ">", "\"", "'", "a", "é", "😀", " ", "第三十三条"]
        for _ in 0..<500 {
            let text = (0..<random.below(12)).map { _ in pieces[random.below(pieces.count)] }.joined()
            #expect(Node.text(text).render() == escapeHTML(text), "\(text)")
            #expect(Node.void("i", [Attribute("title", text)]).render() == "<i title=\"\(escapeHTML(text))\">")
        }
        #expect(el("p", text: "张三<李四>&王五").render() == "<p>张三&lt;李四&gt;&amp;王五</p>")
    }
}

@Suite struct RedactionTests {
    @Test("public text: a citizen's name becomes 张某 everywhere, ID and mobile numbers go, other numbers stay whole")
    func publicText() {
        let text = "对张三丰（身份证号码11010519491231002X，电话13912345678）罚款800元；张三丰已缴纳。案卷编号202601010001234567890，座机02712345678。"
        let result = Redaction.publicText(text, personNames: ["张三丰", " "])
        #expect(result == "对张某（身份证号码\(Redaction.idRemoved)，电话\(Redaction.phoneRemoved)）罚款800元；张某已缴纳。案卷编号202601010001234567890，座机\(Redaction.phoneRemoved)。")
        #expect(Masking.publicPersonName(" 欧阳娜娜") == "欧某")
        // The longer name is replaced first, so a name inside another is not left half-masked.
        #expect(Redaction.publicText("王小明与王小明明", personNames: ["王小明", "王小明明"]) == "王某与王某")
    }

    @Test("redaction catches spaced and +86 mobiles, landlines, 15-digit IDs, bank cards, full-width digits, addresses and people named by their role, company cases too")
    func widerPatterns() {
        let text = "某某商贸有限公司（法定代表人：李建国，住所地：示范县城关镇解放路12号，联系电话138 1234 5678，+86-139-1234-5678，"
            + "座机（0710）1234567、0710-7654321，开户账号6222 0202 0000 1234 567，6222020200001234，身份证号码110105491231002，"
            + "全角电话１３９１２３４５６７８）。证人：王小丽证实。罚款3000元，2025年10月1日。"
        let result = Redaction.publicText(text, personNames: [])
        for leaked in ["李建国", "解放路", "138 1234", "139-1234", "1234567", "7654321", "6222", "110105491231002", "13912345678", "王小丽"] {
            #expect(!result.contains(leaked), "\(leaked) is still in: \(result)")
        }
        #expect(result.contains("法定代表人：李某") && result.contains("证人：王某"))
        #expect(result.contains("住所地：\(Redaction.addressRemoved)"))
        // What is not personal data stays: the company, amounts and dates.
        #expect(result.contains("某某商贸有限公司") && result.contains("罚款3000元") && result.contains("2025年10月1日"))
        #expect(Redaction.suspicious(result).isEmpty)
    }

    @Test("a text that still looks like personal data after redaction is found, so its publication can be held for a person to confirm")
    func suspiciousLeftovers() {
        #expect(!Redaction.suspicious("当事人手机尾号1234567").isEmpty)
        #expect(!Redaction.suspicious("案卷编号202601010001234567890").isEmpty)
        #expect(Redaction.suspicious("罚款3000元，2025年10月1日，示市监罚〔2025〕12号").isEmpty)
    }
}
