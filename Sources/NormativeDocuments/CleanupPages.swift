import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// 清理 campaigns in the justice bureau: each document in force gets its verdict.
enum CleanupPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, DocumentRoute.cleanups, permission: DocumentPermissions.review) { req in try await list(req, values: [:], failure: nil) }
        router.form(DocumentRoute.cleanups, permission: DocumentPermissions.review, submit: { req, fields in
            let row = try await CleanupService.start(title: fields["title"], on: fields["on"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: row.link, notice: "已开始清理")
        }, reshow: { req, fields, failure in try await list(req, values: fields.values, failure: failure) })
        router.page(.GET, DocumentRoute.cleanup, permission: DocumentPermissions.review) { req in try await show(req, values: [:], failure: nil) }
        router.form(DocumentRoute.cleanupResults, permission: DocumentPermissions.review, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            guard let document = fields["document"].flatMap(UUID.init(uuidString:)) else { throw ValidationFailure(field: "document", label: "文件", message: "请选择文件") }
            try await CleanupService.decide(id, document: document, result: fields["result"], reason: fields["reason"], on: fields["on"], by: try req.caller,
                                            services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: DocumentRoute.cleanup.path(id), notice: "已记录")
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
        router.form(DocumentRoute.cleanupFinish, permission: DocumentPermissions.review, submit: { req, fields in
            let id = try req.parameters.require("id", as: UUID.self)
            try await CleanupService.finish(id, on: fields["on"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: DocumentRoute.cleanup.path(id), notice: "清理已结束")
        }, reshow: { req, fields, failure in try await show(req, values: fields.values, failure: failure) })
    }

    static func list(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let rows = try await DocumentCleanup.scoped(for: principal, on: req.db).sort(\.$startedOn, .descending).limit(100).all()
        return Layout.page(req, title: "规范性文件清理", status: failure == nil ? .ok : .unprocessableEntity, content: [
            UI.errorSummary(failure),
            UI.simpleTable(caption: "清理", headers: ["名称", "开始", "结束"], rows: rows.map { [link($0.title, $0.link), .text($0.startedOn), .text($0.finishedOn ?? "进行中")] }),
            UI.form(action: DocumentRoute.cleanups.path(), csrf: req.csrfToken, [
                el("h2", text: "开展清理"),
                UI.field("清理名称", name: "title", value: values["title"], error: failure?.message(for: "title"), required: true),
                UI.field("开始日期", name: "on", value: values["on"], type: "date", error: failure?.message(for: "on"), required: true),
                el("button", [.type("submit")], text: "开始"),
            ]),
        ])
    }

    static func show(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let id = try req.parameters.require("id", as: UUID.self)
        let cleanup = try await DocumentCleanup.find(id, for: principal, on: req.db)
        let results = try await DocumentCleanupResult.query(on: req.db).filter(\.$cleanupID == id).sort(\.$decidedOn).all()
        let decided = Set(results.map(\.documentID))
        let documents = try await NormativeDocument.scoped(for: principal, on: req.db).filter(\.$stage == DocumentStage.published.rawValue)
            .sort(\.$publishedOn).limit(2_000).all()
        let titles = Dictionary(uniqueKeysWithValues: try await NormativeDocument.query(on: req.db).filter(\.$id ~~ Array(decided)).all().map { ($0.id!, $0) })
        let pending = documents.filter { !decided.contains($0.id!) }
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([("开始", .text(cleanup.startedOn)), ("结束", .text(cleanup.finishedOn ?? "进行中")), ("已清理", .text("\(results.count)件")),
                        ("待清理", .text("\(pending.count)件"))]),
            UI.simpleTable(caption: "清理结果", headers: ["文件", "结论", "理由", "日期"], rows: results.map {
                [link(titles[$0.documentID].map { [$0.number, $0.title].compactMap { $0 }.joined(separator: " ") } ?? "—", DocumentRoute.record.path($0.documentID)),
                 .text(CleanupResult(rawValue: $0.result)?.label ?? $0.result), .text($0.reason), .text($0.decidedOn)]
            }),
        ]
        if cleanup.finishedOn == nil {
            content += [
                UI.form(action: DocumentRoute.cleanupResults.path(id), csrf: req.csrfToken, [
                    el("h2", text: "作出清理结论"),
                    UI.select("文件", name: "document", options: pending.map { ($0.id!.uuidString, [$0.number, $0.title].compactMap { $0 }.joined(separator: " ")) },
                              selected: values["document"], error: failure?.message(for: "document")),
                    UI.select("结论", name: "result", options: CleanupResult.allCases.map { ($0.rawValue, $0.label) }, selected: values["result"], error: failure?.message(for: "result")),
                    UI.field("理由", name: "reason", value: values["reason"], error: failure?.message(for: "reason")),
                    UI.field("日期", name: "on", value: values["on"], type: "date", error: failure?.message(for: "on")),
                    el("button", [.type("submit")], text: "记录"),
                ]),
                UI.form(action: DocumentRoute.cleanupFinish.path(id), csrf: req.csrfToken, [
                    UI.field("结束日期", name: "on", value: nil, type: "date"),
                    el("button", [.type("submit")], text: "结束清理"),
                ]),
            ]
        }
        return Layout.page(req, title: cleanup.title, status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }
}
