import Fluent
import Foundation

/// 用户: an account. One role per account keeps the three admin duties apart by construction
/// (docs/security.md: "No account holds two of them").
public final class UserAccount: Model, @unchecked Sendable {
    public static let schema = "users"

    @ID(key: .id) public var id: UUID?
    @Field(key: "login_name") public var loginName: String
    @Field(key: "display_name") public var displayName: String
    @Field(key: "unit_id") public var unitID: UUID
    @OptionalField(key: "role") public var role: String?
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "password_changed_at") public var passwordChangedAt: Date
    @Field(key: "must_change_password") public var mustChangePassword: Bool
    @Field(key: "failed_logins") public var failedLogins: Int
    @OptionalField(key: "locked_until") public var lockedUntil: Date?
    /// Sealed by ``PersonalDataCipher``: the TOTP secret is as sensitive as a password.
    @OptionalField(key: "totp_secret") public var totpSecret: String?
    @Field(key: "totp_enabled") public var totpEnabled: Bool
    @OptionalField(key: "totp_last_counter") public var totpLastCounter: Int64?
    @Field(key: "active") public var active: Bool
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public var roleValue: Role? { role.flatMap(Role.init(rawValue:)) }
}

public final class PasswordHistoryEntry: Model, @unchecked Sendable {
    public static let schema = "password_history"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(userID: UUID, passwordHash: String, createdAt: Date) {
        self.userID = userID
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// A login session, stored in the database so several app servers share it. Only the SHA-256 of
/// the cookie value is kept.
public final class LoginSession: Model, @unchecked Sendable {
    public static let schema = "sessions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "csrf_token") public var csrfToken: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "last_seen_at") public var lastSeenAt: Date
    @Field(key: "ip") public var ip: String
    @Field(key: "user_agent") public var userAgent: String
    @Field(key: "must_enroll_totp") public var mustEnrollTOTP: Bool
    @OptionalField(key: "ended_at") public var endedAt: Date?
    @OptionalField(key: "end_reason") public var endReason: String?

    public init() {}
}

/// A bearer token for the JSON API, hashed at rest, limited to some of its owner's permissions and
/// revocable.
public final class APIToken: Model, @unchecked Sendable {
    public static let schema = "api_tokens"

    @ID(key: .id) public var id: UUID?
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "name") public var name: String
    /// Space-separated permission keys.
    @Field(key: "permissions") public var permissions: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "expires_at") public var expiresAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?
    /// The unit subtree the token is narrowed to (nil: the account's own scope).
    @OptionalField(key: "unit_path") public var unitPath: String?

    public init() {}
}

public final class LoginAttempt: Model, @unchecked Sendable {
    public static let schema = "login_attempts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "ip") public var ip: String
    @Field(key: "attempted_at") public var attemptedAt: Date
    /// The login name tried (bounded), so unknown names lock like real ones.
    @OptionalField(key: "login_name") public var loginName: String?

    public init() {}

    public init(ip: String, attemptedAt: Date, loginName: String? = nil) {
        self.ip = ip
        self.attemptedAt = attemptedAt
        self.loginName = loginName
    }
}
