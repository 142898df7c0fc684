import FazhiCalendar
import FazhiCore
import Fluent
import Foundation

/// The officer roster with certificates and exams: one row per certificate; further rows of the
/// same person (by identity number) add certificates. A person already registered keeps their
/// record and gains the new certificates. All or nothing.
public struct OfficerImporter: Importer {
    public init() {}

    public var id: String { "enforcement-officers" }
    public var title: String { "执法人员与证件" }
    public var permission: Permission { EnforcementPermissions.importRegisters }

    public var columns: [ImportColumn] {
        [
            ImportColumn("姓名", required: true, note: "加密保存，列表脱敏"),
            ImportColumn("身份证号码", required: true, note: "GB 11643 校验；同一人多行表示多张证件"),
            ImportColumn("单位编码", required: true, note: "所在单位"),
            ImportColumn("职务", required: false, note: ""),
            ImportColumn("证件类型", required: false, note: "行政执法证/行政执法监督证；无证件留空证件各列"),
            ImportColumn("证件号码", required: false, note: "不得重复"),
            ImportColumn("发证日期", required: false, note: "YYYY-MM-DD"),
            ImportColumn("有效期至", required: false, note: "YYYY-MM-DD"),
            ImportColumn("证件状态", required: false, note: "有效/暂扣/注销，默认有效"),
            ImportColumn("考试日期", required: false, note: "执法资格考试"),
            ImportColumn("考试成绩", required: false, note: "0–100 的整数；60分及以上为合格"),
        ]
    }

    struct Person: Sendable {
        var row: Int
        var name: String
        var id: String
        var unit: OrgUnit
        var post: String?
        var certificates: [OfficerService.CheckedCertificate]
        var exams: [(CivilDate, Int)]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        let today = CivilDateTime(services.now).date
        var people: [String: Person] = [:]
        var order: [String] = []
        var numbers: [String: Int] = [:]
        var units: [String: OrgUnit] = [:]
        for (position, cells) in table.rows.enumerated() {
            let number = ImportTable.rowNumber(position)
            func value(_ header: String) -> String { table.value(cells, header).trimmingCharacters(in: .whitespaces) }
            func error(_ column: String, _ message: String) { errors.append(ImportRowError(row: number, column: column, message: message)) }
            var validator = Validator()
            let officer = OfficerService.checkOfficer(.init(name: value("姓名"), idNumber: value("身份证号码"), post: value("职务")), validator: &validator)
            var certificate: OfficerService.CheckedCertificate?
            if !value("证件号码").isEmpty || !value("证件类型").isEmpty || !value("发证日期").isEmpty {
                certificate = OfficerService.checkCertificate(.init(kind: value("证件类型"), number: value("证件号码"), issuedOn: value("发证日期"),
                                                                    expiresOn: value("有效期至"), status: value("证件状态")), today: today, validator: &validator)
            }
            let labels = ["name": "姓名", "idNumber": "身份证号码", "post": "职务", "certificateKind": "证件类型", "certificateNumber": "证件号码",
                          "issuedOn": "发证日期", "expiresOn": "有效期至", "certificateStatus": "证件状态"]
            for item in validator.errors { error(labels[item.field] ?? item.label, item.message) }
            if let certificate {
                if let first = numbers[certificate.number] { error("证件号码", "“\(certificate.number)”与第\(first)行重复") } else { numbers[certificate.number] = number }
            }
            var exam: (CivilDate, Int)?
            if !value("考试日期").isEmpty || !value("考试成绩").isEmpty {
                let date = CivilDate(value("考试日期").replacingOccurrences(of: "/", with: "-"))
                let score = Int(value("考试成绩"))
                if date == nil { error("考试日期", FormFields.dateRule) } else if date! > today { error("考试日期", "不能晚于今天") }
                if score == nil || !(0...100).contains(score!) { error("考试成绩", "应为0到100的整数") }
                if let date, let score { exam = (date, score) }
            }
            let code = value("单位编码")
            if units[code] == nil, !code.isEmpty { units[code] = try await UnitService.find(code: code, on: database) }
            guard let unit = units[code] else { error("单位编码", code.isEmpty ? "不能为空" : "没有编码为“\(code)”的单位"); continue }
            if !principal.covers(unitPath: unit.path) { error("单位编码", "“\(code)”不在您的管辖范围内"); continue }
            guard let id = officer.id else { continue }
            if var person = people[id] {
                if person.unit.id != unit.id { error("单位编码", "与第\(person.row)行同一人的单位不一致") }
                if let certificate { person.certificates.append(certificate) }
                if let exam { person.exams.append(exam) }
                people[id] = person
            } else {
                people[id] = Person(row: number, name: officer.name, id: id, unit: unit, post: officer.post, certificates: certificate.map { [$0] } ?? [],
                                    exams: exam.map { [$0] } ?? [])
                order.append(id)
            }
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
        let prepared = order.map { people[$0]! }
        let stamp = services.now
        do {
            try await database.write { db in
                var rowErrors: [ImportRowError] = []
                let taken = Set(try await OfficerCertificate.query(on: db).filter(\.$number ~~ prepared.flatMap { $0.certificates.map(\.number) }).all().map(\.number))
                for person in prepared where person.certificates.contains(where: { taken.contains($0.number) }) {
                    rowErrors.append(ImportRowError(row: person.row, column: "证件号码", message: "证件号码已在系统中登记"))
                }
                if !rowErrors.isEmpty { throw ImportRejected(errors: rowErrors) }
                for person in prepared {
                    let hash = services.cipher.searchHash(person.id)
                    var officer = try await EnforcementOfficer.query(on: db).filter(\.$idHash == hash).first()
                    if let existing = officer, existing.unitID != person.unit.id {
                        throw ImportRejected(errors: [ImportRowError(row: person.row, column: "单位编码", message: "该人员已登记在其他单位，请先调整其单位")])
                    }
                    if officer == nil {
                        let created = try OfficerService.makeOfficer(name: person.name, id: person.id, post: person.post, unit: person.unit, cipher: services.cipher, stamp: stamp)
                        try await created.create(on: db)
                        officer = created
                    }
                    for certificate in person.certificates {
                        try await OfficerService.makeCertificate(certificate, officer: officer!, stamp: stamp).create(on: db)
                    }
                    for (date, score) in person.exams {
                        let exam = OfficerExam()
                        exam.$officer.id = officer!.id!
                        exam.takenOn = date.description
                        exam.score = score
                        exam.passed = score >= 60
                        exam.unitPath = officer!.unitPath
                        try await exam.create(on: db)
                    }
                }
                try await AuditLog.append(AuditEvent(action: "enforcement.officer-import", entityType: "enforcement_officer",
                                                     detail: "导入执法人员\(prepared.count)人、证件\(prepared.reduce(0) { $0 + $1.certificates.count })张"),
                                          by: principal.auditActor, at: stamp, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: table.rows.count, errors: [])
    }
}

/// The power list (权责清单): one row per matter; the body is registered as an enforcement body the
/// first time it appears. All or nothing.
public struct MatterImporter: Importer {
    public init() {}

    public var id: String { "enforcement-matters" }
    public var title: String { "权责清单" }
    public var permission: Permission { EnforcementPermissions.importRegisters }

    public var columns: [ImportColumn] {
        [
            ImportColumn("事项编码", required: true, note: "不得重复"),
            ImportColumn("事项名称", required: true, note: ""),
            ImportColumn("事项类别", required: true, note: MatterKind.allCases.map(\.label).joined(separator: "/")),
            ImportColumn("实施主体单位编码", required: true, note: "部门或乡镇（街道）"),
            ImportColumn("设定依据", required: true, note: "法律、法规、规章的名称和条款"),
            ImportColumn("委托乡镇单位编码", required: false, note: "赋权或委托乡镇（街道）实施的填写"),
            ImportColumn("执法领域", required: false, note: "决定期限依其规定（行政处罚法第六十条）：" + PenaltyDomains.all.map(\.label).joined(separator: "/") + "；不填为一般"),
        ]
    }

    public func run(_ table: ImportTable, by principal: Principal, services: FazhiServices, on database: any Database) async throws -> ImportReport {
        var errors = headerErrors(table)
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        struct Row: Sendable { var code: String; var name: String; var kind: MatterKind; var body: OrgUnit; var basis: String; var delegated: OrgUnit?; var domain: PenaltyDomain? }
        var rows: [Row] = []
        var codes: [String: Int] = [:]
        var units: [String: OrgUnit] = [:]
        for (position, cells) in table.rows.enumerated() {
            let number = ImportTable.rowNumber(position)
            func value(_ header: String) -> String { table.value(cells, header).trimmingCharacters(in: .whitespaces) }
            func error(_ column: String, _ message: String) { errors.append(ImportRowError(row: number, column: column, message: message)) }
            let code = value("事项编码"), name = value("事项名称"), basis = value("设定依据")
            if code.isEmpty { error("事项编码", "不能为空") } else if let first = codes[code] { error("事项编码", "与第\(first)行重复") } else { codes[code] = number }
            if name.isEmpty { error("事项名称", "不能为空") }
            if basis.isEmpty { error("设定依据", "不能为空：每项执法权力须有法律、法规或规章依据") }
            let kindText = value("事项类别")
            let kind = MatterKind.allCases.first { $0.label == kindText || $0.rawValue == kindText }
            if kind == nil { error("事项类别", "应为以下之一：" + MatterKind.allCases.map(\.label).joined(separator: "、")) }
            func unit(_ header: String, required: Bool) async throws -> OrgUnit? {
                let code = value(header)
                if code.isEmpty { if required { error(header, "不能为空") }; return nil }
                if units[code] == nil { units[code] = try await UnitService.find(code: code, on: database) }
                guard let found = units[code] else { error(header, "没有编码为“\(code)”的单位"); return nil }
                if !principal.covers(unitPath: found.path) { error(header, "“\(code)”不在您的管辖范围内") }
                return found
            }
            let body = try await unit("实施主体单位编码", required: true)
            let delegated = try await unit("委托乡镇单位编码", required: false)
            if let delegated, ![UnitKind.township, .subdistrict].contains(delegated.unitKind) { error("委托乡镇单位编码", "只能委托或赋权乡镇、街道") }
            let domainText = value("执法领域")
            let domain = domainText.isEmpty ? nil : PenaltyDomains.named(domainText)
            if !domainText.isEmpty && domain == nil { error("执法领域", "应为以下之一：" + PenaltyDomains.all.map(\.label).joined(separator: "、")) }
            if let body, let domain, let other = rows.first(where: { $0.body.id == body.id && $0.domain != nil && $0.domain != domain }) {
                error("执法领域", "与同一实施主体的事项“\(other.code)”（\(other.domain!.label)）不一致")
            }
            if let body, let kind, !code.isEmpty, !name.isEmpty, !basis.isEmpty {
                rows.append(Row(code: code, name: name, kind: kind, body: body, basis: basis, delegated: delegated, domain: domain))
            }
        }
        if !errors.isEmpty { return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: errors) }
        let prepared = rows
        let stamp = services.now
        let today = CivilDateTime(stamp).date.description
        do {
            try await database.write { db in
                let taken = Set(try await EnforcementMatter.query(on: db).filter(\.$code ~~ prepared.map(\.code)).all().map(\.code))
                let clashes = prepared.enumerated().filter { taken.contains($0.element.code) }
                if !clashes.isEmpty {
                    throw ImportRejected(errors: clashes.map { ImportRowError(row: ImportTable.rowNumber($0.offset), column: "事项编码", message: "“\($0.element.code)”已在系统中") })
                }
                var domainChanges: [String] = []
                var bodies = Dictionary(uniqueKeysWithValues: try await EnforcementBody.query(on: db).all().map { ($0.unitID, $0) })
                for row in prepared {
                    if let body = bodies[row.body.id!] {
                        if let domain = row.domain, body.domain != domain.key {
                            domainChanges.append("\(row.body.code) \(body.penaltyDomain.label)→\(domain.label)")
                            body.domain = domain.key
                            try await body.update(on: db)
                        }
                    } else {
                        let body = EnforcementBody()
                        body.unitID = row.body.id!
                        body.unitPath = row.body.path
                        body.basis = "权责清单导入"
                        body.since = today
                        body.domain = (row.domain ?? PenaltyDomains.general).key
                        body.createdAt = stamp
                        try await body.create(on: db)
                        bodies[row.body.id!] = body
                    }
                    let matter = EnforcementMatter()
                    matter.bodyUnitID = row.body.id!
                    matter.unitPath = row.body.path
                    matter.code = row.code
                    matter.name = row.name
                    matter.kind = row.kind.rawValue
                    matter.basis = row.basis
                    matter.delegatedUnitID = row.delegated?.id
                    matter.active = true
                    matter.createdAt = stamp
                    try await matter.create(on: db)
                }
                try await AuditLog.append(AuditEvent(action: "enforcement.matter-import", entityType: "enforcement_matter", detail: "导入权责清单事项\(prepared.count)项" + (domainChanges.isEmpty ? "" : "；执法领域变更：\(domainChanges.joined(separator: "、"))")),
                                          by: principal.auditActor, at: stamp, on: db)
            }
        } catch let rejected as ImportRejected {
            return ImportReport(rowsRead: table.rows.count, rowsWritten: 0, errors: rejected.errors)
        }
        return ImportReport(rowsRead: table.rows.count, rowsWritten: prepared.count, errors: [])
    }
}
