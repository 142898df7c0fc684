import FazhiCore

/// Every page of the module: registered, linked and put in the menu from here only.
public enum EnforcementRoute: String, RouteTemplate, CaseIterable {
    case list = "enforcement"
    case actions = "enforcement/actions"
    case actionsRecord = "enforcement/actions/:id"
    case benchmarks = "enforcement/benchmarks"
    case cases = "enforcement/cases"
    case casesRecord = "enforcement/cases/:id"
    case casesActions = "enforcement/cases/:id/actions"
    case casesPublicationRelease = "enforcement/cases/:id/publication/release"
    case casesReview = "enforcement/cases/:id/review"
    case casesImport = "enforcement/cases/import"
    case casesImportTemplateCsv = "enforcement/cases/import/template.csv"
    case casesNew = "enforcement/cases/new"
    case lenience = "enforcement/lenience"
    case mattersImport = "enforcement/matters/import"
    case mattersImportTemplateCsv = "enforcement/matters/import/template.csv"
    case officers = "enforcement/officers"
    case officersRecord = "enforcement/officers/:id"
    case officersCertificates = "enforcement/officers/:id/certificates"
    case officersCertificatesStatus = "enforcement/officers/:id/certificates/:certificate/status"
    case officersYears = "enforcement/officers/:id/years"
    case officersImport = "enforcement/officers/import"
    case officersImportTemplateCsv = "enforcement/officers/import/template.csv"
    case officersNew = "enforcement/officers/new"
    case statistics = "enforcement/statistics"
}
