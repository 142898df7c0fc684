import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import SQLKit

/// What an import did.
public struct CalendarInstallResult: Sendable {
    public var version: Int
    public var summary: String
    /// Open clocks whose due date moved, with the old and new date.
    public var moved: [(clockID: UUID, title: String, old: String?, new: String?)]
}

/// The stored working-day calendar: the current version, its history, and installing a new one.
public enum CalendarService {
    /// The current calendar. One small query per call checks the version number, so a change made
    /// by another process is seen at once; the parsed calendar is reused while it has not moved.
    public static func current(services: FazhiServices, on db: any Database) async throws -> WorkCalendar {
        // One plain statement: FluentKit's aggregate reflects over the model for every call, and
        // every page that shows a clock calls this.
        let latest = try await db.sql.raw("SELECT MAX(version) AS latest FROM calendar_versions").first()?.decode(column: "latest", as: Int?.self) ?? 0
        if let cached = services.calendarCache.value, cached.version == latest { return cached }
        guard latest > 0, let row = try await CalendarVersion.query(on: db).filter(\.$version == latest).first() else {
            return try WorkCalendar.bundled()
        }
        let calendar = WorkCalendar(years: try CalendarFile.parse(Data(row.data.utf8)).years, version: row.version)
        services.calendarCache.value = calendar
        return calendar
    }

    /// The current calendar without a cache (figures computed outside a request).
    public static func load(on db: any Database) async throws -> WorkCalendar {
        guard let row = try await CalendarVersion.query(on: db).sort(\.$version, .descending).first() else { return try WorkCalendar.bundled() }
        return WorkCalendar(years: try CalendarFile.parse(Data(row.data.utf8)).years, version: row.version)
    }

    public static func versions(on db: any Database) async throws -> [CalendarVersion] {
        try await CalendarVersion.query(on: db).sort(\.$version, .descending).all()
    }

    /// Adds or replaces the years in `file`, as a new version, audited; then recomputes every open
    /// clock and records each due date that moves. All in one transaction.
    public static func install(_ file: CalendarFile, by principal: Principal, services: FazhiServices,
                               on db: any Database) async throws -> CalendarInstallResult {
        let now = services.now
        return try await db.write { tx in
            let current = try await current(services: services, on: tx)
            var changes: [String] = []
            var next = current
            for year in file.years.sorted(by: { $0.year < $1.year }) {
                if let existing = current.years[year.year] {
                    if existing == year { continue }
                    changes.append("更正\(year.year)年")
                } else {
                    changes.append("新增\(year.year)年")
                }
                next = next.replacing(year, version: current.version + 1)
            }
            guard !changes.isEmpty else {
                throw ValidationFailure(field: "file", label: "日历文件", message: "文件中各年度与现行日历完全相同，未产生新版本")
            }
            let summary = changes.joined(separator: "；")
            let version = current.version + 1
            let row = CalendarVersion(version: version, summary: summary, createdBy: principal.auditActor.name, createdAt: now,
                                      data: String(decoding: next.file.encoded(), as: UTF8.self))
            try await row.create(on: tx)
            try await AuditLog.append(AuditEvent(action: "calendar.install", entityType: "calendar_version", entityID: String(version),
                                                 detail: AuditEvent.changeDetail("工作日历第\(version)版：\(summary)（\(file.years.map { $0.source }.joined(separator: "；"))）",
                                                                                  before: String(decoding: current.file.encoded(), as: UTF8.self),
                                                                                  after: row.data)),
                                      by: principal.auditActor, at: now, on: tx)
            let calendar = WorkCalendar(years: next.years.values.sorted { $0.year < $1.year }, version: version)
            let moved = try await ClockService.recomputeOpenClocks(calendar: calendar, reason: "工作日历第\(version)版：\(summary)",
                                                                   by: principal, now: now, on: tx)
            return CalendarInstallResult(version: version, summary: summary, moved: moved)
        }
    }
}
