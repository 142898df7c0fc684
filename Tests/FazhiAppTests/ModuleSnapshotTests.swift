import Disclosure
import EnforcementSupervision
import FazhiCore
import Indicators
import LegalAffairs
import Litigation
import Reconsideration
import Reports
import ServiceCatalogue
import Fluent
import Foundation
import MajorDecisions
import Mediation
import NormativeDocuments
import Oversight
import Suggestions
import Testing
import VaporTesting

/// HTML snapshots of the modules' pages (issue 20): a list, a record and the public page of each,
/// the records chosen by their natural keys (numbers, titles), so that the demo's fresh ids do not
/// change which record is shown.
@Suite struct ModuleSnapshotTests {
    @Test("each module's list, one record and its public page, as the supervisor and as a citizen")
    func modulePages() async throws {
        try await TestApp.run { t in
            let snapshots = SnapshotTests()
            let (supervisor, _) = try await t.login("supervisor")
            let anonymous = TestApp.Browser()
            let dispute = try #require(try await Dispute.query(on: t.db).filter(\.$number == "TJ20240103-001").first())
            let finding = try #require(try await InspectionFinding.query(on: t.db).filter(\.$foundOn < "2025-01-01").sort(\.$foundOn).first())
            let document = try #require(try await NormativeDocument.query(on: t.db).filter(\.$number == "示政规〔2024〕4号").first())
            let decision = try #require(try await MajorDecision.query(on: t.db).filter(\.$title == "示范县农村生活污水治理三年行动方案").first())
            let request = try #require(try await DisclosureRequest.query(on: t.db).filter(\.$receivedOn < "2025-01-01").sort(\.$number).first())
            let suggestion = try #require(try await Suggestion.query(on: t.db).filter(\.$assignedOn < "2025-01-01").sort(\.$number).first())
            // The first by number or title of the other modules: the demo's numbers follow its fixed seeds.
            let reconsideration = try #require(try await ReconsiderationCase.query(on: t.db).filter(\.$outcomeOn != nil).sort(\.$caseNumber).first())
            let lawsuit = try #require(try await Lawsuit.query(on: t.db).sort(\.$caseNumber).first())
            let review = try #require(try await LegalityReview.query(on: t.db).sort(\.$title).first())
            let item = try #require(try await ServiceItem.query(on: t.db).sort(\.$code).first())
            let transfer = try #require(try await CriminalTransfer.query(on: t.db).sort(\.$caseNumber).first())
            let inspection = try #require(try await Inspection.query(on: t.db).sort(\.$startedOn).first())
            let report = try #require(try await AnnualReport.query(on: t.db).filter(\.$status == ReportStatus.published.rawValue).filter(\.$kind == ReportKind.ruleOfLaw.rawValue).first())
            let system = try #require(try await IndicatorSystem.query(on: t.db).filter(\.$year == 2025).first())
            let market = try await t.unit("SFX-SCJG")
            let pages: [(String, TestApp.Browser, String)] = [
                // (A penalty case's page lists its steps by time, and the demo writes many in one instant: their order
                // is the database's, so that page and the case list are checked by EnforcementTests, not by snapshots.)
                ("reconsideration-case", supervisor, reconsideration.link), ("litigation-case", supervisor, lawsuit.link),
                ("legal-review", supervisor, review.link), ("services-item", supervisor, item.link), ("supervision-transfer", supervisor, transfer.link),
                ("oversight-inspection", supervisor, inspection.link), ("reports-record", supervisor, report.link),
                ("indicators-system", supervisor, system.link), ("indicators-unit", supervisor, IndicatorRoute.unit.path(system.id!, market.id!)),
                ("public-report", anonymous, PortalRoute.report.path(report.id!)), ("public-benchmarks", anonymous, "/gongshi/benchmarks"),
                ("public-suggestions", anonymous, "/gongshi/suggestions"), ("public-check-report", anonymous, "/gongshi/check-report"),
                ("mediation-record", supervisor, dispute.link), ("mediation-bodies", supervisor, "/mediation/bodies"),
                ("oversight-finding", supervisor, finding.link),
                ("documents-record", supervisor, document.link), ("decisions-record", supervisor, decision.link),
                ("disclosure-record", supervisor, request.link), ("suggestions-record", supervisor, suggestion.link),
                ("education-list", supervisor, "/education?kind=exam"),
                ("public-documents", anonymous, "/gongshi/documents"),
                ("public-decision", anonymous, PortalRoute.majorDecision.path(decision.id!)), ("public-document", anonymous, PortalRoute.document.path(document.id!)),
                ("public-services", anonymous, "/gongshi/services"), ("public-reports", anonymous, "/gongshi/reports"),
                ("public-disclosure", anonymous, "/gongshi/disclosure"), ("public-search", anonymous, "/gongshi/search?q=" + "示政规".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!),
            ]
            for (name, browser, path) in pages {
                let response = try await t.request(browser, .GET, path)
                #expect(response.status == .ok, "\(name) \(path)")
                try snapshots.assertSnapshot(response.body.string, named: "module-" + name)
            }
        }
    }
}
