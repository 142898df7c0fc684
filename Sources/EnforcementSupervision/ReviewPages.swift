import Enforcement
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

enum ReviewPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, SupervisionRoute.reviews, permission: SupervisionPermissions.read) { req in try await list(req) }
        router.page(.GET, SupervisionRoute.reviewsNew, permission: SupervisionPermissions.manage) { req in
            form(req, values: ["ratePercent": "10", "minimumPerStratum": "1", "rubric": Rubric.standard.text], failure: nil)
        }
        router.form(SupervisionRoute.reviewsNew, permission: SupervisionPermissions.manage, submit: { req, fields in
            let values = fields.values
            let campaign = try await ReviewService.create(.init(title: values["title"], periodFrom: values["periodFrom"], periodTo: values["periodTo"], seed: values["seed"],
                                                                ratePercent: values["ratePercent"], minimumPerStratum: values["minimumPerStratum"],
                                                                reviewers: values["reviewers"], rubric: values["rubric"]),
                                                          by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: campaign.link, notice: "已按种子\(campaign.seed)抽取案卷并分配评查人员")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return form(req, values: values, failure: failure)
        })
        router.page(.GET, SupervisionRoute.reviewsRecord, permission: SupervisionPermissions.read) { req in try await show(req) }
        router.page(.GET, SupervisionRoute.reviewsPopulationCsv, permission: SupervisionPermissions.read) { req async throws -> Response in
            let campaign = try await ReviewService.find(try req.parameters.require("id", as: UUID.self), on: req.db)
            let response = Response(status: .ok, body: .init(data: StratifiedSample.csv(campaign.population)))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
            response.headers.contentDisposition = .init(.attachment, filename: "review-population-\(campaign.seed).csv")
            return response
        }
        router.page(.POST, SupervisionRoute.reviewsFinish, permission: SupervisionPermissions.manage) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            do {
                try await ReviewService.finish(id, by: try req.caller, services: req.fazhi, on: req.db)
                return Layout.redirect(req, to: SupervisionRoute.reviewsRecord.path(id), notice: "评查已结束")
            } catch let failure as ValidationFailure {
                return Layout.redirect(req, to: SupervisionRoute.reviewsRecord.path(id), notice: failure.summary)
            }
        }
        router.page(.GET, SupervisionRoute.reviewsFilesRecord, permission: SupervisionPermissions.read) { req in try await file(req, values: [:], failure: nil) }
        router.form(SupervisionRoute.reviewsFilesRecord, permission: SupervisionPermissions.review, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            let vetoes = values.filter { $0.key.hasPrefix("veto-") && $0.value == "1" }.map { String($0.key.dropFirst(5)) }
            let scores = Dictionary(uniqueKeysWithValues: values.filter { $0.key.hasPrefix("score-") }.map { (String($0.key.dropFirst(6)), $0.value) })
            let row = try await ReviewService.score(id, .init(vetoes: vetoes, scores: scores, problems: values["problems"]), by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: SupervisionRoute.reviewsFilesRecord.path(id), notice: "已评分：\(row.gradeValue?.label ?? "")")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await file(req, values: values, failure: failure)
        })
        router.page(.GET, SupervisionRoute.rectificationsRecord, permission: SupervisionPermissions.read) { req in try await task(req, failure: nil) }
        router.form(SupervisionRoute.rectificationsRecord, permission: SupervisionPermissions.rectify, submit: { req, fields in
            let values = fields.values
            let id = try req.parameters.require("id", as: UUID.self)
            try await ReviewService.rectify(id, response: values["response"], on: values["on"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: SupervisionRoute.rectificationsRecord.path(id), notice: "已报告整改情况")
        }, reshow: { req, fields, failure in
            return try await task(req, failure: failure)
        })
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let campaigns = try await ReviewCampaign.query(on: req.db).sort(\.$createdAt, .descending).all()
        var mine: [ReviewFile] = []
        if let user = principal.userID { mine = try await ReviewFile.query(on: req.db).filter(\.$reviewerID == user).filter(\.$reviewedOn == nil).sort(\.$caseNumber).all() }
        let tasks = try await RectificationTask.query(on: req.db).filter(\.$doneOn == nil).sort(\.$dueOn).all().filter { principal.covers(unitPath: $0.unitPath) }
        var actions: [Node] = []
        if principal.has(SupervisionPermissions.manage) { actions.append(link("新建评查活动", SupervisionRoute.reviewsNew.path(), [.cls("button")])) }
        return Layout.page(req, title: "案卷评查", content: [
            el("div", [.cls("actions")], actions),
            UI.simpleTable(caption: "评查活动", headers: ["名称", "结案期间", "随机种子", "抽取", "状态"], rows: campaigns.map { campaign in
                [link(campaign.title, campaign.link), .text("\(campaign.periodFrom) 至 \(campaign.periodTo)"), .text(campaign.seed),
                 .text("\(campaign.ratePercent)%，每层至少\(campaign.minimumPerStratum)卷"), .text(campaign.finished ? "已结束（\(campaign.finishedOn ?? "")）" : "评查中")]
            }),
            el("h2", text: "待我评查的案卷"),
            mine.isEmpty ? el("p", text: "没有待评查的案卷。") : UI.simpleTable(caption: "分配给本人的案卷（不含本单位案卷）", headers: ["案号", "单位", "类型"], rows: mine.map {
                [link($0.caseNumber, SupervisionRoute.reviewsFilesRecord.path($0.id!)), .text($0.unitName), .text($0.kind)]
            }),
            el("h2", text: "待整改"),
            tasks.isEmpty ? el("p", text: "没有待整改的问题。") : UI.simpleTable(caption: "评查发现的问题（整改期限三十日）", headers: ["案号", "问题", "期限"], rows: tasks.map {
                [link($0.caseNumber, $0.link), .text($0.problem), .text($0.dueOn)]
            }),
        ])
    }

    static func form(_ req: Request, values: [String: String], failure: ValidationFailure?) -> Response {
        func field(_ label: String, _ name: String, type: String = "text", required: Bool = false, hint: String? = nil) -> Node {
            UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), required: required, hint: hint)
        }
        return Layout.page(req, title: "新建评查活动", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            el("p", text: "从期间内结案的案卷中按单位和案件类型分层随机抽取。种子在抽取前公布（例如采用当日福利彩票开奖号码），任何人可用公布的案卷总体和种子复核抽样结果（fazhi review-sample）。"),
            UI.form(action: SupervisionRoute.reviewsNew.path(), csrf: req.csrfToken, [
                field("评查名称", "title", required: true),
                field("结案日期起", "periodFrom", type: "date", required: true), field("结案日期止", "periodTo", type: "date", required: true),
                field("随机种子", "seed", hint: "非负整数；留空由系统生成并公布"),
                field("抽取比例（%）", "ratePercent", required: true), field("每层至少抽取（卷）", "minimumPerStratum", required: true),
                field("评查人员账号", "reviewers", required: true, hint: "司法局监督人员或各部门法制审核人员的账号，用逗号分隔；不分配本单位案卷"),
                el("div", [.cls("field")], [
                    el("label", [Attribute("for", "rubric")], text: "评查标准"),
                    el("textarea", [.id("rubric"), .name("rubric"), Attribute("rows", "12")], text: values["rubric"] ?? ""),
                    el("p", [.cls("hint")], text: "每行一项：“否决|编号|内容”或“评分|编号|内容|分值”（评分项合计100分）；“等次|优秀分|合格分”"),
                    failure?.message(for: "rubric").map { el("p", [.cls("error")], text: $0) } ?? .text(""),
                ]),
                el("button", [.type("submit")], text: "抽取并分配"),
            ]),
        ])
    }

    static func show(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let campaign = try await ReviewService.find(try req.parameters.require("id", as: UUID.self), on: req.db)
        let files = try await ReviewFile.query(on: req.db).filter(\.$campaign.$id == campaign.id!).sort(\.$unitName).sort(\.$caseNumber).all()
        let visible = files.filter { ReviewService.visible($0, to: principal) }
        let strata = campaign.sampling.draw(campaign.population)
        let rubric = campaign.rubric
        // Results per unit: files, average score, grades, problems and how many were fixed.
        let tasks = try await RectificationTask.query(on: req.db).filter(\.$campaignID == campaign.id!).all()
        var byUnit: [String: [ReviewFile]] = [:]
        for file in visible { byUnit[file.unitName, default: []].append(file) }
        let results: [[Node]] = byUnit.keys.sorted().map { unit in
            let rows = byUnit[unit]!
            let scored = rows.filter(\.reviewed)
            let average = scored.isEmpty ? "—" : String(format: "%.1f", Double(scored.compactMap(\.total).reduce(0, +)) / Double(scored.count))
            func count(_ grade: Rubric.Grade) -> String { String(scored.filter { $0.grade == grade.rawValue }.count) }
            let unitTasks = tasks.filter { task in rows.contains { $0.id == task.fileID } }
            return [.text(unit), .text("\(scored.count)/\(rows.count)"), .text(average), .text(count(.excellent)), .text(count(.pass)), .text(count(.fail)),
                    .text("\(unitTasks.filter { $0.doneOn != nil }.count)/\(unitTasks.count)")]
        }
        var content: [Node] = [
            UI.details([
                ("结案期间", .text("\(campaign.periodFrom) 至 \(campaign.periodTo)")), ("随机种子", .text(campaign.seed)),
                ("抽样规则", .text("按单位和类型分层；每层抽取 max(\(campaign.minimumPerStratum), ⌈N×\(campaign.ratePercent)%⌉) 卷（不超过N）；SplitMix64（种子 XOR FNV-1a(层名)），部分Fisher–Yates洗牌")),
                ("抽样总体", link("下载（CSV，\(campaign.population.count)卷）", "\(campaign.link)/population.csv")),
                ("复核命令", el("code", text: "fazhi review-sample --seed \(campaign.seed) --rate \(campaign.ratePercent) --minimum \(campaign.minimumPerStratum) review-population-\(campaign.seed).csv")),
                ("评查标准", .text("否决项\(rubric.vetoItems.count)项，评分项\(rubric.scoredItems.count)项（100分）；\(rubric.excellentFrom)分以上优秀，\(rubric.passFrom)分以上合格")),
                ("状态", .text(campaign.finished ? "已结束（\(campaign.finishedOn ?? "")）" : "评查中")), ("抽取日期", .text(campaign.drawnOn)), ("组织人", .text(campaign.createdBy)),
            ]),
            UI.simpleTable(caption: "分层抽样", headers: ["层（单位编码|类型）", "总体", "抽取"], rows: strata.map { [.text($0.key), .text(String($0.population)), .text(String($0.drawn.count))] }),
            UI.simpleTable(caption: "各单位评查结果", headers: ["单位", "已评/抽取", "平均分", "优秀", "合格", "不合格", "整改完成/问题"], rows: results),
            UI.simpleTable(caption: "抽取的案卷", headers: ["案号", "单位", "类型", "评查人员", "得分", "等次"], rows: visible.map { file in
                [link(file.caseNumber, SupervisionRoute.reviewsFilesRecord.path(file.id!)), .text(file.unitName), .text(file.kind), .text(file.reviewerName),
                 .text(file.reviewed ? (file.vetoes?.isEmpty == false ? "否决" : String(file.total ?? 0)) : "待评"), .text(file.gradeValue?.label ?? "—")]
            }),
        ]
        if principal.has(SupervisionPermissions.manage) && !campaign.finished {
            content.append(UI.actionButton("结束评查", action: "\(campaign.link)/finish", csrf: req.csrfToken))
        }
        return Layout.page(req, title: campaign.title, content: content)
    }

    static func file(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        guard let file = try await ReviewFile.find(id, on: req.db), ReviewService.visible(file, to: principal) else {
            throw ScopeDenied(entityType: "review_file", entityID: id.uuidString)
        }
        let campaign = try await ReviewService.find(file.$campaign.id, on: req.db)
        let rubric = campaign.rubric
        let scores = file.scores
        let vetoes = Set((file.vetoes ?? "").split(separator: ",").map(String.init))
        let recordLink = try await ReviewService.recordLinks([file], on: req.db)[file.caseID]
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("评查活动", link(campaign.title, campaign.link)), ("案卷", (principal.covers(unitPath: file.unitPath) || principal.userID == file.reviewerID)
                    ? recordLink.map { link(file.caseNumber, $0) } ?? .text(file.caseNumber) : .text(file.caseNumber)),
                ("单位", .text(file.unitName)), ("类型", .text(file.kind)), ("评查人员", .text(file.reviewerName)),
                ("结果", .text(file.reviewed ? "\(file.reviewedOn!)：\(vetoes.isEmpty ? "\(file.total ?? 0)分" : "否决")，\(file.gradeValue?.label ?? "")" : "待评")),
                ("发现的问题", .text(file.problems ?? "—")),
            ]),
            UI.simpleTable(caption: "评查标准与得分", headers: ["编号", "内容", "类别", "得分"], rows: rubric.items.map { item in
                [.text(item.code), .text(item.title), .text(item.veto ? "否决项" : "\(item.points)分"),
                 .text(item.veto ? (vetoes.contains(item.code) ? "否决" : (file.reviewed ? "通过" : "—")) : scores[item.code].map(String.init) ?? "—")]
            }),
        ]
        if principal.userID == file.reviewerID && !file.reviewed && !campaign.finished {
            var fields: [Node] = rubric.vetoItems.map { item in
                UI.select("否决项 \(item.code)：\(item.title)", name: "veto-\(item.code)", options: [("0", "无此问题"), ("1", "存在（案卷不合格）")], selected: values["veto-\(item.code)"] ?? "0")
            }
            fields += rubric.scoredItems.map { item in
                UI.field("\(item.code) \(item.title)（满分\(item.points)）", name: "score-\(item.code)", value: values["score-\(item.code)"], error: failure?.message(for: "score-\(item.code)"), required: true)
            }
            fields.append(UI.field("发现的问题", name: "problems", value: values["problems"], error: failure?.message(for: "problems"), hint: "扣分或否决的须写明；将交办单位在三十日内整改"))
            fields.append(el("button", [.type("submit")], text: "提交评分"))
            content += [el("h2", text: "评分"), UI.form(action: SupervisionRoute.reviewsFilesRecord.path(file.id!), csrf: req.csrfToken, fields)]
        }
        return Layout.page(req, title: "评查 \(file.caseNumber)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func task(_ req: Request, failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        guard let task = try await RectificationTask.find(id, on: req.db), principal.covers(unitPath: task.unitPath) else {
            throw ScopeDenied(entityType: "rectification_task", entityID: id.uuidString)
        }
        let calendar = try await CalendarService.current(services: req.fazhi, on: req.db)
        let clocks = try await ClockService.clocks(record: task.clockRecord, on: req.db).map {
            try ClockService.view($0, calendar: calendar, now: CivilDateTime(req.fazhi.now), warnWithin: req.fazhi.config.deadlineWarnWorkdays)
        }
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([("案卷", .text(task.caseNumber)), ("发现的问题", .text(task.problem)), ("交办日期", .text(task.assignedOn)), ("整改期限", .text(task.dueOn)),
                        ("整改情况", .text(task.doneOn.map { "\($0)：\(task.response ?? "")" } ?? "未报告"))]),
            el("h2", text: "法定期限"), DeadlinePages.clockSection(clocks),
        ]
        if task.doneOn == nil && principal.has(SupervisionPermissions.rectify) {
            content.append(UI.form(action: task.link, csrf: req.csrfToken, [
                UI.field("整改完成日期", name: "on", value: CivilDateTime(req.fazhi.now).date.description, type: "date", error: failure?.message(for: "on"), required: true),
                UI.field("整改情况", name: "response", error: failure?.message(for: "response"), required: true),
                el("button", [.type("submit")], text: "报告整改"),
            ]))
        }
        return Layout.page(req, title: "评查整改 \(task.caseNumber)", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}
