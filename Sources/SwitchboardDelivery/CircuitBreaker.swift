import SwitchboardCore

/// Stops sending to a target that looks down, and probes it with one request at a time until it
/// answers again. A pure state machine: the dispatcher asks it before each attempt and tells it
/// each outcome.
///
/// - closed: everything is sent; `threshold` outages in a row (network or TLS failures, timeouts,
///   5xx) open it.
/// - open: nothing is sent until `openUntil`; the first attempt after that is the probe.
/// - probing: one request is out; the others wait. Success closes the breaker; another outage
///   opens it again for twice as long (up to `maxOpenMilliseconds`).
///
/// Answers that are not outages (2xx, 4xx, 429) close it: the vendor is up.
public struct CircuitBreaker: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case closed(outagesInARow: Int)
        case open(until: Instant, openedFor: Int64)
        case probing(openedFor: Int64)
    }

    /// What the dispatcher may do with an attempt.
    public enum Permit: Sendable, Equatable {
        case send
        /// Send: this is the one request that tests whether the target is back.
        case probe
        /// Do not send; try again at this time.
        case wait(until: Instant)
    }

    public private(set) var state: State = .closed(outagesInARow: 0)
    public let threshold: Int
    public let openMilliseconds: Int64
    public let maxOpenMilliseconds: Int64
    /// How long the other attempts wait while a probe is out.
    public let probeWaitMilliseconds: Int64

    public init(threshold: Int = 5, openMilliseconds: Int64 = 5_000, maxOpenMilliseconds: Int64 = 300_000,
                probeWaitMilliseconds: Int64 = 1_000) {
        self.threshold = max(threshold, 1)
        self.openMilliseconds = max(openMilliseconds, 1)
        self.maxOpenMilliseconds = max(maxOpenMilliseconds, openMilliseconds)
        self.probeWaitMilliseconds = max(probeWaitMilliseconds, 1)
    }

    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// May an attempt be sent at `now`?
    public mutating func permit(now: Instant) -> Permit {
        switch state {
        case .closed:
            return .send
        case .open(let until, let openedFor):
            guard now >= until else { return .wait(until: until) }
            state = .probing(openedFor: openedFor)
            return .probe
        case .probing:
            return .wait(until: Instant(milliseconds: now.milliseconds + probeWaitMilliseconds))
        }
    }

    /// Records an attempt's outcome: `outage` for a network or TLS failure, a timeout or a 5xx.
    /// Returns true when this outcome changed whether the breaker is closed.
    @discardableResult
    public mutating func record(outage: Bool, now: Instant) -> Bool {
        let wasClosed = isClosed
        switch (state, outage) {
        case (_, false):
            state = .closed(outagesInARow: 0)
        case (.closed(let count), true):
            state = count + 1 >= threshold
                ? .open(until: Instant(milliseconds: now.milliseconds + openMilliseconds), openedFor: openMilliseconds)
                : .closed(outagesInARow: count + 1)
        case (.probing(let openedFor), true):
            let longer = min(openedFor * 2, maxOpenMilliseconds)
            state = .open(until: Instant(milliseconds: now.milliseconds + longer), openedFor: longer)
        case (.open, true):
            break  // an attempt sent before the breaker opened; it is open already
        }
        return wasClosed != isClosed
    }

    /// Whether an attempt's verdict counts as an outage of the target.
    public static func isOutage(_ verdict: Verdict, status: Int?) -> Bool {
        guard case .retry(let reason) = verdict else { return false }
        if let status { return status >= 500 }
        return !reason.hasPrefix("paused")
    }
}
