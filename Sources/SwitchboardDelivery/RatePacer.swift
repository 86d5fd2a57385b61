import SwitchboardCore
import SwitchboardMapping

/// Keeps requests to a vendor within its rate limit (`requests` per `perSeconds`).
///
/// Two parts: ``reserve(now:)`` hands out send times spaced about `perSeconds / requests` apart, so a
/// burst is spread out instead of all waking at once; ``admit(now:)`` is the final word at the
/// moment of sending — no window a little longer than the vendor's ever holds more than `requests` sends,
/// even when a delivery comes back later than its slot. A pure value: the dispatcher keeps one
/// per target.
public struct RatePacer: Sendable, Equatable {
    public let limit: RateLimit
    /// Milliseconds between two slots.
    public let spacingMilliseconds: Double
    private let windowMilliseconds: Int64
    /// The next free slot, in milliseconds since the epoch.
    private var nextAt: Double = 0
    /// The send times inside the last window, oldest first.
    private var sent: [Int64] = []

    public init(_ limit: RateLimit) {
        self.limit = limit
        // The vendor counts arrivals, not sends: a request held up on the way (a TLS handshake,
        // a slow hop) arrives closer to the next one. The window is kept 0.5 % + 5 ms longer
        // than the vendor's, so that jitter does not earn a 429 while the pacing still aims at
        // 99 % of a per-second allowance (more of a longer one).
        windowMilliseconds = Int64(limit.perSeconds) * 1005 + 5
        spacingMilliseconds = Double(windowMilliseconds) / Double(limit.requests)
    }

    /// How far past `now` the slots handed out so far reach, in milliseconds (0 when the next
    /// request may go at once).
    public func bookedAhead(now: Instant) -> Double {
        max(0, nextAt - Double(now.milliseconds))
    }

    /// Reserves the next slot: `now` or earlier means go now, a later instant means wait for it.
    public mutating func reserve(now: Instant) -> Instant {
        let slot = max(nextAt, Double(now.milliseconds))
        nextAt = slot + spacingMilliseconds
        return Instant(milliseconds: Int64(slot.rounded(.up)))
    }

    /// Records `count` sends at `now` if the last window has room for them (nil), else says when
    /// it will.
    public mutating func admit(now: Instant, count: Int = 1) -> Instant? {
        let ms = now.milliseconds
        if let stale = sent.firstIndex(where: { $0 > ms - windowMilliseconds }) {
            sent.removeFirst(stale)
        } else {
            sent.removeAll()
        }
        guard sent.count + count <= limit.requests else {
            return Instant(milliseconds: sent[sent.count + count - limit.requests - 1] + windowMilliseconds)
        }
        sent += repeatElement(ms, count: count)
        return nil
    }
}
