import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// The demo county's normative documents: two past years carried through every step (one filed
/// late, one repealed), and this year's work in progress (a draft with two versions, one open for
/// comment, one under review), all through `DocumentService` with the rules applied.
enum DocumentDemo {
    /// Drafting unit, login acting for it, title, subject, affects rights.
    static let subjects: [(unit: String, login: String, title: String, subject: String, rights: Bool)] = [
        ("SFX-SCJG", "officer.scjg", "示范县市场监管领域轻微违法行为不予行政处罚清单", "市场监管领域轻微违法行为", true),
        (DemoCounty.governmentCode, "supervisor", "示范县行政规范性文件管理办法", "行政规范性文件的制定和监督管理", false),
        ("SFX-ZHZF", "officer.zhzf", "示范县城市道路临时占用管理规定", "城市道路临时占用", true),
        (DemoCounty.governmentCode, "supervisor", "示范县重大行政决策程序实施办法", "重大行政决策程序", false),
        ("SFX-CG", "staff.cg", "城关镇农村集体资产管理办法", "农村集体资产管理", true),
        ("SFX-SCJG", "officer.scjg", "示范县农贸市场管理办法", "农贸市场经营秩序", true),
        (DemoCounty.governmentCode, "supervisor", "示范县政府合同管理办法", "政府合同的订立、履行和审查", false),
        ("SFX-ZHZF", "officer.zhzf", "示范县户外广告设置管理办法", "户外广告设置", true),
    ]

    static func text(_ subject: String, revised: Bool) -> String {
        var articles = [
            "第一条 为了规范\(subject)，维护公共利益和公民、法人及其他组织的合法权益，根据有关法律、法规，结合本县实际，制定本办法。",
            "第二条 本县行政区域内的\(subject)，适用本办法。",
            "第三条 县人民政府有关部门按照职责分工，负责\(subject)的监督管理工作。",
            "第四条 违反本办法规定的，由有关部门依照法律、法规的规定予以处理。",
            "第五条 本办法自施行之日起施行，有效期五年。",
        ]
        if revised { articles.insert("第四条 有关部门应当公开办事指南，一次性告知需要提交的材料，不得增加法律、法规规定以外的条件。", at: 3) }
        return articles.enumerated().map { index, article in
            // Renumber after the insertion: the text reads as a document would.
            let numbers = ["一", "二", "三", "四", "五", "六", "七"]
            guard let space = article.firstIndex(of: " ") else { return article }
            return "第\(numbers[index])条" + article[space...]
        }.joined(separator: "\n")
    }

    static func seed(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        let calendar = try await CalendarService.current(services: services, on: db)
        let bureau = try await context.principal("supervisor")
        var index = 0
        var repealable: UUID?
        for year in [today.year - 2, today.year - 1] {
            for number in 1...4 {
                let subject = subjects[index % subjects.count]
                index += 1
                let drafter = try await context.principal(subject.login)
                // Spread through the year: the comment period from early in a quarter.
                let start = calendar.workday(3, after: CivilDate(year: year, month: 3 * number - 2, day: 1)!)
                let row = try await draft(subject, by: drafter, context: context)
                var on = start
                if subject.rights {
                    try await DocumentService.perform(.consult(on: start), on: row.id!, by: drafter, services: services, on: db)
                    guard let due = try await NormativeDocument.find(row.id!, on: db)?.consultationDue.flatMap(CivilDate.init) else {
                        throw CommandFailure("演示数据：\(row.title) 没有征求意见期限")
                    }
                    on = due
                    try await DocumentService.perform(.closeConsultation(on: on, summary: "收到意见\(3 + number * 2)条，采纳\(1 + number)条，未采纳的已说明理由"),
                                                      on: row.id!, by: drafter, services: services, on: db)
                } else {
                    try await DocumentService.perform(.skipConsultation(reason: "属于内部工作制度，不直接涉及公民、法人和其他组织权利义务"), on: row.id!, by: drafter, services: services, on: db)
                }
                try await DocumentService.revise(row.id!, body: text(subject.subject, revised: true), note: subject.rights ? "根据征求意见情况修改" : "根据部门意见修改",
                                                 by: drafter, services: services, on: db)
                let submitted = calendar.nextWorkday(after: on)
                try await DocumentService.perform(.submitReview(on: submitted), on: row.id!, by: drafter, services: services, on: db)
                let opinion = calendar.workday(6 + number % 3, after: submitted)
                try await DocumentService.perform(.reviewOpinion(on: opinion, passed: true, opinion: "经审核，符合法律、法规规定，建议提交集体审议"),
                                                  on: row.id!, by: bureau, services: services, on: db)
                let deliberated = calendar.workday(2, after: opinion)
                let meeting = subject.unit == DemoCounty.governmentCode ? "县人民政府常务会议" : "局务会议"
                try await DocumentService.perform(.deliberate(on: deliberated, meeting: meeting), on: row.id!, by: drafter, services: services, on: db)
                let published = calendar.workday(3, after: deliberated)
                let prefix = subject.unit == DemoCounty.governmentCode ? "示政规" : (subject.unit == "SFX-CG" ? "城政规" : "示\(subject.unit.dropFirst(4))规")
                try await DocumentService.perform(.publish(on: published, number: "\(prefix)〔\(year)〕\(number)号", effectiveOn: published.adding(days: 30)),
                                                  on: row.id!, by: drafter, services: services, on: db)
                // One filed late each year: the 备案及时率 is not a constant 100%.
                let filed = number == 3 ? published.adding(days: 36) : published.adding(days: 12 + number)
                try await DocumentService.perform(.file(on: filed), on: row.id!, by: drafter, services: services, on: db)
                if number == 1 {
                    try await DocumentService.interpret(row.id!, text: "《\(row.title)》解读：一、制定背景；二、主要内容；三、施行日期。", by: drafter, services: services, on: db)
                }
                if year == today.year - 2 && number == 2 { repealable = row.id }
            }
        }
        // Last year's 清理: every document then in force reviewed, one repealed, the rest kept.
        let cleanupDay = CivilDate(year: today.year - 1, month: 11, day: 20)!
        let cleanup = try await CleanupService.start(title: "\(today.year - 1)年度规范性文件清理", on: "\(today.year - 1)-11-01", by: bureau, services: services, on: db)
        for document in try await NormativeDocument.query(on: db).filter(\.$stage == DocumentStage.published.rawValue).filter(\.$publishedOn < "\(today.year - 1)-11-01")
            .sort(\.$publishedOn).all() {
            let repeal = document.id == repealable
            try await CleanupService.decide(cleanup.id!, document: document.id!, result: repeal ? CleanupResult.repeal.rawValue : CleanupResult.keep.rawValue,
                                            reason: repeal ? "已被新办法替代" : "", on: cleanupDay.description, by: bureau, services: services, on: db)
        }
        try await CleanupService.finish(cleanup.id!, on: cleanupDay.adding(days: 10).description, by: bureau, services: services, on: db)
        // This year: revisions of three of them: a draft with two versions, one open for comment, one under review.
        func revision(_ index: Int) -> (unit: String, login: String, title: String, subject: String, rights: Bool) {
            var subject = subjects[index]
            subject.title += "（修订）"
            return subject
        }
        let drafting = try await draft(revision(5), by: try await context.principal(subjects[5].login), context: context)
        try await DocumentService.revise(drafting.id!, body: text(subjects[5].subject, revised: true), note: "吸收部门意见", by: try await context.principal(subjects[5].login),
                                         services: services, on: db)
        let consulting = try await draft(revision(7), by: try await context.principal(subjects[7].login), context: context)
        try await DocumentService.perform(.consult(on: today), on: consulting.id!, by: try await context.principal(subjects[7].login), services: services, on: db)
        let reviewing = try await draft(revision(6), by: bureau, context: context)
        try await DocumentService.perform(.skipConsultation(reason: "属于内部工作制度"), on: reviewing.id!, by: bureau, services: services, on: db)
        try await DocumentService.perform(.submitReview(on: today.adding(days: -2)), on: reviewing.id!, by: bureau, services: services, on: db)
    }

    static func draft(_ subject: (unit: String, login: String, title: String, subject: String, rights: Bool), by principal: Principal,
                      context: DemoContext) async throws -> NormativeDocument {
        let row = try await DocumentService.create(title: subject.title, unitCode: subject.unit, affectsRights: subject.rights, provisional: false,
                                                   by: principal, services: context.services, on: context.database)
        try await DocumentService.revise(row.id!, body: text(subject.subject, revised: false), note: "初稿", by: principal, services: context.services, on: context.database)
        return row
    }
}
