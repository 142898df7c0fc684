import Enforcement
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// A case-file review campaign (案卷评查) run by the justice bureau, the county's
/// enforcement-supervision body (行政执法监督条例第六条).
public final class ReviewCampaign: Model, @unchecked Sendable {
    public static let schema = "review_campaigns"

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    /// Files closed (结案) from `periodFrom` through `periodTo` make the population.
    @Field(key: "period_from") public var periodFrom: String
    @Field(key: "period_to") public var periodTo: String
    /// The published seed, as a decimal UInt64.
    @Field(key: "seed") public var seed: String
    @Field(key: "rate_percent") public var ratePercent: Int
    @Field(key: "minimum_per_stratum") public var minimumPerStratum: Int
    @Field(key: "rubric") public var rubricJSON: String
    /// The population as drawn from (JSON of `ReviewableFile`), kept so the draw can be re-run later.
    @Field(key: "population") public var populationJSON: String
    @Field(key: "status") public var status: String
    @Field(key: "created_by") public var createdBy: String
    @Field(key: "drawn_on") public var drawnOn: String
    @OptionalField(key: "finished_on") public var finishedOn: String?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public var link: String { SupervisionRoute.reviewsRecord.path(id!) }
    public var rubric: Rubric { (try? JSONDecoder().decode(Rubric.self, from: Data(rubricJSON.utf8))) ?? .standard }
    public var population: [ReviewableFile] { (try? JSONDecoder().decode([ReviewableFile].self, from: Data(populationJSON.utf8))) ?? [] }
    public var sampling: StratifiedSample { StratifiedSample(seed: UInt64(seed) ?? 0, ratePercent: ratePercent, minimumPerStratum: minimumPerStratum) }
    public var finished: Bool { status == "finished" }
}

/// One drawn file, its reviewer and its score.
public final class ReviewFile: Model, @unchecked Sendable {
    public static let schema = "review_files"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "campaign_id") public var campaign: ReviewCampaign
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "case_number") public var caseNumber: String
    @Field(key: "kind") public var kind: String
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "unit_name") public var unitName: String
    @Field(key: "reviewer_id") public var reviewerID: UUID
    @Field(key: "reviewer_name") public var reviewerName: String
    /// Codes of the veto items found, comma-separated.
    @OptionalField(key: "vetoes") public var vetoes: String?
    /// JSON object: item code → points given.
    @OptionalField(key: "scores") public var scoresJSON: String?
    @OptionalField(key: "total") public var total: Int?
    @OptionalField(key: "grade") public var grade: String?
    @OptionalField(key: "problems") public var problems: String?
    @OptionalField(key: "reviewed_on") public var reviewedOn: String?

    public init() {}

    public var reviewed: Bool { reviewedOn != nil }
    public var gradeValue: Rubric.Grade? { grade.flatMap(Rubric.Grade.init(rawValue:)) }
    public var scores: [String: Int] { scoresJSON.flatMap { try? JSONDecoder().decode([String: Int].self, from: Data($0.utf8)) } ?? [:] }
}

/// A rectification task (整改) given to a unit for problems a review found.
public final class RectificationTask: Model, @unchecked Sendable {
    public static let schema = "rectification_tasks"

    @ID(key: .id) public var id: UUID?
    @Field(key: "campaign_id") public var campaignID: UUID
    @Field(key: "file_id") public var fileID: UUID
    @Field(key: "case_number") public var caseNumber: String
    @Field(key: "unit_id") public var unitID: UUID
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "problem") public var problem: String
    @Field(key: "assigned_on") public var assignedOn: String
    @Field(key: "due_on") public var dueOn: String
    @OptionalField(key: "done_on") public var doneOn: String?
    @OptionalField(key: "response") public var response: String?

    public init() {}

    public var link: String { SupervisionRoute.rectificationsRecord.path(id!) }
}

enum SupervisionMigrations {
    static let all: [any Migration] = [CreateReviews(), CreateInspections(), CreateTransfers(), CreateComplaints(), ClockRecordBackfill(name: "supervision.005.clock-records", patterns: [
        .init(prefix: "/supervision/reviews/", type: ReviewCampaign.schema), .init(prefix: "/supervision/rectifications/", type: RectificationTask.schema),
        .init(prefix: "/supervision/complaints/", type: EnforcementComplaint.schema), .init(prefix: "/supervision/inspections/draws/", type: InspectionDraw.schema),
        .init(prefix: "/supervision/transfers/", type: CriminalTransfer.schema),
    ]), EnforcementComplaint.AddCloseDue()]

    struct CreateReviews: AsyncMigration {
        var name: String { "supervision.001.reviews" }

        func prepare(on database: any Database) async throws {
            try await database.schema("review_campaigns")
                .id()
                .field("title", .string, .required)
                .field("period_from", .string, .required)
                .field("period_to", .string, .required)
                .field("seed", .string, .required)
                .field("rate_percent", .int, .required)
                .field("minimum_per_stratum", .int, .required)
                .field("rubric", .string, .required)
                .field("population", .string, .required)
                .field("status", .string, .required)
                .field("created_by", .string, .required)
                .field("drawn_on", .string, .required)
                .field("finished_on", .string)
                .field("created_at", .datetime, .required)
                .create()
            try await database.schema("review_files")
                .id()
                .field("campaign_id", .uuid, .required, .references("review_campaigns", "id"))
                .field("case_id", .uuid, .required)
                .field("case_number", .string, .required)
                .field("kind", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("unit_name", .string, .required)
                .field("reviewer_id", .uuid, .required, .references("users", "id"))
                .field("reviewer_name", .string, .required)
                .field("vetoes", .string)
                .field("scores", .string)
                .field("total", .int)
                .field("grade", .string)
                .field("problems", .string)
                .field("reviewed_on", .string)
                .unique(on: "campaign_id", "case_id")
                .create()
            try await database.schema("rectification_tasks")
                .id()
                .field("campaign_id", .uuid, .required, .references("review_campaigns", "id"))
                .field("file_id", .uuid, .required, .references("review_files", "id"))
                .field("case_number", .string, .required)
                .field("unit_id", .uuid, .required, .references("units", "id"))
                .field("unit_path", .string, .required)
                .field("problem", .string, .required)
                .field("assigned_on", .string, .required)
                .field("due_on", .string, .required)
                .field("done_on", .string)
                .field("response", .string)
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("rectification_tasks").delete()
            try await database.schema("review_files").delete()
            try await database.schema("review_campaigns").delete()
        }
    }
}

public enum SupervisionClocks {
    /// 🏷 Rectification after a review or a supervision opinion: 30 days (山东省行政执法监督条例第二十八条; the
    /// national 行政执法监督条例's period is not yet verified, docs/law.md §6).
    public static let rectification = ClockKind(key: "supervision.rectification", moduleID: "supervision", rule: ClockRule(
        title: "整改并报告结果", period: .days(30), basis: "🏷 山东省行政执法监督条例第二十八条（三十日内整改并报告）"))
}

public enum ReviewService {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    public struct CampaignInput: Sendable {
        public var title: String?
        public var periodFrom: String?
        public var periodTo: String?
        public var seed: String?
        public var ratePercent: String?
        public var minimumPerStratum: String?
        public var reviewers: String?
        public var rubric: String?

        public init(title: String?, periodFrom: String?, periodTo: String?, seed: String?, ratePercent: String?, minimumPerStratum: String?,
                    reviewers: String?, rubric: String?) {
            self.title = title
            self.periodFrom = periodFrom
            self.periodTo = periodTo
            self.seed = seed
            self.ratePercent = ratePercent
            self.minimumPerStratum = minimumPerStratum
            self.reviewers = reviewers
            self.rubric = rubric
        }
    }

    /// The population: penalty, coercion, licence and inspection files closed within the period.
    public static func population(from: CivilDate, to: CivilDate, on db: any Database) async throws -> [ReviewableFile] {
        let files = try await EnforcementRecords.closedFiles(from: from, through: to, on: db)
        let ids = Array(Set(files.map(\.unitID)))
        let units = Dictionary(uniqueKeysWithValues: try await OrgUnit.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0) })
        return files.compactMap { file in
            guard let unit = units[file.unitID] else { return nil }
            return ReviewableFile(id: file.id.uuidString, caseNumber: file.number, unitCode: unit.code, unitName: unit.name, kind: file.kind, closedOn: file.closedOn)
        }
    }

    /// Where drawn files' records are, by the enforcement module's own links.
    public static func recordLinks(_ files: [ReviewFile], on db: any Database) async throws -> [UUID: String] {
        try await EnforcementRecords.files(files.map(\.caseID), on: db).mapValues(\.link)
    }

    /// Creates a campaign and draws its sample at once, with the published seed; refuses when a
    /// drawn file has no reviewer outside its unit.
    @discardableResult
    public static func create(_ input: CampaignInput, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> ReviewCampaign {
        let plan = try ReviewRules.plan(input, generatedSeed: UInt64.random(in: 1...9_999_999_999))
        let title = plan.title, seed = plan.seed, rubric = plan.rubric
        let rate = plan.ratePercent, minimum = plan.minimumPerStratum, from = plan.from, to = plan.to
        let logins = plan.reviewerLogins
        var reviewers: [ReviewerAssignment.Reviewer] = []
        var names: [UUID: String] = [:]
        for login in logins {
            guard let account = try await UserAccount.query(on: db).filter(\.$loginName == login).filter(\.$active == true).first(),
                  let role = account.roleValue, [.supervisor, .legalReviewer].contains(role),
                  let unit = try await OrgUnit.find(account.unitID, on: db) else {
                throw fail("reviewers", "评查人员", "“\(login)”不是在用的司法局监督人员或法制审核人员账号")
            }
            reviewers.append(.init(id: account.id!, loginName: login, unitPath: unit.path))
            names[account.id!] = "\(account.displayName)（\(unit.name)）"
        }
        let today = CivilDateTime(services.now).date
        let population = try await Self.population(from: from, to: to, on: db)
        guard !population.isEmpty else { throw fail("periodFrom", "结案日期", "\(from)至\(to)没有结案的案卷可供抽取") }
        let sampling = StratifiedSample(seed: seed, ratePercent: rate, minimumPerStratum: minimum)
        let drawn = sampling.draw(population).flatMap(\.drawn)
        let drawnIDs = drawn.compactMap { UUID(uuidString: $0.id) }
        let records = try await EnforcementRecords.files(drawnIDs, on: db).mapValues { (unitID: $0.unitID, unitPath: $0.unitPath) }
        let paths = drawn.map { records[UUID(uuidString: $0.id)!]?.unitPath ?? "" }
        let assigned = ReviewerAssignment.assign(filePaths: paths, reviewers: reviewers)
        if let index = assigned.firstIndex(where: { $0 == nil }) {
            throw fail("reviewers", "评查人员", "案卷\(drawn[index].caseNumber)（\(drawn[index].unitName)）没有可评查的人员：评查人员不得评查本单位案卷，请增加其他单位的评查人员")
        }
        let chosenSeed = seed, chosenRubric = rubric, reviewerNames = names
        let found = records
        return try await db.write { tx in
            let records = found
            let campaign = ReviewCampaign()
            campaign.title = title
            campaign.periodFrom = from.description
            campaign.periodTo = to.description
            campaign.seed = String(chosenSeed)
            campaign.ratePercent = rate
            campaign.minimumPerStratum = minimum
            campaign.rubricJSON = String(decoding: try JSONEncoder().encode(chosenRubric), as: UTF8.self)
            campaign.populationJSON = String(decoding: try JSONEncoder().encode(population.sorted { $0.caseNumber < $1.caseNumber }), as: UTF8.self)
            campaign.status = "reviewing"
            campaign.createdBy = principal.auditActor.name
            campaign.drawnOn = today.description
            campaign.createdAt = services.now
            try await campaign.create(on: tx)
            for (file, reviewer) in zip(drawn, assigned) {
                let id = UUID(uuidString: file.id)!
                let record = records[id]!
                let item = ReviewFile()
                item.$campaign.id = campaign.id!
                item.caseID = id
                item.caseNumber = file.caseNumber
                item.kind = file.kind
                item.unitID = record.unitID
                item.unitPath = record.unitPath
                item.unitName = file.unitName
                item.reviewerID = reviewer!.id
                item.reviewerName = reviewerNames[reviewer!.id] ?? reviewer!.loginName
                try await item.create(on: tx)
            }
            try await AuditLog.append(AuditEvent(action: "supervision.review-draw", entityType: "review_campaign", entityID: campaign.id!.uuidString,
                                                 detail: "\(title)：总体\(population.count)卷，种子\(chosenSeed)，比例\(rate)%，每层至少\(minimum)卷，抽取\(drawn.count)卷"),
                                      by: principal.auditActor, at: services.now, on: tx)
            return campaign
        }
    }

    public static func find(_ id: UUID, on db: any Database) async throws -> ReviewCampaign {
        guard let row = try await ReviewCampaign.find(id, on: db) else { throw ScopeDenied(entityType: "review_campaign", entityID: id.uuidString) }
        return row
    }

    /// Whether the caller may see this file: county-wide roles, its reviewer, and its own unit.
    public static func visible(_ file: ReviewFile, to principal: Principal) -> Bool {
        principal.isCountyWide || principal.userID == file.reviewerID || principal.covers(unitPath: file.unitPath)
    }

    public struct ScoreInput: Sendable {
        public var vetoes: [String]
        public var scores: [String: String]
        public var problems: String?

        public init(vetoes: [String], scores: [String: String], problems: String?) {
            self.vetoes = vetoes
            self.scores = scores
            self.problems = problems
        }
    }

    /// Scores a file; only its assigned reviewer may. Problems found become a rectification task
    /// for the file's unit, with a 30-day clock.
    @discardableResult
    public static func score(_ fileID: UUID, _ input: ScoreInput, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> ReviewFile {
        let today = CivilDateTime(services.now).date
        return try await db.write { tx in
            guard let file = try await ReviewFile.find(fileID, on: tx), visible(file, to: principal) else {
                throw ScopeDenied(entityType: "review_file", entityID: fileID.uuidString)
            }
            let campaign = try await find(file.$campaign.id, on: tx)
            let state = ReviewRules.FileState(reviewerID: file.reviewerID, reviewerName: file.reviewerName, reviewedOn: file.reviewedOn, campaignFinished: campaign.finished)
            let score = try ReviewRules.score(state, rubric: campaign.rubric, input: input, by: principal.userID)
            let vetoes = score.vetoes, scores = score.scores, total = score.total, grade = score.grade, problems = score.problems ?? ""
            file.vetoes = vetoes.joined(separator: ",")
            file.scoresJSON = String(decoding: try JSONEncoder().encode(scores), as: UTF8.self)
            file.total = total
            file.grade = grade.rawValue
            file.problems = problems.nilIfEmpty
            file.reviewedOn = today.description
            try await file.update(on: tx)
            try await AuditLog.append(AuditEvent(action: "supervision.review-score", entityType: "review_file", entityID: file.id!.uuidString,
                                                 detail: "\(file.caseNumber)：\(vetoes.isEmpty ? "\(total)分" : "否决（\(vetoes.joined(separator: "、"))）")，\(grade.label)"),
                                      by: principal.auditActor, at: services.now, on: tx)
            if !problems.isEmpty {
                let task = RectificationTask()
                task.campaignID = campaign.id!
                task.fileID = file.id!
                task.caseNumber = file.caseNumber
                task.unitID = file.unitID
                task.unitPath = file.unitPath
                task.problem = problems
                task.assignedOn = today.description
                task.dueOn = today.description
                try await task.create(on: tx)
                let clock = try await ClockService.open(kind: SupervisionClocks.rectification.key, unitID: file.unitID, title: "\(file.caseNumber) 评查整改",
                                                        record: task.clockRecord, start: CivilDateTime(date: today), startReason: "评查发现问题", assigning: true,
                                                        by: principal, services: services, on: tx)
                task.dueOn = clock.dueDate ?? "未能计算（工作日历未覆盖）"
                try await task.update(on: tx)
            }
            return file
        }
    }

    /// The unit reports its rectification; the clock completes.
    @discardableResult
    public static func rectify(_ taskID: UUID, response: String?, on date: String?, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> RectificationTask {
        let today = CivilDateTime(services.now).date
        return try await db.write { tx in
            guard let task = try await RectificationTask.find(taskID, on: tx), principal.covers(unitPath: task.unitPath) else {
                throw ScopeDenied(entityType: "rectification_task", entityID: taskID.uuidString)
            }
            let (day, text) = try ReviewRules.rectify(doneOn: task.doneOn, assignedOn: CivilDate(task.assignedOn)!, response: response, on: date, today: today)
            task.doneOn = day.description
            task.response = text
            try await task.update(on: tx)
            try await ClockService.recordOnOpen(.complete(CivilDateTime(date: day), reason: "已报告整改"), kind: SupervisionClocks.rectification.key, record: task.clockRecord, by: principal, services: services, on: tx)
            try await AuditLog.append(AuditEvent(action: "supervision.rectify", entityType: "rectification_task", entityID: task.id!.uuidString,
                                                 detail: AuditEvent.stepDetail(task.caseNumber, on: day.description, text: text)), by: principal.auditActor, at: services.now, on: tx)
            return task
        }
    }

    /// Ends the campaign; every drawn file must have been scored.
    @discardableResult
    public static func finish(_ id: UUID, by principal: Principal, services: FazhiServices, on db: any Database) async throws -> ReviewCampaign {
        try await db.write { tx in
            let campaign = try await find(id, on: tx)
            let open = try await ReviewFile.query(on: tx).filter(\.$campaign.$id == id).filter(\.$reviewedOn == nil).count()
            try ReviewRules.finish(finished: campaign.finished, unscored: open)
            campaign.status = "finished"
            campaign.finishedOn = CivilDateTime(services.now).date.description
            try await campaign.update(on: tx)
            try await AuditLog.append(AuditEvent(action: "supervision.review-finish", entityType: "review_campaign", entityID: id.uuidString,
                                                 detail: campaign.title), by: principal.auditActor, at: services.now, on: tx)
            return campaign
        }
    }
}

extension ReviewCampaign: ClockOwner {}
extension RectificationTask: ClockOwner {}
extension EnforcementComplaint: ClockOwner {}
extension InspectionPlan: ClockOwner {}
extension InspectionDraw: ClockOwner {}
extension CriminalTransfer: ClockOwner {}
