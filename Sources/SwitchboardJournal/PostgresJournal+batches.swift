import NIOCore
import PostgresNIO
import SwitchboardCore

/// A group's appends and outcomes written in a few statements each (arrays unnested on the
/// server), not one round trip per row: what makes a group commit cheap over a network.
extension PostgresJournal {
    /// Runs a group of writes in order, each run of consecutive appends or records as one batch.
    static func applyAll(_ operations: [JournalWrite], _ db: PostgresSession, _ quota: QuotaGuard) throws {
        var index = 0
        while index < operations.count {
            switch operations[index] {
            case .append:
                var boxes: [JournalWrite.AppendBox] = []
                while index < operations.count, case .append(let box) = operations[index] {
                    boxes.append(box)
                    index += 1
                }
                try appendAll(boxes, db, quota)
            case .record:
                var boxes: [JournalWrite.RecordBox] = []
                while index < operations.count, case .record(let box) = operations[index] {
                    boxes.append(box)
                    index += 1
                }
                try recordAll(boxes, db)
            default:
                try apply(operations[index], db, quota)
                index += 1
            }
        }
    }

    // MARK: - Appends

    static func appendAll(_ boxes: [JournalWrite.AppendBox], _ db: PostgresSession, _ quota: QuotaGuard) throws {
        var admitted: [JournalWrite.AppendBox] = []
        for box in boxes {
            // Nothing is kept from an earlier try of this box (a group that was rolled back).
            (box.appended, box.full) = ([], nil)
            do {
                try quota.admit(box.events) { try usedBytes(db) }
                admitted.append(box)
            } catch let full as JournalFull {
                box.full = full
            }
        }
        let events = admitted.flatMap(\.events)
        guard !events.isEmpty else { return }
        // A throttle counts under a lock per key, one event after another: those groups go row by row.
        let appended = events.contains { $0.gates.contains { !$0.throttles.isEmpty } }
            ? try events.map { try insert($0, db) }
            : try insertBatch(events, db)
        var offset = 0
        for box in admitted {
            box.appended = Array(appended[offset..<offset + box.events.count])
            offset += box.events.count
        }
    }

    /// Inserts events without throttles in two statements: the first draws the ids (in order, so
    /// a user's deliveries in the batch keep their order) and reads each user's pending line; the
    /// second inserts the events, their deliveries and their names together.
    private static func insertBatch(_ events: [NewEvent], _ db: PostgresSession) throws -> [AppendedEvent] {
        struct Line: Hashable { let target: String, user: String }
        let lines = Array(Set(events.flatMap { event in event.userId.map { user in event.targets.map { Line(target: $0, user: user) } } ?? [] }))
        var b = SQLBinds()
        let drawn = try db.run("""
            WITH line AS (
                SELECT l.i, d.id FROM unnest(\(b.add(lines.map(\.target))), \(b.add(lines.map(\.user)))) WITH ORDINALITY AS l(target, user_id, i)
                CROSS JOIN LATERAL (SELECT id FROM deliveries WHERE target = l.target AND user_id = l.user_id AND state = 'pending'
                                    ORDER BY id LIMIT \(b.add(AppendedEvent.earlierPendingLimit + 1))) d)
            SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('events', 'id')) FROM generate_series(1, \(b.add(events.count)))),
                   ARRAY(SELECT nextval(pg_get_serial_sequence('deliveries', 'id'))
                         FROM generate_series(1, \(b.add(events.reduce(0) { $0 + $1.targets.count })))),
                   ARRAY(SELECT i FROM line ORDER BY id), ARRAY(SELECT id FROM line ORDER BY id)
            """, b.bindings).first!.makeRandomAccess()
        let eventIds = try drawn.at(0, as: [Int64].self).sorted()
        let deliveryIds = try drawn.at(1, as: [Int64].self).sorted()
        // Each (target, user) line's pending deliveries before this batch, oldest first.
        var pending: [Line: [Int64]] = [:]
        for (i, id) in zip(try drawn.at(2, as: [Int64].self), try drawn.at(3, as: [Int64].self)) {
            pending[lines[Int(i) - 1], default: []].append(id)
        }

        var rows: (id: [Int64], event: [Int64], target: [String], user: [String], hasUser: [Bool], state: [String],
                   due: [Int64], reason: [String], updated: [Int64]) = ([], [], [], [], [], [], [], [], [])
        // Per event: its deliveries, the pending ones each waits behind, and which a rule left out.
        var made: [(ids: [Int64], earlier: [[Int64]], skipped: [Bool])] = []
        var next = 0
        for (i, event) in events.enumerated() {
            var ids: [Int64] = [], earlier: [[Int64]] = [], skipped: [Bool] = []
            for (t, target) in event.targets.enumerated() {
                let id = deliveryIds[next]
                next += 1
                let skip = t < event.gates.count ? event.gates[t].skip : nil
                var before: [Int64] = []
                if skip == nil, let user = event.userId {
                    let line = Line(target: target, user: user)
                    before = Array((pending[line] ?? []).prefix(AppendedEvent.earlierPendingLimit + 1))
                    pending[line, default: []].append(id)
                }
                rows.id.append(id)
                rows.event.append(eventIds[i])
                rows.target.append(target)
                rows.user.append(event.userId ?? "")
                rows.hasUser.append(event.userId != nil)
                rows.state.append(skip == nil ? "pending" : "skipped")
                // One queued behind others waits until the one before it settles (see `waiting`).
                rows.due.append(before.isEmpty ? event.firstAttemptDue.milliseconds : waiting)
                rows.reason.append(skip ?? "")
                rows.updated.append(event.receivedAt.milliseconds)
                ids.append(id)
                earlier.append(before)
                skipped.append(skip != nil)
            }
            made.append((ids, earlier, skipped))
        }

        let named = events.indices.filter { events[$0].name != nil }
        var e = SQLBinds()
        // Parent and child rows in one statement: the foreign key is checked at its end.
        let newNames = Set(try db.run("""
            WITH e AS (
                INSERT INTO events (id, route, source, name, user_id, received_at, canonical) OVERRIDING SYSTEM VALUE
                SELECT id, route, source, CASE WHEN has_name THEN name END, CASE WHEN has_user THEN user_id END, received_at, canonical
                FROM unnest(\(e.add(eventIds)), \(e.add(events.map(\.route))), \(e.add(events.map(\.source))),
                            \(e.add(events.map { $0.name ?? "" })), \(e.add(events.map { $0.name != nil })),
                            \(e.add(events.map { $0.userId ?? "" })), \(e.add(events.map { $0.userId != nil })),
                            \(e.add(events.map(\.receivedAt.milliseconds))), \(e.add(events.map { ByteBuffer(bytes: $0.canonical) })))
                    AS x(id, route, source, name, has_name, user_id, has_user, received_at, canonical)),
            d AS (
                INSERT INTO deliveries (id, event_id, target, user_id, state, attempts, next_attempt_at, last_error, updated_at)
                OVERRIDING SYSTEM VALUE
                SELECT id, event_id, target, CASE WHEN has_user THEN user_id END, state, 0,
                       CASE WHEN state = 'pending' THEN due END, CASE WHEN state = 'skipped' THEN reason END, updated
                FROM unnest(\(e.add(rows.id)), \(e.add(rows.event)), \(e.add(rows.target)), \(e.add(rows.user)), \(e.add(rows.hasUser)),
                            \(e.add(rows.state)), \(e.add(rows.due)), \(e.add(rows.reason)), \(e.add(rows.updated)))
                    AS x(id, event_id, target, user_id, has_user, state, due, reason, updated))
            INSERT INTO event_names (route, name)
            SELECT DISTINCT route, name FROM unnest(\(e.add(named.map { events[$0].route })), \(e.add(named.map { events[$0].name! }))) AS x(route, name)
            ON CONFLICT DO NOTHING RETURNING route || chr(31) || name
            """, e.bindings).map { try $0.makeRandomAccess().at(0, as: String.self) })
        // The first event of its name (per route) in the journal: its name was not there before.
        var seen: Set<String> = []
        let firstOfName = Set(named.filter { i in
            let key = events[i].route + "\u{1F}" + events[i].name!
            return newNames.contains(key) && seen.insert(key).inserted
        })
        return made.enumerated().map { i, m in
            AppendedEvent(eventId: eventIds[i], firstOfName: firstOfName.contains(i), deliveryIds: m.ids, earlierPending: m.earlier,
                          skipped: m.skipped)
        }
    }

    // MARK: - Outcomes

    /// Records outcomes in one statement per run of distinct deliveries (a delivery's outcomes
    /// in one group are applied one after another, in order).
    /// Each box learns which of its settled deliveries moved their line on.
    static func recordAll(_ boxes: [JournalWrite.RecordBox], _ db: PostgresSession) throws {
        var chunk: [DeliveryOutcome] = []
        var ids: Set<Int64> = []
        var movedOn: Set<Int64> = []
        for outcome in boxes.lazy.flatMap(\.outcomes) {
            if !ids.insert(outcome.deliveryId).inserted {
                movedOn.formUnion(try recordBatch(chunk, db))
                chunk = []
                ids = [outcome.deliveryId]
            }
            chunk.append(outcome)
        }
        movedOn.formUnion(try recordBatch(chunk, db))
        for box in boxes {
            box.linesMovedOn = movedOn.isEmpty ? [] : Set(box.outcomes.lazy.map(\.deliveryId).filter(movedOn.contains))
        }
    }

    /// Returns the settled deliveries whose line moved on.
    private static func recordBatch(_ outcomes: [DeliveryOutcome], _ db: PostgresSession) throws -> Set<Int64> {
        guard !outcomes.isEmpty else { return [] }
        var b = SQLBinds()
        // delivered, dead and skipped are final (replay re-opens a dead one).
        let settled = try db.run("""
            WITH o AS (
                SELECT * FROM unnest(\(b.add(outcomes.map(\.deliveryId))), \(b.add(outcomes.map(\.state.rawValue))),
                                     \(b.add(outcomes.map(\.attempts))),
                                     \(b.add(outcomes.map { $0.nextAttemptAt?.milliseconds ?? 0 })), \(b.add(outcomes.map { $0.nextAttemptAt != nil })),
                                     \(b.add(outcomes.map { $0.lastStatus ?? 0 })), \(b.add(outcomes.map { $0.lastStatus != nil })),
                                     \(b.add(outcomes.map { $0.lastError ?? "" })), \(b.add(outcomes.map { $0.lastError != nil })),
                                     \(b.add(outcomes.map(\.at.milliseconds))), \(b.add(outcomes.map(\.failedAttempt))),
                                     \(b.add(outcomes.map { $0.excerpt ?? "" })), \(b.add(outcomes.map { $0.excerpt != nil })))
                    AS o(id, state, attempts, next_at, has_next, status, has_status, error, has_error, at, failed, excerpt, has_excerpt)),
            changed AS (
                UPDATE deliveries d SET state = o.state, attempts = o.attempts,
                    next_attempt_at = CASE WHEN o.has_next THEN o.next_at END,
                    last_status = CASE WHEN o.has_status THEN o.status END,
                    last_error = CASE WHEN o.has_error THEN o.error END, updated_at = o.at,
                    excerpt = CASE WHEN o.failed AND o.has_excerpt THEN o.excerpt ELSE d.excerpt END
                FROM o WHERE d.id = o.id AND d.state = 'pending'
                RETURNING d.id, d.target, d.user_id, d.state, o.at, o.status, o.has_status, o.error, o.has_error, o.failed),
            history AS (
                INSERT INTO attempts (delivery_id, at, status, error)
                SELECT id, at, CASE WHEN has_status THEN status END, CASE WHEN has_error THEN error END FROM changed WHERE failed)
            SELECT id, target, user_id, at FROM changed WHERE state <> 'pending' AND user_id IS NOT NULL
            """, b.bindings).map { row in
            let r = row.makeRandomAccess()
            return (id: try r.at(0, as: Int64.self), target: try r.at(1, as: String.self), user: try r.at(2, as: String.self),
                    at: try r.at(3, as: Int64.self))
        }
        guard !settled.isEmpty else { return [] }
        // Each settled delivery's line moves on: the next one of that user becomes due. (In a
        // statement of its own: the one above cannot see its own updates.)
        var p = SQLBinds()
        return try Set(db.run("""
            UPDATE deliveries d SET next_attempt_at = x.at FROM (
                SELECT DISTINCT ON (n.id) n.id, l.at, l.settled
                FROM unnest(\(p.add(settled.map(\.id))), \(p.add(settled.map(\.target))), \(p.add(settled.map(\.user))),
                            \(p.add(settled.map(\.at)))) AS l(settled, target, user_id, at)
                CROSS JOIN LATERAL (SELECT id FROM deliveries WHERE target = l.target AND user_id = l.user_id AND state = 'pending'
                                    ORDER BY id LIMIT 1) n
                ORDER BY n.id, l.at) x
            WHERE d.id = x.id AND d.next_attempt_at = \(p.add(waiting))
            RETURNING x.settled
            """, p.bindings).map { try $0.makeRandomAccess().at(0, as: Int64.self) })
    }

    /// Makes due the waiting deliveries that nothing is ahead of any more, though no settle
    /// promoted them: when an instance appended one behind a delivery that another instance
    /// settled in the same moment, neither transaction saw the other's row.
    static func promoteStranded(now: Instant, _ db: PostgresSession) throws {
        var b = SQLBinds()
        try db.run("""
            UPDATE deliveries d SET next_attempt_at = \(b.add(now.milliseconds))
            WHERE d.state = 'pending' AND d.next_attempt_at = \(b.add(waiting))
              AND NOT EXISTS (SELECT 1 FROM deliveries p
                              WHERE p.target = d.target AND p.user_id = d.user_id AND p.state = 'pending' AND p.id < d.id)
            """, b.bindings)
    }
}
