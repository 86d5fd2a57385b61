import GRDB

/// The statements every appended event runs, looked up in GRDB's statement cache once per
/// append rather than once per event: each lookup hashes and compares the whole SQL text.
struct AppendStatements {
    let insertEvent: Statement
    let insertDelivery: Statement
    let earlierPending: Statement

    init(_ db: Database) throws {
        insertEvent = try db.cachedStatement(sql: """
            INSERT INTO events (route, source, name, user_id, received_at, canonical) VALUES (?, ?, ?, ?, ?, ?)
            """)
        insertDelivery = try db.cachedStatement(sql: """
            INSERT INTO deliveries (event_id, target, user_id, state, attempts, next_attempt_at, updated_at)
            VALUES (?, ?, ?, 'pending', 0, ?, ?)
            """)
        earlierPending = try db.cachedStatement(sql: """
            SELECT id FROM deliveries WHERE target = ? AND user_id = ? AND state = 'pending' ORDER BY id LIMIT ?
            """)
    }
}
