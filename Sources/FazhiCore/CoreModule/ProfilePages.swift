import Fluent
import Foundation
import Vapor

/// The account holder's own pages: password, TOTP, sessions, API tokens.
enum ProfilePages {
    struct PasswordForm: Content {
        var current: String?
        var password: String?
        var confirmation: String?
    }

    struct TokenForm: Content {
        var name: String?
        var permissions: [String]?
        var days: String?
        var unitCode: String?
    }

    static func register(_ router: ModuleRouter) {
        router.page(.GET, CoreRoute.profile, permission: .authenticated) { req in try await overview(req, newToken: nil, failure: nil) }
        router.page(.GET, CoreRoute.profilePassword, permission: .authenticated, allowsPendingStep: true) { req in passwordPage(req, failure: nil) }
        router.page(.POST, CoreRoute.profilePassword, permission: .authenticated, allowsPendingStep: true) { req async throws -> Response in
            let principal = try req.caller
            let form = try req.content.decode(PasswordForm.self)
            var keep: UUID?
            if case .session(let id, _, _) = principal.channel { keep = id }
            do {
                try await AccountService.changePassword(principal.userID!, current: form.current ?? "", new: form.password, confirmation: form.confirmation,
                                                        keepSession: keep, by: principal, services: req.fazhi, on: req.db)
            } catch let failure as ValidationFailure {
                return passwordPage(req, failure: failure)
            }
            return Layout.redirect(req, to: CoreRoute.profile.path(), notice: "密码已修改，其他会话已结束")
        }
        router.page(.GET, CoreRoute.profileTotp, permission: .authenticated, allowsPendingStep: true) { req in try await totpPage(req, failure: nil) }
        router.page(.POST, CoreRoute.profileTotp, permission: .authenticated, allowsPendingStep: true) { req async throws -> Response in
            let principal = try req.caller
            var sessionID: UUID?
            if case .session(let id, _, _) = principal.channel { sessionID = id }
            do {
                try await AccountService.confirmTOTP(principal.userID!, code: try? req.content.get(String.self, at: "code"), sessionID: sessionID,
                                                     by: principal, services: req.fazhi, on: req.db)
            } catch let failure as ValidationFailure {
                return try await totpPage(req, failure: failure)
            }
            return Layout.redirect(req, to: CoreRoute.profile.path(), notice: "动态口令已启用，下次登录须填写")
        }
        router.page(.POST, CoreRoute.profileSessionsEnd, permission: .authenticated) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            try await AccountService.endSession(id, reason: "ended_by_user", by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: CoreRoute.profile.path(), notice: "已结束该会话")
        }
        router.form(CoreRoute.profileTokens, permission: .authenticated, decoding: TokenForm.self, submit: { req, form in
            let (token, _) = try await AccountService.createAPIToken(for: try req.caller, name: form.name, permissions: form.permissions ?? [],
                                                                     days: form.days.flatMap { Int($0) }, unitCode: form.unitCode, services: req.fazhi, on: req.db)
            return try await overview(req, newToken: token, failure: nil)
        }, reshow: { req, form, failure in
            return try await overview(req, newToken: nil, failure: failure)
        })
        router.page(.POST, CoreRoute.profileTokensRevoke, permission: .authenticated) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            try await AccountService.revokeAPIToken(id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: CoreRoute.profile.path(), notice: "已吊销令牌")
        }
    }

    static func overview(_ req: Request, newToken: String?, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        guard let userID = principal.userID, let user = try await UserAccount.find(userID, on: req.db) else { throw Abort(.unauthorized) }
        let sessions = try await LoginSession.query(on: req.db).filter(\.$userID == userID).filter(\.$endedAt == nil).sort(\.$createdAt, .descending).all()
        let tokens = try await APIToken.query(on: req.db).filter(\.$userID == userID).filter(\.$revokedAt == nil).sort(\.$createdAt, .descending).all()
        var currentSession: UUID?
        if case .session(let id, _, _) = principal.channel { currentSession = id }
        let sessionRows: [[Node]] = sessions.map { session in
            [.text(DateText.minute(session.createdAt)), .text(DateText.minute(session.lastSeenAt)), .text(session.ip),
             session.id == currentSession ? .text("当前会话") : UI.actionButton("结束", action: CoreRoute.profileSessionsEnd.path(session.id!), csrf: req.csrfToken)]
        }
        let tokenRows: [[Node]] = tokens.map { token in
            [.text(token.name), el("code", text: token.permissions), .text(token.expiresAt.map(DateText.minute) ?? "—"),
             UI.actionButton("吊销", action: CoreRoute.profileTokensRevoke.path(token.id!), csrf: req.csrfToken)]
        }
        let grantable = req.fazhi.access.permissions.values.filter { principal.permissions.contains($0.key) }.sorted { $0.key < $1.key }
        return Layout.page(req, title: "个人中心", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.details([("登录名", .text(user.loginName)), ("姓名", .text(user.displayName)), ("单位", .text(principal.unitName)),
                        ("角色", .text(principal.role?.label ?? "未分配")), ("动态口令", .text(user.totpEnabled ? "已启用" : "未启用"))]),
            el("div", [.cls("actions")], [link("修改密码", CoreRoute.profilePassword.path()), user.totpEnabled ? .empty : link("启用动态口令", CoreRoute.profileTotp.path())]),
            el("h2", text: "我的会话"),
            UI.table(caption: "未结束的会话", columns: [UI.Column("登录时间"), UI.Column("最近活动"), UI.Column("来源地址"), UI.Column("操作")],
                     rows: sessionRows, query: ListQuery(path: CoreRoute.profile.path(), parameters: [:])),
            el("h2", text: "API令牌"),
            newToken.map { el("div", [.cls("notice"), Attribute("role", "status")], [el("p", text: "新令牌（只显示这一次，请立即保存）："), el("code", text: $0)]) } ?? .empty,
            UI.table(caption: "有效的API令牌", columns: [UI.Column("名称"), UI.Column("权限"), UI.Column("到期"), UI.Column("操作")],
                     rows: tokenRows, query: ListQuery(path: CoreRoute.profile.path(), parameters: [:])),
            UI.errorSummary(failure),
            UI.form(action: CoreRoute.profileTokens.path(), csrf: req.csrfToken, [
                el("h3", text: "新建API令牌"),
                UI.field("令牌名称", name: "name", error: failure?.message(for: "name"), required: true),
                el("fieldset", [], [el("legend", text: "权限（只能选择本人拥有的权限）")] + grantable.map { permission in
                    el("label", [], [.void("input", [.type("checkbox"), .name("permissions[]"), .value(permission.key)]), .text(" \(permission.label)（\(permission.key)）")])
                } + [failure?.message(for: "permissions").map { el("p", [.cls("error")], text: $0) } ?? .empty]),
                UI.field("有效天数", name: "days", value: "90", error: failure?.message(for: "days")),
                UI.field("限定单位编码", name: "unitCode", error: failure?.message(for: "unitCode"), hint: "可选：令牌只能读取该单位及其下级的记录（如省级平台只取本县）"),
                el("button", [.type("submit")], text: "创建令牌"),
            ]),
        ])
    }

    static func passwordPage(_ req: Request, failure: ValidationFailure?) -> Response {
        let pending = req.principal?.pendingStep == .changePassword
        return Layout.page(req, title: "修改密码", status: failure == nil ? .ok : .unprocessableEntity, content: [
            pending ? el("p", [.cls("error")], text: "初始密码须修改，或密码已超过有效期：请先修改密码。") : .empty,
            UI.errorSummary(failure),
            UI.form(action: CoreRoute.profilePassword.path(), csrf: req.csrfToken, [
                UI.field("当前密码", name: "current", type: "password", error: failure?.message(for: "current"), required: true, autocomplete: "current-password"),
                UI.field("新密码", name: "password", type: "password", error: failure?.message(for: "password"), required: true,
                         hint: "至少12位，含大写字母、小写字母、数字、符号中的三类，不能与最近5次相同", autocomplete: "new-password"),
                UI.field("确认新密码", name: "confirmation", type: "password", error: failure?.message(for: "confirmation"), required: true, autocomplete: "new-password"),
                el("button", [.type("submit")], text: "修改密码"),
            ]),
        ])
    }

    static func totpPage(_ req: Request, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        guard let secret = try await AccountService.beginTOTP(principal.userID!, services: req.fazhi, on: req.db) else {
            return Layout.page(req, title: "动态口令", status: failure == nil ? .ok : .unprocessableEntity, content: [
                UI.errorSummary(failure), el("p", text: "您的账户已启用动态口令。如手机丢失，请联系安全管理员重置。"),
            ])
        }
        let uri = TOTP(secret: Base32.decode(secret) ?? Data()).provisioningURI(account: principal.loginName, issuer: req.fazhi.config.siteName)
        return Layout.page(req, title: "启用动态口令", status: failure == nil ? .ok : .unprocessableEntity, content: [
            principal.pendingStep == .enrollTOTP ? el("p", [.cls("error")], text: "您的角色须启用动态口令（TOTP）后才能继续使用平台。") : .empty,
            el("p", text: "在手机验证器（支持TOTP的应用）中手动添加以下密钥，再输入它显示的6位数字。"),
            UI.details([("密钥", el("code", text: secret)), ("配置链接", el("code", text: uri))]),
            UI.errorSummary(failure),
            UI.form(action: CoreRoute.profileTotp.path(), csrf: req.csrfToken, [
                UI.field("动态口令", name: "code", error: failure?.message(for: "code"), required: true, autocomplete: "one-time-code"),
                el("button", [.type("submit")], text: "确认启用"),
            ]),
        ])
    }
}
