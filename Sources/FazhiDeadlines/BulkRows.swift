import FazhiCore
import Foundation

// The batch insert of clocks a ledger import opens; `BulkInsertTests` checks the columns.

extension StatutoryClock: BulkInsertable {
    public static let bulkColumns = ["id", "kind", "module_id", "title", "link", "record_type", "record_id", "unit_id", "unit_path", "ledger", "due_date", "calendar_version", "closed", "opened_by", "created_at", "updated_at"]
    public var bulkValues: [BulkValue] {
        [
            .uuid(id),
            .text(kind),
            .text(moduleID),
            .text(title),
            .text(link),
            .text(recordType),
            .text(recordID),
            .uuid(unitID),
            .text(unitPath),
            .text(ledger),
            .text(dueDate),
            .int(calendarVersion),
            .bool(closed),
            .text(openedBy),
            .date(createdAt),
            .date(updatedAt),
        ]
    }
}
