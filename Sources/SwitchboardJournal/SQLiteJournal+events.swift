import Foundation
import GRDB
import SwitchboardCore

extension SQLiteJournal {
    public func events(matching query: EventQuery) throws -> EventPage {
        let (condition, arguments) = try Self.condition(for: query)
        do {
            return try pool.read { db in
                let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events \(condition)", arguments: StatementArguments(arguments)) ?? 0
                let rows = try Row.fetchAll(db, sql: Self.listSQL(condition), arguments: StatementArguments(arguments + [query.limit, query.offset]))
                let events = rows.map { row in
                    StoredEvent(id: row[0], receivedAt: Instant(milliseconds: row[1]), canonical: Array((row[2] as Data?) ?? Data()))
                }
                return EventPage(events: events, total: total)
            }
        } catch {
            throw JournalError(operation: "list events", reason: Self.reason(error))
        }
    }

    /// The plan SQLite chooses to list `query`'s events, for tests that check an index is used.
    public func plan(for query: EventQuery) throws -> String {
        let (condition, arguments) = try Self.condition(for: query)
        return try queryPlan(Self.listSQL(condition), StatementArguments(arguments + [1, 0]))
    }

    /// SQLite's plan for `sql`, its steps joined with "; ".
    func queryPlan(_ sql: String, _ arguments: StatementArguments) throws -> String {
        try pool.read { db in
            // EXPLAIN runs nothing, so it would not notice an index built or dropped since this
            // connection last read the schema: a real read first brings the schema up to date.
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments)
                .map { $0["detail"] as String? ?? "" }.joined(separator: "; ")
        }
    }

    private static func listSQL(_ condition: String) -> String {
        "SELECT id, received_at, canonical FROM events \(condition) ORDER BY received_at, id LIMIT ? OFFSET ?"
    }

    /// The WHERE clause for a query and its arguments.
    private static func condition(for query: EventQuery) throws -> (String, [any DatabaseValueConvertible]) {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let userId = query.userId { clauses.append("user_id = ?"); arguments.append(userId) }
        if let route = query.route { clauses.append("route = ?"); arguments.append(route) }
        if let since = query.since { clauses.append("received_at >= ?"); arguments.append(since.milliseconds) }
        if let until = query.until { clauses.append("received_at <= ?"); arguments.append(until.milliseconds) }
        if !query.names.isEmpty {
            clauses.append("name IN (\(Array(repeating: "?", count: query.names.count).joined(separator: ",")))")
            arguments += query.names
        }
        for (key, value) in query.context.sorted(by: { $0.key < $1.key }) {
            // Keys become part of a JSON path, so only plain names are accepted.
            guard EventQuery.isPlainName(key) else {
                throw JournalError(operation: "list events", reason: "a context filter must name a plain key")
            }
            clauses.append("json_extract(CAST(canonical AS TEXT), '$.context.\(key)') = ?")
            arguments.append(value)
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }
}
