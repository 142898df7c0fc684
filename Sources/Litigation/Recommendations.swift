import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

/// 司法建议 and 检察建议 received in or about a lawsuit, with the unit's reply.
public final class LawsuitRecommendation: Model, @unchecked Sendable {
    public static let schema = "lawsuit_recommendations"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "lawsuit_id") public var lawsuit: Lawsuit
    /// judicial / procuratorial
    @Field(key: "kind") public var kind: String
    @Field(key: "received_on") public var receivedOn: String
    @Field(key: "content") public var content: String
    @OptionalField(key: "replied_on") public var repliedOn: String?
    @OptionalField(key: "reply") public var reply: String?
    @Field(key: "defendant_path") public var defendantPath: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    var kindLabel: String { kind == "procuratorial" ? "检察建议" : "司法建议" }
    public var link: String { LitigationRoute.lawsuit.path($lawsuit.id) + "#recommendation-\(id!)" }
}

extension LitigationMigrations {
    struct CreateRecommendations: AsyncMigration {
        var name: String { "litigation.002.recommendations" }

        func prepare(on database: any Database) async throws {
            try await database.schema("lawsuit_recommendations")
                .id()
                .field("lawsuit_id", .uuid, .required, .references("lawsuits", "id"))
                .field("kind", .string, .required)
                .field("received_on", .string, .required)
                .field("content", .string, .required)
                .field("replied_on", .string)
                .field("reply", .string)
                .field("defendant_path", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("lawsuit_recommendations").delete()
        }
    }
}

extension LitigationClocks {
    /// ⚠️ 人民检察院检察建议工作规定 (2019) 第十八条 sets the reply period in the recommendation itself,
    /// normally two months; the installation keeps two months as the default.
    public static let procuratorialReply = ClockKind(key: "litigation.procuratorial-reply", moduleID: "litigation", rule: ClockRule(
        title: "书面回复检察建议", period: .months(2), basis: "人民检察院检察建议工作规定第十八条（回复期限一般为二个月，以检察建议书载明的为准）⚠️"))
}

public enum RecommendationService {
    @discardableResult
    public static func record(lawsuitID: UUID, procuratorial: Bool, receivedOn: CivilDate, content: String, by principal: Principal,
                              services: FazhiServices, on db: any Database) async throws -> LawsuitRecommendation {
        let stamp = services.now
        var validator = Validator()
        let text = validator.required(content, field: "text", label: "建议内容", maxLength: 2000)
        if receivedOn > CivilDateTime(stamp).date { validator.add("on", "日期", "不能晚于今天") }
        try validator.check()
        return try await db.write { tx in
            let lawsuit = try await LawsuitService.find(lawsuitID, for: principal, on: tx)
            let row = LawsuitRecommendation()
            row.$lawsuit.id = lawsuit.id!
            row.kind = procuratorial ? "procuratorial" : "judicial"
            row.receivedOn = receivedOn.description
            row.content = text
            row.defendantPath = lawsuit.defendantPath
            row.createdAt = stamp
            try await row.create(on: tx)
            if procuratorial {
                try await ClockService.open(kind: LitigationClocks.procuratorialReply.key, unitID: lawsuit.defendantID, title: "\(lawsuit.caseNumber) 检察建议回复",
                                            record: row.clockRecord, start: CivilDateTime(date: receivedOn), startReason: "收到检察建议书", by: principal, services: services, on: tx)
            }
            try await AuditLog.append(AuditEvent(action: "litigation.recommendation", entityType: "lawsuit", entityID: lawsuit.id!.uuidString,
                                                 detail: "收到\(row.kindLabel)（\(receivedOn)）"), by: principal.auditActor, at: stamp, on: tx)
            return row
        }
    }

    public static func reply(recommendationID: UUID, on date: CivilDate, reply: String, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        let stamp = services.now
        try await db.write { tx in
            guard let row = try await LawsuitRecommendation.find(recommendationID, on: tx) else { throw Abort(.notFound) }
            let lawsuit = try await LawsuitService.find(row.$lawsuit.id, for: principal, on: tx)
            guard row.repliedOn == nil else { throw ValidationFailure(field: "on", label: "日期", message: "已于\(row.repliedOn!)回复") }
            guard date >= CivilDate(row.receivedOn)!, date <= CivilDateTime(stamp).date else { throw ValidationFailure(field: "on", label: "日期", message: "应在收到日期与今天之间") }
            row.repliedOn = date.description
            row.reply = reply.trimmingCharacters(in: .whitespacesAndNewlines)
            try await row.update(on: tx)
            try await ClockService.recordOnOpen(.complete(CivilDateTime(date: date), reason: "已书面回复"), kind: LitigationClocks.procuratorialReply.key, record: row.clockRecord, by: principal, services: services, on: tx)
            try await AuditLog.append(AuditEvent(action: "litigation.recommendation-reply", entityType: "lawsuit", entityID: lawsuit.id!.uuidString,
                                                 detail: "回复\(row.kindLabel)（\(date)）"), by: principal.auditActor, at: stamp, on: tx)
        }
    }
}

/// Breakdown by defendant unit and the JSON API.
enum LitigationStatistics {
    struct Line: Content {
        var unit: String
        var filed: Int
        var concluded: Int
        var lost: Int
        var hearings: Int
        var headAppeared: Int
    }

    static func breakdown(year: Int, principal: Principal, on db: any Database) async throws -> [Line] {
        let start = "\(year)-01-01", end = "\(year + 1)-01-01"
        let cases = Lawsuit.scoped(for: principal, on: db)
        let rows = try await cases.all()
        let sessions = LawsuitHearing.scoped(for: principal, on: db).filter(\.$heldOn >= start).filter(\.$heldOn < end)
        let hearings = try await sessions.all()
        let byCase = Dictionary(uniqueKeysWithValues: rows.map { ($0.id!, $0.defendantID) })
        let units = try await OrgUnit.query(on: db).filter(\.$id ~~ Array(Set(rows.map(\.defendantID)))).all()
        return units.map { unit in
            let own = rows.filter { $0.defendantID == unit.id }
            let concluded = own.filter { ($0.judgmentOn ?? "") >= start && ($0.judgmentOn ?? "") < end }
            let ownHearings = hearings.filter { byCase[$0.$lawsuit.id] == unit.id }
            return Line(unit: unit.name, filed: own.filter { $0.filedOn >= start && $0.filedOn < end }.count, concluded: concluded.count,
                        lost: concluded.filter(\.lost).count, hearings: ownHearings.count, headAppeared: ownHearings.filter(\.headAppeared).count)
        }.filter { $0.filed + $0.concluded + $0.hearings > 0 }.sorted { ($0.filed, $1.unit) > ($1.filed, $0.unit) }
    }

    static func page(_ req: Request) async throws -> Response {
        let year = req.queryYear() ?? CivilDateTime(req.fazhi.now).date.year
        let lines = try await breakdown(year: year, principal: try req.caller, on: req.db)
        return Layout.page(req, title: "行政应诉统计（\(year)年）", content: [
            el("form", [Attribute("method", "get"), Attribute("action", LitigationRoute.statistics.path()), .cls("filters"), Attribute("role", "search")], [
                UI.field("年度", name: "year", value: String(year)), el("div", [.cls("field")], [el("button", [.type("submit")], text: "查看")]),
            ]),
            el("p", [], [.text("新收按立案日期、审结与败诉按裁判日期、开庭按开庭日期计。全部指标及其定义见"), link("统计指标", CoreRoute.figures.path() + "?year=\(year)"), .text("。")]),
            UI.simpleTable(caption: "按被告单位", headers: ["被告单位", "新收", "审结", "败诉", "开庭", "负责人出庭"], rows: lines.map {
                [.text($0.unit), .text(String($0.filed)), .text(String($0.concluded)), .text(String($0.lost)), .text(String($0.hearings)), .text(String($0.headAppeared))]
            }),
        ])
    }

    struct LawsuitDTO: Content {
        var id: UUID
        var court: String
        var caseNumber: String
        var instance: String
        var filedOn: String
        var defendantID: UUID
        var plaintiff: String
        var cause: String
        var judgment: String?
        var judgmentLabel: String?
        var judgmentOn: String?
        var lost: Bool
        var link: String

        init(_ row: Lawsuit) {
            id = row.id!
            court = row.court
            caseNumber = row.caseNumber
            instance = row.instance
            filedOn = row.filedOn
            defendantID = row.defendantID
            plaintiff = row.plaintiffMasked
            cause = row.cause
            judgment = row.judgment
            judgmentLabel = row.caseJudgment?.label
            judgmentOn = row.judgmentOn
            lost = row.lost
            link = row.link
        }
    }

    static let schema = JSONSchema.object([
        ("id", .string("案件ID")), ("court", .string("法院")), ("caseNumber", .string("案号")), ("filedOn", .string("立案日期")),
        ("defendantID", .string("被告单位ID")), ("plaintiff", .string("原告（脱敏）")), ("judgment", .nullable(.string("裁判结果代码"))), ("lost", .boolean("是否败诉")),
    ], required: ["id", "court", "caseNumber", "filedOn"])

    static func registerAPI(_ router: ModuleRouter) {
        router.api(.GET, LitigationAPIRoute.list, permission: LitigationPermissions.read, doc: APIDoc("管辖范围内的行政诉讼案件（原告脱敏）", query: [("year", "立案年度")],
                                                                                               response: .array(schema))) { req async throws -> [LawsuitDTO] in
            let principal = try req.caller
            let query = Lawsuit.scoped(for: principal, on: req.db)
            if let year = req.queryYear() { query.filter(\.$filedOn >= "\(year)-01-01").filter(\.$filedOn < "\(year + 1)-01-01") }
            return try await query.sort(\.$filedOn).limit(1000).all().map(LawsuitDTO.init)
        }
        router.api(.GET, LitigationAPIRoute.lawsuit, permission: LitigationPermissions.read, doc: APIDoc("单个行政诉讼案件（原告脱敏）", response: schema)) { req async throws -> LawsuitDTO in
            LawsuitDTO(try await LawsuitService.find(try req.parameters.require("id", as: UUID.self), for: try req.caller, on: req.db))
        }
    }
}

extension LitigationStatistics {
    /// The ledger in the import format: one row per case, one more per further court session.
    /// Plaintiffs are decrypted (the file moves records between systems): importers only, audited.
    static func exportCSV(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = Lawsuit.scoped(for: principal, on: req.db)
        if let year = req.queryYear() { query.filter(\.$filedOn >= "\(year)-01-01").filter(\.$filedOn < "\(year + 1)-01-01") }
        let rows = try await query.sort(\.$filedOn).all()
        let hearings = try await LawsuitHearing.query(on: req.db).filter(\.$lawsuit.$id ~~ rows.compactMap(\.id)).sort(\.$heldOn).all()
        let units = try await OrgUnit.query(on: req.db).filter(\.$id ~~ Array(Set(rows.map(\.defendantID)))).all()
        let codes = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0.code) })
        let headers = LawsuitImporter().columns.map(\.header)
        var lines: [[String]] = []
        for row in rows {
            let sessions = hearings.filter { $0.$lawsuit.id == row.id }
            let base: [String: String] = [
                "法院": row.court, "案号": row.caseNumber, "审级": Instance(rawValue: row.instance)?.label ?? row.instance, "立案日期": row.filedOn,
                "收到起诉状副本日期": row.servedOn ?? "", "被告单位编码": codes[row.defendantID] ?? "", "复议机关共同被告": row.reconsiderationCoDefendant ? "是" : "否",
                "关联复议案号": row.reconsiderationCaseNumber ?? "", "原告": try req.fazhi.cipher.open(row.plaintiffSealed), "案由": row.cause,
                "答辩日期": row.defenceOn ?? "", "裁判结果": row.caseJudgment?.label ?? "", "裁判日期": row.judgmentOn ?? "",
                "是否上诉": row.appealed ? "是" : "否", "履行情况": row.performance ?? "",
            ]
            func session(_ hearing: LawsuitHearing?) -> [String: String] {
                guard let hearing else { return [:] }
                return ["开庭日期": hearing.heldOn, "负责人是否出庭": hearing.headAppeared ? "是" : "否", "出庭负责人": hearing.headName ?? "",
                        "职务": hearing.headPost ?? "", "代为出庭人员": hearing.substitute ?? ""]
            }
            lines.append(headers.map { base.merging(session(sessions.first)) { $1 }[$0] ?? "" })
            for extra in sessions.dropFirst() {
                let values = ["法院": row.court, "案号": row.caseNumber].merging(session(extra)) { $1 }
                lines.append(headers.map { values[$0] ?? "" })
            }
        }
        try await AuditLog.append(AuditEvent(action: "litigation.export", entityType: "lawsuit", detail: "导出行政应诉台账\(rows.count)件（含原告个人信息）"),
                                  by: principal.auditActor, at: req.fazhi.now, on: req.db)
        let response = Response(status: .ok, body: .init(data: CSVReader.write(headers: headers, rows: lines)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "litigation.csv")
        return response
    }
}
