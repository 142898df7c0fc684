import FazhiCore

/// Every page of the module: registered, linked and put in the menu from here only.
public enum SupervisionRoute: String, RouteTemplate, CaseIterable {
    case complaints = "supervision/complaints"
    case complaintsRecord = "supervision/complaints/:id"
    case findings = "supervision/findings"
    case inspections = "supervision/inspections"
    case inspectionsRecord = "supervision/inspections/:id"
    case inspectionsDrawsRecord = "supervision/inspections/draws/:id"
    case inspectionsImport = "supervision/inspections/import"
    case inspectionsImportTemplateCsv = "supervision/inspections/import/template.csv"
    case rectificationsRecord = "supervision/rectifications/:id"
    case reviews = "supervision/reviews"
    case reviewsRecord = "supervision/reviews/:id"
    case reviewsFinish = "supervision/reviews/:id/finish"
    case reviewsPopulationCsv = "supervision/reviews/:id/population.csv"
    case reviewsFilesRecord = "supervision/reviews/files/:id"
    case reviewsNew = "supervision/reviews/new"
    case transfers = "supervision/transfers"
    case transfersRecord = "supervision/transfers/:id"
}
