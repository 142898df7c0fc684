import FazhiCore

/// Every page of the module: registered, linked and put in the menu from here only.
public enum ReconsiderationRoute: String, RouteTemplate, CaseIterable {
    case list = "reconsideration"
    case record = "reconsideration/:id"
    case actions = "reconsideration/:id/actions"
    case attachments = "reconsideration/:id/attachments"
    case attachmentsRecord = "reconsideration/:id/attachments/:attachment"
    case documentsRecord = "reconsideration/:id/documents/:kind"
    case opinions = "reconsideration/:id/opinions"
    case opinionsReceived = "reconsideration/:id/opinions/:opinion/received"
    case opinionsReply = "reconsideration/:id/opinions/:opinion/reply"
    case exportCsv = "reconsideration/export.csv"
    case importPage = "reconsideration/import"
    case importTemplateCsv = "reconsideration/import/template.csv"
    case new = "reconsideration/new"
    case statistics = "reconsideration/statistics"
}

/// The module's API under `/api/v1`.
public enum ReconsiderationAPIRoute: String, RouteTemplate, CaseIterable {
    case list = "reconsideration"
    case record = "reconsideration/:id"
    case statistics = "reconsideration/statistics"
}
