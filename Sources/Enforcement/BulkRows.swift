import FazhiCore
import FazhiDeadlines
import Foundation

// The batch inserts of a ledger import (`LedgerStore.flush`); `BulkInsertTests` checks the columns.

extension PenaltyCase: BulkInsertable {
    public static let bulkColumns = ["id", "case_number", "unit_id", "unit_path", "party_kind", "party_sealed", "party_masked", "violation", "violation_on", "discovered_on", "grave_harm", "status", "filed_on", "officer_ids", "handled_by", "major", "complex", "summary", "notified_on", "review_on", "reviewer", "deliberation_on", "fine_yuan", "decision", "decided_on", "decision_due_on", "served_on", "executed_on", "closed_on", "archived_on", "no_penalty", "changed_on", "change_kind", "change_reason", "benchmark_id", "discretion_tier", "proposed_tiers", "circumstances", "outside_benchmark", "outside_reason", "lenience_item_id", "lenience_reason", "impact_assessed_on", "impact_assessment", "hearing_notice_on", "hearing_on", "hearing_right", "hearing_requested_on", "hearing_waived_on", "first_published_on", "published_on_time", "created_at", "updated_at"]
    public var bulkValues: [BulkValue] {
        [
            .uuid(id),
            .text(caseNumber),
            .uuid(unitID),
            .text(unitPath),
            .text(partyKind),
            .text(partySealed),
            .text(partyMasked),
            .text(violation),
            .text(violationOn),
            .text(discoveredOn),
            .bool(graveHarm),
            .text(status),
            .text(filedOn),
            .text(officerIDs),
            .text(handledBy),
            .bool(major),
            .bool(complex),
            .bool(summary),
            .text(notifiedOn),
            .text(reviewOn),
            .text(reviewer),
            .text(deliberationOn),
            .int(fineYuan),
            .text(decision),
            .text(decidedOn),
            .text(decisionDueOn),
            .text(servedOn),
            .text(executedOn),
            .text(closedOn),
            .text(archivedOn),
            .bool(noPenalty),
            .text(changedOn),
            .text(changeKind),
            .text(changeReason),
            .text(benchmarkID),
            .text(discretionTier),
            .text(proposedTiers),
            .text(circumstances),
            .bool(outsideBenchmark),
            .text(outsideReason),
            .text(lenienceItemID),
            .text(lenienceReason),
            .text(impactAssessedOn),
            .text(impactAssessment),
            .text(hearingNoticeOn),
            .text(hearingOn),
            .bool(hearingRight),
            .text(hearingRequestedOn),
            .text(hearingWaivedOn),
            .text(firstPublishedOn),
            .bool(publishedOnTime),
            .date(createdAt),
            .date(updatedAt),
        ]
    }
}

extension PenaltyCaseEvent: BulkInsertable {
    public static let bulkColumns = ["id", "case_id", "action", "happened_on", "detail", "actor", "created_at"]
    public var bulkValues: [BulkValue] {
        [
            .uuid(id),
            .uuid($penaltyCase.id),
            .text(action),
            .text(happenedOn),
            .text(detail),
            .text(actor),
            .date(createdAt),
        ]
    }
}

extension PenaltyCaseFinding: BulkInsertable {
    public static let bulkColumns = ["id", "case_id", "unit_path", "case_number", "step", "happened_on", "finding", "statement", "created_at"]
    public var bulkValues: [BulkValue] {
        [
            .uuid(id),
            .uuid(caseID),
            .text(unitPath),
            .text(caseNumber),
            .text(step),
            .text(happenedOn),
            .text(finding),
            .text(statement),
            .date(createdAt),
        ]
    }
}

extension EnforcementPublication: BulkInsertable {
    public static let bulkColumns = ["id", "case_id", "unit_id", "unit_path", "unit_name", "title", "case_number", "party", "violation", "decision", "fine_yuan", "decided_on", "published_on", "due_on", "withdrawn_on", "withdraw_reason", "held_reason", "created_at"]
    public var bulkValues: [BulkValue] {
        [
            .uuid(id),
            .uuid(caseID),
            .uuid(unitID),
            .text(unitPath),
            .text(unitName),
            .text(title),
            .text(caseNumber),
            .text(party),
            .text(violation),
            .text(decision),
            .int(fineYuan),
            .text(decidedOn),
            .text(publishedOn),
            .text(dueOn),
            .text(withdrawnOn),
            .text(withdrawReason),
            .text(heldReason),
            .date(createdAt),
        ]
    }
}
