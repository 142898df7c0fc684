import FazhiCalendar
import FazhiCore
import Fluent
import SQLKit
import Foundation

/// The template of the annual report: the five parts 法治政府建设与责任落实督察工作规定 requires, in
/// order, with narrative paragraphs whose figures are placeholders. An administrator edits it.
///
/// Markup, one line each: `# 一级标题`, `## 二级标题`, any other non-empty line is a paragraph.
/// `{指标代码}` is the figure, `{指标代码|同比}` its year-over-year change ("同比下降25.6%"),
/// `{指标代码|上年}` last year's value, `{指标代码|趋势}` a bar chart of the last five years (SVG).
public final class ReportTemplate: Model, @unchecked Sendable {
    public static let schema = "report_templates"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "text") public var text: String
    @Field(key: "updated_by") public var updatedBy: String
    @Field(key: "updated_at") public var updatedAt: Date
    /// Which report it makes (reports.005).
    @Field(key: "kind") public var kind: String

    public init() {}

    /// The county template shipped with the platform.
    public static let standardText = """
    # 一、主要举措和成效
    ## （一）严格规范公正文明执法
    全县（区）确认行政执法主体{enforcement.bodies}，权责清单事项{enforcement.matters}。在岗行政执法人员{enforcement.officers}，持有效行政执法证{enforcement.certificate-holders}，持证率{enforcement.certification-rate}；全年执法资格考试合格{enforcement.exams-passed}。
    全年行政处罚立案{enforcement.penalty-cases}（{enforcement.penalty-cases|同比}），作出行政处罚决定{enforcement.penalty-decisions}，罚款{enforcement.fines}；重大执法决定法制审核率{enforcement.major-reviewed-rate}，按期决定率{enforcement.decided-on-time-rate}。公示执法决定{enforcement.publications}，按时公示率{enforcement.publication-on-time-rate}。作出行政许可决定{enforcement.licence-decisions}，行政强制措施处理决定{enforcement.coercive-decisions}，记录行政检查{enforcement.inspection-records}。
    落实包容审慎监管，首违不罚和“四张清单”事项{enforcement.lenience-items}，适用清单从宽处理案件{enforcement.lenient-cases}；偏离裁量基准并说明理由的决定{enforcement.decisions-outside-benchmark}。
    ## （二）强化行政执法监督
    组织案卷评查，评查案卷{supervision.files-reviewed}，其中不合格{supervision.files-failed}，发现问题{supervision.problems-found}、已整改{supervision.problems-fixed}。开展双随机抽查{supervision.inspections}，抽查结果按时公示率{supervision.inspection-published-on-time-rate}。向公安机关移送涉嫌犯罪案件{supervision.transfers}。受理行政执法投诉{supervision.complaints}，按期办结率{supervision.complaints-on-time-rate}。
    ## （三）发挥行政复议化解行政争议主渠道作用
    全年收到行政复议申请{reconsideration.received}，{reconsideration.received|同比}；受理{reconsideration.accepted}，受案率{reconsideration.acceptance-rate}；办结{reconsideration.concluded}。
    {reconsideration.received|趋势}
    ## （四）依法做好行政应诉
    以本级政府及部门为被告的行政诉讼案件{litigation.cases}（{litigation.cases|同比}），审结{litigation.concluded}，败诉率{litigation.loss-rate}；行政机关负责人出庭应诉率{litigation.head-appearance-rate}。
    {litigation.cases|趋势}
    ## （五）坚持科学民主依法决策
    公布行政规范性文件{documents.issued}（{documents.issued|同比}），全部经合法性审核，审核{documents.reviewed}；公开征求意见{documents.consulted}；报送备案{documents.filed}，备案及时率{documents.filed-on-time-rate}。年末现行有效规范性文件{documents.in-force}，废止{documents.repealed}。
    决策事项目录列入事项{decisions.catalogued}，作出重大行政决策{decisions.decided}，其中履行公众参与、专家论证、风险评估、合法性审查、集体讨论决定全部法定程序的{decisions.all-procedures}；经合法性审查{decisions.legality-reviewed}，开展决策后评估{decisions.evaluated}。
    全年出具合法性审查意见{legal.reviews-total}，其中行政协议{legal.agreement-reviews}、合同{legal.contract-reviews}、其他事项{legal.other-reviews}，审查合同金额{legal.contract-amount}，审查意见采纳率{legal.opinions-adopted-rate}。法律顾问覆盖部门{legal.adviser-coverage-departments}、乡镇（街道）{legal.adviser-coverage-townships}、村（社区）{legal.adviser-coverage-villages}。
    ## （六）全面推进政务公开
    收到政府信息公开申请{disclosure.requests.new.total}（{disclosure.requests.new.total|同比}），上年结转{disclosure.requests.carried-in.total}，办结{disclosure.requests.answered.total}，其中予以公开{disclosure.requests.disclosed.total}、部分公开{disclosure.requests.partly-disclosed.total}；按时答复率{disclosure.on-time-rate}。
    ## （七）自觉接受人大监督和政协民主监督
    办理人大代表建议{suggestions.deputy-suggestions}、政协委员提案{suggestions.cppcc-proposals}，按时答复率{suggestions.on-time-rate}，代表委员满意率{suggestions.satisfaction-rate}；已经解决或者采纳的（A类）{suggestions.class-a}，因代表委员不满意重新办理{suggestions.rehandled}，公开办理复文{suggestions.released}。
    ## （八）持续优化政务服务
    年末政务服务事项{services.items}，马上办事项占比{services.on-the-spot-share}，全程网办事项占比{services.online-share}，最多跑一次事项占比{services.one-visit-share}，就近办事项占比{services.nearby-share}；承诺办结时限较法定时限压缩{services.compression-rate}，实行证明事项告知承诺的事项{services.commitment-items}。
    ## （九）推进学法用法和法治宣传教育
    政府常务会议会前学法{education.pre-meeting-study}，集体学法{education.study-sessions}；领导干部法律知识考试参考{education.exam-takers}，合格率{education.exam-pass-rate}。开展普法活动{education.events}，受众{education.audience}；公布谁执法谁普法责任清单{education.responsibility-lists}，命名民主法治示范村（社区）{education.model-villages}。
    ## （十）预防化解矛盾纠纷
    各级人民调解组织{mediation.bodies}、人民调解员{mediation.mediators}（其中专职{mediation.full-time-mediators}），受理矛盾纠纷{mediation.accepted}（{mediation.accepted|同比}），其中排查发现{mediation.screened}、法院委派委托{mediation.court-referred}；调解成功{mediation.resolved}，调解成功率{mediation.success-rate}，申请司法确认{mediation.confirmations}，协议涉及金额{mediation.agreement-amount}。
    # 二、存在的不足和原因
    （由起草单位填写。）
    # 三、党政主要负责人履行推进法治建设第一责任人职责情况
    政府常务会议研究法治建设议题{education.rule-of-law-topics}，主要负责人签发、政府印发法治建设部署文件{education.duty-documents}，主持会前学法{education.pre-meeting-study}；部门、乡镇（街道）主要负责人述法{education.duty-reports}。组织开展法治督察{oversight.inspections}，其中主要负责人带队{oversight.head-led-inspections}；发现问题{oversight.findings}，整改销号{oversight.closed}，按期整改率{oversight.on-time-rate}；对已销号问题复查{oversight.rechecked}，发现反弹{oversight.rebounded}。
    （由起草单位补充。）
    # 四、下一年度推进法治政府建设的主要安排
    （由起草单位填写。）
    # 五、其他需要报告的情况
    （由起草单位填写。）
    """
}

public enum ReportStatus: String, Codable, Sendable, CaseIterable {
    case draft, review, approved, published

    public var label: String {
        switch self {
        case .draft: return "起草中"
        case .review: return "审核中"
        case .approved: return "已批准（数字已固定）"
        case .published: return "已公开"
        }
    }
}

/// One year's report of one unit (the county government or a department / township).
public final class AnnualReport: Model, @unchecked Sendable {
    public static let schema = "annual_reports"

    @ID(key: .id) public var id: UUID?
    @Field(key: "year") public var year: Int
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "unit_name") public var unitName: String
    @Field(key: "title") public var title: String
    @OptionalField(key: "number") public var number: String?
    @Field(key: "text") public var text: String
    @Field(key: "status") public var status: String
    /// The figures as approved (JSON of `[MetricResult]`): a published report never changes.
    @OptionalField(key: "figures") public var figuresJSON: String?
    @OptionalField(key: "approved_on") public var approvedOn: String?
    @OptionalField(key: "approved_by") public var approvedBy: String?
    @OptionalField(key: "published_on") public var publishedOn: String?
    /// 报送: the date the approved report was sent and to whom (reports.002).
    @OptionalField(key: "sent_on") public var sentOn: String?
    @OptionalField(key: "sent_to") public var sentTo: String?
    /// `ReportKind` (reports.005).
    @Field(key: "kind") public var kind: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { ReportRoute.record.path(id!) }
    public var publicLink: String { PortalRoute.report.path(id!) }
    public var reportStatus: ReportStatus { ReportStatus(rawValue: status) ?? .draft }
    public var reportKind: ReportKind { ReportKind(rawValue: kind) ?? .ruleOfLaw }
    public var frozen: [MetricResult]? { figuresJSON.flatMap { try? JSONDecoder().decode([MetricResult].self, from: Data($0.utf8)) } }

    /// The unit is the county (or its government), not a department or township: the disclosure
    /// report's date differs (条例第四十九条).
    var isGovernment: Bool { unitPath.split(separator: "/").count <= 2 }

    /// 督察工作规定: reported by 3月1日 and published by 4月1日 of the next year (docs/law.md §10);
    /// the disclosure report by 1月31日 or, the government's, 3月31日 (`ReportKind.deadlines`).
    public var submitBy: String { reportKind.deadlines(year: year, government: isGovernment).submit }
    public var publishBy: String { reportKind.deadlines(year: year, government: isGovernment).publish }
}

enum ReportMigrations {
    /// Adds the 依法决策 part (issue 17) to a template still as the platform shipped it; an edited
    /// template is left as its administrator wrote it.
    struct DecisionChapter: AsyncMigration {
        var name: String { "reports.004.decision-chapter" }

        /// Frozen: the part as this migration added it.
        static let chapter = """
        ## （五）坚持科学民主依法决策
        公布行政规范性文件{documents.issued}（{documents.issued|同比}），全部经合法性审核，审核{documents.reviewed}；公开征求意见{documents.consulted}；报送备案{documents.filed}，备案及时率{documents.filed-on-time-rate}。年末现行有效规范性文件{documents.in-force}，废止{documents.repealed}。
        决策事项目录列入事项{decisions.catalogued}，作出重大行政决策{decisions.decided}，其中履行公众参与、专家论证、风险评估、合法性审查、集体讨论决定全部法定程序的{decisions.all-procedures}；经合法性审查{decisions.legality-reviewed}，开展决策后评估{decisions.evaluated}。
        全年出具合法性审查意见{legal.reviews-total}，其中行政协议{legal.agreement-reviews}、合同{legal.contract-reviews}、其他事项{legal.other-reviews}，审查合同金额{legal.contract-amount}，审查意见采纳率{legal.opinions-adopted-rate}。法律顾问覆盖部门{legal.adviser-coverage-departments}、乡镇（街道）{legal.adviser-coverage-townships}、村（社区）{legal.adviser-coverage-villages}。

        """

        struct Row: Decodable { var id: UUID; var text: String }

        /// The shipped templates' rows, read and written with SQL (a migration does not use model types).
        func rewrite(_ database: any Database, _ change: (String) -> String?) async throws {
            let sql = database as! any SQLDatabase
            let rows = try await sql.select().columns("id", "text").from("report_templates").where("updated_by", .equal, SQLBind("平台默认")).all(decoding: Row.self)
            for row in rows {
                guard let text = change(row.text) else { continue }
                try await sql.update("report_templates").set("text", to: SQLBind(text)).where("id", .equal, SQLBind(row.id)).run()
            }
        }

        func prepare(on database: any Database) async throws {
            try await rewrite(database) { text in
                guard !text.contains("（五）坚持科学民主依法决策"), let range = text.range(of: "# 二、存在的不足和原因") else { return nil }
                var text = text
                text.insert(contentsOf: Self.chapter, at: range.lowerBound)
                return text
            }
        }

        func revert(on database: any Database) async throws {
            try await rewrite(database) { $0.replacingOccurrences(of: Self.chapter, with: "") }
        }
    }

    /// Adds the 政务公开, 接受监督 and 政务服务 parts (issue 18) to a template still as shipped, after
    /// the parts before them; an edited template is left as its administrator wrote it.
    struct OpennessChapter: AsyncMigration {
        var name: String { "reports.006.openness-chapter" }

        /// Frozen: the parts as this migration adds them.
        static let chapter = """
        ## （六）全面推进政务公开
        收到政府信息公开申请{disclosure.requests.new.total}（{disclosure.requests.new.total|同比}），上年结转{disclosure.requests.carried-in.total}，办结{disclosure.requests.answered.total}，其中予以公开{disclosure.requests.disclosed.total}、部分公开{disclosure.requests.partly-disclosed.total}；按时答复率{disclosure.on-time-rate}。
        ## （七）自觉接受人大监督和政协民主监督
        办理人大代表建议{suggestions.deputy-suggestions}、政协委员提案{suggestions.cppcc-proposals}，按时答复率{suggestions.on-time-rate}，代表委员满意率{suggestions.satisfaction-rate}；已经解决或者采纳的（A类）{suggestions.class-a}，因代表委员不满意重新办理{suggestions.rehandled}，公开办理复文{suggestions.released}。
        ## （八）持续优化政务服务
        年末政务服务事项{services.items}，马上办事项占比{services.on-the-spot-share}，全程网办事项占比{services.online-share}，最多跑一次事项占比{services.one-visit-share}，就近办事项占比{services.nearby-share}；承诺办结时限较法定时限压缩{services.compression-rate}，实行证明事项告知承诺的事项{services.commitment-items}。

        """

        func prepare(on database: any Database) async throws {
            try await DecisionChapter().rewrite(database) { text in
                guard !text.contains("（六）全面推进政务公开"), let range = text.range(of: "# 二、存在的不足和原因") else { return nil }
                var text = text
                text.insert(contentsOf: Self.chapter, at: range.lowerBound)
                return text
            }
        }

        func revert(on database: any Database) async throws {
            try await DecisionChapter().rewrite(database) { $0.replacingOccurrences(of: Self.chapter, with: "") }
        }
    }

    /// Adds the 学法普法 and 矛盾纠纷化解 parts (issue 19) after the others, and writes part 三 (the
    /// heads' duties) from records, to a template still as shipped; an edited one is left alone.
    struct EducationChapter: AsyncMigration {
        var name: String { "reports.007.education-chapter" }

        /// Frozen: the parts as this migration adds them.
        static let chapter = """
        ## （九）推进学法用法和法治宣传教育
        政府常务会议会前学法{education.pre-meeting-study}，集体学法{education.study-sessions}；领导干部法律知识考试参考{education.exam-takers}，合格率{education.exam-pass-rate}。开展普法活动{education.events}，受众{education.audience}；公布谁执法谁普法责任清单{education.responsibility-lists}，命名民主法治示范村（社区）{education.model-villages}。
        ## （十）预防化解矛盾纠纷
        各级人民调解组织{mediation.bodies}受理矛盾纠纷{mediation.accepted}（{mediation.accepted|同比}），其中排查发现{mediation.screened}、法院委派委托{mediation.court-referred}；调解成功{mediation.resolved}，调解成功率{mediation.success-rate}，申请司法确认{mediation.confirmations}，协议涉及金额{mediation.agreement-amount}。

        """
        static let dutyHeading = "# 三、党政主要负责人履行推进法治建设第一责任人职责情况\n"
        static let dutyBefore = "（由起草单位填写。）"
        static let dutyAfter = """
        政府常务会议研究法治建设议题{education.rule-of-law-topics}，主要负责人主持会前学法{education.pre-meeting-study}，部门、乡镇（街道）主要负责人述法{education.duty-reports}。组织开展法治督察{oversight.inspections}，发现问题{oversight.findings}，整改销号{oversight.closed}，按期整改率{oversight.on-time-rate}。
        （由起草单位补充。）
        """

        func prepare(on database: any Database) async throws {
            try await DecisionChapter().rewrite(database) { text in
                guard !text.contains("（九）推进学法用法和法治宣传教育"), let range = text.range(of: "# 二、存在的不足和原因"),
                      let duty = text.range(of: Self.dutyHeading + Self.dutyBefore) else { return nil }
                var text = text
                text.replaceSubrange(duty, with: Self.dutyHeading + Self.dutyAfter)
                text.insert(contentsOf: Self.chapter, at: range.lowerBound)
                return text
            }
        }

        func revert(on database: any Database) async throws {
            try await DecisionChapter().rewrite(database) {
                $0.replacingOccurrences(of: Self.chapter, with: "").replacingOccurrences(of: Self.dutyHeading + Self.dutyAfter, with: Self.dutyHeading + Self.dutyBefore)
            }
        }
    }

    /// Part 三 gains the heads' documents, their inspections and the 复查; part （十） the mediators
    /// (issue 19) — in a template still as shipped, whose parts read as reports.007 wrote them.
    struct DutyRecords: AsyncMigration {
        var name: String { "reports.008.duty-records" }

        /// Frozen: each sentence as reports.007 wrote it and as this migration writes it.
        static let changes: [(String, String)] = [
            ("\(EducationChapter.dutyAfter.prefix { $0 != "\n" })", """
            政府常务会议研究法治建设议题{education.rule-of-law-topics}，主要负责人签发、政府印发法治建设部署文件{education.duty-documents}，主持会前学法{education.pre-meeting-study}；部门、乡镇（街道）主要负责人述法{education.duty-reports}。组织开展法治督察{oversight.inspections}，其中主要负责人带队{oversight.head-led-inspections}；发现问题{oversight.findings}，整改销号{oversight.closed}，按期整改率{oversight.on-time-rate}；对已销号问题复查{oversight.rechecked}，发现反弹{oversight.rebounded}。
            """),
            ("各级人民调解组织{mediation.bodies}受理矛盾纠纷{mediation.accepted}", "各级人民调解组织{mediation.bodies}、人民调解员{mediation.mediators}（其中专职{mediation.full-time-mediators}），受理矛盾纠纷{mediation.accepted}"),
        ]

        func prepare(on database: any Database) async throws {
            try await DecisionChapter().rewrite(database) { text in
                guard Self.changes.contains(where: { text.contains($0.0) }) else { return nil }
                return Self.changes.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
            }
        }

        func revert(on database: any Database) async throws {
            try await DecisionChapter().rewrite(database) { text in Self.changes.reduce(text) { $0.replacingOccurrences(of: $1.1, with: $1.0) } }
        }
    }

    struct Create: AsyncMigration {
        var name: String { "reports.001.annual-reports" }

        func prepare(on database: any Database) async throws {
            try await database.schema("report_templates")
                .id()
                .field("name", .string, .required)
                .field("text", .string, .required)
                .field("updated_by", .string, .required)
                .field("updated_at", .datetime, .required)
                .unique(on: "name")
                .create()
            try await database.schema("annual_reports")
                .id()
                .field("year", .int, .required)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("unit_name", .string, .required)
                .field("title", .string, .required)
                .field("number", .string)
                .field("text", .string, .required)
                .field("status", .string, .required)
                .field("figures", .string)
                .field("approved_on", .string)
                .field("approved_by", .string)
                .field("published_on", .string)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .unique(on: "year", "unit_id")
                .create()
            let template = ReportTemplate()
            template.name = "县（区）政府年度报告"
            template.text = ReportTemplate.standardText
            template.updatedBy = "平台默认"
            template.updatedAt = Date()
            // Before reports.005 the table has no kind: written with SQL, as the model now has one.
            try await (database as! any SQLDatabase).insert(into: "report_templates").columns("id", "name", "text", "updated_by", "updated_at")
                .values(SQLBind(UUID()), SQLBind(template.name), SQLBind(template.text), SQLBind(template.updatedBy), SQLBind(template.updatedAt)).run()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("annual_reports").delete()
            try await database.schema("report_templates").delete()
        }
    }
}

extension AnnualReport {
    /// The report as `ReportRules` sees it.
    var state: ReportState {
        var state = ReportState(status: reportStatus, year: year, text: text, number: number, approvedOn: approvedOn, approvedBy: approvedBy,
                                sentOn: sentOn, sentTo: sentTo, publishedOn: publishedOn)
        state.deadlines = ReportDeadlines(submit: submitBy, publish: publishBy)
        return state
    }

    func apply(_ state: ReportState) {
        status = state.status.rawValue
        text = state.text
        number = state.number
        approvedOn = state.approvedOn
        approvedBy = state.approvedBy
        sentOn = state.sentOn
        sentTo = state.sentTo
        publishedOn = state.publishedOn
    }
}
