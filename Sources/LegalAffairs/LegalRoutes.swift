import FazhiCore

/// Every page of the legal-affairs module: registered, linked and put in the menu from here only.
public enum LegalRoute: String, RouteTemplate, CaseIterable {
    /// The justice bureau's one queue of legality reviews (GET), and a new contract or matter (POST).
    case reviews = "legal/reviews"
    case reviewsImport = "legal/reviews/import"
    case reviewsImportTemplate = "legal/reviews/import/template.csv"
    case review = "legal/reviews/:id"
    case reviewSteps = "legal/reviews/:id/steps"
    /// The roster of 法律顾问 and 公职律师 (GET) and a new adviser (POST).
    case advisers = "legal/advisers"
    case advisersImport = "legal/advisers/import"
    case advisersImportTemplate = "legal/advisers/import/template.csv"
    /// POST: hours and opinions an adviser gave.
    case adviserServices = "legal/advisers/:id/services"
}
