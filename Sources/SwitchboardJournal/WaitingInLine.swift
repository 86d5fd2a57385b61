/// The `next_attempt_at` of a delivery waiting behind an earlier pending one of its user to the
/// same target: far beyond any due time, so the due query never reads it, however long the line.
/// Settling the delivery ahead makes the next one due in the same transaction. Both journals use it.
enum WaitingInLine {
    static let dueAt: Int64 = 9_000_000_000_000_000
}
