import FazhiApp
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit
import Testing

/// Moving a unit moves every module's copy of its path (`UnitPathColumn`).
@Suite struct UnitMoveTests {
    /// Every `*_path` column of the database, as "table.column".
    static func pathColumns(_ db: any Database) async throws -> Set<String> {
        let sql = db as! any SQLDatabase
        var found: Set<String> = []
        if DatabaseFlavor(db) == .postgres {
            for row in try await sql.raw("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name LIKE '%\\_path'").all() {
                found.insert("\(try row.decode(column: "table_name", as: String.self)).\(try row.decode(column: "column_name", as: String.self))")
            }
        } else {
            for table in try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all() {
                let name = try table.decode(column: "name", as: String.self)
                for column in try await sql.raw("SELECT name FROM pragma_table_info(\(bind: name))").all() {
                    let columnName = try column.decode(column: "name", as: String.self)
                    if columnName.hasSuffix("_path") { found.insert("\(name).\(columnName)") }
                }
            }
        }
        return found
    }

    @Test("every *_path column of every module is declared, so a move cannot miss one")
    func everyCopyIsDeclared() async throws {
        try await TestApp.run(seeded: false) { t in
            let columns = try await Self.pathColumns(t.db)
            let declared = Set(t.services.modules.flatMap(\.unitPathColumns).map { "\($0.table).\($0.column)" })
            #expect(columns.count >= 25)
            #expect(columns.subtracting(declared).isEmpty, "undeclared: \(columns.subtracting(declared).sorted())")
            #expect(declared.subtracting(columns).isEmpty, "declared but missing: \(declared.subtracting(columns).sorted())")
        }
    }

    @Test("a village moved from 城关镇 to 东岭镇 takes its records along: the new township's staff see them, the old one's do not")
    func recordsFollowTheUnit() async throws {
        try await TestApp.run { t in
            // given a clock of a village of 城关镇
            let village = try await t.unit("SFX-CG-01")
            let clock = try await ClockService.open(kind: "deadlines.disclosure-reply", unitID: village.id, title: "村务公开申请", record: nil,
                                                    start: CivilDateTime(date: CivilDate("2026-02-26")!), startReason: "收到申请",
                                                    by: .system(), services: t.services, on: t.db)
            let (before, _) = try await t.login("staff.cg")
            #expect(try await t.request(before, .GET, "/deadlines/\(clock.id!)").status == .ok)
            // when the system admin moves it to 东岭镇
            let (admin, _) = try await t.login("sysadmin")
            #expect(try await t.request(admin, .POST, "/units/\(village.id!)/move", form: ["parentCode": "SFX-DL"]).status == .seeOther)
            // then its clock moved with it
            let moved = try await t.unit("SFX-CG-01")
            #expect(moved.path.hasPrefix(try await t.unit("SFX-DL").path))
            #expect(try await StatutoryClock.find(clock.id!, on: t.db)?.unitPath == moved.path)
            #expect(try await t.request(before, .GET, "/deadlines/\(clock.id!)").status == .forbidden)
            let (after, _) = try await t.login("staff.dl")
            #expect(try await t.request(after, .GET, "/deadlines/\(clock.id!)").status == .ok)
        }
    }
}
