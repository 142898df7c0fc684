import Enforcement
import FazhiCore
import Fluent
import Foundation
import NormativeDocuments
import Testing
import VaporTesting

/// The public portal (issue 20): `/gongshi` links every module's public service with its legal
/// basis; the search finds what is public and nothing that is not.
@Suite struct PortalTests {
    @Test("the home links every public service with its basis; the search finds a published decision and document by number, and never a held or withdrawn one")
    func homeAndSearch() async throws {
        try await TestApp.run { t in
            let anonymous = TestApp.Browser()
            let home = try await t.request(anonymous, .GET, "/gongshi").body.string
            let services = t.services.modules.flatMap(\.publicServices)
            #expect(services.count >= 12)
            for service in services {
                #expect(home.contains("href=\"\(service.path)\"") && home.contains("依据：\(service.basis)"), "\(service.title)")
            }
            #expect(home.contains("action=\"/gongshi/search\""))
            // A published decision by its case number.
            let shown = try #require(try await EnforcementPublication.query(on: t.db).filter(\.$withdrawnOn == nil).filter(\.$heldReason == nil).first())
            let found = try await t.request(anonymous, .GET, "/gongshi/search?q=" + shown.caseNumber.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).body.string
            #expect(found.contains(PortalRoute.decision.path(shown.id!)))
            // Held back from publication: not found, though it is in the table.
            shown.heldReason = "涉及国家秘密"
            try await shown.save(on: t.db)
            let hidden = try await t.request(anonymous, .GET, "/gongshi/search?q=" + shown.caseNumber.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).body.string
            #expect(!hidden.contains(PortalRoute.decision.path(shown.id!)) && hidden.contains("找到"))
            // A published document by its number; a draft never.
            let published = try #require(try await NormativeDocument.query(on: t.db).filter(\.$stage == DocumentStage.published.rawValue).filter(\.$number != nil).first())
            let byNumber = try await t.request(anonymous, .GET, "/gongshi/search?q=" + published.number!.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).body.string
            #expect(byNumber.contains(PortalRoute.document.path(published.id!)))
            if let draft = try await NormativeDocument.query(on: t.db).filter(\.$stage == DocumentStage.drafting.rawValue).first() {
                let search = try await t.request(anonymous, .GET, "/gongshi/search?q=" + draft.title.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).body.string
                #expect(!search.contains(draft.id!.uuidString))
            }
            // A long query is cut to its first 50 characters and says so.
            let long = try await t.request(anonymous, .GET, "/gongshi/search?q=" + String(repeating: "法", count: 500).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(long.status == .ok && long.body.string.contains("只按前50字搜索"))
        }
    }
}
