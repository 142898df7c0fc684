import FazhiCore

/// Every page of the normative-documents module: registered, linked and put in the menu from here only.
public enum DocumentRoute: String, RouteTemplate, CaseIterable {
    case list = "documents"
    case new = "documents/new"
    case importPage = "documents/import"
    case importTemplate = "documents/import/template.csv"
    case record = "documents/:id"
    case steps = "documents/:id/steps"
    /// The versions of the text: GET compares two (`?from=1&to=2`), POST saves the next draft.
    case versions = "documents/:id/versions"
    case interpretation = "documents/:id/interpretation"
    /// Files kept with a document: upload (POST) and one file (GET).
    case attachments = "documents/:id/attachments"
    case attachment = "documents/:id/attachments/:attachment"
    /// 清理 campaigns: the list (GET) and a new one (POST); one campaign, its verdicts (POST) and its end (POST).
    case cleanups = "documents/cleanups"
    case cleanup = "documents/cleanups/:id"
    case cleanupResults = "documents/cleanups/:id/results"
    case cleanupFinish = "documents/cleanups/:id/finish"
    /// A citizen's 审查建议 and its answer (POST).
    case objection = "documents/objections/:id"
}
