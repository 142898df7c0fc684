import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import NIOPosix
import Vapor

public enum ReportPermissions {
    public static let read = Permission("reports.read", "查看年度报告")
    public static let manage = Permission("reports.manage", "起草本单位年度报告")
    public static let approve = Permission("reports.approve", "批准并公开年度报告")
    public static let template = Permission("reports.template", "维护年度报告模板")

    static let all = [read, manage, approve, template]

    static let grants: [Role: [Permission]] = [
        .supervisor: [read, manage, approve, template],
        .systemAdmin: [template],
        .leader: [read],
        .departmentOfficer: [read, manage],
        .legalReviewer: [read],
        .townshipStaff: [read, manage],
    ]
}

public enum ReportService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    public static func template(_ kind: ReportKind = .ruleOfLaw, on db: any Database) async throws -> ReportTemplate {
        if let row = try await ReportTemplate.query(on: db).filter(\.$kind == kind.rawValue).sort(\.$updatedAt, .descending).first() { return row }
        let row = ReportTemplate()
        row.name = kind.templateName
        row.text = kind.shippedText
        row.updatedBy = "平台默认"
        row.updatedAt = Date()
        row.kind = kind.rawValue
        return row
    }

    /// Checks the markup: every placeholder names a registered figure.
    static func checkText(_ text: String?, field: String, label: String, services: FazhiServices) throws -> String {
        let body = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { throw fail(field, label, "不能为空") }
        guard body.count <= 100_000 else { throw fail(field, label, "不能超过10万字") }
        let unknown = ReportRenderer.unknownKeys(in: body, registry: services.metrics)
        guard unknown.isEmpty else { throw fail(field, label, "没有以下指标：" + unknown.map { "{\($0)}" }.joined(separator: "、") + "（指标代码见“统计指标”页）") }
        return body
    }

    public static func saveTemplate(_ text: String?, kind: ReportKind = .ruleOfLaw, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> ReportTemplate {
        let body = try checkText(text, field: "text", label: "模板", services: services)
        return try await db.write { tx in
            let row = try await template(kind, on: tx)
            let before = row.text
            row.text = body
            row.updatedBy = principal.auditActor.name
            row.updatedAt = services.now
            try await row.save(on: tx)
            try await AuditLog.append(AuditEvent(action: "reports.template", entityType: "report_template", entityID: row.id!.uuidString,
                                                 detail: "年度报告模板：\(before.count)字 → \(body.count)字"), by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }

    /// A new draft for a year and a unit, from the current template.
    @discardableResult
    public static func create(year yearText: String?, unitCode: String?, kind: ReportKind = .ruleOfLaw, by principal: Principal, services: FazhiServices,
                              on db: any Database) async throws -> AnnualReport {
        var validator = Validator()
        let current = CivilDateTime(services.now).date.year
        let year = Int((yearText ?? "").trimmingCharacters(in: .whitespaces))
        if year == nil || !(2000...current).contains(year!) { validator.add("year", "年度", "应为2000年至\(current)年") }
        let code = validator.required(unitCode, field: "unitCode", label: "单位编码", maxLength: 32)
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "单位编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let text = try await template(kind, on: db).text
        return try await db.write { tx in
            if try await AnnualReport.query(on: tx).filter(\.$year == year!).filter(\.$unitID == unit.id!).filter(\.$kind == kind.rawValue).count() > 0 {
                throw fail("year", "年度", "\(unit.name)\(year!)年度的\(kind.label)已经存在")
            }
            let row = AnnualReport()
            row.year = year!
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.unitName = unit.name
            row.title = kind.title(unitName: unit.name, year: year!)
            row.kind = kind.rawValue
            row.text = text
            row.status = ReportStatus.draft.rawValue
            row.createdAt = services.now
            row.updatedAt = services.now
            try await row.create(on: tx)
            // 督察工作规定: 3月1日 and 4月1日 of the next year, as clocks on the unit's deadline list.
            let start = CivilDateTime(services.now)
            try await ClockService.open(kind: ReportClocks.submit.key, unitID: unit.id, title: "报送\(row.title)", record: row.clockRecord, start: start,
                                        startReason: "新建报告", fixedDate: CivilDate(row.submitBy), by: principal, services: services, on: tx)
            try await ClockService.open(kind: ReportClocks.publish.key, unitID: unit.id, title: "公开\(row.title)", record: row.clockRecord, start: start,
                                        startReason: "新建报告", fixedDate: CivilDate(row.publishBy), by: principal, services: services, on: tx)
            try await AuditLog.append(AuditEvent(action: "reports.create", entityType: "annual_report", entityID: row.id!.uuidString, detail: row.title),
                                      by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }

    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> AnnualReport {
        guard let row = try await AnnualReport.find(id, on: db), principal.covers(unitPath: row.unitPath) else {
            throw ScopeDenied(entityType: "annual_report", entityID: id.uuidString)
        }
        return row
    }

    public enum Action: Sendable {
        case save(text: String?, number: String?)
        case submit
        /// Approved by the primary responsible official, named; the figures are frozen.
        case approve(official: String?)
        /// 报送: the approved report sent to the bodies the 规定 names, by 3月1日.
        case send(to: String?)
        case publish
    }

    /// Loads the report and what the step reads, applies `ReportRules`, and writes the report, its
    /// frozen figures, its clock and its audit row in one transaction (read, check and write together:
    /// the state checked is the state written over).
    @discardableResult
    public static func perform(_ action: Action, on id: UUID, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> AnnualReport {
        let today = CivilDateTime(services.now).date
        return try await db.write { tx in
            let row = try await find(id, for: principal, on: tx)
            var facts = ReportFacts(today: today, canApprove: principal.has(ReportPermissions.approve))
            switch action {
            case .save(let text, _):
                facts.unknownFigures = ReportRenderer.unknownKeys(in: (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines), registry: services.metrics)
            case .submit:
                facts.outstandingInputs = try await ReportContribution.query(on: tx).filter(\.$reportID == id).all().filter(\.isOutstanding)
                    .map { "\($0.unitName)（\($0.section)，\($0.contributionStatus.label)）" }
            default: break
            }
            let step = try ReportRules.apply(action, to: row.state, facts: facts)
            row.apply(step.state)
            row.updatedAt = services.now
            var detail = step.detail
            for effect in step.effects {
                switch effect {
                case .freezeFigures:
                    let scope = MetricScope(year: row.year, unitPath: row.unitPath, unitName: row.unitName)
                    let figures = try await ReportRenderer.evaluate(row.text, scope: scope, registry: services.metrics, on: tx)
                    row.figuresJSON = String(decoding: try JSONEncoder().encode(figures), as: UTF8.self)
                    detail += "，固定数字\(figures.count)项"
                case .completeClock, .anchorAuditChain: break
                }
            }
            try await row.update(on: tx)
            for case .completeClock(let key) in step.effects {
                if let clock = try await ClockService.openClock(kind: key, record: row.clockRecord, on: tx) {
                    try await ClockService.record(.complete(CivilDateTime(services.now), reason: detail), on: clock.id!, by: principal, services: services, on: tx)
                }
            }
            try await AuditLog.append(AuditEvent(action: "reports.step", entityType: "annual_report", entityID: row.id!.uuidString, detail: "\(row.title)：\(detail)"),
                                      by: principal.auditActor, at: services.now, on: tx)
            // A published report comes with a signed head of the audit chain, listed on /gongshi/audit.
            if step.effects.contains(.anchorAuditChain) { _ = try await AuditLog.anchor(at: services.now, on: tx) }
            return row
        }
    }

    /// The report as printed: frozen figures once approved, live ones before.
    /// `figureDatabases`: handles the live figures are spread over (`Request.figureDatabases`); none, `db` alone.
    public static func render(_ row: AnnualReport, services: FazhiServices, on db: any Database, figureDatabases: [any Database] = []) async throws -> RenderedReport {
        let figures: [MetricResult]
        if let frozen = row.frozen {
            figures = frozen
        } else {
            figures = try await ReportRenderer.evaluate(row.text, scope: MetricScope(year: row.year, unitPath: row.unitPath, unitName: row.unitName),
                                                        registry: services.metrics, on: figureDatabases.isEmpty ? [db] : figureDatabases)
        }
        let code = try await OrgUnit.find(row.unitID, on: db)?.code
        let date = (row.approvedOn ?? CivilDateTime(services.now).date.description)
        return ReportRenderer.render(text: row.text, figures: figures, title: row.title, number: row.number, unitName: row.unitName, unitCode: code,
                                     year: row.year, date: ReportFormats.chineseDate(date))
    }

    /// The CLI's report: the stored one for the year and unit if any, otherwise the template with live figures.
    public static func render(year: Int, unitCode: String?, kind: ReportKind = .ruleOfLaw, services: FazhiServices, on db: any Database,
                              figureDatabases: [any Database] = []) async throws -> RenderedReport {
        var unit: OrgUnit?
        if let unitCode {
            unit = try await UnitService.find(code: unitCode, on: db)
            guard unit != nil else { throw CommandFailure("--unit：没有编码为“\(unitCode)”的单位") }
        } else {
            unit = try await UnitService.find(code: DemoCounty.governmentCode, on: db)
            if unit == nil { unit = try await OrgUnit.query(on: db).filter(\.$parentID == nil).first() }
        }
        guard let unit else { throw CommandFailure("没有单位，请先导入单位") }
        if let stored = try await AnnualReport.query(on: db).filter(\.$year == year).filter(\.$unitID == unit.id!).filter(\.$kind == kind.rawValue).first() {
            return try await render(stored, services: services, on: db, figureDatabases: figureDatabases)
        }
        let text = try await template(kind, on: db).text
        let scope = MetricScope(year: year, unitPath: unitCode == nil ? nil : unit.path, unitName: unit.name)
        let figures = try await ReportRenderer.evaluate(text, scope: scope, registry: services.metrics, on: figureDatabases.isEmpty ? [db] : figureDatabases)
        return ReportRenderer.render(text: text, figures: figures, title: kind.title(unitName: unit.name, year: year), number: nil, unitName: unit.name,
                                     unitCode: unitCode, year: year, date: ReportFormats.chineseDate(CivilDateTime(services.now).date.description))
    }
}

/// Output formats: HTML nodes, DOCX, PDF through LibreOffice.
public enum ReportFormats {
    /// "2026-03-02" → "2026年3月2日", as 公文 date their signature.
    public static func chineseDate(_ iso: String) -> String {
        CivilDate(iso)?.chinese ?? iso
    }

    /// The body as HTML: each figure links to its records (or, on the public site, carries its definition).
    public static func html(_ report: RenderedReport, linked: Bool) -> [Node] {
        let definitions = Dictionary(report.figures.map { ($0.key, $0.definition) }, uniquingKeysWith: { first, _ in first })
        func node(_ segment: RenderedReport.Segment) -> Node {
            switch segment {
            case .text(let text): return .text(text)
            case .trend(let key, let label, let unit, let points): return chart(key: key, label: label, unit: unit, points: points)
            case .figure(let key, let text, let missing):
                let classes = missing ? "figure missing" : "figure"
                if linked { return el("a", [.cls(classes), .href(report.recordsLink(key)), Attribute("title", definitions[key] ?? key)], text: text) }
                return el("span", [.cls(classes), Attribute("title", definitions[key] ?? key)], text: text)
            }
        }
        var nodes: [Node] = []
        if let number = report.number { nodes.append(el("p", [.cls("doc-number")], text: number)) }
        for block in report.blocks {
            switch block {
            case .heading(let level, let text): nodes.append(el(level <= 1 ? "h2" : "h3", text: text))
            case .paragraph(let segments):
                nodes.append(el("p", [], segments.map(node)))
            case .table(let rows):
                guard let header = rows.first else { continue }
                nodes.append(el("div", [.cls("table-scroll")], [el("table", [.cls("report-table")], [
                    el("thead", [], [el("tr", [], header.map { el("th", [Attribute("scope", "col")], $0.map(node)) })]),
                    el("tbody", [], rows.dropFirst().map { row in
                        el("tr", [], row.enumerated().map { index, cell in index == 0 ? el("th", [Attribute("scope", "row")], cell.map(node)) : el("td", [], cell.map(node)) })
                    }),
                ])]))
            }
        }
        nodes.append(el("p", [.cls("signature")], text: report.unitName))
        nodes.append(el("p", [.cls("signature")], text: report.date))
        return nodes
    }

    /// A bar chart of a figure over the years, drawn as SVG by the platform (no script, no library).
    public static func chart(key: String, label: String, unit: String, points: [RenderedReport.TrendPoint]) -> Node {
        let width = 360, height = 150, left = 10, bottom = 24, top = 22
        let values = points.map { $0.value.map { NSDecimalNumber(decimal: $0).doubleValue } }
        let highest = max(values.compactMap { $0 }.max() ?? 0, 1)
        let slot = (width - left * 2) / max(points.count, 1)
        var children: [Node] = [el("title", text: RenderedReport.trendText(label: label, unit: unit, points: points)),
                                el("text", [Attribute("x", "\(left)"), Attribute("y", "14"), Attribute("font-size", "12")], text: "近\(points.count)年\(label)（\(unit)）")]
        for (index, point) in points.enumerated() {
            let x = left + index * slot + slot / 4
            let barWidth = slot / 2
            let value = values[index]
            let barHeight = value.map { Int(Double(height - top - bottom) * $0 / highest) } ?? 0
            let y = height - bottom - barHeight
            // An explicit end tag: inside <svg> an HTML parser would nest the next shapes in an unclosed <rect>.
            children.append(el("rect", [Attribute("x", "\(x)"), Attribute("y", "\(y)"), Attribute("width", "\(barWidth)"), Attribute("height", "\(barHeight)"),
                                        Attribute("fill", "#9b1c1c")], []))
            children.append(el("text", [Attribute("x", "\(x + barWidth / 2)"), Attribute("y", "\(y - 4)"), Attribute("font-size", "11"), Attribute("text-anchor", "middle")],
                               text: point.value.map { NSDecimalNumber(decimal: $0).stringValue } ?? "无数据"))
            children.append(el("text", [Attribute("x", "\(x + barWidth / 2)"), Attribute("y", "\(height - 8)"), Attribute("font-size", "11"), Attribute("text-anchor", "middle")],
                               text: String(point.year)))
        }
        return el("svg", [Attribute("xmlns", "http://www.w3.org/2000/svg"), Attribute("viewBox", "0 0 \(width) \(height)"), Attribute("width", "\(width)"),
                          Attribute("height", "\(height)"), Attribute("role", "img"), .cls("trend"), Attribute("data-metric", key)], children)
    }

    /// How long LibreOffice may take to convert one report before it is stopped.
    public static let pdfTimeout: TimeInterval = 120

    /// `pdf` on NIO's blocking pool: a conversion takes seconds and must not hold an event loop.
    public static func pdfOffLoop(_ report: RenderedReport, siteURL: String? = nil) async throws -> Data {
        try await NIOThreadPool.singleton.runIfActive { try pdf(report, siteURL: siteURL) }
    }

    /// PDF through LibreOffice headless, when installed; stopped after `pdfTimeout`.
    public static func pdf(_ report: RenderedReport, siteURL: String? = nil, timeout: TimeInterval = pdfTimeout) throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fazhi-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let docx = directory.appendingPathComponent("report.docx")
        try report.document(siteURL: siteURL).docx().write(to: docx)
        let candidates = ["/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/local/bin/soffice", "/opt/libreoffice/program/soffice"]
        guard let soffice = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CommandFailure("未安装 LibreOffice（soffice），无法生成 PDF；请安装 libreoffice-writer 后重试，或改用 --format docx")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: soffice)
        process.arguments = ["--headless", "--convert-to", "pdf", "--outdir", directory.path, docx.path]
        process.environment = ["HOME": directory.path, "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = finished.wait(timeout: .now() + 5)
            throw CommandFailure("LibreOffice 转换 PDF 超过\(Int(timeout))秒，已停止；请稍后重试或改用 DOCX")
        }
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("report.pdf").path), process.terminationStatus == 0 else {
            throw CommandFailure("LibreOffice 转换 PDF 失败（退出码 \(process.terminationStatus)）")
        }
        return data
    }
}
