import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

public enum DecisionPermissions {
    public static let read = Permission("decisions.read", "查看重大行政决策")
    public static let manage = Permission("decisions.manage", "承办重大行政决策和决策事项目录")
    public static let review = Permission("decisions.review", "出具重大行政决策合法性审查意见")

    static let all = [read, manage, review]

    /// Departments and townships propose and carry their own decisions (参照执行, 第四十二条); the
    /// justice bureau reviews their legality and keeps the government's catalogue.
    static let grants: [Role: [Permission]] = [
        .supervisor: [read, manage, review],
        .leader: [read],
        .departmentOfficer: [read, manage],
        .legalReviewer: [read],
        .townshipStaff: [read, manage],
    ]
}

/// The periods a province may make stricter (🏷): the 条例's are minimums (docs/law.md §16).
public enum DecisionSettings {
    public static let consultation = RuleSetting("decisions.consultation-days", "重大行政决策公开征求意见最短期限（日）", default: 30, range: 30...180,
                                                 basis: "重大行政决策程序暂行条例第十五条")
    public static let hearingNotice = RuleSetting("decisions.hearing-notice-days", "听证材料提前送达（日）", default: 7, range: 7...60, basis: "重大行政决策程序暂行条例第十六条")
    public static let legalityReview = RuleSetting("decisions.legality-review-workdays", "合法性审查最短时间（工作日）", default: 7, range: 7...60,
                                                   basis: "重大行政决策程序暂行条例第二十七条")

    public static let all = [consultation, hearingNotice, legalityReview]

    public static func current(_ services: FazhiServices) -> DecisionRuleSettings {
        var settings = DecisionRuleSettings()
        settings.consultationDays = services.rule(consultation)
        settings.hearingNoticeDays = services.rule(hearingNotice)
        settings.legalityReviewWorkdays = services.rule(legalityReview)
        return settings
    }
}

public enum DecisionService {
    /// Registers a decision of `unitCode` (the organ that decides) for the catalogue of `year`. If
    /// that catalogue is published already, the decision joins it only by an adjustment (`include`).
    @discardableResult
    public static func create(title: String?, unitCode: String?, year: String?, by principal: Principal, services: FazhiServices,
                              on db: any Database) async throws -> MajorDecision {
        var validator = Validator()
        let title = validator.required(title, field: "title", label: "决策事项", maxLength: 200)
        let code = validator.required(unitCode, field: "unitCode", label: "决策机关编码", maxLength: 32)
        let yearText = validator.required(year, field: "year", label: "目录年度", maxLength: 4)
        let year = Int(yearText).flatMap { RequestNumbers.years.contains($0) ? $0 : nil }
        if !yearText.isEmpty && year == nil { validator.add("year", "目录年度", "应为四位年份") }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "决策机关编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, let year, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let stamp = services.now
        return try await db.write { tx in
            let row = MajorDecision()
            row.id = .v4()
            row.title = title
            row.unitID = unit.id!
            row.unitPath = unit.path
            row.year = year
            let catalogue = try await DecisionCatalogue.query(on: tx).filter(\.$unitID == unit.id!).filter(\.$year == year).first()
            row.inCatalogue = false
            row.draft = ""
            row.createdAt = stamp
            row.updatedAt = stamp
            try await row.create(on: tx)
            try await log(row, "create", on: nil, detail: "拟列入\(year)年度决策事项目录：\(title)（\(unit.name)）"
                          + (catalogue.map { "；该目录已于\($0.publishedOn)公布，须经目录调整方可列入" } ?? ""), by: principal, stamp: stamp, on: tx)
            return row
        }
    }

    /// Publishes the catalogue of `unitCode` for `year` on `on` (经同级党委同意后向社会公布, 第三条):
    /// every decision registered for it is in the catalogue from that day.
    @discardableResult
    public static func publishCatalogue(unitCode: String?, year: String?, on date: String?, by principal: Principal, services: FazhiServices,
                                        on db: any Database) async throws -> Int {
        var validator = Validator()
        let code = validator.required(unitCode, field: "unitCode", label: "决策机关编码", maxLength: 32)
        let year = Int(validator.required(year, field: "year", label: "目录年度", maxLength: 4)).flatMap { RequestNumbers.years.contains($0) ? $0 : nil }
        let day = CivilDate(validator.required(date, field: "on", label: "公布日期", maxLength: 10))
        if year == nil { validator.add("year", "目录年度", "应为四位年份") }
        if day == nil { validator.add("on", "公布日期", FormFields.dateRule) }
        var unit: OrgUnit?
        if !code.isEmpty { unit = try await UnitService.find(code: code, on: db); if unit == nil { validator.add("unitCode", "决策机关编码", "没有编码为“\(code)”的单位") } }
        try validator.check()
        guard let unit, let year, let day, principal.covers(unitPath: unit.path) else { throw ScopeDenied(entityType: "unit", entityID: code) }
        let stamp = services.now
        if day > CivilDateTime(stamp).date { throw ValidationFailure(field: "on", label: "公布日期", message: "不能晚于今天") }
        return try await db.write { tx in
            if let existing = try await DecisionCatalogue.query(on: tx).filter(\.$unitID == unit.id!).filter(\.$year == year).first() {
                throw ValidationFailure(field: "year", label: "目录年度", message: "\(unit.name)\(year)年度决策事项目录已于\(existing.publishedOn)公布；之后列入的事项请在事项页面记录目录调整")
            }
            let catalogue = DecisionCatalogue()
            catalogue.id = .v4()
            catalogue.unitID = unit.id!
            catalogue.unitPath = unit.path
            catalogue.year = year
            catalogue.publishedOn = day.description
            catalogue.createdAt = stamp
            try await catalogue.create(on: tx)
            let rows = try await MajorDecision.query(on: tx).filter(\.$unitID == unit.id!).filter(\.$year == year).filter(\.$inCatalogue == false).all()
            for row in rows {
                row.inCatalogue = true
                row.cataloguedOn = day.description
                row.updatedAt = stamp
                try await row.update(on: tx)
                try await log(row, "catalogue", on: day, detail: "列入\(year)年度决策事项目录（\(day)公布）", by: principal, stamp: stamp, on: tx)
            }
            try await AuditLog.append(AuditEvent(action: "decisions.catalogue-publish", entityType: DecisionCatalogue.schema, entityID: catalogue.id!.uuidString,
                                                 detail: "\(unit.name)\(year)年度重大行政决策事项目录公布（\(day)），\(rows.count)项"),
                                      by: principal.auditActor, at: stamp, on: tx)
            return rows.count
        }
    }

    /// A step of a decision: the 条例's gates are `DecisionRules`; the legality review's opinion is the
    /// reviewing body's (`decisions.review`), and 目录调整 (`include`) needs the catalogue published.
    public static func perform(_ action: DecisionAction, on id: UUID, by principal: Principal, services: FazhiServices,
                               on db: any Database) async throws -> MajorDecision {
        if case .legalityReview = action, !principal.has(DecisionPermissions.review) {
            throw ValidationFailure(field: "action", label: "操作", message: "合法性审查意见由负责合法性审查的部门出具（重大行政决策程序暂行条例第二十五条）")
        }
        let stamp = services.now
        return try await db.write { tx in
            let row = try await MajorDecision.find(id, for: principal, on: tx)
            if case .openConsultation = action, row.draft.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ValidationFailure(field: "draft", label: "决策草案", message: "公开征求意见应当公布决策草案及其说明（重大行政决策程序暂行条例第十五条），请先保存草案")
            }
            let calendar = try await CalendarService.current(services: services, on: tx)
            let state = try DecisionRules.apply(action, to: row.state, today: CivilDateTime(stamp).date, calendar: calendar, settings: DecisionSettings.current(services))
            row.apply(state)
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await log(row, key(action), on: action.date, detail: describe(action), by: principal, stamp: stamp, on: tx)
            return row
        }
    }

    /// 目录调整: a decision registered after its year's catalogue was published joins it with the
    /// adjustment's day and reason (目录 changes are published like the catalogue, 第三条).
    public static func include(_ id: UUID, on date: String?, reason: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        var validator = Validator()
        let day = CivilDate(validator.required(date, field: "on", label: "日期", maxLength: 10))
        let reason = validator.required(reason, field: "text", label: "调整理由", maxLength: 500)
        if day == nil { validator.add("on", "日期", FormFields.dateRule) }
        try validator.check()
        let stamp = services.now
        try await db.write { tx in
            let row = try await MajorDecision.find(id, for: principal, on: tx)
            guard !row.inCatalogue else { throw ValidationFailure(field: "action", label: "操作", message: "已列入目录") }
            guard let catalogue = try await DecisionCatalogue.query(on: tx).filter(\.$unitID == row.unitID).filter(\.$year == row.year).first() else {
                throw ValidationFailure(field: "action", label: "操作", message: "\(row.year)年度决策事项目录尚未公布：公布目录时一并列入")
            }
            guard let day, day.description >= catalogue.publishedOn, day <= CivilDateTime(stamp).date else {
                throw ValidationFailure(field: "on", label: "日期", message: "应在目录公布日期 \(catalogue.publishedOn) 与今天之间")
            }
            row.inCatalogue = true
            row.cataloguedOn = day.description
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await log(row, "catalogue-adjust", on: day, detail: "目录调整，列入\(row.year)年度决策事项目录：\(reason)", by: principal, stamp: stamp, on: tx)
        }
    }

    /// Saves the draft and its explanation (决策草案及其说明), until the consultation opens.
    public static func saveDraft(_ id: UUID, text: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws {
        var validator = Validator()
        let text = validator.required(text, field: "draft", label: "决策草案", maxLength: 200_000)
        try validator.check()
        let stamp = services.now
        try await db.write { tx in
            let row = try await MajorDecision.find(id, for: principal, on: tx)
            guard row.consultationOpenedOn == nil, row.participationFrom == nil, row.discussedOn == nil else {
                throw ValidationFailure(field: "draft", label: "决策草案", message: "征求意见开始后草案不能改动")
            }
            row.draft = text
            row.updatedAt = stamp
            try await row.update(on: tx)
            try await log(row, "draft", on: nil, detail: "保存决策草案（\(text.count)字）", by: principal, stamp: stamp, on: tx)
        }
    }

    /// An opinion from the public site while the consultation takes them (`DecisionRules.takesOpinions`).
    @discardableResult
    public static func receiveComment(on id: UUID, body: String?, contact: String?, from address: String, services: FazhiServices,
                                      on db: any Database) async throws -> DecisionComment {
        var validator = Validator()
        let text = validator.required(body, field: "body", label: "意见", maxLength: 5_000)
        let contact = validator.optional(contact, field: "contact", label: "联系方式", maxLength: 100)
        try validator.check()
        let stamp = services.now
        let sealed = try contact.map { try services.cipher.seal($0) }
        return try await db.write { tx in
            guard let row = try await MajorDecision.find(id, on: tx),
                  DecisionRules.takesOpinions(row.state, on: CivilDateTime(stamp).date, settings: DecisionSettings.current(services)) else {
                throw ValidationFailure(field: "body", label: "意见", message: "该决策草案当前未公开征求意见")
            }
            let comment = DecisionComment()
            comment.id = .v4()
            comment.decisionID = id
            comment.body = text
            comment.contactSealed = sealed
            comment.contactMasked = contact.map(Masking.contact)
            comment.receivedAt = stamp
            try await comment.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "decisions.comment", entityType: DecisionComment.schema, entityID: comment.id!.uuidString,
                                                 detail: "公开征求意见：\(row.title)（\(text.count)字）"), by: .anonymous(ip: address), at: stamp, on: tx)
            return comment
        }
    }

    /// The decisions whose drafts take opinions today, for `/gongshi/consultations`.
    @Sendable static func openConsultations(services: FazhiServices, on db: any Database) async throws -> [PublicConsultation] {
        let today = CivilDateTime(services.now).date
        let settings = DecisionSettings.current(services)
        return try await MajorDecision.query(on: db).filter(\.$consultationOpenedOn != nil).sort(\.$consultationOpenedOn).limit(200).all()
            .filter { DecisionRules.takesOpinions($0.state, on: today, settings: settings) }
            .map { PublicConsultation(kind: "重大行政决策", title: $0.title, unitID: $0.unitID, from: $0.consultationOpenedOn ?? "",
                                      due: CivilDate($0.consultationOpenedOn ?? "")?.adding(days: settings.consultationDays).description ?? "",
                                      link: PortalRoute.majorDecision.path($0.id!)) }
    }

    static func key(_ action: DecisionAction) -> String {
        switch action {
        case .consult: "consult"
        case .hearing: "hearing"
        case .expertReview: "expert-review"
        case .riskAssessment: "risk-assessment"
        case .legalityReview: "legality-review"
        case .submitLegalityReview: "legality-submit"
        case .waive: "waive"
        case .discuss: "discuss"
        case .publish: "publish"
        case .archive: "archive"
        case .track: "track"
        case .evaluate: "evaluate"
        case .accountability: "accountability"
        case .openConsultation: "consultation-open"
        }
    }

    static func describe(_ action: DecisionAction) -> String {
        switch action {
        case .consult(let from, let to, let adoption, let short):
            "公开征求意见\(from)至\(to)（\(from.days(until: to))日）：\(adoption)" + (short.map { "；缩短期限的理由：\($0)" } ?? "")
        case .hearing(let heldOn, let materialsOn): "\(heldOn)举行听证会，\(materialsOn)送达材料"
        case .expertReview(let from, let to, let result): "专家论证（\(from)至\(to)）：\(result)"
        case .riskAssessment(let from, let to, let result): "风险评估（\(from)至\(to)）：\(result)"
        case .legalityReview(let from, let to, let opinion): "合法性审查（\(from)送审，\(to)出具意见）：\(opinion)"
        case .submitLegalityReview: "送请合法性审查"
        case .waive(let procedure, let reason): "不履行\(procedure.label)程序：\(reason)"
        case .discuss(_, let meeting, let head): "经\(meeting)集体讨论，行政首长决定：\(head)"
        case .publish: "决策公布"
        case .archive: "决策过程记录和材料归档"
        case .track(_, let note): "执行情况：\(note)"
        case .evaluate(_, let result): "决策后评估：\(result)"
        case .accountability(_, let note): "责任追究：\(note)"
        case .openConsultation(let on): "在政府网站公布决策草案，公开征求意见（自\(on)起）"
        }
    }

    /// The timeline lines the public page shows: the procedures' results and the decision, not who keyed them.
    static let publicActions: Set<String> = ["catalogue", "catalogue-adjust", "consultation-open", "consult", "hearing", "expert-review", "risk-assessment", "legality-review",
                                             "waive", "discuss", "publish", "evaluate"]

    static func log(_ row: MajorDecision, _ action: String, on date: CivilDate?, detail: String, by principal: Principal, stamp: Date, on db: any Database) async throws {
        try await Timeline.append(MajorDecisionEvent.self, record: row.id!, title: row.title, entityType: MajorDecision.schema, module: "decisions",
                                  action: action, on: date?.description, detail: detail, by: principal, stamp: stamp, on: db)
    }
}
