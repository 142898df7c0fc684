import Foundation
import Testing
@testable import FazhiCore

/// The draft comparison a reviewer reads and the search snippet a citizen reads (issue 17).
@Suite struct TextDiffTests {
    /// The longest common subsequence by brute force over small inputs: the oracle for minimality.
    static func lcs(_ a: [String], _ b: [String]) -> Int {
        if a.isEmpty || b.isEmpty { return 0 }
        if a[0] == b[0] { return 1 + lcs(Array(a.dropFirst()), Array(b.dropFirst())) }
        return max(lcs(Array(a.dropFirst()), b), lcs(a, Array(b.dropFirst())))
    }

    @Test("3,000 generated pairs: kept + removed lines give the old text, kept + added the new, and as many lines are kept as can be")
    func reconstructsAndIsMinimal() {
        var random = SeededRandom(seed: 17_001)
        let vocabulary = ["第一条", "第二条 本办法自公布之日起施行。", "第三条", "", "（一）", "附件", "有效期五年"]
        for _ in 0..<3_000 {
            let a = (0..<Int.random(in: 0...7, using: &random)).map { _ in vocabulary.randomElement(using: &random)! }
            let b = (0..<Int.random(in: 0...7, using: &random)).map { _ in vocabulary.randomElement(using: &random)! }
            let old = a.joined(separator: "\n"), new = b.joined(separator: "\n")
            let diff = TextDiff.lines(from: old, to: new)
            #expect(diff.filter { $0.change != .added }.map(\.text) == TextDiff.split(old))
            #expect(diff.filter { $0.change != .removed }.map(\.text) == TextDiff.split(new))
            #expect(diff.filter { $0.change == .kept }.count == Self.lcs(TextDiff.split(old), TextDiff.split(new)))
        }
    }

    @Test("one changed article in a long document: the rest is kept, the article shows as removed then added")
    func oneArticle() {
        let articles = (1...300).map { "第\($0)条 内容\($0)" }
        var changed = articles
        changed[149] = "第150条 修改后的内容"
        let diff = TextDiff.lines(from: articles.joined(separator: "\n"), to: changed.joined(separator: "\n"))
        #expect(diff.count == 301)
        #expect(diff.filter { $0.change != .kept } == [TextDiff.Line(.removed, "第150条 内容150"), TextDiff.Line(.added, "第150条 修改后的内容")])
    }

    @Test("texts past the line limit are compared as all removed and all added, not with a table of their product")
    func pastTheLimit() {
        let a = (0..<(TextDiff.maximumLines + 1)).map { "a\($0)" }.joined(separator: "\n")
        let b = (0..<(TextDiff.maximumLines + 1)).map { "b\($0)" }.joined(separator: "\n")
        let diff = TextDiff.lines(from: a, to: b)
        #expect(diff.count == 2 * (TextDiff.maximumLines + 1) && diff.first?.change == .removed && diff.last?.change == .added)
    }

    @Test("a snippet is the first occurrence with its context, marked where it was cut")
    func snippet() throws {
        let text = String(repeating: "前文", count: 30) + "轻微违法行为不予处罚" + String(repeating: "后文", count: 30)
        let snippet = try #require(TextSnippet.around("不予处罚", in: text, context: 10))
        #expect(snippet.match == "不予处罚" && snippet.before == "…前文前文轻微违法行为" && snippet.after.hasPrefix("后文") && snippet.after.hasSuffix("…"))
        #expect(TextSnippet.around("没有的词", in: text) == nil)
        #expect(TextSnippet.around("ABC", in: "xxabcxx")?.match == "abc")
        #expect(TextSnippet.around("短", in: "短")?.before == "")
    }
}
