import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SwitchboardCore

/// The fleet journal: PostgreSQL, shared by every gateway instance that names the same database.
///
/// Writes go through a group committer on one connection (many events per transaction, as with
/// SQLite); reads use a few connections of their own. Deliveries are claimed with leases
/// (`claimDue`, `claimHeadOfLine`), so instances never send one at the same time and the
/// deliveries of an instance that died are due again once its leases run out.
public final class PostgresJournal: Journal, @unchecked Sendable {
    public let settings: PostgresSettings
    public let journalId: String
    public var isShared: Bool { true }
    let writer: PostgresSession
    let readers: PostgresSessionPool
    private let eventLoops: MultiThreadedEventLoopGroup
    private(set) var committer: GroupCommitter<JournalWrite>!

    /// Connects, applies pending migrations (one instance at a time) and starts the writer.
    /// - Parameter maxBytes: the size quota of the journal's tables; appends are refused with ``JournalFull`` beyond it.
    public init(settings: PostgresSettings, durability: Durability = .full, maxBytes: Int64? = nil,
                logger: Logger = Logger(label: "switchboard.journal.postgres")) throws {
        self.settings = settings
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.eventLoops = eventLoops
        let loop = eventLoops.next()
        // `normal`: a commit returns before its WAL reaches the disk (a crash of the database
        // server may lose its last few hundred milliseconds), as SQLite's NORMAL does.
        writer = PostgresSession(settings: settings, parameters: [("synchronous_commit", durability == .full ? "on" : "off")],
                                 eventLoop: loop, logger: logger)
        readers = PostgresSessionPool(count: settings.readConnections) {
            PostgresSession(settings: settings, eventLoop: loop, logger: logger)
        }
        do {
            try PostgresSchema.migrate(writer, schema: settings.schema)
            journalId = try writer.run("SELECT value FROM meta WHERE key = 'journal_id'").first?.makeRandomAccess().at(0) ?? "0"
        } catch {
            writer.close()
            try? eventLoops.syncShutdownGracefully()
            throw JournalError(operation: "open \(settings.description)", reason: Self.reason(error))
        }
        let quota = QuotaGuard(maxBytes: maxBytes)
        committer = GroupCommitter(name: "sb-journal-pg") { [writer] operations in
            // Each on its own only when a statement before COMMIT failed (the group surely rolled
            // back): a COMMIT that failed may have committed, and appending again would journal
            // the events twice.
            try GroupCommitter.oneThenEach(operations, retryEach: { !($0 is CommitOutcomeUnknown) }) { group in
                try writer.transaction { try Self.applyAll(group, writer, quota) }
            }
        }
    }

    private let sweepLock = NSLock()
    private var sweptAt: Int64 = 0
    private let closing = NSLock()
    private var closed = false

    deinit {
        guard closing.withLock({ !closed }) else { return }
        // The last reference may go on an event loop (an app connection's handler holds the
        // pipeline, and so the journal), where NIO refuses to block: then close on a thread.
        guard MultiThreadedEventLoopGroup.currentEventLoop != nil else {
            return Self.close(committer, writer, readers, eventLoops)
        }
        let parts = (committer, writer, readers, eventLoops)
        startThread(named: "sb-journal-close") { Self.close(parts.0, parts.1, parts.2, parts.3) }
    }

    /// Finishes queued writes and closes every connection (once; later calls do nothing).
    public func close() {
        guard closing.withLock({ () -> Bool in
            defer { closed = true }
            return !closed
        }) else { return }
        Self.close(committer, writer, readers, eventLoops)
    }

    private static func close(_ committer: GroupCommitter<JournalWrite>?, _ writer: PostgresSession, _ readers: PostgresSessionPool,
                              _ eventLoops: MultiThreadedEventLoopGroup) {
        committer?.stop()
        committer?.waitUntilStopped()
        writer.close()
        readers.closeAll()
        eventLoops.shutdownGracefully { _ in }
    }

    func read<T>(_ operation: String, _ body: (PostgresSession) throws -> T) throws -> T {
        do {
            return try readers.with(body)
        } catch {
            throw JournalError(operation: operation, reason: Self.reason(error))
        }
    }

    func submit(_ operation: String, _ write: JournalWrite) async throws {
        do {
            try await committer.submit(write)
        } catch {
            throw JournalError(operation: operation, reason: Self.reason(error))
        }
    }

    // MARK: - Due deliveries and claims

    /// The `next_attempt_at` of a delivery waiting its turn (``WaitingInLine``); settling the one
    /// before makes it due (see `recordBatch`).
    static let waiting = WaitingInLine.dueAt
    /// When stranded waiting deliveries were last looked for (`promoteStranded`).
    private static let strandedSweepMilliseconds: Int64 = 5_000

    /// `received_at` is when the delivery's retry window starts: the event's acceptance, or for a
    /// backfilled delivery the time it was added.
    static let dueColumns = """
        d.id, d.event_id, e.route, d.target, d.attempts, e.canonical, COALESCE(d.created_at, e.received_at), d.last_error, \
        d.user_id, d.next_attempt_at
        """

    /// Pending, due, and not behind an earlier pending delivery of the same user to the same target.
    private static func dueCondition(now: String) -> String {
        """
        d.state = 'pending' AND d.next_attempt_at <= \(now)
          AND (d.user_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM deliveries p
            WHERE p.target = d.target AND p.user_id = d.user_id AND p.state = 'pending' AND p.id < d.id))
        """
    }

    static func dueDelivery(_ row: PostgresRow) throws -> DueDelivery {
        let r = row.makeRandomAccess()
        let canonical: ByteBuffer = try r.at(5)
        return DueDelivery(deliveryId: try r.at(0), eventId: try r.at(1), route: try r.at(2), target: try r.at(3),
                           attempts: try r.at(4), canonical: Array(canonical.readableBytesView),
                           receivedAt: Instant(milliseconds: try r.at(6)), lastError: try r.at(7), userId: try r.at(8))
    }

    public func dueDeliveries(now: Instant, limit: Int, excluding: Set<Int64>, skippingTargets: Set<String>) throws -> [DueDelivery] {
        try read("read due deliveries") { session in
            var binds = SQLBinds()
            let sql = """
                SELECT \(Self.dueColumns) FROM deliveries d JOIN events e ON e.id = d.event_id
                WHERE \(Self.dueCondition(now: binds.add(now.milliseconds))) AND NOT (d.id = ANY(\(binds.add(Array(excluding)))))
                  AND NOT (d.target = ANY(\(binds.add(Array(skippingTargets)))))
                ORDER BY d.next_attempt_at, d.id LIMIT \(binds.add(limit))
                """
            return try session.run(sql, binds.bindings).map(Self.dueDelivery)
        }
    }

    public func claimDue(now: Instant, limit: Int, excluding: Set<Int64>, skippingTargets: Set<String>, leaseUntil: Instant) throws
        -> [DueDelivery]
    {
        try read("claim due deliveries") { session in
            if sweepLock.withLock({ () -> Bool in
                guard now.milliseconds - sweptAt >= Self.strandedSweepMilliseconds else { return false }
                sweptAt = now.milliseconds
                return true
            }) {
                try Self.promoteStranded(now: now, session)
            }
            // Rows another instance is claiming right now are skipped, not waited for; a row it
            // claimed a moment ago is re-checked against its new lease and left out.
            var binds = SQLBinds()
            let sql = """
                WITH claimed AS (
                    SELECT d.id FROM deliveries d
                    WHERE \(Self.dueCondition(now: binds.add(now.milliseconds))) AND NOT (d.id = ANY(\(binds.add(Array(excluding)))))
                      AND NOT (d.target = ANY(\(binds.add(Array(skippingTargets)))))
                    ORDER BY d.next_attempt_at, d.id LIMIT \(binds.add(limit))
                    FOR UPDATE OF d SKIP LOCKED)
                UPDATE deliveries d SET next_attempt_at = \(binds.add(leaseUntil.milliseconds))
                FROM claimed c, events e WHERE d.id = c.id AND e.id = d.event_id
                RETURNING \(Self.dueColumns)
                """
            return try session.run(sql, binds.bindings).map(Self.dueDelivery).sorted { $0.deliveryId < $1.deliveryId }
        }
    }

    public func headOfLine(target: String, userId: String, now: Instant) throws -> DueDelivery? {
        try read("read the head of a user's line") { session in
            var binds = SQLBinds()
            let sql = """
                SELECT \(Self.dueColumns) FROM deliveries d JOIN events e ON e.id = d.event_id
                WHERE d.target = \(binds.add(target)) AND d.user_id = \(binds.add(userId)) AND d.state = 'pending'
                ORDER BY d.id LIMIT 1
                """
            guard let row = try session.run(sql, binds.bindings).first else { return nil }
            let dueAt: Int64? = try row.makeRandomAccess().at(9)
            return (dueAt ?? 0) <= now.milliseconds ? try Self.dueDelivery(row) : nil
        }
    }

    public func claimHeadOfLine(target: String, userId: String, now: Instant, leaseUntil: Instant) throws -> DueDelivery? {
        try read("claim the head of a user's line") { session in
            // Two instances claiming the same head: the second re-checks the row after the first
            // commits, finds its lease, and gets nothing.
            var binds = SQLBinds()
            let sql = """
                UPDATE deliveries d SET next_attempt_at = \(binds.add(leaseUntil.milliseconds)) FROM events e
                WHERE d.id = (SELECT id FROM deliveries WHERE target = \(binds.add(target)) AND user_id = \(binds.add(userId))
                              AND state = 'pending' ORDER BY id LIMIT 1)
                  AND d.state = 'pending' AND d.next_attempt_at <= \(binds.add(now.milliseconds)) AND e.id = d.event_id
                RETURNING \(Self.dueColumns)
                """
            return try session.run(sql, binds.bindings).first.map(Self.dueDelivery)
        }
    }

    public func claim(_ deliveryIds: [Int64], now: Instant, leaseUntil: Instant) throws -> Set<Int64> {
        guard !deliveryIds.isEmpty else { return [] }
        return try read("claim deliveries") { session in
            var binds = SQLBinds()
            let sql = """
                UPDATE deliveries SET next_attempt_at = \(binds.add(leaseUntil.milliseconds))
                WHERE id = ANY(\(binds.add(deliveryIds))) AND state = 'pending'
                  AND (next_attempt_at <= \(binds.add(now.milliseconds)) OR next_attempt_at = \(binds.add(Self.waiting)))
                RETURNING id
                """
            return Set(try session.run(sql, binds.bindings).map { try $0.makeRandomAccess().at(0, as: Int64.self) })
        }
    }

    public func pendingAttempts(deliveryId: Int64) throws -> Int? {
        try read("read a delivery's state") { session in
            var binds = SQLBinds()
            let row = try session.run("SELECT attempts FROM deliveries WHERE id = \(binds.add(deliveryId)) AND state = 'pending'",
                                      binds.bindings).first
            return try row.map { try $0.makeRandomAccess().at(0, as: Int.self) }
        }
    }

    // MARK: - Listing

    public func deliveries(matching filter: DeliveryFilter) throws -> [DeliveryRecord] {
        var binds = SQLBinds()
        var clauses = ["d.state = ANY(\(binds.add(filter.states.map(\.rawValue).sorted())))"]
        if let eventId = filter.eventId { clauses.append("d.event_id = \(binds.add(eventId))") }
        if let target = filter.target { clauses.append("d.target = \(binds.add(target))") }
        if let user = filter.userId { clauses.append("d.user_id = \(binds.add(user))") }
        if let since = filter.since { clauses.append("e.received_at >= \(binds.add(since.milliseconds))") }
        if let until = filter.until { clauses.append("e.received_at < \(binds.add(until.milliseconds))") }
        let limit = binds.add(filter.limit)
        return try records(where: clauses.joined(separator: " AND ") + " ORDER BY d.updated_at DESC, d.id DESC LIMIT \(limit)", binds)
    }

    public func backlog() throws -> (count: Int, oldest: Instant?) {
        try read("read the backlog") { session in
            let row = try session.run("""
                SELECT COUNT(*), MIN(e.received_at) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.state = 'pending'
                """).first?.makeRandomAccess()
            return (try row?.at(0, as: Int.self) ?? 0, try row?.at(1, as: Int64?.self).map(Instant.init(milliseconds:)))
        }
    }

    public func delivery(id: Int64) throws -> DeliveryRecord? {
        var binds = SQLBinds()
        guard var record = try records(where: "d.id = \(binds.add(id))", binds).first else { return nil }
        record.history = try read("read attempts") { session in
            var binds = SQLBinds()
            return try session.run("SELECT at, status, error FROM attempts WHERE delivery_id = \(binds.add(id)) ORDER BY at, id",
                                   binds.bindings).map { row in
                let r = row.makeRandomAccess()
                return AttemptRecord(at: Instant(milliseconds: try r.at(0)), status: try r.at(1), error: try r.at(2))
            }
        }
        return record
    }

    private func records(where clause: String, _ binds: SQLBinds) throws -> [DeliveryRecord] {
        try read("list deliveries") { session in
            try session.run("""
                SELECT d.id, d.event_id, e.route, d.target, e.name, e.user_id, e.received_at, d.state,
                       d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.updated_at, d.excerpt
                FROM deliveries d JOIN events e ON e.id = d.event_id
                WHERE \(clause)
                """, binds.bindings).map { row in
                let r = row.makeRandomAccess()
                return DeliveryRecord(
                    deliveryId: try r.at(0), eventId: try r.at(1), route: try r.at(2), target: try r.at(3), eventName: try r.at(4),
                    userId: try r.at(5), receivedAt: Instant(milliseconds: try r.at(6)),
                    state: DeliveryState(rawValue: try r.at(7)) ?? .pending, attempts: try r.at(8),
                    nextAttemptAt: try r.at(9, as: Int64?.self).flatMap { $0 == Self.waiting ? nil : Instant(milliseconds: $0) },
                    lastStatus: try r.at(10),
                    lastError: try r.at(11), updatedAt: Instant(milliseconds: try r.at(12)), excerpt: try r.at(13))
            }
        }
    }

    public func usedBytes() throws -> Int64 {
        try read("measure") { try Self.usedBytes($0) }
    }

    /// The size of the journal's tables and their indexes in the current schema.
    static func usedBytes(_ session: PostgresSession) throws -> Int64 {
        try session.run("""
            SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::BIGINT FROM pg_class c
            WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
              AND c.relname IN ('events', 'event_names', 'deliveries', 'attempts', 'rule_hits', 'meta')
            """).first?.makeRandomAccess().at(0) ?? 0
    }

    /// A short reason that never includes statement arguments.
    static func reason(_ error: any Error) -> String {
        if let error = error as? CommitOutcomeUnknown { return "the commit's outcome is unknown: " + reason(error.underlying) }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                return (error.serverInfo?[.sqlState].map { "\($0): " } ?? "") + message
            }
            return "\(error.code)"
        }
        if let error = error as? JournalError { return error.reason }
        return String(describing: type(of: error))
    }
}
