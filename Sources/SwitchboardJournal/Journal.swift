import SwitchboardCore

/// The durable record of accepted events and of each delivery's state.
///
/// Writes are grouped: concurrent `append` and `record` calls share one transaction (one fsync).
public protocol Journal: Sendable {
    /// A random id chosen when the journal was created; part of every idempotency key.
    var journalId: String { get }
    /// Journals events with a pending delivery per target; `completion` runs (on the journal's
    /// writer thread) once they are committed or failed. It must not block: other writes wait.
    func append(_ events: [NewEvent], completion: @escaping @Sendable (Result<[AppendedEvent], any Error>) -> Void)
    /// Records attempt outcomes; returns once they are committed, with the settled deliveries
    /// among them whose line moved on: the next delivery of the same user to the same target was
    /// waiting its turn and is due now.
    @discardableResult
    func record(_ outcomes: [DeliveryOutcome]) async throws -> Set<Int64>
    /// Records outcomes without waiting; `completion` runs once they are committed or failed,
    /// with the settled deliveries whose line moved on.
    func record(_ outcomes: [DeliveryOutcome], completion: @escaping @Sendable (Result<Set<Int64>, any Error>) -> Void)
    /// Pending deliveries due at `now`, oldest first, skipping `excluding` and those to
    /// `skippingTargets`. A delivery is left out while an earlier one of the same user to the
    /// same target is pending (per-user order).
    func dueDeliveries(now: Instant, limit: Int, excluding: Set<Int64>, skippingTargets: Set<String>) throws -> [DueDelivery]
    /// The first pending delivery of `userId` to `target`, if it is due at `now`: the next one to
    /// send once the one before it has settled.
    func headOfLine(target: String, userId: String, now: Instant) throws -> DueDelivery?
    /// True when several gateway instances share this journal. Then a delivery is sent only by
    /// the instance holding its lease: the one that appended it (until `firstAttemptDue`), or the
    /// one whose `claimDue`/`claimHeadOfLine` returned it (until `leaseUntil`).
    var isShared: Bool { get }
    /// `dueDeliveries`, and on a shared journal each returned delivery is leased to the caller
    /// until `leaseUntil` (its next attempt is due then, should the caller die); deliveries other
    /// instances are claiming at the same moment are skipped, not waited for.
    func claimDue(now: Instant, limit: Int, excluding: Set<Int64>, skippingTargets: Set<String>, leaseUntil: Instant) throws
        -> [DueDelivery]
    /// `headOfLine`, leased to the caller like `claimDue` on a shared journal; nil when another
    /// instance claimed it first.
    func claimHeadOfLine(target: String, userId: String, now: Instant, leaseUntil: Instant) throws -> DueDelivery?
    /// Leases those of `deliveryIds` that are pending and due at `now` (nobody else holds them)
    /// to the caller until `leaseUntil`; returns the ones it got. On a journal of one gateway,
    /// all of them: the dispatcher's in-flight set is the claim there.
    func claim(_ deliveryIds: [Int64], now: Instant, leaseUntil: Instant) throws -> Set<Int64>
    /// The attempts made so far when the delivery is still pending (not delivered or dead); nil
    /// when it is not.
    func pendingAttempts(deliveryId: Int64) throws -> Int?
    /// Deliveries the filter chooses, newest first.
    func deliveries(matching filter: DeliveryFilter) throws -> [DeliveryRecord]
    /// How many deliveries are pending, and when the oldest of their events was accepted.
    func backlog() throws -> (count: Int, oldest: Instant?)
    /// One delivery with its attempt history, or nil.
    func delivery(id: Int64) throws -> DeliveryRecord?
    /// Deletes up to `limit` events accepted before `cutoff` whose deliveries were all delivered (or skipped),
    /// with their deliveries and attempt history; returns how many events went.
    func prune(acceptedBefore cutoff: Instant, limit: Int) async throws -> Int
    /// Bytes the journal's data takes (pages in use, not free ones).
    func usedBytes() throws -> Int64
    /// Makes every pending delivery that is held by a lease for a first attempt (never attempted,
    /// due later) due at `now`; returns how many. For the start of the only gateway on this
    /// journal: no attempt of its can be in flight then.
    func releaseLeases(now: Instant) async throws -> Int
    /// A route's events accepted in `[since, until)` and each target's deliveries of them;
    /// `targets` are listed (in this order) even when they have no delivery.
    func routeReport(route: String, since: Instant?, until: Instant?, targets: [String]) throws -> RouteReport
    /// Adds a pending delivery to the range's target for up to `limit` of its events that have
    /// none, oldest first; returns how many. Repeating it until 0 is safe after a crash: an event
    /// is never given a second delivery to the same target.
    func enqueueBackfill(_ range: BackfillRange, now: Instant, limit: Int) async throws -> Int
    /// The events the query chooses, oldest first, and how many match in all.
    func events(matching query: EventQuery) throws -> EventPage
    /// Makes dead or pending deliveries due at `now` again (attempt counts and last errors stay);
    /// returns how many changed. Delivered ones are never sent again.
    func replay(deliveryIds: [Int64], now: Instant) async throws -> Int
    /// Finishes queued writes and lets go of connections; nothing may be called after it.
    func close()
    /// Builds the index that lists one user's events when `wanted` (a route lists events) and
    /// drops it otherwise, calling `starting` first (on a large journal it takes a while);
    /// returns true when it changed. For the only gateway on the journal: a shared journal keeps
    /// the index whatever its instances' routes, and changes nothing.
    func indexEventsByUser(_ wanted: Bool, starting: @Sendable () -> Void) async throws -> Bool
}

extension Journal {
    /// Journals events with a pending delivery per target; returns once they are committed.
    public func append(_ events: [NewEvent]) async throws -> [AppendedEvent] {
        try await withCheckedThrowingContinuation { continuation in
            append(events) { continuation.resume(with: $0) }
        }
    }

    /// A journal of one gateway: its in-process claims (the dispatcher's in-flight set) are enough.
    public var isShared: Bool { false }

    public func close() {}

    public func indexEventsByUser(_ wanted: Bool, starting: @Sendable () -> Void) async throws -> Bool { false }

    /// True when the delivery is still pending (not delivered or dead).
    public func isPending(deliveryId: Int64) throws -> Bool {
        try pendingAttempts(deliveryId: deliveryId) != nil
    }

    /// Deliveries in the given states, newest first.
    public func deliveries(states: Set<DeliveryState>, limit: Int) throws -> [DeliveryRecord] {
        var filter = DeliveryFilter()
        filter.states = states
        filter.limit = limit
        return try deliveries(matching: filter)
    }

    public func claimDue(now: Instant, limit: Int, excluding: Set<Int64>, skippingTargets: Set<String>, leaseUntil: Instant) throws
        -> [DueDelivery]
    {
        try dueDeliveries(now: now, limit: limit, excluding: excluding, skippingTargets: skippingTargets)
    }

    public func dueDeliveries(now: Instant, limit: Int, excluding: Set<Int64>) throws -> [DueDelivery] {
        try dueDeliveries(now: now, limit: limit, excluding: excluding, skippingTargets: [])
    }

    public func claimDue(now: Instant, limit: Int, excluding: Set<Int64>, leaseUntil: Instant) throws -> [DueDelivery] {
        try claimDue(now: now, limit: limit, excluding: excluding, skippingTargets: [], leaseUntil: leaseUntil)
    }

    public func claimHeadOfLine(target: String, userId: String, now: Instant, leaseUntil: Instant) throws -> DueDelivery? {
        try headOfLine(target: target, userId: userId, now: now)
    }

    public func claim(_ deliveryIds: [Int64], now: Instant, leaseUntil: Instant) throws -> Set<Int64> {
        Set(deliveryIds)
    }
}
