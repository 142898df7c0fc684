import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import NormativeDocuments
import Testing
import VaporTesting

/// After publication: 备案审查 results, amendment (已修改), 清理 with its verdicts, and citizens'
/// 审查建议 answered by the justice bureau (issue 17).
@Suite struct DocumentLifecycleTests {
    /// A document of the market regulator carried to publication on `published`.
    static func published(_ t: TestApp, title: String, number: String, published: String, amends: UUID? = nil) async throws -> NormativeDocument {
        let officer = try await t.principal("officer.scjg"), bureau = try await t.principal("supervisor")
        let row = try await DocumentService.create(title: title, unitCode: "SFX-SCJG", affectsRights: false, provisional: false, amends: amends, by: officer,
                                                   services: t.services, on: t.db)
        let calendar = try await CalendarService.current(services: t.services, on: t.db)
        let day = CivilDate(published)!
        try await DocumentService.revise(row.id!, body: "第一条 \(title)正文。", note: "", by: officer, services: t.services, on: t.db)
        try await DocumentService.perform(.skipConsultation(reason: "内部"), on: row.id!, by: officer, services: t.services, on: t.db)
        let submitted = day.adding(days: -30)
        try await DocumentService.perform(.submitReview(on: submitted), on: row.id!, by: officer, services: t.services, on: t.db)
        try await DocumentService.perform(.reviewOpinion(on: calendar.workday(6, after: submitted), passed: true, opinion: "合法"), on: row.id!, by: bureau, services: t.services, on: t.db)
        try await DocumentService.perform(.deliberate(on: calendar.workday(8, after: submitted), meeting: "局务会议"), on: row.id!, by: officer, services: t.services, on: t.db)
        try await DocumentService.perform(.publish(on: day, number: number, effectiveOn: day), on: row.id!, by: officer, services: t.services, on: t.db)
        return try #require(try await NormativeDocument.find(row.id!, on: t.db))
    }

    @Test("an amending document's publication marks the old one 已修改; a 清理 repeals one and declares one invalid, each with its reason; the figures count them")
    func amendmentAndCleanup() async throws {
        try await TestApp.run { t in
            let (bureau, _) = try await t.login("supervisor")
            let old = try await Self.published(t, title: "生命周期测试办法", number: "示市监规〔2025〕21号", published: "2025-03-03")
            let second = try await Self.published(t, title: "生命周期测试规定", number: "示市监规〔2025〕22号", published: "2025-03-04")
            let third = try await Self.published(t, title: "生命周期测试细则", number: "示市监规〔2025〕23号", published: "2025-03-05")
            // The filing body's review result, only once filed.
            let officer = try await t.principal("officer.scjg")
            await #expect(throws: ValidationFailure.self) {
                try await DocumentService.perform(.filingReview(on: CivilDate("2025-04-01")!, result: "未发现问题"), on: old.id!, by: officer, services: t.services, on: t.db)
            }
            try await DocumentService.perform(.file(on: CivilDate("2025-03-20")!), on: old.id!, by: officer, services: t.services, on: t.db)
            try await DocumentService.perform(.filingReview(on: CivilDate("2025-04-01")!, result: "未发现问题"), on: old.id!, by: officer, services: t.services, on: t.db)

            let amending = try await Self.published(t, title: "关于修改生命周期测试办法的决定", number: "示市监规〔2025〕30号", published: "2025-06-02", amends: old.id)
            let amended = try #require(try await NormativeDocument.find(old.id!, on: t.db))
            #expect(amended.amendedOn == "2025-06-02" && amended.amendedBy == amending.id && amended.filingReview == "未发现问题")
            #expect(DocumentRules.standing(amended.state, on: CivilDate("2025-06-02")!) == "已修改")
            #expect(DocumentRules.standing(amended.state, on: CivilDate("2025-06-01")!) == "现行有效")
            let publicOld = try await t.request(TestApp.Browser(), .GET, "/gongshi/documents/\(old.id!)").body.string
            #expect(publicOld.contains("已修改") && publicOld.contains("/gongshi/documents/\(amending.id!)"))
            // Amended once only.
            await #expect(throws: ValidationFailure.self) {
                try await DocumentService.create(title: "再次修改", unitCode: "SFX-SCJG", affectsRights: false, provisional: false, amends: old.id, by: officer, services: t.services, on: t.db)
            }

            #expect(try await t.request(bureau, .POST, "/documents/cleanups", form: ["title": "2025年度清理", "on": "2025-11-01"]).status == .seeOther)
            let cleanup = try #require(try await DocumentCleanup.query(on: t.db).filter(\.$title == "2025年度清理").first())
            func decide(_ document: UUID, _ result: String, _ reason: String) async throws -> TestingHTTPResponse {
                try await t.request(bureau, .POST, "/documents/cleanups/\(cleanup.id!)/results", form: ["document": document.uuidString, "result": result, "reason": reason, "on": "2025-11-20"])
            }
            let noReason = try await decide(second.id!, "repeal", "")
            #expect(noReason.status == .unprocessableEntity && noReason.body.string.contains("须写明理由"))
            // An amended document is no longer in force: not reviewed.
            let amendedOne = try await decide(old.id!, "keep", "")
            #expect(amendedOne.status == .unprocessableEntity && amendedOne.body.string.contains("已修改"))
            #expect(try await decide(second.id!, "repeal", "上位法已修改").status == .seeOther)
            #expect(try await decide(third.id!, "invalidate", "调整对象已消失").status == .seeOther)
            #expect(try await decide(amending.id!, "keep", "").status == .seeOther)
            let twice = try await decide(amending.id!, "keep", "")
            #expect(twice.status == .unprocessableEntity && twice.body.string.contains("已对该文件作出结论"))
            #expect(try await NormativeDocument.find(second.id!, on: t.db)?.stage == "repealed")
            let invalid = try #require(try await NormativeDocument.find(third.id!, on: t.db))
            #expect(invalid.invalidatedOn == "2025-11-20" && invalid.validUntil == "2025-11-19" && DocumentRules.standing(invalid.state, on: CivilDate("2025-11-20")!) == "已失效")
            #expect(try await t.request(bureau, .POST, "/documents/cleanups/\(cleanup.id!)/finish", form: ["on": "2025-11-30"]).status == .seeOther)
            let closed = try await decide(old.id!, "keep", "")
            #expect(closed.status == .unprocessableEntity && closed.body.string.contains("清理已于2025-11-30结束"))

            let government = try await t.unit(DemoCounty.governmentCode)
            let scope = MetricScope(year: 2025, unitPath: government.path, unitName: government.name)
            let before = try await t.services.metrics.evaluate(try #require(t.services.metrics.definition("documents.cleaned-up-removed")), scope: scope, on: t.db)
            // The demo's own 清理 of that year repealed one; this one repealed one and declared one invalid.
            let cleanedRows = try await DocumentCleanupResult.query(on: t.db).filter(\.$decidedOn >= "2025-01-01").filter(\.$decidedOn < "2026-01-01")
                .filter(\.$result ~~ ["repeal", "invalidate"]).count()
            #expect(before.value == "\(cleanedRows)" && cleanedRows >= 2)
        }
    }

    @Test("a citizen's 审查建议 on a published document: contact sealed, a clock opened; only the bureau answers, closing it")
    func objection() async throws {
        try await TestApp.run { t in
            let document = try await Self.published(t, title: "异议测试办法", number: "示市监规〔2026〕41号", published: "2026-02-02")
            let citizen = TestApp.Browser()
            let empty = try await t.request(citizen, .POST, "/gongshi/documents/\(document.id!)", form: ["objection": " "], withCSRF: false)
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains("异议或审查建议"))
            let sent = try await t.request(citizen, .POST, "/gongshi/documents/\(document.id!)", form: ["objection": "第一条与行政处罚法第三十三条不一致", "objectionContact": "13611112222"],
                                           withCSRF: false)
            #expect(sent.status == .ok && sent.body.string.contains("30日内"))
            let row = try #require(try await DocumentObjection.query(on: t.db).filter(\.$documentID == document.id!).first())
            #expect(row.contactMasked == "136****2222" && !(row.contactSealed ?? "").contains("13611112222"))
            let clock = try #require(try await ClockService.openClock(kind: DocumentClocks.objection.key, record: row.clockRecord, on: t.db))
            #expect(clock.dueDate == "2026-04-01")
            let (officer, _) = try await t.login("officer.scjg")
            let staffPage = try await t.request(officer, .GET, "/documents/\(document.id!)").body.string
            #expect(staffPage.contains("第一条与行政处罚法第三十三条不一致") && staffPage.contains("136****2222"))
            #expect(try await t.request(officer, .POST, "/documents/objections/\(row.id!)", form: ["on": "2026-03-02", "upheld": "0", "answer": "不抵触"]).status == .forbidden)
            let (bureau, _) = try await t.login("supervisor")
            let early = try await t.request(bureau, .POST, "/documents/objections/\(row.id!)", form: ["on": "2026-02-01", "upheld": "0", "answer": "不抵触"])
            #expect(early.status == .unprocessableEntity && early.body.string.contains("收到日期"))
            #expect(try await t.request(bureau, .POST, "/documents/objections/\(row.id!)", form: ["on": "2026-03-02", "upheld": "1", "answer": "建议成立，责令制定机关修改"]).status == .seeOther)
            #expect(try await ClockService.openClock(kind: DocumentClocks.objection.key, record: row.clockRecord, on: t.db) == nil)
            #expect(try await DocumentObjection.find(row.id!, on: t.db)?.upheld == true)
            #expect(!(try await t.request(citizen, .GET, "/gongshi/documents/\(document.id!)").body.string.contains("13611112222")))
        }
    }
}

@Suite struct DocumentExpiryTests {
    @Test("a provisional document's two years end within the warning period: the dashboard and the list say so")
    func expiring() async throws {
        try await TestApp.run { t in
            let officer = try await t.principal("officer.scjg"), bureau = try await t.principal("supervisor")
            let row = try await DocumentService.create(title: "到期测试暂行办法", unitCode: "SFX-SCJG", affectsRights: false, provisional: true, by: officer, services: t.services, on: t.db)
            try await DocumentService.perform(.skipConsultation(reason: "内部"), on: row.id!, by: officer, services: t.services, on: t.db)
            try await DocumentService.perform(.submitReview(on: CivilDate("2024-03-01")!), on: row.id!, by: officer, services: t.services, on: t.db)
            try await DocumentService.perform(.reviewOpinion(on: CivilDate("2024-03-11")!, passed: true, opinion: "合法"), on: row.id!, by: bureau, services: t.services, on: t.db)
            try await DocumentService.perform(.deliberate(on: CivilDate("2024-03-15")!, meeting: "局务会议"), on: row.id!, by: officer, services: t.services, on: t.db)
            try await DocumentService.perform(.publish(on: CivilDate("2024-04-01")!, number: "示市监规〔2024〕61号", effectiveOn: CivilDate("2024-05-01")!),
                                              on: row.id!, by: officer, services: t.services, on: t.db)
            #expect(try await NormativeDocument.find(row.id!, on: t.db)?.validUntil == "2026-04-30")
            let (browser, _) = try await t.login("officer.scjg")
            let dashboard = try await t.request(browser, .GET, "/").body.string
            #expect(dashboard.contains("有效期 180 日内届满 1 件"))
            let list = try await t.request(browser, .GET, "/documents?expiring=1").body.string
            #expect(list.contains("到期测试暂行办法") && !list.contains("市场监管领域轻微违法行为不予行政处罚清单"))
        }
    }
}

@Suite struct DocumentAttachmentTests {
    func upload(_ t: TestApp, _ browser: TestApp.Browser, document: UUID, kind: String, filename: String, content: String) async throws -> TestingHTTPResponse {
        try await t.upload(browser, "/documents/\(document)/attachments", fields: ["kind": kind], file: ("file", filename, content))
    }

    @Test("a 起草说明 uploaded with a draft is public once the document is published; other material stays with staff")
    func publicOnceFiled() async throws {
        try await TestApp.run { t in
            let (officer, _) = try await t.login("officer.scjg")
            let officerPrincipal = try await t.principal("officer.scjg")
            let draft = try await DocumentService.create(title: "附件测试办法", unitCode: "SFX-SCJG", affectsRights: false, provisional: false, by: officerPrincipal,
                                                         services: t.services, on: t.db)
            _ = try await t.request(officer, .GET, "/documents/\(draft.id!)")
            #expect(try await upload(t, officer, document: draft.id!, kind: "draftingNote", filename: "起草说明.txt", content: "起草说明正文").status == .seeOther)
            #expect(try await upload(t, officer, document: draft.id!, kind: "other", filename: "内部材料.txt", content: "内部材料").status == .seeOther)
            let noKind = try await upload(t, officer, document: draft.id!, kind: "", filename: "x.txt", content: "x")
            #expect(noKind.status == .unprocessableEntity)
            let files = try await DocumentAttachment.query(on: t.db).filter(\.$documentID == draft.id!).all()
            #expect(files.count == 2)
            let note = try #require(files.first { $0.kind == "draftingNote" }), other = try #require(files.first { $0.kind == "other" })
            #expect(String(decoding: note.data, as: UTF8.self) == "起草说明正文" && note.sha256.count == 64)
            #expect(try await t.request(officer, .GET, "/documents/\(draft.id!)/attachments/\(other.id!)").body.string == "内部材料")
            let anyone = TestApp.Browser()
            // Not yet published: nothing public.
            #expect(try await t.request(anyone, .GET, "/gongshi/documents/\(draft.id!)/attachments/\(note.id!)").status == .notFound)
            let published = try await DocumentLifecycleTests.published(t, title: "附件测试已公布办法", number: "示市监规〔2026〕51号", published: "2026-02-02")
            _ = try await t.request(officer, .GET, "/documents/\(published.id!)")
            #expect(try await upload(t, officer, document: published.id!, kind: "draftingNote", filename: "说明.txt", content: "说明").status == .seeOther)
            #expect(try await upload(t, officer, document: published.id!, kind: "other", filename: "内部.txt", content: "内部").status == .seeOther)
            let uploaded = try await DocumentAttachment.query(on: t.db).filter(\.$documentID == published.id!).all()
            let note2 = try #require(uploaded.first { $0.kind == "draftingNote" }), other2 = try #require(uploaded.first { $0.kind == "other" })
            let page = try await t.request(anyone, .GET, "/gongshi/documents/\(published.id!)").body.string
            #expect(page.contains("说明.txt") && !page.contains("内部.txt"))
            let download = try await t.request(anyone, .GET, "/gongshi/documents/\(published.id!)/attachments/\(note2.id!)")
            #expect(download.status == .ok && download.body.string == "说明" && download.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            #expect(try await t.request(anyone, .GET, "/gongshi/documents/\(published.id!)/attachments/\(other2.id!)").status == .notFound)
            // Another document's file is not reached through this one.
            #expect(try await t.request(anyone, .GET, "/gongshi/documents/\(published.id!)/attachments/\(note.id!)").status == .notFound)
        }
    }
}
