import FazhiApp
import FazhiCore
import Fluent
import Foundation
import Testing
import Vapor

/// `fazhi backup` and `fazhi restore` (issue "prove it"): on the suite's database (SQLite, or
/// PostgreSQL with pg_dump/pg_restore), a backup restored elsewhere gives the same figures and an
/// intact audit chain, and nothing written after the backup.
@Suite struct BackupTests {
    @Test("a backup restored into another database: identical figures for two years, the audit chain intact up to the backup, later writes absent")
    func roundTrip() async throws {
        try await TestApp.run { t in
            let government = try await t.unit("SFX-GOV")
            func figures(_ app: Application) async throws -> [String] {
                var lines: [String] = []
                for year in [2024, 2025] {
                    let scope = MetricScope(year: year, unitPath: government.path, unitName: government.name)
                    lines += try await app.fazhi.metrics.evaluateAll(scope: scope, on: app.db).map { "\(year) \($0.key) \($0.value ?? "—") \($0.numerator ?? -1)/\($0.denominator ?? -1)" }
                }
                return lines
            }
            let before = try await figures(t.app)
            let auditRows = try await AuditEntryQueries.count(on: t.db)
            let file = NSTemporaryDirectory() + "fazhi-backup-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: file) }
            try await Backup.backup(config: t.services.config, db: t.db, to: file)
            // A second backup to the same path is refused: a backup never overwrites.
            await #expect(throws: Backup.Failure.self) { try await Backup.backup(config: t.services.config, db: t.db, to: file) }
            // Written after the backup: not in the restored data.
            _ = try await UnitService.create(.init(code: "SFX-AFTER", name: "备份后新设单位", kind: "部门", parentCode: "SFX-GOV"), by: .system(), services: t.services, on: t.db)

            var target = t.services.config
            var database: String?
            switch target.database {
            case .sqlite:
                target.database = .sqlite(path: TestDatabases.freshSQLitePath())
            case .postgres(let url):
                let name = TestDatabases.freshDatabaseName()
                try await TestDatabases.admin.create(name, template: nil)
                database = name
                target.database = .postgres(url: TestDatabases.url(url, database: name))
            }
            let restored = try await Application.make(.testing)
            do {
                let report = try await Backup.restore(config: target, from: file, environment: .testing)
                #expect(report.integrity == "ok" && report.auditRows == auditRows)
                try await FazhiApp.configure(restored, config: target)
                #expect(try await figures(restored) == before)
                #expect(try await UnitService.find(code: "SFX-AFTER", on: restored.db) == nil)
                #expect(try await UnitService.find(code: "SFX-AFTER", on: t.db) != nil)
            } catch {
                try? await TestApp.cleanUp(restored, config: target, database: database)
                throw error
            }
            try await TestApp.cleanUp(restored, config: target, database: database)
        }
    }

    @Test("restoring a file that is not a backup is refused with a message, and the target is left as it was")
    func notABackup() async throws {
        guard TestDatabases.postgresURL == nil else { return }
        let file = NSTemporaryDirectory() + "fazhi-not-a-backup-\(UUID().uuidString)"
        try Data("这不是备份".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        var config = TestApp.configuration()
        let target = TestDatabases.freshSQLitePath()
        config.database = .sqlite(path: target)
        let error = await #expect(throws: Backup.Failure.self) { try await Backup.restore(config: config, from: file, environment: .testing) }
        #expect(error?.description.contains("不是SQLite备份文件") == true)
        #expect(!FileManager.default.fileExists(atPath: target))
    }
}
