import Fluent
import Foundation
import Vapor

/// A public service a module offers on the portal (`/gongshi`): its page, what it is, and the law
/// that makes it public — shown on the portal's home so a citizen finds every service in one place.
public struct PublicService: Sendable {
    public var title: String
    public var path: String
    public var summary: String
    public var basis: String

    public init(title: String, path: String, summary: String, basis: String) {
        self.title = title
        self.path = path
        self.summary = summary
        self.basis = basis
    }
}

/// One public record that matches a search: what kind, its title, its public page, its date.
public struct PublicSearchHit: Sendable, Equatable {
    public var kind: String
    public var title: String
    public var link: String
    public var date: String

    public init(kind: String, title: String, link: String, date: String) {
        self.kind = kind
        self.title = title
        self.link = link
        self.date = date
    }
}

/// The portal's home block and its search across what every module publishes.
public enum PublicPortal {
    /// How many hits one module returns for a search.
    public static let hitsPerModule = 20
    public static let maxQueryLength = 50

    /// The services of all modules, with their legal basis, and the search form: the top of `/gongshi`.
    public static func home(_ req: Request) -> [Node] {
        [
            el("p", text: "本站公开本级政府法治政府建设的各项信息：执法决定、裁量基准、抽查结果、规范性文件、重大行政决策、政府信息公开、建议提案办理、政务服务事项和年度报告。自然人姓名、证件号码和联系方式均已隐去。"),
            searchForm(query: nil),
            req.fazhi.portalServices,
        ]
    }

    /// Every module's public services with their legal basis, the platform's own (the audit anchors)
    /// last. The same for every visitor: `FazhiServices.portalServices` keeps it rendered.
    static func servicesList(_ modules: [FazhiModule]) -> Node {
        let services = modules.filter { $0.id != "core" }.flatMap(\.publicServices) + modules.filter { $0.id == "core" }.flatMap(\.publicServices)
        return el("ul", [.cls("services")], services.map { service in
            el("li", [], [link(service.title, service.path), el("p", text: service.summary), el("p", [.cls("hint")], text: "依据：\(service.basis)")])
        })
    }

    static func searchForm(query: String?) -> Node {
        el("form", [Attribute("method", "get"), Attribute("action", PortalRoute.search.path()), .cls("filters"), Attribute("role", "search")], [
            UI.field("搜索公开信息", name: "q", value: query, hint: "标题、文号、案号或单位名称，\(maxQueryLength)字以内"),
            el("div", [.cls("field")], [el("button", [.type("submit")], text: "搜索")]),
        ])
    }

    /// `/gongshi/search?q=`: every module's public records that match, newest first within each kind.
    static func register(_ router: ModuleRouter) {
        router.open(.GET, PortalRoute.search) { req async throws -> Response in
            let raw = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let query = String(raw.prefix(maxQueryLength))
            var content: [Node] = [searchForm(query: query)]
            if query.isEmpty {
                content.append(el("p", text: "请输入要搜索的内容。"))
            } else {
                var hits: [PublicSearchHit] = []
                for module in req.fazhi.modules {
                    guard let search = module.publicSearch else { continue }
                    hits += try await search(query, req.db).prefix(hitsPerModule)
                }
                content.append(el("p", [Attribute("role", "status")], text: "找到\(hits.count)条与“\(query)”有关的公开信息" + (raw.count > maxQueryLength ? "（只按前\(maxQueryLength)字搜索）" : "") + "。"))
                content.append(UI.simpleTable(caption: "搜索结果", headers: ["类别", "标题", "日期"], rows: hits.map { [.text($0.kind), link($0.title, $0.link), .text($0.date)] }))
            }
            content.append(el("p", [], [link("返回法治政府公示", PortalRoute.index.path())]))
            return Layout.portal(req, title: "搜索公开信息", section: "法治政府公示", content: content)
        }
    }
}
