import Fluent
import Foundation
import Vapor

/// The public shape of an account: no hashes, no secrets.
public struct UserDTO: Sendable, Codable, Equatable {
    public var id: UUID
    public var loginName: String
    public var displayName: String
    public var unitID: UUID
    public var role: String?
    public var roleLabel: String
    public var active: Bool
    public var totpEnabled: Bool
    public var locked: Bool

    public init(_ user: UserAccount, now: Date) {
        id = user.id!
        loginName = user.loginName
        displayName = user.displayName
        unitID = user.unitID
        role = user.role
        roleLabel = user.roleValue?.label ?? "未分配"
        active = user.active
        totpEnabled = user.totpEnabled
        locked = (user.lockedUntil ?? .distantPast) > now
    }

    var auditText: String { "\(loginName)|\(displayName)|\(unitID)|\(role ?? "")|\(active)" }
}

public enum LoginOutcome: Sendable {
    case success(token: String, session: LoginSession, user: UserAccount)
    case failure(message: String)
}

/// Accounts, logins, sessions and API tokens (docs/security.md, "Accounts" and "Sessions").
public enum AccountService {
    static let loginNameCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    static let genericFailure = "登录名、密码或动态口令错误"

    // MARK: Accounts

    /// Creates an account. The system admin creates accounts without a role (the security admin
    /// assigns it, 三权分立); the command line may set one to bootstrap an installation.
    @discardableResult
    public static func createUser(loginName rawLogin: String?, displayName rawName: String?, unitCode: String?, password: String?,
                                  role: Role?, mustChangePassword: Bool, by principal: Principal, services: FazhiServices,
                                  on database: any Database) async throws -> UserAccount {
        defer { services.sessionCache.removeAll() }
        return try await database.write { db in
            var validator = Validator()
            let loginName = validator.required(rawLogin, field: "loginName", label: "登录名", maxLength: 32)
            if !loginName.isEmpty {
                if loginName.count < 3 || loginName.unicodeScalars.contains(where: { !loginNameCharacters.contains($0) }) {
                    validator.add("loginName", "登录名", "应为3至32位字母、数字、“.”、“-”或“_”")
                } else if try await UserAccount.query(on: db).filter(\.$loginName == loginName).first() != nil {
                    validator.add("loginName", "登录名", "“\(loginName)”已被使用")
                }
            }
            let displayName = validator.required(rawName, field: "displayName", label: "姓名", maxLength: 50)
            let code = validator.required(unitCode, field: "unitCode", label: "所属单位", maxLength: 32)
            var unit: OrgUnit?
            if !code.isEmpty {
                unit = try await UnitService.find(code: code, on: db)
                if unit == nil {
                    validator.add("unitCode", "所属单位", "找不到编码为“\(code)”的单位")
                } else if !unit!.active {
                    validator.add("unitCode", "所属单位", "单位已停用")
                } else if !principal.covers(unitPath: unit!.path) {
                    validator.add("unitCode", "所属单位", "不在您的管理范围内")
                }
            }
            let password = password ?? ""
            for problem in services.config.passwordPolicy.problems(with: password, loginName: loginName) {
                validator.add(problem.field, problem.label, problem.message)
            }
            try validator.check()

            let now = services.now
            let user = UserAccount()
            user.id = UUID()
            user.loginName = loginName
            user.displayName = displayName
            user.unitID = unit!.id!
            user.role = role?.rawValue
            user.passwordHash = try services.hashPassword(password)
            user.passwordChangedAt = now
            user.mustChangePassword = mustChangePassword
            user.failedLogins = 0
            user.totpEnabled = false
            user.active = true
            user.createdAt = now
            user.updatedAt = now
            try await user.create(on: db)
            try await PasswordHistoryEntry(userID: user.id!, passwordHash: user.passwordHash, createdAt: now).create(on: db)
            try await AuditLog.append(
                AuditEvent(action: "user.create", entityType: "user", entityID: user.id!.uuidString,
                           detail: AuditEvent.changeDetail("新建账户 \(loginName)", before: nil, after: UserDTO(user, now: now).auditText)),
                by: principal.auditActor, at: now, on: db)
            return user
        }
    }

    /// Accounts in the caller's unit scope with their units, filtered and paged.
    public static func listUsers(for principal: Principal, search: String?, role: String?, sort: String?, page: PageRequest,
                                 on db: any Database) async throws -> Page<(UserAccount, OrgUnit)> {
        let query = UserAccount.query(on: db).join(OrgUnit.self, on: \UserAccount.$unitID == \OrgUnit.$id)
        if let prefix = principal.scopePrefix { query.filter(OrgUnit.self, \.$path =~ prefix) }
        if let search, !search.isEmpty {
            query.group(.or) { group in
                group.filter(\.$loginName ~~ search)
                group.filter(\.$displayName ~~ search)
            }
        }
        if let role, !role.isEmpty { query.filter(\.$role == role) }
        switch sort {
        case "name": query.sort(\.$displayName)
        case "role": query.sort(\.$role)
        default: query.sort(\.$loginName)
        }
        let total = try await query.count()
        let users = try await query.range(page.offset..<(page.offset + page.size)).all()
        return Page(items: try users.map { ($0, try $0.joined(OrgUnit.self)) }, total: total, request: page)
    }

    /// Finds an account whose unit the caller may see.
    public static func findUser(_ id: UUID, for principal: Principal, on db: any Database) async throws -> (UserAccount, OrgUnit) {
        guard let user = try await UserAccount.find(id, on: db), let unit = try await OrgUnit.find(user.unitID, on: db),
              principal.covers(unitPath: unit.path) else {
            throw ScopeDenied(entityType: "user", entityID: id.uuidString)
        }
        return (user, unit)
    }

    /// 三权分立: the security admin assigns roles; nobody assigns a role to their own account.
    public static func assignRole(_ userID: UUID, role: Role?, by principal: Principal, services: FazhiServices, on database: any Database) async throws {
        defer { services.sessionCache.removeAll() }
        return try await database.write { db in
            let (user, _) = try await findUser(userID, for: principal, on: db)
            if user.id == principal.userID {
                throw ValidationFailure(field: "role", label: "角色", message: "不能修改本人的角色（三权分立）")
            }
            let before = UserDTO(user, now: services.now).auditText
            user.role = role?.rawValue
            user.updatedAt = services.now
            try await user.save(on: db)
            try await endSessions(of: userID, reason: "role_change", except: nil, services: services, on: db)
            try await AuditLog.append(
                AuditEvent(action: "user.role", entityType: "user", entityID: userID.uuidString,
                           detail: AuditEvent.changeDetail("角色改为\(role?.label ?? "未分配")", before: before, after: UserDTO(user, now: services.now).auditText)),
                by: principal.auditActor, at: services.now, on: db)
        }
    }

    public static func setActive(_ userID: UUID, active: Bool, by principal: Principal, services: FazhiServices, on database: any Database) async throws {
        defer { services.sessionCache.removeAll() }
        return try await database.write { db in
            let (user, _) = try await findUser(userID, for: principal, on: db)
            if user.id == principal.userID, !active {
                throw ValidationFailure(field: "active", label: "状态", message: "不能停用本人的账户")
            }
            let before = UserDTO(user, now: services.now).auditText
            user.active = active
            user.updatedAt = services.now
            try await user.save(on: db)
            if !active { try await endSessions(of: userID, reason: "deactivated", except: nil, services: services, on: db) }
            try await AuditLog.append(
                AuditEvent(action: active ? "user.activate" : "user.deactivate", entityType: "user", entityID: userID.uuidString,
                           detail: AuditEvent.changeDetail(active ? "启用账户" : "停用账户", before: before, after: UserDTO(user, now: services.now).auditText)),
                by: principal.auditActor, at: services.now, on: db)
        }
    }

    public static func unlock(_ userID: UUID, by principal: Principal, services: FazhiServices, on database: any Database) async throws {
        defer { services.sessionCache.removeAll() }
        return try await database.write { db in
            let (user, _) = try await findUser(userID, for: principal, on: db)
            user.lockedUntil = nil
            user.failedLogins = 0
            try await user.save(on: db)
            try await AuditLog.append(AuditEvent(action: "user.unlock", entityType: "user", entityID: userID.uuidString, detail: "解除锁定"),
                                      by: principal.auditActor, at: services.now, on: db)
        }
    }

    /// The security admin resets a forgotten password: a temporary one, shown once to the admin, that
    /// must be changed at the next login; the account's sessions end and its API tokens are revoked.
    public static func resetPassword(_ userID: UUID, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> String {
        defer { services.sessionCache.removeAll() }
        // Three character classes and a digit, long enough for any configured minimum.
        let length = min(max(12, services.config.passwordPolicy.minimumLength), 60)
        let temporary = "Tmp-" + SecretToken.make(bytes: length).prefix(length) + "7"
        let hash = try await services.hashPasswordOffLoop(temporary)
        try await database.write { db in
            let (user, _) = try await findUser(userID, for: principal, on: db)
            let now = services.now
            user.passwordHash = hash
            user.passwordChangedAt = now
            user.mustChangePassword = true
            user.lockedUntil = nil
            user.failedLogins = 0
            user.updatedAt = now
            try await user.save(on: db)
            try await endSessions(of: userID, reason: "password_reset", except: nil, services: services, on: db)
            try await revokeTokens(of: userID, reason: "重置密码", at: now, on: db)
            try await AuditLog.append(AuditEvent(action: "user.password_reset", entityType: "user", entityID: userID.uuidString, detail: "安全管理员重置密码（须在下次登录时修改）"),
                                      by: principal.auditActor, at: now, on: db)
        }
        return temporary
    }

    /// The security admin resets a lost TOTP device: the secret is cleared, and a role that requires
    /// TOTP enrols a new device at its next login.
    public static func resetTOTP(_ userID: UUID, by principal: Principal, services: FazhiServices, on database: any Database) async throws {
        defer { services.sessionCache.removeAll() }
        return try await database.write { db in
            let (user, _) = try await findUser(userID, for: principal, on: db)
            user.totpSecret = nil
            user.totpEnabled = false
            user.totpLastCounter = nil
            user.updatedAt = services.now
            try await user.save(on: db)
            try await endSessions(of: userID, reason: "totp_reset", except: nil, services: services, on: db)
            try await AuditLog.append(AuditEvent(action: "user.totp_reset", entityType: "user", entityID: userID.uuidString, detail: "安全管理员重置动态口令（下次登录重新绑定）"),
                                      by: principal.auditActor, at: services.now, on: db)
        }
    }

    // MARK: Passwords

    /// Changes a password after checking the current one, the policy and the last N passwords;
    /// ends every session of the account but the current one (docs/security.md).
    public static func changePassword(_ userID: UUID, current: String?, new: String?, confirmation: String?,
                                      keepSession: UUID?, by principal: Principal, services: FazhiServices, on database: any Database) async throws {
        defer { services.sessionCache.removeAll() }
        // bcrypt runs off the event loop and before the write transaction, so no lock waits on it.
        guard let user = try await UserAccount.find(userID, on: database) else { throw ScopeDenied(entityType: "user", entityID: userID.uuidString) }
        var validator = Validator()
        let new = new ?? ""
        if let current, !(try await services.verifyPasswordOffLoop(current, hash: user.passwordHash)) {
            validator.add("current", "当前密码", "不正确")
        }
        for problem in services.config.passwordPolicy.problems(with: new, loginName: user.loginName) {
            validator.add(problem.field, problem.label, problem.message)
        }
        if new != (confirmation ?? "") {
            validator.add("confirmation", "确认新密码", "与新密码不一致")
        }
        if validator.errors.isEmpty, services.config.passwordPolicy.historyCount > 0 {
            let history = try await PasswordHistoryEntry.query(on: database).filter(\.$userID == userID)
                .sort(\.$createdAt, .descending).range(0..<services.config.passwordPolicy.historyCount).all()
            for entry in history where try await services.verifyPasswordOffLoop(new, hash: entry.passwordHash) {
                validator.add("password", "新密码", "不能与最近\(services.config.passwordPolicy.historyCount)次使用过的密码相同")
                break
            }
        }
        try validator.check()
        let hash = try await services.hashPasswordOffLoop(new)
        let checkedHash = user.passwordHash
        try await database.write { db in
            guard let user = try await UserAccount.find(userID, on: db) else { throw ScopeDenied(entityType: "user", entityID: userID.uuidString) }
            // Changed meanwhile by another request: the check above was against the old password.
            guard user.passwordHash == checkedHash else { throw ValidationFailure(field: "current", label: "当前密码", message: "密码刚被修改，请重新输入") }
            let now = services.now
            user.passwordHash = hash
            user.passwordChangedAt = now
            user.mustChangePassword = false
            user.updatedAt = now
            try await user.save(on: db)
            try await PasswordHistoryEntry(userID: userID, passwordHash: hash, createdAt: now).create(on: db)
            try await endSessions(of: userID, reason: "password_change", except: keepSession, services: services, on: db)
            try await revokeTokens(of: userID, reason: "修改密码", at: now, on: db)
            try await AuditLog.append(AuditEvent(action: "user.password", entityType: "user", entityID: userID.uuidString, detail: "修改密码"),
                                      by: principal.auditActor, at: now, on: db)
        }
    }

    public static func passwordExpired(_ user: UserAccount, services: FazhiServices) -> Bool {
        let days = services.config.passwordPolicy.expiryDays
        guard days > 0 else { return false }
        return services.now.timeIntervalSince(user.passwordChangedAt) > Double(days) * 86400
    }

    // MARK: Login

    /// The longest login name stored or audited; a longer one is cut before anything is written.
    static let loginNameLimit = 64

    /// A bcrypt hash no password matches, verified against when the login name is unknown, so an
    /// unknown name costs the same time as a real one.
    static let decoyHash = "$2b$12$" + String(repeating: "C", count: 53)

    public static func login(loginName rawLoginName: String, password: String, totpCode: String?, ip: String, userAgent: String,
                             services: FazhiServices, on database: any Database) async throws -> LoginOutcome {
        let now = services.now
        let config = services.config
        let loginName = String(rawLoginName.prefix(loginNameLimit))
        let windowStart = now.addingTimeInterval(-Double(config.loginRateWindowMinutes) * 60)
        let recent = try await LoginAttempt.query(on: database).filter(\.$ip == ip).filter(\.$attemptedAt > windowStart).count()
        if recent >= config.loginRateLimitPerIP {
            // One audit row per address and window, however many attempts follow it.
            if recent == config.loginRateLimitPerIP {
                try await database.write { db in
                    try await LoginAttempt(ip: ip, attemptedAt: now).create(on: db)
                    try await AuditLog.append(AuditEvent(action: "auth.login", entityType: "user", entityID: loginName, outcome: .denied,
                                                         detail: "来源地址尝试过于频繁（本时段内不再逐次记录）"),
                                              by: .anonymous(ip: ip), at: now, on: db)
                }
            }
            return .failure(message: "登录尝试过于频繁，请\(config.loginRateWindowMinutes)分钟后再试")
        }

        // Read and verify outside the write transaction, with bcrypt off the event loop; real and
        // unknown names do the same work and get the same answers.
        let found = try await UserAccount.query(on: database).filter(\.$loginName == loginName).first()
        let user = (found?.active ?? false) ? found : nil
        let passwordMatches = try await services.verifyPasswordOffLoop(password, hash: user?.passwordHash ?? decoyHash)
        let lockMinutes = Double(config.lockoutMinutes) * 60
        var unknownFailures = 0
        if user == nil {
            unknownFailures = try await LoginAttempt.query(on: database).filter(\.$loginName == loginName)
                .filter(\.$attemptedAt > now.addingTimeInterval(-lockMinutes)).count()
        }
        let unknownLocked = unknownFailures >= config.lockoutThreshold
        @Sendable func lockedMessage(_ until: Date) -> String {
            "账户因多次登录失败已锁定，请\(Int((until.timeIntervalSince(now) / 60).rounded(.up)))分钟后再试，或联系安全管理员解锁"
        }

        return try await database.write { db in
            func fail(_ user: UserAccount?, reason: String, message: String = genericFailure) async throws -> LoginOutcome {
                try await LoginAttempt(ip: ip, attemptedAt: now, loginName: loginName).create(on: db)
                let actor = user.map { AuditActor(id: $0.id!.uuidString, name: $0.loginName, unitID: $0.unitID.uuidString, ip: ip) } ?? .anonymous(ip: ip)
                try await AuditLog.append(AuditEvent(action: "auth.login", entityType: "user", entityID: user?.id?.uuidString ?? loginName,
                                                     outcome: .failure, detail: reason), by: actor, at: now, on: db)
                return .failure(message: message)
            }

            guard let user, let current = try await UserAccount.find(user.id!, on: db) else {
                if unknownLocked { return try await fail(nil, reason: "登录名不存在或已停用", message: lockedMessage(now.addingTimeInterval(lockMinutes))) }
                return try await fail(nil, reason: "登录名不存在或已停用")
            }
            if let until = current.lockedUntil, until > now {
                return try await fail(current, reason: "账户已锁定", message: lockedMessage(until))
            }
            var passwordOK = passwordMatches
            var reason = "密码错误"
            if passwordOK, current.totpEnabled {
                let secret = try current.totpSecret.map { try services.cipher.open($0) }.flatMap(Base32.decode)
                if let secret, let counter = TOTP(secret: secret).verify(totpCode ?? "", at: now, after: current.totpLastCounter) {
                    current.totpLastCounter = counter
                } else {
                    passwordOK = false
                    reason = "动态口令错误"
                }
            }
            guard passwordOK else {
                current.failedLogins += 1
                var message = genericFailure
                if current.failedLogins >= config.lockoutThreshold {
                    current.lockedUntil = now.addingTimeInterval(lockMinutes)
                    current.failedLogins = 0
                    message = "连续\(config.lockoutThreshold)次登录失败，账户已锁定\(config.lockoutMinutes)分钟"
                    try await AuditLog.append(AuditEvent(action: "auth.lock", entityType: "user", entityID: current.id!.uuidString,
                                                         detail: "连续登录失败，锁定\(config.lockoutMinutes)分钟"),
                                              by: .anonymous(ip: ip), at: now, on: db)
                    // A locked account's API tokens stop working with its sessions (docs/security.md).
                    try await revokeTokens(of: current.id!, reason: "账户锁定", at: now, on: db)
                }
                try await current.save(on: db)
                return try await fail(current, reason: reason, message: message)
            }
            current.failedLogins = 0
            current.lockedUntil = nil
            try await current.save(on: db)
            let signedIn = current

            let token = SecretToken.make()
            let session = LoginSession()
            session.id = UUID()
            session.tokenHash = SecretToken.hash(token)
            session.userID = signedIn.id!
            session.csrfToken = SecretToken.make()
            session.createdAt = now
            session.lastSeenAt = now
            session.ip = ip
            session.userAgent = String(userAgent.prefix(200))
            session.mustEnrollTOTP = !signedIn.totpEnabled && signedIn.roleValue.map(config.totpRequiredRoles.contains) == true
            try await session.create(on: db)
            try await AuditLog.append(AuditEvent(action: "auth.login", entityType: "user", entityID: signedIn.id!.uuidString, detail: "登录成功"),
                                      by: AuditActor(id: signedIn.id!.uuidString, name: signedIn.loginName, unitID: signedIn.unitID.uuidString, ip: ip),
                                      at: now, on: db)
            return .success(token: token, session: session, user: signedIn)
        }
    }

    // MARK: Sessions

    /// The live session for a cookie value, or nil when it is unknown, ended, idle too long or
    /// past its absolute lifetime (which ends it). Touches `last_seen_at` at most once a minute.
    public static func resolveSession(token: String, services: FazhiServices, on db: any Database) async throws -> (LoginSession, UserAccount)? {
        let now = services.now
        guard let session = try await LoginSession.query(on: db).filter(\.$tokenHash == SecretToken.hash(token)).first(),
              session.endedAt == nil else { return nil }
        let config = services.config
        var expiry: String?
        if now.timeIntervalSince(session.lastSeenAt) > Double(config.sessionIdleMinutes) * 60 { expiry = "idle" }
        if now.timeIntervalSince(session.createdAt) > Double(config.sessionAbsoluteHours) * 3600 { expiry = "absolute" }
        if let expiry {
            try await db.write { tx in
                session.endedAt = now
                session.endReason = expiry
                try await session.save(on: tx)
                try await AuditLog.append(AuditEvent(action: "auth.session_expired", entityType: "session", entityID: session.id!.uuidString,
                                                     detail: expiry == "idle" ? "空闲超时" : "超过最长会话时间"),
                                          by: AuditActor(id: session.userID.uuidString, name: "", unitID: "", ip: session.ip), at: now, on: tx)
            }
            return nil
        }
        guard let user = try await UserAccount.find(session.userID, on: db), user.active else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) > 60 {
            session.lastSeenAt = now
            try await session.save(on: db)
        }
        return (session, user)
    }

    public static func endSession(_ id: UUID, reason: String, by principal: Principal, services: FazhiServices, on database: any Database) async throws {
        defer { services.sessionCache.removeAll() }
        return try await database.write { db in
            guard let session = try await LoginSession.find(id, on: db), session.endedAt == nil else { return }
            if session.userID != principal.userID, !principal.has(CorePermissions.sessionsManage) {
                throw ScopeDenied(entityType: "session", entityID: id.uuidString)
            }
            session.endedAt = services.now
            session.endReason = reason
            try await session.save(on: db)
            try await AuditLog.append(AuditEvent(action: "auth.logout", entityType: "session", entityID: id.uuidString, detail: reason),
                                      by: principal.auditActor, at: services.now, on: db)
        }
    }

    static func endSessions(of userID: UUID, reason: String, except keep: UUID?, services: FazhiServices, on db: any Database) async throws {
        let sessions = try await LoginSession.query(on: db).filter(\.$userID == userID).filter(\.$endedAt == nil).all()
        for session in sessions where session.id != keep {
            session.endedAt = services.now
            session.endReason = reason
            try await session.save(on: db)
        }
    }

    // MARK: TOTP

    /// Starts enrolment: stores a new sealed secret, not yet enabled, and returns it in base32.
    /// Returns nil when TOTP is already on: the page must never replace a working secret.
    public static func beginTOTP(_ userID: UUID, services: FazhiServices, on db: any Database) async throws -> String? {
        guard let user = try await UserAccount.find(userID, on: db) else { throw ScopeDenied(entityType: "user", entityID: userID.uuidString) }
        if user.totpEnabled { return nil }
        if let sealed = user.totpSecret, !user.totpEnabled, let existing = try? services.cipher.open(sealed) {
            return existing
        }
        let secret = Base32.encode(TOTP.generateSecret())
        user.totpSecret = try services.cipher.seal(secret)
        user.totpEnabled = false
        try await user.save(on: db)
        return secret
    }

    /// Enables TOTP once the user proves their app produces the right code.
    public static func confirmTOTP(_ userID: UUID, code: String?, sessionID: UUID?, by principal: Principal,
                                   services: FazhiServices, on database: any Database) async throws {
        defer { services.sessionCache.removeAll() }
        return try await database.write { db in
            guard let user = try await UserAccount.find(userID, on: db), !user.totpEnabled,
                  let sealed = user.totpSecret, let secret = Base32.decode(try services.cipher.open(sealed)) else {
                throw ValidationFailure(field: "code", label: "动态口令", message: "请先生成密钥，或动态口令已启用")
            }
            guard let counter = TOTP(secret: secret).verify(code ?? "", at: services.now) else {
                throw ValidationFailure(field: "code", label: "动态口令", message: "不正确，请核对手机时间后重试")
            }
            user.totpEnabled = true
            user.totpLastCounter = counter
            try await user.save(on: db)
            if let sessionID, let session = try await LoginSession.find(sessionID, on: db) {
                session.mustEnrollTOTP = false
                try await session.save(on: db)
            }
            try await AuditLog.append(AuditEvent(action: "user.totp_enable", entityType: "user", entityID: userID.uuidString, detail: "启用动态口令"),
                                      by: principal.auditActor, at: services.now, on: db)
        }
    }

    // MARK: API tokens

    /// Creates a bearer token limited to `permissions` (each must be one the owner holds).
    public static func createAPIToken(for principal: Principal, name rawName: String?, permissions requested: [String], days: Int?,
                                      unitCode: String? = nil, services: FazhiServices, on database: any Database) async throws -> (String, APIToken) {
        try await database.write { db in
            var validator = Validator()
            var narrowedTo: String?
            if let code = unitCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
                if let unit = try await UnitService.find(code: code, on: db), principal.covers(unitPath: unit.path) {
                    narrowedTo = unit.path
                } else {
                    validator.add("unitCode", "限定单位", "没有编码为“\(code)”的单位，或不在您的管理范围内")
                }
            }
            let name = validator.required(rawName, field: "name", label: "令牌名称", maxLength: 50)
            let wanted = Set(requested.filter { !$0.isEmpty })
            if wanted.isEmpty { validator.add("permissions", "权限", "至少选择一项") }
            let missing = wanted.subtracting(principal.permissions)
            if !missing.isEmpty { validator.add("permissions", "权限", "不能授予本人没有的权限：\(missing.sorted().joined(separator: "、"))") }
            if let days, !(1...366).contains(days) { validator.add("days", "有效天数", "应为1到366") }
            try validator.check()
            let token = "fzt_" + SecretToken.make()
            let record = APIToken()
            record.id = UUID()
            record.tokenHash = SecretToken.hash(token)
            record.userID = principal.userID!
            record.name = name
            record.permissions = wanted.sorted().joined(separator: " ")
            record.createdAt = services.now
            record.expiresAt = services.now.addingTimeInterval(Double(days ?? 90) * 86400)
            record.unitPath = narrowedTo
            try await record.create(on: db)
            try await AuditLog.append(AuditEvent(action: "apitoken.create", entityType: "api_token", entityID: record.id!.uuidString,
                                                 detail: "创建API令牌“\(name)”：\(record.permissions)"),
                                      by: principal.auditActor, at: services.now, on: db)
            return (token, record)
        }
    }

    public static func revokeAPIToken(_ id: UUID, by principal: Principal, services: FazhiServices, on database: any Database) async throws {
        try await database.write { db in
            guard let token = try await APIToken.find(id, on: db), token.userID == principal.userID || principal.has(CorePermissions.sessionsManage) else {
                throw ScopeDenied(entityType: "api_token", entityID: id.uuidString)
            }
            token.revokedAt = services.now
            try await token.save(on: db)
            try await AuditLog.append(AuditEvent(action: "apitoken.revoke", entityType: "api_token", entityID: id.uuidString, detail: "吊销API令牌"),
                                      by: principal.auditActor, at: services.now, on: db)
        }
    }

    public static func resolveAPIToken(_ token: String, services: FazhiServices, on db: any Database) async throws -> (APIToken, UserAccount)? {
        guard let record = try await APIToken.query(on: db).filter(\.$tokenHash == SecretToken.hash(token)).first(),
              record.revokedAt == nil, (record.expiresAt ?? .distantFuture) > services.now,
              let user = try await UserAccount.find(record.userID, on: db), user.active,
              (user.lockedUntil ?? .distantPast) <= services.now else { return nil }
        return (record, user)
    }

    /// Revokes every live API token of an account (a password change, a lock): a token must not
    /// outlive the credentials that made it. One audit row with the count.
    @discardableResult
    static func revokeTokens(of userID: UUID, reason: String, at now: Date, on db: any Database) async throws -> Int {
        let live = try await APIToken.query(on: db).filter(\.$userID == userID).filter(\.$revokedAt == nil).all()
        for token in live {
            token.revokedAt = now
            try await token.save(on: db)
        }
        if !live.isEmpty {
            try await AuditLog.append(AuditEvent(action: "apitoken.revoke", entityType: "user", entityID: userID.uuidString,
                                                 detail: "\(reason)：吊销该账户的API令牌\(live.count)个"),
                                      by: AuditActor(id: "system", name: "系统", unitID: "", ip: "local"), at: now, on: db)
        }
        return live.count
    }

    /// The caller as the platform sees them: role permissions, narrowed to the token's when a token
    /// is used.
    public static func principal(user: UserAccount, channel: Principal.Channel, tokenPermissions: Set<String>?, ip: String,
                                 services: FazhiServices, on db: any Database) async throws -> Principal? {
        guard let unit = try await OrgUnit.find(user.unitID, on: db) else { return nil }
        var permissions = services.access.permissions(of: user.roleValue)
        if let tokenPermissions { permissions.formIntersection(tokenPermissions) }
        var principal = Principal(userID: user.id, loginName: user.loginName, displayName: user.displayName, role: user.roleValue,
                                  unitID: unit.id, unitName: unit.name, unitPath: unit.path, permissions: permissions,
                                  channel: channel, ip: ip)
        principal.countyPath = try await countyPath(of: unit, services: services, on: db)
        if case .session(_, _, let mustEnroll) = channel {
            if mustEnroll {
                principal.pendingStep = .enrollTOTP
            } else if user.mustChangePassword || passwordExpired(user, services: services) {
                principal.pendingStep = .changePassword
            }
        }
        return principal
    }

    /// The 县（区）人民政府 `unit` lies in, when the installation holds more than one county (a city
    /// or a province with each county's tree beside the others): a county-wide role's scope there
    /// (`Principal.countyPath`). Nil with one county government, or for a unit above every county.
    public static func countyPath(of unit: OrgUnit, services: FazhiServices, on db: any Database) async throws -> String? {
        let counties = try await services.unitNames.countyGovernmentPaths(services: services, on: db)
        guard counties.count > 1 else { return nil }
        return counties.first { unit.path.hasPrefix($0) }
    }
}
