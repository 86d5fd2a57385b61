import NIOCore
import PostgresNIO
import SwitchboardCore

extension PostgresJournal {
    public func events(matching query: EventQuery) throws -> EventPage {
        var b = SQLBinds()
        var clauses: [String] = []
        if let userId = query.userId { clauses.append("user_id = \(b.add(userId))") }
        if let route = query.route { clauses.append("route = \(b.add(route))") }
        if let since = query.since { clauses.append("received_at >= \(b.add(since.milliseconds))") }
        if let until = query.until { clauses.append("received_at <= \(b.add(until.milliseconds))") }
        if !query.names.isEmpty { clauses.append("name = ANY(\(b.add(query.names)))") }
        for (key, value) in query.context.sorted(by: { $0.key < $1.key }) {
            guard EventQuery.isPlainName(key) else {
                throw JournalError(operation: "list events", reason: "a context filter must name a plain key")
            }
            clauses.append("convert_from(canonical, 'UTF8')::jsonb -> 'context' ->> \(b.add(key)) = \(b.add(value))")
        }
        let condition = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try read("list events") { session in
            let total: Int = try session.run("SELECT COUNT(*) FROM events \(condition)", b.bindings).first?.makeRandomAccess().at(0) ?? 0
            var page = b
            let sql = """
                SELECT id, received_at, canonical FROM events \(condition)
                ORDER BY received_at, id LIMIT \(page.add(query.limit)) OFFSET \(page.add(query.offset))
                """
            let events = try session.run(sql, page.bindings).map { row in
                let r = row.makeRandomAccess()
                let canonical: ByteBuffer = try r.at(2)
                return StoredEvent(id: try r.at(0), receivedAt: Instant(milliseconds: try r.at(1)), canonical: Array(canonical.readableBytesView))
            }
            return EventPage(events: events, total: total)
        }
    }

    public func routeReport(route: String, since: Instant?, until: Instant?, targets: [String]) throws -> RouteReport {
        try read("report on a route") { session in
            func condition(_ b: inout SQLBinds) -> String { Self.rangeCondition(route, since, until, &b) }
            var b = SQLBinds()
            let events: Int = try session.run("SELECT COUNT(*) FROM events e WHERE \(condition(&b))", b.bindings)
                .first?.makeRandomAccess().at(0) ?? 0
            b = SQLBinds()
            let counts = try session.run("""
                SELECT d.target, d.state, COUNT(*) FROM deliveries d JOIN events e ON e.id = d.event_id
                WHERE \(condition(&b)) GROUP BY d.target, d.state
                """, b.bindings).map { row in
                let r = row.makeRandomAccess()
                return RouteReport.StateCount(target: try r.at(0), state: try r.at(1), count: try r.at(2))
            }
            return try RouteReport.assemble(
                route: route, since: since, until: until, targets: targets, events: events, counts: counts,
                reasons: { name in
                    var r = SQLBinds()
                    return try session.run("""
                        SELECT COALESCE(d.last_error, '-'), COUNT(*) AS n FROM deliveries d JOIN events e ON e.id = d.event_id
                        WHERE \(condition(&r)) AND d.target = \(r.add(name)) AND d.state IN ('pending', 'dead')
                        GROUP BY 1 ORDER BY n DESC, 1 LIMIT 5
                        """, r.bindings).map { row in
                        let c = row.makeRandomAccess()
                        return (reason: try c.at(0, as: String.self), count: try c.at(1, as: Int.self))
                    }
                },
                deliveredButDead: { good, bad in
                    var p = SQLBinds()
                    let from = """
                        FROM events e JOIN deliveries g ON g.event_id = e.id AND g.target = \(p.add(good)) AND g.state = 'delivered'
                        JOIN deliveries b ON b.event_id = e.id AND b.target = \(p.add(bad)) AND b.state = 'dead'
                        WHERE \(condition(&p))
                        """
                    let count: Int = try session.run("SELECT COUNT(*) " + from, p.bindings).first?.makeRandomAccess().at(0) ?? 0
                    guard count > 0 else { return (0, []) }
                    let examples: [Int64] = try session.run("SELECT e.id " + from + " ORDER BY e.id LIMIT 10", p.bindings)
                        .map { try $0.makeRandomAccess().at(0) }
                    return (count, examples)
                })
        }
    }
}
