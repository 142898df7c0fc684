import FazhiCalendar
import FazhiCore
import Foundation
import Vapor

/// `/api/v1/deadlines` and `/api/v1/calendar/day`: the same figures as the pages, for other systems.
enum DeadlineAPI {
    struct ClockDTO: Content {
        var id: UUID
        var kind: String
        var module: String
        var title: String
        var link: String
        var unitID: UUID
        var rule: String
        var ruleTitle: String
        var basis: String
        var start: String
        var due: String?
        var state: String
        var stateLabel: String
        var warning: String
    }

    struct DayDTO: Content {
        var date: String
        var workday: Bool
        var kind: String
        var covered: Bool
        var calendarVersion: Int
    }

    static let clockSchema = JSONSchema.object([
        ("id", .string("期限ID")), ("kind", .string("期限类型代码")), ("module", .string("所属模块")), ("title", .string("事项")),
        ("link", .string("业务记录地址")), ("unitID", .string("承办单位ID")), ("rule", .string("期限规则，如 workdays:20")),
        ("ruleTitle", .string("期限名称")), ("basis", .string("依据条文")), ("start", .string("起算")),
        ("due", .nullable(.string("届满日（暂停中为空）"))), ("state", .string("running/paused/metOnTime/metLate/overdue")),
        ("stateLabel", .string("状态")), ("warning", .string("预警")),
    ], required: ["id", "kind", "title", "rule", "start", "state"])

    static func register(_ router: ModuleRouter) {
        router.api(.GET, DeadlineAPIRoute.list, permission: DeadlinePermissions.view, doc: APIDoc("管辖范围内未办结的法定期限（逾期、临期在前）", query: [
            ("status", "overdue/soon/paused/running"), ("module", "模块代码"),
        ], response: .array(clockSchema))) { req async throws -> [ClockDTO] in
            let views = try await ClockService.openClocks(for: try req.caller, services: req.fazhi, on: req.db)
            let status = req.query[String.self, at: "status"], module = req.query[String.self, at: "module"]
            return views.filter { view in DeadlinePages.matches(view, status: status) && (module.map { $0 == view.moduleID } ?? true) }.map { view in
                ClockDTO(id: view.id, kind: view.kind, module: view.moduleID, title: view.title, link: view.link, unitID: view.unitID,
                         rule: view.clock.rule.period.description, ruleTitle: view.clock.rule.title, basis: view.clock.rule.basis,
                         start: view.clock.start.description, due: view.result.dueAt?.description ?? view.result.due?.description,
                         state: view.result.state.rawValue, stateLabel: view.result.state.label, warning: view.result.warning.label)
            }
        }
        router.api(.GET, DeadlineAPIRoute.calendarDay, permission: DeadlinePermissions.calendarView, doc: APIDoc("某日是否为工作日", query: [
            ("date", "日期 YYYY-MM-DD"),
        ], required: ["date"], response: .object([("date", .string("日期")), ("workday", .boolean("是否工作日")), ("kind", .string("工作日/周末/某假期/调休上班日")),
                              ("covered", .boolean("该年节假日安排是否已录入")), ("calendarVersion", .integer("日历版本"))], required: ["date", "workday"]))) { req async throws -> DayDTO in
            let text = req.query[String.self, at: "date"] ?? ""
            guard let date = CivilDate(text) else {
                throw ValidationFailure(field: "date", label: "日期", message: "“\(text)”不是有效日期，应为 YYYY-MM-DD")
            }
            let calendar = try await CalendarService.current(services: req.fazhi, on: req.db)
            let kind = calendar.kind(of: date)
            return DayDTO(date: date.description, workday: kind.isWorkday, kind: kind.label, covered: calendar.covers(date), calendarVersion: calendar.version)
        }
    }
}
