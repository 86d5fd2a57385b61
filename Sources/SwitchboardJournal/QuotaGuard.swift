import Foundation

/// Keeps a journal under its size quota. Used on the writer thread only.
final class QuotaGuard: @unchecked Sendable {
    let maxBytes: Int64?
    /// The size measured last, plus an estimate of what was appended since.
    private var estimate: Int64 = 0
    private var measuredAt = ContinuousClock.now - .seconds(60)

    init(maxBytes: Int64?) { self.maxBytes = maxBytes }

    /// Throws ``JournalFull`` when appending `events` would go over the quota; `measure` reads the
    /// journal's size (at most once a second, or when the estimate comes near the quota).
    func admit(_ events: [NewEvent], measure: () throws -> Int64) throws {
        guard let maxBytes else { return }
        let adding = events.reduce(Int64(0)) { $0 + Int64($1.canonical.count + 300 * max(1, $1.targets.count)) }
        if estimate + adding >= maxBytes || ContinuousClock.now - measuredAt > .seconds(1) {
            estimate = try measure()
            measuredAt = ContinuousClock.now
        }
        guard estimate + adding < maxBytes else { throw JournalFull(usedBytes: estimate, maxBytes: maxBytes) }
        estimate += adding
    }
}
