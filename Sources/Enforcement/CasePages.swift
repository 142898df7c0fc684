import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import SQLKit
import Vapor

enum PenaltyCasePages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, EnforcementRoute.cases, permission: EnforcementPermissions.read) { req in try await list(req) }
        router.page(.GET, EnforcementRoute.casesNew, permission: EnforcementPermissions.manage) { req in leadForm(req, values: ["discoveredOn": CivilDateTime(req.fazhi.now).date.description], failure: nil) }
        router.form(EnforcementRoute.casesNew, permission: EnforcementPermissions.manage, submit: { req, fields in
            let values = fields.values
            let row = try await PenaltyCaseService.registerLead(caseNumber: values["caseNumber"], unitCode: values["unitCode"], partyKind: values["partyKind"],
                                                                party: values["party"], violation: values["violation"], violationOn: values["violationOn"],
                                                                discoveredOn: values["discoveredOn"], graveHarm: values["graveHarm"] == "1",
                                                                by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已登记案源 \(row.caseNumber)")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return leadForm(req, values: values, failure: failure)
        })
        router.page(.GET, EnforcementRoute.casesRecord, permission: EnforcementPermissions.read) { req in try await show(req, failure: nil) }
        let reshow: @Sendable (Request, FormFields, ValidationFailure) async throws -> Response = { req, _, failure in try await show(req, failure: failure) }
        router.form(EnforcementRoute.casesActions, permission: EnforcementPermissions.manage, submit: act, reshow: reshow)
        router.form(EnforcementRoute.casesReview, permission: EnforcementPermissions.review, submit: act, reshow: reshow)
        router.page(.POST, EnforcementRoute.casesPublicationRelease, permission: EnforcementPermissions.manage) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            do {
                try await PublicationService.release(caseID: id, by: try req.caller, services: req.fazhi, on: req.db)
                return Layout.redirect(req, to: EnforcementRoute.casesRecord.path(id), notice: "已确认，决定已公示")
            } catch let failure as ValidationFailure {
                return try await show(req, failure: failure)
            }
        }
    }

    /// One step of a case from its page's forms (the fields named as in `PenaltyAction`).
    @Sendable static func act(_ req: Request, _ fields: FormFields) async throws -> Response {
        let id = try req.parameters.require("id", as: UUID.self)
        let values = fields.values
        let date = try fields.date("on", label: "日期")
        let text = (values["text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let action: PenaltyAction
        switch values["action"] ?? "" {
        case "file":
            action = .file(on: date, certificateNumbers: (values["officers"] ?? "").split(whereSeparator: { ",，、 ".contains($0) }).map(String.init),
                           major: values["major"] == "1", complex: values["complex"] == "1", summary: values["summary"] == "1")
        case "drop": action = .drop(on: date, reason: text)
        case "notify": action = .notify(on: date, hearingRight: values["hearingRight"] == "1")
        case "review": action = .review(on: date, passed: values["passed"] != "0", opinion: text)
        case "hearing-request": action = .requestHearing(on: date)
        case "hearing-waiver": action = .waiveHearing(on: date)
        case "deliberate": action = .deliberate(on: date, participants: text)
        case "decide":
            let fineText = (values["fine"] ?? "").trimmingCharacters(in: .whitespaces)
            guard fineText.isEmpty || Int(fineText) != nil else { throw ValidationFailure(field: "fine", label: "罚款", message: "应为整数（元）") }
            let circumstances = Set(Circumstance.allCases.filter { values["c-\($0.rawValue)"] == "1" })
            let code = (values["benchmarkCode"] ?? "").trimmingCharacters(in: .whitespaces)
            let lenience = (values["lenienceCode"] ?? "").trimmingCharacters(in: .whitespaces)
            let discretion = code.isEmpty && lenience.isEmpty && circumstances.isEmpty ? nil
                : DiscretionInput(benchmarkCode: code, circumstances: circumstances, tier: DiscretionTier(rawValue: values["tier"] ?? ""),
                                  outsideReason: values["outsideReason"], lenienceCode: lenience, lenienceReason: values["lenienceReason"])
            action = .decide(on: date, fineYuan: Int(fineText), decision: text, penalty: values["penalty"] != "0", discretion: discretion)
        case "impact": action = .assessImpact(on: date, assessment: text)
        case "hearing":
            let notice = try fields.date("noticeOn", label: "听证通知日期")
            action = .hearing(on: date, noticeOn: notice, record: text)
        case "publish": action = .publish(on: date)
        case "change":
            guard let kind = DecisionChange(rawValue: values["kind"] ?? "") else { throw ValidationFailure(field: "kind", label: "变更方式", message: "请选择变更、撤销、确认违法或确认无效") }
            action = .change(on: date, kind: kind, reason: text)
        case "withdraw": action = .withdraw(on: date)
        case "serve": action = .serve(on: date)
        case "execute": action = .execute(on: date)
        case "close": action = .close(on: date)
        case "archive": action = .archive(on: date)
        case "extend-decision":
            guard let days = Int((values["days"] ?? "").trimmingCharacters(in: .whitespaces)), (1...366).contains(days) else {
                throw ValidationFailure(field: "days", label: "延长日数", message: "应为1到366之间的整数")
            }
            action = .extendDecision(on: date, days: days, approver: (values["approver"] ?? "").trimmingCharacters(in: .whitespaces), reason: text)
        default: throw ValidationFailure(field: "action", label: "操作", message: "未知操作")
        }
        try await PenaltyCaseService.perform(action, on: id, by: try req.caller, services: req.fazhi, on: req.db)
        return Layout.redirect(req, to: EnforcementRoute.casesRecord.path(id), notice: "已记录：\(action.label)")
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = ListQuery(req, path: EnforcementRoute.cases.path(), keys: ["status", "page", "after", "before"])
        let status = query["status"].flatMap(PenaltyStatus.init(rawValue:))
        let services = req.fazhi
        // The table and its pager depend on the records in the caller's units and the query only.
        let table = try await req.keptList("enforcement.cases", query: query) { read in
            let select = PenaltyCase.scopedSelect(in: read.scope, on: read.db, services: services)
            if let status { select.where("status", .equal, SQLBind(status.rawValue)) }
            // Newest discovered first; a province's millions of cases page by cursor on (discovered_on, id).
            let page = try await select.plainColumns("id", "case_number", "unit_id", "party_masked", "violation", "filed_on", "discovered_on", "status")
                .cursorPage(key: "discovered_on", query: query, decoding: CaseListRow.self) { ($0.discoveredOn, $0.id.text) }
            let names = try await services.unitNames.of(Set(page.rows.map(\.unitID)), services: services, on: read.db)
            return [
                UI.table(caption: "行政处罚案件（当事人已脱敏）", columns: [UI.Column("案号"), UI.Column("办案单位"), UI.Column("当事人"), UI.Column("违法行为"), UI.Column("立案"), UI.Column("状态")],
                         rows: page.rows.map { [link($0.caseNumber, EnforcementRoute.casesRecord.path($0.id)), .text(names[$0.unitID] ?? "—"), .text($0.partyMasked), .text($0.violation), .text($0.filedOn ?? "—"), .text(PenaltyStatus(rawValue: $0.status)?.label ?? $0.status)] },
                         query: query),
                UI.cursorPagination(page, query: query),
            ]
        }
        var actions: [Node] = []
        if principal.has(EnforcementPermissions.manage) { actions.append(link("登记案源", EnforcementRoute.casesNew.path(), [.cls("button")])) }
        if principal.has(EnforcementPermissions.importRegisters) { actions.append(link("导入案件台账", EnforcementRoute.casesImport.path(), [.cls("button secondary")])) }
        return Layout.page(req, title: "行政处罚案件", content: [
            el("div", [.cls("actions")], actions),
            el("form", [Attribute("method", "get"), Attribute("action", EnforcementRoute.cases.path()), .cls("filters"), Attribute("role", "search")], [
                UI.select("状态", name: "status", options: PenaltyStatus.allCases.map { ($0.rawValue, $0.label) }, selected: query["status"], includeBlank: "全部"),
                el("div", [.cls("field")], [el("button", [.type("submit")], text: "筛选")]),
            ]),
            table,
        ])
    }

    static func leadForm(_ req: Request, values: [String: String], failure: ValidationFailure?) -> Response {
        func field(_ label: String, _ name: String, type: String = "text", required: Bool = false, hint: String? = nil) -> Node {
            UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), required: required, hint: hint)
        }
        return Layout.page(req, title: "登记案源", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.form(action: EnforcementRoute.casesNew.path(), csrf: req.csrfToken, [
                field("案号", "caseNumber", required: true), field("办案单位编码", "unitCode", required: true),
                UI.select("当事人类型", name: "partyKind", options: [("natural", "自然人"), ("legal", "法人"), ("other", "其他组织")], selected: values["partyKind"],
                          error: failure?.message(for: "partyKind"), required: true, includeBlank: "请选择"),
                field("当事人", "party", required: true, hint: "加密保存，列表脱敏"),
                field("违法行为", "violation", required: true),
                field("违法行为发生（终了）日期", "violationOn", type: "date", required: true, hint: "二年内（涉及生命健康安全、金融安全且有危害后果的五年内）未被发现的，不再给予行政处罚（第三十六条）"),
                field("发现日期", "discoveredOn", type: "date", required: true),
                UI.select("涉及公民生命健康安全、金融安全且有危害后果", name: "graveHarm", options: [("0", "否"), ("1", "是（追责期限五年）")], selected: values["graveHarm"] ?? "0"),
                el("button", [.type("submit")], text: "登记"),
            ]),
        ])
    }

    static func show(_ req: Request, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let services = req.fazhi
        let row = try await PenaltyCaseService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        let events = try await PenaltyCaseEvent.query(on: req.db).filter(\.$penaltyCase.$id == row.id!).sort(\.$createdAt).all()
        let officers = try await EnforcementOfficer.query(on: req.db).filter(\.$id ~~ row.officers).all()
        let calendar = try await CalendarService.current(services: services, on: req.db)
        let now = CivilDateTime(services.now)
        let clocks = try await ClockService.clocks(record: row.clockRecord, on: req.db).map { try ClockService.view($0, calendar: calendar, now: now, warnWithin: services.config.deadlineWarnWorkdays) }
        var discretionText = "—"
        if let tier = row.discretionTier.flatMap(DiscretionTier.init(rawValue:)) {
            var benchmark: DiscretionBenchmark?
            if let id = row.benchmarkID.flatMap({ UUID(uuidString: $0) }) { benchmark = try await DiscretionBenchmark.find(id, on: req.db) }
            let proposed = (row.proposedTiers ?? "").split(separator: ",").compactMap { DiscretionTier(rawValue: String($0)) }.map(\.label).joined(separator: "或")
            discretionText = "\(tier.label)\(benchmark.map { "（基准\($0.code)第\($0.version)版：\($0.tier(tier)?.rangeText ?? "未设此档")）" } ?? "")；平台建议\(proposed)"
            if row.outsideBenchmark { discretionText += "；偏离基准，理由：\(row.outsideReason ?? "")（已报送执法监督）" }
        }
        if let item = row.lenienceItemID.flatMap({ UUID(uuidString: $0) }), let lenience = try await LenienceItem.find(item, on: req.db) {
            discretionText += "；适用\(lenience.listValue.label)\(lenience.code)：\(row.lenienceReason ?? "")"
        }
        if let impact = row.impactAssessedOn { discretionText += "；涉企经济影响评估（\(impact)）：\(row.impactAssessment ?? "")" }
        if let hearing = row.hearingOn { discretionText += "；\(hearing)举行听证（\(row.hearingNoticeOn ?? "")通知）" }
        let publications = try await EnforcementPublication.query(on: req.db).filter(\.$caseID == row.id!).sort(\.$createdAt).all()
        let limitation = PenaltyCaseService.limitationEnd(violationOn: CivilDate(row.violationOn)!, graveHarm: row.graveHarm)
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("案号", .text(row.caseNumber)), ("状态", .text(row.caseStatus.label)), ("当事人", .text(row.partyMasked)), ("违法行为", .text(row.violation)),
                ("追责期限", .text("违法行为发生于\(row.violationOn)，\(row.graveHarm ? "五年" : "二年")内可以处罚，至\(limitation)（行政处罚法第三十六条）；发现于\(row.discoveredOn)")),
                ("执法人员", .text(officers.isEmpty ? "—" : officers.map(\.nameMasked).joined(separator: "、"))),
                ("法制审核", .text(row.major ? (row.reviewOn.map { "\($0) 通过（\(row.reviewer ?? "")）" } ?? "须经法制审核（第五十八条）") : "不属于第五十八条情形")),
                ("集体讨论", .text(row.complex ? (row.deliberationOn ?? "须集体讨论（第五十七条第二款）") : "不需要")),
                ("决定", .text(row.decision.map { "\(row.noPenalty ? "不予行政处罚：" : "")\($0)\(row.fineYuan.map { "，罚款\($0)元" } ?? "")（\(row.decidedOn ?? "")）" } ?? "—")),
                ("裁量", .text(discretionText)),
            ("决定变更", .text(row.changeKind.map { "\(row.changedOn ?? "") \(DecisionChange(rawValue: $0)?.label ?? $0)：\(row.changeReason ?? "")" } ?? "—")),
            ]),
            el("h2", text: "公示"),
            publications.isEmpty ? el("p", text: row.decidedOn == nil ? "作出决定后公示。" : "尚未公示。") :
                UI.simpleTable(caption: "公示记录（公开的是脱敏后的内容）", headers: ["公开日期", "期限", "状态", "公示页面"], rows: publications.map { item in
                    [.text(item.publishedOn), .text(item.dueOn),
                     .text(item.withdrawnOn.map { "已于\($0)撤回" } ?? item.heldReason.map { "待确认：\($0)" } ?? (item.onTime ? "按时公示" : "逾期公示")),
                     item.heldReason != nil && item.withdrawnOn == nil && principal.has(EnforcementPermissions.manage)
                        ? UI.form(action: "\(row.link)/publication/release", csrf: req.csrfToken, [el("button", [.type("submit")], text: "核对无误，确认公示")])
                        : (item.withdrawnOn == nil && item.heldReason == nil ? link("查看", item.publicLink) : .text("—"))]
                }),
            el("h2", text: "法定期限"),
            DeadlinePages.clockSection(clocks),
            el("h2", text: "全过程记录"),
            UI.simpleTable(caption: "办案记录（行政处罚法第四十七条）", headers: ["日期", "环节", "经办人"], rows: events.map { [.text($0.happenedOn), .text($0.detail), .text($0.actor)] }),
        ]
        func form(_ action: String, _ title: String, path: String = "actions", _ fields: [Node]) -> Node {
            el("details", [.cls("action")], [el("summary", text: title), UI.form(action: "\(row.link)/\(path)", csrf: req.csrfToken,
                [.void("input", [.type("hidden"), .name("action"), .value(action)]), UI.field("日期", name: "on", value: now.date.description, type: "date", required: true)]
                + fields + [el("button", [.type("submit")], text: title)])])
        }
        var forms: [Node] = []
        if principal.has(EnforcementPermissions.manage) {
            switch row.caseStatus {
            case .lead:
                forms += [form("file", "立案", [
                    UI.field("执法证号", name: "officers", required: true, hint: "至少两名持有效行政执法证的执法人员，用逗号分隔（第四十二条）"),
                    UI.select("属于第五十八条情形（需法制审核）", name: "major", options: [("0", "否"), ("1", "是")], selected: "0"),
                    UI.select("情节复杂或重大违法（需集体讨论）", name: "complex", options: [("0", "否"), ("1", "是")], selected: "0"),
                    UI.select("程序", name: "summary", options: [("0", "普通程序"), ("1", "简易程序（当场处罚：警告或公民200元、组织3000元以下罚款）")], selected: "0"),
                ]), form("drop", "不予立案", [UI.field("理由", name: "text")])]
            case .filed:
                forms.append(form("notify", "告知拟作出的处罚", [UI.select("告知听证权利", name: "hearingRight", options: [("0", "否"), ("1", "是")], selected: "0")]))
            case .notified, .reviewed:
                if row.complex && row.deliberationOn == nil { forms.append(form("deliberate", "集体讨论", [UI.field("参加的负责人", name: "text")])) }
                if row.hearingRight && row.hearingRequestedOn == nil && row.hearingWaivedOn == nil && row.hearingOn == nil {
                    forms.append(form("hearing-request", "当事人要求听证", []))
                    forms.append(form("hearing-waiver", "当事人书面放弃听证", []))
                }
                if row.caseStatus == .notified && row.hearingOn == nil {
                    forms.append(form("hearing", "听证", [
                        UI.field("听证通知日期", name: "noticeOn", type: "date", required: true, hint: "应当在举行听证的七个工作日前通知（第六十四条第二项）"),
                        UI.field("听证笔录摘要", name: "text", required: true),
                    ]))
                }
                if row.partyKind != "natural" && row.impactAssessedOn == nil {
                    forms.append(form("impact", "涉企经济影响评估", [UI.field("评估意见", name: "text", hint: "对企业生产经营的影响、拟采取的柔性措施（如分期缴纳）")]))
                }
                forms.append(form("decide", "作出决定", [
                    UI.select("决定类型", name: "penalty", options: [("1", "行政处罚决定"), ("0", "不予行政处罚决定")], selected: "1"),
                    UI.field("罚款（元）", name: "fine"), UI.field("决定内容", name: "text", hint: "处罚种类、依据；公示时自动隐去自然人姓名、身份证号码和电话号码"),
                    el("fieldset", [], [el("legend", text: "裁量（行政处罚法第三十二条、第三十三条、第三十四条）")]
                        + Circumstance.allCases.map { UI.select($0.label, name: "c-\($0.rawValue)", options: [("0", "否"), ("1", "是")], selected: "0") }
                        + [UI.field("裁量基准违法行为编码", name: "benchmarkCode", hint: "平台按所选情形建议裁量档次和罚款幅度；偏离的须说明理由并报送执法监督机构"),
                           UI.select("裁量档次", name: "tier", options: DiscretionTier.allCases.map { ($0.rawValue, $0.label) }, selected: nil, includeBlank: "按建议"),
                           UI.field("偏离基准的理由", name: "outsideReason"),
                           UI.field("适用的清单事项编码", name: "lenienceCode", hint: "首违不罚、不予处罚、从轻、减轻清单"), UI.field("适用理由", name: "lenienceReason")]),
                ]))
            case .decided: forms.append(form("serve", "送达", []))
            case .served: forms.append(form("execute", "执行完毕", []))
            case .executed: forms.append(form("close", "结案", []))
            case .closed, .dropped: forms.append(form("archive", "归档", []))
            case .archived: break
            }
            if [.filed, .notified, .reviewed].contains(row.caseStatus),
               let open = try await ClockService.openClock(kind: PenaltyClocks.decision.key, record: row.clockRecord, on: req.db),
               let limit = (try? open.clock)?.rule.extensionLimit {
                forms.append(form("extend-decision", "延长决定期限", [
                    UI.field("延长日数", name: "days", required: true, hint: limit.basis),
                    UI.field("批准人", name: "approver", required: true), UI.field("理由", name: "text", required: true),
                ]))
            }
            if row.decidedOn != nil {
                let published = publications.contains { $0.withdrawnOn == nil }
                if !published && row.changeKind != DecisionChange.annulled.rawValue && row.changeKind != DecisionChange.void.rawValue {
                    forms.append(form("publish", "公示决定", []))
                }
                if row.changeKind == nil {
                    forms.append(form("change", "记录决定变更或撤销", [
                        UI.select("方式", name: "kind", options: DecisionChange.allCases.map { ($0.rawValue, $0.label) }, selected: nil, includeBlank: "请选择"),
                        UI.field("依据", name: "text", hint: "复议决定书、判决书或者本机关决定的文号"),
                    ]))
                }
                if published && row.changeKind != nil { forms.append(form("withdraw", "撤回公示（三个工作日内）", [])) }
            }
        }
        if principal.has(EnforcementPermissions.review), row.caseStatus == .notified {
            forms.append(form("review", "法制审核", path: "review", [
                UI.select("审核结论", name: "passed", options: [("1", "通过"), ("0", "未通过，退回")], selected: "1"), UI.field("审核意见", name: "text"),
            ]))
        }
        if !forms.isEmpty { content += [el("h2", text: "办理")] + forms }
        return Layout.page(req, title: "行政处罚 \(row.caseNumber)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}

/// The columns the case list shows, read without building `PenaltyCase` models.
struct CaseListRow: SQLListRow {
    var id: UUID
    var caseNumber: String
    var unitID: UUID
    var partyMasked: String
    var violation: String
    var filedOn: String?
    var discoveredOn: String
    var status: String

    init(row: any SQLRow) throws {
        id = try row.decodeUUID(column: "id")
        caseNumber = try row.decode(column: "case_number", as: String.self)
        unitID = try row.decodeUUID(column: "unit_id")
        partyMasked = try row.decode(column: "party_masked", as: String.self)
        violation = try row.decode(column: "violation", as: String.self)
        filedOn = try row.decodeOptional(column: "filed_on", as: String.self)
        discoveredOn = try row.decode(column: "discovered_on", as: String.self)
        status = try row.decode(column: "status", as: String.self)
    }
}
