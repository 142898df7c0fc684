import Enforcement
import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Litigation
import Reconsideration
import Reports

/// The demo county's two previous full years, so that every year-over-year figure of last year's
/// report has a base. They come in as a county moving onto the platform would bring them: through
/// each module's ledger importer where it has one, otherwise entered with their dates through the
/// module's services, all rules applied. (Supervision's past years are its own demo's:
/// `SupervisionDemo.history`.) Then last year's report is approved and published on the public site.
public enum DemoHistory {
    static func seed(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        var random = SeededRandom(seed: context.seed ^ 0x4849_5354)
        let system = Principal.system("演示数据（往年台账）")
        // The registers predate the platform: bodies since three years back, matters entered then,
        // each officer on the roster since the first certificate was issued.
        let since = "\(today.year - 3)-01-01"
        let sinceDate = CivilDate(since)!.startOfDayInBeijing
        try await EnforcementBody.query(on: db).set(\.$since, to: since).update()
        try await EnforcementMatter.query(on: db).set(\.$createdAt, to: sinceDate).update()
        try await LenienceItem.query(on: db).set(\.$createdAt, to: sinceDate).update()
        for certificate in try await OfficerCertificate.query(on: db).sort(\.$issuedOn, .descending).all() {
            guard let issued = CivilDate(certificate.issuedOn) else { continue }
            try await EnforcementOfficer.query(on: db).filter(\.$id == certificate.$officer.id).set(\.$createdAt, to: issued.startOfDayInBeijing).update()
        }
        // The year before last's training hours and annual review of the officers whose last two
        // years the enforcement demo records (all passed; some short of the minimum hours).
        for (index, officer) in try await EnforcementOfficer.query(on: db).sort(\.$idHash).limit(60).all().enumerated() {
            try await TrainingService.record(officerID: officer.id!, year: String(today.year - 2), hours: String(24 + (index * 7) % 50), review: "pass", note: nil,
                                             by: system, services: services, on: db)
        }
        for (offset, year) in [today.year - 2, today.year - 1].enumerated() {
            try await importTable(CaseImporter(), reconsideration(year: year, count: 30 - 6 * offset, random: &random), "reconsideration", system, context)
            try await importTable(LawsuitImporter(), lawsuits(year: year, count: 14 - 3 * offset, random: &random), "litigation", system, context)
            try await importTable(PenaltyCaseImporter(), try await penalties(year: year, count: 18 + 6 * offset, random: &random, db: db), "penalties", system, context)
            try await actions(year: year, offset: offset, system, context)
        }
    }

    /// Last year's county report, approved and published once every module's records are in.
    static func publishReport(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        guard let user = try await UserAccount.query(on: db).filter(\.$loginName == "supervisor").first(),
              let supervisor = try await AccountService.principal(user: user, channel: .system, tokenPermissions: nil, ip: "local", services: services, on: db) else { return }
        let report = try await ReportService.create(year: String(today.year - 1), unitCode: DemoCounty.governmentCode, by: supervisor, services: services, on: db)
        try await ReportService.perform(.save(text: report.text, number: "示政发〔\(today.year)〕3号"), on: report.id!, by: supervisor, services: services, on: db)
        try await ReportService.perform(.submit, on: report.id!, by: supervisor, services: services, on: db)
        try await ReportService.perform(.approve(official: "示范县人民政府县长"), on: report.id!, by: supervisor, services: services, on: db)
        try await ReportService.perform(.send(to: "县委、县人大常委会"), on: report.id!, by: supervisor, services: services, on: db)
        try await ReportService.perform(.publish, on: report.id!, by: supervisor, services: services, on: db)

        // Last year's 政府信息公开工作年度报告 of the county government, its tables from the requests,
        // documents, enforcement, reconsideration and litigation records; approved and published.
        let disclosure = try await ReportService.create(year: String(today.year - 1), unitCode: DemoCounty.governmentCode, kind: .disclosure, by: supervisor,
                                                        services: services, on: db)
        let filled = disclosure.text.replacingOccurrences(of: "| 行政事业性收费 | （由起草单位填写） |", with: "| 行政事业性收费 | 126.4 |")
        try await ReportService.perform(.save(text: filled, number: nil), on: disclosure.id!, by: supervisor, services: services, on: db)
        try await ReportService.perform(.submit, on: disclosure.id!, by: supervisor, services: services, on: db)
        try await ReportService.perform(.approve(official: "示范县人民政府办公室主任"), on: disclosure.id!, by: supervisor, services: services, on: db)
        try await ReportService.perform(.send(to: "市人民政府办公室（政务公开主管部门）"), on: disclosure.id!, by: supervisor, services: services, on: db)
        try await ReportService.perform(.publish, on: disclosure.id!, by: supervisor, services: services, on: db)

        // This year's draft, its parts asked of two departments and a town; one has already answered.
        let draft = try await ReportService.create(year: String(today.year), unitCode: DemoCounty.governmentCode, by: supervisor, services: services, on: db)
        let due = min(today.adding(days: 20), CivilDate(draft.submitBy)!.adding(days: -1))
        let asked = try await ContributionService.request(reportID: draft.id!, unitCodes: "SFX-SCJG、SFX-ZHZF、SFX-CG", section: "（一）严格规范公正文明执法",
                                                          request: "本单位全年执法工作的主要举措和成效，300字以内，可用 {指标代码} 引用数字",
                                                          due: due.description, by: supervisor, services: services, on: db)
        if let answered = asked.first(where: { $0.unitName.contains("综合") || $0.unitName.contains("城管") }),
           let user = try await UserAccount.query(on: db).filter(\.$loginName == "officer.zhzf").first(),
           let officer = try await AccountService.principal(user: user, channel: .system, tokenPermissions: nil, ip: "local", services: services, on: db) {
            try await ContributionService.perform(.submit(text: "推行“非现场执法”，全年办理占道经营等案件以说服教育为主，首违不罚案件逐月公示。"),
                                                  on: answered.id!, by: officer, services: services, on: db)
        }
    }

    /// `count` rows of a penalty-case ledger of `year` in the demo county's shape, for the import
    /// benchmark (`fazhi-bench --import`): case numbers marked 罚测 so they never meet the demo's.
    public static func benchPenaltyLedger(year: Int, count: Int, seed: UInt64, on db: any Database) async throws -> Data {
        var random = SeededRandom(seed: seed)
        let lines = try await penalties(year: year, count: max(2, count - 2), random: &random, db: db)
        // Each line its own number (the demo's serials repeat beyond a hundred a body).
        let numbered = lines.enumerated().map { index, line in index == 0 ? line : line.replacingOccurrences(of: "罚历〔", with: "罚测\(index)〔") }
        return Data(numbered.joined(separator: "\n").utf8)
    }

    static func importTable(_ importer: any Importer, _ lines: [String], _ name: String, _ principal: Principal, _ context: DemoContext) async throws {
        let table = try TableReader.read(Data(lines.joined(separator: "\n").utf8), filename: "\(name).csv")
        let report = try await importer.run(table, by: principal, services: context.services, on: context.database)
        if !report.errors.isEmpty { throw CommandFailure("演示往年台账（\(name)）导入失败：\(report.errors.prefix(3))") }
    }

    static func day(_ year: Int, _ dayOfYear: Int) -> CivilDate { CivilDate(year: year, month: 1, day: 1)!.adding(days: dayOfYear) }

    static func csv(_ header: [String], _ rows: [[String: String]]) -> [String] {
        [header.joined(separator: ",")] + rows.map { row in header.map { row[$0] ?? "" }.joined(separator: ",") }
    }

    static let respondents = ["SFX-SCJG", "SFX-ZHZF", "SFX-ZRZY", "SFX-RS", "SFX-GA", "SFX-CG", "SFX-DL"]

    /// 行政复议: received through the year, most accepted and concluded within it.
    static func reconsideration(year: Int, count: Int, random: inout SeededRandom) -> [String] {
        let header = CaseImporter().columns.map(\.header)
        let outcomes = ["维持", "驳回复议请求", "撤销", "确认违法", "调解", "和解后撤回申请", "撤回申请", "变更"]
        var rows: [[String: String]] = []
        for index in 0..<count {
            let received = day(year, 5 + index * (300 / count) + random.below(5))
            let id = ResidentID.completing("999999" + "19\(60 + random.below(40))" + String(format: "%02d%02d", 1 + random.below(12), 1 + random.below(28)) + String(format: "%03d", index))!
            var row = ["案号": "示复〔\(year)〕\(index + 1)号", "收到申请日期": received.description, "申请方式": ["当面递交", "邮寄", "网上申请"][index % 3],
                       "申请人类型": "自然人", "申请人": "申请人\(year)\(index)", "证件号码": id, "被申请人单位编码": respondents[index % respondents.count],
                       "被申请行为类别": ["行政处罚", "政府信息公开", "不履行法定职责", "工伤认定"][index % 4], "行政复议请求": "撤销原行政行为"]
            switch index % 10 {
            case 7: row.merge(["审查结果": "不予受理", "审查日期": received.adding(days: 3).description, "审查理由": "超过法定申请期限（行政复议法第二十条）"]) { $1 }
            case 8: row.merge(["审查结果": "告知", "审查日期": received.adding(days: 3).description, "审查理由": "示范市人民政府"]) { $1 }
            default:
                let concluded = received.adding(days: 20 + random.below(35))
                row.merge(["审查结果": "受理", "审查日期": received.adding(days: 2).description, "程序": "普通程序",
                           "发送副本日期": received.adding(days: 4).description, "答复日期": received.adding(days: 14).description,
                           "结案方式": outcomes[random.below(outcomes.count)], "结案日期": concluded.description,
                           "送达日期": concluded.adding(days: 3).description, "归档日期": concluded.adding(days: 10).description]) { $1 }
            }
            rows.append(row)
        }
        return csv(header, rows)
    }

    /// 行政诉讼: filed through the year, heard and judged within it.
    static func lawsuits(year: Int, count: Int, random: inout SeededRandom) -> [String] {
        let header = LawsuitImporter().columns.map(\.header)
        let judgments = ["判决驳回诉讼请求", "判决驳回诉讼请求", "判决撤销", "撤诉", "判决确认违法", "裁定驳回起诉"]
        var rows: [[String: String]] = []
        for index in 0..<count {
            let filed = day(year, 10 + index * (280 / count))
            let heard = filed.adding(days: 40 + random.below(20))
            let head = random.below(4) != 0
            rows.append(["法院": "示范县人民法院", "案号": "（\(year)）示0101行初\(index + 1)号", "立案日期": filed.description,
                         "收到起诉状副本日期": filed.adding(days: 3).description, "被告单位编码": respondents[(index + 2) % respondents.count],
                         "原告": "原告\(year)\(index)", "案由": "行政处罚", "答辩日期": filed.adding(days: 12).description, "开庭日期": heard.description,
                         "负责人是否出庭": head ? "是" : "否", "出庭负责人": head ? "副局长张某" : "", "职务": head ? "副局长" : "",
                         "代为出庭人员": head ? "" : "法规科科长李某", "裁判结果": judgments[random.below(judgments.count)],
                         "裁判日期": heard.adding(days: 20 + random.below(30)).description, "是否上诉": "否", "履行情况": "不涉及"])
        }
        return csv(header, rows)
    }

    /// 行政处罚: archived cases of the market regulator and the law-enforcement bureau, handled by
    /// officers whose certificates were valid all that year.
    static func penalties(year: Int, count: Int, random: inout SeededRandom, db: any Database) async throws -> [String] {
        let header = PenaltyCaseImporter().columns.map(\.header)
        var rows: [[String: String]] = []
        for (bodyIndex, code) in ["SFX-SCJG", "SFX-ZHZF"].enumerated() {
            let numbers = try await certificates(code, year: year, db: db)
            guard numbers.count >= 2 else { continue }
            for index in 0..<(count / 2) {
                let serial = bodyIndex * 100 + index + 1
                let discovered = day(year, 5 + index * (250 / (count / 2)) + random.below(10))
                let decided = discovered.adding(days: 40 + random.below(30))
                rows.append(["案号": "示\(code.dropFirst(4))罚历〔\(year)〕\(serial)号", "办案单位编码": code, "当事人类型": "法人", "当事人": "示范县某经营部（\(year)年第\(serial)号）",
                             "违法行为": ["未取得许可从事经营", "违法占道经营", "销售过期食品"][index % 3], "违法行为发生日期": discovered.adding(days: -10).description,
                             "发现日期": discovered.description, "立案日期": discovered.adding(days: 1).description, "执法证号": "\(numbers[0])、\(numbers[1])",
                             "告知日期": discovered.adding(days: 25).description, "决定日期": decided.description, "罚款": String(1000 + 500 * random.below(12)),
                             "决定内容": "依法罚款", "送达日期": decided.adding(days: 2).description, "公示日期": decided.adding(days: index % 4 == 0 ? 15 : 4).description,
                             "执行日期": decided.adding(days: 10).description, "结案日期": decided.adding(days: 11).description, "归档日期": decided.adding(days: 15).description])
            }
            // One decision a year that 行政处罚法第五十八条 makes major (a fine on a company above the
            // 🏷 threshold): hearing right, impact assessment and legal review before the decision.
            // And one first violation not punished under the 首违不罚 list (第三十三条第一款).
            let found = day(year, 40 + 30 * bodyIndex)
            let serial = bodyIndex * 100 + 90
            var major = ["案号": "示\(code.dropFirst(4))罚历〔\(year)〕\(serial)号", "办案单位编码": code, "执法证号": "\(numbers[0])、\(numbers[1])",
                         "违法行为发生日期": found.adding(days: -10).description, "发现日期": found.description, "立案日期": found.adding(days: 1).description,
                         "送达日期": found.adding(days: 37).description, "结案日期": found.adding(days: 51).description, "归档日期": found.adding(days: 55).description]
            if bodyIndex == 0 {
                major.merge(["当事人类型": "法人", "当事人": "示范县某食品有限公司\(year)", "违法行为": "生产经营不符合食品安全标准的食品", "重大执法决定": "是",
                             "告知日期": found.adding(days: 25).description, "告知听证权利": "是", "涉企影响评估日期": found.adding(days: 30).description,
                             "评估意见": "罚款在企业承受范围内，不影响正常生产经营和职工就业", "法制审核日期": found.adding(days: 32).description, "法制审核人": "县市场监管局法制科王某",
                             "决定日期": found.adding(days: 35).description, "罚款": "80000", "决定内容": "没收违法生产经营的食品，罚款8万元",
                             "公示日期": found.adding(days: 40).description, "执行日期": found.adding(days: 50).description]) { $1 }
            } else {
                major.merge(["当事人类型": "自然人", "当事人": "张某\(year)", "违法行为": "违法占道经营", "告知日期": found.adding(days: 5).description,
                             "决定日期": found.adding(days: 12).description, "决定类型": "不予处罚",
                             "决定内容": "初次违法且危害后果轻微并已及时改正，依据行政处罚法第三十三条第一款不予行政处罚",
                             "清单事项编码": "SFX-SW-01", "适用清单理由": "系初次违法，责令后当场改正", "送达日期": found.adding(days: 13).description,
                             "执行日期": found.adding(days: 14).description, "公示日期": found.adding(days: 16).description, "结案日期": found.adding(days: 20).description, "归档日期": found.adding(days: 25).description]) { $1 }
            }
            rows.append(major)
        }
        return csv(header, rows)
    }

    /// Certificate numbers of a body's officers valid all that year.
    static func certificates(_ code: String, year: Int, db: any Database) async throws -> [String] {
        guard let unit = try await UnitService.find(code: code, on: db) else { return [] }
        return try await OfficerCertificate.query(on: db).filter(\.$unitPath == unit.path).filter(\.$kind == CertificateKind.enforcement.rawValue).all()
            .filter { $0.valid(on: "\(year)-01-01") && $0.valid(on: "\(year)-12-31") }.map(\.number).sorted()
    }

    /// 行政许可, 行政强制 and 行政检查 of a past year, each finished by October (before the files of
    /// this year's review campaign begin), entered with their dates through the module's service.
    static func actions(year: Int, offset: Int, _ principal: Principal, _ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let scjg = try await certificates("SFX-SCJG", year: year, db: db), zhzf = try await certificates("SFX-ZHZF", year: year, db: db)
        guard scjg.count >= 2, zhzf.count >= 2 else { return }
        func run(_ kind: ActionKind, _ number: String, _ unit: String, _ party: String, _ subject: String, _ start: CivilDate, _ steps: [ActionStep]) async throws {
            let row = try await ActionService.register(kind: kind, number: number, unitCode: unit, partyKind: "legal", party: party, subject: subject,
                                                       startedOn: start.description, by: principal, services: services, on: db)
            for step in steps { try await ActionService.perform(step, on: row.id!, by: principal, services: services, on: db) }
        }
        for index in 0..<(2 + offset) {
            let start = day(year, 20 + 60 * index)
            try await run(.licence, "示市监许历〔\(year)〕\(index + 1)号", "SFX-SCJG", "示范县某餐饮店\(year)\(index)", "食品经营许可", start,
                          [.accept(on: start.adding(days: 1)), .decide(on: start.adding(days: 15), granted: true, decision: "准予许可，颁发食品经营许可证"),
                           .issue(on: start.adding(days: 17)), .publish(on: start.adding(days: 18)), .close(on: start.adding(days: 19))])
        }
        let refused = day(year, 100)
        try await run(.licence, "示市监许历〔\(year)〕9号", "SFX-SCJG", "示范县某贸易公司\(year)", "食品经营许可", refused,
                      [.refuse(on: refused.adding(days: 2), reason: "不属于本机关职权范围，已告知向有关行政机关申请")])
        let seized = day(year, 150)
        try await run(.coercion, "示市监强历〔\(year)〕1号", "SFX-SCJG", "示范县某食品商行\(year)", "涉嫌销售不符合食品安全标准的食品", seized,
                      [.impose(on: seized, measure: "扣押不合格食品80箱", certificateNumbers: Array(scjg.prefix(2)), approvedBy: "局长"),
                       .decide(on: seized.adding(days: 20), granted: true, decision: "依法没收不合格食品，解除扣押"), .publish(on: seized.adding(days: 25))])
        for index in 0..<(3 + offset) {
            let inspected = day(year, 30 + 50 * index)
            try await run(.inspection, "示综执检历〔\(year)〕\(index + 1)号", "SFX-ZHZF", "示范县某建筑工地\(year)\(index)", "渣土运输检查", inspected,
                          [.inspect(on: inspected, certificateNumbers: Array(zhzf.prefix(2)), findings: "车辆密闭运输，未发现问题"), .close(on: inspected)])
        }
    }
}

extension CivilDate {
    /// Midnight at the start of the day, Beijing time.
    var startOfDayInBeijing: Date { CivilDateTime(date: self).instant }
}
