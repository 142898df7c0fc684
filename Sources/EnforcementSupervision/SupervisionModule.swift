import Enforcement
import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Vapor

public enum SupervisionPermissions {
    public static let read = Permission("supervision.read", "查看执法监督（评查结果、双随机、两法衔接）")
    public static let manage = Permission("supervision.manage", "组织案卷评查、办理执法投诉")
    public static let review = Permission("supervision.review", "评查分配给本人的案卷")
    public static let rectify = Permission("supervision.rectify", "报告本单位的整改情况")
    public static let inspect = Permission("supervision.inspect", "双随机抽查与两法衔接（本单位）")

    static let all = [read, manage, review, rectify, inspect]

    static let grants: [Role: [Permission]] = [
        .supervisor: [read, manage, review, rectify, inspect],
        .leader: [read],
        .departmentOfficer: [read, rectify, inspect],
        .legalReviewer: [read, review, rectify],
        .townshipStaff: [read, rectify, inspect],
    ]
}

/// 行政执法监督: what the justice bureau does as the county's enforcement-supervision body
/// (行政执法监督条例第六条) — case-file review, random inspections, criminal transfers, complaints.
public enum SupervisionModule {
    public static let manifest = FazhiModule(
        id: "supervision",
        name: "行政执法监督",
        migrations: SupervisionMigrations.all,
        permissions: SupervisionPermissions.all,
        grants: SupervisionPermissions.grants,
        menu: [
            MenuEntry(title: "案卷评查", route: SupervisionRoute.reviews, permission: SupervisionPermissions.read, section: "执法监督"),
            MenuEntry(title: "双随机抽查", route: SupervisionRoute.inspections, permission: SupervisionPermissions.read, section: "执法监督"),
            MenuEntry(title: "两法衔接", route: SupervisionRoute.transfers, permission: SupervisionPermissions.read, section: "执法监督"),
            MenuEntry(title: "执法投诉", route: SupervisionRoute.complaints, permission: SupervisionPermissions.manage, section: "执法监督"),
            MenuEntry(title: "历史违法情形", route: SupervisionRoute.findings, permission: SupervisionPermissions.read, section: "执法监督"),
        ],
        routes: { router in
            SupervisionAPI.register(router)
            ReviewPages.register(router)
            InspectionPages.register(router)
            TransferPages.register(router)
            ComplaintPages.register(router)
            FindingPages.register(router)
        },
        metrics: SupervisionMetrics.all,
        importers: [InspectionTargetImporter()],
        demoSeed: { context in try await SupervisionDemo.seed(context) },
        commands: ["review-sample": ReviewSampleCommand()],
        clockKinds: SupervisionClocks.all + TransferClocks.all,
        unitPathColumns: [UnitPathColumn("review_files"), UnitPathColumn("rectification_tasks"), UnitPathColumn("enforcement_complaints"), UnitPathColumn("inspection_targets"), UnitPathColumn("inspection_plans"), UnitPathColumn("inspection_draws"), UnitPathColumn("criminal_transfers")],
        publicServices: [
            PublicService(title: "双随机抽查结果", path: PortalRoute.inspections.path(), summary: "随机抽取检查对象、随机选派执法检查人员的抽查计划和检查结果。",
                          basis: "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见"),
        ],
        publicSearch: { query, db in
            []
        }
    )
}

/// `fazhi review-sample --seed N --rate R --minimum M FILE.csv`: re-runs a campaign's published draw
/// from its population list, without the database.
struct ReviewSampleCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "评查活动公布的抽样总体（CSV）")
        var file: String
        @Option(name: "seed", help: "公布的随机种子")
        var seed: String?
        @Option(name: "rate", help: "抽取比例（%）")
        var rate: String?
        @Option(name: "minimum", help: "每层至少抽取的卷数")
        var minimum: String?
    }

    var help: String { "按公布的种子和规则重新抽取评查案卷（可由任何人复核）" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let seed = signature.seed.flatMap({ UInt64($0) }) else { throw CommandFailure("--seed：应为非负整数") }
        guard let rate = signature.rate.flatMap({ Int($0) }), (1...100).contains(rate) else { throw CommandFailure("--rate：应为1至100之间的整数") }
        guard let minimum = (signature.minimum ?? "0").nilIfEmpty.flatMap({ Int($0) }), minimum >= 0 else { throw CommandFailure("--minimum：应为非负整数") }
        guard let data = FileManager.default.contents(atPath: signature.file) else { throw CommandFailure("无法读取文件 \(signature.file)") }
        let table = try TableReader.read(data, filename: signature.file)
        let population = try StratifiedSample.population(from: table)
        for stratum in StratifiedSample(seed: seed, ratePercent: rate, minimumPerStratum: minimum).draw(population) {
            context.console.print("# \(stratum.key)：\(stratum.population)卷，抽取\(stratum.drawn.count)卷")
            for file in stratum.drawn { context.console.print(file.caseNumber) }
        }
    }
}

/// Supervision figures of the year: each a `COUNT` the database computes over the year's rows.
enum SupervisionMetrics {
    static func files(_ scope: MetricScope, on db: any Database) -> QueryBuilder<ReviewFile> {
        let query = ReviewFile.query(on: db).filter(\.$reviewedOn >= "\(scope.year)-01-01").filter(\.$reviewedOn < "\(scope.year + 1)-01-01")
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query.sort(\.$caseNumber)
    }

    static func tasks(_ scope: MetricScope, on db: any Database) -> QueryBuilder<RectificationTask> {
        let query = RectificationTask.query(on: db).filter(\.$assignedOn >= "\(scope.year)-01-01").filter(\.$assignedOn < "\(scope.year + 1)-01-01")
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query.sort(\.$caseNumber)
    }

    static func inspections(_ scope: MetricScope, on db: any Database) -> QueryBuilder<InspectionDraw> {
        let query = InspectionDraw.query(on: db).filter(\.$inspectedOn >= "\(scope.year)-01-01").filter(\.$inspectedOn < "\(scope.year + 1)-01-01")
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query.sort(\.$creditCode)
    }

    static func transfers(_ scope: MetricScope, on db: any Database) -> QueryBuilder<CriminalTransfer> {
        let query = CriminalTransfer.query(on: db).filter(\.$transferredAt >= "\(scope.year)-01-01").filter(\.$transferredAt < "\(scope.year + 1)-01-01")
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query.sort(\.$caseNumber)
    }

    /// Complaints about units in the scope, received in the year.
    static func complaints(_ scope: MetricScope, on db: any Database) -> QueryBuilder<EnforcementComplaint> {
        let query = EnforcementComplaint.query(on: db).filter(\.$receivedOn >= "\(scope.year)-01-01").filter(\.$receivedOn < "\(scope.year + 1)-01-01")
        if let path = scope.unitPath { query.filter(\.$unitPath =~ path) }
        return query.sort(\.$number)
    }

    /// Closed within its sixty days (as the clock stood at closing); an open complaint is not.
    static func closedOnTime(_ query: QueryBuilder<EnforcementComplaint>) -> QueryBuilder<EnforcementComplaint> {
        query.filter(\.$closedOn != nil).filter(\.$closedOn, .lessThanOrEqual, \.$closeDueOn)
    }

    static func publishedOnTime(_ query: QueryBuilder<InspectionDraw>) -> QueryBuilder<InspectionDraw> {
        query.filter(\.$publishedOn != nil).filter(\.$dueOn != nil).filter(\.$publishedOn, .lessThanOrEqual, \.$dueOn)
    }

    @Sendable static func fileRef(_ row: ReviewFile) -> MetricRecordRef {
        MetricRecordRef(id: row.id!.uuidString, title: "\(row.caseNumber)（\(row.unitName)）", link: SupervisionRoute.reviewsRecord.path(row.$campaign.id))
    }

    @Sendable static func taskRef(_ row: RectificationTask) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: row.caseNumber, link: row.link) }

    @Sendable static func complaintRef(_ row: EnforcementComplaint) -> MetricRecordRef { MetricRecordRef(id: row.id!.uuidString, title: row.number, link: row.link) }

    @Sendable static func drawRef(_ row: InspectionDraw) -> MetricRecordRef {
        MetricRecordRef(id: row.id!.uuidString, title: row.targetName, link: SupervisionRoute.inspectionsRecord.path(row.$plan.id))
    }

    static var all: [MetricDefinition] {
        [
            MetricDefinition(key: "supervision.files-reviewed", label: "评查案卷", definition: "本年度案卷评查中完成评分的案卷数", unit: .volume, compute: { scope, db in
                .count(try await files(scope, on: db).count())
            }, records: .query({ scope, db in files(scope, on: db) }, fileRef)),
            MetricDefinition(key: "supervision.files-failed", label: "不合格案卷", definition: "本年度评查中被否决或得分低于合格线的案卷数", unit: .volume, compute: { scope, db in
                .count(try await files(scope, on: db).filter(\.$grade == Rubric.Grade.fail.rawValue).count())
            }, records: .query({ scope, db in files(scope, on: db).filter(\.$grade == Rubric.Grade.fail.rawValue) }, fileRef)),
            MetricDefinition(key: "supervision.problems-found", label: "评查发现问题", definition: "本年度评查交办整改的问题数（每卷一项）", unit: .item, compute: { scope, db in
                .count(try await tasks(scope, on: db).count())
            }, records: .query({ scope, db in tasks(scope, on: db) }, taskRef)),
            MetricDefinition(key: "supervision.problems-fixed", label: "已整改问题", definition: "本年度交办的评查问题中已报告整改的数量", unit: .item, compute: { scope, db in
                .count(try await tasks(scope, on: db).filter(\.$doneOn != nil).count())
            }, records: .query({ scope, db in tasks(scope, on: db).filter(\.$doneOn != nil) }, taskRef)),
            MetricDefinition(key: "supervision.inspections", label: "双随机抽查", definition: "本年度完成检查（记录了检查结果）的双随机抽查户次", unit: .times, compute: { scope, db in
                .count(try await inspections(scope, on: db).count())
            }, records: .query({ scope, db in inspections(scope, on: db) }, drawRef)),
            MetricDefinition(key: "supervision.inspection-published-on-time-rate", label: "抽查结果按时公示率",
                             definition: "本年度完成的抽查中，检查结束后20个工作日内公示结果的比例", unit: .percent, compute: { scope, db in
                try await .countedRatio({ inspections(scope, on: db) }, narrowedTo: publishedOnTime)
            }, records: .query({ scope, db in inspections(scope, on: db) }, drawRef)),
            MetricDefinition(key: "supervision.transfers", label: "移送涉嫌犯罪案件", definition: "本年度向公安机关移送的涉嫌犯罪案件数（两法衔接）", unit: .piece, compute: { scope, db in
                .count(try await transfers(scope, on: db).count())
            }, records: .query({ scope, db in transfers(scope, on: db) }) { MetricRecordRef(id: $0.id!.uuidString, title: $0.caseNumber, link: $0.link) }),
            MetricDefinition(key: "supervision.complaints", label: "行政执法投诉", definition: "本年度收到的行政执法投诉件数", unit: .piece, compute: { scope, db in
                .count(try await complaints(scope, on: db).count())
            }, records: .query({ scope, db in complaints(scope, on: db) }, complaintRef)),
            MetricDefinition(key: "supervision.complaints-on-time-rate", label: "执法投诉按期办结率",
                             definition: "本年度收到的投诉中自收到之日起六十日内办结的比例（未办结的计为未按期）", unit: .percent, compute: { scope, db in
                try await .countedRatio({ complaints(scope, on: db) }, narrowedTo: closedOnTime)
            }, records: .query({ scope, db in closedOnTime(complaints(scope, on: db)) }, complaintRef)),
        ]
    }
}
