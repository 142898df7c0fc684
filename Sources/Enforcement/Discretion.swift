import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Vapor

/// The five tiers of a discretion benchmark (行政裁量权基准).
public enum DiscretionTier: String, Codable, Sendable, CaseIterable {
    case noPenalty, mitigated, lighter, general, heavier

    public var label: String {
        switch self {
        case .noPenalty: return "不予处罚"
        case .mitigated: return "减轻处罚"
        case .lighter: return "从轻处罚"
        case .general: return "一般处罚"
        case .heavier: return "从重处罚"
        }
    }

    public init?(label: String) {
        guard let tier = Self.allCases.first(where: { $0.label == label || $0.rawValue == label || $0.label.hasPrefix(label) }) else { return nil }
        self = tier
    }
}

/// What the case file shows about the party's conduct: the facts 行政处罚法第三十二条、第三十三条 turn on.
public enum Circumstance: String, Codable, Sendable, CaseIterable {
    case firstOffence, minorHarm, corrected, reducedHarm, coerced, confessed, meritorious, aggravating

    public var label: String {
        switch self {
        case .firstOffence: return "初次违法"
        case .minorHarm: return "危害后果轻微"
        case .corrected: return "及时改正"
        case .reducedHarm: return "主动消除或者减轻违法行为危害后果（第三十二条第一项）"
        case .coerced: return "受他人胁迫或者诱骗实施违法行为（第三十二条第二项）"
        case .confessed: return "主动供述行政机关尚未掌握的违法行为（第三十二条第三项）"
        case .meritorious: return "配合行政机关查处违法行为有立功表现（第三十二条第四项）"
        case .aggravating: return "从重情节（屡教不改、造成严重后果等，依基准所列）"
        }
    }

    /// 第三十二条: 应当从轻或者减轻.
    static let article32: Set<Circumstance> = [.reducedHarm, .coerced, .confessed, .meritorious]
}

/// One tier of a benchmark: its condition in words and its fine range in 元.
public struct BenchmarkTier: Codable, Sendable, Equatable {
    public var tier: DiscretionTier
    public var condition: String
    public var minYuan: Int?
    public var maxYuan: Int?

    public init(tier: DiscretionTier, condition: String, minYuan: Int?, maxYuan: Int?) {
        self.tier = tier
        self.condition = condition
        self.minYuan = minYuan
        self.maxYuan = maxYuan
    }

    public var rangeText: String {
        switch (minYuan, maxYuan) {
        case (nil, nil): return tier == .noPenalty ? "不予处罚" : "—"
        case (let low?, let high?): return "\(low)—\(high)元"
        case (let low?, nil): return "\(low)元以上"
        case (nil, let high?): return "\(high)元以下"
        }
    }

    public func contains(_ fine: Int?) -> Bool {
        guard tier != .noPenalty else { return fine == nil || fine == 0 }
        guard let fine else { return minYuan == nil }
        return fine >= (minYuan ?? 0) && fine <= (maxYuan ?? Int.max)
    }
}

/// A discretion benchmark for one violation, versioned by effective date (行政处罚法第三十四条:
/// 裁量基准应当向社会公布 — it is on the public site).
public final class DiscretionBenchmark: Model, @unchecked Sendable {
    public static let schema = "discretion_benchmarks"

    @ID(key: .id) public var id: UUID?
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "code") public var code: String
    @Field(key: "violation") public var violation: String
    @Field(key: "basis") public var basis: String
    @Field(key: "version") public var version: Int
    @Field(key: "effective_from") public var effectiveFrom: String
    @OptionalField(key: "effective_to") public var effectiveTo: String?
    @Field(key: "tiers") public var tiersJSON: String
    @Field(key: "created_by") public var createdBy: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var tiers: [BenchmarkTier] { (try? JSONDecoder().decode([BenchmarkTier].self, from: Data(tiersJSON.utf8))) ?? [] }
    public func tier(_ tier: DiscretionTier) -> BenchmarkTier? { tiers.first { $0.tier == tier } }
}

/// Which list a lenience item is on (包容审慎监管 "四张清单" and 首违不罚).
public enum LenienceList: String, Codable, Sendable, CaseIterable {
    case firstViolation, noPenalty, lighter, mitigated, noCoercion

    public var label: String {
        switch self {
        case .firstViolation: return "首违不罚清单"
        case .noPenalty: return "不予处罚事项清单"
        case .lighter: return "从轻处罚事项清单"
        case .mitigated: return "减轻处罚事项清单"
        case .noCoercion: return "免予行政强制事项清单"
        }
    }

    /// The tier a case must take when it applies an item of this list.
    public var requiredTier: DiscretionTier? {
        switch self {
        case .firstViolation, .noPenalty: return .noPenalty
        case .lighter: return .lighter
        case .mitigated: return .mitigated
        case .noCoercion: return nil
        }
    }
}

/// One item of a lenience list: a violation, its conditions and basis.
public final class LenienceItem: Model, @unchecked Sendable {
    public static let schema = "lenience_items"

    @ID(key: .id) public var id: UUID?
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "code") public var code: String
    @Field(key: "list") public var list: String
    @Field(key: "violation") public var violation: String
    @Field(key: "conditions") public var conditions: String
    @Field(key: "basis") public var basis: String
    @Field(key: "active") public var active: Bool
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var listValue: LenienceList { LenienceList(rawValue: list) ?? .noPenalty }
}

/// What the officer records at decision time about discretion.
public struct DiscretionInput: Sendable, Equatable {
    public var benchmarkCode: String?
    public var circumstances: Set<Circumstance>
    public var tier: DiscretionTier?
    public var outsideReason: String?
    public var lenienceCode: String?
    public var lenienceReason: String?

    public init(benchmarkCode: String?, circumstances: Set<Circumstance> = [], tier: DiscretionTier?, outsideReason: String? = nil,
                lenienceCode: String? = nil, lenienceReason: String? = nil) {
        self.benchmarkCode = benchmarkCode
        self.circumstances = circumstances
        self.tier = tier
        self.outsideReason = outsideReason
        self.lenienceCode = lenienceCode
        self.lenienceReason = lenienceReason
    }
}

/// The platform's proposal: the tiers the recorded circumstances allow, and why.
public struct DiscretionProposal: Sendable, Equatable {
    public var tiers: [DiscretionTier]
    public var reason: String

    /// 第三十三条第一款: 初次违法且危害后果轻微并及时改正的，可以不予行政处罚.
    /// 第三十二条: 应当从轻或者减轻. Aggravating circumstances alone: 从重 (as the benchmark lists them).
    public static func propose(_ circumstances: Set<Circumstance>) -> DiscretionProposal {
        if circumstances.isSuperset(of: [.firstOffence, .minorHarm, .corrected]) {
            return DiscretionProposal(tiers: [.noPenalty, .lighter, .mitigated], reason: "初次违法且危害后果轻微并及时改正，可以不予行政处罚（行政处罚法第三十三条第一款）")
        }
        let mitigating = circumstances.intersection(Circumstance.article32)
        if !mitigating.isEmpty {
            return DiscretionProposal(tiers: [.lighter, .mitigated], reason: "有行政处罚法第三十二条规定的情形，应当从轻或者减轻处罚")
        }
        if circumstances.contains(.aggravating) {
            return DiscretionProposal(tiers: [.heavier], reason: "有裁量基准所列从重情节，且无从轻、减轻情形")
        }
        return DiscretionProposal(tiers: [.general], reason: "无法定从轻、减轻、不予处罚情形，亦无从重情节，按一般处罚")
    }
}

extension EnforcementMigrations {
    struct CreateDiscretion: AsyncMigration {
        var name: String { "enforcement.005.discretion" }

        func prepare(on database: any Database) async throws {
            try await database.schema("discretion_benchmarks")
                .id()
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("code", .string, .required)
                .field("violation", .string, .required)
                .field("basis", .string, .required)
                .field("version", .int, .required)
                .field("effective_from", .string, .required)
                .field("effective_to", .string)
                .field("tiers", .string, .required)
                .field("created_by", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "code", "version")
                .create()
            try await database.schema("lenience_items")
                .id()
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("code", .string, .required)
                .field("list", .string, .required)
                .field("violation", .string, .required)
                .field("conditions", .string, .required)
                .field("basis", .string, .required)
                .field("active", .bool, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "code")
                .create()
            for column in ["benchmark_id", "discretion_tier", "proposed_tiers", "circumstances", "outside_reason", "lenience_item_id", "lenience_reason",
                           "impact_assessed_on", "impact_assessment", "hearing_notice_on", "hearing_on"] {
                try await database.sql.raw("ALTER TABLE penalty_cases ADD COLUMN \(unsafeRaw: column) TEXT").run()
            }
            try await database.sql.raw("ALTER TABLE penalty_cases ADD COLUMN outside_benchmark BOOLEAN NOT NULL DEFAULT FALSE").run()
        }

        func revert(on database: any Database) async throws {
            for column in ["benchmark_id", "discretion_tier", "proposed_tiers", "circumstances", "outside_reason", "lenience_item_id", "lenience_reason",
                           "impact_assessed_on", "impact_assessment", "hearing_notice_on", "hearing_on", "outside_benchmark"] {
                try await database.sql.raw("ALTER TABLE penalty_cases DROP COLUMN \(unsafeRaw: column)").run()
            }
            try await database.schema("lenience_items").delete()
            try await database.schema("discretion_benchmarks").delete()
        }
    }
}

public enum DiscretionService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// `从轻|主动消除危害后果|1000|3000` per line; an empty amount means no bound.
    public static func parseTiers(_ text: String) -> ([BenchmarkTier], [String]) {
        var tiers: [BenchmarkTier] = []
        var problems: [String] = []
        for (index, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 4, let tier = DiscretionTier(label: parts[0]) else {
                problems.append("第\(index + 1)行：应为“档次|适用条件|最低罚款|最高罚款”，档次为不予处罚、减轻、从轻、一般、从重之一")
                continue
            }
            let low = parts[2].isEmpty ? nil : Int(parts[2]), high = parts[3].isEmpty ? nil : Int(parts[3])
            if (!parts[2].isEmpty && low == nil) || (!parts[3].isEmpty && high == nil) { problems.append("第\(index + 1)行：罚款数额应为整数（元）"); continue }
            if let low, let high, low > high { problems.append("第\(index + 1)行：最低罚款不能高于最高罚款") }
            if let low, low < 0 { problems.append("第\(index + 1)行：罚款不能为负数") }
            if tier == .noPenalty && (low != nil || high != nil) { problems.append("第\(index + 1)行：不予处罚档不能有罚款数额") }
            if parts[1].isEmpty { problems.append("第\(index + 1)行：须写明适用条件") }
            if tiers.contains(where: { $0.tier == tier }) { problems.append("第\(index + 1)行：“\(tier.label)”档重复") }
            tiers.append(BenchmarkTier(tier: tier, condition: parts[1], minYuan: low, maxYuan: high))
        }
        if !tiers.contains(where: { $0.tier == .general }) { problems.append("须有“一般处罚”档") }
        // 🏷 The usual local rule (docs/law.md §4): 从轻 below 一般, 从重 not below 一般.
        if let general = tiers.first(where: { $0.tier == .general }) {
            if let lighter = tiers.first(where: { $0.tier == .lighter }), let top = lighter.maxYuan, let floor = general.minYuan, top > floor {
                problems.append("从轻处罚档的最高额（\(top)元）不应高于一般处罚档的最低额（\(floor)元）")
            }
            if let heavier = tiers.first(where: { $0.tier == .heavier }), let floor = heavier.minYuan, let top = general.maxYuan, floor < top {
                problems.append("从重处罚档的最低额（\(floor)元）不应低于一般处罚档的最高额（\(top)元）")
            }
        }
        return (DiscretionTier.allCases.compactMap { tier in tiers.first { $0.tier == tier } }, problems)
    }

    /// Adds a benchmark, or a new version of one: the previous version ends the day before.
    @discardableResult
    public static func publish(code: String?, unitCode: String?, violation: String?, basis: String?, effectiveFrom: String?, tiers text: String?,
                               by principal: Principal, services: FazhiServices, on db: any Database) async throws -> DiscretionBenchmark {
        var validator = Validator()
        let code = validator.required(code, field: "code", label: "违法行为编码", maxLength: 40)
        let unitCode = validator.required(unitCode, field: "unitCode", label: "制定单位编码", maxLength: 32)
        let violation = validator.required(violation, field: "violation", label: "违法行为", maxLength: 200)
        let basis = validator.required(basis, field: "basis", label: "处罚依据", maxLength: 500)
        let from = CivilDate((effectiveFrom ?? "").trimmingCharacters(in: .whitespaces))
        if from == nil { validator.add("effectiveFrom", "施行日期", FormFields.dateRule) }
        let (tiers, problems) = parseTiers(text ?? "")
        if !problems.isEmpty { validator.add("tiers", "裁量档次", problems.joined(separator: "；")) }
        var unit: OrgUnit?
        if !unitCode.isEmpty { unit = try await UnitService.find(code: unitCode, on: db); if unit == nil { validator.add("unitCode", "制定单位编码", "没有编码为“\(unitCode)”的单位") } }
        try validator.check()
        guard let unit, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: unitCode) }
        let tiersJSON = String(decoding: try JSONEncoder().encode(tiers), as: UTF8.self)
        return try await db.write { tx in
            let previous = try await DiscretionBenchmark.query(on: tx).filter(\.$code == code).sort(\.$version, .descending).first()
            if let previous {
                guard from!.description > previous.effectiveFrom else {
                    throw fail("effectiveFrom", "施行日期", "新版本的施行日期须晚于第\(previous.version)版的施行日期 \(previous.effectiveFrom)")
                }
                guard previous.unitID == unit.id! else { throw fail("code", "违法行为编码", "“\(code)”是其他单位制定的裁量基准") }
                previous.effectiveTo = from!.adding(days: -1).description
                try await previous.update(on: tx)
            }
            let row = DiscretionBenchmark()
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.code = code
            row.violation = violation
            row.basis = basis
            row.version = (previous?.version ?? 0) + 1
            row.effectiveFrom = from!.description
            row.tiersJSON = tiersJSON
            row.createdBy = principal.auditActor.name
            row.createdAt = services.now
            try await row.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "enforcement.benchmark-publish", entityType: "discretion_benchmark", entityID: row.id!.uuidString,
                                                 detail: "\(code) \(violation) 第\(row.version)版，\(from!)施行：" + tiers.map { "\($0.tier.label) \($0.rangeText)" }.joined(separator: "；")),
                                      by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }

    /// The version of a benchmark in force on a day.
    public static func benchmark(code: String, on day: CivilDate, db: any Database) async throws -> DiscretionBenchmark? {
        try await DiscretionBenchmark.query(on: db).filter(\.$code == code).filter(\.$effectiveFrom <= day.description).sort(\.$version, .descending).all()
            .first { $0.effectiveTo == nil || $0.effectiveTo! >= day.description }
    }

    @discardableResult
    public static func addLenienceItem(code: String?, unitCode: String?, list: String?, violation: String?, conditions: String?, basis: String?,
                                       by principal: Principal, services: FazhiServices, on db: any Database) async throws -> LenienceItem {
        var validator = Validator()
        let code = validator.required(code, field: "code", label: "事项编码", maxLength: 40)
        let unitCode = validator.required(unitCode, field: "unitCode", label: "制定单位编码", maxLength: 32)
        let kind = LenienceList(rawValue: list ?? "")
        if kind == nil { validator.add("list", "清单", "请选择清单") }
        let violation = validator.required(violation, field: "violation", label: "违法行为", maxLength: 200)
        let conditions = validator.required(conditions, field: "conditions", label: "适用条件", maxLength: 500)
        let basis = validator.required(basis, field: "basis", label: "依据", maxLength: 500)
        var unit: OrgUnit?
        if !unitCode.isEmpty { unit = try await UnitService.find(code: unitCode, on: db); if unit == nil { validator.add("unitCode", "制定单位编码", "没有编码为“\(unitCode)”的单位") } }
        try validator.check()
        guard let unit, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: unitCode) }
        return try await db.write { tx in
            if try await LenienceItem.query(on: tx).filter(\.$code == code).count() > 0 { throw fail("code", "事项编码", "“\(code)”已存在") }
            let item = LenienceItem()
            item.unitID = unit.id!
            item.unitPath = unit.path
            item.code = code
            item.list = kind!.rawValue
            item.violation = violation
            item.conditions = conditions
            item.basis = basis
            item.active = true
            item.createdAt = services.now
            try await item.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "enforcement.lenience-add", entityType: "lenience_item", entityID: item.id!.uuidString,
                                                 detail: "\(kind!.label)：\(code) \(violation)"), by: principal.auditActor, at: services.now, on: tx)
            return item
        }
    }

    /// Checks a decision against its benchmark and lenience item; returns what to store on the case.
    /// A decision outside the proposed tiers or the tier's range needs a written reason and is
    /// flagged to supervision.
    static func evaluate(_ input: DiscretionInput, fine: Int?, penalty: Bool, on day: CivilDate, db: any Database)
        async throws -> (benchmark: DiscretionBenchmark?, tier: DiscretionTier?, proposal: DiscretionProposal, outside: Bool, lenience: LenienceItem?) {
        let proposal = DiscretionProposal.propose(input.circumstances)
        var lenience: LenienceItem?
        if let code = input.lenienceCode?.trimmingCharacters(in: .whitespaces).nilIfEmpty {
            guard let item = try await LenienceItem.query(on: db).filter(\.$code == code).filter(\.$active == true).first() else {
                throw fail("lenienceCode", "清单事项", "没有在用的清单事项“\(code)”")
            }
            guard !(input.lenienceReason ?? "").trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("lenienceReason", "适用理由", "适用\(item.listValue.label)事项须写明符合哪些条件")
            }
            if let required = item.listValue.requiredTier {
                if required == .noPenalty && penalty { throw fail("penalty", "决定类型", "适用\(item.listValue.label)的，应当作出不予行政处罚决定") }
                if required != .noPenalty, input.tier != required { throw fail("tier", "裁量档次", "适用\(item.listValue.label)的，裁量档次应为“\(required.label)”") }
            }
            lenience = item
        }
        guard let code = input.benchmarkCode?.trimmingCharacters(in: .whitespaces).nilIfEmpty else {
            return (nil, input.tier, proposal, false, lenience)
        }
        guard let benchmark = try await benchmark(code: code, on: day, db: db) else {
            throw fail("benchmarkCode", "裁量基准", "没有\(day)施行的违法行为编码为“\(code)”的裁量基准")
        }
        let tier = input.tier ?? (penalty ? nil : .noPenalty)
        guard let tier else { throw fail("tier", "裁量档次", "请选择裁量档次（平台建议：\(proposal.tiers.map(\.label).joined(separator: "或"))）") }
        if tier == .noPenalty && penalty { throw fail("tier", "裁量档次", "选择“不予处罚”档的，应当作出不予行政处罚决定") }
        if tier != .noPenalty && !penalty { throw fail("tier", "裁量档次", "不予行政处罚决定应选择“不予处罚”档") }
        var outside = !proposal.tiers.contains(tier)
        if let band = benchmark.tier(tier) { if !band.contains(fine) { outside = true } } else { outside = true }
        if outside && (input.outsideReason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            let band = benchmark.tier(tier)?.rangeText ?? "基准未设此档"
            throw fail("outsideReason", "偏离基准的理由",
                       "决定不在裁量基准建议的范围内（建议：\(proposal.tiers.map { "\($0.label) \(benchmark.tier($0)?.rangeText ?? "")" }.joined(separator: "、"))；所选：\(tier.label) \(band)），须书面说明理由，并将报送执法监督机构")
        }
        return (benchmark, tier, proposal, outside, lenience)
    }
}

/// Discretion figures: decisions outside the benchmark (flagged to supervision), lenience.
enum DiscretionMetrics {
    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "enforcement.decisions-outside-benchmark", label: "偏离裁量基准的决定",
                             definition: "本年度作出的行政处罚决定中，裁量档次或罚款数额不在裁量基准建议范围内（已书面说明理由并报送执法监督）的件数", unit: .piece, compute: { scope, db in
                .count(try await PenaltyMetrics.decided(scope, on: db)["outside"] ?? 0)
            }, records: .query({ scope, db in PenaltyMetrics.cases(scope, db, by: \.$decidedOn).filter(\.$outsideBenchmark == true) }, PenaltyMetrics.ref)),
            MetricDefinition(key: "enforcement.lenience-items", label: "包容审慎监管清单事项", definition: "年末在用的首违不罚清单和四张清单事项数", unit: .item, compute: { scope, db in
                let query = LenienceItem.query(on: db).filter(\.$active == true).filter(\.$createdAt < scope.interval.end)
                if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
                return .count(try await query.count())
            }, records: { scope, db in
                let query = LenienceItem.query(on: db).filter(\.$active == true).filter(\.$createdAt < scope.interval.end)
                if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
                return try await query.sort(\.$code).all().map { MetricRecordRef(id: $0.id!.uuidString, title: "\($0.code) \($0.violation)", link: EnforcementRoute.benchmarks.path()) }
            }),
            MetricDefinition(key: "enforcement.lenient-cases", label: "适用清单从宽处理的案件", definition: "本年度作出决定时适用首违不罚或四张清单事项的案件数", unit: .piece, compute: { scope, db in
                .count(try await PenaltyMetrics.decided(scope, on: db)["lenient"] ?? 0)
            }, records: .query({ scope, db in PenaltyMetrics.cases(scope, db, by: \.$decidedOn).filter(\.$lenienceItemID != nil) }, PenaltyMetrics.ref)),
        ]
    }
}
