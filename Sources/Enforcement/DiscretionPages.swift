import FazhiCalendar
import FazhiCore
import Fluent
import Foundation
import Vapor

/// Discretion benchmarks and lenience lists: kept by the bodies, published on the public site.
enum DiscretionPages {
    static func register(_ router: ModuleRouter) {
        router.page(.GET, EnforcementRoute.benchmarks, permission: EnforcementPermissions.read) { req in try await page(req, values: [:], failure: nil) }
        router.form(EnforcementRoute.benchmarks, permission: EnforcementPermissions.manage, submit: { req, fields in
            let values = fields.values
            let row = try await DiscretionService.publish(code: values["code"], unitCode: values["unitCode"], violation: values["violation"], basis: values["basis"],
                                                          effectiveFrom: values["effectiveFrom"], tiers: values["tiers"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: EnforcementRoute.benchmarks.path(), notice: "已发布裁量基准 \(row.code) 第\(row.version)版")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await page(req, values: values, failure: failure)
        })
        router.form(EnforcementRoute.lenience, permission: EnforcementPermissions.manage, submit: { req, fields in
            let values = fields.values
            let item = try await DiscretionService.addLenienceItem(code: values["code"], unitCode: values["unitCode"], list: values["list"], violation: values["violation"],
                                                                   conditions: values["conditions"], basis: values["basis"], by: try req.caller, services: req.fazhi, on: req.db)
            return Layout.redirect(req, to: EnforcementRoute.benchmarks.path(), notice: "已列入\(item.listValue.label)：\(item.code)")
        }, reshow: { req, fields, failure in
            let values = fields.values
            return try await page(req, values: values, failure: failure)
        })
        router.open(.GET, PortalRoute.benchmarks) { req in try await publicPage(req) }
    }

    static func tables(_ benchmarks: [DiscretionBenchmark], _ items: [LenienceItem], names: [UUID: String]) -> [Node] {
        [
            UI.simpleTable(caption: "行政裁量权基准（行政处罚法第三十四条）", headers: ["编码", "违法行为", "制定单位", "版本", "施行", "档次与幅度"], rows: benchmarks.map { row in
                [.text(row.code), .text("\(row.violation)（\(row.basis)）"), .text(names[row.unitID] ?? ""), .text("第\(row.version)版"),
                 .text("\(row.effectiveFrom)\(row.effectiveTo.map { " 至 \($0)" } ?? " 起")"),
                 .text(row.tiers.map { "\($0.tier.label)：\($0.condition)，\($0.rangeText)" }.joined(separator: "；"))]
            }),
            UI.simpleTable(caption: "包容审慎监管清单（首违不罚与四张清单）", headers: ["清单", "编码", "违法行为", "适用条件", "依据", "制定单位"], rows: items.map { item in
                [.text(item.listValue.label), .text(item.code), .text(item.violation), .text(item.conditions), .text(item.basis), .text(names[item.unitID] ?? "")]
            }),
        ]
    }

    static func load(_ db: any Database) async throws -> ([DiscretionBenchmark], [LenienceItem], [UUID: String]) {
        let benchmarks = try await DiscretionBenchmark.query(on: db).sort(\.$code).sort(\.$version, .descending).all()
        let items = try await LenienceItem.query(on: db).filter(\.$active == true).sort(\.$list).sort(\.$code).all()
        let ids = Array(Set(benchmarks.map(\.unitID) + items.map(\.unitID)))
        let names = Dictionary(uniqueKeysWithValues: try await OrgUnit.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.name) })
        return (benchmarks, items, names)
    }

    static func page(_ req: Request, values: [String: String], failure: ValidationFailure?) async throws -> Response {
        let principal = try req.caller
        let (benchmarks, items, names) = try await load(req.db)
        var content: [Node] = [UI.errorSummary(failure), link("公开页面", PortalRoute.benchmarks.path())] + tables(benchmarks, items, names: names)
        if principal.has(EnforcementPermissions.manage) {
            func field(_ label: String, _ name: String, type: String = "text", hint: String? = nil) -> Node {
                UI.field(label, name: name, value: values[name], type: type, error: failure?.message(for: name), required: true, hint: hint)
            }
            content += [
                el("h2", text: "发布裁量基准（同一编码再次发布即为新版本）"),
                UI.form(action: EnforcementRoute.benchmarks.path(), csrf: req.csrfToken, [
                    field("违法行为编码", "code"), field("制定单位编码", "unitCode"), field("违法行为", "violation"), field("处罚依据", "basis"),
                    field("施行日期", "effectiveFrom", type: "date"),
                    el("div", [.cls("field")], [
                        el("label", [Attribute("for", "tiers")], text: "裁量档次"),
                        el("textarea", [.id("tiers"), .name("tiers"), Attribute("rows", "6")], text: values["tiers"] ?? ""),
                        el("p", [.cls("hint")], text: "每行：档次|适用条件|最低罚款|最高罚款，例如“从轻|主动消除危害后果|1000|3000”；须有“一般”档"),
                        failure?.message(for: "tiers").map { el("p", [.cls("error")], text: $0) } ?? .text(""),
                    ]),
                    el("button", [.type("submit")], text: "发布"),
                ]),
                el("h2", text: "列入清单"),
                UI.form(action: EnforcementRoute.lenience.path(), csrf: req.csrfToken, [
                    field("事项编码", "code"), field("制定单位编码", "unitCode"),
                    UI.select("清单", name: "list", options: LenienceList.allCases.map { ($0.rawValue, $0.label) }, selected: values["list"], error: failure?.message(for: "list"),
                              required: true, includeBlank: "请选择"),
                    field("违法行为", "violation"), field("适用条件", "conditions", hint: "如：初次违法、危害后果轻微、及时改正"), field("依据", "basis"),
                    el("button", [.type("submit")], text: "列入"),
                ]),
            ]
        }
        return Layout.page(req, title: "裁量基准与清单", status: failure == nil ? .ok : .unprocessableEntity, content: content)
    }

    static func publicPage(_ req: Request) async throws -> Response {
        let (benchmarks, items, names) = try await load(req.db)
        return Layout.portal(req, title: "行政裁量权基准与包容审慎监管清单", section: "行政执法公示",
                             content: [el("p", text: "裁量基准应当向社会公布（行政处罚法第三十四条）。")] + tables(benchmarks, items, names: names) + [link("行政执法决定公示", PortalRoute.index.path())])
    }
}
