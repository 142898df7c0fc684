import FazhiCore
import Foundation

/// A case-file review rubric (评查标准): veto items, any of which fails a file outright (不合格卷),
/// and scored items adding up to 100. 🏷 No national standard exists; the default follows the
/// common sector standard (docs/law.md §6: 基本标准 veto items, 卷面 20 + 内容 80 points), and the
/// organiser edits it per campaign.
public struct Rubric: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var code: String
        public var title: String
        public var veto: Bool
        public var points: Int

        public init(code: String, title: String, veto: Bool, points: Int) {
            self.code = code
            self.title = title
            self.veto = veto
            self.points = points
        }
    }

    public var items: [Item]
    /// 🏷 Grade bands: at least `excellentFrom` is 优秀, at least `passFrom` 合格, below 不合格.
    public var excellentFrom: Int
    public var passFrom: Int

    public init(items: [Item], excellentFrom: Int = 90, passFrom: Int = 60) {
        self.items = items
        self.excellentFrom = excellentFrom
        self.passFrom = passFrom
    }

    public var vetoItems: [Item] { items.filter(\.veto) }
    public var scoredItems: [Item] { items.filter { !$0.veto } }

    public static let standard = Rubric(items: [
        Item(code: "F1", title: "执法主体不合法或者超越职权", veto: true, points: 0),
        Item(code: "F2", title: "执法人员不具备执法资格或者少于两人（行政处罚法第四十二条）", veto: true, points: 0),
        Item(code: "F3", title: "主要事实不清、证据不足", veto: true, points: 0),
        Item(code: "F4", title: "定性错误或者适用法律错误", veto: true, points: 0),
        Item(code: "F5", title: "违反法定程序，可能影响当事人权利（未告知、应听证未听证、应审核未审核）", veto: true, points: 0),
        Item(code: "S1", title: "卷面：案卷装订、目录、编号、文书填写规范", veto: false, points: 20),
        Item(code: "S2", title: "证据：收集程序合法，证据链完整", veto: false, points: 20),
        Item(code: "S3", title: "程序：立案、调查、告知、审核、决定、送达环节完整及时", veto: false, points: 25),
        Item(code: "S4", title: "法律适用与裁量：依据准确，裁量适当，说明理由", veto: false, points: 20),
        Item(code: "S5", title: "执行与结案：执行到位，按时结案归档", veto: false, points: 15),
    ])

    /// Everything wrong with the rubric, in Chinese.
    public func problems() -> [String] {
        var problems: [String] = []
        var seen = Set<String>()
        for item in items {
            if item.code.isEmpty || item.title.isEmpty { problems.append("每一项都要有编号和内容") }
            if !seen.insert(item.code).inserted { problems.append("编号“\(item.code)”重复") }
            if !item.veto && item.points <= 0 { problems.append("评分项“\(item.code)”的分值应大于0") }
        }
        let total = scoredItems.reduce(0) { $0 + $1.points }
        if total != 100 { problems.append("评分项分值合计应为100分，现为\(total)分") }
        if !(0...100).contains(passFrom) || !(passFrom...100).contains(excellentFrom) { problems.append("等次分数线应满足 0 ≤ 合格 ≤ 优秀 ≤ 100") }
        return problems
    }

    /// One line per item: `否决|F1|内容` or `评分|S1|内容|20`; a last line `等次|90|60` sets the bands.
    public var text: String {
        (items.map { $0.veto ? "否决|\($0.code)|\($0.title)" : "评分|\($0.code)|\($0.title)|\($0.points)" } + ["等次|\(excellentFrom)|\(passFrom)"]).joined(separator: "\n")
    }

    public static func parse(_ text: String) -> (Rubric?, [String]) {
        var items: [Item] = []
        var excellent = 90, pass = 60
        var problems: [String] = []
        for (index, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            switch (parts.first, parts.count) {
            case ("否决", 3): items.append(Item(code: parts[1], title: parts[2], veto: true, points: 0))
            case ("评分", 4):
                guard let points = Int(parts[3]) else { problems.append("第\(index + 1)行：分值“\(parts[3])”应为整数"); continue }
                items.append(Item(code: parts[1], title: parts[2], veto: false, points: points))
            case ("等次", 3):
                guard let e = Int(parts[1]), let p = Int(parts[2]) else { problems.append("第\(index + 1)行：等次分数线应为整数"); continue }
                excellent = e
                pass = p
            default: problems.append("第\(index + 1)行：应为“否决|编号|内容”“评分|编号|内容|分值”或“等次|优秀分|合格分”")
            }
        }
        let rubric = Rubric(items: items, excellentFrom: excellent, passFrom: pass)
        problems += rubric.problems()
        return problems.isEmpty ? (rubric, []) : (nil, problems)
    }

    public enum Grade: String, Sendable, CaseIterable {
        case excellent, pass, fail

        public var label: String {
            switch self {
            case .excellent: return "优秀"
            case .pass: return "合格"
            case .fail: return "不合格"
            }
        }
    }

    public func grade(total: Int, vetoed: Bool) -> Grade {
        if vetoed || total < passFrom { return .fail }
        return total >= excellentFrom ? .excellent : .pass
    }
}
