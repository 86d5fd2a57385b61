import SwitchboardCore

/// A route's events in a time range and how each target did with them: what
/// `switchboard migrate report` shows while two vendors are written side by side.
public struct RouteReport: Sendable, Equatable {
    public struct Target: Sendable, Equatable {
        public let name: String
        public var delivered = 0, pending = 0, dead = 0, skipped = 0
        /// The events of the range this target has no delivery for (not a target then, or not
        /// backfilled yet).
        public var missing = 0
        /// The most frequent reasons of pending and dead deliveries, most frequent first.
        public var reasons: [(reason: String, count: Int)] = []

        public init(name: String) { self.name = name }

        public static func == (a: Target, b: Target) -> Bool {
            a.name == b.name && a.delivered == b.delivered && a.pending == b.pending && a.dead == b.dead
                && a.skipped == b.skipped && a.missing == b.missing && a.reasons.map(\.reason) == b.reasons.map(\.reason)
                && a.reasons.map(\.count) == b.reasons.map(\.count)
        }
    }

    /// Events delivered to one target and dead-lettered on another.
    public struct Difference: Sendable, Equatable {
        public let deliveredTo: String
        public let failedOn: String
        public let count: Int
        /// Up to ten of those events' ids, oldest first.
        public let examples: [Int64]

        public init(deliveredTo: String, failedOn: String, count: Int, examples: [Int64]) {
            self.deliveredTo = deliveredTo
            self.failedOn = failedOn
            self.count = count
            self.examples = examples
        }
    }

    public let route: String
    public let since: Instant?
    public let until: Instant?
    public let events: Int
    public let targets: [Target]
    public let differences: [Difference]

    public init(route: String, since: Instant?, until: Instant?, events: Int, targets: [Target], differences: [Difference]) {
        self.route = route
        self.since = since
        self.until = until
        self.events = events
        self.targets = targets
        self.differences = differences
    }
}

/// What a backfill asks for: the route's events accepted in a time range, for one target.
public struct BackfillRange: Sendable, Equatable {
    public let route: String
    public let target: String
    /// Accepted at or after `since` and before `until`.
    public let since: Instant?
    public let until: Instant?

    public init(route: String, target: String, since: Instant?, until: Instant?) {
        self.route = route
        self.target = target
        self.since = since
        self.until = until
    }
}
