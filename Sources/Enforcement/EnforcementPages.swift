import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Vapor

enum EnforcementPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, EnforcementRoute.list, permission: EnforcementPermissions.read) { req in try await overview(req) }
        router.page(.GET, EnforcementRoute.officers, permission: EnforcementPermissions.read) { req in try await officers(req) }
        router.page(.GET, EnforcementRoute.officersNew, permission: EnforcementPermissions.manage) { req in officerForm(req, values: [:], failure: nil) }
        router.form(EnforcementRoute.officersNew, permission: EnforcementPermissions.manage, submit: { req, fields in
            let values = fields.values
            let officer = try await OfficerService.register(.init(name: values["name"], idNumber: values["idNumber"], unitCode: values["unitCode"], post: values["post"]),
                                                            by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: officer.link, notice: "已登记执法人员 \(officer.nameMasked)")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return officerForm(req, values: values, failure: failure)
        })
        for (route, template, importer) in [(EnforcementRoute.officersImport, EnforcementRoute.officersImportTemplateCsv, OfficerImporter() as any Importer),
                                            (.mattersImport, .mattersImportTemplateCsv, MatterImporter()), (.casesImport, .casesImportTemplateCsv, PenaltyCaseImporter())] {
            router.page(.GET, route, permission: EnforcementPermissions.importRegisters) { req in ImportPages.page(req, importer: importer, action: route.path(), report: nil) }
            router.page(.GET, template, permission: EnforcementPermissions.importRegisters) { _ in ImportPages.template(importer) }
            router.page(.POST, route, permission: EnforcementPermissions.importRegisters, body: .collect(maxSize: "20mb")) { req in
                try await ImportPages.handle(req, importer: importer, action: route.path())
            }
        }
        router.page(.GET, EnforcementRoute.officersRecord, permission: EnforcementPermissions.read) { req in try await officer(req, failure: nil) }
        router.form(EnforcementRoute.officersCertificates, permission: EnforcementPermissions.manage, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            try await OfficerService.addCertificate(.init(kind: values["kind"], number: values["number"], issuedOn: values["issuedOn"], expiresOn: values["expiresOn"],
                                                          status: values["status"]), to: id, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: EnforcementRoute.officersRecord.path(id), notice: "已登记证件")
        }, reshow: { req, fields, failure in
            return try await officer(req, failure: failure)
        })
        router.form(EnforcementRoute.officersYears, permission: EnforcementPermissions.manage, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            try await TrainingService.record(officerID: id, year: values["year"], hours: values["hours"], review: values["review"], note: values["note"],
                                             by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: EnforcementRoute.officersRecord.path(id), notice: "已登记培训与审验")
        }, reshow: { req, fields, failure in
            return try await officer(req, failure: failure)
        })
        router.form(EnforcementRoute.officersCertificatesStatus, permission: EnforcementPermissions.manage, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            guard let status = CertificateStatus(rawValue: values["status"] ?? "") else {
                throw ValidationFailure(field: "status", label: "证件状态", message: "应为有效、暂扣或注销")
            }
            _ = try await OfficerService.find(id, for: try req.caller, on: req.db)
            try await OfficerService.setStatus(try req.parameters.require("certificate", as: UUID.self), to: status, reason: values["reason"] ?? "",
                                               by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: EnforcementRoute.officersRecord.path(id), notice: "证件状态已改为\(status.label)")
        }, reshow: { req, fields, failure in
            return try await officer(req, failure: failure)
        })
    }

    static func today(_ req: Request) -> String { CivilDateTime(req.fazhi.now).date.description }

    static func overview(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let bodies = EnforcementBody.scoped(for: principal, on: req.db)
        let matters = EnforcementMatter.scoped(for: principal, on: req.db).filter(\.$active == true)
        let bodyRows = try await bodies.all()
        let matterRows = try await matters.sort(\.$code).all()
        let unitIDs = Set(bodyRows.map(\.unitID) + matterRows.compactMap(\.delegatedUnitID))
        let names = Dictionary(uniqueKeysWithValues: try await OrgUnit.query(on: req.db).filter(\.$id ~~ Array(unitIDs)).all().map { ($0.id!, $0.name) })
        var actions: [Node] = []
        if principal.has(EnforcementPermissions.importRegisters) { actions.append(link("导入权责清单", EnforcementRoute.mattersImport.path())) }
        return Layout.page(req, title: "执法主体与权责清单", content: [
            el("div", [.cls("actions")], actions),
            UI.simpleTable(caption: "行政执法主体", headers: ["主体", "确认日期", "依据", "执法领域（处罚决定期限）", "事项数", "其中委托乡镇"], rows: bodyRows.sorted { (names[$0.unitID] ?? "") < (names[$1.unitID] ?? "") }.map { body in
                let own = matterRows.filter { $0.bodyUnitID == body.unitID }
                let rule = body.penaltyDomain.decisionClock(config: req.fazhi.config).rule
                return [.text(names[body.unitID] ?? "—"), .text(body.since), .text(body.basis), .text("\(body.penaltyDomain.label)（\(rule.period.chinese)，\(rule.basis)）"),
                        .text(String(own.count)), .text(String(own.filter { $0.delegatedUnitID != nil }.count))]
            }),
            UI.simpleTable(caption: "权责清单（前200项）", headers: ["编码", "事项", "类别", "实施主体", "设定依据", "委托乡镇"], rows: matterRows.prefix(200).map {
                [.text($0.code), .text($0.name), .text(MatterKind(rawValue: $0.kind)?.label ?? $0.kind), .text(names[$0.bodyUnitID] ?? "—"), .text($0.basis),
                 .text($0.delegatedUnitID.flatMap { names[$0] } ?? "—")]
            }),
        ])
    }

    static func officers(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: EnforcementRoute.officers.path(), keys: ["status", "page"])
        let services = req.fazhi
        let warnDays = services.config.certificateWarnDays
        // The table and its pager, kept until a record changes (`Request.keptList`): every officer
        // of the scope and their certificates are read and sorted once per change, not per visit
        // (issue 16: 41 requests a second on the demo county).
        let table = try await req.keptList("enforcement.officers", query: query) { read in
            let all = try await EnforcementOfficer.scoped(in: read.scope, on: read.db).filter(\.$active == true).all()
            let latest = try await CertificateStanding.latest(in: read.scope, services: services, on: read.db)
            let day = read.today.description
            let warnUntil = read.today.adding(days: warnDays).description
            func enforcementCertificate(_ officer: EnforcementOfficer) -> CertificateStanding.Certificate? { latest[officer.id!] ?? nil }
            func state(_ officer: EnforcementOfficer) -> String { CertificateStanding.of(enforcementCertificate(officer), on: day, warnUntil: warnUntil).rawValue }
            let wanted = query["status"]
            let filtered = all.filter { officer in wanted.map { state(officer) == $0 } ?? true }.sorted { ($0.unitPath, $0.nameMasked) < ($1.unitPath, $1.nameMasked) }
            let request = PageRequest(number: query.page)
            let page = Page(items: Array(filtered.dropFirst(request.offset).prefix(request.size)), total: filtered.count, request: request)
            let names = try await services.unitNames.of(Set(page.items.map(\.unitID)), services: services, on: read.db)
            return [
                UI.table(caption: "执法人员（姓名、证件号已脱敏）", columns: [UI.Column("姓名"), UI.Column("单位"), UI.Column("职务"), UI.Column("执法证号"), UI.Column("有效期至"), UI.Column("状态")],
                         rows: page.items.map { officer in
                    let certificate = enforcementCertificate(officer)
                    let status = state(officer)
                    return [link(officer.nameMasked, officer.link), .text(names[officer.unitID] ?? "—"), .text(officer.post ?? ""), .text(certificate?.number ?? "—"),
                            .text(certificate?.expiresOn ?? "—"),
                            el("span", [.cls(status == "valid" ? "status-ok" : status == "expiring" ? "status-soon" : "status-overdue")], text: certificate.map { status == "expiring" ? "即将到期" : $0.statusLabel(on: day) } ?? "无执法证")]
                }, query: query),
                UI.pagination(page, query: query),
            ]
        }
        var actions: [Node] = []
        if principal.has(EnforcementPermissions.manage) { actions.append(link("登记执法人员", EnforcementRoute.officersNew.path(), [.cls("button")])) }
        if principal.has(EnforcementPermissions.importRegisters) { actions.append(link("导入人员与证件", EnforcementRoute.officersImport.path())) }
        let labels = ["valid": "有效", "expiring": "即将到期（\(warnDays)日内）", "invalid": "无效（过期、暂扣或注销）", "none": "无执法证"]
        return Layout.page(req, title: "执法人员", content: [
            el("div", [.cls("actions")], actions),
            el("form", [Attribute("method", "get"), Attribute("action", EnforcementRoute.officers.path()), .cls("filters"), Attribute("role", "search")], [
                UI.select("执法证", name: "status", options: ["valid", "expiring", "invalid", "none"].map { ($0, labels[$0]!) }, selected: query["status"], includeBlank: "全部"),
                el("div", [.cls("field")], [el("button", [.type("submit")], text: "筛选")]),
            ]),
            table,
        ])
    }

    static func officerForm(_ req: Request, values: [String: String], failure: ValidationFailure?) -> Response {
        Layout.page(req, title: "登记执法人员", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.form(action: EnforcementRoute.officersNew.path(), csrf: req.csrfToken, [
                UI.field("姓名", name: "name", value: values["name"], error: failure?.message(for: "name"), required: true, hint: "加密保存"),
                UI.field("身份证号码", name: "idNumber", value: values["idNumber"], error: failure?.message(for: "idNumber"), required: true, hint: "加密保存，列表脱敏"),
                UI.field("所在单位编码", name: "unitCode", value: values["unitCode"], error: failure?.message(for: "unitCode"), required: true),
                UI.field("职务", name: "post", value: values["post"], error: failure?.message(for: "post")),
                el("button", [.type("submit")], text: "登记"),
            ]),
        ])
    }

    static func officer(_ req: Request, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let officer = try await OfficerService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        let certificates = try await OfficerCertificate.query(on: req.db).filter(\.$officer.$id == officer.id!).sort(\.$issuedOn).all()
        let exams = try await OfficerExam.query(on: req.db).filter(\.$officer.$id == officer.id!).sort(\.$takenOn).all()
        let years = try await OfficerYear.query(on: req.db).filter(\.$officer.$id == officer.id!).sort(\.$year, .descending).all()
        let unit = try await OrgUnit.find(officer.unitID, on: req.db)
        let day = today(req)
        let qualified = try await OfficerService.qualified(officer.id!, on: CivilDate(day)!, db: req.db)
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("姓名", .text(officer.nameMasked)), ("身份证号码", .text(officer.idMasked)), ("单位", .text(unit?.name ?? "—")), ("职务", .text(officer.post ?? "—")),
                ("执法资格", el("span", [.cls(qualified ? "status-ok" : "status-overdue")], text: qualified ? "今日可以从事执法（持有效行政执法证）" : "今日不能从事执法：无有效行政执法证（行政处罚法第四十二条）")),
            ]),
            UI.simpleTable(caption: "证件", headers: ["类型", "证号", "发证日期", "有效期至", "状态", "操作"], rows: certificates.map { certificate in
                [.text(CertificateKind(rawValue: certificate.kind)?.label ?? certificate.kind), .text(certificate.number), .text(certificate.issuedOn), .text(certificate.expiresOn),
                 .text(certificate.statusLabel(on: day)),
                 principal.has(EnforcementPermissions.manage) && certificate.status != CertificateStatus.revoked.rawValue
                    ? UI.form(action: "\(officer.link)/certificates/\(certificate.id!)/status", csrf: req.csrfToken, [
                        UI.select("改为", name: "status", options: CertificateStatus.allCases.map { ($0.rawValue, $0.label) }, selected: nil, includeBlank: "请选择"),
                        UI.field("理由", name: "reason"), el("button", [.type("submit")], text: "变更"),
                    ]) : .empty]
            }),
            UI.simpleTable(caption: "执法资格考试", headers: ["日期", "成绩", "结果"], rows: exams.map { [.text($0.takenOn), .text(String($0.score)), .text($0.passed ? "合格" : "不合格")] }),
            UI.simpleTable(caption: "年度培训与审验（⚠️ 每年不少于\(TrainingService.minimumHours)学时）", headers: ["年度", "培训学时", "审验", "说明"], rows: years.map { row in
                [.text(String(row.year)), .text("\(row.trainingHours)\(row.trainingHours < TrainingService.minimumHours ? "（不足）" : "")"),
                 .text(row.review.map { $0 == "pass" ? "合格" : "不合格" } ?? "未审验"), .text(row.note ?? "")]
            }),
        ]
        if principal.has(EnforcementPermissions.manage) {
            content.append(el("details", [.cls("action")], [el("summary", text: "登记证件"), UI.form(action: "\(officer.link)/certificates", csrf: req.csrfToken, [
                UI.select("证件类型", name: "kind", options: CertificateKind.allCases.map { ($0.rawValue, $0.label) }, selected: "enforcement"),
                UI.field("证件号码", name: "number", error: failure?.message(for: "certificateNumber"), required: true),
                UI.field("发证日期", name: "issuedOn", type: "date", error: failure?.message(for: "issuedOn"), required: true),
                UI.field("有效期至", name: "expiresOn", type: "date", error: failure?.message(for: "expiresOn"), required: true),
                el("button", [.type("submit")], text: "登记"),
            ])]))
            content.append(el("details", [.cls("action")], [el("summary", text: "登记年度培训与审验"), UI.form(action: "\(officer.link)/years", csrf: req.csrfToken, [
                UI.field("年度", name: "year", value: String(CivilDate(day)!.year), error: failure?.message(for: "year"), required: true),
                UI.field("培训学时", name: "hours", error: failure?.message(for: "hours"), required: true),
                UI.select("年度审验", name: "review", options: [("pass", "合格"), ("fail", "不合格")], selected: nil, error: failure?.message(for: "review"), includeBlank: "未审验"),
                UI.field("说明", name: "note", error: failure?.message(for: "note")),
                el("button", [.type("submit")], text: "登记"),
            ])]))
        }
        return Layout.page(req, title: "执法人员 \(officer.nameMasked)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    /// Dashboard card: certificates expiring soon or already invalid among active officers in scope.
    static func widget(_ req: Request) async throws -> Node {
        let services = req.fazhi
        let warnDays = services.config.certificateWarnDays
        // Counted once per change of the records (the day is part of the version), per scope.
        let (officers, expiring, invalid) = try await req.keptForScope("certificates.widget|\(warnDays)") { read in
            let latest = try await CertificateStanding.latest(in: read.scope, services: services, on: read.db)
            let warnUntil = read.today.adding(days: warnDays).description
            let standings = latest.values.map { CertificateStanding.of($0, on: read.today.description, warnUntil: warnUntil) }
            return (latest.count, standings.filter { $0 == .expiring }.count, standings.filter { $0 == .invalid || $0 == .none }.count)
        }
        return el("section", [.cls("widget"), .aria("labelledby", "certificates-heading")], [
            el("h2", [.id("certificates-heading")], text: "执法证件"),
            el("p", text: "在岗执法人员 \(officers) 人：执法证 \(req.fazhi.config.certificateWarnDays) 日内到期 \(expiring) 人，无有效执法证 \(invalid) 人（不能安排办案）。"),
            el("p", [], [link("查看即将到期", EnforcementRoute.officers.path() + "?status=expiring"), .text(" · "), link("查看无有效执法证", EnforcementRoute.officers.path() + "?status=invalid")]),
        ])
    }
}

/// The demo county's enforcement bodies, power lists and about 300 officers, some certificates
/// expiring within two months, some expired, some suspended, none for a few newcomers.
enum EnforcementDemo {
    static func seed(_ context: DemoContext) async throws {
        var random = SeededRandom(seed: context.seed ^ 0xE4F0_2026)
        func next(_ n: Int) -> Int { random.below(n) }
        let by = Principal.system("演示数据")
        let today = CivilDateTime(context.now).date
        let bodies = ["SFX-SCJG", "SFX-ZHZF", "SFX-STHJ", "SFX-ZRZY", "SFX-ZJ", "SFX-JT", "SFX-NY", "SFX-SL", "SFX-WL", "SFX-WJ", "SFX-YJ", "SFX-RS"]
        let townships = DemoCounty.townships.map(\.code)
        let kinds: [(MatterKind, String)] = [(.penalty, "对违反规定行为的行政处罚"), (.inspection, "监督检查"), (.coercion, "查封、扣押"), (.licence, "许可")]
        var matterLines = [MatterImporter().columns.map(\.header).joined(separator: ",")]
        for (index, code) in bodies.enumerated() {
            for (k, kind) in kinds.enumerated() {
                for serial in 1...3 {
                    let delegated = kind.0 == .penalty && serial == 1 && index % 3 == 0 ? townships[index % townships.count] : ""
                    matterLines.append("\(code)-\(k)\(serial),\(DemoCounty.departments.first { $0.code == code }!.name.replacingOccurrences(of: "示范县", with: ""))\(kind.1)（第\(serial)项）,\(kind.0.label),\(code),相关法律法规第\(10 + serial)条,\(delegated),\(code == "SFX-SCJG" ? PenaltyDomains.market.label : "")")
                }
            }
        }
        let matters = try TableReader.read(Data(matterLines.joined(separator: "\n").utf8), filename: "matters.csv")
        _ = try await MatterImporter().run(matters, by: by, services: context.services, on: context.database)

        let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
        let givens = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂")
        var officerLines = [OfficerImporter().columns.map(\.header).joined(separator: ",")]
        for index in 0..<300 {
            let unit = index < 264 ? bodies[index % bodies.count] : townships[index % townships.count]
            let name = String(surnames[next(surnames.count)]) + String(givens[next(givens.count)]) + (next(3) == 0 ? String(givens[next(givens.count)]) : "")
            let id = ResidentID.completing("999999" + "19\(65 + next(35))" + String(format: "%02d%02d", 1 + next(12), 1 + next(28)) + String(format: "%03d", index))!
            var cells = [name, id, unit, index % 10 == 0 ? "科长" : "执法队员"]
            switch index % 25 {
            case 0:
                cells += ["", "", "", "", "", "", ""]  // a newcomer without a certificate yet
            default:
                let issued = today.adding(days: -(30 + next(1500)))
                var expires = issued.adding(days: 5 * 365)
                if index % 25 == 1 || index % 25 == 2 { expires = today.adding(days: 5 + next(50)) }  // expiring soon
                if index % 25 == 3 { expires = today.adding(days: -(1 + next(90))) }  // expired
                if expires <= issued { expires = issued.adding(days: 30) }
                let status = index % 25 == 4 ? "暂扣" : "有效"
                cells += ["行政执法证", "SFX\(String(format: "%06d", index))", issued.description, expires.description, status,
                          issued.adding(days: -20).description, String(60 + next(40))]
            }
            officerLines.append(cells.joined(separator: ","))
        }
        let roster = try TableReader.read(Data(officerLines.joined(separator: "\n").utf8), filename: "officers.csv")
        let report = try await OfficerImporter().run(roster, by: by, services: context.services, on: context.database)
        if !report.errors.isEmpty { throw CommandFailure("演示执法人员导入失败：\(report.errors.prefix(3))") }
        try await seedCases(context, bodies: Array(bodies.prefix(6)), random: &random)
        try await seedActions(context)
        // Training hours and annual reviews of the last two years for the first sixty officers.
        let trained = try await EnforcementOfficer.query(on: context.database).sort(\.$idHash).limit(60).all()
        let year = CivilDateTime(context.now).date.year
        for (index, officer) in trained.enumerated() {
            for past in [year - 1, year] {
                try await TrainingService.record(officerID: officer.id!, year: String(past), hours: String(30 + random.below(50)),
                                                 review: past == year ? nil : (index % 20 == 7 ? "fail" : "pass"), note: index % 20 == 7 ? "年度考核不称职" : nil,
                                                 by: by, services: context.services, on: context.database)
            }
        }
    }

    /// A year of penalty cases in every state, handled by the bodies' officers with valid certificates.
    static func seedCases(_ context: DemoContext, bodies: [String], random: inout SeededRandom) async throws {
        func next(_ n: Int) -> Int { random.below(n) }
        let db = context.database
        let services = context.services
        let today = CivilDateTime(context.now).date
        let handler = Principal.system("演示数据")
        // The legal reviewer is another person than the handler (第五十八条).
        let reviewer = Principal(userID: UUID(uuidString: "00000000-0000-0000-0000-00000000D0A1"), loginName: "demo-reviewer", displayName: "演示法制审核员",
                                 role: .legalReviewer, unitID: nil, unitName: "", unitPath: "/", permissions: [], channel: .system, ip: "local")
        let violations = ["销售过期食品", "未取得许可从事经营", "违法占道经营", "超标排放污染物", "未按规定设置安全警示标志"]
        let benchmarkCodes = try await seedDiscretion(context)
        var serial = 0
        for code in bodies {
            guard let unit = try await UnitService.find(code: code, on: db) else { continue }
            let certificates = try await OfficerCertificate.query(on: db).filter(\.$unitPath == unit.path).filter(\.$kind == CertificateKind.enforcement.rawValue).all()
                .filter { $0.valid(on: today.adding(days: -310).description) && $0.valid(on: today.description) }.map(\.number).sorted()
            guard certificates.count >= 2 else { continue }
            for index in 0..<6 {
                serial += 1
                let discovered = today.adding(days: -(5 + next(300)))
                let person = "赵钱孙李周吴郑王".map(String.init)[serial % 8] + "某" + "甲乙丙丁戊己".map(String.init)[index]
                let personID = ResidentID.completing("999999" + "1980\(String(format: "%02d", 1 + serial % 12))15" + String(format: "%03d", serial))!
                let natural = index % 2 == 1
                let row = try await PenaltyCaseService.registerLead(
                    caseNumber: "示\(code.replacingOccurrences(of: "SFX-", with: ""))罚〔\(discovered.year)〕\(serial)号", unitCode: code, partyKind: natural ? "natural" : "legal",
                    party: natural ? person : "示范县某商贸有限公司\(serial)", violation: violations[serial % violations.count],
                    violationOn: discovered.adding(days: -(1 + next(60))).description, discoveredOn: discovered.description, graveHarm: false,
                    by: handler, services: services, on: db)
                let major = index == 4, complex = index == 4
                var steps: [(Int, PenaltyAction, Principal)] = [
                    (1, .file(on: discovered.adding(days: 1), certificateNumbers: Array(certificates.prefix(2)), major: major, complex: complex), handler),
                    (30, .notify(on: discovered.adding(days: 30), hearingRight: major), handler),
                ]
                if major {
                    steps.append((45, .review(on: discovered.adding(days: 45), passed: true, opinion: "事实清楚、证据确凿"), reviewer))
                    steps.append((50, .deliberate(on: discovered.adding(days: 50), participants: "局长、分管副局长、法规科科长"), handler))
                    if !natural { steps.append((52, .assessImpact(on: discovered.adding(days: 52), assessment: "罚款不影响企业正常经营，准予分期缴纳"), handler)) }
                }
                steps += [
                    // Fines stay under the 🏷 amount thresholds for 重大 decisions (5,000 元 citizens, 50,000 元 organisations).
                    (60, decideStep(on: discovered.adding(days: 60), fine: natural ? 200 + 100 * next(40) : 2000 + 1000 * next(10),
                                    text: natural ? "对\(person)（身份证号码\(personID)，电话13800000\(String(format: "%03d", serial))）依法罚款" : "依法罚款",
                                    benchmark: benchmarkCodes[violations[serial % violations.count]], firstOffence: index == 2), handler),
                    // Published within seven working days, one in three late; one decision annulled on reconsideration and withdrawn.
                    (serial % 3 == 0 ? 75 : 62, .publish(on: discovered.adding(days: serial % 3 == 0 ? 75 : 62)), handler),
                    (64, .serve(on: discovered.adding(days: 64)), handler), (80, .execute(on: discovered.adding(days: 80)), handler),
                    (81, .close(on: discovered.adding(days: 81)), handler), (90, .archive(on: discovered.adding(days: 90)), handler),
                ]
                if index == 3 && serial % 2 == 0 {
                    steps.append((100, .change(on: discovered.adding(days: 100), kind: .annulled, reason: "示范县人民政府行政复议决定书（示复〔\(discovered.year)〕\(serial)号）"), handler))
                    steps.append((102, .withdraw(on: discovered.adding(days: 102)), handler))
                }
                steps.sort { $0.0 < $1.0 }
                // Cases stop at different steps: a recent index 0 runs past its 90 days undecided (overdue, by weeks not
                // seasons: a county at work has a few warnings, not abandoned files), others go as far as time allows.
                let limit = index == 0 && discovered >= today.adding(days: -120) ? 2 : steps.count
                for (offset, action, principal) in steps.prefix(limit) where discovered.adding(days: offset) <= today {
                    try await PenaltyCaseService.perform(action, on: row.id!, by: principal, services: services, on: db)
                }
            }
        }
    }

    /// A demo benchmark: its code and each version's tiers as `(days from today, text)`.
    struct DemoBenchmark: Sendable {
        var code: String
        var unit: String
        var violation: String
        var basis: String
        var versions: [(from: Int, tiers: String)]
    }

    /// What the demo cases know of a benchmark: its code and each version's start and tiers.
    struct BenchmarkVersions: Sendable {
        var code: String
        var versions: [(from: String, tiers: [BenchmarkTier])]
    }

    /// The demo's decision: with a benchmark, the tier whose range holds the fine (outside the
    /// proposal → a reason, flagged); a first offence on the 首违不罚 list → 不予处罚.
    static func decideStep(on day: CivilDate, fine: Int, text: String, benchmark: BenchmarkVersions?, firstOffence: Bool) -> PenaltyAction {
        guard let benchmark, let version = benchmark.versions.last(where: { $0.from <= day.description }) else {
            return .decide(on: day, fineYuan: fine, decision: text)
        }
        if firstOffence && version.tiers.contains(where: { $0.tier == .noPenalty }) {
            return .decide(on: day, fineYuan: nil, decision: "初次违法且危害后果轻微并已及时改正，依据行政处罚法第三十三条第一款不予行政处罚", penalty: false,
                           discretion: DiscretionInput(benchmarkCode: benchmark.code, circumstances: [.firstOffence, .minorHarm, .corrected], tier: .noPenalty,
                                                       lenienceCode: "SFX-SW-01", lenienceReason: "系初次违法，占道时间短，责令后当场改正"))
        }
        let tier = version.tiers.first { $0.tier != .noPenalty && $0.contains(fine) }?.tier ?? .general
        return .decide(on: day, fineYuan: fine, decision: text, discretion: DiscretionInput(
            benchmarkCode: benchmark.code, circumstances: [], tier: tier,
            outsideReason: tier == .general ? nil : "违法经营时间较长、获利较多（演示：按罚款所在档次）"))
    }

    /// 🏷 Illustrative benchmarks of the demo county (not any real county's amounts).
    static let demoBenchmarks: [DemoBenchmark] = [
        DemoBenchmark(code: "SFX-V01", unit: "SFX-ZHZF", violation: "违法占道经营", basis: "示范县市容和环境卫生管理办法（示范）第二十条", versions: [
            (-400, "不予处罚|初次违法、危害后果轻微并及时改正||\n从轻|主动消除影响|200|999\n一般|无从轻、从重情节|1000|4999\n从重|拒不改正或者多次违法|5000|11000"),
            (-100, "不予处罚|初次违法、危害后果轻微并及时改正||\n从轻|主动消除影响|200|1499\n一般|无从轻、从重情节|1500|5999\n从重|拒不改正或者多次违法|6000|11000"),
        ]),
        DemoBenchmark(code: "SFX-V02", unit: "SFX-YJ", violation: "未按规定设置安全警示标志", basis: "安全生产法第九十九条第一项", versions: [
            (-400, "从轻|及时改正，未造成后果|500|1999\n一般|无从轻、从重情节|2000|9999\n从重|造成事故隐患未消除|10000|50000"),
        ]),
        DemoBenchmark(code: "SFX-V03", unit: "SFX-SCJG", violation: "未取得许可从事经营", basis: "示范县市场监管行政处罚裁量基准（示范）第五条", versions: [
            (-400, "从轻|经营时间短、违法所得少|200|1999\n一般|无从轻、从重情节|2000|7999\n从重|拒不停止经营|8000|11000"),
        ]),
    ]

    /// Publishes the demo benchmarks (one with a second version) and lenience items.
    static func seedDiscretion(_ context: DemoContext) async throws -> [String: BenchmarkVersions] {
        let today = CivilDateTime(context.now).date
        let principal = Principal.system("演示数据")
        var result: [String: BenchmarkVersions] = [:]
        for benchmark in demoBenchmarks {
            var versions: [(from: String, tiers: [BenchmarkTier])] = []
            for version in benchmark.versions {
                let row = try await DiscretionService.publish(code: benchmark.code, unitCode: benchmark.unit, violation: benchmark.violation, basis: benchmark.basis,
                                                              effectiveFrom: today.adding(days: version.from).description, tiers: version.tiers,
                                                              by: principal, services: context.services, on: context.database)
                versions.append((row.effectiveFrom, row.tiers))
            }
            result[benchmark.violation] = BenchmarkVersions(code: benchmark.code, versions: versions)
        }
        let items: [(String, String, LenienceList, String, String, String)] = [
            ("SFX-SW-01", "SFX-ZHZF", .firstViolation, "违法占道经营", "初次违法、危害后果轻微、在责令期限内改正", "行政处罚法第三十三条第一款"),
            ("SFX-BY-01", "SFX-SCJG", .noPenalty, "未按规定公示营业执照", "违法行为轻微并及时改正，没有造成危害后果", "行政处罚法第三十三条第一款"),
            ("SFX-CQ-01", "SFX-SCJG", .lighter, "未取得许可从事经营", "主动停止经营并消除影响", "行政处罚法第三十二条第一项"),
            ("SFX-JQ-01", "SFX-STHJ", .mitigated, "超标排放污染物", "主动减轻危害后果且配合查处", "行政处罚法第三十二条第一项、第四项"),
            ("SFX-MQ-01", "SFX-SCJG", .noCoercion, "轻微违法的市场主体经营行为", "违法行为情节显著轻微或者没有明显社会危害", "优化营商环境条例第五十九条"),
        ]
        for (code, unit, list, violation, conditions, basis) in items {
            try await DiscretionService.addLenienceItem(code: code, unitCode: unit, list: list.rawValue, violation: violation, conditions: conditions, basis: basis,
                                                        by: principal, services: context.services, on: context.database)
        }
        return result
    }

    /// Coercive measures, licences and inspections of the market regulator and the law-enforcement
    /// bureau, in every state.
    static func seedActions(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        let handler = Principal.system("演示数据")
        func numbers(_ code: String) async throws -> [String] {
            guard let unit = try await UnitService.find(code: code, on: db) else { return [] }
            return try await OfficerCertificate.query(on: db).filter(\.$unitPath == unit.path).filter(\.$kind == CertificateKind.enforcement.rawValue).all()
                .filter { $0.valid(on: today.adding(days: -120).description) && $0.valid(on: today.description) }.map(\.number).sorted()
        }
        func run(_ kind: ActionKind, _ number: String, _ unit: String, _ party: (String, String), _ subject: String, daysAgo: Int, _ steps: [(Int, ActionStep)]) async throws {
            let row = try await ActionService.register(kind: kind, number: number, unitCode: unit, partyKind: party.0, party: party.1, subject: subject,
                                                       startedOn: today.adding(days: -daysAgo).description, by: handler, services: services, on: db)
            for (_, step) in steps.sorted(by: { $0.0 < $1.0 }) { try await ActionService.perform(step, on: row.id!, by: handler, services: services, on: db) }
        }
        let scjg = try await numbers("SFX-SCJG"), zhzf = try await numbers("SFX-ZHZF")
        guard scjg.count >= 2, zhzf.count >= 2 else { return }
        let y = today.year
        func day(_ n: Int) -> CivilDate { today.adding(days: -n) }
        // 查封、扣押: one running, one extended and decided and published, one emergency measure awaiting approval.
        try await run(.coercion, "示市监强〔\(y)〕1号", "SFX-SCJG", ("legal", "示范县某食品商行"), "涉嫌销售过期食品", daysAgo: 12,
                      [(1, .impose(on: day(12), measure: "扣押过期食品120箱", certificateNumbers: Array(scjg.prefix(2)), approvedBy: "局长"))])
        try await run(.coercion, "示市监强〔\(y)〕2号", "SFX-SCJG", ("legal", "示范县某药房"), "涉嫌销售假药", daysAgo: 70,
                      [(1, .impose(on: day(70), measure: "查封药品仓库", certificateNumbers: Array(scjg.prefix(2)), approvedBy: "局长")),
                       (2, .extendSeizure(on: day(45), days: 30, approver: "局长", reason: "需检验鉴定，情况复杂")),
                       (3, .decide(on: day(20), granted: true, decision: "依法没收假药，解除对仓库的查封")), (4, .publish(on: day(15)))])
        try await run(.coercion, "示综执强〔\(y)〕1号", "SFX-ZHZF", ("natural", "郑某某"), "占道经营拒不改正", daysAgo: 0,
                      [(1, .impose(on: day(0), measure: "扣押经营工具", certificateNumbers: Array(zhzf.prefix(2)), approvedBy: nil))])
        // 行政许可: one awaiting acceptance, one under review, one granted, issued and published, one refused.
        try await run(.licence, "示市监许〔\(y)〕1号", "SFX-SCJG", ("legal", "示范县某餐饮店"), "食品经营许可", daysAgo: 2, [])
        try await run(.licence, "示市监许〔\(y)〕2号", "SFX-SCJG", ("legal", "示范县某超市"), "食品经营许可（变更）", daysAgo: 15, [(1, .accept(on: day(14)))])
        try await run(.licence, "示市监许〔\(y)〕3号", "SFX-SCJG", ("natural", "冯某某"), "小餐饮登记", daysAgo: 40,
                      [(1, .accept(on: day(39))), (2, .decide(on: day(25), granted: true, decision: "准予许可，对冯某某（电话13700000001）颁发登记证")),
                       (3, .issue(on: day(22))), (4, .publish(on: day(21))), (5, .close(on: day(20)))])
        try await run(.licence, "示市监许〔\(y)〕4号", "SFX-SCJG", ("legal", "示范县某公司"), "食品经营许可", daysAgo: 30, [(1, .refuse(on: day(29), reason: "不属于本机关职权范围，已告知向有关行政机关申请"))])
        // 行政检查 records.
        try await run(.inspection, "示综执检〔\(y)〕1号", "SFX-ZHZF", ("legal", "示范县某建筑工地"), "渣土运输检查", daysAgo: 9,
                      [(1, .inspect(on: day(9), certificateNumbers: Array(zhzf.prefix(2)), findings: "车辆密闭运输，未发现问题")), (2, .close(on: day(9)))])
        try await run(.inspection, "示市监检〔\(y)〕1号", "SFX-SCJG", ("legal", "示范县某农贸市场"), "食品安全日常检查", daysAgo: 3, [])
    }
}
