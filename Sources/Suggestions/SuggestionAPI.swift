import FazhiCore
import Foundation

/// This module's records in `/api/v1` (issue 20): lists by keyset and single records, through
/// `ModuleRouter.resource`, personal data masked; figures with their records and imports are the
/// platform's (`/api/v1/figures/{key}`, `/api/v1/imports/{importer}`).
public enum SuggestionAPIRoute: String, RouteTemplate, CaseIterable {
    case suggestions = "suggestions"
    case suggestionsRecord = "suggestions/:id"
}

enum SuggestionAPI {
    static func register(_ router: ModuleRouter) {
        router.resource(Suggestion.self, list: SuggestionAPIRoute.suggestions, record: SuggestionAPIRoute.suggestionsRecord, title: "人大代表建议、政协委员提案", permission: SuggestionPermissions.read, fields: [
            APIField("kind", .string("类别")) { .text($0.kind) },
            APIField("session", .string("届次")) { .text($0.session) },
            APIField("number", .string("编号")) { .text($0.number) },
            APIField("title", .string("标题")) { .text($0.title) },
            APIField("proposers", .string("代表、委员")) { .text($0.proposers) },
            APIField("leadUnitPath", .string("主办单位路径")) { .text($0.leadUnitPath) },
            APIField("assignedOn", .nullable(.string("交办日期"))) { .text($0.assignedOn) },
            APIField("dueOn", .nullable(.string("答复期限"))) { .text($0.dueOn) },
            APIField("answeredOn", .nullable(.string("答复日期"))) { .text($0.answeredOn) },
            APIField("answerClass", .nullable(.string("答复类别"))) { .text($0.answerClass) },
            APIField("satisfaction", .nullable(.string("满意度"))) { .text($0.satisfaction) },
        ])
    }
}
