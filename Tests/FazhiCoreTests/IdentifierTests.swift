import Foundation
import Testing
@testable import FazhiCore

@Suite struct USCCTests {
    @Test("GB 32100: published codes of real enterprises are accepted", arguments: [
        "914403001922038216", "91330100799655058B", "9144030071526726XG", "91110000100006485K",
    ])
    func acceptsRealCodes(_ code: String) throws {
        // given a code with a correct check character / when validated / then it is kept as is
        #expect(try USCC(code).value == code)
    }

    @Test("GB 32100: lower case is normalised")
    func normalisesCase() throws {
        #expect(try USCC("9144030071526726xg").value == "9144030071526726XG")
    }

    @Test("GB 32100: a wrong check character is refused and the right one is named")
    func rejectsWrongCheckDigit() {
        // given Huawei's code with its last character changed
        #expect {
            _ = try USCC("914403001922038217")
        } throws: { error in
            let failure = error as! ValidationFailure
            return failure.errors.first?.message.contains("第18位应为“6”") == true
                && failure.errors.first?.label == "统一社会信用代码"
        }
    }

    @Test("GB 32100: length and forbidden letters are named in the message")
    func rejectsShapeErrors() {
        #expect(throws: ValidationFailure.self) { try USCC("91440300192203821") }
        let failure = #expect(throws: ValidationFailure.self) { try USCC("91440300192203821I") }
        #expect(failure?.errors.first?.message.contains("第18位字符“I”不合法") == true)
    }

    @Test("completing a 17-character prefix yields a valid code")
    func completion() throws {
        let code = try #require(USCC.completing("11999901123456789"))
        #expect(try USCC(code).value == code)
    }
}

@Suite struct ResidentIDTests {
    @Test("GB 11643: the standard's sample number is valid")
    func acceptsSample() throws {
        #expect(try ResidentID("11010519491231002x").value == "11010519491231002X")
    }

    @Test("GB 11643: a wrong check character is refused")
    func rejectsWrongCheck() {
        let failure = #expect(throws: ValidationFailure.self) { try ResidentID("110105194912310021") }
        #expect(failure?.errors.first?.message.contains("第18位应为“X”") == true)
    }

    @Test("masking keeps the region code and the last four")
    func masking() {
        #expect(Masking.residentID("11010519491231002X") == "110105********002X")
        #expect(Masking.phone("13812341234") == "138****1234")
        #expect(Masking.personName("张三丰") == "张**")
    }
}

@Suite struct FastUUIDTests {
    @Test("UUID.v4 gives version-4, RFC 4122 variant ids that do not repeat")
    func versionAndVariant() {
        var seen = Set<UUID>()
        for _ in 0..<10_000 {
            let id = UUID.v4()
            let text = id.uuidString
            #expect(Array(text)[14] == "4", "\(text)")
            #expect("89AB".contains(Array(text)[19]), "\(text)")
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }

    @Test("UUID.text spells every id as Foundation's uuidString does, and round-trips")
    func text() {
        var random = SeededRandom(seed: 20_261_126)
        var ids = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                   UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        for _ in 0..<2_000 {
            let a = random.next(), b = random.next()
            ids.append(withUnsafeBytes(of: (a, b)) { raw in UUID(uuid: raw.load(as: uuid_t.self)) })
        }
        for id in ids {
            #expect(id.text == id.uuidString)
            #expect(UUID(uuidString: id.text) == id)
            #expect(UUID(text: id.uuidString) == id && UUID(text: id.uuidString.lowercased()) == id)
        }
        // What Foundation refuses, the fast reader refuses too.
        let good = ids[2].uuidString
        var bads: [String] = ["", String(good.dropLast()), good + "0", good.replacingOccurrences(of: "-", with: ""), "G" + good.dropFirst()]
        bads.append(String(good.prefix(8)) + "_" + good.dropFirst(9))
        bads.append("{" + good + "}")
        // Multi-byte characters making up the 36 bytes.
        bads.append("案" + good.dropFirst(3))
        bads.append(String(good.prefix(33)) + "é-")
        for bad in bads {
            #expect(UUID(text: bad) == nil, "\(bad)")
            #expect(UUID(uuidString: bad) == nil, "\(bad)")
        }
        // A slice of a longer text, and a view of bytes that is not one contiguous string.
        #expect(UUID(text: ("id=" + good + "&").dropFirst(3).dropLast()) == ids[2])
        #expect(UUID(text: String(decoding: Array(good.utf8), as: UTF8.self)) == ids[2])
    }
}
