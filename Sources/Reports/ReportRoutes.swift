import FazhiCore

/// Every page of the module: registered, linked and put in the menu from here only.
public enum ReportRoute: String, RouteTemplate, CaseIterable {
    case list = "reports"
    case record = "reports/:id"
    case export = "reports/:id/export"
    case reportInputs = "reports/:id/inputs"
    case inputs = "reports/inputs"
    case inputsRecord = "reports/inputs/:id"
    case template = "reports/template"
}
