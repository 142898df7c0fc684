import FazhiCore
import Disclosure
import Enforcement
import EnforcementSupervision
import FazhiDeadlines
import LegalAffairs
import Litigation
import MajorDecisions
import NormativeDocuments
import Reconsideration
import Mediation
import Indicators
import LegalEducation
import Oversight
import Reports
import ServiceCatalogue
import Suggestions

/// The modules of this installation, in order. Adding a module is one line here.
public let installedModules: [FazhiModule] = [
    CoreModule.manifest,
    DeadlinesModule.manifest,
    ReconsiderationModule.manifest,
    LitigationModule.manifest,
    EnforcementModule.manifest,
    SupervisionModule.manifest,
    NormativeDocumentsModule.manifest,
    MajorDecisionsModule.manifest,
    LegalAffairsModule.manifest,
    DisclosureModule.manifest,
    SuggestionsModule.manifest,
    ServiceCatalogueModule.manifest,
    MediationModule.manifest,
    OversightModule.manifest,
    LegalEducationModule.manifest,
    IndicatorsModule.manifest,
    ReportsModule.manifest,
]
