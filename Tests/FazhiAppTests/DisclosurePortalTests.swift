import Disclosure
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Testing
import VaporTesting
import ZIPFoundation

/// The citizen's side of 依申请公开 (issue 18): a request made online gets a tracking code and its
/// due date; its progress opens with the code and the telephone's last four digits only; the answer
/// letter is a 公文 DOCX; an answer many ask for is released without naming anyone (第四十四条).
@Suite struct DisclosurePortalTests {
    @Test("online request → receipt with code and due date; tracking needs the code and the last four digits; the letter; release under 第四十四条")
    func onlineRequest() async throws {
        try await TestApp.run { t in
            let anonymous = TestApp.Browser()
            // The form lists the agencies that answer requests.
            let form0 = try await t.request(anonymous, .GET, "/gongshi/disclosure").body.string
            #expect(form0.contains("<option value=\"SFX-ZJ\">示范县住房和城乡建设局</option>") && form0.contains("城关镇"))
            let form = ["unitCode": "SFX-ZJ", "applicant": "钱多多", "applicantClass": "naturalPerson", "contact": "13912345678",
                        "content": "某小区2025年规划许可证", "form": "电子邮件"]
            var missing = form
            missing["contact"] = ""
            let refused = try await t.request(anonymous, .POST, "/gongshi/disclosure", form: missing, withCSRF: false)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("联系电话"))
            let receipt = try await t.request(anonymous, .POST, "/gongshi/disclosure", form: form, withCSRF: false)
            #expect(receipt.status == .ok)
            let row = try #require(try await DisclosureRequest.query(on: t.db).filter(\.$content == "某小区2025年规划许可证").first())
            // 2026-03-02 (Monday) + 20 working days.
            #expect(row.source == "online" && row.receivedOn == "2026-03-02" && row.answerDueOn == "2026-03-30" && row.channel == "online")
            #expect(receipt.body.string.contains(row.number) && receipt.body.string.contains("2026-03-30") && !receipt.body.string.contains("钱多多"))
            #expect(!(row.contactSealed ?? "").contains("13912345678") && row.applicantMasked == "钱**")
            #expect(try await ClockService.openClock(kind: DisclosureClocks.answer.key, record: row.clockRecord, on: t.db) != nil)
            let wrong = try await t.request(anonymous, .GET, "/gongshi/disclosure/track?code=\(row.number)&last4=0000")
            #expect(wrong.status == .notFound && wrong.body.string.contains("不正确") && !wrong.body.string.contains("2026-03-30"))
            let tracked = try await t.request(anonymous, .GET, "/gongshi/disclosure/track?code=\(row.number.lowercased())&last4=5678")
            #expect(tracked.status == .ok && tracked.body.string.contains("2026-03-30") && tracked.body.string.contains("收到申请") && !tracked.body.string.contains("钱"))
            // The department answers; the letter names the applicant, the answer's article and the remedies.
            let (supervisor, _) = try await t.login("supervisor")
            #expect(try await t.request(supervisor, .POST, "/disclosure/\(row.id!)/steps", form: ["step": "answer", "on": "2026-03-02", "outcome": "disclosed"]).status == .seeOther)
            let letter = try await t.request(supervisor, .GET, "/disclosure/\(row.id!)/letter")
            #expect(letter.status == .ok)
            let archive = try Archive(data: Data(buffer: letter.body), accessMode: .read)
            var xml = Data()
            _ = try archive.extract(try #require(archive["word/document.xml"])) { xml.append($0) }
            let text = String(decoding: xml, as: UTF8.self)
            #expect(text.contains("政府信息公开申请答复书") && text.contains("钱多多") && text.contains("第三十六条") && text.contains("六十日内"))
            // Released under 第四十四条: listed publicly with its summary, no applicant — on the
            // public page read just before, whose list is kept until a record changes.
            #expect(!(try await t.request(anonymous, .GET, "/gongshi/disclosure").body.string.contains("某小区规划许可证及附图已主动公开")))
            #expect(try await t.request(supervisor, .POST, "/disclosure/\(row.id!)/release", form: ["summary": "某小区规划许可证及附图已主动公开"]).status == .seeOther)
            let listed = try await t.request(anonymous, .GET, "/gongshi/disclosure").body.string
            #expect(listed.contains("某小区规划许可证及附图已主动公开") && !listed.contains("钱多多"))
            #expect(try await t.auditCount("disclosure.release") == 1)
            // Only a disclosed answer can be released; the township cannot see the department's request.
            let notHeld = try #require(try await DisclosureRequest.query(on: t.db).filter(\.$outcome == DisclosureOutcome.notHeld.rawValue).first())
            let refusedRelease = try await t.request(supervisor, .POST, "/disclosure/\(notHeld.id!)/release", form: ["summary": "无"])
            #expect(refusedRelease.status == .unprocessableEntity && refusedRelease.body.string.contains("第四十四条"))
            let (township, _) = try await t.login("staff.cg")
            #expect(try await t.request(township, .GET, "/disclosure/\(row.id!)/letter").status == .forbidden)
        }
    }
}
