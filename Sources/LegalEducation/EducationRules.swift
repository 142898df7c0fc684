import FazhiCalendar
import FazhiCore
import Foundation

// 学法 and 普法 as plain values (docs/law.md §24): each record's kind and what it must carry. The
// head's 第一责任人 duty as the executive meetings' rule-of-law 议题 (法治政府建设与责任落实督察工作规定);
// law
// study before executive meetings (会前学法) and by the theory study group, leading cadres' law exams
// with takers and passes, the heads' 述法, each unit's 谁执法谁普法 list, legal-education events with
// their audience, and 民主法治示范村（社区） by level and batch.

public enum EducationKind: String, Sendable, Codable, CaseIterable {
    case ruleOfLawTopic, preMeetingStudy, groupStudy, lecture, courtHearing, exam, dutyReport, responsibilityList, event, site, modelVillage
    /// A rule-of-law document the principal head signed or the government issued (年度工作要点、
    /// 督察方案、责任清单 …): the 第一责任人's duty to deploy the work (党政主要负责人履行推进法治建设第一责任人职责规定第五条 ⚠️).
    case dutyDocument

    public var label: String {
        switch self {
        case .ruleOfLawTopic: "常务会议研究法治建设议题"
        case .preMeetingStudy: "常务会议会前学法"
        case .groupStudy: "理论学习中心组学法"
        case .lecture: "法治专题讲座"
        case .courtHearing: "旁听庭审"
        case .exam: "领导干部法律知识考试"
        case .dutyReport: "述法"
        case .responsibilityList: "谁执法谁普法责任清单"
        case .event: "普法活动"
        case .site: "法治宣传教育阵地"
        case .modelVillage: "民主法治示范村（社区）"
        case .dutyDocument: "印发法治建设文件"
        }
    }

    /// What the record's count means, and whether it needs the second count.
    public var countLabel: String {
        switch self {
        case .ruleOfLawTopic: "议题数"
        case .preMeetingStudy, .groupStudy, .lecture, .courtHearing: "参加人数"
        case .exam: "参考人数"
        case .dutyReport: "述法人数"
        case .responsibilityList: "清单事项数"
        case .event: "受众（人次）"
        case .site: "阵地数"
        case .modelVillage: "—"
        case .dutyDocument: "文件数"
        }
    }

    public var isStudy: Bool { [.preMeetingStudy, .groupStudy, .lecture, .courtHearing].contains(self) }
}

/// The level of a 民主法治示范村（社区）.
public enum ModelLevel: String, Sendable, Codable, CaseIterable {
    case national, provincial, city, county

    public var label: String {
        switch self {
        case .national: "全国"
        case .provincial: "省级"
        case .city: "市级"
        case .county: "县级"
        }
    }
}

public struct EducationRecordFacts: Sendable, Equatable {
    public var kind: EducationKind
    public var on: CivilDate
    public var title: String
    public var count: Int
    /// An exam's passes.
    public var passed: Int?
    /// A model village's level and batch ("第八批").
    public var level: ModelLevel?
    public var batch: String?

    public init(kind: EducationKind, on: CivilDate, title: String, count: Int, passed: Int? = nil, level: ModelLevel? = nil, batch: String? = nil) {
        self.kind = kind
        self.on = on
        self.title = title
        self.count = count
        self.passed = passed
        self.level = level
        self.batch = batch
    }
}

public enum EducationRules {
    /// Checks a record; every refusal names its field.
    public static func check(_ record: EducationRecordFacts, today: CivilDate) throws(ValidationFailure) {
        var errors: [FieldError] = []
        func add(_ field: String, _ label: String, _ message: String) { errors.append(FieldError(field: field, label: label, message: message)) }
        if record.on > today { add("on", "日期", "不能晚于今天") }
        if record.title.trimmingCharacters(in: .whitespaces).isEmpty { add("title", "主题", "请写明学法主题、考试名称、述法人或活动名称") }
        switch record.kind {
        case .modelVillage:
            if record.level == nil { add("level", "级别", "请选择全国、省级、市级或县级") }
            if (record.batch ?? "").trimmingCharacters(in: .whitespaces).isEmpty { add("batch", "批次", "请写明命名批次") }
        default:
            if !(1...10_000_000).contains(record.count) { add("count", record.kind.countLabel, "应为1至10000000的整数") }
        }
        if record.kind == .exam {
            if let passed = record.passed {
                if passed < 0 || passed > record.count { add("passed", "合格人数", "应在0与参考人数（\(record.count)）之间") }
            } else {
                add("passed", "合格人数", "考试须填写合格人数")
            }
        } else if record.passed != nil {
            add("passed", "合格人数", "只有考试填写合格人数")
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}
