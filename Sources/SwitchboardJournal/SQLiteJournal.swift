import Foundation
import GRDB
import SwitchboardCore

/// The embedded journal: one SQLite file in WAL mode, written through a group committer.
public final class SQLiteJournal: Journal, @unchecked Sendable {
    public let path: String
    public let journalId: String
    let pool: DatabasePool
    private(set) var committer: GroupCommitter<JournalWrite>!

    /// Opens (creating if needed) the journal at `path` and applies pending migrations.
    /// - Parameter maxBytes: the size quota; appends are refused with ``JournalFull`` beyond it.
    public init(path: String, durability: Durability = .full, maxBytes: Int64? = nil) throws {
        self.path = path
        let quota = QuotaGuard(maxBytes: maxBytes)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // Set once the pool is open: turning WAL on, it sets its writer to `synchronous =
            // NORMAL`, after any `prepareDatabase` has run. Only the writer's setting counts.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
            }
            try SQLiteSchema.migrator.migrate(pool)
            journalId = try pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'journal_id'") } ?? "0"
        } catch {
            throw JournalError(operation: "open", reason: Self.reason(error))
        }
        let names = KnownEventNames()
        let waiting = WaitingInLineCount()
        committer = GroupCommitter(name: "sb-journal", linger: .microseconds(500)) { [pool] operations in
            try GroupCommitter.oneThenEach(operations, retryEach: { _ in true }) { group in
                names.begin()
                try pool.write { db in
                    try waiting.begin(db)
                    for operation in group { try Self.apply(operation, db, quota, names, waiting) }
                }
                names.committed()
                waiting.committedTransaction()
            }
        }
    }

    deinit { committer?.stop() }

    /// Commits the writes still queued and ends the writer thread; writes after it fail, reads
    /// still work.
    public func close() {
        committer.stop()
        committer.waitUntilStopped()
    }

    public func append(_ events: [NewEvent], completion: @escaping @Sendable (Result<[AppendedEvent], any Error>) -> Void) {
        let box = JournalWrite.AppendBox(events)
        committer.submit(.append(box)) { result in
            completion(result.mapError { JournalError(operation: "append", reason: Self.reason($0)) }.flatMap { box.result() })
        }
    }

    @discardableResult
    public func record(_ outcomes: [DeliveryOutcome]) async throws -> Set<Int64> {
        let box = JournalWrite.RecordBox(outcomes)
        do {
            try await committer.submit(.record(box))
        } catch {
            throw JournalError(operation: "record", reason: Self.reason(error))
        }
        return box.linesMovedOn
    }

    public func record(_ outcomes: [DeliveryOutcome], completion: @escaping @Sendable (Result<Set<Int64>, any Error>) -> Void) {
        let box = JournalWrite.RecordBox(outcomes)
        committer.submit(.record(box)) { result in
            completion(result.map { box.linesMovedOn }.mapError { JournalError(operation: "record", reason: Self.reason($0)) })
        }
    }

    public func dueDeliveries(now: Instant, limit: Int, excluding: Set<Int64>, skippingTargets: Set<String>) throws -> [DueDelivery] {
        let skipped = Array(skippingTargets)
        do {
            return try pool.read { db in
                // Cached: preparing a statement runs GRDB's authorizer over every column it reads,
                // which cost more than the query itself at each poll.
                let rows = try Row.fetchCursor(db.cachedStatement(sql: Self.dueSQL(skippingTargets: skipped.count)),
                                               arguments: [now.milliseconds] + StatementArguments(skipped) + [limit + excluding.count])
                var due: [DueDelivery] = []
                while let row = try rows.next(), due.count < limit {
                    if excluding.contains(row[0]) { continue }
                    due.append(Self.dueDelivery(row))
                }
                return due
            }
        } catch {
            throw JournalError(operation: "read due deliveries", reason: Self.reason(error))
        }
    }

    /// Pending, due (`?`), not of the `skippingTargets` targets (`?` each), and not behind an
    /// earlier pending delivery of the same user to the same target; the first `?` by due time.
    /// Read along the due index: left to choose, SQLite read every pending delivery through the
    /// state index and sorted them, at each poll, so a backlog slowed its own drain.
    static func dueSQL(skippingTargets: Int) -> String {
        let skipping = skippingTargets == 0 ? "" : "AND d.target NOT IN (\((0..<skippingTargets).map { _ in "?" }.joined(separator: ", ")))"
        return """
            SELECT \(dueColumns)
            FROM deliveries d INDEXED BY deliveries_due JOIN events e ON e.id = d.event_id
            WHERE d.state = 'pending' AND d.next_attempt_at <= ? \(skipping)
              AND (d.user_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM deliveries p
                WHERE p.target = d.target AND p.user_id = d.user_id AND p.state = 'pending' AND p.id < d.id))
            ORDER BY d.next_attempt_at, d.id
            LIMIT ?
            """
    }

    /// The writer's `PRAGMA synchronous`: 2 (FULL) syncs the WAL at every commit, 1 (NORMAL) only
    /// at checkpoints.
    public func writerSynchronous() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The plan SQLite chooses for the due query, for a test that checks it reads the due index in order.
    public func duePlan() throws -> String {
        try queryPlan(Self.dueSQL(skippingTargets: 1), [0, "t", 1])
    }

    public func headOfLine(target: String, userId: String, now: Instant) throws -> DueDelivery? {
        do {
            return try pool.read { db in
                guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT \(Self.dueColumns)
                    FROM deliveries d JOIN events e ON e.id = d.event_id
                    WHERE d.target = ? AND d.user_id = ? AND d.state = 'pending'
                    ORDER BY d.id LIMIT 1
                    """), arguments: [target, userId])
                else { return nil }
                let head = Self.dueDelivery(row)
                let dueAt: Int64? = row[9]
                return (dueAt ?? 0) <= now.milliseconds || dueAt == WaitingInLine.dueAt ? head : nil
            }
        } catch {
            throw JournalError(operation: "read the head of a user's line", reason: Self.reason(error))
        }
    }

    public func prune(acceptedBefore cutoff: Instant, limit: Int) async throws -> Int {
        let box = JournalWrite.PruneBox(cutoff, limit)
        do {
            try await committer.submit(.prune(box))
        } catch {
            throw JournalError(operation: "prune", reason: Self.reason(error))
        }
        return box.deleted
    }

    public func usedBytes() throws -> Int64 {
        do {
            return try pool.read { try Self.usedBytes($0) }
        } catch {
            throw JournalError(operation: "measure", reason: Self.reason(error))
        }
    }

    static func usedBytes(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }

    public func pendingAttempts(deliveryId: Int64) throws -> Int? {
        do {
            return try pool.read { db in
                try Int.fetchOne(db.cachedStatement(sql: "SELECT attempts FROM deliveries WHERE id = ? AND state = 'pending'"),
                                 arguments: [deliveryId])
            }
        } catch {
            throw JournalError(operation: "read a delivery's state", reason: Self.reason(error))
        }
    }

    /// `received_at` is when the delivery's retry window starts: the event's acceptance, or for a
    /// backfilled delivery the time it was added.
    private static let dueColumns = """
        d.id, d.event_id, e.route, d.target, d.attempts, e.canonical, COALESCE(d.created_at, e.received_at), d.last_error,
        d.user_id, d.next_attempt_at
        """

    private static func dueDelivery(_ row: Row) -> DueDelivery {
        let canonical: Data = row[5]
        return DueDelivery(deliveryId: row[0], eventId: row[1], route: row[2], target: row[3], attempts: row[4],
                           canonical: [UInt8](canonical), receivedAt: Instant(milliseconds: row[6]), lastError: row[7],
                           userId: row[8])
    }

    public func deliveries(matching filter: DeliveryFilter) throws -> [DeliveryRecord] {
        var clauses = ["d.state IN (\(filter.states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ",")))"]
        var arguments: [any DatabaseValueConvertible] = []
        if let eventId = filter.eventId { clauses.append("d.event_id = ?"); arguments.append(eventId) }
        if let target = filter.target { clauses.append("d.target = ?"); arguments.append(target) }
        if let user = filter.userId { clauses.append("d.user_id = ?"); arguments.append(user) }
        if let since = filter.since { clauses.append("e.received_at >= ?"); arguments.append(since.milliseconds) }
        if let until = filter.until { clauses.append("e.received_at < ?"); arguments.append(until.milliseconds) }
        arguments.append(filter.limit)
        return try records(where: clauses.joined(separator: " AND ") + " ORDER BY d.updated_at DESC, d.id DESC LIMIT ?",
                           StatementArguments(arguments))
    }

    public func backlog() throws -> (count: Int, oldest: Instant?) {
        do {
            return try pool.read { db in
                let row = try Row.fetchOne(db, sql: """
                    SELECT COUNT(*), MIN(e.received_at) FROM deliveries d JOIN events e ON e.id = d.event_id
                    WHERE d.state = 'pending'
                    """)
                return (row?[0] ?? 0, (row?[1] as Int64?).map(Instant.init(milliseconds:)))
            }
        } catch {
            throw JournalError(operation: "read the backlog", reason: Self.reason(error))
        }
    }

    public func delivery(id: Int64) throws -> DeliveryRecord? {
        guard var record = try records(where: "d.id = ?", [id]).first else { return nil }
        do {
            record.history = try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT at, status, error FROM attempts WHERE delivery_id = ? ORDER BY at, rowid",
                                 arguments: [id])
                    .map { AttemptRecord(at: Instant(milliseconds: $0[0]), status: $0[1], error: $0[2]) }
            }
        } catch {
            throw JournalError(operation: "read attempts", reason: Self.reason(error))
        }
        return record
    }

    public func releaseLeases(now: Instant) async throws -> Int {
        let box = JournalWrite.ReplayBox([], now)
        do {
            try await committer.submit(.releaseLeases(box))
        } catch {
            throw JournalError(operation: "release leases", reason: Self.reason(error))
        }
        return box.changed
    }

    public func replay(deliveryIds: [Int64], now: Instant) async throws -> Int {
        guard !deliveryIds.isEmpty else { return 0 }
        let box = JournalWrite.ReplayBox(deliveryIds, now)
        do {
            try await committer.submit(.replay(box))
        } catch {
            throw JournalError(operation: "replay", reason: Self.reason(error))
        }
        return box.changed
    }

    private func records(where clause: String, _ arguments: StatementArguments) throws -> [DeliveryRecord] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT d.id, d.event_id, e.route, d.target, e.name, e.user_id, e.received_at, d.state,
                           d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.updated_at, d.excerpt
                    FROM deliveries d JOIN events e ON e.id = d.event_id
                    WHERE \(clause)
                    """, arguments: arguments
                ).map { row in
                    DeliveryRecord(
                        deliveryId: row[0], eventId: row[1], route: row[2], target: row[3], eventName: row[4],
                        userId: row[5], receivedAt: Instant(milliseconds: row[6]),
                        state: DeliveryState(rawValue: row[7]) ?? .pending, attempts: row[8],
                        nextAttemptAt: (row[9] as Int64?).flatMap { $0 == WaitingInLine.dueAt ? nil : Instant(milliseconds: $0) },
                        lastStatus: row[10],
                        lastError: row[11], updatedAt: Instant(milliseconds: row[12]), excerpt: row[13])
                }
            }
        } catch {
            throw JournalError(operation: "list deliveries", reason: Self.reason(error))
        }
    }

    // MARK: - Writing

    /// The events a prune pass deletes: settled, accepted before the cutoff (`?`), the oldest
    /// first (`?` of them). Found through the `received_at` index: ordered by id, SQLite read the
    /// whole table to find them, and with 100 M events that held the writer for minutes.
    static let pruneSQL = """
        SELECT e.id FROM events e
        WHERE e.received_at < ?
          AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.state NOT IN ('delivered', 'skipped'))
        ORDER BY e.received_at, e.id LIMIT ?
        """

    /// The plan SQLite chooses for a prune pass, for a test that checks no table is scanned.
    public func prunePlan() throws -> String {
        try queryPlan(Self.pruneSQL, [0, 1])
    }

    private static func apply(
        _ operation: JournalWrite, _ db: Database, _ quota: QuotaGuard, _ names: KnownEventNames, _ waiting: WaitingInLineCount
    ) throws {
        switch operation {
        case .append(let box):
            // Nothing is kept from an earlier try of this box (a group that was rolled back).
            (box.appended, box.full) = ([], nil)
            do {
                try quota.admit(box.events) { try Self.usedBytes(db) }
            } catch let full as JournalFull {
                box.full = full
                return
            }
            let statements = try AppendStatements(db)
            box.appended = try box.events.map { try insert($0, db, statements, names, waiting) }
        case .prune(let box):
            let ids = try Int64.fetchAll(db, sql: pruneSQL, arguments: [box.cutoff.milliseconds, box.limit])
            // Throttle counts whose window ended before the cutoff count nothing any more.
            try db.execute(sql: "DELETE FROM rule_hits WHERE expires_at < ?", arguments: [box.cutoff.milliseconds])
            guard !ids.isEmpty else { return }
            let list = ids.map(String.init).joined(separator: ",")
            try db.execute(sql: "DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_id IN (\(list)))")
            try db.execute(sql: "DELETE FROM deliveries WHERE event_id IN (\(list))")
            try db.execute(sql: "DELETE FROM events WHERE id IN (\(list))")
            box.deleted = ids.count
        case .backfill(let box):
            try applyBackfill(box, db, waiting)
        case .releaseLeases(let box):
            try db.execute(sql: """
                UPDATE deliveries SET next_attempt_at = ?
                WHERE state = 'pending' AND attempts = 0 AND next_attempt_at > ? AND next_attempt_at <> ?
                """, arguments: [box.now.milliseconds, box.now.milliseconds, WaitingInLine.dueAt])
            box.changed = db.changesCount
        case .replay(let box):
            let statement = try db.cachedStatement(sql: """
                UPDATE deliveries SET state = 'pending', next_attempt_at = ?, updated_at = ?
                WHERE id = ? AND state IN ('pending', 'dead')
                """)
            box.changed = 0
            for id in box.ids {
                try statement.execute(arguments: [box.now.milliseconds, box.now.milliseconds, id])
                box.changed += db.changesCount
            }
        case .record(let box):
            box.linesMovedOn = []   // nothing kept from an earlier try of a group that was rolled back
            let update = try db.cachedStatement(sql: """
                UPDATE deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?,
                    updated_at = ?
                WHERE id = ? AND state = 'pending'  -- delivered and dead are final (replay re-opens a dead one)
                """)
            let history = try db.cachedStatement(sql: "INSERT INTO attempts (delivery_id, at, status, error) VALUES (?, ?, ?, ?)")
            let excerpt = try db.cachedStatement(sql: "UPDATE deliveries SET excerpt = ? WHERE id = ?")
            for o in box.outcomes {
                let binding = SQLiteBinding(update, db)
                binding.bind(1, o.state.rawValue)
                binding.bind(2, Int64(o.attempts))
                binding.bind(3, o.nextAttemptAt?.milliseconds)
                binding.bind(4, o.lastStatus)
                binding.bind(5, o.lastError)
                binding.bind(6, o.at.milliseconds)
                binding.bind(7, o.deliveryId)
                try binding.run()
                guard db.changesCount == 1 else { continue }
                if o.state != .pending && waiting.mayBeWaiting, try promoteNextInLine(after: o.deliveryId, at: o.at, db) {
                    waiting.promotedOne()
                    box.linesMovedOn.insert(o.deliveryId)
                }
                guard o.failedAttempt else { continue }
                try history.execute(arguments: [o.deliveryId, o.at.milliseconds, o.lastStatus, o.lastError])
                if let text = o.excerpt { try excerpt.execute(arguments: [text, o.deliveryId]) }
            }
        }
    }

    /// Makes due the next delivery in the line of `settled` (same user, same target) if it was
    /// waiting its turn; none is waiting whose line has nothing pending ahead of it. Returns
    /// whether one was.
    private static func promoteNextInLine(after settled: Int64, at: Instant, _ db: Database) throws -> Bool {
        let binding = SQLiteBinding(try db.cachedStatement(sql: """
            UPDATE deliveries SET next_attempt_at = ?
            WHERE id = (SELECT p.id FROM deliveries s JOIN deliveries p ON p.target = s.target AND p.user_id = s.user_id
                        WHERE s.id = ? AND p.state = 'pending' ORDER BY p.id LIMIT 1)
              AND next_attempt_at = ?
            """), db)
        binding.bind(1, at.milliseconds)
        binding.bind(2, settled)
        binding.bind(3, WaitingInLine.dueAt)
        try binding.run()
        return db.changesCount == 1
    }

    private static func insert(
        _ event: NewEvent, _ db: Database, _ statements: AppendStatements, _ names: KnownEventNames,
        _ waiting: WaitingInLineCount
    ) throws -> AppendedEvent {
        let insertEvent = SQLiteBinding(statements.insertEvent, db)
        insertEvent.bind(1, event.route)
        insertEvent.bind(2, event.source)
        insertEvent.bind(3, event.name)
        insertEvent.bind(4, event.userId)
        insertEvent.bind(5, event.receivedAt.milliseconds)
        insertEvent.bind(6, blob: event.canonical)
        try insertEvent.run()
        let eventId = db.lastInsertedRowID
        var firstOfName = false
        if let name = event.name, !names.contains(route: event.route, name: name) {
            let insertName = SQLiteBinding(try db.cachedStatement(sql: "INSERT OR IGNORE INTO event_names (route, name) VALUES (?, ?)"), db)
            insertName.bind(1, event.route)
            insertName.bind(2, name)
            try insertName.run()
            firstOfName = db.changesCount == 1
            names.wrote(route: event.route, name: name)
        }
        var deliveryIds: [Int64] = []
        var earlier: [[Int64]] = []
        var skipped: [Bool] = []
        for (index, target) in event.targets.enumerated() {
            if index < event.gates.count, let reason = try skipReason(event.gates[index], now: event.receivedAt, db) {
                try db.cachedStatement(sql: """
                    INSERT INTO deliveries (event_id, target, user_id, state, attempts, last_error, updated_at)
                    VALUES (?, ?, ?, 'skipped', 0, ?, ?)
                    """).execute(arguments: [eventId, target, event.userId, reason, event.receivedAt.milliseconds])
                deliveryIds.append(db.lastInsertedRowID)
                earlier.append([])
                skipped.append(true)
                continue
            }
            skipped.append(false)
            var ids: [Int64] = []
            if let user = event.userId {
                let read = SQLiteBinding(statements.earlierPending, db)
                read.bind(1, target)
                read.bind(2, user)
                read.bind(3, Int64(AppendedEvent.earlierPendingLimit + 1))
                ids = try read.int64s(limit: AppendedEvent.earlierPendingLimit + 1)
            }
            // One queued behind others waits its turn: the due query never reads it until the
            // delivery ahead settles (a user with a long line costs each poll nothing).
            let due = ids.isEmpty ? event.firstAttemptDue.milliseconds : WaitingInLine.dueAt
            if !ids.isEmpty { waiting.queued(1) }
            let insert = SQLiteBinding(statements.insertDelivery, db)
            insert.bind(1, eventId)
            insert.bind(2, target)
            insert.bind(3, event.userId)
            insert.bind(4, due)
            insert.bind(5, event.receivedAt.milliseconds)
            try insert.run()
            deliveryIds.append(db.lastInsertedRowID)
            earlier.append(ids)
        }
        return AppendedEvent(eventId: eventId, firstOfName: firstOfName, deliveryIds: deliveryIds, earlierPending: earlier,
                             skipped: skipped)
    }

    /// Why a vendor rule leaves this delivery out, or nil; throttles count in `rule_hits`.
    private static func skipReason(_ gate: DeliveryGate, now: Instant, _ db: Database) throws -> String? {
        try gate.skipReason(
            count: { throttle in
                try Int.fetchOne(db.cachedStatement(sql: """
                    SELECT COUNT(*) FROM rule_hits WHERE scope = ? AND key = ? AND expires_at > ?
                    """), arguments: [throttle.scope, throttle.key, now.milliseconds]) ?? 0
            },
            record: { throttle in
                try db.cachedStatement(sql: "INSERT INTO rule_hits (scope, key, expires_at) VALUES (?, ?, ?)")
                    .execute(arguments: [throttle.scope, throttle.key, now.milliseconds + throttle.windowMilliseconds])
            })
    }

    /// A short reason that never includes statement arguments.
    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.extendedResultCode)" + (error.message.map { ": \($0)" } ?? "")
        }
        if let error = error as? JournalError { return error.reason }
        return String(describing: type(of: error))
    }
}
