import FazhiApp
import FazhiCore
import FazhiDeadlines
import Enforcement
import Litigation
import Reconsideration
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Every role against every route: the expected policy is written out here, by hand, so a change
/// in the code's grants that nobody meant shows up as a failure. A route that is not in the table
/// fails the test too, so a new route cannot slip in unreviewed.
@Suite struct PermissionMatrixTests {
    /// One representative account per role (demo county).
    static let roleAccounts: [Role: String] = [
        .systemAdmin: "sysadmin", .securityAdmin: "secadmin", .auditAdmin: "auditor", .supervisor: "supervisor",
        .leader: "leader", .departmentOfficer: "officer.scjg", .legalReviewer: "reviewer.scjg", .townshipStaff: "staff.cg",
    ]

    static let everyone = Set(Role.allCases)
    static let metricReaders: Set<Role> = [.supervisor, .leader, .departmentOfficer, .legalReviewer, .townshipStaff]
    static let unitReaders: Set<Role> = [.systemAdmin, .securityAdmin, .supervisor, .leader, .departmentOfficer, .legalReviewer, .townshipStaff]
    /// Readers of a record of 东岭镇 (township B): the county-wide roles only. The township staff
    /// account is of 城关镇 (township A) and the department accounts are of 市场监管局.
    static let townshipBReaders: Set<Role> = [.systemAdmin, .securityAdmin, .supervisor, .leader]

    static let deadlineViewers: Set<Role> = [.supervisor, .leader, .departmentOfficer, .legalReviewer, .townshipStaff]
    static let litigationHandlers: Set<Role> = [.supervisor, .departmentOfficer, .legalReviewer, .townshipStaff]
    static let deadlineManagers: Set<Role> = [.supervisor, .departmentOfficer, .legalReviewer, .townshipStaff]

    /// Page routes. `:id` is 东岭镇 for units, 蒋乡干 (a 东岭镇 account) for users.
    static let web: [String: Set<Role>] = [
        "GET /": everyone,
        "POST /logout": everyone,
        "GET /figures": metricReaders, "GET /figures/:key": metricReaders,
        "GET /units": unitReaders,
        "GET /units/new": [.systemAdmin], "POST /units/new": [.systemAdmin],
        "GET /units/import": [.systemAdmin], "POST /units/import": [.systemAdmin], "GET /units/import/template.csv": [.systemAdmin],
        "GET /units/:id": townshipBReaders,
        "GET /units/:id/edit": [.systemAdmin], "POST /units/:id/edit": [.systemAdmin], "POST /units/:id/move": [.systemAdmin],
        "POST /units/:id/deactivate": [.systemAdmin], "POST /units/:id/activate": [.systemAdmin],
        "GET /users": [.systemAdmin, .securityAdmin],
        "GET /users/new": [.systemAdmin], "POST /users/new": [.systemAdmin],
        "GET /users/:id": [.systemAdmin, .securityAdmin],
        "POST /users/:id/role": [.securityAdmin], "POST /users/:id/unlock": [.securityAdmin],
        "POST /users/:id/deactivate": [.systemAdmin], "POST /users/:id/activate": [.systemAdmin],
        "GET /roles": [.systemAdmin, .securityAdmin],
        "GET /sessions": [.securityAdmin], "POST /sessions/:id/end": [.securityAdmin],
        "GET /audit": [.auditAdmin], "GET /audit/export.csv": [.auditAdmin],
        "GET /profile": everyone, "GET /profile/password": everyone, "POST /profile/password": everyone,
        "GET /profile/totp": everyone, "POST /profile/totp": everyone, "POST /profile/sessions/:id/end": everyone,
        "POST /profile/tokens": everyone,
        // Revoking a token that is not one's own is refused to everyone (the id is a stranger's).
        "POST /profile/tokens/:id/revoke": [],
        // `:id` is a 东岭镇 clock: only county-wide deadline readers see it.
        "GET /deadlines": deadlineViewers,
        "GET /deadlines/new": deadlineManagers, "POST /deadlines/new": deadlineManagers,
        "GET /deadlines/:id": [.supervisor, .leader],
        "POST /deadlines/:id/events": [.supervisor],
        "GET /calendar": everyone, "GET /calendar/export.json": everyone,
        "GET /calendar/import": [.systemAdmin], "POST /calendar/import": [.systemAdmin],
        // `:id` is a case against 东岭镇.
        "GET /reconsideration": deadlineViewers,
        "GET /reconsideration/new": [.supervisor], "POST /reconsideration/new": [.supervisor],
        "GET /reconsideration/import": [.supervisor], "POST /reconsideration/import": [.supervisor],
        "GET /reconsideration/import/template.csv": [.supervisor],
        "GET /reconsideration/:id": [.supervisor, .leader],
        "POST /reconsideration/:id/actions": [.supervisor],
        "GET /reconsideration/:id/documents/:kind": [.supervisor],
        "POST /reconsideration/:id/opinions": [.supervisor],
        "POST /reconsideration/:id/attachments": [.supervisor],
        "GET /reconsideration/:id/attachments/:attachment": [.supervisor, .leader],
        "POST /reconsideration/:id/opinions/:opinion/reply": [.supervisor],
        "POST /reconsideration/:id/opinions/:opinion/received": [.supervisor],
        "GET /reconsideration/statistics": deadlineViewers,
        "GET /reconsideration/export.csv": [.supervisor],
        // `:id` is a lawsuit against 东岭镇.
        "GET /litigation": deadlineViewers,
        "GET /litigation/new": litigationHandlers, "POST /litigation/new": litigationHandlers,
        "GET /litigation/import": [.supervisor, .departmentOfficer], "POST /litigation/import": [.supervisor, .departmentOfficer],
        "GET /litigation/import/template.csv": [.supervisor, .departmentOfficer],
        "GET /litigation/:id": [.supervisor, .leader],
        "POST /litigation/:id/steps": [.supervisor],
        "GET /litigation/statistics": deadlineViewers,
        // `:id` is an officer of 东岭镇.
        "GET /enforcement": deadlineViewers, "GET /enforcement/officers": deadlineViewers,
        "GET /enforcement/officers/new": [.supervisor, .departmentOfficer, .townshipStaff],
        "POST /enforcement/officers/new": [.supervisor, .departmentOfficer, .townshipStaff],
        "GET /enforcement/officers/import": [.supervisor, .departmentOfficer], "POST /enforcement/officers/import": [.supervisor, .departmentOfficer],
        "GET /enforcement/officers/import/template.csv": [.supervisor, .departmentOfficer],
        "GET /enforcement/matters/import": [.supervisor, .departmentOfficer], "POST /enforcement/matters/import": [.supervisor, .departmentOfficer],
        "GET /enforcement/matters/import/template.csv": [.supervisor, .departmentOfficer],
        "GET /enforcement/officers/:id": [.supervisor, .leader],
        "POST /enforcement/officers/:id/certificates": [.supervisor], "POST /enforcement/officers/:id/years": [.supervisor],
        "POST /enforcement/officers/:id/certificates/:certificate/status": [.supervisor],
        // `:id` is a random id: a case no one can see.
        "GET /enforcement/cases": deadlineViewers,
        "GET /enforcement/cases/new": [.supervisor, .departmentOfficer, .townshipStaff],
        "POST /enforcement/cases/new": [.supervisor, .departmentOfficer, .townshipStaff],
        "GET /enforcement/cases/:id": [], "POST /enforcement/cases/:id/actions": [], "POST /enforcement/cases/:id/review": [],
        "GET /enforcement/benchmarks": deadlineViewers,
        "GET /enforcement/statistics": deadlineViewers,
        "GET /enforcement/actions": deadlineViewers, "POST /enforcement/actions": [.supervisor, .departmentOfficer, .townshipStaff],
        "GET /enforcement/actions/:id": [], "POST /enforcement/actions/:id": [],
        "GET /enforcement/cases/import": [.supervisor, .departmentOfficer], "POST /enforcement/cases/import": [.supervisor, .departmentOfficer],
        "GET /enforcement/cases/import/template.csv": [.supervisor, .departmentOfficer],
        "POST /enforcement/benchmarks": [.supervisor, .departmentOfficer, .townshipStaff], "POST /enforcement/lenience": [.supervisor, .departmentOfficer, .townshipStaff],
        "GET /litigation/export.csv": [.supervisor, .departmentOfficer],
        "POST /litigation/:id/recommendations": [.supervisor],
        "POST /litigation/:id/recommendations/:recommendation/reply": [.supervisor],
        "GET /reports": deadlineViewers, "POST /reports": [.supervisor, .departmentOfficer, .townshipStaff],
        "GET /reports/template": [.systemAdmin, .supervisor], "POST /reports/template": [.systemAdmin, .supervisor],
        "GET /reports/:id": [], "POST /reports/:id": [], "GET /reports/:id/export": [],
        "GET /reports/inputs": [.supervisor, .departmentOfficer, .townshipStaff], "POST /reports/:id/inputs": [],
        "GET /reports/inputs/:id": [], "POST /reports/inputs/:id": [],
        // Supervision: `:id` is a random id (a record no one can see).
        "GET /supervision/reviews": deadlineViewers,
        "GET /supervision/reviews/new": [.supervisor], "POST /supervision/reviews/new": [.supervisor],
        "GET /supervision/reviews/:id": [], "GET /supervision/reviews/:id/population.csv": [], "POST /supervision/reviews/:id/finish": [],
        "GET /supervision/reviews/files/:id": [], "POST /supervision/reviews/files/:id": [],
        "GET /supervision/rectifications/:id": [], "POST /supervision/rectifications/:id": [],
        "GET /supervision/inspections": deadlineViewers, "POST /supervision/inspections": Self.inspectors,
        "GET /supervision/inspections/import": Self.inspectors, "POST /supervision/inspections/import": Self.inspectors,
        "GET /supervision/inspections/import/template.csv": Self.inspectors,
        "GET /supervision/inspections/:id": [], "POST /supervision/inspections/draws/:id": [],
        "GET /supervision/transfers": deadlineViewers, "POST /supervision/transfers": Self.inspectors,
        "GET /supervision/transfers/:id": [], "POST /supervision/transfers/:id": [],
        "GET /supervision/complaints": [.supervisor], "POST /supervision/complaints": [.supervisor],
        "GET /supervision/complaints/:id": [], "POST /supervision/complaints/:id": [],
    ]

    /// Who draws inspections and registers transfers: the supervisor and enforcement staff.
    static let inspectors: Set<Role> = [.supervisor, .departmentOfficer, .townshipStaff]

    static let api: [String: Set<Role>] = [
        "GET /api/v1/me": everyone,
        "GET /api/v1/units": unitReaders,
        "GET /api/v1/units/:id": townshipBReaders,
        "POST /api/v1/units": [.systemAdmin],
        "GET /api/v1/metrics": metricReaders,
        "GET /api/v1/audit": [.auditAdmin],
        "GET /api/v1/deadlines": deadlineViewers,
        "GET /api/v1/calendar/day": everyone,
        "GET /api/v1/reconsideration": deadlineViewers,
        "GET /api/v1/reconsideration/:id": [.supervisor, .leader],
        "GET /api/v1/reconsideration/statistics": deadlineViewers,
        "GET /api/v1/litigation": deadlineViewers,
        "GET /api/v1/litigation/:id": [.supervisor, .leader],
    ]

    static let open: Set<String> = [
        "GET /login", "POST /login", "GET /healthz", "GET /readyz", "GET /metrics", "GET /static/app.css", "GET /api/v1/openapi.json", "GET /gongshi", "GET /gongshi/:id", "GET /gongshi/inspections", "GET /gongshi/benchmarks", "GET /gongshi/check-report", "POST /gongshi/check-report", "GET /gongshi/reports", "GET /gongshi/reports/:id",
    ]

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
    }

    @Test("every route declares a permission and appears in the expected matrix")
    func everyRouteIsCovered() async throws {
        try await TestApp.run(seeded: false) { t in
            for route in t.app.routes.all {
                let key = Self.key(route)
                #expect(route.userInfo[RouteInfo.permission] != nil, "route \(key) declares no permission")
                let kind = route.userInfo[RouteInfo.kind] as? String
                switch kind {
                case RouteKind.web.rawValue: #expect(Self.web[key] != nil, "page route \(key) is missing from the matrix")
                case RouteKind.api.rawValue: #expect(Self.api[key] != nil, "API route \(key) is missing from the matrix")
                default: #expect(Self.open.contains(key), "public route \(key) is not in the list of public routes")
                }
            }
            #expect(t.app.routes.all.count == Self.web.count + Self.api.count + Self.open.count)
        }
    }

    @Test("pages: each role is allowed exactly where the matrix says, and denied with 403 elsewhere")
    func pages() async throws {
        try await TestApp.run { t in
            let townshipB = try await t.unit("SFX-DL").id!.uuidString
            let userB = try await t.user("staff.dl").id!.uuidString
            let pathB = try await t.unit("SFX-DL").path
            let clockB = try #require(try await StatutoryClock.query(on: t.db).filter(\.$unitPath == pathB).first()).id!.uuidString
            let lawsuitB = try #require(try await Lawsuit.query(on: t.db).filter(\.$defendantPath == pathB).first()).id!.uuidString
            let officerB = try #require(try await EnforcementOfficer.query(on: t.db).filter(\.$unitPath == pathB).first()).id!.uuidString
            let caseB = try #require(try await ReconsiderationCase.query(on: t.db).filter(\.$respondentPath == pathB).first()).id!.uuidString
            for (routeKey, allowed) in Self.web.sorted(by: { $0.key < $1.key }) {
                let parts = routeKey.split(separator: " ", maxSplits: 1)
                let method = HTTPMethod(rawValue: String(parts[0]))
                var path = String(parts[1])
                let id = path.hasPrefix("/users/") ? userB : path.hasPrefix("/units/") ? townshipB : path.hasPrefix("/deadlines/") ? clockB
                    : path.hasPrefix("/reconsideration/") ? caseB : path.hasPrefix("/litigation/") ? lawsuitB
                    : path.hasPrefix("/enforcement/officers/") ? officerB : UUID().uuidString
                path = path.replacingOccurrences(of: ":id", with: id)
                for (role, login) in Self.roleAccounts.sorted(by: { $0.value < $1.value }) {
                    let (browser, loginResponse) = try await t.login(login)
                    #expect(loginResponse.status == .seeOther, "\(login) could not log in")
                    let response = try await t.request(browser, method, path, form: [:])
                    let location = response.headers.first(name: .location) ?? ""
                    if allowed.contains(role) {
                        #expect(response.status != .forbidden && !location.hasPrefix("/login?next="),
                                "\(role) should reach \(routeKey) but got \(response.status.code) \(location)")
                    } else {
                        #expect(response.status == .forbidden, "\(role) should be denied \(routeKey) but got \(response.status.code) \(location)")
                    }
                }
            }
        }
    }

    @Test("API: each role's token is allowed exactly where the matrix says; no token gives 401 problem+json")
    func api() async throws {
        try await TestApp.run { t in
            let townshipB = try await t.unit("SFX-DL").id!.uuidString
            let pathB = try await t.unit("SFX-DL").path
            let caseB = try #require(try await ReconsiderationCase.query(on: t.db).filter(\.$respondentPath == pathB).first()).id!.uuidString
            let lawsuitB = try #require(try await Lawsuit.query(on: t.db).filter(\.$defendantPath == pathB).first()).id!.uuidString
            var tokens: [Role: String] = [:]
            for (role, login) in Self.roleAccounts {
                let user = try await t.user(login)
                let principal = try #require(try await AccountService.principal(user: user, channel: .system, tokenPermissions: nil, ip: "test",
                                                                                 services: t.services, on: t.db))
                let (token, _) = try await AccountService.createAPIToken(for: principal, name: "矩阵测试", permissions: Array(principal.permissions),
                                                                         days: 30, services: t.services, on: t.db)
                tokens[role] = token
            }
            for (routeKey, allowed) in Self.api.sorted(by: { $0.key < $1.key }) {
                let parts = routeKey.split(separator: " ", maxSplits: 1)
                let method = HTTPMethod(rawValue: String(parts[0]))
                let raw = String(parts[1])
                let path = raw.replacingOccurrences(of: ":id", with: raw.hasPrefix("/api/v1/reconsideration/") ? caseB : raw.hasPrefix("/api/v1/litigation/") ? lawsuitB : townshipB)
                for role in Role.allCases {
                    try await t.app.testing().test(method, path, beforeRequest: { req in
                        req.headers.bearerAuthorization = BearerAuthorization(token: tokens[role]!)
                        if method == .POST { try req.content.encode(["name": ""]) }
                    }, afterResponse: { response in
                        if allowed.contains(role) {
                            #expect(response.status != .forbidden && response.status != .unauthorized, "\(role) should reach \(routeKey), got \(response.status.code)")
                        } else {
                            #expect(response.status == .forbidden, "\(role) should be denied \(routeKey), got \(response.status.code)")
                            #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                        }
                    })
                }
                try await t.app.testing().test(method, path, afterResponse: { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.body.string.contains("\"detail\""))
                })
            }
        }
    }

    @Test("township A's staff cannot read, edit or export township B's records by id, and each denial is audited")
    func crossTownshipByID() async throws {
        try await TestApp.run { t in
            let townshipB = try await t.unit("SFX-DL").id!
            let villageB = try #require(try await OrgUnit.query(on: t.db).filter(\.$parentID == townshipB).first())
            let (browser, _) = try await t.login("staff.cg")
            let before = try await AuditEntryQueries.count(on: t.db)
            #expect(try await t.request(browser, .GET, "/units/\(townshipB)").status == .forbidden)
            #expect(try await t.request(browser, .GET, "/units/\(villageB.id!)").status == .forbidden)
            #expect(try await t.request(browser, .POST, "/units/\(villageB.id!)/edit", form: ["code": "X", "name": "改名"]).status == .forbidden)
            #expect(try await t.request(browser, .GET, "/figures?unit=SFX-DL").status == .forbidden)
            let after = try await AuditEntryQueries.count(on: t.db)
            #expect(after - before >= 4)
            let village = try await t.unit(villageB.code)
            #expect(village.name == villageB.name)
            // and the same staff reads its own township's village
            let own = try await t.unit("SFX-CG-01")
            #expect(try await t.request(browser, .GET, "/units/\(own.id!)").status == .ok)
        }
    }
}
