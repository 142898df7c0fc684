import FazhiCore
import Foundation
import NIOPosix
import Vapor

/// `fazhi check-report FILE [--json]`: the checker's findings on a published report. Exit status 0
/// unless the file cannot be read.
struct CheckReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "报告全文（UTF-8 文本）")
        var file: String
        @Flag(name: "json", help: "输出JSON")
        var json: Bool
    }

    var help: String { "核对已发布的法治政府建设报告中的数字（比率、同比、分项合计、占比）" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let data = FileManager.default.contents(atPath: signature.file) else { throw CommandFailure("无法读取文件 \(signature.file)") }
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .utf16) else {
            throw CommandFailure("文件 \(signature.file) 不是 UTF-8 文本")
        }
        let result = ReportChecker.check(text)
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            context.console.print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            for line in ReportCheckText.lines(result) { context.console.print(line) }
        }
    }
}

/// The findings as lines of text, most important first: inconsistent, consistent, then the rest.
public enum ReportCheckText {
    public static func lines(_ result: ReportChecker.Result, includeCounts: Bool = false) -> [String] {
        var lines = ["共识别数字表述\(result.claims.count)处：一致\(result.consistent)处，不一致\(result.inconsistent)处，无法核对\(result.uncheckable)处。"]
        if let limited = result.limited { lines.append("注意：\(limited)。") }
        for verdict in [ReportChecker.Verdict.inconsistent, .consistent, .uncheckable] {
            for claim in result.claims where claim.verdict == verdict && (includeCounts || claim.kind != .count || verdict != .uncheckable) {
                var line = "[\(verdict.label)] 第\(claim.paragraph)段 \(claim.kind.label)：\(claim.text)"
                if let computation = claim.computation { line += " —— \(computation)" }
                if let difference = claim.difference { line += "；相差 \(difference)" }
                if let note = claim.note { line += "（\(note)）" }
                lines.append(line)
            }
        }
        return lines
    }
}

/// The checker on the public site: paste or upload a report's text.
enum CheckPages {
    struct Form: Content {
        var text: String?
        var file: File?
    }

    static func register(_ router: ModuleRouter) {
        router.open(.GET, PortalRoute.checkReport) { req in page(req, text: "", result: nil, problem: nil) }
        router.open(.POST, PortalRoute.checkReport, body: .collect(maxSize: "2mb")) { req async throws -> Response in
            guard req.fazhi.publicCheckLimiter.allow(req.clientIP, now: req.fazhi.now) else {
                return page(req, text: "", result: nil, problem: "核对请求过于频繁：每个地址每分钟最多\(req.fazhi.config.publicChecksPerMinute)次，请稍后再试",
                            status: .tooManyRequests)
            }
            let form = try req.content.decode(Form.self)
            var text = form.text ?? ""
            if let file = form.file, file.data.readableBytes > 0 {
                guard let uploaded = file.data.getString(at: file.data.readerIndex, length: file.data.readableBytes) else {
                    return page(req, text: "", result: nil, problem: "上传的文件不是 UTF-8 文本，请另存为 UTF-8 文本后再上传", status: .unprocessableEntity)
                }
                text = uploaded
            }
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                return page(req, text: "", result: nil, problem: "报告全文：请粘贴报告文字或上传文本文件", status: .unprocessableEntity)
            }
            // Real work on a text anyone may send: off the event loop, on NIO's blocking pool.
            let checked = text
            let result = try await NIOThreadPool.singleton.runIfActive { ReportChecker.check(checked) }
            return page(req, text: text, result: result, problem: nil)
        }
    }

    static func page(_ req: Request, text: String, result: ReportChecker.Result?, problem: String?, status: HTTPResponseStatus = .ok) -> Response {
        var content: [Node] = [
            el("p", text: "粘贴或上传一份已发布的法治政府建设情况报告，平台找出其中的数字表述，按已知口径（受案率 = 受理 ÷ 收到，纠错率 = 纠错 ÷ 办结 …）或同句数字重算比率、同比变化、分项合计和未写基数的占比；四舍五入或截断任一得出即为一致。没有足够数字的，只标为无法核对，不判为错误。"),
        ]
        if let problem { content.append(el("div", [.cls("error-summary"), Attribute("role", "alert")], [el("p", text: problem)])) }
        content.append(el("form", [Attribute("method", "post"), Attribute("action", PortalRoute.checkReport.path()), Attribute("enctype", "multipart/form-data")], [
            el("div", [.cls("field")], [
                el("label", [Attribute("for", "text")], text: "报告全文"),
                el("textarea", [.id("text"), .name("text"), Attribute("rows", "12")], text: text),
            ]),
            el("div", [.cls("field")], [el("label", [Attribute("for", "file")], text: "或上传文本文件（UTF-8）"), .void("input", [.type("file"), .id("file"), .name("file")])]),
            el("button", [.type("submit")], text: "核对"),
        ]))
        if let result {
            content.append(el("h2", text: "核对结果"))
            content.append(el("p", text: "共识别数字表述\(result.claims.count)处：一致\(result.consistent)处，不一致\(result.inconsistent)处，无法核对\(result.uncheckable)处。"))
            if let limited = result.limited { content.append(el("p", text: "注意：\(limited)。")) }
            let shown = result.claims.filter { $0.kind != .count || $0.verdict != .uncheckable }
                .sorted { order($0.verdict) < order($1.verdict) }
            content.append(UI.simpleTable(caption: "比率、同比、分项与占比", headers: ["结论", "段", "类别", "原文", "核算", "说明"], rows: shown.map { claim in
                [el("span", [.cls(claim.verdict == .inconsistent ? "status-overdue" : claim.verdict == .consistent ? "status-ok" : "status-paused")], text: claim.verdict.label),
                 .text(String(claim.paragraph)), .text(claim.kind.label), .text(claim.text),
                 .text([claim.computation, claim.difference.map { "相差 \($0)" }].compactMap { $0 }.joined(separator: "；")), .text(claim.note ?? "")]
            }))
        }
        return Layout.portal(req, title: "法治政府建设报告数字核对", section: "公开", status: status, content: content)
    }

    static func order(_ verdict: ReportChecker.Verdict) -> Int {
        switch verdict {
        case .inconsistent: return 0
        case .consistent: return 1
        case .uncheckable: return 2
        }
    }
}
