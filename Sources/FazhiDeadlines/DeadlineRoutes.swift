import FazhiCore

/// Every page of the module: registered, linked and put in the menu from here only.
public enum DeadlineRoute: String, RouteTemplate, CaseIterable {
    case calendar = "calendar"
    case calendarExportJson = "calendar/export.json"
    case calendarImport = "calendar/import"
    case list = "deadlines"
    case record = "deadlines/:id"
    case events = "deadlines/:id/events"
    case new = "deadlines/new"
}

/// The module's API under `/api/v1`.
public enum DeadlineAPIRoute: String, RouteTemplate, CaseIterable {
    case calendarDay = "calendar/day"
    case list = "deadlines"
}
