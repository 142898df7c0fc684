import Fluent
import Foundation
import SQLKit
import Vapor

/// Accounts, roles and sessions pages: the system admin manages accounts, the security admin
/// assigns roles, unlocks accounts and ends sessions (三权分立).
enum UserPages {
    struct UserForm: Content {
        var loginName: String?
        var displayName: String?
        var unitCode: String?
        var password: String?
    }

    static func register(_ router: ModuleRouter) {
        router.page(.GET, CoreRoute.users, permission: CorePermissions.usersRead) { req in try await list(req) }
        router.page(.GET, CoreRoute.usersNew, permission: CorePermissions.usersWrite) { req in formPage(req, form: UserForm(), failure: nil) }
        router.form(CoreRoute.usersNew, permission: CorePermissions.usersWrite, decoding: UserForm.self, submit: { req, form in
            let user = try await AccountService.createUser(loginName: form.loginName, displayName: form.displayName, unitCode: form.unitCode,
                                                           password: form.password, role: nil, mustChangePassword: true,
                                                           by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: CoreRoute.usersRecord.path(user.id!), notice: "已新建账户，请由安全管理员分配角色")
        }, reshow: { req, form, failure in
            return formPage(req, form: form, failure: failure)
        })
        router.page(.GET, CoreRoute.usersRecord, permission: CorePermissions.usersRead) { req in try await show(req) }
        router.page(.POST, CoreRoute.usersRole, permission: CorePermissions.rolesAssign) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            let raw = (try? req.content.get(String.self, at: "role")) ?? ""
            guard raw.isEmpty || Role(rawValue: raw) != nil else {
                throw ValidationFailure(field: "role", label: "角色", message: "不是有效的角色")
            }
            do {
                try await AccountService.assignRole(id, role: Role(rawValue: raw), by: try req.caller, services: req.fazhi, on: req.db)
            } catch let failure as ValidationFailure {
                return try await show(req, failure: failure)
            }
            return Layout.redirect(req, to: CoreRoute.usersRecord.path(id), notice: "已修改角色")
        }
        router.page(.POST, CoreRoute.usersResetPassword, permission: CorePermissions.sessionsManage) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            let temporary = try await AccountService.resetPassword(id, by: try req.caller, services: req.fazhi, on: req.db)
            // Shown once, on this page only: never in a redirect, a URL or the audit trail.
            return Layout.page(req, title: "已重置密码", content: [
                el("p", text: "临时密码（只显示这一次，请当面或经安全渠道交给本人；下次登录时须修改）："),
                el("p", [], [el("code", text: temporary)]),
                link("返回账户", CoreRoute.usersRecord.path(id)),
            ])
        }
        router.page(.POST, CoreRoute.usersResetTotp, permission: CorePermissions.sessionsManage) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            try await AccountService.resetTOTP(id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: CoreRoute.usersRecord.path(id), notice: "已重置动态口令，该账户下次登录时重新绑定")
        }
        router.page(.POST, CoreRoute.usersUnlock, permission: CorePermissions.sessionsManage) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            try await AccountService.unlock(id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: CoreRoute.usersRecord.path(id), notice: "已解除锁定")
        }
        for (route, active) in [(CoreRoute.usersDeactivate, false), (.usersActivate, true)] {
            router.page(.POST, route, permission: CorePermissions.usersWrite) { req async throws -> Response in
                let id = try req.parameters.require("id", as: UUID.self)
                do {
                    try await AccountService.setActive(id, active: active, by: try req.caller, services: req.fazhi, on: req.db)
                } catch let failure as ValidationFailure {
                    return try await show(req, failure: failure)
                }
                return Layout.redirect(req, to: CoreRoute.usersRecord.path(id), notice: active ? "已启用账户" : "已停用账户")
            }
        }
        router.page(.GET, CoreRoute.roles, permission: CorePermissions.rolesRead) { req in roles(req) }
        router.page(.GET, CoreRoute.sessions, permission: CorePermissions.sessionsManage) { req in try await sessions(req) }
        router.page(.POST, CoreRoute.sessionsEnd, permission: CorePermissions.sessionsManage) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            try await AccountService.endSession(id, reason: "terminated", by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: CoreRoute.sessions.path(), notice: "已强制下线")
        }
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: CoreRoute.users.path(), keys: ["q", "role", "sort", "page"])
        let page = try await AccountService.listUsers(for: principal, search: query["q"], role: query["role"], sort: query.sort,
                                                      page: PageRequest(number: query.page), on: req.db)
        let now = req.fazhi.now
        let rows: [[Node]] = page.items.map { user, unit in
            [link(user.loginName, CoreRoute.usersRecord.path(user.id!)), .text(user.displayName), .text(unit.name),
             .text(user.roleValue?.label ?? "未分配"),
             .text(!user.active ? "已停用" : ((user.lockedUntil ?? .distantPast) > now ? "已锁定" : "正常"))]
        }
        return Layout.page(req, title: "账户", content: [
            principal.has(CorePermissions.usersWrite) ? el("div", [.cls("actions")], [link("新建账户", CoreRoute.usersNew.path())]) : .empty,
            el("form", [Attribute("method", "get"), Attribute("action", CoreRoute.users.path()), .cls("filters"), Attribute("role", "search")], [
                UI.field("登录名或姓名", name: "q", value: query["q"]),
                UI.select("角色", name: "role", options: Role.allCases.map { ($0.rawValue, $0.label) }, selected: query["role"], includeBlank: "全部"),
                el("div", [.cls("field")], [el("button", [.type("submit")], text: "筛选")]),
            ]),
            UI.table(caption: "账户列表", columns: [UI.Column("登录名", sortKey: "login"), UI.Column("姓名", sortKey: "name"), UI.Column("单位"),
                                                UI.Column("角色", sortKey: "role"), UI.Column("状态")], rows: rows, query: query),
            UI.pagination(page, query: query),
        ])
    }

    static func show(_ req: Request, failure: ValidationFailure? = nil) async throws -> Response {
        let principal = try req.caller
        let (user, unit) = try await AccountService.findUser(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        let now = req.fazhi.now
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("登录名", .text(user.loginName)), ("姓名", .text(user.displayName)), ("单位", .text(unit.name)),
                ("角色", .text(user.roleValue?.label ?? "未分配")), ("动态口令", .text(user.totpEnabled ? "已启用" : "未启用")),
                ("状态", .text(!user.active ? "已停用" : ((user.lockedUntil ?? .distantPast) > now ? "已锁定" : "正常"))),
            ]),
        ]
        if principal.has(CorePermissions.rolesAssign) {
            content.append(UI.form(action: CoreRoute.usersRole.path(user.id!), csrf: req.csrfToken, [
                el("h2", text: "分配角色"),
                UI.select("角色", name: "role", options: Role.allCases.map { ($0.rawValue, $0.label) }, selected: user.role,
                          error: failure?.message(for: "role"), includeBlank: "未分配"),
                el("button", [.type("submit")], text: "保存角色"),
            ]))
        }
        var actions: [Node] = []
        if principal.has(CorePermissions.sessionsManage), (user.lockedUntil ?? .distantPast) > now {
            actions.append(UI.actionButton("解除锁定", action: CoreRoute.usersUnlock.path(user.id!), csrf: req.csrfToken))
        }
        if principal.has(CorePermissions.sessionsManage) {
            actions.append(UI.actionButton("重置密码", action: CoreRoute.usersResetPassword.path(user.id!), csrf: req.csrfToken))
            if user.totpEnabled { actions.append(UI.actionButton("重置动态口令", action: CoreRoute.usersResetTotp.path(user.id!), csrf: req.csrfToken)) }
        }
        if principal.has(CorePermissions.usersWrite) {
            actions.append(UI.actionButton(user.active ? "停用账户" : "启用账户", action: (user.active ? CoreRoute.usersDeactivate : .usersActivate).path(user.id!), csrf: req.csrfToken))
        }
        content.append(el("div", [.cls("actions")], actions))
        return Layout.page(req, title: "账户：\(user.displayName)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func formPage(_ req: Request, form: UserForm, failure: ValidationFailure?) -> Response {
        Layout.page(req, title: "新建账户", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            el("p", text: "新账户没有角色，由安全管理员分配（三权分立）；首次登录须修改初始密码。"),
            UI.form(action: CoreRoute.usersNew.path(), csrf: req.csrfToken, [
                UI.field("登录名", name: "loginName", value: form.loginName, error: failure?.message(for: "loginName"), required: true),
                UI.field("姓名", name: "displayName", value: form.displayName, error: failure?.message(for: "displayName"), required: true),
                UI.field("所属单位编码", name: "unitCode", value: form.unitCode, error: failure?.message(for: "unitCode"), required: true),
                UI.field("初始密码", name: "password", type: "password", error: failure?.message(for: "password"), required: true,
                         hint: "至少12位，含大写字母、小写字母、数字、符号中的三类", autocomplete: "new-password"),
                el("button", [.type("submit")], text: "创建"),
            ]),
        ])
    }

    static func roles(_ req: Request) -> Response {
        let access = req.fazhi.access
        let permissions = access.permissions.values.sorted { $0.key < $1.key }
        let rows: [[Node]] = permissions.map { permission in
            [.text(permission.label), el("code", text: permission.key)]
                + Role.allCases.map { role in .text(access.allows(role, permission) ? "✓" : "") }
        }
        return Layout.page(req, title: "角色与权限", content: [
            el("p", text: "角色及其权限由平台和各模块声明；系统管理员、安全管理员、审计管理员三权分立，任何账户只能持有一个角色。"),
            UI.table(caption: "权限矩阵", columns: [UI.Column("权限"), UI.Column("代码")] + Role.allCases.map { UI.Column($0.label) },
                     rows: rows, query: ListQuery(path: CoreRoute.roles.path(), parameters: [:])),
        ])
    }

    static func sessions(_ req: Request) async throws -> Response {
        let sessions = try await LoginSession.query(on: req.db).filter(\.$endedAt == nil).sort(\.$lastSeenAt, .descending).range(0..<200).all()
        let users = try await UserAccount.query(on: req.db).filter(\.$id ~~ sessions.map(\.userID)).all()
        let names = Dictionary(uniqueKeysWithValues: users.map { ($0.id!, $0.loginName) })
        let rows: [[Node]] = sessions.map { session in
            [.text(names[session.userID] ?? "?"), .text(DateText.minute(session.createdAt)), .text(DateText.minute(session.lastSeenAt)),
             .text(session.ip), UI.actionButton("强制下线", action: CoreRoute.sessionsEnd.path(session.id!), csrf: req.csrfToken)]
        }
        return Layout.page(req, title: "在线会话", content: [
            UI.table(caption: "未结束的会话（最多200条）", columns: [UI.Column("账户"), UI.Column("登录时间"), UI.Column("最近活动"), UI.Column("来源地址"), UI.Column("操作")],
                     rows: rows, query: ListQuery(path: CoreRoute.sessions.path(), parameters: [:])),
        ])
    }
}
