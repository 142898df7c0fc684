import Fluent
import Foundation

/// The fictional 示范县: 25 departments, 12 townships with their villages, and an account for every
/// role. Generated from a fixed seed, so the demo and the tests see the same county. Later modules
/// add their records to it through their manifests' `demoSeed`.
public enum DemoCounty {
    public static let password = "Fazhi@Demo2026"
    public static let rootCode = "SFX"
    public static let governmentCode = "SFX-GOV"
    /// 999 is no real province prefix: the demo's division code cannot be mistaken for a real one.
    static let divisionCode = "999901"

    public static let departments: [(code: String, name: String)] = [
        ("SFX-SFJ", "示范县司法局"), ("SFX-SCJG", "示范县市场监督管理局"), ("SFX-ZHZF", "示范县综合行政执法局"),
        ("SFX-STHJ", "示范县生态环境分局"), ("SFX-ZRZY", "示范县自然资源局"), ("SFX-ZJ", "示范县住房和城乡建设局"),
        ("SFX-JT", "示范县交通运输局"), ("SFX-NY", "示范县农业农村局"), ("SFX-SL", "示范县水利局"),
        ("SFX-WL", "示范县文化广电旅游体育局"), ("SFX-WJ", "示范县卫生健康委员会"), ("SFX-YJ", "示范县应急管理局"),
        ("SFX-GA", "示范县公安局"), ("SFX-JY", "示范县教育局"), ("SFX-RS", "示范县人力资源和社会保障局"),
        ("SFX-MZ", "示范县民政局"), ("SFX-CZ", "示范县财政局"), ("SFX-FG", "示范县发展和改革局"),
        ("SFX-GX", "示范县工业和信息化局"), ("SFX-SW", "示范县商务局"), ("SFX-LY", "示范县林业局"),
        ("SFX-YB", "示范县医疗保障局"), ("SFX-TJ", "示范县统计局"), ("SFX-SJ", "示范县审计局"),
        ("SFX-ZWFW", "示范县政务服务和数据管理局"),
    ]

    public static let townships: [(code: String, name: String, kind: UnitKind)] = [
        ("SFX-CG", "城关镇", .township), ("SFX-DL", "东岭镇", .township), ("SFX-XH", "西河镇", .township),
        ("SFX-NH", "南湖乡", .township), ("SFX-BS", "北山乡", .township), ("SFX-QS", "青石镇", .township),
        ("SFX-BY", "白云乡", .township), ("SFX-QX", "清溪镇", .township), ("SFX-TY", "桃源乡", .township),
        ("SFX-LW", "柳湾镇", .township), ("SFX-SQ", "石桥镇", .township), ("SFX-JS", "金沙街道", .subdistrict),
    ]

    static let villageNames = ["新村", "前进", "红旗", "和平", "东风", "团结", "胜利", "光明", "幸福", "长青", "永安", "兴隆",
                               "太平", "富民", "丰收", "建设", "联合", "先锋", "新华", "民主", "双河", "三里", "五星", "九龙"]

    public struct DemoAccount: Sendable {
        public var loginName: String
        public var displayName: String
        public var role: Role
        public var unitCode: String
        /// The TOTP secret (base32) for accounts whose role requires a second factor.
        public var totpSecret: String?
    }

    public static let accounts: [(login: String, name: String, role: Role, unit: String)] = [
        ("sysadmin", "王系统", .systemAdmin, "SFX-ZWFW"),
        ("secadmin", "李安全", .securityAdmin, "SFX-ZWFW"),
        ("auditor", "赵审计", .auditAdmin, "SFX-SFJ"),
        ("supervisor", "陈监督", .supervisor, "SFX-SFJ"),
        ("leader", "周县长", .leader, governmentCode),
        ("officer.scjg", "孙执法", .departmentOfficer, "SFX-SCJG"),
        ("reviewer.scjg", "吴法审", .legalReviewer, "SFX-SCJG"),
        ("officer.zhzf", "郑城管", .departmentOfficer, "SFX-ZHZF"),
        ("staff.cg", "冯乡干", .townshipStaff, "SFX-CG"),
        ("staff.dl", "蒋乡干", .townshipStaff, "SFX-DL"),
    ]

    /// A USCC for a government body (登记管理部门 1 = 机构编制, 类别 1 = 机关) in the demo division.
    static func governmentUSCC(_ random: inout SeededRandom) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        var organisation = ""
        for _ in 0..<9 { organisation.append(alphabet[Int(random.next() % 10)]) }
        return USCC.completing("11" + divisionCode + organisation)!
    }

    /// Whether the demo county is already there.
    public static func isSeeded(on db: any Database) async throws -> Bool {
        try await UnitService.find(code: rootCode, on: db) != nil
    }

    /// Creates the county, its units and accounts, through the same services the UI uses (so every
    /// record is audited). Returns the accounts with their TOTP secrets.
    @discardableResult
    public static func seed(_ context: DemoContext) async throws -> [DemoAccount] {
        let services = context.services
        let db = context.database
        var random = SeededRandom(seed: context.seed)
        let operatorPrincipal = Principal.system("演示数据生成")
        // Units exist from the start of 2019, so every yearly figure has a base.
        var past = services
        past.clock = AppClock { Date(timeIntervalSince1970: 1_546_272_000) }  // 2019-01-01 00:00 Asia/Shanghai
        try await UnitService.create(UnitInput(code: rootCode, name: "示范县", kind: UnitKind.jurisdiction.label), by: operatorPrincipal, services: past, on: db)
        try await UnitService.create(UnitInput(code: governmentCode, name: "示范县人民政府", kind: UnitKind.countyGovernment.label, parentCode: rootCode,
                                               uscc: governmentUSCC(&random)), by: operatorPrincipal, services: past, on: db)
        for (index, department) in departments.enumerated() {
            try await UnitService.create(UnitInput(code: department.code, name: department.name, kind: UnitKind.department.label,
                                                   parentCode: governmentCode, uscc: governmentUSCC(&random), sortOrder: String(index + 1)),
                                         by: operatorPrincipal, services: past, on: db)
        }
        for (index, township) in townships.enumerated() {
            try await UnitService.create(UnitInput(code: township.code, name: township.name, kind: township.kind.label,
                                                   parentCode: governmentCode, uscc: governmentUSCC(&random), sortOrder: String(index + 1)),
                                         by: operatorPrincipal, services: past, on: db)
            let villageCount = 3 + Int(random.next() % 4)
            var names = villageNames
            for number in 1...villageCount {
                let name = names.remove(at: Int(random.next() % UInt64(names.count)))
                let kind: UnitKind = township.kind == .subdistrict ? .community : .village
                try await UnitService.create(UnitInput(code: "\(township.code)-\(String(format: "%02d", number))",
                                                       name: name + (kind == .community ? "社区" : "村"), kind: kind.label,
                                                       parentCode: township.code, sortOrder: String(number)),
                                             by: operatorPrincipal, services: past, on: db)
            }
        }
        let demoAccounts = Self.demoAccounts(services: services)
        for account in demoAccounts {
            let user = try await AccountService.createUser(loginName: account.loginName, displayName: account.displayName, unitCode: account.unitCode,
                                                           password: password, role: account.role, mustChangePassword: false,
                                                           by: operatorPrincipal, services: past, on: db)
            // Accounts date from 2019 for the yearly figures, but their password is fresh.
            user.passwordChangedAt = services.now
            if let secret = account.totpSecret {
                user.totpSecret = try services.cipher.seal(secret)
                user.totpEnabled = true
            }
            try await user.save(on: db)
        }
        return demoAccounts
    }

    /// The demo accounts, with a TOTP secret for each role that needs one. The secrets are random for
    /// each installation (never derived from the published seed, which anyone can read in the code).
    public static func demoAccounts(services: FazhiServices) -> [DemoAccount] {
        var generator = SystemRandomNumberGenerator()
        return accounts.map { account in
            var secret: String?
            if services.config.totpRequiredRoles.contains(account.role) {
                secret = Base32.encode(Data((0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
            }
            return DemoAccount(loginName: account.login, displayName: account.name, role: account.role, unitCode: account.unit, totpSecret: secret)
        }
    }

    /// The demo accounts as stored, with their TOTP secrets opened: what the demo banner prints.
    public static func storedAccounts(services: FazhiServices, on db: any Database) async throws -> [DemoAccount] {
        var found: [DemoAccount] = []
        for account in accounts {
            guard let user = try await UserAccount.query(on: db).filter(\.$loginName == account.login).first() else { continue }
            let secret = try user.totpSecret.map { try services.cipher.open($0) }
            found.append(DemoAccount(loginName: account.login, displayName: account.name, role: account.role, unitCode: account.unit, totpSecret: secret))
        }
        return found
    }

    /// FNV-1a over the UTF-8 bytes: stable across runs, unlike `hashValue`.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
