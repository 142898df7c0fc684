@testable import FazhiCore
import Foundation
@testable import Reports
import Testing

// Five-year trends (issue 20): the years before the platform had records are 无数据, never 0.

@Suite struct TrendWithoutDataTests {
    func result(_ year: Int, _ value: String?) -> MetricResult {
        MetricResult(key: "x@\(year)", label: "收到申请", definition: "", unit: "件", rounding: "", value: value)
    }

    @Test("a trend's zero years before the first with records are 无数据; a zero after it stays 0; missing stays missing")
    func leadingZeros() {
        let years = [result(2021, "0"), result(2022, "0"), result(2023, "12"), result(2024, "0"), result(2025, nil)]
        let shown = ReportRenderer.withoutDataBeforeRecords(years).map(\.value)
        #expect(shown == [nil, nil, "12", "0", nil])
        #expect(ReportRenderer.withoutDataBeforeRecords([result(2021, "0.00"), result(2022, "3.5")]).map(\.value) == [nil, "3.5"])
    }
}
