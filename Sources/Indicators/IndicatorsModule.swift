import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Vapor

public enum IndicatorRoute: String, RouteTemplate, CaseIterable {
    case list = "indicators"
    case importPage = "indicators/import"
    case importTemplate = "indicators/import/template.csv"
    case system = "indicators/:id"
    case scores = "indicators/:id/scores"
    case assess = "indicators/:id/assess"
    case unit = "indicators/:id/units/:unit"
    case evidence = "indicators/:id/units/:unit/evidence"
    case evidenceFile = "indicators/:id/units/:unit/evidence/:evidence"
}

/// 考核指标: systems per year, indicators bound to figures or scored from evidence, each unit's score
/// computed from live records with every point traced to its figure.
public enum IndicatorsModule {
    public static let manifest = FazhiModule(
        id: "indicators",
        name: "考核指标",
        migrations: IndicatorMigrations.all,
        permissions: IndicatorPermissions.all,
        grants: IndicatorPermissions.grants,
        menu: [MenuEntry(title: "考核指标", route: IndicatorRoute.list, permission: IndicatorPermissions.read, section: "化解与监督")],
        routes: { router in IndicatorPages.register(router) },
        importers: [IndicatorImporter()],
        demoSeed: { context in try await IndicatorService.demo(context) },
        dashboardWidgets: [DashboardWidget(id: "indicators", permission: IndicatorPermissions.read) { req in try await IndicatorPages.widget(req) }],
        unitPathColumns: [UnitPathColumn(IndicatorAssessment.schema), UnitPathColumn(IndicatorEvidence.schema)]
    )
}

public enum IndicatorService {
    /// A system for `year` from rows (code, name, weight, figure, rule, per unit): the next version of that year.
    @discardableResult
    public static func createSystem(year: Int, name: String, rows: [(String, String, String, String?, String, Bool)], by principal: Principal, services: FazhiServices,
                                    on db: any Database) async throws -> IndicatorSystem {
        guard principal.has(IndicatorPermissions.manage) else { throw ValidationFailure(field: "year", label: "年度", message: "由司法行政部门维护") }
        guard (2000...2100).contains(year) else { throw ValidationFailure(field: "year", label: "年度", message: "应为2000至2100年") }
        var errors: [FieldError] = []
        var codes = Set<String>()
        for (index, row) in rows.enumerated() {
            let line = "第\(index + 1)项（\(row.0)）"
            if row.0.isEmpty || !row.0.allSatisfy({ $0.isNumber || $0 == "." }) || !codes.insert(row.0).inserted { errors.append(FieldError(field: "code", label: "代码", message: "\(line)代码应为“1.2.3”形式且不重复")) }
            if row.1.trimmingCharacters(in: .whitespaces).isEmpty { errors.append(FieldError(field: "name", label: "名称", message: "\(line)缺少名称")) }
            if Decimal(string: row.2).map({ $0 <= 0 || $0 > 1000 }) ?? true { errors.append(FieldError(field: "weight", label: "分值", message: "\(line)分值应为大于0、不超过1000的数")) }
            if let key = row.3, services.metrics.definition(key) == nil { errors.append(FieldError(field: "metric", label: "指标代码", message: "\(line)没有统计指标“\(key)”")) }
            guard let rule = ScoringRule(spec: row.4) else { errors.append(FieldError(field: "rule", label: "评分规则", message: "\(line)评分规则应为 threshold:目标:higher|lower、linear:下限:上限 或 evidence")); continue }
            if (rule == .evidence) != (row.3 == nil) { errors.append(FieldError(field: "rule", label: "评分规则", message: "\(line)绑定统计指标的须用 threshold 或 linear，依佐证评分的不绑定统计指标")) }
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return try await db.write { tx in
            let version = (try await IndicatorSystem.query(on: tx).filter(\.$year == year).max(\.$version) ?? 0) + 1
            let system = IndicatorSystem()
            system.year = year
            system.name = name
            system.version = version
            system.createdAt = services.now
            try await system.create(on: tx)
            for row in rows {
                let indicator = Indicator()
                indicator.systemID = system.id!
                indicator.code = row.0
                indicator.name = row.1
                indicator.weight = row.2
                indicator.metricKey = row.3
                indicator.rule = row.4
                indicator.perUnit = row.5
                try await indicator.create(on: tx)
            }
            try await AuditLog.append(AuditEvent(action: "indicators.system", entityType: IndicatorSystem.schema, entityID: system.id!.uuidString,
                                                 detail: "\(year)年\(name)第\(version)版，\(rows.count)项"), by: principal.auditActor, at: services.now, on: tx)
            return system
        }
    }

    /// One indicator added to a system (the bureau binds a figure with a rule).
    @discardableResult
    public static func addIndicator(to systemID: UUID, code: String?, name: String?, weight: String?, metric: String?, rule: String?, perUnit: Bool,
                                    by principal: Principal, services: FazhiServices, on db: any Database) async throws -> Indicator {
        guard principal.has(IndicatorPermissions.manage) else { throw ValidationFailure(field: "code", label: "代码", message: "由司法行政部门维护") }
        var validator = Validator()
        let codeText = validator.required(code, field: "code", label: "代码", maxLength: 20)
        let nameText = validator.required(name, field: "name", label: "名称", maxLength: 200)
        let weightText = validator.required(weight, field: "weight", label: "分值", maxLength: 10)
        if Decimal(string: weightText).map({ $0 <= 0 || $0 > 1000 }) ?? true { validator.add("weight", "分值", "应为大于0、不超过1000的数") }
        let key = (metric ?? "").trimmingCharacters(in: .whitespaces).nilIfEmpty
        if let key, services.metrics.definition(key) == nil { validator.add("metric", "统计指标", "没有统计指标“\(key)”（见“统计指标”页）") }
        let scoring = ScoringRule(spec: (rule ?? "").trimmingCharacters(in: .whitespaces))
        if scoring == nil { validator.add("rule", "评分规则", "应为 threshold:目标:higher|lower、linear:下限:上限 或 evidence") }
        if let scoring, (scoring == .evidence) != (key == nil) { validator.add("rule", "评分规则", "绑定统计指标的须用 threshold 或 linear，依佐证评分的不绑定统计指标") }
        if !codeText.isEmpty && !codeText.allSatisfy({ $0.isNumber || $0 == "." }) { validator.add("code", "代码", "应为“1.2.3”形式") }
        try validator.check()
        return try await db.write { tx in
            guard try await IndicatorSystem.find(systemID, on: tx) != nil else { throw ScopeDenied(entityType: IndicatorSystem.schema, entityID: systemID.uuidString) }
            if try await Indicator.query(on: tx).filter(\.$systemID == systemID).filter(\.$code == codeText).first() != nil {
                throw ValidationFailure(field: "code", label: "代码", message: "代码“\(codeText)”已有")
            }
            let row = Indicator()
            row.systemID = systemID
            row.code = codeText
            row.name = nameText
            row.weight = weightText
            row.metricKey = key
            row.rule = scoring!.spec
            row.perUnit = perUnit
            try await row.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "indicators.indicator", entityType: Indicator.schema, entityID: row.id!.uuidString,
                                                 detail: "\(codeText) \(nameText)：\(key ?? "佐证") \(scoring!.label)"), by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }

    /// An assessor's score of a unit's evidence for the indicator with `code` in a system.
    public static func assess(in systemID: UUID, code: String, unitCode: String?, evidence: String?, points: String?, reason: String?, by principal: Principal,
                              services: FazhiServices, on db: any Database) async throws {
        guard let indicator = try await Indicator.query(on: db).filter(\.$systemID == systemID).filter(\.$code == code).first() else {
            throw ValidationFailure(field: "indicator", label: "指标代码", message: "本指标体系没有代码为“\(code)”的指标")
        }
        try await assess(indicator.id!, unitCode: unitCode, evidence: evidence, points: points, reason: reason, by: principal, services: services, on: db)
    }

    /// An assessor's score of a unit's evidence.
    public static func assess(_ indicatorID: UUID, unitCode: String?, evidence: String?, points: String?, reason: String?, by principal: Principal, services: FazhiServices,
                              on db: any Database) async throws {
        guard principal.has(IndicatorPermissions.manage) else { throw ValidationFailure(field: "points", label: "得分", message: "由司法行政部门评分") }
        guard let indicator = try await Indicator.find(indicatorID, on: db), indicator.scoringRule == .evidence else {
            throw ValidationFailure(field: "indicator", label: "指标", message: "只有依佐证评分的指标由评分人打分")
        }
        var validator = Validator()
        let code = validator.required(unitCode, field: "unitCode", label: "单位编码", maxLength: 32)
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "单位编码", "没有编码为“\(code)”的单位") } }
        // What the unit submitted stands as the evidence unless the assessor writes what else was seen.
        var submitted: IndicatorEvidence?
        if let unit { submitted = try await latestEvidence(unitID: unit.id!, indicators: [indicatorID], on: db)[indicatorID] }
        var text = (evidence ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty, let submitted { text = "单位\(CivilDateTime(submitted.submittedAt).date)提交：\(submitted.statement)" }
        if text.isEmpty { validator.add("evidence", "佐证材料", "单位尚未提交佐证材料，请写明评分所依据的材料") }
        if text.count > 5_000 { text = String(text.prefix(5_000)) }
        let value = Decimal(string: (points ?? "").trimmingCharacters(in: .whitespaces))
        if value == nil { validator.add("points", "得分", "应为数字") }
        try validator.check()
        let score = try IndicatorRules.assess(points: value!, weight: indicator.points, reason: reason ?? "")
        guard let unit else { return }
        let evidenceText = text
        try await db.write { tx in
            let row = try await IndicatorAssessment.query(on: tx).filter(\.$indicatorID == indicatorID).filter(\.$unitID == unit.id!).first() ?? IndicatorAssessment()
            row.indicatorID = indicatorID
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.evidence = evidenceText
            row.points = "\(score.points)"
            row.reason = reason ?? ""
            row.assessor = principal.auditActor.name
            row.createdAt = services.now
            try await row.save(on: tx)
            try await AuditLog.append(AuditEvent(action: "indicators.assess", entityType: IndicatorAssessment.schema, entityID: row.id!.uuidString,
                                                 detail: "\(indicator.code) \(indicator.name)：\(unit.name) \(score.points)分"), by: principal.auditActor, at: services.now, on: tx)
        }
    }

    public struct Line: Sendable {
        public var indicator: Indicator
        public var score: IndicatorScore
        /// Where the figure's records are listed, for a bound indicator.
        public var link: String?
        /// The unit's latest evidence, for an evidence indicator.
        public var submitted: IndicatorEvidence? = nil
    }

    public struct UnitScore: Sendable {
        public var unit: OrgUnit
        public var lines: [Line]
        public var total: Decimal { lines.map(\.score.points).reduce(0, +) }
        public var maximum: Decimal { lines.map(\.score.weight).reduce(0, +) }
    }

    /// The scored indicators: the leaves of the tree (a code with children is a heading).
    static func leaves(_ indicators: [Indicator]) -> [Indicator] {
        indicators.filter { indicator in !indicators.contains { $0.code.hasPrefix(indicator.code + ".") } }.sorted { $0.code.compare($1.code, options: .numeric) == .orderedAscending }
    }

    /// A unit's score in `year` from live records: per-unit figures on its subtree, county-wide ones on the county's.
    public static func score(_ system: IndicatorSystem, unit: OrgUnit, year: Int, county: OrgUnit, services: FazhiServices, on db: any Database) async throws -> UnitScore {
        let indicators = leaves(try await Indicator.query(on: db).filter(\.$systemID == system.id!).all())
        let assessments = try await IndicatorAssessment.query(on: db).filter(\.$unitID == unit.id!).filter(\.$indicatorID ~~ indicators.compactMap(\.id)).all()
        let evidence = try await latestEvidence(unitID: unit.id!, indicators: indicators.filter { $0.scoringRule == .evidence }.compactMap(\.id), on: db)
        var lines: [Line] = []
        try await MetricFamilyCache.$current.withValue(MetricFamilyCache()) {
            for indicator in indicators {
                if indicator.scoringRule == .evidence {
                    let submitted = evidence[indicator.id!]
                    if let assessment = assessments.first(where: { $0.indicatorID == indicator.id }) {
                        let resubmitted = submitted.map { $0.submittedAt > assessment.createdAt } ?? false
                        lines.append(Line(indicator: indicator, score: IndicatorScore(points: Decimal(string: assessment.points) ?? 0, weight: indicator.points,
                                                                                     explanation: "依佐证评分：\(assessment.reason)（\(assessment.assessor)）"
                                                                                         + (resubmitted ? "；单位其后重新提交了佐证材料，待重新评分" : "")), link: nil, submitted: submitted))
                    } else if let submitted {
                        lines.append(Line(indicator: indicator, score: IndicatorScore(points: 0, weight: indicator.points,
                                                                                     explanation: "已于\(CivilDateTime(submitted.submittedAt).date)提交佐证材料，待评分"), link: nil, submitted: submitted))
                    } else {
                        lines.append(Line(indicator: indicator, score: IndicatorScore(points: 0, weight: indicator.points, explanation: "尚未提交佐证材料"), link: nil, submitted: submitted))
                    }
                    continue
                }
                guard let key = indicator.metricKey, let definition = services.metrics.definition(key) else { continue }
                let scopeUnit = indicator.perUnit ? unit : county
                let scope = MetricScope(year: year, unitPath: scopeUnit.path, unitName: scopeUnit.name)
                let rounding = services.metrics.rounding(for: definition)
                let value = try await definition.compute(scope, db).decimal.map(rounding.apply)
                let score = IndicatorRules.score(value: value, rule: indicator.scoringRule, weight: indicator.points, figure: "\(scopeUnit.name)\(definition.label)")
                lines.append(Line(indicator: indicator, score: score, link: CoreRoute.figuresRecord.path(key) + "?year=\(year)&unit=\(scopeUnit.code)"))
            }
        }
        return UnitScore(unit: unit, lines: lines)
    }

    /// The units ranked: departments, towns and streets.
    public static func units(on db: any Database) async throws -> [OrgUnit] {
        try await OrgUnit.query(on: db).filter(\.$kind ~~ [UnitKind.department.rawValue, UnitKind.township.rawValue, UnitKind.subdistrict.rawValue]).sort(\.$path).all()
    }

    public static func county(on db: any Database) async throws -> OrgUnit? {
        if let government = try await UnitService.find(code: DemoCounty.governmentCode, on: db) { return government }
        return try await OrgUnit.query(on: db).filter(\.$parentID == nil).first()
    }

    /// The demo: the generic system for last year and this year, last year's 述法 assessed, this year's sent by one unit.
    static func demo(_ context: DemoContext) async throws {
        let principal = try await context.principal("supervisor")
        let today = CivilDateTime(context.now).date
        for year in [today.year - 1, today.year] {
            try await createSystem(year: year, name: "示范县法治政府建设考核指标", rows: GenericIndicatorSystem.rows, by: principal, services: context.services, on: context.database)
        }
        guard let system = try await IndicatorSystem.query(on: context.database).filter(\.$year == today.year - 1).first(),
              let duty = try await Indicator.query(on: context.database).filter(\.$systemID == system.id!).filter(\.$code == "6.2").first() else { return }
        for (code, points) in [("SFX-SCJG", "3"), ("SFX-ZHZF", "2"), ("SFX-CG", "3")] {
            try await assess(duty.id!, unitCode: code, evidence: "主要负责人年度述法报告及会议记录", points: points, reason: points == "3" ? "述法报告完整，按时召开述法会议" : "述法报告未列整改措施",
                             by: principal, services: context.services, on: context.database)
        }
        // This year: the 综合执法局 has sent its 述法 evidence, not yet scored.
        if let current = try await IndicatorSystem.query(on: context.database).filter(\.$year == today.year).first(),
           let live = try await Indicator.query(on: context.database).filter(\.$systemID == current.id!).filter(\.$code == "6.2").first(),
           let unit = try await UnitService.find(code: "SFX-ZHZF", on: context.database) {
            try await submitEvidence(live.id!, unit: unit, statement: "局长于\(today.year)年1月在县政府常务会议上述法，述法报告及会议纪要已归档", file: nil,
                                     by: try await context.principal("officer.zhzf"), services: context.services, on: context.database)
        }
    }
}
