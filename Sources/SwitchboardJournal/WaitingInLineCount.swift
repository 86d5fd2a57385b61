import GRDB

/// At least as many deliveries as wait in line in the SQLite journal (see ``WaitingInLine``), so
/// that settling a delivery looks for the next one in its line only while one may be waiting:
/// users seldom send again before their last event has settled, and the look-up is a join.
///
/// Counted from the journal when the writer first runs, and again whenever another connection
/// (a backfill or replay run from the command line) has committed since; the writer's own
/// transactions add what they queue and take off what they promote, once they commit. A waiting
/// delivery settled another way (the retry worker sends a line's head) leaves the count too high,
/// which costs only look-ups, so a count above zero is taken again every so often. Only the
/// writer thread uses it.
final class WaitingInLineCount: @unchecked Sendable {
    private var committed = 0
    private var added = 0
    private var promoted = 0
    /// `PRAGMA data_version` when last counted: it changes when another connection commits.
    private var countedAt: Int64?
    private var transactionsSinceCount = 0
    /// How many transactions a count above zero is kept before it is taken again.
    static let recountEvery = 1024

    /// A transaction starts (call it inside, with the write lock held).
    func begin(_ db: Database) throws {
        added = 0
        promoted = 0
        let version = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
        transactionsSinceCount += 1
        guard version != countedAt || (committed > 0 && transactionsSinceCount >= Self.recountEvery) else { return }
        committed = try Int.fetchOne(db.cachedStatement(sql: """
            SELECT COUNT(*) FROM deliveries WHERE state = 'pending' AND next_attempt_at = ?
            """), arguments: [WaitingInLine.dueAt]) ?? 0
        countedAt = version
        transactionsSinceCount = 0
    }

    /// Whether any delivery may be waiting in line now, in the transaction under way.
    var mayBeWaiting: Bool { committed + added - promoted > 0 }

    /// The transaction queued `count` deliveries behind earlier ones.
    func queued(_ count: Int) { added += count }

    /// The transaction made one waiting delivery due.
    func promotedOne() { promoted += 1 }

    /// The transaction committed.
    func committedTransaction() {
        committed = max(committed + added - promoted, 0)
        added = 0
        promoted = 0
    }
}
