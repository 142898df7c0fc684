import FazhiCore
import Fluent
import Foundation
import ServiceCatalogue
import Testing

/// The 政务服务事项目录 (issue 18): the province's export imported all or nothing, a changed item a
/// new version with what changed, the shares computed from the items in force, the public catalogue.
@Suite struct ServiceCatalogueTests {
    @Test("import: a promise beyond the legal limit refuses the whole file by row; corrected, items are in; re-imported with a shorter promise, a second version names the change; the shares are the items' counts")
    func importAndShares() async throws {
        try await TestApp.run { t in
            let importer = CatalogueImporter()
            let officer = try await t.principal("supervisor")
            let header = importer.columns.map(\.header)
            func row(_ code: String, _ name: String, promised: String, onTheSpot: String = "否", online: String = "否", visits: String = "1") -> [String] {
                [code, name, "行政许可", "SFX-JY", "20", promised, onTheSpot, online, visits, "", "否", "申请表；资质证明", "2026-01-05"]
            }
            let rows = [row("JY0001", "民办学校办学许可", promised: "15"), row("JY0002", "教师资格认定", promised: "25")]
            let refused = try await importer.run(try DecisionAndLegalImportTests.table(header, rows), by: officer, services: t.services, on: t.db)
            #expect(refused.rowsWritten == 0 && refused.errors.map(\.row) == [3] && refused.errors.first?.column == "承诺办结时限")
            #expect(try await ServiceItem.query(on: t.db).filter(\.$code ~~ ["JY0001", "JY0002"]).count() == 0)
            let done = try await importer.run(try DecisionAndLegalImportTests.table(header, [rows[0], row("JY0002", "教师资格认定", promised: "10")]),
                                              by: officer, services: t.services, on: t.db)
            #expect(done.succeeded && done.rowsWritten == 2)
            let again = try await importer.run(try DecisionAndLegalImportTests.table(header, [rows[0], row("JY0002", "教师资格认定", promised: "5", online: "是", visits: "0")]),
                                               by: officer, services: t.services, on: t.db)
            #expect(again.succeeded && again.rowsWritten == 1)
            let item = try #require(try await ServiceItem.query(on: t.db).filter(\.$code == "JY0002").first())
            let versions = try await ServiceItemVersion.query(on: t.db).filter(\.$itemID == item.id!).sort(\.$version).all()
            #expect(item.version == 2 && versions.map(\.changes) == ["新增", "承诺时限：10 → 5个工作日\n全程网办：否 → 是\n最多跑：1 → 0次"])
            // The county's shares this year are the items' own counts.
            let root = try await t.unit(DemoCounty.rootCode)
            let scope = MetricScope(year: 2026, unitPath: root.path, unitName: root.name)
            let inForce = try await ServiceItem.query(on: t.db).filter(\.$effectiveOn < "2027-01-01").filter(\.$withdrawnOn == nil).all()
            let online = try #require(t.services.metrics.definition("services.online-share"))
            #expect(try await online.compute(scope, t.db) == .ratio(numerator: inForce.filter(\.fullyOnline).count, denominator: inForce.count))
            let compression = try #require(t.services.metrics.definition("services.compression-rate"))
            let withLegal = inForce.filter { $0.legalLimit != nil }
            #expect(try await compression.compute(scope, t.db) == .ratio(numerator: withLegal.map { $0.legalLimit! - $0.promisedLimit }.reduce(0, +),
                                                                         denominator: withLegal.map { $0.legalLimit! }.reduce(0, +)))
            // The public catalogue finds it by name.
            let page = try await t.request(TestApp.Browser(), .GET, "/gongshi/services?q=%E6%95%99%E5%B8%88").body.string
            #expect(page.contains("教师资格认定") && page.contains("承诺5个工作日") && !page.contains("民办学校办学许可"))
            // The demo's withdrawn item has its last version and leaves the catalogue.
            let withdrawn = try #require(try await ServiceItem.query(on: t.db).filter(\.$code == "SFX0003").first())
            let catalogue = try await t.request(TestApp.Browser(), .GET, "/gongshi/services").body.string
            #expect(withdrawn.withdrawnOn != nil && !catalogue.contains("药品零售企业许可"))
        }
    }
}
