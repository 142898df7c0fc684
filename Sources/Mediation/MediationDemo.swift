import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// The demo county's mediation: the county centre, a committee in each town and in two villages of
/// 城关镇, two professional ones; two past years of disputes carried to their ends (agreements
/// written and oral, 司法确认, failures with the routes told, escalations) and this year's open ones.
enum MediationDemo {
    static let surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"]

    static func seed(_ context: DemoContext) async throws {
        let db = context.database, services = context.services
        let today = CivilDateTime(context.now).date
        let bureau = try await context.principal("supervisor")
        try await MediationService.createBody(name: "示范县矛盾纠纷调处化解中心", level: MediationLevel.county.rawValue, unitCode: "SFX-SFJ", mediators: "12", fullTime: "6",
                                              by: bureau, services: services, on: db)
        try await MediationService.createBody(name: "示范县医疗纠纷人民调解委员会", level: MediationLevel.professional.rawValue, unitCode: "SFX-SFJ", mediators: "7",
                                              fullTime: "2", by: bureau, services: services, on: db)
        try await MediationService.createBody(name: "示范县道路交通事故纠纷人民调解委员会", level: MediationLevel.professional.rawValue, unitCode: "SFX-SFJ",
                                              mediators: "5", fullTime: "2", by: bureau, services: services, on: db)
        try await MediationService.createBody(name: "示范县市场监督管理局消费纠纷行政调解室", level: MediationLevel.administrative.rawValue, unitCode: "SFX-SCJG",
                                              mediators: "4", fullTime: "1", by: bureau, services: services, on: db)
        var townships: [String] = []
        for township in DemoCounty.townships.prefix(6) {
            let name = "\(township.name)人民调解委员会"
            try await MediationService.createBody(name: name, level: MediationLevel.township.rawValue, unitCode: township.code, mediators: "7", fullTime: "1",
                                                  by: bureau, services: services, on: db)
            townships.append(name)
        }
        let villages = ["城关镇第一村人民调解委员会", "城关镇第二村人民调解委员会"]
        for (index, name) in villages.enumerated() {
            try await MediationService.createBody(name: name, level: MediationLevel.village.rawValue, unitCode: "SFX-CG-0\(index + 1)", mediators: "5", fullTime: "0",
                                                  by: bureau, services: services, on: db)
        }
        let bodies = villages + townships + ["示范县医疗纠纷人民调解委员会", "示范县道路交通事故纠纷人民调解委员会", "示范县矛盾纠纷调处化解中心", "示范县市场监督管理局消费纠纷行政调解室"]
        // Two mediators on each body's register, the first full-time.
        var register: [String: [String]] = [:]
        for (position, body) in bodies.enumerated() {
            for seat in 0..<2 {
                let name = mediatorNames[(position * 2 + seat) % mediatorNames.count]
                try await MediationService.addMediator(bodyName: body, name: name, fullTime: seat == 0, background: backgrounds[(position + seat) % backgrounds.count],
                                                       by: bureau, services: services, on: db)
                register[body, default: []].append(name)
            }
        }
        var index = 0
        for (offset, year) in [today.year - 2, today.year - 1].enumerated() {
            for number in 0..<(40 + offset * 10) {
                let accepted = CivilDate(year: year, month: 1 + number % 11, day: 3 + (number * 7) % 24)!
                try await carry(index: index, body: bodies[index % bodies.count], mediator: register[bodies[index % bodies.count]]?[index % 2], accepted: accepted, today: today,
                                by: bureau, services: services, on: db)
                index += 1
            }
        }
        for number in 0..<8 {
            let accepted = today.adding(days: -3 - number * 4)
            try await carry(index: index, body: bodies[index % bodies.count], mediator: register[bodies[index % bodies.count]]?[index % 2], accepted: accepted, today: today,
                            by: bureau, services: services, on: db)
            index += 1
        }
    }

    static let mediatorNames = ["张建国", "王秀英", "李明华", "赵丽娟", "刘德胜", "陈静", "杨志强", "黄淑芬", "周国平", "吴晓燕", "郑长林", "孙桂兰", "马永福", "朱红梅",
                                "胡文斌", "郭玉兰", "何建军", "高凤英", "林海", "罗春花", "梁振华", "宋秀兰", "谢国庆", "韩雪"]
    static let backgrounds = ["退休法官", "律师", "村干部", "退休教师", "基层法律服务工作者", "人民陪审员"]

    static func carry(index: Int, body: String, mediator: String?, accepted: CivilDate, today: CivilDate, by bureau: Principal, services: FazhiServices, on db: any Database) async throws {
        let category = body.contains("医疗") ? DisputeCategory.medical : body.contains("交通") ? .traffic : body.contains("消费") ? .consumer : DisputeCategory.allCases[index % 12]
        let source = DisputeSource.allCases[index % DisputeSource.allCases.count]
        let parties = "\(surnames[index % 10])某某、\(surnames[(index + 3) % 10])某某"
        let row = try await MediationService.accept(bodyName: body, source: source.rawValue, category: category.rawValue, parties: parties,
                                                    summary: "双方因\(category.label)事项发生纠纷", amount: String((index % 7) * 3_000), acceptedOn: accepted.description,
                                                    mediator: mediator, by: bureau, services: services, on: db)
        func step(_ step: DisputeStep, _ on: CivilDate, toBody: String? = nil) async throws -> Bool {
            guard on <= today else { return false }
            try await MediationService.perform(step, on: row.id!, toBody: toBody, by: bureau, services: services, on: db)
            return true
        }
        let first = accepted.adding(days: 3)
        guard try await step(.session(on: first), first) else { return }
        let end = accepted.adding(days: 10 + index % 15)
        switch index % 10 {
        case 7:
            _ = try await step(.fail(on: end, routes: [.lawsuit]), end)
        case 8 where body.contains("村人民调解"):
            guard try await step(.escalate(on: end), end, toBody: "城关镇人民调解委员会") else { return }
            // The township settles what the village could not.
            guard let moved = try await Dispute.query(on: db).filter(\.$escalatedFrom == row.id!).first() else { return }
            for (action, on) in [(DisputeStep.session(on: end.adding(days: 2)), end.adding(days: 2)), (.agree(on: end.adding(days: 9), written: true), end.adding(days: 9))] {
                guard on <= today else { return }
                try await MediationService.perform(action, on: moved.id!, by: bureau, services: services, on: db)
            }
        case 9:
            _ = try await step(.withdraw(on: end), end)
        default:
            guard try await step(.agree(on: end, written: index % 3 != 0), end) else { return }
            if index % 4 == 0 {
                guard try await step(.applyConfirmation(on: end.adding(days: 10)), end.adding(days: 10)) else { return }
                guard try await step(.confirmationResult(on: end.adding(days: 20), confirmed: true), end.adding(days: 20)) else { return }
            }
            guard try await step(.perform(on: end.adding(days: 25)), end.adding(days: 25)) else { return }
            _ = try await step(.revisit(on: end.adding(days: 40)), end.adding(days: 40))
        }
    }
}
