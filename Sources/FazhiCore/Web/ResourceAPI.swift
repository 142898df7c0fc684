import Fluent
import Foundation
import Vapor

/// A value in an API record: what the generic resource endpoints send.
public enum JSONValue: Sendable, Encodable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null

    public static func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    public static func number(_ value: Int?) -> JSONValue { value.map { .int($0) } ?? .null }
    public static func flag(_ value: Bool?) -> JSONValue { value.map { .bool($0) } ?? .null }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .int(let number): try container.encode(number)
        case .bool(let flag): try container.encode(flag)
        case .null: try container.encodeNil()
        }
    }
}

/// One field of a resource: its name, its schema in the OpenAPI document, and how it is read from
/// the record — personal data only masked, sealed values never (docs/security.md).
public struct APIField<M: Model>: Sendable {
    public let name: String
    public let schema: JSONSchema
    public let value: @Sendable (M) -> JSONValue

    public init(_ name: String, _ schema: JSONSchema, _ value: @escaping @Sendable (M) -> JSONValue) {
        self.name = name
        self.schema = schema
        self.value = value
    }
}

/// A record as the API sends it: its fields in their declared order.
public struct APIRecord: Sendable, Encodable {
    public let fields: [(String, JSONValue)]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in fields { try container.encode(value, forKey: Key(stringValue: name)) }
    }
}

/// A page of records by keyset: `next` is the cursor for `after`, null on the last page.
/// An API answer that is only ever sent, never read back (so not `Content`, which decodes too).
public protocol EncodableResponse: Encodable, AsyncResponseEncodable {}

extension EncodableResponse {
    public func encodeResponse(for request: Request) async throws -> Response {
        let response = Response(status: .ok)
        try response.content.encode(self, as: .json)
        return response
    }
}

public struct APIRecordPage: Sendable, EncodableResponse {
    public let items: [APIRecord]
    public let next: String?

    enum CodingKeys: String, CodingKey { case items, next }

    /// `next` is sent as null on the last page (the synthesized encoding would leave it out).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(JSONValue.text(next), forKey: .next)
    }
}

extension APIRecord: EncodableResponse {}

extension ModuleRouter {
    /// A module's records in the API, the same way for every module (issue 20): the list, scoped to
    /// the caller's units, by keyset (`after` = the last id seen, `limit` ≤ 200), filtered by `unit`
    /// (a unit code in scope: that unit and its subtree) and, when the records have a date, by `year`;
    /// and the single record by its id (403 when missing or out of scope, as for pages).
    public func resource<M: Model & UnitScoped, List: RouteTemplate, Record: RouteTemplate>(
        _ model: M.Type, list: List, record: Record, title: String, permission: Permission,
        year: (KeyPath<M, FieldProperty<M, String>>, String)? = nil, fields: [APIField<M>]
    ) where M.IDValue == UUID {
        let id = APIField<M>("id", .string("记录ID（UUID）"), { .text($0.id?.uuidString) })
        let all = [id] + fields
        let schema = JSONSchema.object(all.map { ($0.name, $0.schema) }, required: ["id"])
        @Sendable func encode(_ row: M) -> APIRecord { APIRecord(fields: all.map { ($0.name, $0.value(row)) }) }
        var query: [(name: String, description: String)] = [
            ("after", "上一页最后一条记录的ID（UUID），取其后的记录"), ("limit", "每页条数（1至200，默认50）"), ("unit", "单位编码：该单位及其下级（须在管辖范围内）"),
        ]
        if let year { query.append(("year", "年度（按\(year.1)），如2025")) }
        api(.GET, list, permission: permission, doc: APIDoc("\(title)（管辖范围内；按ID分页，next为下一页游标）", query: query, response: .object([
            ("items", .array(schema)), ("next", .nullable(.string("下一页游标：作为after传入；最后一页为null"))),
        ], required: ["items", "next"]), querySchemas: [
            "after": .uuid("上一页最后一条记录的ID"), "limit": .integerIn("每页条数", 1...200), "year": .integerIn("年度", 1949...2100),
        ])) { req async throws -> APIRecordPage in
            let principal = try req.caller
            let builder = M.scoped(for: principal, on: req.db)
            if let after = req.query[String.self, at: "after"] {
                guard let cursor = UUID(uuidString: after) else { throw ValidationFailure(field: "after", label: "游标", message: "应为上一页最后一条记录的ID（UUID）") }
                builder.filter(\M._$id > cursor)
            }
            if let code = req.query[String.self, at: "unit"]?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
                // As for figures: a unit that is not there, or not in the caller's scope, is out of scope (403).
                guard code.count <= 32, let unit = try await UnitService.find(code: code, on: req.db), principal.covers(unitPath: unit.path) else {
                    throw ScopeDenied(entityType: "unit", entityID: String(code.prefix(32)))
                }
                builder.filter(M.unitPathField =~ unit.path)
            }
            if let year, let text = req.query[String.self, at: "year"] {
                guard let value = Int(text), (1949...2100).contains(value) else { throw ValidationFailure(field: "year", label: "年度", message: "应为1949至2100的年份") }
                builder.filter(year.0 >= "\(value)-01-01").filter(year.0 < "\(value + 1)-01-01")
            }
            // Declared as an integer from 1 to 200: anything else is named, not clamped.
            var limit = 50
            if let text = req.query[String.self, at: "limit"] {
                guard let value = Int(text), (1...200).contains(value) else { throw ValidationFailure(field: "limit", label: "每页条数", message: "应为1至200的整数") }
                limit = value
            }
            let rows = try await builder.sort(\M._$id).range(0..<(limit + 1)).all()
            let page = rows.prefix(limit)
            return APIRecordPage(items: page.map(encode), next: rows.count > limit ? page.last?.id?.uuidString : nil)
        }
        api(.GET, record, permission: permission, doc: APIDoc("单个\(title)记录", response: schema)) { req async throws -> APIRecord in
            let recordID = try req.parameters.require("id", as: UUID.self)
            guard let row = try await M.scoped(for: try req.caller, on: req.db).filter(\M._$id == recordID).first() else {
                throw ScopeDenied(entityType: M.schema, entityID: recordID.uuidString)
            }
            return encode(row)
        }
    }
}
