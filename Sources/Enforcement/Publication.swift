import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import FluentSQL
import Foundation
import SQLKit
import Vapor

/// One enforcement decision as published on the public site (`/gongshi`), already redacted: what
/// the public sees is stored, so it never changes behind a reader's back, and nothing personal is
/// decrypted to render it.
public final class EnforcementPublication: Model, @unchecked Sendable {
    public static let schema = "enforcement_publications"

    @ID(key: .id) public var id: UUID?
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "unit_name") public var unitName: String
    @Field(key: "title") public var title: String
    @Field(key: "case_number") public var caseNumber: String
    @Field(key: "party") public var party: String
    @Field(key: "violation") public var violation: String
    @Field(key: "decision") public var decision: String
    @OptionalField(key: "fine_yuan") public var fineYuan: Int?
    @Field(key: "decided_on") public var decidedOn: String
    @Field(key: "published_on") public var publishedOn: String
    @Field(key: "due_on") public var dueOn: String
    @OptionalField(key: "withdrawn_on") public var withdrawnOn: String?
    @OptionalField(key: "withdraw_reason") public var withdrawReason: String?
    /// Set while the redacted text still looks like personal data: not public until a person
    /// confirms it (docs/security.md, "Personal data").
    @OptionalField(key: "held_reason") public var heldReason: String?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var publicLink: String { PortalRoute.decision.path(id!) }
    /// Public by its due date (a held publication is not public yet).
    public var onTime: Bool { heldReason == nil && publishedOn <= dueOn }
}

public enum PublicationClocks {
    /// 国办发〔2018〕118号: 行政许可、行政处罚 decisions are published within seven working days of the decision.
    public static let decision = ClockKind(key: "enforcement.publication", moduleID: "enforcement", rule: ClockRule(
        title: "公示行政处罚决定", period: .workdays(7), basis: "国办发〔2018〕118号（行政许可、行政处罚决定7个工作日内公开）"))
    /// 国办发〔2018〕118号: other enforcement decisions (不予处罚 among them) within twenty working days.
    public static let otherDecision = ClockKind(key: "enforcement.publication-other", moduleID: "enforcement", rule: ClockRule(
        title: "公示其他行政执法决定", period: .workdays(20), basis: "国办发〔2018〕118号（其他行政执法决定20个工作日内公开）"))
    /// 行政处罚法第四十八条第二款: a published decision that is changed, annulled or found unlawful or
    /// void is withdrawn within three days — working days by 第八十五条.
    public static let withdrawal = ClockKind(key: "enforcement.publication-withdrawal", moduleID: "enforcement", rule: ClockRule(
        title: "撤回已公开的行政处罚决定信息", period: .workdays(3), basis: "行政处罚法第四十八条第二款、第八十五条"))

    /// 国办发〔2018〕118号: licence decisions, like penalty decisions, within seven working days.
    public static let licence = ClockKind(key: "enforcement.publication-licence", moduleID: "enforcement", rule: ClockRule(
        title: "公示行政许可决定", period: .workdays(7), basis: "国办发〔2018〕118号（行政许可、行政处罚决定7个工作日内公开）"))

    public static let all = [decision, otherDecision, withdrawal, licence]

    static func kind(for row: PenaltyCase) -> ClockKind { kind(noPenalty: row.noPenalty) }
    static func kind(noPenalty: Bool) -> ClockKind { noPenalty ? otherDecision : decision }
}

/// How a decision is changed after it was made (行政处罚法第四十八条第二款).
public enum DecisionChange: String, Codable, Sendable, CaseIterable {
    case changed, annulled, unlawful, void

    public var label: String {
        switch self {
        case .changed: return "变更"
        case .annulled: return "撤销"
        case .unlawful: return "确认违法"
        case .void: return "确认无效"
        }
    }
}

enum PublicationService {
    /// The decision as the public may read it: a citizen party is 张某, ID and phone numbers go,
    /// and the party's name is replaced wherever the officer wrote it into the text.
    static func publication(for row: PenaltyCase, unitName: String, date: CivilDate, due: CivilDate, services: FazhiServices) throws -> EnforcementPublication {
        let name = try services.cipher.open(row.partySealed)
        let people = row.partyKind == "natural" ? [name] : []
        let item = EnforcementPublication()
        item.id = .v4()
        item.caseID = row.id!
        item.unitID = row.unitID
        item.unitPath = row.unitPath
        item.unitName = unitName
        item.title = row.noPenalty ? "不予行政处罚决定" : "行政处罚决定"
        item.caseNumber = row.caseNumber
        item.party = row.partyKind == "natural" ? Masking.publicPersonName(name) : Redaction.publicText(name, personNames: [])
        item.violation = Redaction.publicText(row.violation, personNames: people)
        item.decision = Redaction.publicText(row.decision ?? "", personNames: people)
        item.fineYuan = row.fineYuan
        item.decidedOn = row.decidedOn ?? date.description
        item.publishedOn = date.description
        item.dueOn = due.description
        item.createdAt = services.now
        let leftovers = Redaction.suspicious([item.party, item.violation, item.decision].joined(separator: "\n"))
        if !leftovers.isEmpty {
            // What to look at, without repeating it: how many places and what kind.
            item.heldReason = "脱敏后仍有\(leftovers.count)处疑似个人信息（较长数字或电话、证件、账号旁的数字），请核对后确认公开"
        }
        return item
    }

    /// Confirms a held publication after a person has checked its text: it becomes public today,
    /// and its publication clock closes on that day.
    static func release(caseID: UUID, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        let stamp = services.now
        let today = CivilDateTime(stamp).date
        try await db.write { tx in
            let row = try await PenaltyCase.find(caseID, for: principal, on: tx)
            guard principal.has(EnforcementPermissions.manage) else { throw ValidationFailure(field: "action", label: "操作", message: "确认公示须由办案人员进行") }
            guard let item = try await current(caseID: caseID, on: tx), item.heldReason != nil else {
                throw ValidationFailure(field: "action", label: "操作", message: "没有待确认的公示")
            }
            item.heldReason = nil
            item.publishedOn = today.description
            try await item.update(on: tx)
            // The confirmed one is public from today: the case's first publication as they stand now.
            refreshFirst(row, from: try await EnforcementPublication.query(on: tx).filter(\.$caseID == caseID).all())
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await ClockService.recordOnOpen(.complete(CivilDateTime(stamp), reason: "人工确认后公示"), kind: PublicationClocks.kind(for: row).key, record: row.clockRecord, by: principal, services: services, on: tx)
            try await PenaltyCaseService.log(row, "publication-release", on: today, detail: "核对脱敏内容后确认公示：\(item.publicLink)", by: principal, stamp: stamp, store: TransactionStore(tx, services: services))
        }
    }

    /// Notes a publication just written on its case: it is the first if none is earlier, and the
    /// first was on time if it is public (not held) and published by its due date (7 or 20 working
    /// days: 行政处罚法第四十八条, 国务院办公厅〔2018〕118号). Of two first on one day, either on time counts.
    static func noteFirst(_ item: EnforcementPublication, on row: PenaltyCase) {
        let onTime = item.heldReason == nil && item.publishedOn <= item.dueOn
        if let first = row.firstPublishedOn, first < item.publishedOn { return }
        if let first = row.firstPublishedOn, first == item.publishedOn {
            row.publishedOnTime = row.publishedOnTime || onTime
            return
        }
        row.firstPublishedOn = item.publishedOn
        row.publishedOnTime = onTime
    }

    /// The case's first publication recomputed from all its publications (after one changed).
    static func refreshFirst(_ row: PenaltyCase, from publications: [EnforcementPublication]) {
        row.firstPublishedOn = nil
        row.publishedOnTime = false
        for item in publications { noteFirst(item, on: row) }
    }

    static func current(caseID: UUID, on db: any Database) async throws -> EnforcementPublication? {
        try await EnforcementPublication.query(on: db).filter(\.$caseID == caseID).filter(\.$withdrawnOn == nil).first()
    }
}

extension EnforcementMigrations {
    /// Publication (三项制度 公示), decisions changed or annulled, and 不予处罚 decisions.
    struct CreatePublications: AsyncMigration {
        var name: String { "enforcement.004.publications" }

        func prepare(on database: any Database) async throws {
            try await database.sql.raw("ALTER TABLE penalty_cases ADD COLUMN no_penalty BOOLEAN NOT NULL DEFAULT FALSE").run()
            for column in ["changed_on", "change_kind", "change_reason"] {
                try await database.sql.raw("ALTER TABLE penalty_cases ADD COLUMN \(unsafeRaw: column) TEXT").run()
            }
            try await database.schema("enforcement_publications")
                .id()
                .field("case_id", .uuid, .required, .references("penalty_cases", "id"))
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("unit_name", .string, .required)
                .field("title", .string, .required)
                .field("case_number", .string, .required)
                .field("party", .string, .required)
                .field("violation", .string, .required)
                .field("decision", .string, .required)
                .field("fine_yuan", .int)
                .field("decided_on", .string, .required)
                .field("published_on", .string, .required)
                .field("due_on", .string, .required)
                .field("withdrawn_on", .string)
                .field("withdraw_reason", .string)
                .field("created_at", .datetime, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("enforcement_publications").delete()
            for column in ["no_penalty", "changed_on", "change_kind", "change_reason"] {
                try await database.sql.raw("ALTER TABLE penalty_cases DROP COLUMN \(unsafeRaw: column)").run()
            }
        }
    }
}

/// The public site: published enforcement decisions, redacted, no login (三项制度 行政执法公示).
enum PublicSitePages {
    static func register(_ router: ModuleRouter) {
        router.open(.GET, PortalRoute.index) { req in try await list(req) }
        router.open(.GET, PortalRoute.decision) { req in try await show(req) }
    }

    static func page(_ req: Request, title: String, status: HTTPResponseStatus = .ok, _ content: [Node]) -> Response {
        Layout.portal(req, title: title, section: "行政执法公示", status: status, content: content)
    }

    static func list(_ req: Request) async throws -> Response {
        let query = ListQuery(req, path: PortalRoute.index.path(), keys: ["page", "after", "before"])
        // The shown columns only, without building a model per row (issue 16: the portal is read the most).
        struct Decision: SQLListRow {
            var id: UUID; var title: String; var case_number: String; var unit_name: String; var party: String; var decided_on: String; var published_on: String
            init(row: any SQLRow) throws {
                id = try row.decodeUUID(column: "id")
                title = try row.decode(column: "title", as: String.self)
                case_number = try row.decode(column: "case_number", as: String.self)
                unit_name = try row.decode(column: "unit_name", as: String.self)
                party = try row.decode(column: "party", as: String.self)
                decided_on = try row.decode(column: "decided_on", as: String.self)
                published_on = try row.decode(column: "published_on", as: String.self)
            }
        }
        struct Action: SQLListRow {
            var kind: String; var number: String; var public_text: String?; var decided_on: String?; var published_on: String?
            init(row: any SQLRow) throws {
                kind = try row.decode(column: "kind", as: String.self)
                number = try row.decode(column: "number", as: String.self)
                public_text = try row.decodeOptional(column: "public_text", as: String.self)
                decided_on = try row.decodeOptional(column: "decided_on", as: String.self)
                published_on = try row.decodeOptional(column: "published_on", as: String.self)
            }
        }
        let services = req.fazhi
        // The decisions and actions depend on what is published and on the query alone: kept for
        // every visitor until a record changes (`Request.keptList`; the portal is read the most).
        let published = try await req.keptList("gongshi.decisions", query: query, scope: .everything) { read in
            let sql = services.listDatabase(read.db)
            // Newest first, paged by cursor on (published_on, id): a province publishes millions.
            let decisions = try await sql.select().from(EnforcementPublication.schema).where("withdrawn_on", .is, SQLLiteral.null).where("held_reason", .is, SQLLiteral.null)
                .plainColumns("id", "title", "case_number", "unit_name", "party", "decided_on", "published_on")
                .cursorPage(key: "published_on", query: query, decoding: Decision.self) { ($0.published_on, $0.id.text) }
            let actions = try await sql.select().plainColumns("kind", "number", "public_text", "decided_on", "published_on").from(SQLPlainName(EnforcementAction.schema))
                .where("published_on", .isNot, SQLLiteral.null).orderBy("published_on", .descending).orderBy("number").limit(100).listRows(decoding: Action.self)
            return [
                UI.table(caption: "已公开的行政执法决定", columns: [UI.Column("决定"), UI.Column("案号"), UI.Column("执法机关"), UI.Column("当事人"), UI.Column("决定日期"), UI.Column("公开日期")],
                         rows: decisions.rows.map { [link($0.title, PortalRoute.decision.path($0.id)), .text($0.case_number), .text($0.unit_name), .text($0.party), .text($0.decided_on), .text($0.published_on)] },
                         query: query),
                UI.cursorPagination(decisions, query: query),
                UI.simpleTable(caption: "行政许可、行政强制决定", headers: ["类别", "编号", "决定（已脱敏）", "决定日期", "公开日期"], rows: actions.map {
                    [.text((ActionKind(rawValue: $0.kind) ?? .inspection).label), .text($0.number), .text($0.public_text ?? ""), .text($0.decided_on ?? ""), .text($0.published_on ?? "")]
                }),
            ]
        }
        // `/gongshi` is the portal's home: every module's public services and the search, then the latest decisions.
        return Layout.portal(req, title: "法治政府公示", section: "法治政府公示", content: PublicPortal.home(req) + [
            el("h2", text: "行政执法决定公示"),
            el("p", text: "依据行政处罚法第三十九条、第四十八条和行政执法公示制度公开。自然人当事人仅显示姓氏，身份证号码、电话号码已隐去。决定被变更、撤销或者确认违法、无效的，三个工作日内撤回。"),
            published,
            link("行政裁量权基准与清单", PortalRoute.benchmarks.path()), link("双随机抽查结果", PortalRoute.inspections.path()),
        ])
    }

    static func show(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let row = try await EnforcementPublication.find(id, on: req.db), row.heldReason == nil else {
            return page(req, title: "未找到", status: .notFound, [el("p", text: "没有这条公示信息。"), link("返回公示列表", PortalRoute.index.path())])
        }
        if let withdrawn = row.withdrawnOn {
            return page(req, title: "信息已撤回", status: .gone, [
                el("p", text: "\(row.unitName)\(row.caseNumber)的决定信息已于\(withdrawn)撤回（行政处罚法第四十八条第二款）。"), link("返回公示列表", PortalRoute.index.path()),
            ])
        }
        return page(req, title: "\(row.title) \(row.caseNumber)", [
            UI.details([
                ("执法机关", .text(row.unitName)), ("案号", .text(row.caseNumber)), ("当事人", .text(row.party)), ("违法事实", .text(row.violation)),
                ("决定内容", .text(row.decision)), ("罚款", .text(row.fineYuan.map { "\($0)元" } ?? "—")), ("决定日期", .text(row.decidedOn)), ("公开日期", .text(row.publishedOn)),
                ("救济途径", .text("不服本决定的，可以自收到决定书之日起六十日内申请行政复议，或者六个月内提起行政诉讼。")),
            ]),
            link("返回公示列表", PortalRoute.index.path()),
        ])
    }
}

/// Publication figures (三项制度 公示).
enum PublicationMetrics {
    /// Decisions of the year that had to be published: all but those annulled or found void before
    /// anyone published them.
    static func due(_ scope: MetricScope, on db: any Database) -> QueryBuilder<PenaltyCase> {
        PenaltyMetrics.cases(scope, db, by: \.$decidedOn).group(.or) { kept in
            kept.filter(\.$changeKind == nil)
                .filter(\.$changeKind !~ [DecisionChange.annulled.rawValue, DecisionChange.void.rawValue])
                .filter(\.$firstPublishedOn != nil)
        }
    }

    /// Publications public in the year (a held one is not yet public).
    static func published(_ scope: MetricScope, on db: any Database) -> QueryBuilder<EnforcementPublication> {
        let query = EnforcementPublication.query(on: db).filter(\.$publishedOn >= "\(scope.year)-01-01").filter(\.$publishedOn < "\(scope.year + 1)-01-01")
            .filter(\.$heldReason == nil)
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    /// `due` as an SQL condition on a `penalty_cases` row, for the decided-cases family.
    static let dueSQL = """
        (change_kind IS NULL OR change_kind NOT IN ('\(DecisionChange.annulled.rawValue)', '\(DecisionChange.void.rawValue)') \
        OR first_published_on IS NOT NULL)
        """

    /// The case's first publication was public by its due date: kept on the case
    /// (`PublicationService.noteFirst`). Measured (issue 16, 4.9 M cases and 4.4 M publications on
    /// PostgreSQL) the same question asked of the publications table took 24.9 s for a province.
    static let firstPublishedOnTimeSQL = "published_on_time"

    /// What the kept columns must equal, asked of the publications table: `PublicationFirstTests`
    /// compares the two, and migration enforcement.018 fills the columns with it.
    static let firstFromPublicationsSQL = """
        UPDATE penalty_cases SET \
        first_published_on = (SELECT MIN(p.published_on) FROM enforcement_publications p WHERE p.case_id = penalty_cases.id), \
        published_on_time = EXISTS (SELECT 1 FROM enforcement_publications p WHERE p.case_id = penalty_cases.id AND p.held_reason IS NULL \
        AND p.published_on <= p.due_on AND NOT EXISTS (SELECT 1 FROM enforcement_publications q \
        WHERE q.case_id = p.case_id AND q.published_on < p.published_on)) \
        WHERE EXISTS (SELECT 1 FROM enforcement_publications p WHERE p.case_id = penalty_cases.id)
        """

    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "enforcement.publications", label: "公示行政执法决定", definition: "本年度在公示网站公开的行政处罚和不予处罚决定数（含其后撤回的）",
                             unit: .piece, compute: { scope, db in
                // COUNT(published_on): answered from the (published_on, held_reason) index alone.
                .count(try await published(scope, on: db).count(\.$publishedOn))
            }, records: .query({ scope, db in published(scope, on: db).sort(\.$publishedOn) }) {
                MetricRecordRef(id: $0.id!.uuidString, title: $0.caseNumber, link: EnforcementRoute.casesRecord.path($0.caseID))
            }),
            MetricDefinition(key: "enforcement.publication-on-time-rate", label: "执法决定按时公示率",
                             definition: "本年度作出的决定中在规定期限内（处罚决定7个工作日、不予处罚决定20个工作日）公示的比例；公示前被撤销或确认无效的不计",
                             unit: .percent, compute: { scope, db in
                try await PenaltyMetrics.decidedRatio("published_on_time", of: "publication_due", scope, db)
            }, records: .query({ scope, db in due(scope, on: db).sort(\.$caseNumber) }, PenaltyMetrics.ref)),
        ]
    }
}
