import Foundation

/// Who is calling: the account, its role, its unit scope and how it authenticated.
public struct Principal: Sendable {
    public enum Channel: Sendable, Equatable {
        case session(id: UUID, csrfToken: String, mustEnrollTOTP: Bool)
        case apiToken(id: UUID)
        case system
        /// A person a ledger names as having acted in the past (an imported 法制审核): no account, no
        /// permission beyond the one step recorded, audited as asserted by the importing user.
        case ledger(importedBy: AuditActor)
    }

    public var userID: UUID?
    public var loginName: String
    public var displayName: String
    public var role: Role?
    public var unitID: UUID?
    public var unitName: String
    /// The path of the user's unit; records whose unit path starts with it are in scope.
    public var unitPath: String
    public var permissions: Set<String>
    public var channel: Channel
    public var ip: String
    /// A step the account must take before anything else (enrol TOTP, change its password).
    public var pendingStep: PendingStep?
    /// An API token narrowed to one unit's subtree: the caller's scope, whatever the role's.
    public var narrowedTo: String?
    /// In an installation of several counties (a city's), the path of the 县（区）人民政府 whose
    /// subtree a county-wide role answers for: a county's 司法局 sees its own county, not its
    /// neighbours'. Nil in an installation of one county, and for an account above the counties
    /// (the city's own units), whose county-wide role sees them all.
    public var countyPath: String?

    public enum PendingStep: String, Sendable {
        case enrollTOTP
        case changePassword
    }

    public init(userID: UUID?, loginName: String, displayName: String, role: Role?, unitID: UUID?, unitName: String,
                unitPath: String, permissions: Set<String>, channel: Channel, ip: String) {
        self.userID = userID
        self.loginName = loginName
        self.displayName = displayName
        self.role = role
        self.unitID = unitID
        self.unitName = unitName
        self.unitPath = unitPath
        self.permissions = permissions
        self.channel = channel
        self.ip = ip
    }

    /// The operator at the command line (`fazhi user create`, `fazhi demo seed` …).
    public static func system(_ name: String = "命令行") -> Principal {
        Principal(userID: nil, loginName: "system", displayName: name, role: nil, unitID: nil, unitName: "",
                  unitPath: "/", permissions: [], channel: .system, ip: "local")
    }

    public var isCountyWide: Bool { narrowedTo == nil && (role?.isCountyWide ?? (channel == .system)) }

    public func has(_ permission: Permission) -> Bool {
        if permission == .publicAccess { return true }
        if permission == .authenticated { return userID != nil || channel == .system }
        if channel == .system { return true }
        return permissions.contains(permission.key)
    }

    /// Whether a record belonging to the unit at `path` is within this caller's scope.
    public func covers(unitPath path: String) -> Bool {
        if let narrowedTo { return path.hasPrefix(narrowedTo) }
        if isCountyWide { return countyPath.map { path.hasPrefix($0) } ?? true }
        return path.hasPrefix(unitPath)
    }

    /// The unit-path prefix that list queries filter on; nil means no filter.
    public var scopePrefix: String? { narrowedTo ?? (isCountyWide ? countyPath : unitPath) }

    public var auditActor: AuditActor {
        if case .ledger(let importer) = channel {
            return AuditActor(id: importer.id, name: "\(importer.name)，据台账记载：\(displayName)", unitID: importer.unitID, ip: importer.ip)
        }
        return AuditActor(id: userID?.uuidString ?? "system", name: "\(displayName)（\(loginName)）",
                          unitID: unitID?.uuidString ?? "", ip: ip)
    }

    /// A person named by an imported ledger as having taken one step: holds exactly `permission`.
    public static func ledger(_ name: String, permission: Permission, role: Role, unitPath: String, importedBy importer: Principal) -> Principal {
        var person = Principal(userID: nil, loginName: "ledger", displayName: name, role: role, unitID: importer.unitID, unitName: importer.unitName,
                               unitPath: unitPath, permissions: [permission.key], channel: .ledger(importedBy: importer.auditActor), ip: importer.ip)
        person.countyPath = importer.countyPath
        return person
    }
}
