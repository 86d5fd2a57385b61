/// What the data path counts, in the words of the metrics it feeds (`/metrics` on the admin
/// listener). A failure that will be retried is counted as retried, never as dropped.
public protocol EventMetrics: Sendable {
    /// This many events were committed to the journal.
    func journaled(route: String, count: Int)
    /// An app's request was answered with success for this many events.
    func accepted(route: String, count: Int)
    /// An app's request was refused (bad input, auth, …) before anything was stored.
    func rejected(route: String, errorType: String)
    /// An app's request to a route was answered after this long.
    func answered(route: String, seconds: Double)
    func delivered(target: String, seconds: Double)
    func retried(target: String, errorType: String)
    func deadLettered(target: String, errorType: String)
    /// A delivery was left out by one of the target vendor's rules (never sent).
    func skipped(target: String)
    /// A target's circuit breaker opened (nothing is sent but probes) or closed again.
    func circuit(target: String, open: Bool)
}

/// Counts nothing.
public struct NoMetrics: EventMetrics {
    public init() {}
    public func journaled(route: String, count: Int) {}
    public func accepted(route: String, count: Int) {}
    public func rejected(route: String, errorType: String) {}
    public func answered(route: String, seconds: Double) {}
    public func delivered(target: String, seconds: Double) {}
    public func retried(target: String, errorType: String) {}
    public func deadLettered(target: String, errorType: String) {}
    public func skipped(target: String) {}
    public func circuit(target: String, open: Bool) {}
}

/// The `error_type` label of a failure reason: a small fixed set, so dashboards stay stable.
public enum ErrorType {
    public static func of(reason: String, status: Int?) -> String {
        if let status {
            if status == 429 { return "rate_limited" }
            return status >= 500 ? "http_5xx" : "http_4xx"
        }
        for prefix in ["tls", "network", "config", "mapping", "paused", "circuit"] where reason.hasPrefix(prefix) { return prefix }
        if reason.hasPrefix("retry window") { return "retry_window" }
        return "other"
    }
}
