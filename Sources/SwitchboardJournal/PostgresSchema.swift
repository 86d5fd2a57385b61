/// The PostgreSQL journal's tables, as versioned migrations. The same tables as the SQLite
/// journal's (see `SQLiteSchema`), written once in PostgreSQL's types.
///
/// Migrations are applied at start under an advisory lock, so when several instances start at
/// once, one applies them and the others wait, then find nothing left to do.
enum PostgresSchema {
    /// The advisory lock taken while migrating (an arbitrary constant: "SWBD").
    static let migrationLock: Int64 = 0x5357_4244

    static let migrations: [(version: Int, name: String, sql: [String])] = [
        (1, "tables", [
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
            """,
            // A random id per journal, part of every idempotency key.
            """
            INSERT INTO meta (key, value) VALUES ('journal_id', substr(md5(random()::text || clock_timestamp()::text), 1, 16))
            """,
            """
            CREATE TABLE events (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                route TEXT NOT NULL,
                source TEXT NOT NULL,
                name TEXT,
                user_id TEXT,
                received_at BIGINT NOT NULL,  -- Unix milliseconds
                canonical BYTEA NOT NULL       -- the canonical event, JSON
            )
            """,
            "CREATE INDEX events_received ON events(received_at)",
            "CREATE INDEX events_user_received ON events(user_id, received_at)",
            """
            CREATE TABLE event_names (route TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (route, name))
            """,
            """
            CREATE TABLE deliveries (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                event_id BIGINT NOT NULL REFERENCES events(id),
                target TEXT NOT NULL,
                user_id TEXT,
                state TEXT NOT NULL,            -- pending | delivered | dead | skipped
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at BIGINT,         -- Unix milliseconds, while pending; a lease while claimed
                last_status INTEGER,
                last_error TEXT,
                excerpt TEXT,
                updated_at BIGINT NOT NULL,
                created_at BIGINT               -- set on backfilled deliveries: their retry window starts then
            )
            """,
            "CREATE INDEX deliveries_due ON deliveries(next_attempt_at, id) WHERE state = 'pending'",
            "CREATE INDEX deliveries_state ON deliveries(state, updated_at)",
            "CREATE INDEX deliveries_event ON deliveries(event_id)",
            """
            CREATE INDEX deliveries_user_line ON deliveries(target, user_id, id) WHERE state = 'pending' AND user_id IS NOT NULL
            """,
            """
            CREATE TABLE attempts (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                delivery_id BIGINT NOT NULL REFERENCES deliveries(id),
                at BIGINT NOT NULL,
                status INTEGER,
                error TEXT
            )
            """,
            "CREATE INDEX attempts_delivery ON attempts(delivery_id)",
            """
            CREATE TABLE rule_hits (scope TEXT NOT NULL, key TEXT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            "CREATE INDEX rule_hits_key ON rule_hits(scope, key, expires_at)",
            "CREATE INDEX rule_hits_expiry ON rule_hits(expires_at)",
        ]),
        // Every delivery is inserted pending and updated once settled, leaving a dead row and dead
        // entries in the pending-only indexes that every claim scans: vacuum it early and often.
        (2, "vacuum deliveries early", [
            """
            ALTER TABLE deliveries SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
                                        autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0)
            """,
        ]),
    ]

    /// Applies the migrations this database lacks, each in its own transaction, one instance at a time.
    static func migrate(_ session: PostgresSession, schema: String?) throws {
        try session.run("SELECT pg_advisory_lock(\(migrationLock))")
        // A schema named in the URL is made on first use (its name is a plain name, checked).
        if let schema { try session.run("CREATE SCHEMA IF NOT EXISTS \(schema)") }
        defer { _ = try? session.run("SELECT pg_advisory_unlock(\(migrationLock))") }
        try session.run("""
            CREATE TABLE IF NOT EXISTS switchboard_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
            """)
        let applied = Set(try session.run("SELECT version FROM switchboard_migrations").map {
            try $0.makeRandomAccess().at(0, as: Int.self)
        })
        for migration in migrations where !applied.contains(migration.version) {
            try session.transaction {
                for statement in migration.sql { try session.run(statement) }
                var binds = SQLBinds()
                try session.run("INSERT INTO switchboard_migrations (version, name) VALUES (\(binds.add(migration.version)), \(binds.add(migration.name)))",
                                binds.bindings)
            }
        }
    }
}
