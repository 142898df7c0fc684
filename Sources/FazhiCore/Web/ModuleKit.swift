import FazhiCalendar
import Fluent
import Foundation
import SQLKit
import Vapor

// The pieces every module is written with (docs/modules.md): scoped queries, typed routes, and one
// way to take a form.

// MARK: Unit scope

/// A record that belongs to a unit: lists and look-ups of it go through the caller's unit scope.
public protocol UnitScoped: Model where IDValue == UUID {
    /// The unit-path field a caller's scope is matched on (`unit_path`, `respondent_path` …).
    static var unitPathField: KeyPath<Self, FieldProperty<Self, String>> { get }
}

/// The units whose records a caller sees, and nothing else of the caller: what an answer kept for
/// every caller of the same scope (`Request.keptForScope`) may depend on.
public struct RecordScope: Hashable, Sendable, CustomStringConvertible {
    /// `Principal.scopePrefix`: the unit-path prefix records must have; nil for none.
    public var prefix: String?

    public init(prefix: String?) {
        self.prefix = prefix
    }

    public var description: String { prefix ?? "*" }

    /// Every unit: what a county-wide role sees, and what the public site's lists are filtered from
    /// by their own rules (published records only).
    public static let everything = RecordScope(prefix: nil)
}

extension Principal {
    public var recordScope: RecordScope { RecordScope(prefix: scopePrefix) }
}

/// What an answer kept for a scope (`Request.keptForScope`) is computed from.
public struct ScopedRead: Sendable {
    public var scope: RecordScope
    /// The day of the records' version the answer is kept for.
    public var today: CivilDate
    public var db: any Database
}

extension Request {
    /// An answer computed from the records in the caller's scope — a dashboard card's counts — kept
    /// until a record changes or the day turns (`RecordsCache`), shared by every caller of the same
    /// scope. `compute` must depend on nothing of the caller's but the scope it is given; `name`
    /// names anything else it depends on (a setting's value, say).
    public func keptForScope<T: Sendable>(_ name: String, compute: @escaping @Sendable (ScopedRead) async throws -> T) async throws -> T {
        try await kept(name, scope: try caller.recordScope, in: fazhi.recordsCache, compute: compute)
    }

    /// The part of a list page that depends only on the records in the caller's scope and on the
    /// list's query — its table and its pager — rendered once per change of the records and kept
    /// (`FazhiServices.listCache`), shared by every caller of the same scope. `render` must depend
    /// on nothing of the caller's but the scope it is given and on nothing of the request but
    /// `query` (the page, the cursor, the filters: `ListQuery.listKey` keys it); what depends on
    /// the caller's permissions (the buttons above the table) stays outside. A public page, which
    /// has no caller, passes `scope: .everything` and its own filters (published records only).
    ///
    /// A list page read so costs one index seek (the records' version) and a copy of kilobytes of
    /// markup instead of its rows' statement, their decoding and their rendering (issue 16: the
    /// cases list 544 → 352 µs of server CPU a visit; docs/decisions.md, "List tables kept until a
    /// record changes").
    public func keptList(_ name: String, query: ListQuery, scope: RecordScope? = nil,
                         render: @escaping @Sendable (ScopedRead) async throws -> [Node]) async throws -> Node {
        let scope = try scope ?? caller.recordScope, key = query.listKey
        let markup: String
        if key.utf8.count <= Self.keptListKeyLimit {
            markup = try await kept("\(name)|\(key)", scope: scope, in: fazhi.listCache) { read in Node.group(try await render(read)).render() }
        } else {
            // A query no link of the platform makes (a filter of hundreds of characters): rendered
            // for this reader alone, so that nobody fills the kept lists with such texts.
            markup = Node.group(try await render(ScopedRead(scope: scope, today: CivilDateTime(fazhi.now).date, db: db))).render()
        }
        // Markup this builder rendered from escaped texts, as `Node.render` writes it.
        return .trusted(markup)
    }

    /// The longest `ListQuery.listKey` a kept list is keyed by, in UTF-8 bytes.
    static let keptListKeyLimit = 512

    private func kept<T: Sendable>(_ name: String, scope: RecordScope, in cache: RecordsCache,
                                   compute: @escaping @Sendable (ScopedRead) async throws -> T) async throws -> T {
        let database = db
        return try await cache.value("\(name)|\(scope)", on: database, services: fazhi) { version in
            try await compute(ScopedRead(scope: scope, today: version.day, db: database))
        }
    }
}

extension UnitScoped {
    /// The records in the caller's units: the only way a page or API lists them, so a list cannot
    /// forget the scope. County-wide roles see every unit.
    public static func scoped(for principal: Principal, on db: any Database) -> QueryBuilder<Self> {
        scoped(in: principal.recordScope, on: db)
    }

    /// The records in `scope`'s units.
    public static func scoped(in scope: RecordScope, on db: any Database) -> QueryBuilder<Self> {
        let query = Self.query(on: db)
        if let prefix = scope.prefix { query.filter(unitPathField =~ prefix) }
        return query
    }

    /// The records in the caller's units, and those a unit of theirs shares through a link table
    /// (`table` with `recordColumn` naming the record and its own `unit_path`): a 建议提案 its lead
    /// unit handles and its assisting units see. `table` and `recordColumn` are the module's own
    /// names, never from a request.
    public static func scoped(for principal: Principal, orLinkedThrough table: String, recordColumn: String, on db: any Database) -> QueryBuilder<Self> {
        scoped(in: principal.recordScope, orLinkedThrough: table, recordColumn: recordColumn, on: db)
    }

    /// `scoped(for:orLinkedThrough:recordColumn:on:)` for `scope`'s units (a kept list's reader).
    public static func scoped(in scope: RecordScope, orLinkedThrough table: String, recordColumn: String, on db: any Database) -> QueryBuilder<Self> {
        let query = Self.query(on: db)
        if let prefix = scope.prefix {
            query.group(.or) { either in
                either.filter(unitPathField =~ prefix)
                    .filter(.sql(embed: "EXISTS (SELECT 1 FROM \(ident: table) l WHERE l.\(ident: recordColumn) = \(ident: Self.schema).id AND l.unit_path LIKE \(bind: prefix + "%"))"))
            }
        }
        return query
    }

    /// The records in the caller's units as an SQL select, for a list that shows a few columns of
    /// many rows: FluentKit reflects over every property of every model it decodes, which was 40% of
    /// a list page's time (issue 16); a `Decodable` row struct of the shown columns is not.
    /// `services` gives the database its list reader (`FazhiServices.listDatabase`).
    public static func scopedSelect(for principal: Principal, on db: any Database, services: FazhiServices) -> SQLSelectBuilder {
        scopedSelect(in: principal.recordScope, on: db, services: services)
    }

    /// `scopedSelect(for:on:services:)` for `scope`'s units.
    public static func scopedSelect(in scope: RecordScope, on db: any Database, services: FazhiServices) -> SQLSelectBuilder {
        let select = services.listDatabase(db).select().from(SQLPlainName(Self.schema))
        if let prefix = scope.prefix { select.where(SQLColumn(Self()[keyPath: unitPathField].key.description), .like, SQLBind(prefix + "%")) }
        return select
    }

    /// One record by id, if the caller may see it; otherwise `ScopeDenied` (audited, shown as 403),
    /// whether the record is outside the caller's units or does not exist.
    public static func find(_ id: UUID, for principal: Principal, on db: any Database) async throws -> Self {
        guard let row = try await Self.find(id, on: db), principal.covers(unitPath: row[keyPath: unitPathField].wrappedValue) else {
            throw ScopeDenied(entityType: Self.schema, entityID: id.uuidString)
        }
        return row
    }
}

extension SQLSelectBuilder {
    /// `COUNT(*)` of the rows the select's filters match: for a list's total beside `scopedSelect`.
    public func countRows() async throws -> Int {
        try await column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").first(decodingColumn: "n", as: Int.self) ?? 0
    }
}

// MARK: Typed routes

/// A module's routes as one enum whose raw values are the path patterns (`litigation/:id/steps`).
/// The same case registers the route (`router.page(.GET, LitigationRoute.lawsuit, …)`) and builds
/// its links (`LitigationRoute.lawsuit.path(id)`), so no path string is typed twice and a renamed
/// route changes its links with it.
public protocol RouteTemplate: RawRepresentable, Sendable where RawValue == String {}

extension RouteTemplate {
    /// The path with its `:parameters` filled in order: `/litigation/<id>/steps`.
    public func path(_ parameters: any CustomStringConvertible...) -> String {
        var values = parameters.makeIterator()
        return filled(values: parameters.count) { values.next().map { ($0 as? UUID)?.text ?? $0.description } }
    }

    /// The path of a route with one parameter, a record's id: a list links each of its rows so.
    /// The id's text is written straight into the path, one string and no variadic array.
    public func path(_ id: UUID) -> String {
        let raw = rawValue.utf8
        let slash = UInt8(ascii: "/")
        // A template of plain segments with one parameter (`enforcement/cases/:id`); any other
        // (empty segments, a leading slash, two parameters) is filled segment by segment.
        guard let colon = raw.firstIndex(of: UInt8(ascii: ":")), raw.first != slash, raw.last != slash,
              colon == raw.startIndex || raw[raw.index(before: colon)] == slash,
              Self.oneParameterNoEmptySegment(raw) else {
            var value: String? = id.text
            return filled(values: 1) { defer { value = nil }; return value }
        }
        let end = raw[colon...].firstIndex(of: UInt8(ascii: "/")) ?? raw.endIndex
        let head = raw[..<colon], tail = raw[end...]
        return String(unsafeUninitializedCapacity: 1 + head.count + 36 + tail.count) { output in
            output[0] = UInt8(ascii: "/")
            var position = 1
            for byte in head { output[position] = byte; position += 1 }
            id.writeText(into: output, at: position)
            position += 36
            for byte in tail { output[position] = byte; position += 1 }
            return position
        }
    }

    private static func oneParameterNoEmptySegment(_ raw: String.UTF8View) -> Bool {
        var colons = 0, previous: UInt8 = 0
        for byte in raw {
            if byte == UInt8(ascii: ":") { colons += 1 }
            if byte == UInt8(ascii: "/") && previous == UInt8(ascii: "/") { return false }
            previous = byte
        }
        return colons == 1
    }

    private func filled(values: Int, _ next: () -> String?) -> String {
        let raw = rawValue
        // Written in one pass into one string, segment by segment without an array of them: a list
        // page builds some fifty of these.
        var path = ""
        path.reserveCapacity(raw.utf8.count + 36 * values)
        let utf8 = raw.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "/")) ?? utf8.endIndex
            if start < end {
                path.append("/")
                if utf8[start] != UInt8(ascii: ":") {
                    path.append(contentsOf: raw[start..<end])
                } else if let value = next() {
                    path.append(value)
                } else {
                    assertionFailure("route \(raw) needs a value for \(raw[start..<end])")
                    path.append(contentsOf: raw[start..<end])
                }
            }
            start = end < utf8.endIndex ? utf8.index(after: end) : end
        }
        return path.isEmpty ? "/" : path
    }
}

extension ModuleRouter {
    /// `page(_:_:permission:…)` for a typed route.
    @discardableResult
    public func page<Route: RouteTemplate, R: AsyncResponseEncodable>(_ method: HTTPMethod, _ route: Route, permission: Permission,
                                                                      body: HTTPBodyStreamStrategy = .collect, allowsPendingStep: Bool = false,
                                                                      use handler: @escaping @Sendable (Request) async throws -> R) -> Vapor.Route {
        page(method, route.rawValue, permission: permission, body: body, allowsPendingStep: allowsPendingStep, use: handler)
    }

    /// `api(_:_:permission:doc:…)` for a typed route (the enum's paths are relative to `/api/v1`).
    @discardableResult
    public func api<Route: RouteTemplate, R: AsyncResponseEncodable>(_ method: HTTPMethod, _ route: Route, permission: Permission, doc: APIDoc,
                                                                     body: HTTPBodyStreamStrategy = .collect,
                                                                     use handler: @escaping @Sendable (Request) async throws -> R) -> Vapor.Route {
        api(method, route.rawValue, permission: permission, doc: doc, body: body, use: handler)
    }

    /// `open(_:_:…)` for a typed route: a page anyone may call, declared as such on purpose.
    @discardableResult
    public func open<Route: RouteTemplate, R: AsyncResponseEncodable>(_ method: HTTPMethod, _ route: Route, body: HTTPBodyStreamStrategy = .collect,
                                                                      use handler: @escaping @Sendable (Request) async throws -> R) -> Vapor.Route {
        open(method, route.rawValue, body: body, use: handler)
    }

    /// An importer's three routes: the upload page (GET), its template (GET, CSV) and the upload
    /// (POST, up to 20 MB), each behind the importer's permission.
    public func imports<Route: RouteTemplate>(_ importer: any Importer, page: Route, template: Route) {
        self.page(.GET, page, permission: importer.permission) { req in ImportPages.page(req, importer: importer, action: page.path(), report: nil) }
        self.page(.GET, template, permission: importer.permission) { _ in ImportPages.template(importer) }
        self.page(.POST, page, permission: importer.permission, body: .collect(maxSize: "20mb")) { req in
            try await ImportPages.handle(req, importer: importer, action: page.path())
        }
    }

    /// A form action (POST): the fields are read with `FormFields`; a `ValidationFailure` from
    /// `submit` re-shows the page through `reshow`, with the message next to its field, and nothing
    /// is written (the service's transaction rolled back).
    @discardableResult
    public func form<Route: RouteTemplate>(_ route: Route, permission: Permission, body: HTTPBodyStreamStrategy = .collect,
                                           submit: @escaping @Sendable (Request, FormFields) async throws -> Response,
                                           reshow: @escaping @Sendable (Request, FormFields, ValidationFailure) async throws -> Response) -> Vapor.Route {
        page(.POST, route.rawValue, permission: permission, body: body) { req async throws -> Response in
            let fields = FormFields(try req.content.decode([String: String].self))
            do {
                return try await submit(req, fields)
            } catch let failure as ValidationFailure {
                return try await reshow(req, fields, failure)
            }
        }
    }
}

extension ModuleRouter {
    /// A form action (POST) whose fields decode into a typed form: `submit` gets the form, and a
    /// `ValidationFailure` re-shows the page through `reshow` with what was typed.
    @discardableResult
    public func form<Route: RouteTemplate, Form: Decodable & Sendable>(_ route: Route, permission: Permission, decoding: Form.Type,
                                                                       submit: @escaping @Sendable (Request, Form) async throws -> Response,
                                                                       reshow: @escaping @Sendable (Request, Form, ValidationFailure) async throws -> Response) -> Vapor.Route {
        page(.POST, route.rawValue, permission: permission) { req async throws -> Response in
            let form = try req.content.decode(Form.self)
            do {
                return try await submit(req, form)
            } catch let failure as ValidationFailure {
                return try await reshow(req, form, failure)
            }
        }
    }
}

extension MenuEntry {
    public init<Route: RouteTemplate>(title: String, route: Route, permission: Permission, section: String) {
        self.init(title: title, path: route.path(), permission: permission, section: section)
    }
}

// MARK: Forms

/// A submitted form's fields, read by type. Each reader names the field and the rule in Chinese
/// when the value is wrong, with one wording for the whole platform.
public struct FormFields: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    public subscript(_ key: String) -> String? { values[key] }

    /// The text, trimmed; empty when absent.
    public func text(_ key: String) -> String {
        (values[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The text, trimmed; nil when absent or empty.
    public func optionalText(_ key: String) -> String? {
        let value = text(key)
        return value.isEmpty ? nil : value
    }

    /// "1" (a yes/no select or a checkbox) is yes.
    public func flag(_ key: String) -> Bool { values[key] == "1" }

    public static let dateRule = "应为有效日期（YYYY-MM-DD）"

    /// A required date.
    public func date(_ key: String, label: String) throws(ValidationFailure) -> CivilDate {
        guard let date = try optionalDate(key, label: label) else { throw ValidationFailure(field: key, label: label, message: Self.dateRule) }
        return date
    }

    /// A date that may be left empty; refused when given and not a date.
    public func optionalDate(_ key: String, label: String) throws(ValidationFailure) -> CivilDate? {
        let value = text(key)
        if value.isEmpty { return nil }
        guard let date = CivilDate(value.replacingOccurrences(of: "/", with: "-")) else {
            throw ValidationFailure(field: key, label: label, message: Self.dateRule)
        }
        return date
    }

    /// A whole number within `range`.
    public func int(_ key: String, label: String, in range: ClosedRange<Int>) throws(ValidationFailure) -> Int {
        guard let value = Int(text(key)), range.contains(value) else {
            throw ValidationFailure(field: key, label: label, message: "应为\(range.lowerBound)到\(range.upperBound)的整数")
        }
        return value
    }
}
