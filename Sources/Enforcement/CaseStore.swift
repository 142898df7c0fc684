import FazhiCalendar
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation

/// Where a penalty case's step reads the facts around the case and writes what it did.
///
/// On the platform each step runs in its own transaction (`TransactionStore`). A ledger import
/// replays thousands of rows against `LedgerStore`, which reads each fact once for the whole file
/// and writes what the steps did in batches. Both run the same `PenaltyCaseService.registerLead`
/// and `PenaltyCaseService.step`, so an imported case meets the same rules, opens the same clocks
/// and leaves the same timeline as a case recorded by hand, and the same audit entries, folded
/// into one row per case (`PenaltyLedgerReplayTests` compares the two row for row).
protocol PenaltyStore: AnyObject {
    var services: FazhiServices { get }
    /// The transaction, for the reads neither store keeps (the discretion benchmarks).
    var database: any Database { get }

    func unit(code: String) async throws -> OrgUnit?
    func unitName(_ id: UUID) async throws -> String
    func enforcementBody(unitID: UUID) async throws -> EnforcementBody?
    func caseNumberTaken(_ number: String) async throws -> Bool
    /// The enforcement certificate with that number, if any.
    func certificate(number: String) async throws -> OfficerCertificate?
    /// Whether the officer is active and holds an enforcement certificate valid on `day`.
    func qualified(officerID: UUID, on day: CivilDate) async throws -> Bool
    func calendar() async throws -> WorkCalendar
    func openClock(kind: String, record: ClockRecord) async throws -> StatutoryClock?
    func currentPublication(caseID: UUID) async throws -> EnforcementPublication?

    func insert(_ row: PenaltyCase) async throws
    func update(_ row: PenaltyCase) async throws
    func insert(_ event: PenaltyCaseEvent) async throws
    func insert(_ finding: PenaltyCaseFinding) async throws
    func insert(_ publication: EnforcementPublication) async throws
    func update(_ publication: EnforcementPublication) async throws
    func openClock(_ kind: ClockKind, for row: PenaltyCase, start: CivilDate, reason: String, by principal: Principal) async throws
    func recordOnOpen(_ event: ClockEvent, kind: String, record: ClockRecord, by principal: Principal) async throws
    func audit(_ event: AuditEvent, by actor: AuditActor) async throws
    /// The case as the rules see it (`PenaltyCase.state`), and the state a step left it in.
    func state(of row: PenaltyCase) -> PenaltyCaseState
    func remember(_ state: PenaltyCaseState, of row: PenaltyCase)
}

/// One step on the platform: every read and write goes to the step's transaction at once.
final class TransactionStore: PenaltyStore {
    let database: any Database
    let services: FazhiServices

    init(_ database: any Database, services: FazhiServices) {
        self.database = database
        self.services = services
    }

    func unit(code: String) async throws -> OrgUnit? { try await UnitService.find(code: code, on: database) }
    func unitName(_ id: UUID) async throws -> String { try await services.unitNames.of([id], services: services, on: database)[id] ?? "" }
    func enforcementBody(unitID: UUID) async throws -> EnforcementBody? {
        try await EnforcementBody.query(on: database).filter(\.$unitID == unitID).first()
    }
    func caseNumberTaken(_ number: String) async throws -> Bool {
        try await PenaltyCase.query(on: database).filter(\.$caseNumber == number).count() > 0
    }
    func certificate(number: String) async throws -> OfficerCertificate? {
        try await OfficerCertificate.query(on: database).filter(\.$number == number).filter(\.$kind == CertificateKind.enforcement.rawValue).first()
    }
    func qualified(officerID: UUID, on day: CivilDate) async throws -> Bool {
        try await OfficerService.qualified(officerID, on: day, db: database)
    }
    func calendar() async throws -> WorkCalendar { try await CalendarService.current(services: services, on: database) }
    func openClock(kind: String, record: ClockRecord) async throws -> StatutoryClock? {
        try await ClockService.openClock(kind: kind, record: record, on: database)
    }
    func currentPublication(caseID: UUID) async throws -> EnforcementPublication? {
        try await PublicationService.current(caseID: caseID, on: database)
    }

    func insert(_ row: PenaltyCase) async throws { try await row.create(on: database) }
    func update(_ row: PenaltyCase) async throws { try await row.update(on: database) }
    func insert(_ event: PenaltyCaseEvent) async throws { try await event.create(on: database) }
    func insert(_ finding: PenaltyCaseFinding) async throws { try await finding.create(on: database) }
    func insert(_ publication: EnforcementPublication) async throws { try await publication.create(on: database) }
    func update(_ publication: EnforcementPublication) async throws { try await publication.update(on: database) }
    func openClock(_ kind: ClockKind, for row: PenaltyCase, start: CivilDate, reason: String, by principal: Principal) async throws {
        try await ClockService.open(kind: kind.key, unitID: row.unitID, title: "\(row.caseNumber) \(kind.rule.title)", record: row.clockRecord,
                                    start: CivilDateTime(date: start), startReason: reason, rule: kind.rule, by: principal, services: services, on: database)
    }
    func recordOnOpen(_ event: ClockEvent, kind: String, record: ClockRecord, by principal: Principal) async throws {
        try await ClockService.recordOnOpen(event, kind: kind, record: record, by: principal, services: services, on: database)
    }
    func audit(_ event: AuditEvent, by actor: AuditActor) async throws {
        try await AuditLog.append(event, by: actor, at: services.now, on: database)
    }
    func state(of row: PenaltyCase) -> PenaltyCaseState { row.state }
    func remember(_ state: PenaltyCaseState, of row: PenaltyCase) {}
}

/// A ledger import's store. The facts the rules read are loaded once for the whole file (units,
/// enforcement bodies, the case numbers already taken, the certificates the ledger names and their
/// officers, the calendar); each row's case, clocks and publication live in memory while its steps
/// run; what the steps wrote is inserted in batches by `flush`, inside the import's transaction,
/// so the file still lands whole or not at all.
final class LedgerStore: PenaltyStore {
    let database: any Database
    let services: FazhiServices
    private var units: [String: OrgUnit] = [:]
    private var unitNames: [UUID: String] = [:]
    private var bodies: [UUID: EnforcementBody] = [:]
    private var takenNumbers: Set<String> = []
    private var certificates: [String: OfficerCertificate] = [:]
    private var activeOfficers: Set<UUID> = []
    private var officerCertificates: [UUID: [OfficerCertificate]] = [:]
    private var workCalendar: WorkCalendar?

    private var cases: [PenaltyCase] = []
    private var events: [PenaltyCaseEvent] = []
    private var findings: [PenaltyCaseFinding] = []
    private var publications: [EnforcementPublication] = []
    private var clocks: [StatutoryClock] = []
    private var audits: [AuditEntry] = []
    /// The audit entries of the row being replayed, folded into one by `endRow`.
    private var rowAudits: [AuditEntry] = []
    /// The kind of each clock the row opened, by its id: `endRow` names a clock by its kind.
    private var rowClockKinds: [String: String] = [:]
    /// The state the last step left the row's case in: the next step starts from it instead of
    /// reading forty model fields back (only `PenaltyCase.apply` changes them in between).
    private var caseState: (row: PenaltyCase, state: PenaltyCaseState)?
    /// The open clocks and the current publication of the cases in memory.
    private var openClocks: [String: StatutoryClock] = [:]
    private var currentPublications: [UUID: EnforcementPublication] = [:]

    /// Loads what the rows of a file will ask for: `unitCodes`, `caseNumbers` and the enforcement
    /// `certificateNumbers` the file names.
    init(services: FazhiServices, on database: any Database, unitCodes: Set<String>, caseNumbers: Set<String>,
         certificateNumbers: Set<String>) async throws {
        self.database = database
        self.services = services
        for chunk in Array(unitCodes).chunked(500) {
            for unit in try await OrgUnit.query(on: database).filter(\.$code ~~ chunk).all() {
                units[unit.code] = unit
                unitNames[unit.id!] = unit.name
            }
        }
        let unitIDs = units.values.compactMap(\.id)
        for chunk in unitIDs.chunked(500) {
            for body in try await EnforcementBody.query(on: database).filter(\.$unitID ~~ chunk).all() where bodies[body.unitID] == nil {
                bodies[body.unitID] = body
            }
        }
        for chunk in Array(caseNumbers).chunked(500) {
            for row in try await PenaltyCase.query(on: database).filter(\.$caseNumber ~~ chunk).field(\.$id).field(\.$caseNumber).all() {
                takenNumbers.insert(row.caseNumber)
            }
        }
        var officerIDs: Set<UUID> = []
        for chunk in Array(certificateNumbers).chunked(500) {
            for certificate in try await OfficerCertificate.query(on: database).filter(\.$number ~~ chunk)
                .filter(\.$kind == CertificateKind.enforcement.rawValue).all() where certificates[certificate.number] == nil {
                certificates[certificate.number] = certificate
                officerIDs.insert(certificate.$officer.id)
            }
        }
        for chunk in Array(officerIDs).chunked(500) {
            for officer in try await EnforcementOfficer.query(on: database).filter(\.$id ~~ chunk).filter(\.$active == true).all() {
                activeOfficers.insert(officer.id!)
            }
            for certificate in try await OfficerCertificate.query(on: database).filter(\.$officer.$id ~~ chunk)
                .filter(\.$kind == CertificateKind.enforcement.rawValue).all() {
                officerCertificates[certificate.$officer.id, default: []].append(certificate)
            }
        }
    }

    func unit(code: String) async throws -> OrgUnit? { units[code] }
    func unitName(_ id: UUID) async throws -> String {
        if let name = unitNames[id] { return name }
        return try await services.unitNames.of([id], services: services, on: database)[id] ?? ""
    }
    func enforcementBody(unitID: UUID) async throws -> EnforcementBody? { bodies[unitID] }
    func caseNumberTaken(_ number: String) async throws -> Bool { takenNumbers.contains(number) }
    func certificate(number: String) async throws -> OfficerCertificate? { certificates[number] }
    func qualified(officerID: UUID, on day: CivilDate) async throws -> Bool {
        activeOfficers.contains(officerID) && (officerCertificates[officerID] ?? []).contains { $0.valid(on: day.description) }
    }
    func calendar() async throws -> WorkCalendar {
        if let workCalendar { return workCalendar }
        let loaded = try await CalendarService.current(services: services, on: database)
        workCalendar = loaded
        return loaded
    }
    private static func key(_ kind: String, _ record: ClockRecord) -> String { record.type + "|" + record.id.text + "|" + kind }
    func openClock(kind: String, record: ClockRecord) async throws -> StatutoryClock? { openClocks[Self.key(kind, record)] }
    func currentPublication(caseID: UUID) async throws -> EnforcementPublication? { currentPublications[caseID] }

    func insert(_ row: PenaltyCase) async throws {
        if row.id == nil { row.id = .v4() }
        takenNumbers.insert(row.caseNumber)
        cases.append(row)
    }
    /// The row is inserted by `flush` as it stands then.
    func update(_ row: PenaltyCase) async throws {}
    func insert(_ event: PenaltyCaseEvent) async throws { events.append(event) }
    func insert(_ finding: PenaltyCaseFinding) async throws { findings.append(finding) }
    func insert(_ publication: EnforcementPublication) async throws {
        if publication.id == nil { publication.id = .v4() }
        publications.append(publication)
        currentPublications[publication.caseID] = publication
    }
    func update(_ publication: EnforcementPublication) async throws {
        if publication.withdrawnOn != nil { currentPublications[publication.caseID] = nil }
    }
    func openClock(_ kind: ClockKind, for row: PenaltyCase, start: CivilDate, reason: String, by principal: Principal) async throws {
        guard principal.covers(unitPath: row.unitPath) else { throw ScopeDenied(entityType: "unit", entityID: row.unitID.uuidString) }
        let (clock, event) = try ClockService.opening(kind: kind.key, unit: (row.unitID, row.unitPath), title: "\(row.caseNumber) \(kind.rule.title)",
                                                      record: row.clockRecord, start: CivilDateTime(date: start), startReason: reason,
                                                      rule: kind.rule, calendar: try await calendar(), by: principal, services: services,
                                                      defersLedger: true)
        clocks.append(clock)
        openClocks[Self.key(kind.key, row.clockRecord)] = clock
        rowClockKinds[clock.id!.uuidString] = kind.key
        rowAudits.append(AuditEntry(event, by: principal.auditActor, at: services.now))
    }
    func recordOnOpen(_ event: ClockEvent, kind: String, record: ClockRecord, by principal: Principal) async throws {
        let key = Self.key(kind, record)
        guard let clock = openClocks[key] else { return }
        guard principal.covers(unitPath: clock.unitPath) else { throw ScopeDenied(entityType: "statutory_clock", entityID: clock.id!.uuidString) }
        let audit = try ClockService.recording(event, on: clock, calendar: try await calendar(), services: services)
        if clock.closed { openClocks[key] = nil }
        rowAudits.append(AuditEntry(audit, by: principal.auditActor, at: services.now))
    }
    func audit(_ event: AuditEvent, by actor: AuditActor) async throws {
        rowAudits.append(AuditEntry(event, by: actor, at: services.now))
    }
    func state(of row: PenaltyCase) -> PenaltyCaseState {
        if let caseState, caseState.row === row { return caseState.state }
        return row.state
    }
    func remember(_ state: PenaltyCaseState, of row: PenaltyCase) { caseState = (row, state) }

    /// Ends a ledger row: its steps' and clocks' audit entries become one row for the case
    /// (`AuditEntry.folded`), appended by `importer`. A historical breach keeps a row of its own,
    /// as on the platform, so the findings stay searchable in the trail.
    ///
    /// In the folded lines an entry's entity is named relative to the case: the case itself by
    /// nothing (it is the row's entity), each of its clocks by its kind (a case has one clock of a
    /// kind). The lines then carry no random ids, whose runs of digits the trail's scan for
    /// personal data would read as telephone numbers (`AuditPersonalDataTests`).
    func endRow(_ row: PenaltyCase, by importer: Principal) {
        var steps: [AuditEntry] = []
        let caseID = row.id!.uuidString
        for var entry in rowAudits {
            if entry.event.action == PenaltyCaseService.findingAction { audits.append(entry); continue }
            if entry.event.entityID == caseID { entry.event.entityID = "" } else if let kind = rowClockKinds[entry.event.entityID] { entry.event.entityID = kind }
            steps.append(entry)
        }
        let summary = AuditEvent(action: PenaltyCaseService.importedAction, entityType: "penalty_case", entityID: row.id!.uuidString,
                                 detail: "台账导入\(row.caseNumber)：\(steps.count)项记录，逐项如下")
        audits.append(AuditEntry.folded(steps, into: summary, by: importer.auditActor, at: services.now))
        rowAudits.removeAll(keepingCapacity: true)
        rowClockKinds.removeAll(keepingCapacity: true)
        caseState = nil
    }

    /// Forgets what a refused row wrote: the file will not land, and the memory is freed.
    func discardPending() {
        cases.removeAll()
        events.removeAll()
        findings.removeAll()
        publications.removeAll()
        clocks.removeAll()
        audits.removeAll()
        rowAudits.removeAll()
        rowClockKinds.removeAll()
        caseState = nil
        openClocks.removeAll()
        currentPublications.removeAll()
    }

    /// How many rows wait to be written.
    var pending: Int { cases.count + events.count + findings.count + publications.count + clocks.count + audits.count }

    /// The batch being inserted while the next rows are replayed.
    private var writing: Task<Void, any Error>?

    /// Hands what the steps so far wrote to the database, cases before the rows that refer to them,
    /// and the audit rows last in the order the steps appended them. Call it between rows, never
    /// inside one.
    ///
    /// The batch is inserted in the background while the caller replays the next rows (the rules
    /// read only what this store holds in memory): the replay on one core, the database's work on
    /// the other. Batches go in one at a time, in order: this waits for the previous one, and
    /// rethrows its failure. `finish()` waits for the last.
    func flush() async throws {
        try await writing?.value
        writing = nil
        let batch = LedgerBatch(cases: cases, events: events, findings: findings, publications: publications, clocks: clocks, audits: audits)
        discardPending()
        guard !batch.isEmpty else { return }
        let database = self.database
        writing = Task { try await batch.insert(on: database) }
    }

    /// Flushes and waits until every batch is in the database.
    func finish() async throws {
        try await flush()
        try await writing?.value
        writing = nil
    }

    /// Waits for a batch still being inserted, whatever its outcome: before the import's
    /// transaction ends on an error, nothing may still write on its connection.
    func settle() async {
        _ = try? await writing?.value
        writing = nil
    }
}

/// One batch of a ledger import's rows, owned by the background insert once handed over
/// (`LedgerStore.flush`): nothing else holds its models after that.
private final class LedgerBatch: @unchecked Sendable {
    let cases: [PenaltyCase]
    let events: [PenaltyCaseEvent]
    let findings: [PenaltyCaseFinding]
    let publications: [EnforcementPublication]
    let clocks: [StatutoryClock]
    let audits: [AuditEntry]

    init(cases: [PenaltyCase], events: [PenaltyCaseEvent], findings: [PenaltyCaseFinding], publications: [EnforcementPublication],
         clocks: [StatutoryClock], audits: [AuditEntry]) {
        self.cases = cases
        self.events = events
        self.findings = findings
        self.publications = publications
        self.clocks = clocks
        self.audits = audits
    }

    var isEmpty: Bool { cases.isEmpty && events.isEmpty && findings.isEmpty && publications.isEmpty && clocks.isEmpty && audits.isEmpty }

    func insert(on database: any Database) async throws {
        try await PenaltyCase.insertAll(cases, on: database)
        try await PenaltyCaseEvent.insertAll(events, on: database)
        try await PenaltyCaseFinding.insertAll(findings, on: database)
        try await EnforcementPublication.insertAll(publications, on: database)
        for clock in clocks { try clock.encodeDeferredLedger() }
        try await StatutoryClock.insertAll(clocks, on: database)
        try await AuditLog.append(audits, on: database)
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
