import SwitchboardCore
import SwitchboardMapping

/// Paces requests to a vendor's rate limit by handing out send times `perSeconds / requests`
/// apart, so a window of the vendor's length is given no more slots than it allows. A request
/// that finds no free slot reserves the next one and waits for it in the journal. A pure value:
/// the dispatcher keeps one per target.
public struct RatePacer: Sendable, Equatable {
    /// Milliseconds between two slots.
    public let spacingMilliseconds: Double
    /// The next free slot, in milliseconds since the epoch.
    private var nextAt: Double = 0

    public init(_ limit: RateLimit) {
        spacingMilliseconds = Double(limit.perSeconds) * 1000 / Double(limit.requests)
    }

    /// Reserves the next slot: `now` or earlier means send now, a later instant means wait until then.
    public mutating func reserve(now: Instant) -> Instant {
        let slot = max(nextAt, Double(now.milliseconds))
        nextAt = slot + spacingMilliseconds
        return Instant(milliseconds: Int64(slot.rounded(.up)))
    }
}
