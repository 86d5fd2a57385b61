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
                var byName: [String: RouteReport.Target] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT d.target, d.state, COUNT(*) FROM deliveries d JOIN events e ON e.id = d.event_id
                    WHERE \(condition) GROUP BY d.target, d.state
                    """, arguments: args) {
                    let name: String = row[0]
                    var target = byName[name] ?? RouteReport.Target(name: name)
                    let count: Int = row[2]
                    switch DeliveryState(rawValue: row[1]) {
                    case .delivered: target.delivered += count
                    case .pending: target.pending += count
                    case .dead: target.dead += count
                    case .skipped: target.skipped += count
                    case nil: break
                    }
                    byName[name] = target
                }
                for name in targets where byName[name] == nil { byName[name] = RouteReport.Target(name: name) }
                for name in byName.keys {
                    byName[name]!.missing = events - byName[name]!.delivered - byName[name]!.pending - byName[name]!.dead - byName[name]!.skipped
                    byName[name]!.reasons = try Row.fetchAll(db, sql: """
                        SELECT COALESCE(d.last_error, '-'), COUNT(*) AS n FROM deliveries d JOIN events e ON e.id = d.event_id
                        WHERE \(condition) AND d.target = ? AND d.state IN ('pending', 'dead')
                        GROUP BY 1 ORDER BY n DESC, 1 LIMIT 5
                        """, arguments: StatementArguments(arguments + [name] as [any DatabaseValueConvertible])).map { (reason: $0[0], count: $0[1]) }
                }
                let names = byName.keys.sorted { a, b in
                    let (i, j) = (targets.firstIndex(of: a) ?? Int.max, targets.firstIndex(of: b) ?? Int.max)
                    return i != j ? i < j : a < b
                }
                var differences: [RouteReport.Difference] = []
                for good in names {
                    for bad in names where bad != good {
                        let sql = """
                            FROM events e JOIN deliveries g ON g.event_id = e.id AND g.target = ? AND g.state = 'delivered'
                            JOIN deliveries b ON b.event_id = e.id AND b.target = ? AND b.state = 'dead'
                            WHERE \(condition)
                            """
                        let pair: StatementArguments = StatementArguments([good, bad] + arguments)
                        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) " + sql, arguments: pair) ?? 0
                        guard count > 0 else { continue }
                        let examples = try Int64.fetchAll(db, sql: "SELECT e.id " + sql + " ORDER BY e.id LIMIT 10", arguments: pair)
                        differences.append(RouteReport.Difference(deliveredTo: good, failedOn: bad, count: count, examples: examples))
                    }
                }
                return RouteReport(route: route, since: since, until: until, events: events,
                                   targets: names.map { byName[$0]! }, differences: differences)
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
    static func applyBackfill(_ box: JournalWrite.BackfillBox, _ db: Database) throws {
        let (condition, arguments) = rangeCondition(route: box.range.route, since: box.range.since, until: box.range.until)
        try db.execute(sql: """
            INSERT INTO deliveries (event_id, target, user_id, state, attempts, next_attempt_at, updated_at, created_at)
            SELECT e.id, ?, e.user_id, 'pending', 0, ?, ?, ? FROM events e
            WHERE \(condition) AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.target = ?)
            ORDER BY e.id LIMIT ?
            """, arguments: StatementArguments(
                [box.range.target, box.now.milliseconds, box.now.milliseconds, box.now.milliseconds] + arguments
                    + [box.range.target, box.limit]))
        box.added = db.changesCount
    }
}
