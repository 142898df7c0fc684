import FazhiCalendar
@testable import FazhiCore
import Foundation
import Testing

private enum SampleRoute: String, RouteTemplate {
    case list = "sample"
    case item = "sample/:id"
    case child = "sample/:id/children/:child"
}

@Suite struct ModuleKitTests {
    @Test("a typed route registers its pattern and fills its parameters in order for links")
    func routes() {
        let id = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
        #expect(SampleRoute.list.path() == "/sample")
        #expect(SampleRoute.item.path(id) == "/sample/00000000-0000-0000-0000-000000000001")
        #expect(SampleRoute.child.path(id, 7) == "/sample/00000000-0000-0000-0000-000000000001/children/7")
        #expect(SampleRoute.child.rawValue == "sample/:id/children/:child")
    }

    @Test("form fields: one date rule, bounded integers, trimmed text, yes/no flags")
    func fields() throws {
        let fields = FormFields(["on": " 2026/03/02 ", "bad": "2026-02-30", "days": "31", "text": "  说明  ", "yes": "1"])
        #expect(try fields.date("on", label: "日期") == CivilDate("2026-03-02"))
        #expect(try fields.optionalDate("missing", label: "日期") == nil)
        #expect(throws: ValidationFailure(field: "bad", label: "收到日期", message: FormFields.dateRule)) { try fields.date("bad", label: "收到日期") }
        #expect(throws: ValidationFailure(field: "missing", label: "日期", message: FormFields.dateRule)) { try fields.date("missing", label: "日期") }
        #expect(throws: ValidationFailure(field: "days", label: "延长天数", message: "应为1到30的整数")) { try fields.int("days", label: "延长天数", in: 1...30) }
        #expect(fields.text("text") == "说明" && fields.optionalText("missing") == nil)
        #expect(fields.flag("yes") && !fields.flag("missing"))
    }
}

@Suite struct ListQueryParsingTests {
    @Test("a list's query string: escapes and + decode, unknown keys and undecodable pairs drop, the first of a repeated key counts")
    func parsing() {
        let keys = ["status", "q", "page", "after"]
        #expect(ListQuery.parse(query: "status=closed&page=2", keys: keys) == ["status": "closed", "page": "2"])
        #expect(ListQuery.parse(query: "q=%E7%A4%BA%E8%8C%83%E5%8E%BF+%E5%B8%82%E7%9B%91", keys: keys) == ["q": "示范县 市监"])
        #expect(ListQuery.parse(query: "after=2026-01-05~ABC&other=1&status=a&status=b", keys: keys) == ["after": "2026-01-05~ABC", "status": "a"])
        #expect(ListQuery.parse(query: "q=%zz&page&status=%2B1", keys: keys) == ["page": "", "status": "+1"])
        #expect(ListQuery.parse(query: "", keys: keys).isEmpty)
        // Empty values are dropped by ListQuery itself, as before.
        #expect(ListQuery(path: "/x", parameters: ListQuery.parse(query: "page=&status=closed", keys: keys)).parameters == ["status": "closed"])
    }
}
