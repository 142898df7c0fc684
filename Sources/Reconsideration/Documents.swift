import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

/// The standard documents of a case, filled from the record, in 公文 layout (GB/T 9704).
public enum CaseDocument: String, CaseIterable, Sendable {
    case correctionNotice, acceptanceNotice, refusalDecision, replyNotice, hearingNotice, decision

    public var title: String {
        switch self {
        case .correctionNotice: return "补正行政复议申请通知书"
        case .acceptanceNotice: return "行政复议受理通知书"
        case .refusalDecision: return "不予受理行政复议申请决定书"
        case .replyNotice: return "提出行政复议答复通知书"
        case .hearingNotice: return "行政复议听证通知书"
        case .decision: return "行政复议决定书"
        }
    }

    var code: String {
        switch self {
        case .correctionNotice: return "补"
        case .acceptanceNotice: return "受"
        case .refusalDecision: return "不受"
        case .replyNotice: return "答"
        case .hearingNotice: return "听"
        case .decision: return "决"
        }
    }

    /// Whether the case has reached the step the document records.
    public func available(for row: ReconsiderationCase, events: [ReconsiderationEvent]) -> Bool {
        switch self {
        case .correctionNotice: return events.contains { $0.action == "request-correction" }
        case .acceptanceNotice, .replyNotice: return row.accepted
        case .refusalDecision: return row.intake == "refused"
        case .hearingNotice: return row.hearingOn != nil
        case .decision: return row.caseOutcome?.isDecision == true
        }
    }
}

enum CaseDocuments {
    static func chineseDate(_ text: String?) -> String { text.flatMap(CivilDate.init)?.chinese ?? "____年__月__日" }

    /// The filled document. The applicant's name is decrypted: these go to the parties, never to the public.
    static func build(_ kind: CaseDocument, row: ReconsiderationCase, events: [ReconsiderationEvent], issuer: String, respondent: String,
                      applicant: String, today: CivilDate) -> OfficialDocument {
        let year = CivilDate(row.receivedOn)?.year ?? today.year
        // The case's own serial: the last run of digits in its number ("（2026）复字第35号" → 35).
        let serial = row.caseNumber.split(whereSeparator: { !$0.isASCII || !$0.isNumber }).last.map(String.init) ?? ""
        let short = issuer.replacingOccurrences(of: "人民政府", with: "")
        let number = "\(short)政复\(kind.code)〔\(year)〕\(serial.isEmpty ? "  " : String(serial))号"
        let you = row.applicantKind == ApplicantKind.naturalPerson.rawValue ? "你" : "你单位"
        let category = ActCategory(rawValue: row.actCategory)
        let act = category == nil || category == .other ? "行政行为" : "\(category!.label)行为"
        let procedure = row.caseProcedure ?? .ordinary
        var blocks: [OfficialDocument.Block] = []
        switch kind {
        case .correctionNotice:
            let items = events.last { $0.action == "request-correction" }?.detail.replacingOccurrences(of: "通知补正：", with: "") ?? ""
            blocks = [
                .flush("\(applicant)："),
                .paragraph("\(you)于\(chineseDate(row.receivedOn))提出的行政复议申请（被申请人：\(respondent)；被申请行政行为：\(act)）收悉。经审查，申请材料不齐全或者表述不清楚，无法判断是否符合受理条件。"),
                .paragraph("根据《中华人民共和国行政复议法》第三十一条第一款的规定，请\(you)自收到本通知书之日起十日内补正以下事项：\(items)"),
                .paragraph("无正当理由逾期不补正的，视为\(you)放弃行政复议申请，并记录在案。补正申请材料所用时间不计入行政复议审理期限。"),
            ]
        case .acceptanceNotice:
            blocks = [
                .flush("\(applicant)："),
                .paragraph("\(you)不服\(respondent)作出的\(act)，于\(chineseDate(row.receivedOn))向本机关提出的行政复议申请，经审查符合《中华人民共和国行政复议法》第三十条规定的受理条件，本机关自\(chineseDate(row.intakeOn))起依法受理，适用\(procedure.label)。"),
                .paragraph(procedure == .ordinary
                    ? "根据《中华人民共和国行政复议法》第六十二条第一款的规定，本机关将自受理之日起六十日内作出行政复议决定；情况复杂、不能在规定期限内作出决定的，经行政复议机构的负责人批准，可以适当延长，延长期限最多不超过三十日。"
                    : "根据《中华人民共和国行政复议法》第六十二条第二款的规定，本机关将自受理之日起三十日内作出行政复议决定。"),
            ]
        case .refusalDecision:
            blocks = [
                .labelled("申请人：", applicant),
                .labelled("被申请人：", respondent),
                .paragraph("申请人不服被申请人作出的\(act)，于\(chineseDate(row.receivedOn))向本机关提出行政复议申请。经审查，\(row.intakeReason ?? "")。"),
                .paragraph("根据《中华人民共和国行政复议法》第三十条第一款的规定，本机关决定不予受理。"),
                .paragraph("申请人如不服本决定，可以自收到本决定书之日起十五日内依法向人民法院提起行政诉讼。"),
            ]
        case .replyNotice:
            blocks = [
                .flush("\(respondent)："),
                .paragraph("\(applicant)不服你单位作出的\(act)，向本机关提出行政复议申请，本机关已于\(chineseDate(row.intakeOn))依法受理。现将行政复议申请书副本发送你单位。"),
                .paragraph(procedure == .ordinary
                    ? "根据《中华人民共和国行政复议法》第四十八条的规定，请你单位自收到申请书副本之日起十日内，提出书面答复，并提交作出行政行为的证据、依据和其他有关材料。"
                    : "根据《中华人民共和国行政复议法》第五十四条的规定，请你单位自收到申请书副本之日起五日内，提出书面答复，并提交作出行政行为的证据、依据和其他有关材料。"),
                .paragraph("被申请人不按照规定提出书面答复、提交作出行政行为的证据、依据和其他有关材料的，视为该行政行为没有证据、依据（《中华人民共和国行政复议法》第七十条）。"),
            ]
        case .hearingNotice:
            blocks = [
                .flush("\(applicant)、\(respondent)："),
                .paragraph("关于\(applicant)不服\(respondent)作出的\(act)一案，本机关定于\(chineseDate(row.hearingOn))举行听证。"),
                .paragraph("根据《中华人民共和国行政复议法》第五十一条的规定，被申请人的负责人应当参加听证；不能参加的，应当说明理由并委托相应的工作人员参加听证。申请人无正当理由拒不参加听证的，视为放弃听证权利。"),
            ]
        case .decision:
            let outcome = row.caseOutcome!
            blocks = [
                .labelled("申请人：", applicant),
                .labelled("被申请人：", respondent),
                .paragraph("申请人不服被申请人作出的\(act)，于\(chineseDate(row.receivedOn))向本机关提出行政复议申请，本机关于\(chineseDate(row.intakeOn))依法受理，适用\(procedure.label)\(row.extended ? "，经批准延长了审理期限" : "")\(row.hearingOn != nil ? "，并于\(chineseDate(row.hearingOn))举行了听证" : "")。本案现已审理终结。"),
                .labelled("申请人请求：", row.request),
                .labelled("申请人称：", "（待填写）"),
                .labelled("被申请人称：", "（待填写）"),
                .labelled("经审理查明：", "（待填写）"),
                .labelled("本机关认为：", "（待填写）"),
                .paragraph("根据《中华人民共和国行政复议法》\(outcome.article.replacingOccurrences(of: "行政复议法", with: ""))的规定，本机关决定如下：\(outcome.label)。"),
                .paragraph("申请人如不服本决定，可以自收到本决定书之日起十五日内依法向人民法院提起行政诉讼。"),
            ]
        }
        let date: String
        switch kind {
        case .correctionNotice: date = chineseDate(events.last { $0.action == "request-correction" }?.happenedOn)
        case .acceptanceNotice, .replyNotice: date = chineseDate(row.intakeOn)
        case .refusalDecision: date = chineseDate(row.intakeOn)
        case .hearingNotice: date = chineseDate(events.last { $0.action == "schedule-hearing" }?.happenedOn)
        case .decision: date = chineseDate(row.outcomeOn)
        }
        return OfficialDocument(title: "\(issuer)\n\(kind.title)".replacingOccurrences(of: "\n", with: ""), number: number, blocks: blocks,
                                signature: issuer, date: date)
    }
}
