/// Exponential backoff with jitter between attempts of one delivery.
///
/// The delay after attempt `n` (from 1) is `base · 2^(n-1)`, capped at `cap`, of which the upper
/// half is random ("equal jitter"): with the defaults (1 s, 5 min) the delays are about
/// 0.5–1 s, 1–2 s, 2–4 s, 4–8 s, … and at most 2.5–5 min.
public struct Backoff: Sendable {
    public var baseMilliseconds: Int64
    public var capMilliseconds: Int64

    public init(baseMilliseconds: Int64 = 1_000, capMilliseconds: Int64 = 300_000) {
        self.baseMilliseconds = baseMilliseconds
        self.capMilliseconds = max(capMilliseconds, baseMilliseconds)
    }

    /// The delay before the attempt after attempt `attempt`.
    /// - Parameter random: returns a value in `0...1`; pass a fixed one in tests.
    public func delayMilliseconds(afterAttempt attempt: Int, random: () -> Double = { Double.random(in: 0...1) }) -> Int64 {
        let exponent = min(max(attempt - 1, 0), 40)
        let (raw, overflow) = baseMilliseconds.multipliedReportingOverflow(by: Int64(1) << exponent)
        let delay = overflow ? capMilliseconds : min(raw, capMilliseconds)
        return delay / 2 + Int64(Double(delay / 2) * min(max(random(), 0), 1))
    }
}
