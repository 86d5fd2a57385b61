/// What a fault run counted. The counting rule: every accepted event is delivered, pending or
/// dead-lettered (`lost` is 0); no user's events arrive out of order (`inversions` is 0); an
/// event arrives twice only if it was in flight when the gateway died (`duplicates` is at most
/// the attempts in flight at the kills).
public struct FaultReport: Sendable, CustomStringConvertible {
    public var scenario: FaultScenario
    /// Gateway instances on the journal.
    public var instances = 1
    public var seconds = 0.0
    /// How long the load ran (the run's `duration`, or longer for its `minimumFaults`), and the
    /// events accepted per second of it.
    public var loadSeconds = 0.0
    public var acceptedPerSecond: Double { loadSeconds > 0 ? Double(accepted) / loadSeconds : 0 }
    /// How long after the load the journal took to settle (every delivery done or dead).
    public var settleSeconds = 0.0
    /// Events the load generator sent, and how the gateway answered them.
    public var sent = 0
    public var accepted = 0
    public var refused = 0
    /// Requests that got no answer (the gateway was down or died mid-request).
    public var unanswered = 0
    /// Faults injected (kills, SIGTERMs, vendor outages).
    public var faults = 0
    /// SIGTERM stops that did not end with exit status 0 within the drain time.
    public var uncleanStops = 0
    /// Gateway crashes: exits no fault caused, or crash reports in the gateways' logs, whichever
    /// is more.
    public var crashes = 0
    /// Distinct events the vendor accepted.
    public var delivered = 0
    /// Deliveries still pending or dead at the end.
    public var pending = 0
    public var dead = 0
    /// Accepted events that were neither delivered nor pending nor dead.
    public var lost = 0
    public var duplicates = 0
    /// Pairs of one user's events the vendor received in the wrong order.
    public var inversions = 0
    /// The most duplicates the counting rule allows: attempts in flight when the gateway was killed
    /// or the vendor's server stopped (at most one per user each time, since each user sends one
    /// event at a time); none otherwise.
    public var allowedDuplicates = 0

    public init(scenario: FaultScenario) { self.scenario = scenario }

    /// True when the counting rule holds (and there was something to count).
    public var holds: Bool {
        accepted > 0 && lost == 0 && inversions == 0 && pending == 0 && dead == 0 && uncleanStops == 0 && crashes == 0 && duplicates <= allowedDuplicates
    }

    public var description: String {
        "scenario=\(scenario.rawValue) instances=\(instances) seconds=\(String(format: "%.1f", seconds)) sent=\(sent) accepted=\(accepted) "
            + "refused=\(refused) unanswered=\(unanswered) faults=\(faults) unclean_stops=\(uncleanStops) crashes=\(crashes) "
            + "delivered=\(delivered) pending=\(pending) dead=\(dead) lost=\(lost) duplicates=\(duplicates) "
            + "inversions=\(inversions) allowed_duplicates=\(allowedDuplicates) holds=\(holds) "
            + "accepted_per_second=\(String(format: "%.0f", acceptedPerSecond)) settle_seconds=\(String(format: "%.1f", settleSeconds))"
    }
}
