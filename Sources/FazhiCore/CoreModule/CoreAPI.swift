import Fluent
import Foundation
import Vapor

/// `/api/v1`: the core's JSON API and the OpenAPI document built from the registered routes.
enum CoreAPI {
    struct MeDTO: Content {
        var loginName: String
        var displayName: String
        var role: String?
        var unitID: UUID?
        var unitName: String
        var permissions: [String]
    }

    struct UnitPage: Content {
        var items: [UnitDTO]
        var total: Int
        var page: Int
        var pageSize: Int
    }

    struct MetricsDTO: Content {
        var year: Int
        var unit: String
        var figures: [MetricResult]
    }

    struct UnitCreate: Content {
        var code: String?
        var name: String?
        var kind: String?
        var parentCode: String?
        var uscc: String?
        var sortOrder: Int?
    }

    static let unitSchema = JSONSchema.object([
        ("id", .string("单位ID（UUID）")), ("code", .string("单位编码")), ("name", .string("单位名称")), ("kind", .string("单位类型代码")),
        ("kindLabel", .string("单位类型")), ("uscc", .nullable(.string("统一社会信用代码"))), ("parentID", .nullable(.string("上级单位ID"))),
        ("depth", .integer("层级")), ("sortOrder", .integer("排序号")), ("active", .boolean("是否在用")),
    ], required: ["id", "code", "name", "kind", "depth", "active"])

    static let metricSchema = JSONSchema.object([
        ("key", .string("指标代码")), ("label", .string("指标名称")), ("definition", .string("口径")), ("unit", .string("计量单位")),
        ("rounding", .string("取舍规则")), ("value", .nullable(.string("数值（无数据为null）"))), ("numerator", .nullable(.integer("分子"))),
        ("denominator", .nullable(.integer("分母"))), ("previousValue", .nullable(.string("上年数值"))), ("yearOverYear", .nullable(.string("同比变化（%）"))),
    ], required: ["key", "label", "definition", "unit"])

    static func register(_ router: ModuleRouter) {
        router.api(.GET, CoreAPIRoute.me, permission: .authenticated, doc: APIDoc("当前令牌所属账户及其有效权限", response: .object([
            ("loginName", .string("登录名")), ("displayName", .string("姓名")), ("role", .nullable(.string("角色"))),
            ("unitID", .nullable(.string("单位ID"))), ("unitName", .string("单位名称")), ("permissions", .array(.string("权限代码"))),
        ], required: ["loginName", "permissions"]))) { req async throws -> MeDTO in
            let principal = try req.caller
            return MeDTO(loginName: principal.loginName, displayName: principal.displayName, role: principal.role?.rawValue,
                         unitID: principal.unitID, unitName: principal.unitName, permissions: principal.permissions.sorted())
        }
        router.api(.GET, CoreAPIRoute.units, permission: CorePermissions.unitsRead, doc: APIDoc("管辖范围内的单位（分页）", query: [
            ("q", "名称或编码包含"), ("kind", "单位类型代码"), ("inactive", "1=含已停用"), ("page", "页码"), ("pageSize", "每页条数（≤200）"),
        ], response: .object([("items", .array(unitSchema)), ("total", .integer("总数")), ("page", .integer("页码")), ("pageSize", .integer("每页条数"))],
                             required: ["items", "total"]))) { req async throws -> UnitPage in
            let request = PageRequest(number: req.queryInt("page", in: RequestNumbers.pages), size: req.queryInt("pageSize", in: 1...200))
            let page = try await UnitService.list(for: try req.caller, search: req.query[String.self, at: "q"],
                                                  kind: req.query[String.self, at: "kind"].flatMap(UnitKind.init(rawValue:)),
                                                  includeInactive: req.query[String.self, at: "inactive"] == "1", sort: nil, page: request, on: req.db)
            return UnitPage(items: page.items.map(UnitDTO.init), total: page.total, page: request.number, pageSize: request.size)
        }
        router.api(.GET, CoreAPIRoute.unitsRecord, permission: CorePermissions.unitsRead, doc: APIDoc("单个单位", response: unitSchema)) { req async throws -> UnitDTO in
            UnitDTO(try await UnitService.find(try req.parameters.require("id", as: UUID.self), for: try req.caller, on: req.db))
        }
        router.api(.POST, CoreAPIRoute.units, permission: CorePermissions.unitsWrite, doc: APIDoc("新建单位", response: unitSchema, requestBody: .object([
            ("code", .string("单位编码")), ("name", .string("单位名称")), ("kind", .string("单位类型（代码或中文）")),
            ("parentCode", .string("上级单位编码")), ("uscc", .string("统一社会信用代码")), ("sortOrder", .integer("排序号")),
        ], required: ["code", "name", "kind"]))) { req async throws -> Response in
            let body = try req.content.decode(UnitCreate.self)
            let unit = try await UnitService.create(UnitInput(code: body.code, name: body.name, kind: body.kind, parentCode: body.parentCode,
                                                              uscc: body.uscc, sortOrder: body.sortOrder.map(String.init)),
                                                    by: try req.caller, services: req.fazhi, on: req.db)
            return try await UnitDTO(unit).encodeResponse(status: .created, for: req)
        }
        router.api(.GET, CoreAPIRoute.metrics, permission: CorePermissions.metricsRead, doc: APIDoc("全部统计指标（某年度、某单位及下级）", query: [
            ("year", "年度，如2025"), ("unit", "单位编码（默认本人管辖范围）"),
        ], response: .object([("year", .integer("年度")), ("unit", .string("单位")), ("figures", .array(metricSchema))], required: ["year", "figures"]))) { req async throws -> MetricsDTO in
            let scope = try await FiguresPage.scope(req)
            let figures = try await req.fazhi.metrics.evaluateAll(scope: scope, on: req.figureDatabases)
            return MetricsDTO(year: scope.year, unit: scope.unitName, figures: figures)
        }
        router.api(.GET, CoreAPIRoute.audit, permission: CorePermissions.auditRead, doc: APIDoc("审计日志（新的在前，分页）", query: [
            ("action", "操作前缀"), ("outcome", "success/failure/denied"), ("from", "起始日期"), ("to", "截止日期"), ("page", "页码"),
        ], response: .array(.object([("seq", .integer("序号")), ("occurred_at", .string("时间")), ("action", .string("操作")),
                                     ("hash", .string("哈希"))], required: ["seq", "hash"])))) { req async throws -> [AuditRow] in
            let filter = AuditEntryQueries.Filter(action: req.query[String.self, at: "action"], outcome: req.query[String.self, at: "outcome"],
                                                  from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"])
            return try await AuditEntryQueries.page(filter, page: PageRequest(number: req.queryInt("page", in: RequestNumbers.pages), size: 100), on: req.db).items
        }
        router.api(.GET, CoreAPIRoute.figure, permission: CorePermissions.metricsRead, doc: APIDoc("一项统计指标及其记录清单（某年度、某单位及下级）", query: [
            ("year", "年度，如2025"), ("unit", "单位编码（默认本人管辖范围）"), ("limit", "记录条数（1至1000，默认200）"),
        ], response: .object([("figure", metricSchema), ("records", .array(.object([("id", .string("记录ID")), ("title", .string("记录")), ("link", .string("页面地址"))],
                                                                                  required: ["id", "title", "link"]))), ("truncated", .boolean("记录多于limit条时为true"))],
                             required: ["figure", "records", "truncated"]))) { req async throws -> FigureRecordsDTO in
            let key = try req.parameters.require("key")
            guard key.count <= 100, let definition = req.fazhi.metrics.definition(key) else { throw Abort(.notFound, reason: "没有统计指标“\(String(key.prefix(100)))”") }
            let scope = try await FiguresPage.scope(req)
            let limit = req.queryInt("limit", in: 1...1000) ?? 200
            let figure = try await req.fazhi.metrics.evaluate(definition, scope: scope, on: req.db)
            let records = try await definition.records.first(scope, limit: limit + 1, on: req.db)
            return FigureRecordsDTO(figure: figure, records: Array(records.prefix(limit)), truncated: records.count > limit)
        }
        router.api(.GET, CoreAPIRoute.imports, permission: .authenticated, doc: APIDoc("可通过接口导入的台账（调用者有权导入的）", response: .array(.object([
            ("id", .string("导入代码，用于 /api/v1/imports/{importer}")), ("title", .string("台账")), ("permission", .string("所需权限")),
            ("columns", .array(.object([("header", .string("列名")), ("required", .boolean("必填")), ("note", .string("规则"))], required: ["header", "required"]))),
        ], required: ["id", "title", "columns"])))) { req async throws -> [ImporterDTO] in
            let principal = try req.caller
            return req.fazhi.modules.flatMap(\.importers).filter { principal.has($0.permission) }.map(ImporterDTO.init)
        }
        router.api(.POST, CoreAPIRoute.importRun, permission: .authenticated, doc: APIDoc(
            "导入一份台账，与页面导入相同：全部行校验通过才写入，否则一条不写并逐行报告（422，errors 中 field 为“第N行”）。请求体为 JSON 对象数组（键为中文列名），或以 Content-Type text/csv、application/vnd.openxmlformats-officedocument.spreadsheetml.sheet 发送的 CSV、XLSX",
            response: .object([("rowsRead", .integer("读取行数")), ("rowsWritten", .integer("写入行数"))], required: ["rowsRead", "rowsWritten"]),
            requestBody: .array(.object([], required: []))), body: .collect(maxSize: "20mb")) { req async throws -> Response in
            let principal = try req.caller
            let name = try req.parameters.require("importer")
            guard let importer = req.fazhi.modules.flatMap(\.importers).first(where: { $0.id == name }) else {
                throw Abort(.notFound, reason: "没有代码为“\(String(name.prefix(50)))”的导入（见 GET /api/v1/imports）")
            }
            guard principal.has(importer.permission) else { throw Abort(.forbidden, reason: "导入\(importer.title)需要权限 \(importer.permission.key)") }
            guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw ValidationFailure(field: "body", label: "请求体", message: "请发送台账内容") }
            let type = req.headers.contentType
            let filename = type?.subType.contains("spreadsheetml") == true ? "upload.xlsx" : type?.subType == "csv" ? "upload.csv" : "upload.json"
            let table: ImportTable
            do { table = try TableReader.read(Data(buffer: buffer), filename: filename) } catch let error as ImportFileError {
                throw ValidationFailure(field: "body", label: "请求体", message: error.description)
            }
            let report = try await importer.run(table, by: principal, services: req.fazhi, on: req.db)
            guard report.succeeded else {
                throw ValidationFailure(report.errors.prefix(500).map { FieldError(field: "row-\($0.row)", label: "第\($0.row)行", message: "\($0.column)：\($0.message)") })
            }
            return try await ImportResultDTO(rowsRead: report.rowsRead, rowsWritten: report.rowsWritten).encodeResponse(status: .created, for: req)
        }
        router.open(.GET, CoreRoute.openAPIDocument) { req async throws -> Response in
            let data = try OpenAPIDocument.build(routes: req.application.routes.all, title: req.fazhi.config.siteName)
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.contentType = .json
            return response
        }
    }
}

/// Builds the OpenAPI 3.1 document from the routes registered through ``ModuleRouter/api``.
public enum OpenAPIDocument {
    public static func build(routes: [Route], title: String) throws -> Data {
        var paths: [String: [String: Any]] = [:]
        for route in routes {
            guard route.userInfo[RouteInfo.kind] as? String == RouteKind.api.rawValue, let box = route.userInfo[RouteInfo.doc] as? DocBox else { continue }
            let doc = box.doc
            let path = "/" + route.path.map { component -> String in
                if case .parameter(let name) = component { return "{\(name)}" }
                return component.description
            }.joined(separator: "/")
            var parameters: [[String: Any]] = route.path.compactMap { component in
                guard case .parameter(let name) = component else { return nil }
                // Every record of the API is named by its UUID.
                return ["name": name, "in": "path", "required": true, "schema": name == "id" ? ["type": "string", "format": "uuid"] : ["type": "string", "pattern": JSONSchema.textPattern]]
            }
            parameters += doc.queryParameters.map { parameter in
                // A date the operation parses strictly is described as one; the others are read
                // leniently (a bad page number is clamped, an unknown filter ignored), so strings.
                let schema: [String: Any] = doc.querySchemas[parameter.name]?.json ?? (doc.requiredQuery.contains(parameter.name) && parameter.name == "date"
                    ? ["type": "string", "format": "date"] : ["type": "string", "pattern": JSONSchema.textPattern])
                return ["name": parameter.name, "in": "query", "required": doc.requiredQuery.contains(parameter.name),
                        "description": parameter.description, "schema": schema]
            }
            var operation: [String: Any] = [
                "summary": doc.summary,
                "operationId": route.method.rawValue.lowercased() + path.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: ""),
                "x-fazhi-permission": route.userInfo[RouteInfo.permission] as? String ?? "",
                "parameters": parameters,
                "responses": [
                    route.method == .POST ? "201" : "200": ["description": "成功", "content": ["application/json": ["schema": doc.response.json]]],
                    "401": ["description": "未提供有效令牌", "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]],
                    "403": ["description": "无权限或超出管理范围", "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]],
                    "404": ["description": "记录不存在", "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]],
                    "422": ["description": "校验失败", "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]],
                ] as [String: Any],
                "security": [["bearer": [String]()]],
            ]
            if let body = doc.requestBody {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": body.json]]]
            }
            paths[path, default: [:]][route.method.rawValue.lowercased()] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": title + " API", "version": "1"],
            "servers": [["url": "/"]],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": ["Problem": JSONSchema.object([
                    ("type", .string("问题类型")), ("title", .string("标题")), ("status", .integer("HTTP状态码")), ("detail", .string("中文说明")),
                    ("instance", .string("请求路径")), ("errors", .array(.object([("field", .string("字段")), ("label", .string("字段名")), ("message", .string("规则"))], required: ["field", "message"]))),
                ], required: ["type", "title", "status", "detail"]).json],
            ] as [String: Any],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])
    }
}

struct FigureRecordsDTO: Content {
    var figure: MetricResult
    var records: [MetricRecordRef]
    var truncated: Bool
}

struct ImporterDTO: Content {
    struct Column: Codable {
        var header: String
        var required: Bool
        var note: String
    }

    var id: String
    var title: String
    var permission: String
    var columns: [Column]

    init(_ importer: any Importer) {
        id = importer.id
        title = importer.title
        permission = importer.permission.key
        columns = importer.columns.map { Column(header: $0.header, required: $0.required, note: $0.note) }
    }
}

struct ImportResultDTO: Content {
    var rowsRead: Int
    var rowsWritten: Int
}

extension UnitDTO: Content {}
extension AuditRow: Content {}
extension MetricResult: Content {}
