import GRDB
import SwitchboardCore

extension SQLiteJournal {
    /// The events of `route` accepted in `[since, until)`, as SQL over `events e`.
    static func rangeCondition(route: String, since: Instant?, until: Instant?) -> (String, [any DatabaseValueConvertible]) {
        var clauses = ["e.route = ?"]
        var arguments: [any DatabaseValueConvertible] = [route]
        if let since { clauses.append("e.received_at >= ?"); arguments.append(since.milliseconds) }
        if let until { clauses.append("e.received_at < ?"); arguments.append(until.milliseconds) }
        return (clauses.joined(separator: " AND "), arguments)
    }

    public func routeReport(route: String, since: Instant?, until: Instant?, targets: [String]) throws -> RouteReport {
        let (condition, arguments) = Self.rangeCondition(route: route, since: since, until: until)
        let args: StatementArguments = StatementArguments(arguments)
        do {
            return try pool.read { db in
                let events = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events e WHERE \(condition)", arguments: args) ?? 0
                let counts = try Row.fetchAll(db, sql: """
                    SELECT d.target, d.state, COUNT(*) FROM deliveries d JOIN events e ON e.id = d.event_id
                    WHERE \(condition) GROUP BY d.target, d.state
                    """, arguments: args).map { RouteReport.StateCount(target: $0[0], state: $0[1], count: $0[2]) }
                return try RouteReport.assemble(
                    route: route, since: since, until: until, targets: targets, events: events, counts: counts,
                    reasons: { name in
                        try Row.fetchAll(db, sql: """
                            SELECT COALESCE(d.last_error, '-'), COUNT(*) AS n FROM deliveries d JOIN events e ON e.id = d.event_id
                            WHERE \(condition) AND d.target = ? AND d.state IN ('pending', 'dead')
                            GROUP BY 1 ORDER BY n DESC, 1 LIMIT 5
                            """, arguments: StatementArguments(arguments + [name] as [any DatabaseValueConvertible])).map { (reason: $0[0], count: $0[1]) }
                    },
                    deliveredButDead: { good, bad in
                        let sql = """
                            FROM events e JOIN deliveries g ON g.event_id = e.id AND g.target = ? AND g.state = 'delivered'
                            JOIN deliveries b ON b.event_id = e.id AND b.target = ? AND b.state = 'dead'
                            WHERE \(condition)
                            """
                        let pair: StatementArguments = StatementArguments([good, bad] + arguments)
                        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) " + sql, arguments: pair) ?? 0
                        guard count > 0 else { return (0, []) }
                        return (count, try Int64.fetchAll(db, sql: "SELECT e.id " + sql + " ORDER BY e.id LIMIT 10", arguments: pair))
                    })
            }
        } catch {
            throw JournalError(operation: "report on a route", reason: Self.reason(error))
        }
    }

    public func enqueueBackfill(_ range: BackfillRange, now: Instant, limit: Int) async throws -> Int {
        let box = JournalWrite.BackfillBox(range, now, limit)
        do {
            try await committer.submit(.backfill(box))
        } catch {
            throw JournalError(operation: "enqueue a backfill", reason: Self.reason(error))
        }
        return box.added
    }

    /// Adds a pending delivery to the range's target for up to `limit` events of the range that
    /// have none, oldest first; the writer thread runs it inside one transaction.
    static func applyBackfill(_ box: JournalWrite.BackfillBox, _ db: Database, _ waiting: WaitingInLineCount) throws {
        let (condition, arguments) = rangeCondition(route: box.range.route, since: box.range.since, until: box.range.until)
        let before = try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(id), 0) FROM deliveries") ?? 0
        try db.execute(sql: """
            INSERT INTO deliveries (event_id, target, user_id, state, attempts, next_attempt_at, updated_at, created_at)
            SELECT e.id, ?, e.user_id, 'pending', 0, ?, ?, ? FROM events e
            WHERE \(condition) AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.target = ?)
            ORDER BY e.id LIMIT ?
            """, arguments: StatementArguments(
                [box.range.target, box.now.milliseconds, box.now.milliseconds, box.now.milliseconds] + arguments
                    + [box.range.target, box.limit]))
        box.added = db.changesCount
        // Those behind an earlier pending delivery of their user wait their turn, as appended ones do.
        try db.execute(sql: """
            UPDATE deliveries SET next_attempt_at = ?
            WHERE id > ? AND user_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM deliveries p
                WHERE p.target = deliveries.target AND p.user_id = deliveries.user_id AND p.state = 'pending' AND p.id < deliveries.id)
            """, arguments: [WaitingInLine.dueAt, before])
        waiting.queued(db.changesCount)
    }
}
