import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// The clocks of the annual report. The dates are fixed (期日), not counted periods.
public enum ReportClocks {
    /// 法治政府建设与责任落实督察工作规定: the report of the previous year is sent by 3月1日 to the
    /// same-level 党委 and 人大常委会 (a government) or to the 党委、政府 and the department above (a
    /// department). ⚠️ article number unverified (docs/law.md §10).
    public static let submit = ClockKind(key: "reports.submit", moduleID: "reports", rule: ClockRule(
        title: "报送年度法治政府建设情况报告", period: Period(.date, 0),
        basis: "法治政府建设与责任落实督察工作规定（每年3月1日前报送上一年度法治政府建设情况报告）"))
    /// The same 规定: published to the public by 4月1日.
    public static let publish = ClockKind(key: "reports.publish", moduleID: "reports", rule: ClockRule(
        title: "公开年度法治政府建设情况报告", period: Period(.date, 0),
        basis: "法治政府建设与责任落实督察工作规定（每年4月1日前通过报刊、网站等向社会公开）"))
    /// A department's or township's part of a report, by the date the drafting office sets.
    public static let contribution = ClockKind(key: "reports.contribution", moduleID: "reports", rule: ClockRule(
        title: "报送年度报告分项材料", period: Period(.date, 0),
        basis: "起草单位确定的截止日期（须早于3月1日的报送期限）"))

    static let all = [submit, publish, contribution]
}

public enum ContributionStatus: String, Codable, Sendable, CaseIterable {
    case requested, submitted, merged, withdrawn

    public var label: String {
        switch self {
        case .requested: return "待报送"
        case .submitted: return "已报送，待采用"
        case .merged: return "已采用"
        case .withdrawn: return "已撤回"
        }
    }
}

/// One department's or township's part of a report: the drafting office asks for a section by a
/// date; the unit writes it (figure placeholders allowed) and sends it; the drafter merges it into
/// the report under that section, or returns it with a reason.
public final class ReportContribution: Model, @unchecked Sendable {
    public static let schema = "report_contributions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "report_id") public var reportID: UUID
    @Field(key: "report_title") public var reportTitle: String
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "unit_name") public var unitName: String
    /// The heading (without `#`) under which the text goes.
    @Field(key: "section") public var section: String
    /// What the drafting office asks for.
    @Field(key: "request") public var request: String
    @Field(key: "due") public var due: String
    @OptionalField(key: "text") public var text: String?
    @Field(key: "status") public var status: String
    /// The reason given when it was returned or withdrawn.
    @OptionalField(key: "note") public var note: String?
    @OptionalField(key: "submitted_by") public var submittedBy: String?
    @OptionalField(key: "submitted_on") public var submittedOn: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var link: String { ReportRoute.inputsRecord.path(id!) }
    public var contributionStatus: ContributionStatus { ContributionStatus(rawValue: status) ?? .requested }
    public var isOutstanding: Bool { [.requested, .submitted].contains(contributionStatus) }

    /// The input as `ContributionRules` sees it.
    var state: ContributionState {
        ContributionState(status: contributionStatus, unitName: unitName, section: section, due: due, text: text, note: note,
                          submittedBy: submittedBy, submittedOn: submittedOn)
    }

    func apply(_ state: ContributionState) {
        status = state.status.rawValue
        text = state.text
        note = state.note
        submittedBy = state.submittedBy
        submittedOn = state.submittedOn
    }
}

enum ContributionMigrations {
    struct Create: AsyncMigration {
        var name: String { "reports.002.contributions-and-sending" }

        func prepare(on database: any Database) async throws {
            try await database.schema("report_contributions")
                .id()
                .field("report_id", .uuid, .required, .references("annual_reports", "id"))
                .field("report_title", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("unit_name", .string, .required)
                .field("section", .string, .required)
                .field("request", .string, .required)
                .field("due", .string, .required)
                .field("text", .string)
                .field("status", .string, .required)
                .field("note", .string)
                .field("submitted_by", .string)
                .field("submitted_on", .string)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            // One column per statement: SQLite adds one at a time.
            try await database.schema("annual_reports").field("sent_on", .string).update()
            try await database.schema("annual_reports").field("sent_to", .string).update()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("annual_reports").deleteField("sent_to").update()
            try await database.schema("annual_reports").deleteField("sent_on").update()
            try await database.schema("report_contributions").delete()
        }
    }
}

/// The lines of a report's markup and the sections its headings open.
enum ReportOutline {
    static func headingLevel(_ line: Substring) -> Int? {
        let trimmed = line.drop { $0 == " " }
        if trimmed.hasPrefix("## ") { return 2 }
        if trimmed.hasPrefix("# ") { return 1 }
        return nil
    }

    static func headingText(_ line: Substring) -> String {
        String(line.drop { $0 == " " || $0 == "#" }).trimmingCharacters(in: .whitespaces)
    }

    /// Every heading, in order.
    static func headings(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { headingLevel($0) == nil ? nil : headingText($0) }
    }

    /// The filler line of the shipped template's parts that the drafting office writes.
    static let filler = "（由起草单位填写。）"

    /// `text` with `insert`'s lines at the end of the section `heading` opens (before the next
    /// heading of the same or a higher level); the template's filler line in that section goes.
    /// Nil when no heading has that text.
    static func merging(_ insert: String, under heading: String, into text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { headingLevel(Substring($0)) != nil && headingText(Substring($0)) == heading }),
              let level = headingLevel(Substring(lines[start])) else { return nil }
        var end = start + 1
        while end < lines.count, !(headingLevel(Substring(lines[end])).map { $0 <= level } ?? false) { end += 1 }
        var body = Array(lines[(start + 1)..<end]).filter { $0.trimmingCharacters(in: .whitespaces) != filler }
        while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast() }
        body += insert.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        lines.replaceSubrange((start + 1)..<end, with: body)
        return lines.joined(separator: "\n")
    }
}

public enum ContributionService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// Asks units inside the report's unit for a section by a date; one clock per unit, on the
    /// unit's own deadline list. Only while the report is a draft.
    @discardableResult
    public static func request(reportID: UUID, unitCodes: String?, section: String?, request: String?, due: String?,
                               by principal: Principal, services: FazhiServices, on db: any Database) async throws -> [ReportContribution] {
        let report = try await ReportService.find(reportID, for: principal, on: db)
        guard report.reportStatus == .draft else { throw fail("status", "状态", "报告已提交审核，不能再征集分项材料") }
        var validator = Validator()
        let today = CivilDateTime(services.now).date
        let codes = (unitCodes ?? "").split(whereSeparator: { " ,，、;；\n".contains($0) }).map(String.init)
        var units: [OrgUnit] = []
        if codes.isEmpty { validator.add("unitCodes", "报送单位", "不能为空：填写一个或多个单位编码，以逗号或顿号分隔") }
        for code in codes {
            guard let unit = try await UnitService.find(code: code, on: db) else {
                validator.add("unitCodes", "报送单位", "没有编码为“\(code)”的单位"); continue
            }
            if unit.id == report.unitID || !unit.path.hasPrefix(report.unitPath) {
                validator.add("unitCodes", "报送单位", "“\(unit.name)”不是\(report.unitName)的下属部门或乡镇")
            } else if !units.contains(where: { $0.id == unit.id }) {
                units.append(unit)
            }
        }
        let heading = validator.required(section, field: "section", label: "章节", maxLength: 200)
        if !heading.isEmpty, !ReportOutline.headings(report.text).contains(heading) {
            validator.add("section", "章节", "报告中没有标题为“\(heading)”的章节")
        }
        let asked = validator.required(request, field: "request", label: "材料要求", maxLength: 2000)
        let dueDate = CivilDate((due ?? "").trimmingCharacters(in: .whitespaces))
        if let dueDate {
            if dueDate <= today { validator.add("due", "截止日期", "应晚于今天（\(today)）") }
            if dueDate.description >= report.submitBy { validator.add("due", "截止日期", "应早于报告的报送期限\(report.submitBy)（督察工作规定：3月1日前报送）") }
        } else {
            validator.add("due", "截止日期", FormFields.dateRule)
        }
        try validator.check()
        let stamp = services.now
        let asking = units
        return try await db.write { tx in
            // Checked again inside the transaction that writes: the report still a draft, and no
            // unit already asked for this section (two drafters at once ask once).
            guard try await AnnualReport.find(reportID, on: tx)?.reportStatus == .draft else { throw fail("status", "状态", "报告已提交审核，不能再征集分项材料") }
            let existing = try await ReportContribution.query(on: tx).filter(\.$reportID == reportID).filter(\.$section == heading).all()
            let taken = asking.filter { unit in existing.contains { $0.unitID == unit.id && $0.isOutstanding } }
            if !taken.isEmpty {
                throw fail("unitCodes", "报送单位", "以下单位已有该章节的待办征集：" + taken.map(\.name).joined(separator: "、"))
            }
            var rows: [ReportContribution] = []
            for unit in asking {
                let row = ReportContribution()
                row.reportID = reportID
                row.reportTitle = report.title
                row.unitID = unit.id!
                row.unitPath = unit.path
                row.unitName = unit.name
                row.section = heading
                row.request = asked
                row.due = dueDate!.description
                row.status = ContributionStatus.requested.rawValue
                row.createdAt = stamp
                row.updatedAt = stamp
                try await row.create(on: tx)
                try await ClockService.open(kind: ReportClocks.contribution.key, unitID: unit.id, title: "\(report.year)年度报告分项材料：\(heading)", record: row.clockRecord,
                                            start: CivilDateTime(stamp), startReason: "\(report.unitName)征集", fixedDate: dueDate,
                                            by: principal, services: services, on: tx)
                try await AuditLog.append(AuditEvent(action: "reports.input.request", entityType: "report_contribution", entityID: row.id!.uuidString,
                                                     detail: "\(report.title)：请\(unit.name)于\(row.due)前报送“\(heading)”"), by: principal.auditActor, at: stamp, on: tx)
                rows.append(row)
            }
            return rows
        }
    }

    /// A contribution the caller may see: its unit, or the report's, in the caller's scope.
    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> ReportContribution {
        guard let row = try await ReportContribution.find(id, on: db), principal.covers(unitPath: row.unitPath) else {
            throw ScopeDenied(entityType: "report_contribution", entityID: id.uuidString)
        }
        return row
    }

    public enum Action: Sendable {
        /// The unit sends its text.
        case submit(text: String?)
        /// The drafting office merges the text into the report under its section.
        case merge
        /// The drafting office returns it for revision, with a reason; the unit's clock runs again.
        case sendBack(reason: String?)
        /// The drafting office withdraws the request, with a reason.
        case withdraw(reason: String?)
    }

    /// Loads the input and its report, applies `ContributionRules` and writes the input, the
    /// report's text, the unit's clock and the audit row, all inside one transaction.
    @discardableResult
    public static func perform(_ action: Action, on id: UUID, by principal: Principal, services: FazhiServices,
                               on db: any Database) async throws -> ReportContribution {
        let stamp = services.now
        let now = CivilDateTime(stamp)
        return try await db.write { tx in
            let row = try await find(id, for: principal, on: tx)
            guard let report = try await AnnualReport.find(row.reportID, on: tx) else { throw ScopeDenied(entityType: "annual_report", entityID: row.reportID.uuidString) }
            var facts = ContributionFacts(today: now.date, actorName: principal.auditActor.name, isDrafter: principal.covers(unitPath: report.unitPath),
                                          reportStatus: report.reportStatus, reportText: report.text)
            if case .submit(let text) = action {
                facts.unknownFigures = ReportRenderer.unknownKeys(in: (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines), registry: services.metrics)
            }
            guard let step = try ContributionRules.apply(action, to: row.state, facts: facts) else {
                throw ScopeDenied(entityType: "annual_report", entityID: report.id!.uuidString)
            }
            row.apply(step.state)
            for effect in step.effects {
                switch effect {
                case .completeClock(let reason):
                    try await ClockService.recordOnOpen(.complete(now, reason: reason), kind: ReportClocks.contribution.key, record: row.clockRecord,
                                                        by: principal, services: services, on: tx)
                case .reopenClock(let reason):
                    try await ClockService.open(kind: ReportClocks.contribution.key, unitID: row.unitID, title: "\(report.year)年度报告分项材料：\(row.section)（退回修改）",
                                                record: row.clockRecord, start: now, startReason: reason, fixedDate: CivilDate(row.due),
                                                by: principal, services: services, on: tx)
                case .replaceReportText(let text):
                    report.text = text
                    report.updatedAt = stamp
                    try await report.update(on: tx)
                }
            }
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await AuditLog.append(AuditEvent(action: "reports.input.step", entityType: "report_contribution", entityID: row.id!.uuidString,
                                                 detail: "\(report.title)：\(step.detail)"), by: principal.auditActor, at: stamp, on: tx)
            return row
        }
    }

    /// The contributions of a report, by section and unit.
    public static func of(report id: UUID, on db: any Database) async throws -> [ReportContribution] {
        try await ReportContribution.query(on: db).filter(\.$reportID == id).sort(\.$section).sort(\.$unitName).all()
    }
}
