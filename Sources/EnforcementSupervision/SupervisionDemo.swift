import Enforcement
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// The demo county's supervision: a finished review campaign over the year's closed penalty files,
/// a random-inspection plan of the market regulator, criminal transfers in every state, complaints.
enum SupervisionDemo {
    static let campaignSeed: UInt64 = 20_260_315
    static let inspectionSeed = "8051"

    static func principal(_ login: String, _ context: DemoContext) async throws -> Principal {
        guard let user = try await UserAccount.query(on: context.database).filter(\.$loginName == login).first(),
              let principal = try await AccountService.principal(user: user, channel: .system, tokenPermissions: nil, ip: "local", services: context.services, on: context.database)
        else { throw CommandFailure("演示账号 \(login) 不存在") }
        return principal
    }

    static func seed(_ context: DemoContext) async throws {
        let db = context.database
        let services = context.services
        let today = CivilDateTime(context.now).date
        var random = SeededRandom(seed: context.seed ^ 0x5355_5045_5256)
        let supervisor = try await principal("supervisor", context)
        var reviewers: [UUID: Principal] = [:]
        for login in ["supervisor", "reviewer.scjg"] { let p = try await principal(login, context); reviewers[p.userID!] = p }

        // 双随机: the market regulator's pool of 60 market entities.
        var lines = ["名称,统一社会信用代码,类别,检查单位编码"]
        let categories = ["食品经营", "食品生产", "特种设备使用单位", "药品零售", "化妆品经营"]
        for index in 0..<60 {
            let code = USCC.completing("92" + "999999" + String(format: "MA%07d", index))!
            lines.append("示范县第\(index + 1)号\(categories[index % categories.count])户,\(code),\(categories[index % categories.count]),SFX-SCJG")
        }
        let table = try TableReader.read(Data(lines.joined(separator: "\n").utf8), filename: "targets.csv")
        let report = try await InspectionTargetImporter().run(table, by: supervisor, services: services, on: db)
        if !report.errors.isEmpty { throw CommandFailure("演示检查对象导入失败：\(report.errors.prefix(3))") }

        // The two previous full years, so that every figure of last year's report has a base.
        var past = SeededRandom(seed: context.seed ^ 0x4849_5355_5056)
        for (offset, year) in [today.year - 2, today.year - 1].enumerated() {
            try await history(year: year, offset: offset, supervisor: supervisor, reviewers: reviewers, random: &past, context)
        }

        // 案卷评查: the year's closed files, 30 % per stratum and at least one, two reviewers.
        let campaign = try await ReviewService.create(.init(title: "\(today.year)年度行政处罚案卷评查", periodFrom: today.adding(days: -365).description, periodTo: today.description,
                                                            seed: String(campaignSeed), ratePercent: "30", minimumPerStratum: "1", reviewers: "supervisor, reviewer.scjg",
                                                            rubric: nil), by: supervisor, services: services, on: db)
        try await scoreAll(campaign, reviewers: reviewers, random: &random, services: services, on: db)
        // Half of the units have reported their rectification.
        let tasks = try await RectificationTask.query(on: db).filter(\.$campaignID == campaign.id!).sort(\.$caseNumber).all()
        for (index, task) in tasks.enumerated() where index % 2 == 0 {
            try await rectify(task, on: today, services: services, on: db)
        }
        try await ReviewService.finish(campaign.id!, by: supervisor, services: services, on: db)

        // A plan of 12 from the pool, results recorded and published.
        let plan = try await InspectionService.createPlan(unitCode: "SFX-SCJG", title: "\(today.year)年食品经营者双随机抽查", matter: "食品经营许可与经营行为",
                                                          seed: inspectionSeed, count: "12", by: supervisor, services: services, on: db)
        // The plan is dated today; its results come over the next weeks in a live county — here the
        // first eight are recorded today and five published.
        let draws = try await InspectionDraw.query(on: db).filter(\.$plan.$id == plan.id!).sort(\.$creditCode).all()
        for (index, draw) in draws.enumerated() where index < 8 {
            let result: InspectionResult = index % 4 == 1 ? .problemsFixed : (index == 6 ? .violation : .compliant)
            try await InspectionService.recordResult(draw.id!, result: result.rawValue, on: today.description, by: supervisor, services: services, on: db)
            if index < 5 { try await InspectionService.publish(draw.id!, on: today.description, by: supervisor, services: services, on: db) }
        }

        // 两法衔接: a decision due, one overdue, a 24-hour transfer running, one transferred and accepted with exhibits handed over, one refused and reconsidered.
        let now = CivilDateTime(context.now)
        func transfer(_ number: String, _ unit: String, _ suspect: String, _ offence: String, reported: Int) async throws -> CriminalTransfer {
            try await TransferService.report(caseNumber: number, unitCode: unit, suspect: suspect, offence: offence, reportedOn: today.adding(days: -reported).description,
                                             by: supervisor, services: services, on: db)
        }
        _ = try await transfer("示市监移〔\(today.year)〕1号", "SFX-SCJG", "周某甲", "生产、销售伪劣产品罪", reported: 1)
        _ = try await transfer("示环移〔\(today.year)〕1号", "SFX-STHJ", "吴某乙", "污染环境罪", reported: 6)
        let running = try await transfer("示综执移〔\(today.year)〕1号", "SFX-ZHZF", "郑某丙", "非法占用农用地罪", reported: 2)
        let yesterday = CivilDateTime(date: today.adding(days: -1), minuteOfDay: 14 * 60)
        if yesterday <= now { try await TransferService.perform(.decide(at: yesterday, transfer: true, reason: ""), on: running.id!, by: supervisor, services: services, on: db) }
        let done = try await transfer("示市监移〔\(today.year)〕2号", "SFX-SCJG", "王某丁", "销售假药罪", reported: 20)
        let base = today.adding(days: -20)
        for action: TransferAction in [.decide(at: CivilDateTime(date: base.adding(days: 1), minuteOfDay: 9 * 60), transfer: true, reason: ""),
                                       .transfer(at: CivilDateTime(date: base.adding(days: 1), minuteOfDay: 16 * 60)), .policeAnswer(on: base.adding(days: 3), accepted: true),
                                       .exhibits(on: base.adding(days: 5))] {
            try await TransferService.perform(action, on: done.id!, by: supervisor, services: services, on: db)
        }
        let refused = try await transfer("示农移〔\(today.year)〕1号", "SFX-NY", "冯某戊", "销售伪劣农药罪", reported: 30)
        let start = today.adding(days: -30)
        for action: TransferAction in [.decide(at: CivilDateTime(date: start.adding(days: 2), minuteOfDay: 10 * 60), transfer: true, reason: ""),
                                       .transfer(at: CivilDateTime(date: start.adding(days: 2), minuteOfDay: 15 * 60)), .policeAnswer(on: start.adding(days: 5), accepted: false),
                                       .reconsider(on: start.adding(days: 7)), .reconsiderAnswer(on: start.adding(days: 9), accepted: true), .exhibits(on: start.adding(days: 11))] {
            try await TransferService.perform(action, on: refused.id!, by: supervisor, services: services, on: db)
        }

        // 执法投诉: from the hotline, letters and the site, in every state.
        let complaints: [(String, ComplaintSource, String, Int, [ComplaintAction])] = [
            ("TS-\(today.year)-001", .hotline, "SFX-ZHZF", 70, [.accept(on: today.adding(days: -68)), .conclude(on: today.adding(days: -50), outcome: .correction, findings: "暂扣物品未出具清单"),
                                                               .rectified(on: today.adding(days: -30), report: "已补出具清单并退还物品"), .close(on: today.adding(days: -29))]),
            ("TS-\(today.year)-002", .letter, "SFX-SCJG", 40, [.accept(on: today.adding(days: -38)), .conclude(on: today.adding(days: -20), outcome: .unfounded, findings: "执法程序合法")]),
            ("TS-\(today.year)-003", .website, "SFX-CG", 25, [.decline(on: today.adding(days: -24), reason: "不属于行政执法行为，已告知向有关部门反映")]),
            ("TS-\(today.year)-004", .hotline, "SFX-STHJ", 15, [.accept(on: today.adding(days: -14)), .conclude(on: today.adding(days: -5), outcome: .opinion, findings: "检查未出示执法证件"),
                                                                .discipline(on: today.adding(days: -4), note: "执法人员涉嫌违规收受礼品")]),
            ("TS-\(today.year)-005", .visit, "SFX-JT", 3, []),
        ]
        for (number, source, unit, days, actions) in complaints where today.adding(days: -days) >= today.adding(days: -365) {
            let row = try await ComplaintService.register(number: number, source: source.rawValue, complainant: source == .website ? nil : "投诉人\(number.suffix(3))",
                                                          aboutUnitCode: unit, content: "反映\(unit)执法人员执法不规范", receivedOn: today.adding(days: -days).description,
                                                          by: supervisor, services: services, on: db)
            for action in actions { try await ComplaintService.perform(action, on: row.id!, by: supervisor, services: services, on: db) }
        }
    }

    /// Scores every file of a campaign: a quarter full marks, the rest a few points lost, one in
    /// seven vetoed for an unannounced hearing right.
    static func scoreAll(_ campaign: ReviewCampaign, reviewers: [UUID: Principal], random: inout SeededRandom, services: FazhiServices, on db: any Database) async throws {
        let rubric = campaign.rubric
        let files = try await ReviewFile.query(on: db).filter(\.$campaign.$id == campaign.id!).sort(\.$caseNumber).all()
        for (index, file) in files.enumerated() {
            var scores: [String: String] = [:]
            var lost = 0
            for item in rubric.scoredItems {
                let deduction = index % 4 == 0 ? 0 : min(item.points, random.below(4))
                lost += deduction
                scores[item.code] = String(item.points - deduction)
            }
            let vetoes = index % 7 == 3 ? ["F5"] : []
            let problems = !vetoes.isEmpty ? "应当告知听证权利而未告知，程序违法" : (lost > 0 ? "文书填写不规范，证据目录不全（扣\(lost)分）" : nil)
            try await ReviewService.score(file.id!, .init(vetoes: vetoes, scores: scores, problems: problems), by: reviewers[file.reviewerID]!, services: services, on: db)
        }
    }

    /// The unit's own report of its rectification.
    static func rectify(_ task: RectificationTask, on day: CivilDate, services: FazhiServices, on db: any Database) async throws {
        guard let unit = try await OrgUnit.find(task.unitID, on: db) else { return }
        let handler = Principal(userID: nil, loginName: "demo", displayName: "演示整改人", role: .departmentOfficer, unitID: unit.id, unitName: unit.name,
                                unitPath: unit.path, permissions: [], channel: .system, ip: "local")
        try await ReviewService.rectify(task.id!, response: "已补正文书，完善证据目录，并组织全员学习", on: day.description, by: handler, services: services, on: db)
    }

    /// The services as they were at 18:00 on a past day: a step the platform dates by its own clock
    /// (a review's score, a plan's draw) is recorded on that day, and so is its audit row.
    static func services(_ context: DemoContext, on day: CivilDate) -> FazhiServices {
        var services = context.services
        let instant = CivilDateTime(date: day, minuteOfDay: 18 * 60).instant
        services.clock = AppClock { instant }
        return services
    }

    /// A past full year of supervision, every matter finished within it, each step taken by the
    /// services as of its day: a review campaign over the files closed by October with every problem
    /// rectified, a random-inspection plan with every result published (one late), criminal
    /// transfers accepted by the police with the exhibits handed over, complaints all closed (one
    /// after its 60 days).
    static func history(year: Int, offset: Int, supervisor: Principal, reviewers: [UUID: Principal], random: inout SeededRandom, _ context: DemoContext) async throws {
        let db = context.database
        func day(_ month: Int, _ day: Int) -> CivilDate { CivilDate(year: year, month: month, day: day)! }
        func at(_ date: CivilDate) -> FazhiServices { services(context, on: date) }

        let campaign = try await ReviewService.create(.init(title: "\(year)年度行政处罚案卷评查", periodFrom: day(1, 1).description, periodTo: day(10, 31).description,
                                                            seed: String(campaignSeed - UInt64(10_000 * (2 - offset))), ratePercent: "30", minimumPerStratum: "1",
                                                            reviewers: "supervisor, reviewer.scjg", rubric: nil), by: supervisor, services: at(day(11, 5)), on: db)
        try await scoreAll(campaign, reviewers: reviewers, random: &random, services: at(day(11, 20)), on: db)
        for task in try await RectificationTask.query(on: db).filter(\.$campaignID == campaign.id!).sort(\.$caseNumber).all() {
            try await rectify(task, on: day(12, 10), services: at(day(12, 10)), on: db)
        }
        try await ReviewService.finish(campaign.id!, by: supervisor, services: at(day(12, 15)), on: db)

        let plan = try await InspectionService.createPlan(unitCode: "SFX-SCJG", title: "\(year)年食品经营者双随机抽查", matter: "食品经营许可与经营行为",
                                                          seed: String(year) + inspectionSeed, count: String(8 + 2 * offset), by: supervisor, services: at(day(4, 8)), on: db)
        let draws = try await InspectionDraw.query(on: db).filter(\.$plan.$id == plan.id!).sort(\.$creditCode).all()
        for (index, draw) in draws.enumerated() {
            let inspected = day(4, 15).adding(days: 3 * index)
            let result: InspectionResult = index % 4 == 1 ? .problemsFixed : (index == 6 ? .violation : .compliant)
            try await InspectionService.recordResult(draw.id!, result: result.rawValue, on: inspected.description, by: supervisor, services: at(inspected), on: db)
            let published = inspected.adding(days: index == 3 ? 40 : 7)
            try await InspectionService.publish(draw.id!, on: published.description, by: supervisor, services: at(published), on: db)
        }

        let transfers: [(String, String, String)] = [("示市监移", "SFX-SCJG", "销售伪劣产品罪"), ("示环移", "SFX-STHJ", "污染环境罪"), ("示农移", "SFX-NY", "销售伪劣农药罪")]
        for (index, (prefix, unit, offence)) in transfers.prefix(2 + offset).enumerated() {
            let reported = day(3 + 3 * index, 10)
            let row = try await TransferService.report(caseNumber: "\(prefix)〔\(year)〕1号", unitCode: unit, suspect: "当事人\(year)\(index)", offence: offence,
                                                       reportedOn: reported.description, by: supervisor, services: at(reported), on: db)
            let decided = reported.adding(days: 1)
            for action: TransferAction in [.decide(at: CivilDateTime(date: decided, minuteOfDay: 9 * 60), transfer: true, reason: ""),
                                           .transfer(at: CivilDateTime(date: decided, minuteOfDay: 16 * 60)), .policeAnswer(on: decided.adding(days: 3), accepted: true),
                                           .exhibits(on: decided.adding(days: 5))] {
                try await TransferService.perform(action, on: row.id!, by: supervisor, services: at(action.date), on: db)
            }
        }

        let received = [day(2, 10), day(4, 12), day(6, 3), day(9, 1)]
        let complaints: [(ComplaintSource, String, CivilDate, [ComplaintAction])] = [
            (.hotline, "SFX-ZHZF", received[0], [.accept(on: received[0].adding(days: 2)), .conclude(on: received[0].adding(days: 20), outcome: .correction, findings: "暂扣物品未出具清单"),
                                                 .rectified(on: received[0].adding(days: 40), report: "已补出具清单并退还物品"), .close(on: received[0].adding(days: 45))]),
            (.letter, "SFX-SCJG", received[1], [.accept(on: received[1].adding(days: 3)), .conclude(on: received[1].adding(days: 25), outcome: .unfounded, findings: "执法程序合法")]),
            (.website, "SFX-CG", received[2], [.decline(on: received[2].adding(days: 5), reason: "不属于行政执法行为，已告知向有关部门反映")]),
            (.hotline, "SFX-STHJ", received[3], [.accept(on: received[3].adding(days: 5)), .conclude(on: received[3].adding(days: 40), outcome: .opinion, findings: "检查未出示执法证件"),
                                                 .rectified(on: received[3].adding(days: 95), report: "已组织执法人员学习亮证执法规定"), .close(on: received[3].adding(days: 100))]),
        ]
        for (index, (source, unit, on, actions)) in complaints.prefix(3 + offset).enumerated() {
            let number = String(format: "TS-%d-%03d", year, index + 1)
            let row = try await ComplaintService.register(number: number, source: source.rawValue, complainant: source == .website ? nil : "投诉人\(year)\(index)",
                                                          aboutUnitCode: unit, content: "反映\(unit)执法人员执法不规范", receivedOn: on.description,
                                                          by: supervisor, services: at(on), on: db)
            for action in actions { try await ComplaintService.perform(action, on: row.id!, by: supervisor, services: at(action.date), on: db) }
        }
    }
}
