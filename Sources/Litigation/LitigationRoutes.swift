import FazhiCore

/// Every page of the litigation module: registered, linked and put in the menu from here only.
public enum LitigationRoute: String, RouteTemplate, CaseIterable {
    case list = "litigation"
    case new = "litigation/new"
    case importPage = "litigation/import"
    case importTemplate = "litigation/import/template.csv"
    case statistics = "litigation/statistics"
    case export = "litigation/export.csv"
    case lawsuit = "litigation/:id"
    case steps = "litigation/:id/steps"
    case recommendations = "litigation/:id/recommendations"
    case recommendationReply = "litigation/:id/recommendations/:recommendation/reply"
}

/// The litigation API under `/api/v1`.
public enum LitigationAPIRoute: String, RouteTemplate, CaseIterable {
    case list = "litigation"
    case lawsuit = "litigation/:id"
}
