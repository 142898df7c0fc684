import FazhiCalendar
import FazhiCore
import Foundation

// 两法衔接 (行政执法机关移送涉嫌犯罪案件的规定) as plain values: `TransferService.perform` loads the
// transfer, calls `TransferRules.apply` and writes what comes back in one transaction. docs/law.md §7.

/// A criminal transfer as the rules see it.
public struct TransferState: Sendable, Equatable {
    public var status: TransferStatus
    public var reportedOn: CivilDate
    public var decidedOn: CivilDate?
    public var transferredAt: CivilDateTime?
    public var policeAnswerOn: CivilDate?
    public var reconsiderOn: CivilDate?
    public var reconsiderAnswerOn: CivilDate?
    public var exhibitsOn: CivilDate?

    public init(status: TransferStatus, reportedOn: CivilDate) {
        self.status = status
        self.reportedOn = reportedOn
    }
}

public enum TransferEffect: Sendable {
    case openClock(ClockKind, at: CivilDateTime, reason: String)
    case completeClock(ClockKind, at: CivilDateTime, reason: String)
}

public struct TransferStep: Sendable {
    public var state: TransferState
    public var effects: [TransferEffect]
    public var detail: String
}

public enum TransferRules {
    static func fail(_ field: String, _ label: String, _ message: String) -> ValidationFailure {
        ValidationFailure(field: field, label: label, message: message)
    }

    /// Checks a step against the transfer and the 规定; the transfer after it, or the refusal with its article.
    public static func apply(_ action: TransferAction, to current: TransferState, now: CivilDateTime) throws(ValidationFailure) -> TransferStep {
        var row = current
        var effects: [TransferEffect] = []
        guard action.date <= now.date else { throw fail("on", "日期", "不能晚于今天") }
        guard action.date >= row.reportedOn else { throw fail("on", "日期", "不能早于报告日期 \(row.reportedOn)") }
        let status = row.status
        func require(_ allowed: TransferStatus, _ why: String) throws(ValidationFailure) {
            guard status == allowed else { throw fail("action", "操作", "当前为“\(status.label)”，不能\(action.label)：\(why)") }
        }
        let day = CivilDateTime(date: action.date)
        var detail = action.label
        switch action {
        case .decide(let at, let transfer, let reason):
            guard at <= now else { throw fail("on", "决定时间", "不能晚于现在") }
            try require(.reported, "已作出决定")
            if !transfer && reason.trimmingCharacters(in: .whitespaces).isEmpty {
                throw fail("text", "理由", "决定不移送的须写明理由并存档（第五条第二款）；行政处罚不能代替移送（第十一条）")
            }
            effects.append(.completeClock(TransferClocks.decision, at: at, reason: transfer ? "批准移送" : "决定不移送"))
            row.decidedOn = at.date
            row.status = transfer ? .reported : .notTransferred
            // 第五条第二款: once approved, transferred within twenty-four hours of the approval.
            if transfer { effects.append(.openClock(TransferClocks.transfer, at: at, reason: "批准移送")) }
            detail += transfer ? "：批准移送" : "：不移送，理由：\(reason)"
        case .transfer(let at):
            guard status == .reported, let decided = row.decidedOn, decided <= at.date else {
                throw fail("action", "操作", "负责人批准移送后才能移送（第五条第二款）")
            }
            guard at <= now else { throw fail("on", "移送时间", "不能晚于现在") }
            effects.append(.completeClock(TransferClocks.transfer, at: at, reason: "已移送"))
            row.transferredAt = at
            row.status = .transferred
            // 第八条: the police decide within three days.
            effects.append(.openClock(TransferClocks.policeAnswer, at: CivilDateTime(date: at.date), reason: "已移送公安机关"))
            detail += "（\(at)）"
        case .policeAnswer(let on, let accepted):
            try require(.transferred, "移送后才有公安机关的立案决定")
            effects.append(.completeClock(TransferClocks.policeAnswer, at: day, reason: accepted ? "公安机关立案" : "公安机关不予立案"))
            row.policeAnswerOn = on
            row.status = accepted ? .accepted : .refused
            effects.append(.openClock(accepted ? TransferClocks.exhibits : TransferClocks.reconsideration, at: day, reason: accepted ? "公安机关立案" : "收到不予立案通知"))
            detail += accepted ? "：立案" : "：不予立案"
        case .reconsider:
            try require(.refused, "只有公安机关不予立案的，才能提请复议（第九条）")
            effects.append(.completeClock(TransferClocks.reconsideration, at: day, reason: "已提请复议"))
            row.reconsiderOn = action.date
            row.status = .reconsidering
            effects.append(.openClock(TransferClocks.reconsiderationAnswer, at: day, reason: "提请复议"))
        case .reconsiderAnswer(let on, let accepted):
            try require(.reconsidering, "提请复议后才有复议决定")
            effects.append(.completeClock(TransferClocks.reconsiderationAnswer, at: day, reason: "公安机关作出复议决定"))
            row.reconsiderAnswerOn = on
            row.status = accepted ? .accepted : .finallyRefused
            if accepted { effects.append(.openClock(TransferClocks.exhibits, at: day, reason: "复议后立案")) }
            detail += accepted ? "：立案" : "：维持不予立案（可以建议人民检察院依法进行立案监督）"
        case .exhibits:
            guard status == .accepted, row.exhibitsOn == nil else { throw fail("action", "操作", "公安机关立案后移交涉案物品，且只移交一次（第十二条）") }
            effects.append(.completeClock(TransferClocks.exhibits, at: day, reason: "已移交"))
            row.exhibitsOn = action.date
        }
        return TransferStep(state: row, effects: effects, detail: detail)
    }
}
