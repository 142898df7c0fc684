import Fluent
import Foundation
import Vapor

/// 单位 pages: list, record, create, edit, move, deactivate, import.
enum UnitPages {
    struct UnitForm: Content {
        var code: String?
        var name: String?
        var kind: String?
        var parentCode: String?
        var uscc: String?
        var sortOrder: String?

        var input: UnitInput {
            UnitInput(code: code, name: name, kind: kind, parentCode: parentCode, uscc: uscc, sortOrder: sortOrder)
        }
    }

    static func register(_ router: ModuleRouter) {
        router.page(.GET, CoreRoute.units, permission: CorePermissions.unitsRead) { req in try await list(req) }
        router.page(.GET, CoreRoute.unitsNew, permission: CorePermissions.unitsWrite) { req in
            formPage(req, title: "新建单位", action: CoreRoute.unitsNew.path(), form: UnitForm(parentCode: req.query[String.self, at: "parent"]), failure: nil, editing: false)
        }
        router.form(CoreRoute.unitsNew, permission: CorePermissions.unitsWrite, decoding: UnitForm.self, submit: { req, form in
            let unit = try await UnitService.create(form.input, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: CoreRoute.unitsRecord.path(unit.id!), notice: "已新建单位“\(unit.name)”")
        }, reshow: { req, form, failure in
            return formPage(req, title: "新建单位", action: CoreRoute.unitsNew.path(), form: form, failure: failure, editing: false)
        })
        router.page(.GET, CoreRoute.unitsImport, permission: CorePermissions.unitsImport) { req in
            ImportPages.page(req, importer: UnitImporter(), action: CoreRoute.unitsImport.path(), report: nil)
        }
        router.page(.GET, CoreRoute.unitsImportTemplateCsv, permission: CorePermissions.unitsImport) { req in
            ImportPages.template(UnitImporter())
        }
        router.page(.POST, CoreRoute.unitsImport, permission: CorePermissions.unitsImport, body: .collect(maxSize: "10mb")) { req in
            try await ImportPages.handle(req, importer: UnitImporter(), action: CoreRoute.unitsImport.path())
        }
        router.page(.GET, CoreRoute.unitsRecord, permission: CorePermissions.unitsRead) { req in try await show(req) }
        router.page(.GET, CoreRoute.unitsEdit, permission: CorePermissions.unitsWrite) { req async throws -> Response in
            let unit = try await UnitService.find(try req.parameters.require("id", as: UUID.self), for: try req.caller, on: req.db)
            let form = UnitForm(code: unit.code, name: unit.name, kind: unit.unitKind.label, uscc: unit.uscc, sortOrder: String(unit.sortOrder))
            return formPage(req, title: "修改单位", action: CoreRoute.unitsEdit.path(unit.id!), form: form, failure: nil, editing: true)
        }
        router.form(CoreRoute.unitsEdit, permission: CorePermissions.unitsWrite, decoding: UnitForm.self, submit: { req, form in
            let id = try req.parameters.require("id", as: UUID.self)
            let unit = try await UnitService.update(id, form.input, by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: CoreRoute.unitsRecord.path(unit.id!), notice: "已保存")
        }, reshow: { req, form, failure in
            let id = try req.parameters.require("id", as: UUID.self)
            return formPage(req, title: "修改单位", action: CoreRoute.unitsEdit.path(id), form: form, failure: failure, editing: true)
        })
        router.page(.POST, CoreRoute.unitsMove, permission: CorePermissions.unitsWrite) { req async throws -> Response in
            let id = try req.parameters.require("id", as: UUID.self)
            let parent = (try? req.content.get(String.self, at: "parentCode")) ?? ""
            do {
                let unit = try await UnitService.move(id, toParentCode: parent, by: try req.caller, services: req.fazhi, on: req.db)
                return Layout.redirect(req, to: CoreRoute.unitsRecord.path(unit.id!), notice: "已移动")
            } catch let failure as ValidationFailure {
                return try await show(req, failure: failure)
            }
        }
        for (route, active) in [(CoreRoute.unitsDeactivate, false), (.unitsActivate, true)] {
            router.page(.POST, route, permission: CorePermissions.unitsWrite) { req async throws -> Response in
                let id = try req.parameters.require("id", as: UUID.self)
                do {
                    let unit = try await UnitService.setActive(id, active: active, by: try req.caller, services: req.fazhi, on: req.db)
                    return Layout.redirect(req, to: CoreRoute.unitsRecord.path(unit.id!), notice: active ? "已启用" : "已停用")
                } catch let failure as ValidationFailure {
                    return try await show(req, failure: failure)
                }
            }
        }
    }

    static func listQuery(_ req: Request) -> ListQuery {
        ListQuery(req, path: CoreRoute.units.path(), keys: ["q", "kind", "inactive", "sort", "page"])
    }

    static func list(_ req: Request) async throws -> Response {
        let principal = try req.caller
        let query = listQuery(req)
        let kind = query["kind"].flatMap(UnitKind.init(rawValue:))
        let page = try await UnitService.list(for: principal, search: query["q"], kind: kind, includeInactive: query["inactive"] == "1",
                                              sort: query.sort, page: PageRequest(number: query.page), on: req.db)
        let filters = el("form", [Attribute("method", "get"), Attribute("action", CoreRoute.units.path()), .cls("filters"), Attribute("role", "search")], [
            UI.field("名称或编码", name: "q", value: query["q"]),
            UI.select("单位类型", name: "kind", options: UnitKind.allCases.map { ($0.rawValue, $0.label) }, selected: query["kind"], includeBlank: "全部"),
            UI.select("状态", name: "inactive", options: [("", "仅在用"), ("1", "含已停用")], selected: query["inactive"] ?? ""),
            el("div", [.cls("field")], [el("button", [.type("submit")], text: "筛选")]),
        ])
        let rows: [[Node]] = page.items.map { unit in
            [
                .text(unit.code),
                link(unit.name, CoreRoute.unitsRecord.path(unit.id!)),
                .text(unit.unitKind.label),
                .text(unit.uscc ?? "—"),
                .text(unit.active ? "在用" : "已停用"),
            ]
        }
        var actions: [Node] = []
        if principal.has(CorePermissions.unitsWrite) { actions.append(link("新建单位", CoreRoute.unitsNew.path(), [.cls("button")])) }
        if principal.has(CorePermissions.unitsImport) { actions.append(link("从CSV/XLSX导入", CoreRoute.unitsImport.path())) }
        return Layout.page(req, title: "单位", content: [
            el("div", [.cls("actions")], actions),
            filters,
            UI.table(caption: "单位列表（按层级排列）", columns: [
                UI.Column("编码", sortKey: "code"), UI.Column("名称", sortKey: "name"), UI.Column("类型", sortKey: "kind"),
                UI.Column("统一社会信用代码"), UI.Column("状态"),
            ], rows: rows, query: query),
            UI.pagination(page, query: query),
        ])
    }

    static func show(_ req: Request, failure: ValidationFailure? = nil) async throws -> Response {
        let principal = try req.caller
        let unit = try await UnitService.find(try req.parameters.require("id", as: UUID.self), for: principal, on: req.db)
        let parent = try await unit.parentID.asyncMap { try await OrgUnit.find($0, on: req.db) } ?? nil
        let children = try await OrgUnit.query(on: req.db).filter(\.$parentID == unit.id!).sort(\.$sortOrder).sort(\.$code).all()
        var content: [Node] = [
            UI.errorSummary(failure),
            UI.details([
                ("编码", .text(unit.code)),
                ("名称", .text(unit.name)),
                ("类型", .text(unit.unitKind.label)),
                ("统一社会信用代码", .text(unit.uscc ?? "—")),
                ("上级单位", parent.map { principal.covers(unitPath: $0.path) ? link($0.name, CoreRoute.unitsRecord.path($0.id!)) : .text($0.name) } ?? .text("—")),
                ("排序号", .text(String(unit.sortOrder))),
                ("状态", .text(unit.active ? "在用" : "已停用")),
            ]),
        ]
        if principal.has(CorePermissions.unitsWrite) {
            content.append(el("div", [.cls("actions")], [
                link("修改", CoreRoute.unitsEdit.path(unit.id!)),
                link("新建下级单位", CoreRoute.unitsNew.path() + "?parent=\(unit.code)"),
                UI.actionButton(unit.active ? "停用" : "启用", action: (unit.active ? CoreRoute.unitsDeactivate : .unitsActivate).path(unit.id!), csrf: req.csrfToken),
            ]))
            if unit.parentID != nil {
                content.append(UI.form(action: CoreRoute.unitsMove.path(unit.id!), csrf: req.csrfToken, [
                    el("h2", text: "移动到其他上级单位"),
                    UI.field("新上级单位编码", name: "parentCode", error: failure?.message(for: "parentCode"), required: true),
                    el("button", [.type("submit"), .cls("secondary")], text: "移动"),
                ]))
            }
        }
        content.append(el("h2", text: "下级单位（\(children.count)）"))
        content.append(el("ul", [], children.map { child in
            el("li", [], [link(child.name, CoreRoute.unitsRecord.path(child.id!)), .text("（\(child.unitKind.label)\(child.active ? "" : "，已停用")）")])
        }))
        return Layout.page(req, title: unit.name, status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func formPage(_ req: Request, title: String, action: String, form: UnitForm, failure: ValidationFailure?, editing: Bool) -> Response {
        var fields: [Node] = [
            UI.field("单位编码", name: "code", value: form.code, error: failure?.message(for: "code"), required: true, hint: "字母、数字、-、_，最长32位"),
            UI.field("单位名称", name: "name", value: form.name, error: failure?.message(for: "name"), required: true),
        ]
        if !editing {
            fields.append(UI.select("单位类型", name: "kind", options: UnitKind.allCases.map { ($0.label, $0.label) }, selected: form.kind,
                                    error: failure?.message(for: "kind"), required: true, includeBlank: "请选择"))
            fields.append(UI.field("上级单位编码", name: "parentCode", value: form.parentCode, error: failure?.message(for: "parentCode"),
                                   hint: "行政区域（根单位）不填"))
        }
        fields.append(UI.field("统一社会信用代码", name: "uscc", value: form.uscc, error: failure?.message(for: "uscc"), hint: "18位，按GB 32100-2015校验"))
        fields.append(UI.field("排序号", name: "sortOrder", value: form.sortOrder, error: failure?.message(for: "sortOrder")))
        fields.append(el("button", [.type("submit")], text: "保存"))
        return Layout.page(req, title: title, status: failure == nil ? .ok : .unprocessableEntity,
                           content: [UI.errorSummary(failure), UI.form(action: action, csrf: req.csrfToken, fields)])
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

/// The upload page every importer shares: template, columns, upload, per-row report.
public enum ImportPages {
    public static func page(_ req: Request, importer: any Importer, action: String, report: ImportReport?, fileError: String? = nil) -> Response {
        var content: [Node] = []
        if let report {
            if report.succeeded {
                content.append(UI.notice("导入成功：共读取\(report.rowsRead)行，写入\(report.rowsWritten)条。"))
            } else {
                content.append(el("div", [.cls("error-summary"), Attribute("role", "alert")], [
                    el("h2", text: "导入未执行：发现\(report.errors.count)处问题，未写入任何数据"),
                    el("p", text: "请按下表修改文件后重新上传。"),
                ]))
                content.append(UI.table(caption: "逐行错误报告", columns: [UI.Column("行号"), UI.Column("列"), UI.Column("问题")],
                                        rows: report.errors.map { [.text(String($0.row)), .text($0.column), .text($0.message)] },
                                        query: ListQuery(path: action, parameters: [:])))
            }
        }
        if let fileError { content.append(el("div", [.cls("error-summary"), Attribute("role", "alert")], [el("p", text: fileError)])) }
        content.append(el("p", text: "上传CSV（UTF-8）或XLSX文件，第一行为表头；也可上传JSON（对象数组，键为列名）。全部行校验通过才写入；任何一行有误则一条也不写入，并列出每一行的问题。"))
        content.append(el("p", [], [link("下载导入模板（CSV）", action + "/template.csv")]))
        content.append(UI.table(caption: "列说明", columns: [UI.Column("列名"), UI.Column("必填"), UI.Column("说明")],
                                rows: importer.columns.map { [.text($0.header), .text($0.required ? "是" : "否"), .text($0.note)] },
                                query: ListQuery(path: action, parameters: [:])))
        content.append(UI.form(action: action, csrf: req.csrfToken, multipart: true, [
            el("div", [.cls("field")], [
                el("label", [Attribute("for", "f-file")], text: "文件"),
                .void("input", [.id("f-file"), .name("file"), .type("file"), Attribute("accept", ".csv,.xlsx,.json"), .flag("required")]),
            ]),
            el("button", [.type("submit")], text: "导入"),
        ]))
        let status: HTTPResponseStatus = (report?.succeeded == false || fileError != nil) ? .unprocessableEntity : .ok
        return Layout.page(req, title: "导入\(importer.title)", status: status, content: content)
    }

    public static func template(_ importer: any Importer) -> Response {
        let response = Response(status: .ok, body: .init(data: importer.templateCSV))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "\(importer.id)-template.csv")
        return response
    }

    struct Upload: Content {
        var file: File?
    }

    public static func handle(_ req: Request, importer: any Importer, action: String) async throws -> Response {
        let upload = try req.content.decode(Upload.self)
        guard let file = upload.file, file.data.readableBytes > 0 else {
            return page(req, importer: importer, action: action, report: nil, fileError: "请选择要上传的文件")
        }
        let table: ImportTable
        do {
            table = try TableReader.read(Data(buffer: file.data), filename: file.filename)
        } catch let error as ImportFileError {
            return page(req, importer: importer, action: action, report: nil, fileError: error.description)
        }
        let report = try await importer.run(table, by: try req.caller, services: req.fazhi, on: req.db)
        return page(req, importer: importer, action: action, report: report)
    }
}
