import Enforcement
import FazhiCore
import FazhiDeadlines
import Fluent
import Foundation
import Testing

/// The batch inserts of a ledger import name every field of their models, in the order of their
/// values (`BulkInsertable`): a field added to a model and not to its batch insert fails here,
/// before an import would leave it empty.
@Suite struct BulkInsertTests {
    static func check<M: BulkInsertable>(_ type: M.Type, _ sample: M) {
        let fields = Set(M.keys.map(\.description))
        #expect(Set(M.bulkColumns) == fields, "\(M.schema): missing \(fields.subtracting(M.bulkColumns).sorted()), extra \(Set(M.bulkColumns).subtracting(fields).sorted())")
        #expect(M.bulkColumns.count == Set(M.bulkColumns).count, "\(M.schema): a column twice")
        #expect(sample.bulkValues.count == M.bulkColumns.count)
    }

    @Test("each batch insert's columns are its model's fields, one value each")
    func columnsAreTheModelsFields() {
        let row = PenaltyCase()
        row.id = UUID(); row.caseNumber = "1"; row.unitID = UUID(); row.unitPath = "/"; row.partyKind = "legal"; row.partySealed = ""; row.partyMasked = ""
        row.violation = ""; row.violationOn = ""; row.discoveredOn = ""; row.graveHarm = false; row.status = "lead"; row.officerIDs = ""; row.handledBy = ""
        row.major = false; row.complex = false; row.summary = false; row.noPenalty = false; row.outsideBenchmark = false; row.hearingRight = false; row.publishedOnTime = false
        row.createdAt = Date(); row.updatedAt = Date()
        Self.check(PenaltyCase.self, row)
        let event = PenaltyCaseEvent()
        event.id = UUID(); event.$penaltyCase.id = UUID(); event.action = ""; event.happenedOn = ""; event.detail = ""; event.actor = ""; event.createdAt = Date()
        Self.check(PenaltyCaseEvent.self, event)
        let finding = PenaltyCaseFinding()
        finding.id = UUID(); finding.caseID = UUID(); finding.unitPath = ""; finding.caseNumber = ""; finding.step = ""; finding.happenedOn = ""
        finding.finding = ""; finding.statement = ""; finding.createdAt = Date()
        Self.check(PenaltyCaseFinding.self, finding)
        let item = EnforcementPublication()
        item.id = UUID(); item.caseID = UUID(); item.unitID = UUID(); item.unitPath = ""; item.unitName = ""; item.title = ""; item.caseNumber = ""
        item.party = ""; item.violation = ""; item.decision = ""; item.decidedOn = ""; item.publishedOn = ""; item.dueOn = ""; item.createdAt = Date()
        Self.check(EnforcementPublication.self, item)
        let clock = StatutoryClock()
        clock.id = UUID(); clock.kind = ""; clock.moduleID = ""; clock.title = ""; clock.unitID = UUID(); clock.unitPath = ""; clock.ledger = ""
        clock.calendarVersion = 0; clock.closed = false; clock.openedBy = ""; clock.createdAt = Date(); clock.updatedAt = Date()
        Self.check(StatutoryClock.self, clock)
    }
}
