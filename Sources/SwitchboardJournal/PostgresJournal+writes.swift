import NIOCore
import PostgresNIO
import SwitchboardCore

extension PostgresJournal {
    public func append(_ events: [NewEvent], completion: @escaping @Sendable (Result<[AppendedEvent], any Error>) -> Void) {
        let box = JournalWrite.AppendBox(events)
        committer.submit(.append(box)) { result in
            completion(result.mapError { JournalError(operation: "append", reason: Self.reason($0)) }.flatMap { box.result() })
        }
    }

    @discardableResult
    public func record(_ outcomes: [DeliveryOutcome]) async throws -> Set<Int64> {
        let box = JournalWrite.RecordBox(outcomes)
        try await submit("record", .record(box))
        return box.linesMovedOn
    }

    public func record(_ outcomes: [DeliveryOutcome], completion: @escaping @Sendable (Result<Set<Int64>, any Error>) -> Void) {
        let box = JournalWrite.RecordBox(outcomes)
        committer.submit(.record(box)) { result in
            completion(result.map { box.linesMovedOn }.mapError { JournalError(operation: "record", reason: Self.reason($0)) })
        }
    }

    public func prune(acceptedBefore cutoff: Instant, limit: Int) async throws -> Int {
        let box = JournalWrite.PruneBox(cutoff, limit)
        try await submit("prune", .prune(box))
        return box.deleted
    }

    /// Does nothing on a shared journal: other instances' leases are live. Leases of an instance
    /// that died run out by themselves.
    public func releaseLeases(now: Instant) async throws -> Int { 0 }

    public func replay(deliveryIds: [Int64], now: Instant) async throws -> Int {
        guard !deliveryIds.isEmpty else { return 0 }
        let box = JournalWrite.ReplayBox(deliveryIds, now)
        try await submit("replay", .replay(box))
        return box.changed
    }

    public func enqueueBackfill(_ range: BackfillRange, now: Instant, limit: Int) async throws -> Int {
        let box = JournalWrite.BackfillBox(range, now, limit)
        try await submit("enqueue a backfill", .backfill(box))
        return box.added
    }

    // MARK: - The writer thread

    static func apply(_ operation: JournalWrite, _ db: PostgresSession, _ quota: QuotaGuard) throws {
        switch operation {
        case .append(let box):
            try appendAll([box], db, quota)
        case .record(let box):
            try recordAll([box], db)
        case .replay(let box):
            var b = SQLBinds()
            let now = b.add(box.now.milliseconds)
            box.changed = try db.run("""
                UPDATE deliveries SET state = 'pending', next_attempt_at = \(now), updated_at = \(now)
                WHERE id = ANY(\(b.add(box.ids))) AND state IN ('pending', 'dead')
                """, b.bindings).metadata.rows ?? 0
        case .releaseLeases:
            break
        case .prune(let box):
            var b = SQLBinds()
            let cutoff = b.add(box.cutoff.milliseconds)
            let ids: [Int64] = try db.run("""
                SELECT e.id FROM events e
                WHERE e.received_at < \(cutoff)
                  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.state NOT IN ('delivered', 'skipped'))
                ORDER BY e.received_at, e.id LIMIT \(b.add(box.limit))
                """, b.bindings).map { try $0.makeRandomAccess().at(0) }
            // Throttle counts whose window ended before the cutoff count nothing any more.
            var r = SQLBinds()
            try db.run("DELETE FROM rule_hits WHERE expires_at < \(r.add(box.cutoff.milliseconds))", r.bindings)
            guard !ids.isEmpty else { return }
            var d = SQLBinds()
            let list = d.add(ids)
            try db.run("DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_id = ANY(\(list)))", d.bindings)
            try db.run("DELETE FROM deliveries WHERE event_id = ANY(\(list))", d.bindings)
            try db.run("DELETE FROM events WHERE id = ANY(\(list))", d.bindings)
            box.deleted = ids.count
        case .backfill(let box):
            var b = SQLBinds()
            let now = b.add(box.now.milliseconds), target = b.add(box.range.target)
            let condition = rangeCondition(box.range.route, box.range.since, box.range.until, &b)
            let added = try db.run("""
                INSERT INTO deliveries (event_id, target, user_id, state, attempts, next_attempt_at, updated_at, created_at)
                SELECT e.id, \(target), e.user_id, 'pending', 0, \(now), \(now), \(now) FROM events e
                WHERE \(condition) AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.target = \(target))
                ORDER BY e.id LIMIT \(b.add(box.limit))
                RETURNING id
                """, b.bindings).map { try $0.makeRandomAccess().at(0, as: Int64.self) }
            box.added = added.count
            // Those behind an earlier pending delivery of their user wait their turn, as appended ones do.
            var w = SQLBinds()
            try db.run("""
                UPDATE deliveries d SET next_attempt_at = \(w.add(waiting))
                WHERE d.id = ANY(\(w.add(added))) AND d.user_id IS NOT NULL AND EXISTS (
                    SELECT 1 FROM deliveries p
                    WHERE p.target = d.target AND p.user_id = d.user_id AND p.state = 'pending' AND p.id < d.id)
                """, w.bindings)
        }
    }

    static func insert(_ event: NewEvent, _ db: PostgresSession) throws -> AppendedEvent {
        var b = SQLBinds()
        let route = b.add(event.route), name = b.add(event.name)
        let row = try db.run("""
            WITH e AS (
                INSERT INTO events (route, source, name, user_id, received_at, canonical)
                VALUES (\(route), \(b.add(event.source)), \(name), \(b.add(event.userId)), \(b.add(event.receivedAt.milliseconds)),
                        \(b.add(bytes: event.canonical)))
                RETURNING id),
            n AS (INSERT INTO event_names (route, name) SELECT \(route), \(name) WHERE \(name)::TEXT IS NOT NULL
                  ON CONFLICT DO NOTHING RETURNING 1)
            SELECT e.id, EXISTS (SELECT 1 FROM n) FROM e
            """, b.bindings).first?.makeRandomAccess()
        guard let row else { throw JournalError(operation: "append", reason: "the insert returned no id") }
        let eventId: Int64 = try row.at(0)
        let firstOfName: Bool = try row.at(1)
        var deliveryIds: [Int64] = [], earlier: [[Int64]] = [], skipped: [Bool] = []
        for (index, target) in event.targets.enumerated() {
            if index < event.gates.count, let reason = try skipReason(event.gates[index], now: event.receivedAt, db) {
                var s = SQLBinds()
                let id: Int64 = try db.run("""
                    INSERT INTO deliveries (event_id, target, user_id, state, attempts, last_error, updated_at)
                    VALUES (\(s.add(eventId)), \(s.add(target)), \(s.add(event.userId)), 'skipped', 0, \(s.add(reason)),
                            \(s.add(event.receivedAt.milliseconds)))
                    RETURNING id
                    """, s.bindings).first?.makeRandomAccess().at(0) ?? 0
                deliveryIds.append(id)
                earlier.append([])
                skipped.append(true)
                continue
            }
            // One queued behind others waits until the one before it settles (see `waiting`).
            var d = SQLBinds()
            let user = d.add(event.userId), targetBind = d.add(target), received = d.add(event.receivedAt.milliseconds)
            let inserted = try db.run("""
                WITH earlier AS (
                    SELECT id FROM deliveries WHERE target = \(targetBind) AND user_id = \(user) AND state = 'pending'
                    ORDER BY id LIMIT \(d.add(AppendedEvent.earlierPendingLimit + 1))),
                d AS (
                    INSERT INTO deliveries (event_id, target, user_id, state, attempts, next_attempt_at, updated_at)
                    VALUES (\(d.add(eventId)), \(targetBind), \(user), 'pending', 0,
                            CASE WHEN EXISTS (SELECT 1 FROM earlier) THEN \(d.add(waiting)) ELSE \(d.add(event.firstAttemptDue.milliseconds)) END,
                            \(received))
                    RETURNING id)
                SELECT d.id, ARRAY(SELECT id FROM earlier ORDER BY id) FROM d
                """, d.bindings).first?.makeRandomAccess()
            guard let inserted else { throw JournalError(operation: "append", reason: "the insert returned no id") }
            deliveryIds.append(try inserted.at(0))
            earlier.append(try inserted.at(1, as: [Int64].self))
            skipped.append(false)
        }
        return AppendedEvent(eventId: eventId, firstOfName: firstOfName, deliveryIds: deliveryIds, earlierPending: earlier,
                             skipped: skipped)
    }

    /// Why a vendor rule leaves this delivery out, or nil; throttles count in `rule_hits`. Each
    /// key is counted under a transaction lock, so instances appending events of the same key at
    /// once count them one after the other.
    private static func skipReason(_ gate: DeliveryGate, now: Instant, _ db: PostgresSession) throws -> String? {
        try gate.skipReason(
            count: { throttle in
                var b = SQLBinds()
                let scope = b.add(throttle.scope), key = b.add(throttle.key)
                // The lock first, then the count in a statement of its own, so the count sees what
                // the instance that held the lock before committed.
                try db.run("SELECT pg_advisory_xact_lock(hashtextextended(\(scope) || chr(31) || \(key), 0))", b.bindings)
                return try db.run("""
                    SELECT COUNT(*) FROM rule_hits WHERE scope = $1 AND key = $2 AND expires_at > \(b.add(now.milliseconds))
                    """, b.bindings).first?.makeRandomAccess().at(0) ?? 0
            },
            record: { throttle in
                var b = SQLBinds()
                try db.run("""
                    INSERT INTO rule_hits (scope, key, expires_at)
                    VALUES (\(b.add(throttle.scope)), \(b.add(throttle.key)), \(b.add(now.milliseconds + throttle.windowMilliseconds)))
                    """, b.bindings)
            })
    }

    /// The events of `route` accepted in `[since, until)`, as SQL over `events e`.
    static func rangeCondition(_ route: String, _ since: Instant?, _ until: Instant?, _ b: inout SQLBinds) -> String {
        var clauses = ["e.route = \(b.add(route))"]
        if let since { clauses.append("e.received_at >= \(b.add(since.milliseconds))") }
        if let until { clauses.append("e.received_at < \(b.add(until.milliseconds))") }
        return clauses.joined(separator: " AND ")
    }
}
