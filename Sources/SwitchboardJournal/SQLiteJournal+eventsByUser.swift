import GRDB

extension SQLiteJournal {
    /// Builds the index of events by user (`events_user_received`) when `wanted`, drops it
    /// otherwise; returns true when it changed. Every append writes a leaf of it chosen by the
    /// user id, so one page more per event at each commit, a third of the journal's work in a
    /// forwarding gateway; only a route that lists events reads it. Building or dropping it
    /// reads the whole index or every event once, after `starting` is called.
    public func indexEventsByUser(_ wanted: Bool, starting: @Sendable () -> Void) async throws -> Bool {
        do {
            return try await pool.write { db in
                let present = try db.indexes(on: "events").contains { $0.name == "events_user_received" }
                guard present != wanted else { return false }
                starting()
                try db.execute(sql: wanted ? SQLiteSchema.eventsByUserIndex : "DROP INDEX events_user_received")
                return true
            }
        } catch {
            throw JournalError(operation: "index events by user", reason: Self.reason(error))
        }
    }
}
