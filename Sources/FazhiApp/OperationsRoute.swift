import FazhiCore

/// The operations endpoints (health, readiness, Prometheus metrics): registered from here only.
public enum OperationsRoute: String, RouteTemplate, CaseIterable {
    case healthz = "healthz"
    case metrics = "metrics"
    case readyz = "readyz"
}
