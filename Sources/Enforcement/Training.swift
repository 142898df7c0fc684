import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Vapor

/// One year's training hours and annual review of an officer. ⚠️ 国办发〔2023〕27号 is believed to
/// ask for at least 60 学时 a year (docs/law.md §3, unverified); 🏷 the annual review (年度审验) is local.
public final class OfficerYear: Model, @unchecked Sendable {
    public static let schema = "officer_years"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "officer_id") public var officer: EnforcementOfficer
    @Field(key: "unit_path") public var unitPath: String
    @Field(key: "year") public var year: Int
    @Field(key: "training_hours") public var trainingHours: Int
    /// "pass", "fail" or nil while not yet reviewed.
    @OptionalField(key: "review") public var review: String?
    @OptionalField(key: "note") public var note: String?
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}

public enum TrainingService {
    /// ⚠️ The yearly minimum of training hours (学时) shown against each officer.
    public static let minimumHours = 60

    /// Records (or corrects) an officer's training hours and review for a year.
    @discardableResult
    public static func record(officerID: UUID, year yearText: String?, hours hoursText: String?, review: String?, note: String?,
                              by principal: Principal, services: FazhiServices, on db: any Database) async throws -> OfficerYear {
        let officer = try await OfficerService.find(officerID, for: principal, on: db)
        var validator = Validator()
        let year = Int((yearText ?? "").trimmingCharacters(in: .whitespaces))
        let current = CivilDateTime(services.now).date.year
        if year == nil || !(2000...current).contains(year!) { validator.add("year", "年度", "应为2000年至\(current)年") }
        let hours = Int((hoursText ?? "").trimmingCharacters(in: .whitespaces))
        if hours == nil || !(0...2000).contains(hours!) { validator.add("hours", "培训学时", "应为0至2000之间的整数") }
        let result = (review ?? "").trimmingCharacters(in: .whitespaces).nilIfEmpty
        if let result, !["pass", "fail"].contains(result) { validator.add("review", "年度审验", "应为合格或不合格") }
        if result == "fail" && (note ?? "").trimmingCharacters(in: .whitespaces).isEmpty { validator.add("note", "说明", "审验不合格须写明原因") }
        try validator.check()
        return try await db.write { tx in
            let row = try await OfficerYear.query(on: tx).filter(\.$officer.$id == officerID).filter(\.$year == year!).first() ?? OfficerYear()
            let before = row.id == nil ? nil : "\(row.trainingHours)学时，\(row.review ?? "未审验")"
            row.$officer.id = officerID
            row.unitPath = officer.unitPath
            row.year = year!
            row.trainingHours = hours!
            row.review = result
            row.note = (note ?? "").trimmingCharacters(in: .whitespaces).nilIfEmpty
            row.updatedAt = services.now
            try await row.save(on: tx)
            try await AuditLog.append(AuditEvent(action: "enforcement.officer-year", entityType: "enforcement_officer", entityID: officerID.uuidString,
                                                 detail: AuditEvent.changeDetail("\(year!)年度培训与审验", before: before, after: "\(hours!)学时，\(result ?? "未审验")")),
                                      by: principal.auditActor, at: services.now, on: tx)
            return row
        }
    }
}

extension EnforcementMigrations {
    struct CreateOfficerYears: AsyncMigration {
        var name: String { "enforcement.007.officer-years" }

        func prepare(on database: any Database) async throws {
            try await database.schema("officer_years")
                .id()
                .field("officer_id", .uuid, .required, .references("enforcement_officers", "id"))
                .field("unit_path", .string, .required)
                .field("year", .int, .required)
                .field("training_hours", .int, .required)
                .field("review", .string)
                .field("note", .string)
                .field("updated_at", .datetime, .required)
                .unique(on: "officer_id", "year")
                .create()
        }

        func revert(on database: any Database) async throws {
            try await database.schema("officer_years").delete()
        }
    }
}

enum TrainingMetrics {
    static func query(_ scope: MetricScope, on db: any Database) -> QueryBuilder<OfficerYear> {
        let query = OfficerYear.query(on: db).filter(\.$year == scope.year)
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query
    }

    static func refs(_ query: QueryBuilder<OfficerYear>, on db: any Database) async throws -> [MetricRecordRef] {
        let ids = try await query.all(\.$officer.$id)
        let officers = try await EnforcementOfficer.query(on: db).filter(\.$id ~~ ids).sort(\.$nameMasked).all()
        return officers.map { MetricRecordRef(id: $0.id!.uuidString, title: $0.nameMasked, link: $0.link) }
    }

    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "enforcement.training-hours", label: "执法人员培训学时", definition: "本年度登记的执法人员培训学时合计", unit: .count, compute: { scope, db in
                // SUM in the database; no officer-year registered is missing, never 0.
                guard try await query(scope, on: db).count() > 0 else { return .missing }
                return .count(try await query(scope, on: db).sumOfIntegers("training_hours"))
            }, records: { scope, db in try await refs(query(scope, on: db), on: db) }),
            MetricDefinition(key: "enforcement.trained-rate", label: "培训学时达标率",
                             definition: "登记了本年度培训情况的执法人员中，培训不少于60学时（⚠️ 国办发〔2023〕27号，待核实）的比例", unit: .percent, compute: { scope, db in
                try await .countedRatio({ query(scope, on: db) }) { $0.filter(\.$trainingHours >= TrainingService.minimumHours) }
            }, records: { scope, db in try await refs(query(scope, on: db).filter(\.$trainingHours >= TrainingService.minimumHours), on: db) }),
        ]
    }
}
