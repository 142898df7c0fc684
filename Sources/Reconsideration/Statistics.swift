import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Vapor

/// Breakdowns of a year's cases by respondent unit, by act category and by enforcement domain, as
/// the annual report's tables need them; the export of the ledger in its import format; the JSON API.
enum ReconsiderationStatistics {
    struct Line: Content {
        var key: String
        var title: String
        var received: Int
        var accepted: Int
        var concluded: Int
        var directCorrections: Int
        var mediatedOrSettled: Int
    }

    struct Breakdown: Content {
        var year: Int
        var byRespondent: [Line]
        var byCategory: [Line]
        var byDomain: [Line]
    }

    static func breakdown(year: Int, principal: Principal, on db: any Database) async throws -> Breakdown {
        let start = "\(year)-01-01", end = "\(year + 1)-01-01"
        let query = ReconsiderationCase.scoped(for: principal, on: db).group(.or) { group in
            group.group(.and) { $0.filter(\.$receivedOn >= start).filter(\.$receivedOn < end) }
            group.group(.and) { $0.filter(\.$outcomeOn >= start).filter(\.$outcomeOn < end) }
        }
        let rows = try await query.all()
        let units = try await OrgUnit.query(on: db).filter(\.$id ~~ Array(Set(rows.map(\.respondentID)))).all()
        let names = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0.name) })
        func lines(_ key: (ReconsiderationCase) -> String, _ title: (String) -> String) -> [Line] {
            Dictionary(grouping: rows, by: key).map { group, cases in
                let receivedThisYear = cases.filter { $0.receivedOn >= start && $0.receivedOn < end }
                let concluded = cases.filter { ($0.outcomeOn ?? "") >= start && ($0.outcomeOn ?? "") < end }
                return Line(key: group, title: title(group), received: receivedThisYear.count, accepted: receivedThisYear.filter(\.accepted).count,
                            concluded: concluded.count, directCorrections: concluded.filter { $0.caseOutcome?.isDirectCorrection == true }.count,
                            mediatedOrSettled: concluded.filter { $0.caseOutcome?.isMediationOrSettlement == true }.count)
            }.sorted { ($0.received, $0.concluded, $1.title) > ($1.received, $1.concluded, $0.title) }
        }
        return Breakdown(
            year: year,
            byRespondent: lines({ $0.respondentID.uuidString }, { names[UUID(uuidString: $0)!] ?? $0 }),
            byCategory: lines({ $0.actCategory }, { ActCategory(rawValue: $0)?.label ?? $0 }),
            byDomain: lines({ $0.enforcementDomain ?? "" }, { $0.isEmpty ? "未填写" : $0 }))
    }

    static func page(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let year = req.queryYear() ?? CivilYear.current(req.fazhi.now)
        let data = try await breakdown(year: year, principal: principal, on: req.db)
        func table(_ caption: String, _ first: String, _ lines: [Line]) -> Node {
            UI.simpleTable(caption: caption, headers: [first, "收到申请", "受理", "办结", "直接纠错", "调解和解"], rows: lines.map {
                [.text($0.title), .text(String($0.received)), .text(String($0.accepted)), .text(String($0.concluded)),
                 .text(String($0.directCorrections)), .text(String($0.mediatedOrSettled))]
            })
        }
        return Layout.page(req, title: "行政复议统计（\(year)年）", content: [
            el("form", [Attribute("method", "get"), Attribute("action", ReconsiderationRoute.statistics.path()), .cls("filters"), Attribute("role", "search")], [
                UI.field("年度", name: "year", value: String(year)), el("div", [.cls("field")], [el("button", [.type("submit")], text: "查看")]),
            ]),
            el("p", [], [.text("收到、受理按收到申请日期计；办结、纠错、调解和解按结案日期计。全部指标及其定义见"), link("统计指标", CoreRoute.figures.path() + "?year=\(year)"), .text("。")]),
            table("按被申请人", "被申请人", data.byRespondent),
            table("按被申请行为类别", "类别", data.byCategory),
            table("按执法领域", "执法领域", data.byDomain),
        ])
    }

    /// The ledger in the import format. Applicant names and numbers are decrypted (the file is for
    /// moving records between systems), so only importers may export, and each export is audited.
    static func exportCSV(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = ReconsiderationCase.scoped(for: principal, on: req.db)
        if let year = req.queryYear() { query.filter(\.$receivedOn >= "\(year)-01-01").filter(\.$receivedOn < "\(year + 1)-01-01") }
        let rows = try await query.sort(\.$receivedOn).sort(\.$caseNumber).all()
        let units = try await OrgUnit.query(on: req.db).filter(\.$id ~~ Array(Set(rows.map(\.respondentID)))).all()
        let codes = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0.code) })
        let cipher = req.fazhi.cipher
        let intake: [String: String] = ["accepted": "受理", "refused": "不予受理", "referred": "告知", "deemedWithdrawn": "视为撤回"]
        // The breach statements of imported history, so that the exported ledger replays elsewhere.
        var statements: [UUID: String] = [:]
        for finding in try await ReconsiderationFinding.scoped(for: principal, on: req.db).filter(\.$caseID ~~ rows.compactMap(\.id)).all()
        where !finding.statement.isEmpty {
            statements[finding.caseID] = finding.statement
        }
        let headers = CaseImporter().columns.map(\.header)
        let lines: [[String]] = try rows.map { row in
            let status = row.caseStatus
            let intakeText = row.intake.flatMap { intake[$0] } ?? (status == .awaitingCorrection ? "待补正" : status == .suspended ? "中止" : "审查中")
            let values: [String: String] = [
                "案号": row.caseNumber, "收到申请日期": row.receivedOn, "申请方式": ApplicationChannel(rawValue: row.channel)?.label ?? row.channel,
                "申请人类型": ApplicantKind(rawValue: row.applicantKind)?.label ?? row.applicantKind, "申请人": try cipher.open(row.applicantNameSealed),
                "证件号码": try row.applicantIDSealed.map { try cipher.open($0) } ?? "", "代理人": row.agent ?? "", "第三人": row.thirdParties ?? "",
                "被申请人单位编码": codes[row.respondentID] ?? "", "被申请行为类别": ActCategory(rawValue: row.actCategory)?.label ?? row.actCategory,
                "执法领域": row.enforcementDomain ?? "", "行政行为日期": row.actOn ?? "", "行政复议请求": row.request, "审查结果": intakeText,
                "审查日期": row.intakeOn ?? (status == .awaitingCorrection ? row.correctionRequestedOn : status == .suspended ? row.suspendedOn : nil) ?? "",
                "审查理由": row.intakeReason ?? (status == .suspended ? row.suspensionNote ?? row.suspensionGround.flatMap(SuspensionGround.init(rawValue:))?.label : nil) ?? "",
                "通知补正日期": row.correctionRequestedOn ?? "", "收到补正日期": row.correctionReceivedOn ?? "",
                "程序": row.caseProcedure?.label ?? "", "简易程序情形": row.summaryGround.flatMap(SummaryGround.init(rawValue:))?.label ?? "",
                "发送副本日期": row.copySentOn ?? "", "答复日期": row.replyOn ?? "", "是否延长": row.extended ? "是" : "否",
                "延长日数": row.extended && row.extendedDays > 0 ? String(row.extendedDays) : "", "历史违规说明": statements[row.id!] ?? "",
                "结案方式": row.caseOutcome?.label ?? "", "结案日期": row.outcomeOn ?? "", "被申请人自行纠正": row.selfCorrected ? "是" : "否",
                "送达日期": row.servedOn ?? "", "归档日期": row.archivedOn ?? "",
            ]
            return headers.map { values[$0] ?? "" }
        }
        try await AuditLog.append(AuditEvent(action: "reconsideration.export", entityType: "reconsideration_case",
                                             detail: "导出行政复议台账\(rows.count)件（含申请人个人信息）"), by: principal.auditActor, at: req.fazhi.now, on: req.db)
        let response = Response(status: .ok, body: .init(data: CSVReader.write(headers: headers, rows: lines)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "reconsideration.csv")
        return response
    }

    struct CaseDTO: Content {
        var id: UUID
        var caseNumber: String
        var receivedOn: String
        var channel: String
        var applicantKind: String
        var applicant: String
        var respondentID: UUID
        var actCategory: String
        var enforcementDomain: String?
        var status: String
        var statusLabel: String
        var intake: String?
        var intakeOn: String?
        var procedure: String?
        var extended: Bool
        var outcome: String?
        var outcomeLabel: String?
        var outcomeArticle: String?
        var outcomeOn: String?
        var selfCorrected: Bool
        var link: String

        init(_ row: ReconsiderationCase) {
            id = row.id!
            caseNumber = row.caseNumber
            receivedOn = row.receivedOn
            channel = row.channel
            applicantKind = row.applicantKind
            applicant = row.applicantNameMasked
            respondentID = row.respondentID
            actCategory = row.actCategory
            enforcementDomain = row.enforcementDomain
            status = row.status
            statusLabel = row.caseStatus.label
            intake = row.intake
            intakeOn = row.intakeOn
            procedure = row.procedure
            extended = row.extended
            outcome = row.outcome
            outcomeLabel = row.caseOutcome?.label
            outcomeArticle = row.caseOutcome?.article
            outcomeOn = row.outcomeOn
            selfCorrected = row.selfCorrected
            link = row.link
        }
    }

    static let caseSchema = JSONSchema.object([
        ("id", .string("案件ID")), ("caseNumber", .string("案号")), ("receivedOn", .string("收到申请日期")), ("applicant", .string("申请人（脱敏）")),
        ("respondentID", .string("被申请人单位ID")), ("actCategory", .string("行为类别代码")), ("status", .string("状态代码")),
        ("intake", .nullable(.string("审查结果"))), ("procedure", .nullable(.string("ordinary/summary"))), ("outcome", .nullable(.string("结案方式代码"))),
        ("outcomeArticle", .nullable(.string("结案依据"))), ("outcomeOn", .nullable(.string("结案日期"))),
    ], required: ["id", "caseNumber", "receivedOn", "status"])

    static func registerAPI(_ router: ModuleRouter) {
        router.api(.GET, ReconsiderationAPIRoute.list, permission: ReconsiderationPermissions.read, doc: APIDoc("管辖范围内的行政复议案件（申请人脱敏；分页）", query: [
            ("year", "收到申请的年度"), ("status", "状态代码"), ("page", "页码"), ("pageSize", "每页条数（≤200）"),
        ], response: .object([("items", .array(caseSchema)), ("total", .integer("总数"))], required: ["items", "total"]))) { req async throws -> CasePage in
            let principal = try req.caller
            let query = ReconsiderationCase.scoped(for: principal, on: req.db)
            if let year = req.queryYear() { query.filter(\.$receivedOn >= "\(year)-01-01").filter(\.$receivedOn < "\(year + 1)-01-01") }
            if let status = req.query[String.self, at: "status"] { query.filter(\.$status == status) }
            let request = PageRequest(number: req.queryInt("page", in: RequestNumbers.pages), size: req.queryInt("pageSize", in: 1...200))
            let total = try await query.count()
            let rows = try await query.sort(\.$receivedOn).sort(\.$caseNumber).range(request.offset..<(request.offset + request.size)).all()
            return CasePage(items: rows.map(CaseDTO.init), total: total)
        }
        router.api(.GET, ReconsiderationAPIRoute.record, permission: ReconsiderationPermissions.read, doc: APIDoc("单个行政复议案件（申请人脱敏）", response: caseSchema)) { req async throws -> CaseDTO in
            CaseDTO(try await CaseService.find(try req.parameters.require("id", as: UUID.self), for: try req.caller, on: req.db))
        }
        router.api(.GET, ReconsiderationAPIRoute.statistics, permission: ReconsiderationPermissions.read, doc: APIDoc("某年度按被申请人、行为类别、执法领域的分项统计", query: [
            ("year", "年度"),
        ], response: .object([("year", .integer("年度")), ("byRespondent", .array(.object([("title", .string("名称")), ("received", .integer("收到"))], required: []))),
                              ("byCategory", .array(.object([], required: []))), ("byDomain", .array(.object([], required: [])))], required: ["year"]))) { req async throws -> Breakdown in
            let year = req.queryYear() ?? CivilYear.current(req.fazhi.now)
            return try await breakdown(year: year, principal: try req.caller, on: req.db)
        }
    }

    struct CasePage: Content {
        var items: [CaseDTO]
        var total: Int
    }
}

enum CivilYear {
    static func current(_ now: Date) -> Int { CivilDateTime(now).date.year }
}
