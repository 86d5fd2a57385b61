import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardJournal

/// Deletes events whose deliveries were all delivered once they are older than the retention,
/// which also frees space under the journal's quota. Pending and dead-lettered events are kept.
public struct JournalPruner: Service {
    let journal: any Journal
    let clock: any SwitchboardClock
    let retention: Duration
    let interval: Duration
    let logger: Logger

    public init(journal: any Journal, clock: any SwitchboardClock, retention: Duration, interval: Duration, logger: Logger) {
        self.journal = journal
        self.clock = clock
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            await pruneOnce()
            // The interval is long: a graceful shutdown must not wait for it to pass.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Events deleted per transaction: small enough that the appends queued behind one wait
    /// for milliseconds, not for a tenth of a second.
    static let batch = 250

    /// Prunes everything past the retention, in batches; returns how many events went. After
    /// each full batch it pauses as long as the batch took, so that a large backlog of expired
    /// events (millions, after a long retention was shortened) takes at most half of the
    /// journal's writer and intake goes on meanwhile.
    @discardableResult
    public func pruneOnce() async -> Int {
        let cutoff = Instant(milliseconds: clock.now().milliseconds - retention.components.seconds * 1000)
        var total = 0
        do {
            while true {
                let started = ContinuousClock.now
                let deleted = try await journal.prune(acceptedBefore: cutoff, limit: Self.batch)
                total += deleted
                if deleted < Self.batch || Task.isCancelledOrShuttingDown { break }
                try? await Task.sleep(for: ContinuousClock.now - started)
            }
        } catch {
            logger.error("could not prune the journal", metadata: ["sb.error": "\(error)"])
        }
        if total > 0 { logger.info("pruned delivered events", metadata: ["sb.events": "\(total)"]) }
        return total
    }
}
