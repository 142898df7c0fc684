import Fluent
import Foundation
import Vapor

/// Login, logout and the dashboard.
enum AuthPages {
    struct LoginForm: Content {
        var loginName: String?
        var password: String?
        var totp: String?
        var next: String?
    }

    static func register(_ router: ModuleRouter) {
        router.open(.GET, CoreRoute.login) { req async throws -> Response in
            if req.principal != nil { return req.redirect(to: CoreRoute.dashboard.path()) }
            return loginPage(req, form: LoginForm(), error: nil)
        }
        router.open(.POST, CoreRoute.login) { req async throws -> Response in
            try Gate.checkCSRF(req)
            let form = try req.content.decode(LoginForm.self)
            let services = req.fazhi
            let outcome = try await AccountService.login(
                loginName: (form.loginName ?? "").trimmingCharacters(in: .whitespaces), password: form.password ?? "",
                totpCode: form.totp, ip: req.clientIP, userAgent: req.headers.first(name: .userAgent) ?? "",
                services: services, on: req.db)
            switch outcome {
            case .failure(let message):
                return loginPage(req, form: form, error: message, status: .unauthorized)
            case .success(let token, _, _):
                // Any session the browser already had ends: the id always changes at login.
                if case .session(let oldID, _, _)? = req.principal?.channel, let principal = req.principal {
                    try await AccountService.endSession(oldID, reason: "relogin", by: principal, services: services, on: req.db)
                }
                let target = safeNext(form.next)
                let response = req.redirect(to: target, redirectType: .normal)
                response.cookies[Cookies.session(secure: services.config.secureCookies)] = Cookies.make(token, secure: services.config.secureCookies)
                response.cookies[Cookies.loginCSRF] = Cookies.make("", secure: services.config.secureCookies, maxAge: 0)
                return response
            }
        }
        router.page(.POST, CoreRoute.logout, permission: .authenticated, allowsPendingStep: true) { req async throws -> Response in
            let principal = try req.caller
            if case .session(let id, _, _) = principal.channel {
                try await AccountService.endSession(id, reason: "logout", by: principal, services: req.fazhi, on: req.db)
            }
            let response = Layout.redirect(req, to: CoreRoute.login.path(), notice: "已退出登录")
            response.cookies[Cookies.session(secure: req.fazhi.config.secureCookies)] = Cookies.make("", secure: req.fazhi.config.secureCookies, maxAge: 0)
            return response
        }
        router.page(.GET, CoreRoute.dashboard, permission: CorePermissions.dashboardView) { req async throws -> Response in
            try await dashboard(req)
        }
    }

    /// Only a local path may follow login (no open redirect).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/" }
        return next
    }

    static func loginPage(_ req: Request, form: LoginForm, error: String?, status: HTTPResponseStatus = .ok) -> Response {
        let token = SecretToken.make()
        req.storage[LoginCSRFKey.self] = token
        let content: [Node] = [
            el("div", [.cls("login")], [
                error.map { el("div", [.cls("error-summary"), Attribute("role", "alert")], [el("p", text: $0)]) } ?? .empty,
                UI.form(action: CoreRoute.login.path(), csrf: token, [
                    .void("input", [.type("hidden"), .name("next"), .value(safeNext(form.next ?? req.query[String.self, at: "next"]))]),
                    UI.field("登录名", name: "loginName", value: form.loginName, required: true, autocomplete: "username"),
                    UI.field("密码", name: "password", type: "password", required: true, autocomplete: "current-password"),
                    UI.field("动态口令", name: "totp", hint: "已启用动态口令（TOTP）的账户必填：手机验证器上的6位数字", autocomplete: "one-time-code"),
                    el("button", [.type("submit")], text: "登录"),
                ]),
            ]),
        ]
        let response = Layout.page(req, title: "登录", status: status, content: content)
        response.cookies[Cookies.loginCSRF] = Cookies.make(token, secure: req.fazhi.config.secureCookies, maxAge: 3600)
        return response
    }

    static func dashboard(_ req: Request) async throws -> Response {
        let principal = try req.caller
        // The cards keep their answers until a record changes (`RecordsCache`); the records'
        // version is read once for all of them.
        let version = try await RecordsVersion.current(on: req.db, services: req.fazhi)
        let (cards, widgets, timings) = try await RecordsVersion.$shared.withValue(version) {
            var cards: [Node] = []
            if principal.has(CorePermissions.unitsRead) {
                let count = try await req.keptForScope("dashboard.units") { read in try await OrgUnit.scoped(in: read.scope, on: read.db).filter(\.$active == true).count() }
                cards.append(el("div", [.cls("card")], [el("div", [.cls("figure")], text: String(count)), el("div", text: "管辖范围内在用单位"), link("查看单位", CoreRoute.units.path())]))
            }
            if principal.has(CorePermissions.auditRead) {
                // The trail is append-only and numbered from 1 without a gap (`AuditLog.append`; a
                // missing row breaks the chain `fazhi audit verify` checks), so its last number is its
                // count: no scan of a province's trail on every visit.
                let count = version.auditSeq
                cards.append(el("div", [.cls("card")], [el("div", [.cls("figure")], text: String(count)), el("div", text: "审计日志条数"), link("查看审计日志", CoreRoute.audit.path())]))
            }
            // Each card's time goes into a `Server-Timing` header (staff only), so a slow card shows in
            // the browser's network panel and in `curl -I`.
            var widgets: [Node] = [], timings: [String] = []
            for widget in req.fazhi.modules.flatMap(\.dashboardWidgets) where principal.has(widget.permission) {
                let start = DispatchTime.now().uptimeNanoseconds
                widgets.append(try await widget.render(req))
                timings.append("\(widget.id);dur=" + String(format: "%.1f", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6))
            }
            return (cards, widgets, timings)
        }
        let response = Layout.page(req, title: "工作台", content: [
            el("p", text: "\(principal.displayName)，您好。您的角色是“\(principal.role?.label ?? "未分配")”，管理范围为“\(principal.isCountyWide ? "全县（区）" : principal.unitName + "及下级单位")”。"),
            principal.role == nil ? el("p", [.cls("error")], text: "您的账户尚未分配角色，请联系安全管理员。") : .empty,
            el("div", [.cls("cards")], cards),
        ] + widgets)
        response.headers.replaceOrAdd(name: "Server-Timing", value: timings.joined(separator: ", "))
        return response
    }
}
