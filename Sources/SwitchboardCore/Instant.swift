/// An exact point in time: whole seconds since the Unix epoch plus nanoseconds.
///
/// Switchboard never guesses a time's unit from the size of a number; each conversion names its
/// unit (see ``TimeFormat``).
public struct Instant: Sendable, Hashable, Comparable {
    public var seconds: Int64
    /// 0 ..< 1_000_000_000
    public var nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Milliseconds since the epoch, rounded down.
    public var milliseconds: Int64 { seconds * 1000 + Int64(nanoseconds / 1_000_000) }

    public init(milliseconds: Int64) {
        let (q, r) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        self = r < 0
            ? Instant(seconds: q - 1, nanoseconds: Int32(r + 1000) * 1_000_000)
            : Instant(seconds: q, nanoseconds: Int32(r) * 1_000_000)
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// The latest instant Switchboard accepts: 9999-12-31T23:59:59Z.
    public static let maxSeconds: Int64 = 253_402_300_799
}

/// Where Switchboard reads the current time, so tests and mapping examples can fix it.
public protocol SwitchboardClock: Sendable {
    func now() -> Instant
}

/// The system's real-time clock.
public struct SystemClock: SwitchboardClock {
    public init() {}

    public func now() -> Instant {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Instant(seconds: Int64(spec.tv_sec), nanoseconds: Int32(spec.tv_nsec))
    }
}

/// A clock that always answers the same instant.
public struct FixedClock: SwitchboardClock {
    public let instant: Instant
    public init(_ instant: Instant) { self.instant = instant }
    public func now() -> Instant { instant }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
