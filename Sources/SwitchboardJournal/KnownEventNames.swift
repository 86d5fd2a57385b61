/// The event names (per route) the SQLite journal already holds, so that the writer skips the
/// `event_names` insert for a name it has written before: a route has few names and sends them
/// again and again. A name counts as known only once the transaction that wrote it has
/// committed; one rolled back is written again by its next try. Only the writer thread uses it.
final class KnownEventNames: @unchecked Sendable {
    /// More names than this are not remembered (a route that makes up names per event).
    static let limit = 10_000

    private var known: Set<Key> = []
    private var written: [Key] = []

    private struct Key: Hashable {
        let route: String
        let name: String
    }

    func contains(route: String, name: String) -> Bool { known.contains(Key(route: route, name: name)) }

    /// `name` was written (or found present) in the transaction under way.
    func wrote(route: String, name: String) { written.append(Key(route: route, name: name)) }

    /// A transaction starts: nothing it writes is known yet.
    func begin() { written.removeAll(keepingCapacity: true) }

    /// The transaction committed: what it wrote is in the journal.
    func committed() {
        for key in written where known.count < Self.limit { known.insert(key) }
        written.removeAll(keepingCapacity: true)
    }
}
