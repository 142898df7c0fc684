import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

/// The demo county's catalogue: items of the departments and towns put in two years ago, more
/// added last year, some shortened and one withdrawn this year — each a version with its change.
enum ServiceDemo {
    static let items: [(name: String, kind: ServiceKind, unit: String, legal: Int?, promised: Int)] = [
        ("食品经营许可", .licence, "SFX-SCJG", 20, 5), ("个体工商户登记", .confirmation, "SFX-SCJG", 15, 0), ("药品零售企业许可", .licence, "SFX-SCJG", 20, 10),
        ("建设工程规划许可", .licence, "SFX-ZRZY", 20, 10), ("不动产登记", .confirmation, "SFX-ZRZY", 30, 5), ("乡村建设规划许可", .licence, "SFX-ZRZY", 20, 7),
        ("建筑工程施工许可", .licence, "SFX-ZJ", 15, 3), ("商品房预售许可", .licence, "SFX-ZJ", 20, 10), ("道路运输经营许可", .licence, "SFX-JT", 20, 5),
        ("公路超限运输许可", .licence, "SFX-JT", 20, 2), ("取水许可", .licence, "SFX-SL", 20, 10), ("医疗机构执业登记", .licence, "SFX-WJ", 20, 10),
        ("最低生活保障审核", .benefit, "SFX-MZ", nil, 15), ("特困人员认定", .confirmation, "SFX-MZ", nil, 10), ("就业失业登记", .publicService, "SFX-RS", nil, 0),
        ("社会保障卡申领", .publicService, "SFX-RS", nil, 0), ("城乡居民养老保险参保登记", .publicService, "SFX-RS", nil, 0), ("农药经营许可", .licence, "SFX-NY", 20, 10),
        ("种子生产经营许可", .licence, "SFX-NY", 20, 10), ("林木采伐许可", .licence, "SFX-LY", 20, 5), ("排污许可", .licence, "SFX-STHJ", 20, 15),
        ("医保关系转移接续", .publicService, "SFX-YB", nil, 0), ("生育登记", .publicService, "SFX-WJ", nil, 0), ("出生医学证明办理", .publicService, "SFX-WJ", nil, 0),
        ("高龄津贴发放", .benefit, "SFX-CG", nil, 5), ("农村宅基地审批", .licence, "SFX-CG", 20, 15), ("居住证明", .publicService, "SFX-DL", nil, 0),
        ("残疾人两项补贴", .benefit, "SFX-DL", nil, 10), ("临时救助", .benefit, "SFX-XH", nil, 5), ("计划生育家庭奖励扶助", .award, "SFX-XH", nil, 10),
    ]

    static func seed(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        let office = try await context.principal("supervisor")
        for (index, item) in items.enumerated() {
            let immediate = item.promised == 0
            let year = index < 22 ? today.year - 2 : today.year - 1
            let nearby = item.kind == .publicService || item.kind == .benefit ? (index % 2 == 0 ? "township" : "village") : ""
            try await ServiceCatalogueService.save(ServiceCatalogueService.Input(
                code: "SFX\(String(format: "%04d", index + 1))", name: item.name, kind: item.kind.rawValue, unitCode: item.unit,
                legalLimit: item.legal.map(String.init), promisedLimit: String(item.promised), onTheSpot: immediate ? "是" : "否",
                fullyOnline: index % 3 == 0 ? "是" : "否", visits: index % 3 == 0 ? "0" : index % 5 == 4 ? "2" : "1", nearby: nearby,
                notificationCommitment: index % 4 == 1 ? "是" : "否", documents: "申请表\n身份证明", effectiveOn: "\(year)-0\(1 + index % 6)-15"),
                by: office, services: services, on: db)
        }
        // This year the food licence is promised in 3 days instead of 5; the 药品零售 item is withdrawn (moved to the city).
        guard today >= CivilDate(year: today.year, month: 1, day: 10)! else { return }
        try await ServiceCatalogueService.save(ServiceCatalogueService.Input(
            code: "SFX0001", name: "食品经营许可", kind: ServiceKind.licence.rawValue, unitCode: "SFX-SCJG", legalLimit: "20", promisedLimit: "3", onTheSpot: "否",
            fullyOnline: "是", visits: "0", nearby: "", notificationCommitment: "否", documents: "申请表\n身份证明", effectiveOn: nil), by: office, services: services, on: db)
        if let withdrawn = try await ServiceItem.query(on: db).filter(\.$code == "SFX0003").first() {
            try await ServiceCatalogueService.withdraw(withdrawn.id!, on: CivilDate(year: today.year, month: 1, day: 9)!.description, by: office, services: services, on: db)
        }
    }
}
