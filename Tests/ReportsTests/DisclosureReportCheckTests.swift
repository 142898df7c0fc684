import Foundation
import Reports
import Testing

// The 政府信息公开工作年度报告's identities recognised in pasted text (国办公开办函〔2021〕30号), without a
// database. The fixture follows R2 of docs/disclosure-report.md (深圳市市场监督管理局龙华监管局 2023:
// 112 new + 9 carried = 119 answered + 2 carried on; 复议 7 = 6 维持 + 1 pending; 诉讼 2 direct
// pending, 1 after 复议 维持), its breakdown by applicant made up to fit.

/// Table 三 as a published page's text pastes it: label, then seven numbers separated by tabs.
private func tableThree(changing change: (row: String, column: Int, by: Int)? = nil) -> String {
    // 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他
    var rows: [(String, [Int])] = [
        ("一、本年新收政府信息公开申请数量", [100, 8, 0, 1, 3, 0]), ("二、上年结转政府信息公开申请数量", [9, 0, 0, 0, 0, 0]),
        ("三、本年度办理结果", []), ("（一）予以公开", [55, 4, 0, 1, 0, 0]), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [12, 1, 0, 0, 0, 0]),
        ("（三）不予公开", []), ("1.属于国家秘密", [0, 0, 0, 0, 0, 0]), ("2.其他法律行政法规禁止公开", [0, 0, 0, 0, 0, 0]),
        ("3.危及“三安全一稳定”", [0, 0, 0, 0, 0, 0]), ("4.保护第三方合法权益", [4, 0, 0, 0, 0, 0]), ("5.属于三类内部事务信息", [0, 0, 0, 0, 0, 0]),
        ("6.属于四类过程性信息", [2, 0, 0, 0, 0, 0]), ("7.属于行政执法案卷", [0, 0, 0, 0, 0, 0]), ("8.属于行政查询事项", [0, 0, 0, 0, 0, 0]),
        ("（四）无法提供", []), ("1.本机关不掌握相关政府信息", [21, 2, 0, 0, 3, 0]), ("2.没有现成信息需要另行制作", [0, 0, 0, 0, 0, 0]),
        ("3.补正后申请内容仍不明确", [0, 0, 0, 0, 0, 0]), ("（五）不予处理", []), ("1.信访举报投诉类申请", [3, 0, 0, 0, 0, 0]), ("2.重复申请", [0, 0, 0, 0, 0, 0]),
        ("3.要求提供公开出版物", [0, 0, 0, 0, 0, 0]), ("4.无正当理由大量反复申请", [0, 0, 0, 0, 0, 0]), ("5.要求行政机关确认或重新出具已获取信息", [0, 0, 0, 0, 0, 0]),
        ("（六）其他处理", []), ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [10, 1, 0, 0, 0, 0]),
        ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0, 0, 0, 0, 0, 0]), ("3.其他", [0, 0, 0, 0, 0, 0]),
        ("（七）总计", [107, 8, 0, 1, 3, 0]), ("四、结转下年度继续办理", [2, 0, 0, 0, 0, 0]),
    ]
    var lines = ["三、收到和处理政府信息公开申请情况", "申请人情况\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计"]
    for index in rows.indices {
        guard !rows[index].1.isEmpty else { lines.append(rows[index].0); continue }
        var values = rows[index].1 + [rows[index].1.reduce(0, +)]
        if let change, change.row == rows[index].0 { values[change.column] += change.by }
        rows[index].1 = values
        lines.append(rows[index].0 + "\t" + values.map(String.init).joined(separator: "\t"))
    }
    return lines.joined(separator: "\n")
}

private let tableFour = """
四、政府信息公开行政复议、行政诉讼情况
行政复议\t行政诉讼
结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉
6\t0\t0\t1\t7\t0\t0\t0\t2\t2\t1\t0\t0\t0\t1
五、存在的主要问题及改进情况
"""

@Suite struct DisclosureReportCheckTests {
    @Test("R2's tables pasted as text: every column balances (112 + 9 = 119 + 2), the results add up to （七）, every row to its 总计, each Table 四 group to its total")
    func balancedReport() {
        let result = ReportChecker.check(tableThree() + "\n" + tableFour)
        let disclosure = result.claims.filter { $0.note?.contains("国办公开办函") == true }
        // 7 columns × 2 column identities, 25 rows, 3 groups.
        #expect(disclosure.count == 7 + 7 + 25 + 3)
        #expect(disclosure.allSatisfy { $0.verdict == .consistent })
        let total = disclosure.first { $0.text == "表三·总计：新收 + 上年结转 = 办理结果总计 + 结转下年度" }
        #expect(total?.computation == "112 + 9 = 121；119 + 2 = 121")
        // The generic table check does not also report those rows.
        #expect(!result.claims.contains { $0.note == "表格" && $0.text.contains("本年新收") })
    }

    @Test("a number typed wrong is named: the column whose identity fails, the row whose total does not add up, the Table 四 group")
    func wrongNumbers() {
        let column = ReportChecker.check(tableThree(changing: ("二、上年结转政府信息公开申请数量", 0, 1)))
        let wrong = column.claims.filter { $0.verdict == .inconsistent }.map(\.text)
        // The 自然人 cell is one more: its column's 一+二 identity and its row's sum both fail; the 总计 column is unchanged.
        #expect(wrong.contains("表三·自然人：新收 + 上年结转 = 办理结果总计 + 结转下年度"))
        #expect(wrong.contains("表三·二、上年结转政府信息公开申请数量：各类申请人之和 = 总计"))
        #expect(!wrong.contains("表三·总计：新收 + 上年结转 = 办理结果总计 + 结转下年度"))
        let result = ReportChecker.check(tableThree(changing: ("（一）予以公开", 6, -1)))
        #expect(result.claims.filter { $0.verdict == .inconsistent }.map(\.text).contains("表三·总计：（一）至（六）各项之和 = （七）总计"))
        let four = ReportChecker.check(tableFour.replacingOccurrences(of: "6\t0\t0\t1\t7", with: "6\t0\t0\t1\t8"))
        #expect(four.claims.filter { $0.verdict == .inconsistent }.count == 1)
        // A report without the national table has no such claims.
        #expect(ReportChecker.check("全年收到行政复议申请29件，受理22件。").claims.allSatisfy { $0.note?.contains("国办公开办函") != true })
    }
}

