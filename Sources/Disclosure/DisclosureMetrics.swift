import FazhiCore
import Fluent
import FluentSQL
import Foundation
import SQLKit

/// The 收到和处理政府信息公开申请情况 table of the yearly report (政府信息公开条例第五十条第（二）项;
/// 国办公开办函〔2021〕30号, docs/disclosure-report.md §4) as figures, one per cell: a row (new,
/// carried over, each answer, the total, carried into next year) by an applicant column (the five
/// classes of 法人或其他组织, 自然人, 总计). Each cell's records open from the report.
///
/// The year's rows are defined so that the table's identity holds by construction for every column:
/// 新收 (received in the year) + 上年结转 (received before it, unanswered on 1 January) = 办理结果总计
/// (answered in the year) + 结转下年度 (received by 31 December, unanswered then); an answer is
/// never dated before its request's receipt (`DisclosureRules.apply`).
public enum DisclosureMetrics {
    /// A column of the table.
    public enum Column: Sendable, CaseIterable, Equatable {
        case applicant(ApplicantClass)
        case total

        public static let allCases: [Column] = ApplicantClass.allCases.map(Column.applicant) + [.total]

        public var key: String {
            switch self {
            case .applicant(let kind): kebab(kind.rawValue)
            case .total: "total"
            }
        }

        public var label: String {
            switch self {
            case .applicant(let kind): kind.label
            case .total: "总计"
            }
        }
    }

    /// A row of the table.
    public enum Row: Sendable, Equatable {
        case new, carriedIn, outcome(DisclosureOutcome), answered, carriedOut

        public static let all: [Row] = [.new, .carriedIn] + DisclosureOutcome.allCases.map(Row.outcome) + [.answered, .carriedOut]

        public var key: String {
            switch self {
            case .new: "new"
            case .carriedIn: "carried-in"
            case .outcome(let outcome): kebab(outcome.rawValue)
            case .answered: "answered"
            case .carriedOut: "carried-out"
            }
        }

        /// The row's words in the national table.
        public var label: String {
            switch self {
            case .new: "一、本年新收政府信息公开申请数量"
            case .carriedIn: "二、上年结转政府信息公开申请数量"
            case .outcome(let outcome):
                switch outcome.group {
                case .disclosed, .partly: "三、本年度办理结果 \(outcome.group.rawValue)"
                default: "三、本年度办理结果 \(outcome.group.rawValue) \(outcome.number).\(outcome.label)"
                }
            case .answered: "三、本年度办理结果 （七）总计"
            case .carriedOut: "四、结转下年度继续办理"
            }
        }

        var definition: String {
            switch self {
            case .new: "本年度收到的申请（收到申请之日按政府信息公开条例第三十一条确定）"
            case .carriedIn: "上年度及以前收到、至本年1月1日尚未答复的申请"
            case .outcome(let outcome): "本年度作出答复、答复结果为“\(outcome.label)”的申请（\(outcome.basis)）"
            case .answered: "本年度作出答复的申请（含上年结转的）"
            case .carriedOut: "本年12月31日前收到、至年末尚未答复的申请"
            }
        }
    }

    public static func key(_ row: Row, _ column: Column) -> String { "disclosure.requests.\(row.key).\(column.key)" }

    /// "naturalPerson" → "natural-person": figure keys are lower case.
    static func kebab(_ camel: String) -> String {
        camel.reduce(into: "") { out, char in
            if char.isUppercase { out += "-" + char.lowercased() } else { out.append(char) }
        }
    }

    static func bounds(_ scope: MetricScope) -> (String, String) { ("\(scope.year)-01-01", "\(scope.year + 1)-01-01") }

    static func base(_ scope: MetricScope, on db: any Database) -> QueryBuilder<DisclosureRequest> {
        let query = DisclosureRequest.query(on: db)
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    /// The requests behind a row, all columns.
    static func rows(_ row: Row, _ scope: MetricScope, on db: any Database) -> QueryBuilder<DisclosureRequest> {
        let (start, end) = bounds(scope)
        switch row {
        case .new:
            return base(scope, on: db).filter(\.$receivedOn >= start).filter(\.$receivedOn < end)
        case .carriedIn:
            return base(scope, on: db).filter(\.$receivedOn < start).group(.or) { $0.filter(\.$answeredOn == nil).filter(\.$answeredOn >= start) }
        case .outcome(let outcome):
            return base(scope, on: db).filter(\.$answeredOn >= start).filter(\.$answeredOn < end).filter(\.$outcome == outcome.rawValue)
        case .answered:
            return base(scope, on: db).filter(\.$answeredOn >= start).filter(\.$answeredOn < end)
        case .carriedOut:
            return base(scope, on: db).filter(\.$receivedOn < end).group(.or) { $0.filter(\.$answeredOn == nil).filter(\.$answeredOn >= end) }
        }
    }

    static func cell(_ row: Row, _ column: Column, _ scope: MetricScope, on db: any Database) -> QueryBuilder<DisclosureRequest> {
        let query = rows(row, scope, on: db)
        if case .applicant(let kind) = column { query.filter(\.$applicantClass == kind.rawValue) }
        return query
    }

    /// The requests received by the year's end, by applicant class, flagged new (received in the
    /// year), carried in (received before it, unanswered on 1 January) and carried out (unanswered
    /// on 31 December): one statement for the table's rows 一, 二 and 四.
    static func intakeTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        let (start, end) = bounds(scope)
        return try await MetricFamilyCache.table("disclosure.intake", scope: scope, groupedBy: ["applicant_class"], flags: [
            ("new", scope.inYear("received_on")),
            ("carried_in", SQLQueryString("received_on < \(bind: start) AND (answered_on IS NULL OR answered_on >= \(bind: start))")),
            ("carried_out", SQLQueryString("answered_on IS NULL OR answered_on >= \(bind: end)")),
        ]) {
            scope.rows(of: DisclosureRequest.schema, dated: nil, path: "unit_path", on: db).where(SQLIdentifier("received_on"), .lessThan, SQLBind(end))
        }
    }

    /// The year's answers by applicant class and outcome, flagged answered within the period,
    /// extended and consulted, with the fees summed: one statement for row 三 and the answer figures.
    static func answeredTable(_ scope: MetricScope, on db: any Database) async throws -> FamilyTable {
        try await MetricFamilyCache.table("disclosure.answered", scope: scope, groupedBy: ["applicant_class", "outcome"], flags: [
            ("on_time", SQLRaw("answered_on <= answer_due_on")),
            ("extended", SQLRaw("extended_on IS NOT NULL")),
            ("consulted", SQLRaw("consultations <> ''")),
        ], summing: ["fee_yuan"]) {
            scope.rows(of: DisclosureRequest.schema, dated: "answered_on", path: "unit_path", on: db)
        }
    }

    static func value(_ row: Row, _ column: Column, _ scope: MetricScope, on db: any Database) async throws -> Int {
        var inColumn: @Sendable (FamilyTable.Row) -> Bool = { _ in true }
        if case .applicant(let kind) = column { inColumn = FamilyTable.matching("applicant_class", [kind.rawValue]) }
        func flagged(_ flag: String) async throws -> Int { try await intakeTable(scope, on: db).count { inColumn($0) && $0.has(flag) } }
        switch row {
        case .new: return try await flagged("new")
        case .carriedIn: return try await flagged("carried_in")
        case .carriedOut: return try await flagged("carried_out")
        case .outcome(let outcome): return try await answeredTable(scope, on: db).count { inColumn($0) && $0["outcome"] == outcome.rawValue }
        case .answered: return try await answeredTable(scope, on: db).count(where: inColumn)
        }
    }

    @Sendable static func ref(_ row: DisclosureRequest) -> MetricRecordRef {
        MetricRecordRef(id: row.id!.uuidString, title: "\(row.number) \(row.applicantMasked)（收到\(row.receivedOn)\(row.answeredOn.map { "，答复\($0)" } ?? "")）", link: row.link)
    }

    static var table: [MetricDefinition] {
        Row.all.flatMap { row in
            Column.allCases.map { column in
                MetricDefinition(key: key(row, column), label: "\(row.label)（\(column.label)）", definition: row.definition + (column == .total ? "" : "，申请人为\(column.label)"),
                                 unit: .piece, compute: { scope, db in .count(try await value(row, column, scope, on: db)) },
                                 records: .query({ scope, db in cell(row, column, scope, on: db).sort(\.$receivedOn) }, ref))
            }
        }
    }

    /// Answered in the year within the period (stored with each step: `answer_due_on`).
    static func answered(_ scope: MetricScope, on db: any Database) -> QueryBuilder<DisclosureRequest> { rows(.answered, scope, on: db) }

    public static var all: [MetricDefinition] {
        table + [
            MetricDefinition(key: "disclosure.on-time-rate", label: "依申请公开按时答复率",
                             definition: "本年度答复的申请中在答复期限内（20个工作日，经批准延长不超过20个工作日，补正、征求意见期间不计，政府信息公开条例第三十三条）答复的件数 ÷ 本年度答复件数 × 100%；逾期不补正视为放弃的不计",
                             unit: .percent, compute: { scope, db in
                try await answeredTable(scope, on: db).ratio(where: { $0.has("on_time") }, among: { $0["outcome"] != DisclosureOutcome.notCorrected.rawValue })
            }, records: .query({ scope, db in
                answered(scope, on: db).filter(\.$outcome != DisclosureOutcome.notCorrected.rawValue).group(.or) {
                    $0.filter(\.$answerDueOn == nil).filter(\.$answeredOn, .greaterThan, \.$answerDueOn)
                }.sort(\.$receivedOn)
            }, ref)),
            MetricDefinition(key: "disclosure.extended", label: "延长答复期限的申请", definition: "本年度答复的申请中经批准延长答复期限的件数（政府信息公开条例第三十三条第二款）",
                             unit: .piece, compute: { scope, db in .count(try await answeredTable(scope, on: db).count { $0.has("extended") }) },
                             records: .query({ scope, db in answered(scope, on: db).filter(\.$extendedOn != nil).sort(\.$receivedOn) }, ref)),
            MetricDefinition(key: "disclosure.consulted", label: "征求第三方意见的申请", definition: "本年度答复的申请中征求第三方或其他机关意见的件数（政府信息公开条例第三十二条、第三十四条）",
                             unit: .piece, compute: { scope, db in .count(try await answeredTable(scope, on: db).count { $0.has("consulted") }) },
                             records: .query({ scope, db in answered(scope, on: db).filter(\.$consultations != "").sort(\.$receivedOn) }, ref)),
            MetricDefinition(key: "disclosure.fees", label: "收取信息处理费", definition: "本年度答复的申请中收取的信息处理费合计（政府信息公开条例第四十二条，国办函〔2020〕109号）",
                             unit: .yuan, compute: { scope, db in .amount(Decimal(try await answeredTable(scope, on: db).sum("fee_yuan"))) },
                             records: .query({ scope, db in answered(scope, on: db).filter(\.$feeYuan > 0).sort(\.$receivedOn) }, ref)),
        ]
    }
}

extension DisclosureOutcome {
    /// The sub-row's number within its group ("3" for 危及“三安全一稳定”), as the national table numbers them.
    public var number: Int {
        let siblings = DisclosureOutcome.allCases.filter { $0.group == group }
        return (siblings.firstIndex(of: self) ?? 0) + 1
    }
}
