import Foundation
import Vapor

/// Documentation of one API route, from which `/api/v1/openapi.json` is built.
public struct APIDoc: Sendable {
    public var summary: String
    public var queryParameters: [(name: String, description: String)]
    /// A JSON Schema (as a Swift value) for the success response body.
    public var response: JSONSchema
    public var requestBody: JSONSchema?
    /// Query parameters the operation refuses to run without.
    public var requiredQuery: Set<String>
    /// Query parameters with a schema of their own (a UUID, bounded integers); the others are strings.
    public var querySchemas: [String: JSONSchema]

    public init(_ summary: String, query: [(name: String, description: String)] = [], required: Set<String> = [], response: JSONSchema,
                requestBody: JSONSchema? = nil, querySchemas: [String: JSONSchema] = [:]) {
        self.querySchemas = querySchemas
        self.summary = summary
        self.queryParameters = query
        self.requiredQuery = required
        self.response = response
        self.requestBody = requestBody
    }
}

/// A small JSON Schema value, enough to describe our DTOs in the OpenAPI document.
public indirect enum JSONSchema: Sendable {
    case string(String)
    case integer(String)
    case number(String)
    case boolean(String)
    case array(JSONSchema)
    case object([(String, JSONSchema)], required: [String])
    case nullable(JSONSchema)
    /// A UUID (a record's id, a cursor).
    case uuid(String)
    /// An integer within bounds (a year, a page size).
    case integerIn(String, ClosedRange<Int>)

    /// Any text but one holding a NUL (U+0000), which every request's text is refused for
    /// (`NullCharacter`): the document says what the server enforces, so a client (or a fuzzer)
    /// built from it sends no text the server refuses for that.
    public static let textPattern = "^[^\\u0000]*$"

    public var json: [String: Any] {
        switch self {
        case .uuid(let description): ["type": "string", "format": "uuid", "description": description]
        case .integerIn(let description, let range): ["type": "integer", "minimum": range.lowerBound, "maximum": range.upperBound, "description": description]
        case .string(let description): ["type": "string", "pattern": Self.textPattern, "description": description]
        case .integer(let description): ["type": "integer", "description": description]
        case .number(let description): ["type": "number", "description": description]
        case .boolean(let description): ["type": "boolean", "description": description]
        case .array(let items): ["type": "array", "items": items.json]
        case .object(let properties, let required):
            [
                "type": "object",
                "properties": Dictionary(uniqueKeysWithValues: properties.map { ($0.0, $0.1.json as Any) }),
                "required": required,
            ]
        case .nullable(let inner):
            inner.json.merging(["type": [inner.json["type"] as? String ?? "string", "null"]]) { $1 }
        }
    }
}

/// Keys under which a route records what it declared, so tests can walk every route.
public enum RouteInfo {
    public static let permission = "fazhi.permission"
    public static let kind = "fazhi.kind"
    public static let doc = "fazhi.doc"
    public static let allowsPendingStep = "fazhi.allowsPending"
}

/// What kind of route: a page (cookie session and CSRF), an API route (bearer token), or public.
public enum RouteKind: String, Sendable {
    case web
    case api
    case open
}

/// How modules register routes. Every route goes through here and so declares its permission; the
/// wrapper authenticates, authorizes and checks CSRF before the handler runs (deny by default).
public struct ModuleRouter {
    public let app: Application
    let webRoutes: any RoutesBuilder
    let apiRoutes: any RoutesBuilder
    let openRoutes: any RoutesBuilder

    public init(app: Application, web: any RoutesBuilder, api: any RoutesBuilder, open: any RoutesBuilder) {
        self.app = app
        self.webRoutes = web
        self.apiRoutes = api
        self.openRoutes = open
    }

    static func components(_ path: String) -> [PathComponent] {
        path.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }

    /// A page or form action. `allowsPendingStep` lets it run while the account must still enrol
    /// TOTP or change its password (the pages that do exactly that, and logout).
    @discardableResult
    public func page<R: AsyncResponseEncodable>(_ method: HTTPMethod, _ path: String, permission: Permission,
                                                 body: HTTPBodyStreamStrategy = .collect, allowsPendingStep: Bool = false,
                                                 use handler: @escaping @Sendable (Request) async throws -> R) -> Route {
        let route = webRoutes.on(method, Self.components(path), body: body) { req async throws -> Response in
            try await Gate.authorize(req, permission: permission, kind: .web, allowsPendingStep: allowsPendingStep)
            if method != .GET, method != .HEAD { try Gate.checkCSRF(req) }
            return try await handler(req).encodeResponse(for: req)
        }
        route.userInfo[RouteInfo.permission] = permission.key
        route.userInfo[RouteInfo.kind] = RouteKind.web.rawValue
        route.userInfo[RouteInfo.allowsPendingStep] = allowsPendingStep
        return route
    }

    /// A JSON API route under `/api/v1`, documented for the OpenAPI document.
    @discardableResult
    public func api<R: AsyncResponseEncodable>(_ method: HTTPMethod, _ path: String, permission: Permission, doc: APIDoc,
                                                body: HTTPBodyStreamStrategy = .collect,
                                                use handler: @escaping @Sendable (Request) async throws -> R) -> Route {
        let route = apiRoutes.on(method, Self.components(path), body: body) { req async throws -> Response in
            try await Gate.authorize(req, permission: permission, kind: .api, allowsPendingStep: true)
            return try await handler(req).encodeResponse(for: req)
        }
        route.userInfo[RouteInfo.permission] = permission.key
        route.userInfo[RouteInfo.kind] = RouteKind.api.rawValue
        route.userInfo[RouteInfo.doc] = DocBox(doc: doc)
        return route
    }

    /// A route anyone may call: public pages, health checks. Declared as such on purpose.
    @discardableResult
    public func open<R: AsyncResponseEncodable>(_ method: HTTPMethod, _ path: String, body: HTTPBodyStreamStrategy = .collect,
                                                 use handler: @escaping @Sendable (Request) async throws -> R) -> Route {
        let route = openRoutes.on(method, Self.components(path), body: body) { req async throws -> Response in
            try await handler(req).encodeResponse(for: req)
        }
        route.userInfo[RouteInfo.permission] = Permission.publicAccess.key
        route.userInfo[RouteInfo.kind] = RouteKind.open.rawValue
        return route
    }
}

public struct DocBox: Sendable {
    public let doc: APIDoc
}

/// Thrown to send the browser elsewhere (to the login page, to a pending step).
public struct RedirectTo: Error {
    public var location: String

    public init(_ location: String) { self.location = location }
}

/// The checks every route wrapper runs.
public enum Gate {
    public static func authorize(_ req: Request, permission: Permission, kind: RouteKind, allowsPendingStep: Bool) async throws {
        if permission == .publicAccess { return }
        guard let principal = req.principal else {
            if kind == .web {
                let next = req.url.path + (req.url.query.map { "?" + $0 } ?? "")
                throw RedirectTo(CoreRoute.login.path() + "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
            }
            throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"], reason: "需要有效的API令牌（Authorization: Bearer …）")
        }
        if kind == .web, !allowsPendingStep, let step = principal.pendingStep {
            switch step {
            case .enrollTOTP: throw RedirectTo(CoreRoute.profileTotp.path())
            case .changePassword: throw RedirectTo(CoreRoute.profilePassword.path())
            }
        }
        guard principal.has(permission) else {
            try await AuditLog.append(
                AuditEvent(action: "access.denied", entityType: "route", entityID: "\(req.method.rawValue) \(req.url.path)",
                           outcome: .denied, detail: "缺少权限 \(permission.key)"),
                by: principal.auditActor, at: req.fazhi.now, on: req.db)
            throw Abort(.forbidden, reason: "您没有“\(permission.label)”权限")
        }
    }

    /// Every state-changing form carries the session's CSRF token (docs/security.md).
    public static func checkCSRF(_ req: Request) throws {
        var sent = req.headers.first(name: "X-CSRF-Token") ?? ""
        do {
            sent = try req.content.get(String.self, at: "_csrf")
        } catch let refused as ValidationFailure {
            // A body the decoder refuses (a NUL in a field, `NullCharacter`) is answered as such,
            // not as a CSRF failure: the form is refused either way, and this says why.
            throw refused
        } catch {
            // No form field: the header's token, if any.
        }
        let expected: String
        if case .session(_, let token, _)? = req.principal?.channel {
            expected = token
        } else {
            expected = Cookies.value(Cookies.loginCSRF, in: req.headers) ?? ""
        }
        guard !expected.isEmpty, SecretToken.equals(sent, expected) else {
            throw Abort(.forbidden, reason: "表单已过期或来源不明（CSRF校验失败），请刷新页面后重新提交")
        }
    }
}

struct PrincipalKey: StorageKey {
    typealias Value = Principal
}

extension Request {
    public var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The caller of a route whose wrapper already authorized it.
    public var caller: Principal {
        get throws {
            guard let principal else { throw Abort(.unauthorized, reason: "未登录") }
            return principal
        }
    }

    /// The CSRF token for forms on this page (the session's, or the login form's cookie).
    public var csrfToken: String {
        if case .session(_, let token, _)? = principal?.channel { return token }
        return storage[LoginCSRFKey.self] ?? ""
    }

    public var clientIP: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}

extension Substring {
    /// Without the spaces and tabs at either end.
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}

struct LoginCSRFKey: StorageKey {
    typealias Value = String
}

public enum Cookies {
    public static func session(secure: Bool) -> String { secure ? "__Host-fazhi_session" : "fazhi_session" }
    public static let loginCSRF = "fazhi_login_csrf"
    public static let flash = "fazhi_flash"

    /// The value of the request's cookie `name`, read straight from its `Cookie` headers: pairs split
    /// at `;` or `,`, spaces trimmed, quotes around a value dropped, the last pair of a name wins, as
    /// Vapor's `req.cookies` reads them. Every page asks for two cookies (the session and the one-time
    /// notice); building the whole `HTTPCookies` dictionary for each was 3% of a list page's CPU.
    public static func value(_ name: String, in headers: HTTPHeaders) -> String? {
        var found: Substring?
        for header in headers[.cookie] {
            var rest = header[...]
            while !rest.isEmpty {
                let end = rest.firstIndex(where: { $0 == ";" || $0 == "," }) ?? rest.endIndex
                let pair = rest[..<end]
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[end...]
                guard let equals = pair.firstIndex(of: "=") else { continue }
                guard pair[..<equals].trimmingSpaces == name else { continue }
                var value = pair[pair.index(after: equals)...].trimmingSpaces
                if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                found = value
            }
        }
        return found.map(String.init)
    }

    public static func make(_ value: String, secure: Bool, maxAge: Int? = nil) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/", isSecure: secure,
                          isHTTPOnly: true, sameSite: .lax)
    }
}

/// Resolves the session cookie into a ``Principal`` for page routes; never refuses by itself.
/// On futures (see `SecurityHeaders`): a session found in the cache, or no cookie, goes on without a
/// task; only a lookup in the database starts one.
public struct SessionAuthenticator: Middleware {
    public init() {}

    public func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let services = req.fazhi
        let config = services.config
        guard let token = Cookies.value(Cookies.session(secure: config.secureCookies), in: req.headers) else { return next.respond(to: req) }
        let hash = SecretToken.hash(token)
        let now = services.now
        if var cached = services.sessionCache.entry(hash, now: now, ttl: config.sessionCacheSeconds, idleMinutes: config.sessionIdleMinutes,
                                                    absoluteHours: config.sessionAbsoluteHours)?.principal {
            cached.ip = req.clientIP
            req.principal = cached
            return next.respond(to: req)
        }
        return req.eventLoop.makeFutureWithTask {
            // One lookup for all the cookie's requests that miss together (`SessionCache.lookup`).
            let db = req.db, ip = req.clientIP
            let entry = try await services.sessionCache.lookup(hash, ttl: config.sessionCacheSeconds) {
                guard let (session, user) = try await AccountService.resolveSession(token: token, services: services, on: db) else { return nil }
                let principal = try await AccountService.principal(
                    user: user, channel: .session(id: session.id!, csrfToken: session.csrfToken, mustEnrollTOTP: session.mustEnrollTOTP),
                    tokenPermissions: nil, ip: ip, services: services, on: db)
                return principal.map { .init(principal: $0, userID: user.id!, lastSeenAt: session.lastSeenAt, createdAt: session.createdAt, storedAt: now) }
            }
            var principal = entry?.principal
            principal?.ip = req.clientIP
            req.principal = principal
        }.flatMap { next.respond(to: req) }
    }
}

/// Resolves `Authorization: Bearer …` into a ``Principal`` for API routes. Cookies are ignored
/// here: the API never authenticates by cookie (docs/security.md).
public struct BearerAuthenticator: AsyncMiddleware {
    public init() {}

    public func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = req.headers.bearerAuthorization,
           let (token, user) = try await AccountService.resolveAPIToken(bearer.token, services: req.fazhi, on: req.db) {
            var principal = try await AccountService.principal(
                user: user, channel: .apiToken(id: token.id!), tokenPermissions: Set(token.permissions.split(separator: " ").map(String.init)),
                ip: req.clientIP, services: req.fazhi, on: req.db)
            if let narrowed = token.unitPath {
                // Narrowed to a unit: only while that unit is still within the account's own scope.
                if principal?.covers(unitPath: narrowed) == true { principal?.narrowedTo = narrowed } else { principal = nil }
            }
            req.principal = principal
            if (token.lastUsedAt ?? .distantPast).addingTimeInterval(300) < req.fazhi.now {
                token.lastUsedAt = req.fazhi.now
                try await token.save(on: req.db)
            }
        }
        return try await next.respond(to: req)
    }
}

extension ListQuery {
    /// The list parameters `keys` as the request carries them.
    /// The query string is read once, by hand: `req.query[String.self, at:]` decodes the whole
    /// query again for every key, which was 2% of a list page. As form encoding has it, `+` is a
    /// space; the first of a repeated key counts; a pair whose escapes do not decode is ignored.
    public init(_ req: Request, path: String, keys: [String]) {
        self.init(path: path, parameters: Self.parse(query: req.url.query ?? "", keys: keys))
    }

    static func parse(query: String, keys: [String]) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding, keys.contains(name),
                  parameters[name] == nil else { continue }
            let raw = parts.count > 1 ? String(parts[1]) : ""
            guard let value = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else { continue }
            parameters[name] = value
        }
        return parameters
    }
}
