import FazhiCore
import Fluent
import Foundation
import SQLKit

/// The yearly reports the platform writes from records: the 法治政府建设情况报告 (督察工作规定) and the
/// 政府信息公开工作年度报告 (政府信息公开条例第四十九条、第五十条, national format 国办公开办函〔2021〕30号).
/// Both share the draft → review → approval (figures frozen) → 报送 → publication workflow.
public enum ReportKind: String, Codable, Sendable, CaseIterable {
    case ruleOfLaw = "rule-of-law"
    case disclosure

    public var label: String {
        switch self {
        case .ruleOfLaw: "法治政府建设情况报告"
        case .disclosure: "政府信息公开工作年度报告"
        }
    }

    /// The template's name in `report_templates`.
    public var templateName: String {
        switch self {
        case .ruleOfLaw: "县（区）政府年度报告"
        case .disclosure: "政府信息公开工作年度报告"
        }
    }

    public func title(unitName: String, year: Int) -> String {
        switch self {
        case .ruleOfLaw: "\(unitName)\(year)年法治政府建设情况报告"
        case .disclosure: "\(unitName)\(year)年政府信息公开工作年度报告"
        }
    }

    public var shippedText: String {
        switch self {
        case .ruleOfLaw: ReportTemplate.standardText
        case .disclosure: ReportTemplate.disclosureText
        }
    }

    /// 报送 and publication dates. 法治政府: 3月1日 and 4月1日 (督察工作规定第二十五条, docs/law.md §10).
    /// 政府信息公开: a department sends and publishes by 1月31日 (条例第四十九条第一款); the county
    /// government's office publishes the government's by 3月31日 (第四十九条第二款). Dates are 期日,
    /// never moved for a holiday.
    public func deadlines(year: Int, government: Bool) -> (submit: String, publish: String) {
        switch self {
        case .ruleOfLaw: ("\(year + 1)-03-01", "\(year + 1)-04-01")
        case .disclosure: government ? ("\(year + 1)-03-31", "\(year + 1)-03-31") : ("\(year + 1)-01-31", "\(year + 1)-01-31")
        }
    }
}

extension ReportTemplate {
    /// The 政府信息公开工作年度报告 in the national format (国办公开办函〔2021〕30号): the six parts, and the
    /// three tables with every cell a figure from records. 规章 are 0: a county or township cannot make
    /// them (立法法第九十三条). 行政事业性收费 is not in any module's records: the drafter fills it in.
    public static let disclosureText = """
    # 一、总体情况
    （由起草单位填写：主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障等情况。）
    本年度收到政府信息公开申请{disclosure.requests.new.total}，上年结转{disclosure.requests.carried-in.total}，办结{disclosure.requests.answered.total}，按时答复率{disclosure.on-time-rate}；征求第三方意见{disclosure.consulted}，延长答复期限{disclosure.extended}。
    # 二、主动公开政府信息情况
    | 第二十条第（一）项 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
    | --- | --- | --- | --- |
    | 规章 | 0 | 0 | 0 |
    | 行政规范性文件 | {documents.issued|数} | {documents.repealed|数} | {documents.in-force|数} |
    | 第二十条第（五）项 | 本年处理决定数量 | | |
    | 行政许可 | {enforcement.licence-decisions|数} | | |
    | 第二十条第（六）项 | 本年处理决定数量 | | |
    | 行政处罚 | {enforcement.penalty-decisions|数} | | |
    | 行政强制 | {enforcement.coercive-decisions|数} | | |
    | 第二十条第（八）项 | 本年收费金额（单位：万元） | | |
    | 行政事业性收费 | （由起草单位填写） | | |
    # 三、收到和处理政府信息公开申请情况
    \(disclosureRequestTable)
    # 四、政府信息公开行政复议、行政诉讼情况
    | 行政复议 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
    | --- | --- | --- | --- | --- | --- |
    | 件数 | {reconsideration.disclosure-cases.upheld|数} | {reconsideration.disclosure-cases.corrected|数} | {reconsideration.disclosure-cases.other|数} | {reconsideration.disclosure-cases.pending|数} | {reconsideration.disclosure-cases.total|数} |
    | 行政诉讼（未经复议直接起诉） | {litigation.disclosure-direct.upheld|数} | {litigation.disclosure-direct.corrected|数} | {litigation.disclosure-direct.other|数} | {litigation.disclosure-direct.pending|数} | {litigation.disclosure-direct.total|数} |
    | 行政诉讼（复议后起诉） | {litigation.disclosure-after-reconsideration.upheld|数} | {litigation.disclosure-after-reconsideration.corrected|数} | {litigation.disclosure-after-reconsideration.other|数} | {litigation.disclosure-after-reconsideration.pending|数} | {litigation.disclosure-after-reconsideration.total|数} |
    # 五、存在的主要问题及改进情况
    （由起草单位填写：本年度存在的主要问题及改进措施，上年度问题的整改情况。）
    # 六、其他需要报告的事项
    本年度收取信息处理费{disclosure.fees}（政府信息公开条例第四十二条）。
    （由起草单位填写：落实上级政务公开工作要点、人大代表建议和政协提案办理结果公开、创新举措等情况。）
    """

    /// Table 三's rows: the national labels, then the seven applicant columns (自然人, the five
    /// 法人或其他组织, 总计), each cell the figure `disclosure.requests.<row>.<column>`.
    static var disclosureRequestTable: String {
        let columns = ["natural-person", "business", "research", "public-interest", "legal-service", "other", "total"]
        var lines = ["| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for (key, label) in disclosureRows {
            if key.isEmpty { lines.append("| \(label) |" + String(repeating: " |", count: columns.count)); continue }
            lines.append("| \(label) | " + columns.map { "{disclosure.requests.\(key).\($0)|数}" }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// The rows of Table 三 in the national order (a key-less row is a heading row).
    static let disclosureRows: [(String, String)] = [
        ("new", "一、本年新收政府信息公开申请数量"), ("carried-in", "二、上年结转政府信息公开申请数量"), ("", "三、本年度办理结果"),
        ("disclosed", "（一）予以公开"), ("partly-disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), ("", "（三）不予公开"),
        ("state-secret", "1.属于国家秘密"), ("other-law-forbids", "2.其他法律行政法规禁止公开"), ("three-securities", "3.危及“三安全一稳定”"),
        ("third-party", "4.保护第三方合法权益"), ("internal-affairs", "5.属于三类内部事务信息"), ("process-information", "6.属于四类过程性信息"),
        ("enforcement-file", "7.属于行政执法案卷"), ("inquiry", "8.属于行政查询事项"), ("", "（四）无法提供"),
        ("not-held", "1.本机关不掌握相关政府信息"), ("needs-creating", "2.没有现成信息需要另行制作"), ("still-unclear", "3.补正后申请内容仍不明确"),
        ("", "（五）不予处理"), ("complaint", "1.信访举报投诉类申请"), ("repeated", "2.重复申请"), ("publication", "3.要求提供公开出版物"),
        ("excessive", "4.无正当理由大量反复申请"), ("confirmation", "5.要求行政机关确认或重新出具已获取信息"), ("", "（六）其他处理"),
        ("not-corrected", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("fee-not-paid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"), ("other-handling", "3.其他"),
        ("answered", "（七）总计"), ("carried-out", "四、结转下年度继续办理"),
    ]
}

extension ReportMigrations {
    /// Reports of more than one kind (issue 18): `kind` on reports and templates, one report per
    /// year, unit and kind, and the shipped 政府信息公开 template.
    struct Kinds: AsyncMigration {
        var name: String { "reports.005.kinds" }

        /// The shipped template as of this release (a later change to it comes with its own migration).
        static let disclosureText = ReportTemplate.disclosureText

        func prepare(on database: any Database) async throws {
            let sql = database as! any SQLDatabase
            if DatabaseFlavor(database) == .postgres {
                try await sql.raw("ALTER TABLE annual_reports DROP CONSTRAINT \"uq:annual_reports.year+annual_reports.unit_id\"").run()
            } else {
                // SQLite cannot drop a table constraint: the table is copied without it. The
                // migration runs on one connection before the server serves (docs/architecture.md).
                struct Create: Decodable { var sql: String }
                let create = try await sql.raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'annual_reports'").first(decoding: Create.self)
                guard var ddl = create?.sql, let constraint = ddl.range(of: ", CONSTRAINT \"uq:annual_reports.year+annual_reports.unit_id\" UNIQUE (\"year\", \"unit_id\")") else {
                    throw CommandFailure("reports.005：annual_reports 的结构与预期不同")
                }
                ddl.removeSubrange(constraint)
                ddl = ddl.replacingOccurrences(of: "CREATE TABLE IF NOT EXISTS \"annual_reports\"", with: "CREATE TABLE \"annual_reports_005\"")
                    .replacingOccurrences(of: "CREATE TABLE \"annual_reports\"", with: "CREATE TABLE \"annual_reports_005\"")
                try await sql.raw("PRAGMA foreign_keys = OFF").run()
                try await sql.raw(SQLQueryString(ddl)).run()
                try await sql.raw("INSERT INTO annual_reports_005 SELECT * FROM annual_reports").run()
                try await sql.raw("DROP TABLE annual_reports").run()
                try await sql.raw("ALTER TABLE annual_reports_005 RENAME TO annual_reports").run()
                try await sql.raw("PRAGMA foreign_keys = ON").run()
            }
            try await database.schema("annual_reports").field("kind", .string, .required, .sql(.default(ReportKind.ruleOfLaw.rawValue))).update()
            try await sql.raw("CREATE UNIQUE INDEX annual_reports_year_unit_kind ON annual_reports (year, unit_id, kind)").run()
            try await database.schema("report_templates").field("kind", .string, .required, .sql(.default(ReportKind.ruleOfLaw.rawValue))).update()
            try await sql.insert(into: "report_templates").columns("id", "name", "text", "updated_by", "updated_at", "kind")
                .values(SQLBind(UUID()), SQLBind(ReportKind.disclosure.templateName), SQLBind(Self.disclosureText), SQLBind("平台默认"), SQLBind(Date()),
                        SQLBind(ReportKind.disclosure.rawValue)).run()
        }

        func revert(on database: any Database) async throws {
            let sql = database as! any SQLDatabase
            try await sql.delete(from: "report_templates").where("kind", .equal, SQLBind(ReportKind.disclosure.rawValue)).run()
            try await sql.delete(from: "annual_reports").where("kind", .equal, SQLBind(ReportKind.disclosure.rawValue)).run()
            try await sql.raw("DROP INDEX annual_reports_year_unit_kind").run()
            try await database.schema("report_templates").deleteField("kind").update()
            try await database.schema("annual_reports").deleteField("kind").update()
        }
    }
}
