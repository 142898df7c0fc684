import FazhiCore
import Fluent
import Foundation
import NormativeDocuments
import Testing
import VaporTesting

/// Drafts as versions with a readable comparison; the public library found by a phrase of the text;
/// a citizen's opinion on an open draft, sealed and rate-limited; the adoption summary published (issue 17).
@Suite struct DocumentLibraryTests {
    static let draft1 = "第一条 为规范市场监管领域轻微违法行为不予处罚工作，制定本清单。\n第二条 当事人初次违法且危害后果轻微并及时改正的，可以不予行政处罚。\n第三条 本清单自公布之日起施行。"
    static let draft2 = "第一条 为规范市场监管领域轻微违法行为不予处罚工作，制定本清单。\n第二条 当事人初次违法且危害后果轻微并及时改正的，可以不予行政处罚；不予处罚的，应当对当事人进行教育。\n第三条 本清单自公布之日起施行。"

    @Test("two drafts compared by lines; published, the document is found by a phrase of its text (long and short words, filters) and shows no one's name")
    func versionsAndSearch() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            let (bureau, _) = try await t.login("supervisor")
            #expect(try await t.request(officer, .POST, "/documents/new", form: ["title": "市场监管领域轻微违法行为免罚清单", "unitCode": "SFX-SCJG",
                                                                                "affectsRights": "0", "provisional": "0"]).status == .seeOther)
            let row = try #require(try await NormativeDocument.query(on: t.db).filter(\.$title == "市场监管领域轻微违法行为免罚清单").first())
            let id = row.id!
            #expect(try await t.request(officer, .POST, "/documents/\(id)/versions", form: ["body": Self.draft1, "note": "初稿"]).status == .seeOther)
            #expect(try await t.request(officer, .POST, "/documents/\(id)/versions", form: ["body": Self.draft2, "note": "增加教育条款"]).status == .seeOther)
            let blank = try await t.request(officer, .POST, "/documents/\(id)/versions", form: ["body": " "])
            #expect(blank.status == .unprocessableEntity && blank.body.string.contains("文本"))
            let compare = try await t.request(officer, .GET, "/documents/\(id)/versions?from=1&to=2").body.string
            #expect(compare.contains("删除1行，增加1行") && compare.contains("<ins>第二条 当事人初次违法且危害后果轻微并及时改正的，可以不予行政处罚；不予处罚的，应当对当事人进行教育。</ins>"))
            #expect(compare.contains("<del>第二条 当事人初次违法且危害后果轻微并及时改正的，可以不予行政处罚。</del>"))

            func step(_ browser: TestApp.Browser, _ form: [String: String]) async throws -> TestingHTTPResponse {
                try await t.request(browser, .POST, "/documents/\(id)/steps", form: form)
            }
            #expect(try await step(officer, ["step": "skip", "on": "", "text": "内部工作规则，不涉及权利义务"]).status == .seeOther)
            #expect(try await step(officer, ["step": "submit", "on": "2026-02-02"]).status == .seeOther)
            // Under review, the text is the text the reviewer has: it cannot change.
            let locked = try await t.request(officer, .POST, "/documents/\(id)/versions", form: ["body": "改动"])
            #expect(locked.status == .unprocessableEntity && locked.body.string.contains("115号"))
            #expect(try await step(bureau, ["step": "opinion", "on": "2026-02-10", "passed": "1", "text": "合法"]).status == .seeOther)
            #expect(try await step(officer, ["step": "deliberate", "on": "2026-02-12", "text": "局务会议"]).status == .seeOther)
            // Not in the public library before it is published; the library's page, read now, is kept
            // until a record changes, and the publication changes it.
            let phraseQuery = "/gongshi/documents?q=" + "应当对当事人进行教育".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await t.request(TestApp.Browser(), .GET, phraseQuery).body.string.contains("共0件"))
            #expect(try await step(officer, ["step": "publish", "on": "2026-02-13", "number": "示市监规〔2026〕1号", "effectiveOn": "2026-02-13"]).status == .seeOther)
            #expect(try await t.request(officer, .POST, "/documents/\(id)/interpretation", form: ["interpretation": "一图读懂免罚清单"]).status == .seeOther)

            let anyone = TestApp.Browser()
            // A phrase of three or more characters (the SQLite trigram index), and a two-character word with it.
            let found = try await t.request(anyone, .GET, "/gongshi/documents?q=" + "应当对当事人进行教育".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(found.status == .ok)
            let page = found.body.string
            #expect(page.contains("共1件") && page.contains("<mark>应当对当事人进行教育</mark>") && page.contains("示市监规〔2026〕1号") && page.contains("现行有效"))
            let both = try await t.request(anyone, .GET, "/gongshi/documents?q=" + "教育 清单".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).body.string
            #expect(both.contains("共1件"))
            let none = try await t.request(anyone, .GET, "/gongshi/documents?q=" + "不存在的短语".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).body.string
            #expect(none.contains("共0件"))
            // The first draft's wording is not the published text: not found.
            let old = try await t.request(anyone, .GET, "/gongshi/documents?q=" + "可以不予行政处罚。".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).body.string
            #expect(old.contains("共0件"))
            let phrase = "免罚清单".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await t.request(anyone, .GET, "/gongshi/documents?q=\(phrase)&status=repealed").body.string.contains("共0件"))
            #expect(try await t.request(anyone, .GET, "/gongshi/documents?q=\(phrase)&year=2026&status=in-force").body.string.contains("共1件"))
            #expect(try await t.request(anyone, .GET, "/gongshi/documents?q=\(phrase)&year=2025").body.string.contains("共0件"))
            // The demo county's documents are there too: a repealed one, last year's.
            #expect(!(try await t.request(anyone, .GET, "/gongshi/documents?status=repealed").body.string.contains("共0件")))
            let shown = try await t.request(anyone, .GET, "/gongshi/documents/\(id)")
            #expect(shown.status == .ok && shown.body.string.contains("一图读懂免罚清单") && shown.body.string.contains("经局务会议集体审议通过"))
            // Who keyed the steps is not public.
            let actor = try #require(t.accounts["officer.scjg"]).displayName
            #expect(!shown.body.string.contains(actor))
            // Staff search their own list the same way.
            #expect(try await t.request(officer, .GET, "/documents?q=" + "进行教育".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).body.string.contains("免罚清单"))
        }
    }

    @Test("a citizen comments on an open draft: contact sealed and masked, never public; past the limit 429; closed, the adoption summary is public")
    func publicComment() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            #expect(try await t.request(officer, .POST, "/documents/new", form: ["title": "农贸市场管理办法", "unitCode": "SFX-SCJG", "affectsRights": "1", "provisional": "1"]).status == .seeOther)
            let row = try #require(try await NormativeDocument.query(on: t.db).filter(\.$title == "农贸市场管理办法").first())
            let id = row.id!
            #expect(try await t.request(officer, .POST, "/documents/\(id)/versions", form: ["body": "第一条 农贸市场开办者应当建立食品安全管理制度。"]).status == .seeOther)
            let citizen = TestApp.Browser()
            // Not open yet: refused.
            let early = try await t.request(citizen, .POST, "/gongshi/consultations/\(id)", form: ["body": "建议"], withCSRF: false)
            #expect(early.status == .notFound || early.status == .unprocessableEntity)
            #expect(try await t.request(officer, .POST, "/documents/\(id)/steps", form: ["step": "consult", "on": "2026-03-02"]).status == .seeOther)
            let list = try await t.request(citizen, .GET, "/gongshi/consultations").body.string
            #expect(list.contains("农贸市场管理办法"))
            let empty = try await t.request(citizen, .POST, "/gongshi/consultations/\(id)", form: ["body": ""], withCSRF: false)
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains("意见"))
            let sent = try await t.request(citizen, .POST, "/gongshi/consultations/\(id)", form: ["body": "建议增加摊位费公示", "contact": "13812345678"], withCSRF: false)
            #expect(sent.status == .ok && sent.body.string.contains("意见已收到"))
            let stored = try #require(try await NormativeDocumentComment.query(on: t.db).filter(\.$documentID == id).first())
            #expect(stored.contactSealed != nil && !(stored.contactSealed ?? "").contains("13812345678") && stored.contactMasked == "138****5678")
            #expect(try t.services.cipher.open(stored.contactSealed!) == "13812345678")
            let staffPage = try await t.request(officer, .GET, "/documents/\(id)").body.string
            #expect(staffPage.contains("建议增加摊位费公示") && staffPage.contains("138****5678") && !staffPage.contains("13812345678"))
            let publicPage = try await t.request(citizen, .GET, "/gongshi/consultations/\(id)").body.string
            // Neither the number nor its masked form: a page of UUIDs may hold "138" by chance, so the whole forms are looked for.
            #expect(!publicPage.contains("13812345678") && !publicPage.contains("138****5678") && !publicPage.contains("建议增加摊位费公示"))
            #expect(try await t.auditCount("documents.comment") == 1)
            // The hourly limit per address: three requests were counted above, so the last three of these are refused.
            var statuses: [HTTPStatus] = []
            for n in 0..<t.services.config.publicCommentsPerHour {
                statuses.append(try await t.request(citizen, .POST, "/gongshi/consultations/\(id)", form: ["body": "意见\(n)"], withCSRF: false).status)
            }
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 3 && statuses.last == .tooManyRequests && statuses.first == .ok)
            // After the period: closed with the summary, which the public page shows; no more opinions.
            let due = try #require(try await NormativeDocument.find(id, on: t.db)?.consultationDue)
            t.time.advance(by: 20 * 86_400)
            let (officer2, _) = try await t.login("officer.scjg")
            #expect(try await t.request(officer2, .POST, "/documents/\(id)/steps", form: ["step": "close", "on": due, "text": "收到意见20条，采纳3条"]).status == .seeOther)
            #expect(try await t.request(citizen, .GET, "/gongshi/consultations").body.string.contains("收到意见20条，采纳3条"))
            let late = try await t.request(TestApp.Browser(), .POST, "/gongshi/consultations/\(id)", form: ["body": "迟到的意见"], withCSRF: false)
            // A new hour: the limit is not what refuses it.
            #expect(late.status == .unprocessableEntity && late.body.string.contains("未公开征求意见"))
            #expect(try await NormativeDocumentComment.query(on: t.db).filter(\.$body == "迟到的意见").count() == 0)
        }
    }
}
