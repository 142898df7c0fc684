import Foundation
import Vapor

/// The page frame: header with the account, navigation built from the module manifests, the main
/// region. One call per page: `try Layout.page(req, title:, content:)`.
public enum Layout {
    public static func document(title: String, siteName: String, principal: Principal?, menu: [MenuEntry], currentPath: String,
                                csrf: String, notice: String?, content: [Node]) -> String {
        String(buffer: documentBytes(title: title, siteName: siteName, principal: principal, menu: menu, currentPath: currentPath, csrf: csrf,
                                     notice: notice, content: content))
    }

    /// The page as the response body's bytes.
    public static func documentBytes(title: String, siteName: String, principal: Principal?, menu: [MenuEntry], currentPath: String,
                                     csrf: String, notice: String?, content: [Node]) -> ByteBuffer {
        documentBytes(title: title, siteName: siteName, principal: principal, currentPath: currentPath, csrf: csrf, notice: notice, content: content) {
            navigation(menu: menu, principal: $0, currentPath: currentPath)
        }
    }

    /// The page, with the side navigation of a signed-in reader from `navigation` (a page's
    /// request takes it from the services' `NavigationCache`).
    static func documentBytes(title: String, siteName: String, principal: Principal?, currentPath: String, csrf: String, notice: String?,
                              content: [Node], navigation: (Principal) -> Node) -> ByteBuffer {
        let head = el("head", [], [
            .void("meta", [Attribute("charset", "utf-8")]),
            .void("meta", [.name("viewport"), Attribute("content", "width=device-width, initial-scale=1")]),
            el("title", text: "\(title) - \(siteName)"),
            .void("link", [Attribute("rel", "stylesheet"), .href(CoreRoute.stylesheet.path())]),
        ])
        var bodyChildren: [Node] = [link("跳到正文", "#main", [.cls("skip")])]
        let signedIn = principal?.userID != nil
        var headerChildren: [Node] = [el("a", [.cls("brand"), .href(signedIn ? "/" : publicHome)], text: siteName)]
        if let principal, signedIn {
            headerChildren.append(el("div", [.cls("account")], [
                link("\(principal.displayName)（\(principal.role?.label ?? "未分配角色")，\(principal.unitName)）", CoreRoute.profile.path()),
                UI.actionButton("退出登录", action: CoreRoute.logout.path(), csrf: csrf, style: "link"),
            ]))
        } else {
            // Signed out (the public site, the login page, an error): the way to the public site and to the login.
            headerChildren.append(el("nav", [.cls("account"), .aria("label", "网站导航")], [
                link("法治政府公示", publicHome, currentPath.hasPrefix(publicHome) ? [.aria("current", "page")] : []),
                link("工作人员登录", CoreRoute.login.path(), currentPath == CoreRoute.login.path() ? [.aria("current", "page")] : []),
            ]))
        }
        bodyChildren.append(el("header", [.cls("top")], headerChildren))
        var shell: [Node] = []
        if let principal, signedIn, principal.pendingStep == nil {
            shell.append(navigation(principal))
        }
        shell.append(el("main", [.id("main"), Attribute("tabindex", "-1")], [el("h1", text: title), UI.notice(notice)] + content))
        bodyChildren.append(el("div", [.cls("shell")], shell))
        let html = el("html", [Attribute("lang", "zh-CN")], [head, el("body", [], bodyChildren)])
        var output: [UInt8] = []
        output.reserveCapacity(16_384)
        output.append(contentsOf: "<!DOCTYPE html>\n".utf8)
        html.render(into: &output)
        output.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: output)
    }

    static func navigation(menu: [MenuEntry], principal: Principal, currentPath: String) -> Node {
        // One pass: the sections in the order they first appear, each with its visible entries.
        var sections: [(name: String, entries: [MenuEntry])] = []
        for entry in menu where principal.has(entry.permission) {
            if let index = sections.firstIndex(where: { $0.name == entry.section }) { sections[index].entries.append(entry) } else { sections.append((entry.section, [entry])) }
        }
        let current = currentEntryPath(sections.flatMap { $0.entries.map(\.path) }, for: currentPath)
        // On a phone the links fold behind a 菜单 button that needs no script: a checkbox and its label.
        return el("nav", [.cls("side"), .aria("label", "主导航")], [
            .void("input", [.type("checkbox"), .id("menu-open"), .cls("menu-toggle"), .aria("controls", "main-nav")]),
            el("label", [Attribute("for", "menu-open"), .cls("menu-button")], text: "菜单"),
            el("div", [.cls("nav-links"), .id("main-nav")], sections.map { section in
                el("div", [.cls("nav-section")], [
                    el("h2", text: section.name),
                    el("ul", [], section.entries.map { entry in
                        el("li", [], [link(entry.title, entry.path, entry.path == current ? [.aria("current", "page")] : [])])
                    }),
                ])
            }),
        ])
    }

    /// The one menu entry the page at `path` belongs to: the entry of that path, else the longest
    /// entry the path lies under (`/enforcement/cases/<id>` is under 行政处罚案件, not also under
    /// 执法主体与权责清单 at `/enforcement`). Only it is marked `aria-current`, so a screen reader
    /// hears one current page.
    static func currentEntryPath(_ paths: [String], for path: String) -> String? {
        var best: String?
        for entry in paths {
            let matches = entry == path || (entry != "/" && path.hasPrefix(entry) && path.dropFirst(entry.count).first == "/")
            if matches, entry.count > (best?.count ?? -1) { best = entry }
        }
        return best
    }

    /// The public site's home (the 法治政府 portal).
    public static var publicHome: String { PortalRoute.index.path() }

    /// Renders a whole page for this request.
    public static func page(_ req: Request, title: String, status: HTTPResponseStatus = .ok, content: [Node]) -> Response {
        let notice = Cookies.value(Cookies.flash, in: req.headers)?.removingPercentEncoding
        let services = req.fazhi
        let path = req.url.path
        let html = documentBytes(title: title, siteName: services.config.siteName, principal: req.principal, currentPath: path,
                                 csrf: req.csrfToken, notice: notice, content: content) { services.navigation.node(for: $0, currentPath: path) }
        let response = Response(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(buffer: html))
        if notice != nil {
            response.cookies[Cookies.flash] = Cookies.make("", secure: req.fazhi.config.secureCookies, maxAge: 0)
        }
        return response
    }

    /// A page of the public site (no login, no menu): `section` names the part of the portal
    /// ("政务公开", "行政执法公示") after the site's name.
    public static func portal(_ req: Request, title: String, section: String, status: HTTPResponseStatus = .ok, content: [Node]) -> Response {
        let html = documentBytes(title: title, siteName: "\(req.fazhi.config.siteName) · \(section)", principal: nil, menu: [], currentPath: req.url.path,
                                 csrf: "", notice: nil, content: content)
        return Response(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(buffer: html))
    }

    /// Redirects after a successful form, with a one-time notice shown on the next page.
    public static func redirect(_ req: Request, to location: String, notice: String? = nil) -> Response {
        let response = req.redirect(to: location, redirectType: .normal)
        if let notice {
            response.cookies[Cookies.flash] = Cookies.make(notice.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "",
                                                           secure: req.fazhi.config.secureCookies, maxAge: 60)
        }
        return response
    }
}

/// Security headers on every response (docs/security.md, "Sessions and requests"). No page uses
/// script, so the policy forbids it outright.
///
/// This and the other middleware every request passes are `Middleware` on futures, not
/// `AsyncMiddleware`: an async middleware starts a task and hops off the event loop and back for
/// every request, and none of these waits for anything on its usual path.
public struct SecurityHeaders: Middleware {
    public init() {}

    public func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).map { response in Self.add(to: response, for: req) }
    }

    static func add(to response: Response, for req: Request) -> Response {
        // `replaceOrAdd` removes before it adds, and the removal builds a new header array even when
        // there is nothing to remove; most responses carry none of these yet.
        func set(_ name: String, _ value: String) {
            if response.headers.contains(name: name) { response.headers.replaceOrAdd(name: name, value: value) } else { response.headers.add(name: name, value: value) }
        }
        set("Content-Security-Policy", "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        set("X-Content-Type-Options", "nosniff")
        set("Referrer-Policy", "same-origin")
        set("X-Frame-Options", "DENY")
        if req.fazhi.config.secureCookies {
            // Served over HTTPS (the same setting as the Secure cookie): browsers keep to HTTPS for a year.
            set("Strict-Transport-Security", "max-age=31536000")
        }
        // A signed-in reader's pages are not kept by the browser or a proxy. A response that set a
        // policy of its own keeps it: the stylesheet, cached for an hour. Decided by the header, not
        // by the request's path, which Vapor rebuilds through `URLComponents` each time it is read.
        if req.principal != nil, !response.headers.contains(name: "Cache-Control") {
            response.headers.add(name: "Cache-Control", value: "no-store")
        }
        return response
    }
}

/// Turns every error into a clear Chinese answer: RFC 9457 problem+json under `/api`, an HTML page
/// elsewhere. A denial of a record outside the caller's scope is audited.
public struct ErrorResponder: Middleware {
    public init() {}

    public func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).flatMapError { error in
            if let redirect = error as? RedirectTo { return req.eventLoop.makeSucceededFuture(req.redirect(to: redirect.location, redirectType: .normal)) }
            // Only a failure needs a task: rendering it may write an audit row.
            return req.eventLoop.makeFutureWithTask { await render(error, for: req) }
        }
    }

    /// The methods registered for the request's path, when none matched its method.
    static func allowedMethods(for req: Request) -> [String] {
        let parts = req.url.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var methods = Set<String>()
        for route in req.application.routes.all where route.path.count == parts.count {
            let matches = zip(route.path, parts).allSatisfy { component, part in
                switch component {
                case .constant(let text): return text == part
                case .parameter: return true
                case .anything, .catchall: return true
                }
            }
            if matches { methods.insert(route.method.rawValue) }
        }
        return methods.sorted()
    }

    func render(_ error: any Error, for req: Request) async -> Response {
        var status = HTTPResponseStatus.internalServerError
        var detail = "服务器内部错误，已记录日志。请稍后重试或联系系统管理员。"
        var fieldErrors: [FieldError] = []
        var headers = HTTPHeaders()
        switch error {
        case let failure as ValidationFailure:
            status = .unprocessableEntity
            detail = failure.summary
            fieldErrors = failure.errors
        case let denied as ScopeDenied:
            status = .forbidden
            detail = "该记录不存在或不在您的管理范围内"
            let actor = req.principal?.auditActor ?? .anonymous(ip: req.clientIP)
            do {
                try await AuditLog.append(AuditEvent(action: "access.denied", entityType: denied.entityType, entityID: denied.entityID,
                                                     outcome: .denied, detail: "访问范围外的记录：\(req.method.rawValue) \(req.url.path)"),
                                          by: actor, at: req.fazhi.now, on: req.db)
            } catch {
                // The caller still gets the 403; the lost row is logged where operators look.
                req.logger.error("audit append failed for access.denied: \(String(reflecting: error))")
            }
        case let file as ImportFileError:
            status = .badRequest
            detail = file.description
        case let abort as any AbortError:
            status = abort.status
            headers = abort.headers
            detail = abort.reason
            if status == .notFound, detail == "Not Found" { detail = "页面不存在" }
            if status == .payloadTooLarge { detail = "上传内容过大" }
            // Our own refusals carry Chinese reasons; a bare 400 is Vapor failing to decode the request.
            if status == .badRequest { detail = "请求格式错误：\(abort.reason)" }
            // No route matched, but the path exists with other methods: 405 with the methods it has
            // (RFC 9110 §15.5.6). The routes are walked only on this path.
            if abort.status == .notFound, req.route == nil, case let allowed = Self.allowedMethods(for: req), !allowed.isEmpty {
                status = .methodNotAllowed
                detail = "该地址不支持 \(req.method.rawValue) 方法"
                headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", "))
            }
        case let decoding as DecodingError:
            status = .badRequest
            detail = "请求格式错误：\(decoding.localizedDescription)"
        case _ where NullCharacter.isPostgresRefusal(error):
            // A NUL that reached PostgreSQL past the checks (a path parameter): the rule, not a 500.
            status = .unprocessableEntity
            detail = "提交的文字\(NullCharacter.rule)"
        default:
            req.logger.report(error: error)
        }
        if status == .internalServerError { req.logger.error("unhandled error: \(String(reflecting: error))") }
        if req.url.path.hasPrefix(APIRoot.path + "/") {
            let problem = Problem(type: "about:blank", title: status.reasonPhrase, status: Int(status.code), detail: detail,
                                  instance: req.url.path, errors: fieldErrors.isEmpty ? nil : fieldErrors)
            let response = Response(status: status, headers: headers)
            response.headers.replaceOrAdd(name: .contentType, value: "application/problem+json; charset=utf-8")
            response.body = .init(data: (try? JSONEncoder().encode(problem)) ?? Data())
            return response
        }
        let content: [Node] = [
            el("p", [.cls("error-detail")], text: detail),
            fieldErrors.isEmpty ? .empty : el("ul", [], fieldErrors.map { el("li", text: $0.text) }),
            req.principal?.userID != nil ? el("p", [], [link("返回工作台", "/")])
                : el("p", [], [link("返回法治政府公示", Layout.publicHome), .text("　"), link("工作人员登录", CoreRoute.login.path())]),
        ]
        let response = Layout.page(req, title: Self.title(for: status), status: status, content: content)
        for (name, value) in headers where name.lowercased() != "content-type" { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }

    static func title(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: "请求有误"
        case 401: "需要登录"
        case 403: "无权访问"
        case 404: "页面不存在"
        case 422: "提交的内容有误"
        case 429: "请求过于频繁"
        default: status.code >= 500 ? "服务器错误" : "出错了"
        }
    }
}

/// RFC 9457 problem details, with the field errors of a validation failure.
public struct Problem: Codable, Sendable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    public var instance: String
    public var errors: [FieldError]?
}
