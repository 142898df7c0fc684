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

/// Every role against every route. The policy is written out here by hand as who holds each
/// permission, so a change in a module's grants that nobody meant shows up as a failure. A route's
/// expected roles follow from the permission it declares where it is registered, narrowed by the
/// record its `:id` names: adding a route needs no edit here, adding a permission does.
@Suite struct PermissionMatrixTests {
    /// One representative account per role (demo county).
    static let roleAccounts: [Role: String] = [
        .systemAdmin: "sysadmin", .securityAdmin: "secadmin", .auditAdmin: "auditor", .supervisor: "supervisor",
        .leader: "leader", .departmentOfficer: "officer.scjg", .legalReviewer: "reviewer.scjg", .townshipStaff: "staff.cg",
    ]

    static let everyone = Set(Role.allCases)
    static let staff: Set<Role> = [.supervisor, .leader, .departmentOfficer, .legalReviewer, .townshipStaff]
    static let handlers: Set<Role> = [.supervisor, .departmentOfficer, .legalReviewer, .townshipStaff]
    static let enforcers: Set<Role> = [.supervisor, .departmentOfficer, .townshipStaff]
    /// Readers of a record of 东岭镇 (township B): the county-wide roles only. The township staff
    /// account is of 城关镇 (township A) and the department accounts are of 市场监管局.
    static let townshipBReaders: Set<Role> = [.systemAdmin, .securityAdmin, .supervisor, .leader]

    /// Who holds each permission (docs/security.md: 三权分立; each module's grants).
    static let holders: [String: Set<Role>] = [
        "authenticated": everyone, "dashboard.view": everyone, "calendar.view": everyone,
        "units.read": staff.union([.systemAdmin, .securityAdmin]), "units.write": [.systemAdmin], "units.import": [.systemAdmin],
        "users.read": [.systemAdmin, .securityAdmin], "users.write": [.systemAdmin], "roles.read": [.systemAdmin, .securityAdmin],
        "roles.assign": [.securityAdmin], "sessions.manage": [.securityAdmin],
        "audit.read": [.auditAdmin], "audit.export": [.auditAdmin],
        "metrics.read": staff,
        "calendar.manage": [.systemAdmin], "deadlines.view": staff, "deadlines.manage": handlers,
        "reconsideration.read": staff, "reconsideration.handle": [.supervisor], "reconsideration.import": [.supervisor],
        "litigation.read": staff, "litigation.handle": handlers, "litigation.import": [.supervisor, .departmentOfficer],
        "enforcement.read": staff, "enforcement.manage": enforcers, "enforcement.import": [.supervisor, .departmentOfficer],
        "enforcement.review": [.legalReviewer],
        "supervision.read": staff, "supervision.manage": [.supervisor], "supervision.inspect": enforcers,
        "supervision.review": [.supervisor, .legalReviewer], "supervision.rectify": handlers,
        "documents.read": staff, "documents.manage": enforcers, "documents.review": [.supervisor],
        "decisions.read": staff, "decisions.manage": enforcers, "decisions.review": [.supervisor],
        "disclosure.read": staff, "disclosure.handle": enforcers,
        "suggestions.read": staff, "suggestions.handle": enforcers, "suggestions.assign": [.supervisor],
        "services.read": staff, "services.manage": enforcers,
        "indicators.read": staff, "indicators.manage": [.supervisor], "indicators.evidence": enforcers,
        "education.read": staff, "education.record": enforcers,
        "oversight.read": staff, "oversight.inspect": [.supervisor], "oversight.rectify": [.departmentOfficer, .townshipStaff],
        "mediation.read": [.supervisor, .leader, .townshipStaff], "mediation.handle": [.supervisor, .townshipStaff], "mediation.bodies": [.supervisor],
        "legal.read": staff, "legal.submit": enforcers, "legal.review": [.supervisor], "legal.advisers": [.supervisor],
        "reports.read": staff, "reports.manage": enforcers, "reports.approve": [.supervisor], "reports.template": [.supervisor, .systemAdmin],
    ]

    /// What record a route's `:id` names in these tests, and so who can see it.
    enum Target {
        /// No record (a list, a form, `:key`): every holder of the permission.
        case none
        /// A record of 东岭镇 (township B): the county-wide holders.
        case townshipB
        /// A random id: a record no one can see, refused to all.
        case missing
    }

    /// Path prefixes whose `:id` the tests fill with a 东岭镇 record.
    static let townshipBPrefixes = ["/users/", "/units/", "/deadlines/", "/reconsideration/", "/litigation/", "/enforcement/officers/",
                                    "/api/v1/units/", "/api/v1/reconsideration/", "/api/v1/litigation/"]

    /// Routes whose expectation is not the rule's, each with its reason.
    static let exceptions: [String: Set<Role>] = [
        // Ending one's own session by id: an unknown id ends nothing and is not an error.
        "POST /profile/sessions/:id/end": everyone,
        // The security admin ends any session by id; an unknown id ends nothing.
        "POST /sessions/:id/end": [.securityAdmin],
    ]

    static func target(_ routeKey: String) -> Target {
        guard routeKey.contains(":id") else { return .none }
        let path = String(routeKey.split(separator: " ", maxSplits: 1)[1])
        return townshipBPrefixes.contains { path.hasPrefix($0) } ? .townshipB : .missing
    }

    /// The roles that should reach a route.
    static func expected(_ routeKey: String, permission: String) -> Set<Role> {
        if let fixed = exceptions[routeKey] { return fixed }
        let holding = holders[permission] ?? []
        switch target(routeKey) {
        case .none: return holding
        case .townshipB: return holding.intersection(townshipBReaders)
        case .missing: return []
        }
    }

    /// The app's routes of a kind, with the permission each declares, sorted.
    static func routes(_ app: Application, kind: RouteKind) -> [(key: String, permission: String)] {
        app.routes.all.filter { ($0.userInfo[RouteInfo.kind] as? String) == kind.rawValue }
            .map { (key($0), $0.userInfo[RouteInfo.permission] as? String ?? "") }
            .sorted { $0.key < $1.key }
    }

    static let open: Set<String> = [
        "GET /login", "POST /login", "GET /healthz", "GET /readyz", "GET /metrics", "GET /static/app.css", "GET /api/v1/openapi.json", "GET /gongshi", "GET /gongshi/:id", "GET /gongshi/inspections", "GET /gongshi/benchmarks", "GET /gongshi/check-report", "POST /gongshi/check-report", "GET /gongshi/reports", "GET /gongshi/reports/:id", "GET /gongshi/audit",
        // 规范性文件库 and public consultation (issue 17): documents are public; an opinion needs no account.
        "GET /gongshi/documents", "GET /gongshi/documents/:id", "POST /gongshi/documents/:id", "GET /gongshi/documents/:id/attachments/:attachment", "GET /gongshi/consultations", "GET /gongshi/consultations/:id", "POST /gongshi/consultations/:id",
        // 重大行政决策事项目录 and the published decisions (第三条、第三十二条).
        "GET /gongshi/decisions", "GET /gongshi/decisions/:id", "POST /gongshi/decisions/:id",
        // 依申请公开 online (政府信息公开条例第二十九条), tracking by code and telephone, released answers (第四十四条).
        "GET /gongshi/disclosure", "POST /gongshi/disclosure", "GET /gongshi/disclosure/track",
        // 建议提案办理复文 released (代表建议、政协提案 answers are public documents).
        "GET /gongshi/suggestions", "GET /gongshi/search",
        // 政务服务事项目录 (public information).
        "GET /gongshi/services",
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
                case RouteKind.web.rawValue, RouteKind.api.rawValue:
                    let permission = route.userInfo[RouteInfo.permission] as? String ?? ""
                    #expect(Self.holders[permission] != nil, "route \(key) declares \(permission), which the policy table does not list")
                default: #expect(Self.open.contains(key), "public route \(key) is not in the list of public routes")
                }
            }
            #expect(t.app.routes.all.filter { ($0.userInfo[RouteInfo.kind] as? String) == RouteKind.open.rawValue }.count == Self.open.count)
        }
    }

    /// The roles in a fixed order, one test case each: the cases run in parallel, each on its own
    /// copy of the demo county, so the matrix is not one long serial walk at the end of the suite.
    static let roleOrder: [Role] = Role.allCases.sorted { $0.rawValue < $1.rawValue }
    /// The API's callers: each role's token, and no token at all (nil).
    static let apiCallers: [Role?] = roleOrder.map(Optional.some) + [nil]

    @Test("pages: each role is allowed exactly where the matrix says, and denied with 403 elsewhere", arguments: roleOrder)
    func pages(role: Role) async throws {
        let login = try #require(Self.roleAccounts[role], "no demo account for \(role)")
        try await TestApp.run { t in
            let townshipB = try await t.unit("SFX-DL").id!.uuidString
            let userB = try await t.user("staff.dl").id!.uuidString
            let pathB = try await t.unit("SFX-DL").path
            let clockB = try #require(try await StatutoryClock.query(on: t.db).filter(\.$unitPath == pathB).first()).id!.uuidString
            let lawsuitB = try #require(try await Lawsuit.query(on: t.db).filter(\.$defendantPath == pathB).first()).id!.uuidString
            let officerB = try #require(try await EnforcementOfficer.query(on: t.db).filter(\.$unitPath == pathB).first()).id!.uuidString
            let caseB = try #require(try await ReconsiderationCase.query(on: t.db).filter(\.$respondentPath == pathB).first()).id!.uuidString
            let routes = Self.routes(t.app, kind: .web)
            #expect(routes.count > 100)
            // One session for as long as it lasts: a fresh one after a form whose answer changed the
            // session cookie (log out clears it). A form that ended the session without saying so
            // would show as the next route answering with the login page instead of the page or
            // 403 expected, a failure, never a pass; a login per form sent made this test the
            // suite's slowest (912 logins, stop 37).
            var browser: TestApp.Browser?
            for (routeKey, permission) in routes {
                let allowed = Self.expected(routeKey, permission: permission).contains(role)
                let parts = routeKey.split(separator: " ", maxSplits: 1)
                let method = HTTPMethod(rawValue: String(parts[0]))
                var path = String(parts[1])
                let id = path.hasPrefix("/users/") ? userB : path.hasPrefix("/units/") ? townshipB : path.hasPrefix("/deadlines/") ? clockB
                    : path.hasPrefix("/reconsideration/") ? caseB : path.hasPrefix("/litigation/") ? lawsuitB
                    : path.hasPrefix("/enforcement/officers/") ? officerB : UUID().uuidString
                path = path.replacingOccurrences(of: ":id", with: id)
                if browser == nil {
                    let (fresh, loginResponse) = try await t.login(login)
                    try #require(loginResponse.status == .seeOther, "\(login) could not log in")
                    browser = fresh
                }
                let cookies = browser!.cookies
                let response = try await t.request(browser!, method, path, form: [:])
                if browser!.cookies != cookies { browser = nil }
                let location = response.headers.first(name: .location) ?? ""
                if allowed {
                    #expect(response.status != .forbidden && !location.hasPrefix("/login?next="),
                            "\(role) should reach \(routeKey) but got \(response.status.code) \(location)")
                } else {
                    #expect(response.status == .forbidden, "\(role) should be denied \(routeKey) but got \(response.status.code) \(location)")
                }
            }
        }
    }

    @Test("API: each role's token is allowed exactly where the matrix says; no token gives 401 problem+json", arguments: apiCallers)
    func api(caller: Role?) async throws {
        try await TestApp.run { t in
            let townshipB = try await t.unit("SFX-DL").id!.uuidString
            let pathB = try await t.unit("SFX-DL").path
            let caseB = try #require(try await ReconsiderationCase.query(on: t.db).filter(\.$respondentPath == pathB).first()).id!.uuidString
            let lawsuitB = try #require(try await Lawsuit.query(on: t.db).filter(\.$defendantPath == pathB).first()).id!.uuidString
            var token: String?
            if let caller {
                let user = try await t.user(try #require(Self.roleAccounts[caller], "no demo account for \(caller)"))
                let principal = try #require(try await AccountService.principal(user: user, channel: .system, tokenPermissions: nil, ip: "test",
                                                                                 services: t.services, on: t.db))
                token = try await AccountService.createAPIToken(for: principal, name: "矩阵测试", permissions: Array(principal.permissions),
                                                                days: 30, services: t.services, on: t.db).0
            }
            let routes = Self.routes(t.app, kind: .api)
            #expect(routes.count > 10)
            for (routeKey, permission) in routes {
                let parts = routeKey.split(separator: " ", maxSplits: 1)
                let method = HTTPMethod(rawValue: String(parts[0]))
                let raw = String(parts[1])
                let path = raw.replacingOccurrences(of: ":id", with: raw.hasPrefix("/api/v1/reconsideration/") ? caseB : raw.hasPrefix("/api/v1/litigation/") ? lawsuitB : townshipB)
                guard let caller, let token else {
                    try await t.app.testing().test(method, path, afterResponse: { response in
                        #expect(response.status == .unauthorized, "\(routeKey) without a token gave \(response.status.code)")
                        #expect(response.body.string.contains("\"detail\""))
                    })
                    continue
                }
                let allowed = Self.expected(routeKey, permission: permission).contains(caller)
                try await t.app.testing().test(method, path, beforeRequest: { req in
                    req.headers.bearerAuthorization = BearerAuthorization(token: token)
                    if method == .POST { try req.content.encode(["name": ""]) }
                }, afterResponse: { response in
                    if allowed {
                        #expect(response.status != .forbidden && response.status != .unauthorized, "\(caller) should reach \(routeKey), got \(response.status.code)")
                    } else {
                        #expect(response.status == .forbidden, "\(caller) should be denied \(routeKey), got \(response.status.code)")
                        #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                    }
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

/// A city's installation holds several counties, each a 县（区）人民政府 with its departments
/// (issue 16, "many counties"): a county-wide role (司法局监督人员, 县长 …) answers for its own county
/// there, not for its neighbours; in a one-county installation it sees every unit, as before.
@Suite struct CountyScopeTests {
    @Test("with a second county government, a county-wide account sees its own county's records and not the other's; an account above the counties sees all")
    func secondCounty() async throws {
        try await TestApp.run { t in
            let before = try await t.principal("supervisor")
            #expect(before.countyPath == nil && before.scopePrefix == nil)
            let root = try await t.unit(DemoCounty.rootCode)
            let government = try await t.unit(DemoCounty.governmentCode)
            let neighbour = try await UnitService.create(UnitInput(code: "SFY-GOV", name: "邻县人民政府", kind: "县（区）人民政府", parentCode: root.code),
                                                         by: .system(), services: t.services, on: t.db)
            let bureau = try await UnitService.create(UnitInput(code: "SFY-SCJG", name: "邻县市场监管局", kind: "部门", parentCode: "SFY-GOV"),
                                                      by: .system(), services: t.services, on: t.db)
            let after = try await t.principal("supervisor")
            #expect(after.countyPath == government.path && after.scopePrefix == government.path)
            let market = try await t.unit("SFX-SCJG")
            #expect(after.covers(unitPath: government.path) && after.covers(unitPath: market.path))
            #expect(!after.covers(unitPath: bureau.path) && !after.covers(unitPath: neighbour.path))
            // A department officer keeps its own unit's subtree; a unit above the counties has no county.
            let officer = try await t.principal("officer.scjg")
            #expect(officer.scopePrefix == officer.unitPath)
            let rootCounty = try await AccountService.countyPath(of: root, services: t.services, on: t.db)
            let bureauCounty = try await AccountService.countyPath(of: bureau, services: t.services, on: t.db)
            #expect(rootCounty == nil && bureauCounty == neighbour.path)
            // A list the supervisor opens holds no case of the other county.
            let other = try await PenaltyCase.query(on: t.db).first()
            let moved = try #require(other)
            moved.unitPath = bureau.path
            try await moved.save(on: t.db)
            let listed = try await PenaltyCase.scopedSelect(for: after, on: t.db, services: t.services).columns("id").all().map { try $0.decodeUUID(column: "id") }
            let everything = try await PenaltyCase.query(on: t.db).count()
            #expect(!listed.contains(moved.id!) && listed.count == everything - 1)
        }
    }
}
