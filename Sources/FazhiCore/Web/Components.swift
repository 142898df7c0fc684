import Foundation

/// Reusable pieces of the web shell: form fields that show their error beside them, list tables
/// with sortable headers, pagination. All keyboard- and screen-reader-friendly, no JavaScript.
public enum UI {
    public static func csrfField(_ token: String) -> Node {
        .void("input", [.type("hidden"), .name("_csrf"), .value(token)])
    }

    /// A labelled input; an error sets `aria-invalid` and is read out with the field.
    public static func field(_ label: String, name: String, value: String? = nil, type: String = "text", error: String? = nil,
                             required: Bool = false, hint: String? = nil, autocomplete: String? = nil) -> Node {
        let fieldID = "f-" + name
        var attributes: [Attribute] = [.id(fieldID), .name(name), .type(type)]
        if let value, type != "password" { attributes.append(.value(value)) }
        if required { attributes.append(.flag("required")) }
        if let autocomplete { attributes.append(Attribute("autocomplete", autocomplete)) }
        var described: [String] = []
        if hint != nil { described.append(fieldID + "-hint") }
        if error != nil {
            described.append(fieldID + "-error")
            attributes.append(.aria("invalid", "true"))
        }
        if !described.isEmpty { attributes.append(.aria("describedby", described.joined(separator: " "))) }
        return el("div", [.cls(error == nil ? "field" : "field has-error")], [
            el("label", [Attribute("for", fieldID)], [.text(label), required ? el("span", [.cls("req"), .aria("hidden", "true")], text: "*") : .empty]),
            .void("input", attributes),
            hint.map { el("p", [.cls("hint"), .id(fieldID + "-hint")], text: $0) } ?? .empty,
            error.map { el("p", [.cls("error"), .id(fieldID + "-error")], text: $0) } ?? .empty,
        ])
    }

    public static func select(_ label: String, name: String, options: [(value: String, title: String)], selected: String?,
                              error: String? = nil, required: Bool = false, includeBlank: String? = nil) -> Node {
        let fieldID = "f-" + name
        var attributes: [Attribute] = [.id(fieldID), .name(name)]
        if error != nil {
            attributes += [.aria("invalid", "true"), .aria("describedby", fieldID + "-error")]
        }
        var optionNodes: [Node] = []
        if let includeBlank { optionNodes.append(el("option", [.value("")], text: includeBlank)) }
        for option in options {
            var optionAttributes: [Attribute] = [.value(option.value)]
            if option.value == selected { optionAttributes.append(.flag("selected")) }
            optionNodes.append(el("option", optionAttributes, text: option.title))
        }
        return el("div", [.cls(error == nil ? "field" : "field has-error")], [
            el("label", [Attribute("for", fieldID)], [.text(label), required ? el("span", [.cls("req"), .aria("hidden", "true")], text: "*") : .empty]),
            el("select", attributes, optionNodes),
            error.map { el("p", [.cls("error"), .id(fieldID + "-error")], text: $0) } ?? .empty,
        ])
    }

    /// The list of everything wrong, at the top of a form, announced to screen readers.
    public static func errorSummary(_ failure: ValidationFailure?) -> Node {
        guard let failure, !failure.errors.isEmpty else { return .empty }
        return el("div", [.cls("error-summary"), Attribute("role", "alert")], [
            el("h2", text: "请修改以下\(failure.errors.count)处问题"),
            el("ul", [], failure.errors.map { error in
                el("li", [], [link(error.text, "#f-" + error.field)])
            }),
        ])
    }

    /// A plain table with a caption and column headers; "暂无" when it has no rows.
    public static func simpleTable(caption: String, headers: [String], rows: [[Node]]) -> Node {
        scrolling(caption: caption, el("table", [], [
            el("caption", text: caption),
            el("thead", [], [el("tr", [], headers.map { el("th", [Attribute("scope", "col")], text: $0) })]),
            el("tbody", [], rows.isEmpty ? [el("tr", [], [el("td", [Attribute("colspan", String(headers.count))], text: "暂无")])]
                : rows.map { el("tr", [], $0.map(cell)) }),
        ]))
    }

    /// A table cell: a text alone is one node (`.textElement`), anything else is wrapped.
    static func cell(_ content: Node) -> Node {
        if case .text(let text) = content { return el("td", text: text) }
        return el("td", [], [content])
    }

    /// A table in a box that scrolls sideways on a narrow screen, so the table, never the page, is
    /// wider than a phone; focusable and named, so a keyboard can scroll it (WCAG 2.1.1).
    static func scrolling(caption: String, _ table: Node) -> Node {
        el("div", [.cls("table-wrap"), Attribute("tabindex", "0"), Attribute("role", "region"), .aria("label", caption)], [table])
    }

    /// A form that posts with its CSRF token.
    public static func form(action: String, csrf: String, multipart: Bool = false, _ children: [Node]) -> Node {
        var attributes: [Attribute] = [Attribute("method", "post"), Attribute("action", action)]
        if multipart { attributes.append(Attribute("enctype", "multipart/form-data")) }
        return el("form", attributes, [csrfField(csrf)] + children)
    }

    /// A one-button form, for actions such as "停用" on a list row.
    public static func actionButton(_ title: String, action: String, csrf: String, style: String = "secondary") -> Node {
        el("form", [Attribute("method", "post"), Attribute("action", action), .cls("inline")], [
            csrfField(csrf), el("button", [.type("submit"), .cls(style)], text: title),
        ])
    }

    public struct Column: Sendable {
        public var title: String
        public var sortKey: String?

        public init(_ title: String, sortKey: String? = nil) {
            self.title = title
            self.sortKey = sortKey
        }
    }

    public static func table(caption: String, columns: [Column], rows: [[Node]], query: ListQuery) -> Node {
        let header = el("tr", [], columns.map { column in
            guard let key = column.sortKey else { return el("th", [Attribute("scope", "col")], text: column.title) }
            let active = query.sort == key
            return el("th", [Attribute("scope", "col")] + (active ? [.aria("sort", "ascending")] : []), [
                link(column.title + (active ? " ▲" : ""), query.with(["sort": key, "page": nil])),
            ])
        })
        let body = rows.isEmpty
            ? [el("tr", [], [el("td", [Attribute("colspan", String(columns.count)), .cls("empty")], text: "没有符合条件的记录")])]
            : rows.map { el("tr", [], $0.map(cell)) }
        return scrolling(caption: caption, el("table", [], [el("caption", text: caption), el("thead", [], [header]), el("tbody", [], body)]))
    }

    public static func pagination<Item>(_ page: Page<Item>, query: ListQuery) -> Node {
        let current = page.request.number
        var items: [Node] = []
        if current > 1 { items.append(el("li", [], [link("上一页", query.with(["page": String(current - 1)]), [Attribute("rel", "prev")])])) }
        items.append(el("li", [.aria("current", "page")], text: "第\(current)/\(page.pageCount)页，共\(page.total)条"))
        if current < page.pageCount { items.append(el("li", [], [link("下一页", query.with(["page": String(current + 1)]), [Attribute("rel", "next")])])) }
        return el("nav", [.cls("pagination"), .aria("label", "分页")], [el("ul", [], items)])
    }

    /// Previous and next links of a long list, by cursor (`SQLSelectBuilder.cursorPage`); the count
    /// is shown up to `ListCount.cap`.
    public static func cursorPagination<Row>(_ page: CursorPage<Row>, query: ListQuery) -> Node {
        var items: [Node] = []
        let plain: [String: String?] = ["after": nil, "before": nil]
        if page.hasPrevious, let first = page.first {
            let target = page.number - 1 <= 1 ? query.with(plain.merging(["page": nil]) { $1 }) : query.with(plain.merging(["before": first.text, "page": String(page.number - 1)]) { $1 })
            items.append(el("li", [], [link("上一页", target, [Attribute("rel", "prev")])]))
        }
        let count: String
        if let total = page.total {
            count = "第\(page.number)/\(max((total + page.size - 1) / page.size, 1))页，共\(total)条"
        } else {
            count = "第\(page.number)页，共\(ListCount.cap)条以上"
        }
        items.append(el("li", [.aria("current", "page")], text: count))
        if page.hasNext, let last = page.last {
            items.append(el("li", [], [link("下一页", query.with(plain.merging(["after": last.text, "page": String(page.number + 1)]) { $1 }), [Attribute("rel", "next")])]))
        }
        return el("nav", [.cls("pagination"), .aria("label", "分页")], [el("ul", [], items)])
    }

    public static func notice(_ text: String?) -> Node {
        guard let text, !text.isEmpty else { return .empty }
        return el("div", [.cls("notice"), Attribute("role", "status")], text: text)
    }

    /// A definition list for a record's fields.
    public static func details(_ pairs: [(String, Node)]) -> Node {
        el("dl", [.cls("details")], pairs.flatMap { [el("dt", text: $0.0), el("dd", [], [$0.1])] })
    }
}

/// The query string of a list page, so sorting and paging keep the filters.
public struct ListQuery: Sendable {
    public var path: String
    public var parameters: [String: String]

    public init(path: String, parameters: [String: String]) {
        self.path = path
        self.parameters = parameters.filter { !$0.value.isEmpty }
    }

    /// What the list's rows depend on besides the caller's scope, as a key for lists kept per scope
    /// (`Request.keptList`): the page, the cursor and each filter, in a fixed order, each value
    /// prefixed with its length so that no value can pass for two parameters.
    public var listKey: String {
        parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.utf8.count):\($0.value)" }.joined(separator: "&")
    }

    public var sort: String? { parameters["sort"] }
    public var page: Int? { RequestNumbers.int(parameters["page"], in: RequestNumbers.pages) }
    public subscript(_ key: String) -> String? { parameters[key] }

    public func with(_ changes: [String: String?]) -> String {
        var merged = parameters
        for (key, value) in changes { merged[key] = value }
        let pairs = merged.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        guard !pairs.isEmpty else { return path }
        var components = URLComponents()
        components.queryItems = pairs.map { URLQueryItem(name: $0.key, value: $0.value) }
        return path + "?" + (components.percentEncodedQuery ?? "")
    }
}
