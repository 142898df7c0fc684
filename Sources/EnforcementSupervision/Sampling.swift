import FazhiCore
import Foundation

/// One closed case file that a review campaign may draw (案卷评查的抽样总体中的一卷).
public struct ReviewableFile: Codable, Sendable, Equatable {
    public var id: String
    public var caseNumber: String
    public var unitCode: String
    public var unitName: String
    /// The case type, one stratum dimension: "行政处罚（普通程序）", "行政处罚（简易程序）" …
    public var kind: String
    public var closedOn: String

    public init(id: String, caseNumber: String, unitCode: String, unitName: String, kind: String, closedOn: String) {
        self.id = id
        self.caseNumber = caseNumber
        self.unitCode = unitCode
        self.unitName = unitName
        self.kind = kind
        self.closedOn = closedOn
    }

    public var stratum: String { "\(unitCode)|\(kind)" }
}

/// The published sampling rule of a review campaign. Anyone holding the population list and the
/// seed re-runs it and gets the same files (`fazhi review-sample`, docs/supervision.md):
///
/// 1. Files are grouped by stratum: unit code and case type (`单位编码|类型`); strata are taken in
///    the order of their keys, files within a stratum in the order of their case numbers (both by
///    Unicode code points).
/// 2. A stratum of N files gives n = min(N, max(minimum, ⌈N × rate ÷ 100⌉)) files.
/// 3. Each stratum has its own generator: SplitMix64 seeded with `seed XOR FNV-1a-64(stratum key in UTF-8)`.
/// 4. A partial Fisher–Yates shuffle: for i in 0..<n, j = i + (next() mod (N − i)), swap files i and j;
///    the first n files are the sample.
public struct StratifiedSample: Sendable, Equatable {
    public var seed: UInt64
    public var ratePercent: Int
    public var minimumPerStratum: Int

    public init(seed: UInt64, ratePercent: Int, minimumPerStratum: Int) {
        self.seed = seed
        self.ratePercent = ratePercent
        self.minimumPerStratum = minimumPerStratum
    }

    public struct Stratum: Sendable, Equatable {
        public var key: String
        public var population: Int
        public var drawn: [ReviewableFile]
    }

    /// FNV-1a, 64-bit: a hash that is the same on every machine and in every language.
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    public func size(of population: Int) -> Int {
        guard population > 0 else { return 0 }
        let share = (population * ratePercent + 99) / 100
        return min(population, max(minimumPerStratum, share))
    }

    public func draw(_ files: [ReviewableFile]) -> [Stratum] {
        let groups = Dictionary(grouping: files, by: \.stratum)
        return groups.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }.map { key in
            var members = groups[key]!.sorted { $0.caseNumber.unicodeScalars.lexicographicallyPrecedes($1.caseNumber.unicodeScalars) }
            let n = size(of: members.count)
            var random = SeededRandom(seed: seed ^ Self.fnv1a(key))
            for i in 0..<n {
                let j = i + Int(random.next() % UInt64(members.count - i))
                members.swapAt(i, j)
            }
            return Stratum(key: key, population: members.count, drawn: Array(members.prefix(n)))
        }
    }

    /// The population as the CSV the campaign page publishes and `fazhi review-sample` reads.
    public static let csvHeader = ["案卷标识", "案号", "单位编码", "单位", "类型", "结案日期"]

    public static func csv(_ files: [ReviewableFile]) -> Data {
        CSVReader.write(headers: csvHeader, rows: files.map { [$0.id, $0.caseNumber, $0.unitCode, $0.unitName, $0.kind, $0.closedOn] })
    }

    /// Reads the published population back (the columns of `csvHeader`, by name).
    public static func population(from table: ImportTable) throws -> [ReviewableFile] {
        var problems: [String] = []
        for name in csvHeader where !table.headers.contains(name) { problems.append("缺少列“\(name)”") }
        guard problems.isEmpty else { throw CommandFailure("抽样总体文件有误：" + problems.joined(separator: "；")) }
        return table.rows.map { row in
            ReviewableFile(id: table.value(row, "案卷标识"), caseNumber: table.value(row, "案号"), unitCode: table.value(row, "单位编码"), unitName: table.value(row, "单位"),
                           kind: table.value(row, "类型"), closedOn: table.value(row, "结案日期"))
        }
    }
}

/// Who reviews which file: never a file of the reviewer's own unit, its sub-units or the unit above
/// it; each file goes to the eligible reviewer with the fewest files so far (ties: login name).
public enum ReviewerAssignment {
    public struct Reviewer: Sendable, Equatable {
        public var id: UUID
        public var loginName: String
        public var unitPath: String

        public init(id: UUID, loginName: String, unitPath: String) {
            self.id = id
            self.loginName = loginName
            self.unitPath = unitPath
        }
    }

    public static func conflicts(reviewerPath: String, filePath: String) -> Bool {
        filePath.hasPrefix(reviewerPath) || reviewerPath.hasPrefix(filePath)
    }

    /// For each file (by its unit path) the reviewer, or nil where nobody is eligible.
    public static func assign(filePaths: [String], reviewers: [Reviewer]) -> [Reviewer?] {
        var load: [UUID: Int] = [:]
        let ordered = reviewers.sorted { $0.loginName < $1.loginName }
        return filePaths.map { path in
            let eligible = ordered.filter { !conflicts(reviewerPath: $0.unitPath, filePath: path) }
            guard let chosen = eligible.min(by: { load[$0.id, default: 0] < load[$1.id, default: 0] }) else { return nil }
            load[chosen.id, default: 0] += 1
            return chosen
        }
    }
}
