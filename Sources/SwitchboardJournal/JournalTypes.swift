import SwitchboardCore

/// An accepted event, about to be journaled with one delivery per target.
public struct NewEvent: Sendable {
    public var route: String
    /// The inbound provider id.
    public var source: String
    public var name: String?
    public var userId: String?
    public var receivedAt: Instant
    /// The canonical event as JSON bytes.
    public var canonical: [UInt8]
    public var targets: [String]
    /// When the first attempt is due if nobody attempts it first (a crash-safe lease for the
    /// attempt the gateway makes right away).
    public var firstAttemptDue: Instant
    /// Per target, the vendor rules that may leave its delivery out; empty: every target is sent.
    public var gates: [DeliveryGate] = []

    public init(
        route: String, source: String, name: String?, userId: String?, receivedAt: Instant, canonical: [UInt8],
        targets: [String], firstAttemptDue: Instant
    ) {
        self.route = route
        self.source = source
        self.name = name
        self.userId = userId
        self.receivedAt = receivedAt
        self.canonical = canonical
        self.targets = targets
        self.firstAttemptDue = firstAttemptDue
    }
}

/// What the journal assigned to a new event.
public struct AppendedEvent: Sendable {
    public let eventId: Int64
    /// True when no earlier event of this route had the same name (user.com's `created`).
    public let firstOfName: Bool
    /// One delivery id per target, in the order of `NewEvent.targets`.
    public let deliveryIds: [Int64]
    /// Per target: the delivery was left out by a vendor rule (journaled as skipped, never sent).
    public var skipped: [Bool] = []
    /// Per target: the earlier deliveries of the same user to that target that were still pending
    /// when this event was journaled (up to ``earlierPendingLimit`` of them, one more meaning
    /// "more"). Unless their outcomes are known, this delivery must wait for them.
    public let earlierPending: [[Int64]]
    public static let earlierPendingLimit = 8

    public init(eventId: Int64, firstOfName: Bool, deliveryIds: [Int64], earlierPending: [[Int64]], skipped: [Bool] = []) {
        self.eventId = eventId
        self.firstOfName = firstOfName
        self.deliveryIds = deliveryIds
        self.earlierPending = earlierPending
        self.skipped = skipped
    }

    /// True when the delivery to target `index` must wait: an earlier one of the same user is
    /// pending and `isSettled` does not know its final outcome yet (it may be known but not yet
    /// committed: a delivered answer comes back before its outcome is written).
    public func waits(target index: Int, isSettled: (Int64) -> Bool = { _ in false }) -> Bool {
        let earlier = earlierPending[index]
        return earlier.count > Self.earlierPendingLimit || earlier.contains { !isSettled($0) }
    }
}

public enum DeliveryState: String, Sendable, CaseIterable {
    /// Waiting for its next attempt.
    case pending
    case delivered
    /// Given up on: the reason is in `lastError`; it can be replayed.
    case dead
    /// Left out by one of the target vendor's rules (a duplicate, over a throttle, bot traffic):
    /// never sent, the rule named in `lastError`. Final, like delivered.
    case skipped
}

/// A target vendor's rule applied to one delivery as it is journaled: left out outright, or
/// through throttles that count events per key in the journal, atomically with the append.
public struct DeliveryGate: Sendable, Equatable {
    /// Left out for this reason (a stateless rule, e.g. bot traffic).
    public var skip: String?
    public var throttles: [Throttle] = []

    public init(skip: String? = nil, throttles: [Throttle] = []) {
        self.skip = skip
        self.throttles = throttles
    }

    /// Why the delivery is left out, or nil. `count` tells how many events a throttle let
    /// through in its window; a delivery let through is then `record`ed by every throttle (all
    /// of its throttles count it, or none do).
    func skipReason(count: (Throttle) throws -> Int, record: (Throttle) throws -> Void) rethrows -> String? {
        if let skip { return skip }
        for throttle in throttles where try count(throttle) >= throttle.max { return throttle.reason }
        for throttle in throttles { try record(throttle) }
        return nil
    }

    /// At most `max` events per `key` in `scope` (target and rule) per window; the next is left out.
    public struct Throttle: Sendable, Equatable {
        public let scope: String
        public let key: String
        public let max: Int
        public let windowMilliseconds: Int64
        /// Recorded on a delivery left out by this throttle.
        public let reason: String

        public init(scope: String, key: String, max: Int, windowMilliseconds: Int64, reason: String) {
            self.scope = scope
            self.key = key
            self.max = max
            self.windowMilliseconds = windowMilliseconds
            self.reason = reason
        }
    }
}

/// The result of one delivery attempt, to be recorded.
public struct DeliveryOutcome: Sendable {
    public var deliveryId: Int64
    public var state: DeliveryState
    public var attempts: Int
    public var nextAttemptAt: Instant?
    public var lastStatus: Int?
    /// A short reason without secrets or payloads.
    public var lastError: String?
    public var at: Instant
    /// True when this outcome ends an attempt that failed (it goes into the attempt history).
    public var failedAttempt = false
    /// The vendor's error answer, shortened and with credentials masked.
    public var excerpt: String?

    public init(
        deliveryId: Int64, state: DeliveryState, attempts: Int, nextAttemptAt: Instant?, lastStatus: Int?,
        lastError: String?, at: Instant
    ) {
        self.deliveryId = deliveryId
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.at = at
    }
}

/// A pending delivery whose attempt is due, with what is needed to make it.
public struct DueDelivery: Sendable {
    public let deliveryId: Int64
    public let eventId: Int64
    public let route: String
    public let target: String
    public let attempts: Int
    public let canonical: [UInt8]
    /// When the event was accepted.
    public let receivedAt: Instant
    /// The last attempt's reason, if any.
    public let lastError: String?
    /// The event's user, whose order this delivery keeps.
    public let userId: String?
}

/// One failed attempt of a delivery.
public struct AttemptRecord: Sendable, Equatable {
    public let at: Instant
    public let status: Int?
    public let error: String?

    public init(at: Instant, status: Int?, error: String?) {
        self.at = at
        self.status = status
        self.error = error
    }
}

/// Which deliveries `failures list` and `replay` choose. Empty fields choose everything.
public struct DeliveryFilter: Sendable {
    public var states: Set<DeliveryState> = [.pending, .dead]
    public var eventId: Int64?
    public var target: String?
    public var userId: String?
    /// Events accepted at or after this time.
    public var since: Instant?
    /// Events accepted before this time.
    public var until: Instant?
    public var limit = 100

    public init() {}
}

/// A delivery as `failures list` shows it.
public struct DeliveryRecord: Sendable {
    public let deliveryId: Int64
    public let eventId: Int64
    public let route: String
    public let target: String
    public let eventName: String?
    public let userId: String?
    public let receivedAt: Instant
    public let state: DeliveryState
    public let attempts: Int
    public let nextAttemptAt: Instant?
    public let lastStatus: Int?
    public let lastError: String?
    public let updatedAt: Instant
    /// The vendor's last error answer, shortened and with credentials masked.
    public var excerpt: String?
    /// Failed attempts, oldest first (filled in by ``Journal/delivery(id:)``).
    public var history: [AttemptRecord] = []
}

/// How hard each commit pushes data to disk.
public enum Durability: String, Sendable, CaseIterable {
    /// fsync on every commit: an accepted event survives a power loss.
    case full
    /// fsync at WAL checkpoints: an accepted event survives a crash of the process, not of the machine.
    case normal
}
