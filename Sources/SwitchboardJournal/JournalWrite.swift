import SwitchboardCore

/// One write a journal's group committer runs inside a shared transaction. Each box carries the
/// write's input in and its result out of the writer thread.
enum JournalWrite: @unchecked Sendable {
    case append(AppendBox)
    case record(RecordBox)
    case replay(ReplayBox)
    case prune(PruneBox)
    case releaseLeases(ReplayBox)
    case backfill(BackfillBox)

    final class AppendBox: @unchecked Sendable {
        let events: [NewEvent]
        var appended: [AppendedEvent] = []
        /// Set when the quota refused the events (the rest of the group still commits).
        var full: JournalFull?
        init(_ events: [NewEvent]) { self.events = events }

        /// What the committed write gave the caller: its events, or why there are none.
        func result() -> Result<[AppendedEvent], any Error> {
            if let full { return .failure(full) }
            guard appended.count == events.count else {
                return .failure(JournalError(operation: "append", reason: "the write did not complete"))
            }
            return .success(appended)
        }
    }

    /// Attempt outcomes, and those settled deliveries whose user's next delivery to the same
    /// target was waiting its turn and is due now.
    final class RecordBox: @unchecked Sendable {
        let outcomes: [DeliveryOutcome]
        var linesMovedOn: Set<Int64> = []
        init(_ outcomes: [DeliveryOutcome]) { self.outcomes = outcomes }
    }

    /// A replay's (or a lease release's) deliveries, and how many rows changed.
    final class ReplayBox: @unchecked Sendable {
        let ids: [Int64]
        let now: Instant
        var changed = 0
        init(_ ids: [Int64], _ now: Instant) {
            self.ids = ids
            self.now = now
        }
    }

    /// A prune's cutoff, and how many events it deleted.
    final class PruneBox: @unchecked Sendable {
        let cutoff: Instant
        let limit: Int
        var deleted = 0
        init(_ cutoff: Instant, _ limit: Int) {
            self.cutoff = cutoff
            self.limit = limit
        }
    }

    /// A backfill's range, and how many deliveries it added.
    final class BackfillBox: @unchecked Sendable {
        let range: BackfillRange
        let now: Instant
        let limit: Int
        var added = 0
        init(_ range: BackfillRange, _ now: Instant, _ limit: Int) {
            self.range = range
            self.now = now
            self.limit = limit
        }
    }
}
