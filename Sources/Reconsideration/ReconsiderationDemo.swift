import FazhiCalendar
import FazhiCore
import Foundation

/// A year of the demo county's reconsideration cases, in every state, dated relative to now, so
/// the deadline dashboard shows running, due-soon and overdue clocks and the figures have data.
enum ReconsiderationDemo {
    static func seed(_ context: DemoContext) async throws {
        var random = SeededRandom(seed: context.seed ^ 0x5EC0_2024)
        func next(_ n: Int) -> Int { random.below(n) }
        let by = Principal.system("演示数据")
        let today = CivilDateTime(context.now).date
        let respondents = ["SFX-SCJG", "SFX-ZHZF", "SFX-STHJ", "SFX-ZRZY", "SFX-ZJ", "SFX-RS", "SFX-GA", "SFX-CG", "SFX-DL", "SFX-JT"]
        let surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"]
        let givens = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰"]
        let companies = ["示范县鑫源建材有限公司", "示范县绿野农业专业合作社", "示范县安达运输有限公司", "示范县康宁药房有限公司"]
        let requests = ["撤销行政处罚决定书", "确认行政强制措施违法", "责令依法履行法定职责", "撤销政府信息公开答复并重新答复", "撤销工伤认定决定"]
        for index in 0..<40 {
            let received = today.adding(days: -(3 + next(330)))
            let natural = next(4) != 0
            let name = natural ? surnames[next(10)] + givens[next(10)] + (next(2) == 0 ? givens[next(10)] : "") : companies[next(companies.count)]
            // Valid identity numbers built from the fixed seed (demo county region 999999 is not a real one).
            let idNumber: String
            if natural {
                let body = "999999" + "19\(70 + next(30))" + String(format: "%02d%02d", 1 + next(12), 1 + next(28)) + String(format: "%03d", next(1000))
                idNumber = ResidentID.completing(body) ?? ""
            } else {
                idNumber = USCC.completing("91999999" + String(format: "%09d", index * 7919 + next(1000))) ?? ""
            }
            let category = ActCategory.allCases[next(ActCategory.allCases.count)]
            let input = ApplicationInput(receivedOn: received.description, channel: ApplicationChannel.allCases[next(3)].rawValue,
                                         applicantKind: (natural ? ApplicantKind.naturalPerson : .legalPerson).rawValue, applicantName: name,
                                         applicantID: idNumber, respondentCode: index == 0 ? "SFX-DL" : respondents[next(respondents.count)], actCategory: category.rawValue,
                                         enforcementDomain: ["市场监管", "综合执法", "生态环境", "自然资源", "住房城乡建设", "人力资源社会保障"][next(6)],
                                         actOn: received.adding(days: -(5 + next(40))).description, request: requests[next(requests.count)])
            let row = try await CaseService.register(input, by: by, services: context.services, on: context.database)
            typealias Step = (offset: Int, action: (CivilDate) -> CaseAction)
            let steps: [Step]
            switch index % 10 {
            case 0: steps = []
            case 1: steps = [(2, { .requestCorrection(on: $0, items: "请补充提交被申请行政行为的书面材料", receivedOn: $0) }), (8, { .receiveCorrection(on: $0) }),
                             (10, { .accept(on: $0, procedure: .ordinary, major: false) }), (14, { .sendCopy(on: $0) })]
            case 2: steps = [(3, { .refuse(on: $0, reason: "申请人与被申请行政行为无利害关系") }), (10, { .archive(on: $0) })]
            case 3: steps = [(4, { .refer(on: $0, body: "示范市税务局") })]
            case 4: steps = [(3, { .accept(on: $0, procedure: .summary, major: false, summaryGround: .smallAmount) }), (5, { .sendCopy(on: $0) }), (9, { .receiveReply(on: $0) }),
                             (25, { .conclude(on: $0, outcome: .uphold, selfCorrected: false, note: "") }), (27, { .serve(on: $0) }), (35, { .archive(on: $0) })]
            case 5: steps = [(4, { .accept(on: $0, procedure: .ordinary, major: false) }), (8, { .sendCopy(on: $0) }), (18, { .receiveReply(on: $0) }),
                             (55, { .extend(on: $0, days: 30, approver: "县司法局行政复议科负责人", reason: "案情复杂，需调取补充证据") }),
                             (80, { .conclude(on: $0, outcome: .annul, selfCorrected: false, note: "认定事实不清") }), (82, { .serve(on: $0) })]
            case 6: steps = [(2, { .accept(on: $0, procedure: .ordinary, major: false) }), (6, { .sendCopy(on: $0) }),
                             (20, { .suspend(on: $0, ground: .interpretationNeeded, reason: "") }),
                             (50, { .resume(on: $0) }), (70, { .conclude(on: $0, outcome: .mediation, selfCorrected: false, note: "双方达成调解协议") })]
            case 7: steps = [(3, { .accept(on: $0, procedure: .ordinary, major: false) }), (7, { .sendCopy(on: $0) }), (15, { .receiveReply(on: $0) }),
                             (30, { .conclude(on: $0, outcome: .withdrawal, selfCorrected: true, note: "被申请人撤销原行政行为，申请人撤回申请") })]
            case 8: steps = [(5, { .accept(on: $0, procedure: .ordinary, major: false) }), (16, { .sendCopy(on: $0) })]
            default: steps = [(3, { .accept(on: $0, procedure: .ordinary, major: true) }), (5, { .sendCopy(on: $0) }), (14, { .receiveReply(on: $0) }),
                              (20, { .scheduleHearing(noticeOn: $0, hearingOn: $0.adding(days: 14)) }),
                              (45, { .conclude(on: $0, outcome: .alter, selfCorrected: false, note: "罚款数额明显不当") }), (47, { .serve(on: $0) }), (60, { .archive(on: $0) })]
            }
            // A case left at a middle step is a recent one; an older one in those states was decided long ago:
            // the county's open clocks are this season's, a few overdue by days or weeks, none by months.
            var path = steps
            if [0, 1, 8].contains(index % 10), received < today.adding(days: -60) {
                path = [(3, { .accept(on: $0, procedure: .ordinary, major: false) }), (6, { .sendCopy(on: $0) }), (15, { .receiveReply(on: $0) }),
                        (40, { .conclude(on: $0, outcome: .uphold, selfCorrected: false, note: "") }), (42, { .serve(on: $0) }), (50, { .archive(on: $0) })]
            }
            for step in path {
                let date = received.adding(days: step.offset)
                guard date <= today else { break }
                try await CaseService.perform(step.action(date), on: row.id!, by: by, services: context.services, on: context.database)
            }
        }
    }
}
