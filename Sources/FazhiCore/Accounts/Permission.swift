/// A named right that a route declares and a role grants. Modules declare their own in their
/// manifest; nothing is allowed that no role was granted (deny by default).
public struct Permission: Sendable, Hashable, Codable, CustomStringConvertible {
    public let key: String
    public let label: String

    public init(_ key: String, _ label: String) {
        self.key = key
        self.label = label
    }

    public var description: String { key }

    /// Routes anyone may call (login page, health checks, public pages). Declared explicitly so a
    /// route with no declaration is a mistake a test catches, not an open door.
    public static let publicAccess = Permission("public", "公开访问")
    /// Routes any logged-in account may call, whatever its role (logout, own profile).
    public static let authenticated = Permission("authenticated", "已登录")
}

/// The core's permissions.
public enum CorePermissions {
    public static let dashboardView = Permission("dashboard.view", "查看工作台")
    public static let unitsRead = Permission("units.read", "查看单位")
    public static let unitsWrite = Permission("units.write", "维护单位")
    public static let unitsImport = Permission("units.import", "导入单位")
    public static let usersRead = Permission("users.read", "查看账户")
    public static let usersWrite = Permission("users.write", "维护账户")
    public static let rolesRead = Permission("roles.read", "查看角色与权限")
    public static let rolesAssign = Permission("roles.assign", "分配角色")
    public static let sessionsManage = Permission("sessions.manage", "管理会话与锁定")
    public static let auditRead = Permission("audit.read", "查看审计日志")
    public static let auditExport = Permission("audit.export", "导出审计日志")
    public static let metricsRead = Permission("metrics.read", "查看统计指标")

    public static let all: [Permission] = [
        dashboardView, unitsRead, unitsWrite, unitsImport, usersRead, usersWrite, rolesRead,
        rolesAssign, sessionsManage, auditRead, auditExport, metricsRead,
    ]

    /// Which role holds which core permission. The three admin roles get nothing that reads case
    /// data (docs/security.md, 三权分立).
    public static let grants: [Role: [Permission]] = [
        .systemAdmin: [dashboardView, unitsRead, unitsWrite, unitsImport, usersRead, usersWrite, rolesRead],
        .securityAdmin: [dashboardView, unitsRead, usersRead, rolesRead, rolesAssign, sessionsManage],
        .auditAdmin: [dashboardView, auditRead, auditExport],
        .supervisor: [dashboardView, unitsRead, metricsRead],
        .departmentOfficer: [dashboardView, unitsRead, metricsRead],
        .legalReviewer: [dashboardView, unitsRead, metricsRead],
        .townshipStaff: [dashboardView, unitsRead, metricsRead],
        .leader: [dashboardView, unitsRead, metricsRead],
    ]
}
