/// The fixed set of roles from docs/security.md. One account holds one role.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// 系统管理员: accounts and configuration.
    case systemAdmin
    /// 安全管理员: roles, policies, sessions.
    case securityAdmin
    /// 审计管理员: reads the audit trail only.
    case auditAdmin
    /// 司法局监督人员: the justice bureau's supervisors, county-wide.
    case supervisor
    /// 部门工作人员 (执法人员 …)
    case departmentOfficer
    /// 部门法制审核人员
    case legalReviewer
    /// 乡镇（街道）工作人员
    case townshipStaff
    /// 领导（只读）
    case leader

    public var label: String {
        switch self {
        case .systemAdmin: "系统管理员"
        case .securityAdmin: "安全管理员"
        case .auditAdmin: "审计管理员"
        case .supervisor: "司法局监督人员"
        case .departmentOfficer: "部门工作人员"
        case .legalReviewer: "部门法制审核人员"
        case .townshipStaff: "乡镇（街道）工作人员"
        case .leader: "领导（只读）"
        }
    }

    /// County-wide roles see every unit; the others see their own unit's subtree only.
    public var isCountyWide: Bool {
        switch self {
        case .systemAdmin, .securityAdmin, .auditAdmin, .supervisor, .leader: true
        case .departmentOfficer, .legalReviewer, .townshipStaff: false
        }
    }

    /// 三权分立: the three separated administrator duties.
    public var isAdministrator: Bool {
        self == .systemAdmin || self == .securityAdmin || self == .auditAdmin
    }

    public init?(label: String) {
        guard let role = Role.allCases.first(where: { $0.label == label || $0.rawValue == label }) else { return nil }
        self = role
    }
}

/// Which permissions each role holds: the core's grants plus every module's, built once at boot.
public struct AccessPolicy: Sendable {
    public private(set) var grants: [Role: Set<String>]
    public private(set) var permissions: [String: Permission]

    public init(modules: [FazhiModule]) {
        var grants: [Role: Set<String>] = [:]
        var permissions: [String: Permission] = [:]
        for module in modules {
            for permission in module.permissions { permissions[permission.key] = permission }
            for (role, granted) in module.grants {
                grants[role, default: []].formUnion(granted.map(\.key))
            }
        }
        self.grants = grants
        self.permissions = permissions
    }

    public func permissions(of role: Role?) -> Set<String> {
        guard let role else { return [] }
        return grants[role] ?? []
    }

    public func allows(_ role: Role?, _ permission: Permission) -> Bool {
        if permission == .publicAccess { return true }
        guard let role else { return false }
        if permission == .authenticated { return true }
        return grants[role]?.contains(permission.key) ?? false
    }
}
