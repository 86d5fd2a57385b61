import GRDB

/// The SQLite journal's tables, as versioned migrations.
enum SQLiteSchema {
    /// The index that lists one user's events in a time range (Builder's getEvents). A gateway
    /// whose routes list no events drops it (see `SQLiteJournal.indexEventsByUser`).
    static let eventsByUserIndex = "CREATE INDEX events_user_received ON events(user_id, received_at)"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    route TEXT NOT NULL,
                    source TEXT NOT NULL,
                    name TEXT,
                    user_id TEXT,
                    received_at INTEGER NOT NULL,  -- Unix milliseconds
                    canonical BLOB NOT NULL        -- the canonical event, JSON
                );
                CREATE TABLE event_names (
                    route TEXT NOT NULL,
                    name TEXT NOT NULL,
                    PRIMARY KEY (route, name)
                ) WITHOUT ROWID;
                CREATE TABLE deliveries (
                    id INTEGER PRIMARY KEY,
                    event_id INTEGER NOT NULL REFERENCES events(id),
                    target TEXT NOT NULL,
                    state TEXT NOT NULL,           -- pending | delivered | dead
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER,       -- Unix milliseconds, while pending
                    last_status INTEGER,
                    last_error TEXT,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE state = 'pending';
                CREATE INDEX deliveries_state ON deliveries(state, updated_at);
                """)
        }
        migrator.registerMigration("v2: journal identity") { db in
            // A random id per journal, so idempotency keys built from row ids never repeat
            // across journals (a fresh journal starts its ids at 1 again).
            try db.execute(sql: "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('journal_id', lower(hex(randomblob(8))))")
        }
        migrator.registerMigration("v3: per-user order") { db in
            // A delivery waits while an earlier one of the same user to the same target is
            // pending; the user is copied onto deliveries so that test is one index lookup.
            try db.execute(sql: """
                ALTER TABLE deliveries ADD COLUMN user_id TEXT;
                UPDATE deliveries SET user_id = (SELECT e.user_id FROM events e WHERE e.id = deliveries.event_id);
                CREATE INDEX deliveries_user_line ON deliveries(target, user_id, id)
                    WHERE state = 'pending' AND user_id IS NOT NULL;
                """)
        }
        migrator.registerMigration("v4: attempt history") { db in
            // Every failed attempt, so a dead letter shows when it was tried and what came back;
            // `excerpt` keeps the vendor's last error answer, shortened and with credentials masked.
            try db.execute(sql: """
                CREATE TABLE attempts (
                    delivery_id INTEGER NOT NULL REFERENCES deliveries(id),
                    at INTEGER NOT NULL,  -- Unix milliseconds
                    status INTEGER,
                    error TEXT
                );
                CREATE INDEX attempts_delivery ON attempts(delivery_id);
                ALTER TABLE deliveries ADD COLUMN excerpt TEXT;
                CREATE INDEX deliveries_event ON deliveries(event_id);
                CREATE INDEX events_received ON events(received_at);
                """)
        }
        migrator.registerMigration("v5: events by user and time") { db in
            // Listing a user's events in a time range (Builder's getEvents) is one index range.
            try db.execute(sql: eventsByUserIndex)
        }
        migrator.registerMigration("v6: vendor rule throttles") { db in
            // One row per event a throttling vendor rule let through, kept until its window ends.
            try db.execute(sql: """
                CREATE TABLE rule_hits (
                    scope TEXT NOT NULL,       -- target and rule
                    key TEXT NOT NULL,
                    expires_at INTEGER NOT NULL  -- Unix milliseconds
                );
                CREATE INDEX rule_hits_key ON rule_hits(scope, key, expires_at);
                CREATE INDEX rule_hits_expiry ON rule_hits(expires_at);
                """)
        }
        migrator.registerMigration("v7: backfilled deliveries") { db in
            // A delivery added after its event (a backfill) retries for the window from then.
            try db.execute(sql: "ALTER TABLE deliveries ADD COLUMN created_at INTEGER")
        }
        return migrator
    }
}
