import Foundation
import SQLKit

/// Which page of a list.
public struct PageRequest: Sendable, Equatable {
    public var number: Int
    public var size: Int

    public init(number: Int?, size: Int? = nil) {
        // Clamped, so `offset` cannot overflow whatever a query string says.
        self.number = min(max(number ?? 1, RequestNumbers.pages.lowerBound), RequestNumbers.pages.upperBound)
        self.size = min(max(size ?? 20, 1), 200)
    }

    public var offset: Int { (number - 1) * size }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public var request: PageRequest

    public init(items: [Item], total: Int, request: PageRequest) {
        self.items = items
        self.total = total
        self.request = request
    }

    public var pageCount: Int { max((total + request.size - 1) / request.size, 1) }
}

/// Where a page of a long list starts: after the last row of the page before it, or before the
/// first row of the page after it. Lists of a province run to millions of rows, where an offset
/// makes the database count its way to the page (issue 16: 2.5 s for page 5,000 of the cases);
/// a cursor starts at an index entry. In links as `after=KEY~ID` or `before=KEY~ID`.
public struct ListCursor: Sendable, Equatable {
    public enum Direction: String, Sendable { case after, before }
    public var direction: Direction
    /// The row's sort key (a date as text) and its id, as the list orders them.
    public var key: String
    public var id: String

    public init(_ direction: Direction, key: String, id: String) {
        self.direction = direction
        self.key = key
        self.id = id
    }

    /// The cursor a list page's query names, if it names a well-formed one (at most 200 characters).
    public init?(_ query: ListQuery) {
        for direction in [Direction.after, .before] {
            guard let text = query[direction.rawValue], text.count <= 200, let split = text.firstIndex(of: "~") else { continue }
            self.init(direction, key: String(text[..<split]), id: String(text[text.index(after: split)...]))
            return
        }
        return nil
    }

    public var text: String { key + "~" + id }
}

/// One page of a long list and the cursors of its ends, for `UI.cursorPagination`.
public struct CursorPage<Row: Sendable>: Sendable {
    public var rows: [Row]
    /// The page's number as the reader counts (shown; the rows come from the cursor).
    public var number: Int
    public var size: Int
    /// The rows matching the filters, counted up to `ListCount.cap`; nil past it.
    public var total: Int?
    public var first: ListCursor?
    public var last: ListCursor?
    /// Whether a page follows this one, and whether one comes before it.
    public var hasNext: Bool
    public var hasPrevious: Bool
}

public enum ListCount {
    /// A list's total is counted up to here; past it the page says "10,000条以上" rather than scan a
    /// province's millions to say how many.
    public static let cap = 10_000
}

/// A list's row, read column by column. `Decodable`'s keyed containers cost a list page a tenth of
/// its time for twenty rows (`perf`, issue 16); `decode(column:as:)` goes straight to the driver.
public protocol SQLListRow: Sendable {
    init(row: any SQLRow) throws
}

extension SQLRow {
    /// A nullable column: nil for NULL. Asking the driver for `T?` decodes through a nested
    /// `Decoder` made for each value (SQLiteKit); asking whether the column is NULL, then for `T`,
    /// reads the value directly.
    public func decodeOptional<T: Decodable>(column: String, as type: T.Type) throws -> T? {
        try decodeNil(column: column) ? nil : decode(column: column, as: T.self)
    }

    /// A UUID column read as its text and parsed by `UUID(text:)`: SQLite keeps ids as text and
    /// PostgreSQL sends a `uuid` as text on request, and the driver's own parse goes through `sscanf`.
    public func decodeUUID(column: String) throws -> UUID {
        // PostgreSQL sends a `uuid` column's sixteen bytes: read them, not a text made of them.
        if let row = self as? PostgresListRow { return try row.decode(column: column, as: UUID.self) }
        let text = try decode(column: column, as: String.self)
        guard let id = UUID(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "column \(column) is not a UUID: \(text.prefix(40))"))
        }
        return id
    }
}

extension SQLSelectBuilder {
    /// Turns this select into the statement of one page (see `cursorPage`): its cursor or page,
    /// the order, the limit, the capped total as a column. Returns the cursor it read (nil if none
    /// or not of the id's kind), the page asked for, and the total's own select.
    public func cursorStatement(key: String, id: String = "id", uuid: Bool = true, query: ListQuery, size: Int) -> (cursor: ListCursor?, request: PageRequest, total: SQLSelect) {
        let keyColumn = SQLColumn(SQLPlainName(key)), idColumn = SQLColumn(SQLPlainName(id))
        // The filters alone, before the cursor narrows them: what the total counts.
        var filters = self.select
        filters.columns = [SQLLiteral.numeric("1")]
        filters.orderBy = []
        filters.offset = nil
        filters.limit = ListCount.cap + 1
        var total = SQLSelect()
        total.columns = [SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLPlainName("n"))]
        total.tables = [SQLAlias(SQLGroupExpression(filters), as: SQLPlainName("capped"))]
        self.select.columns.append(SQLAlias(SQLGroupExpression(total), as: SQLPlainName("fazhi_list_total")))
        // A cursor whose id is not of the column's kind is ignored: the list starts from the page number.
        var cursor = ListCursor(query)
        var boundID: (any SQLExpression)?
        if let named = cursor {
            if !uuid { boundID = SQLBind(named.id) } else if let value = UUID(uuidString: named.id) { boundID = SQLBind(value) } else { cursor = nil }
        }
        let request = PageRequest(number: query.page, size: size)
        let backwards = cursor?.direction == .before
        if let cursor, let boundID {
            // (key, id) beyond the cursor in the reading direction, written so the key's index range applies.
            let beyond: SQLBinaryOperator = backwards ? .greaterThan : .lessThan
            let within: SQLBinaryOperator = backwards ? .greaterThanOrEqual : .lessThanOrEqual
            self.where(keyColumn, within, SQLBind(cursor.key))
                .where(SQLGroupExpression(SQLBinaryExpression(SQLBinaryExpression(keyColumn, beyond, SQLBind(cursor.key)), .or,
                                                              SQLBinaryExpression(idColumn, beyond, boundID))))
        }
        let direction: SQLDirection = backwards ? .ascending : .descending
        self.orderBy(keyColumn, direction).orderBy(idColumn, direction).limit(request.size + 1)
        if cursor == nil { self.offset(request.offset) }
        if DatabaseFlavor(sql: database) == .postgres {
            // PostgreSQL: the page's ids first, then their rows. The ids alone can come from an
            // index that carries the filtered columns (`penalty_cases_list_cover`), so a county's page
            // of a province's table skips the newer cases of other counties in the index instead of
            // reading each of their rows from the table. `id` is unique in every list that pages so.
            var ids = self.select
            ids.columns = [idColumn]
            var rowsOfIDs = SQLSelect()
            rowsOfIDs.columns = self.select.columns
            rowsOfIDs.tables = self.select.tables
            rowsOfIDs.predicate = SQLBinaryExpression(idColumn, .in, SQLGroupExpression(ids))
            rowsOfIDs.orderBy = self.select.orderBy
            self.select = rowsOfIDs
        }
        return (cursor, request, total)
    }

    /// One page of a list ordered by `key` and then `id`, both descending (an index on
    /// `(key, id)` serves it), from the query's cursor, or from the page number when the link
    /// has none. `uuid`: the id column holds UUIDs (bound as such on PostgreSQL).
    /// `cursorOf` reads a row's key and id.
    ///
    /// The page carries its total: the rows the filters match (not the cursor), counted up to
    /// `ListCount.cap` and read in the same statement as a scalar subquery, so a list page is one
    /// round trip to the database, not two.
    public func cursorPage<Row: SQLListRow>(key: String, id: String = "id", uuid: Bool = true, query: ListQuery, size: Int = 20,
                                                      decoding: Row.Type, cursorOf: (Row) -> (key: String, id: String)) async throws -> CursorPage<Row> {
        let (cursor, request, total) = cursorStatement(key: key, id: id, uuid: uuid, query: query, size: size)
        let backwards = cursor?.direction == .before
        let raw = try await listRows()
        var rows = try raw.map { try Row(row: $0) }
        var count = 0
        if let first = raw.first {
            count = try first.decode(column: "fazhi_list_total", as: Int.self)
        } else if cursor != nil || request.number > 1 {
            // An empty page past the end (a cursor whose rows were deleted since, a page number too
            // high): count the filters alone. An empty first page is an empty list.
            let alone = database.select()
            alone.select = total
            count = try await alone.first(decodingColumn: "n", as: Int.self) ?? 0
        }
        let more = rows.count > request.size
        if more { rows.removeLast() }
        if backwards { rows.reverse() }
        let number = cursor == nil ? request.number : max(1, request.number)
        return CursorPage(rows: rows, number: number, size: request.size, total: count > ListCount.cap ? nil : count,
                          first: rows.first.map { let c = cursorOf($0); return ListCursor(.before, key: c.key, id: c.id) },
                          last: rows.last.map { let c = cursorOf($0); return ListCursor(.after, key: c.key, id: c.id) },
                          hasNext: backwards ? true : more, hasPrevious: backwards ? more : number > 1)
    }
}
