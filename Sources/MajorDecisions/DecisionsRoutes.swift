import FazhiCore

/// Every page of the major-decisions module: registered, linked and put in the menu from here only.
public enum DecisionRoute: String, RouteTemplate, CaseIterable {
    case list = "decisions"
    case new = "decisions/new"
    case importPage = "decisions/import"
    case importTemplate = "decisions/import/template.csv"
    /// POST: publish (or adjust) a unit's 决策事项目录 of a year.
    case catalogue = "decisions/catalogue"
    case record = "decisions/:id"
    case steps = "decisions/:id/steps"
    /// POST: the draft and its explanation (决策草案及其说明), before it goes out for comment.
    case draft = "decisions/:id/draft"
}
