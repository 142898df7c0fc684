/// Every page of the module: registered, linked and put in the menu from here only.
public enum CoreRoute: String, RouteTemplate, CaseIterable {
    case dashboard = ""
    /// Registered by the app (`OperationsRoutes`), linked from every page.
    case stylesheet = "static/app.css"
    case openAPIDocument = "api/v1/openapi.json"
    case audit = "audit"
    case auditExportCsv = "audit/export.csv"
    case figures = "figures"
    case figuresRecord = "figures/:key"
    case login = "login"
    case logout = "logout"
    case profile = "profile"
    case profilePassword = "profile/password"
    case profileSessionsEnd = "profile/sessions/:id/end"
    case profileTokens = "profile/tokens"
    case profileTokensRevoke = "profile/tokens/:id/revoke"
    case profileTotp = "profile/totp"
    case roles = "roles"
    case sessions = "sessions"
    case sessionsEnd = "sessions/:id/end"
    case units = "units"
    case unitsRecord = "units/:id"
    case unitsActivate = "units/:id/activate"
    case unitsDeactivate = "units/:id/deactivate"
    case unitsEdit = "units/:id/edit"
    case unitsMove = "units/:id/move"
    case unitsImport = "units/import"
    case unitsImportTemplateCsv = "units/import/template.csv"
    case unitsNew = "units/new"
    case users = "users"
    case usersRecord = "users/:id"
    case usersActivate = "users/:id/activate"
    case usersDeactivate = "users/:id/deactivate"
    case usersResetPassword = "users/:id/reset-password"
    case usersResetTotp = "users/:id/reset-totp"
    case usersRole = "users/:id/role"
    case usersUnlock = "users/:id/unlock"
    case usersNew = "users/new"
}

/// The module's API under `/api/v1`.
public enum CoreAPIRoute: String, RouteTemplate, CaseIterable {
    case audit = "audit"
    case me = "me"
    case metrics = "metrics"
    case units = "units"
    case unitsRecord = "units/:id"
    case figure = "figures/:key"
    case imports = "imports"
    case importRun = "imports/:importer"
}

/// The public portal (公示, no login): each module registers its public pages with these, so that
/// the portal's index can link pages of modules it does not depend on.
public enum PortalRoute: String, RouteTemplate, CaseIterable {
    /// 行政执法决定公示 (Enforcement).
    case index = "gongshi"
    case decision = "gongshi/:id"
    case benchmarks = "gongshi/benchmarks"
    /// 双随机抽查结果 (EnforcementSupervision).
    case inspections = "gongshi/inspections"
    /// 法治政府建设年度报告 and the checker (Reports).
    case reports = "gongshi/reports"
    case report = "gongshi/reports/:id"
    case checkReport = "gongshi/check-report"
    /// 行政规范性文件库 and drafts open for comment (NormativeDocuments).
    case documents = "gongshi/documents"
    case document = "gongshi/documents/:id"
    case documentAttachment = "gongshi/documents/:id/attachments/:attachment"
    case consultations = "gongshi/consultations"
    case consultation = "gongshi/consultations/:id"
    /// 重大行政决策事项目录 and each decision's published procedure (MajorDecisions).
    case decisions = "gongshi/decisions"
    case majorDecision = "gongshi/decisions/:id"
    /// 依申请公开: the online request, its tracking, and answers released under 第四十四条 (Disclosure).
    case disclosure = "gongshi/disclosure"
    case disclosureTrack = "gongshi/disclosure/track"
    /// The audit chain's published anchors (FazhiCore).
    case audit = "gongshi/audit"
    /// Search across what every module publishes (FazhiCore, `PublicPortal`).
    case search = "gongshi/search"
}

/// Where the JSON API (`ModuleRouter.api`, the `…APIRoute` enums) is mounted.
public enum APIRoot {
    public static let path = "/api/v1"
}
