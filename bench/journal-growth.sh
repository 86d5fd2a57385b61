#!/usr/bin/env bash
# Cost per event as the journal grows: the side-by-side gateway run (../shared/bench/peer,
# compare.sh -s gateway) against a fresh journal and against journals already holding ROWS
# delivered events each (one delivery per event, users spread over 100,000 ids, received over the
# last 6 days: inside the default 7-day retention, so the pruner has nothing to delete), made
# once under /tmp and kept for reruns (remove them to start over: they are 430 bytes an event,
# 44 GB for 100 M).
# With EXPIRED=1 the events were received 30 days ago, past the retention: the pruner deletes
# them while the load runs (such a journal is used up by one run, so it is made each time).
#   bench/journal-growth.sh [ROWS…]        default: 1000000 10000000
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)
swift build -c release --product switchboard >/dev/null
peer=../shared/bench/peer
measure() { # JOURNAL-FILE-or-empty LABEL
    local line
    line=$(GATEWAY_JOURNAL=$1 "$peer/compare.sh" -d 10 -s gateway --gateway-url http://127.0.0.1:27090/ \
        --gateway-cmd "$PWD/bench/peer-gateway.sh" 2>/dev/null | grep '^label=gateway' | tail -1)
    printf '%-26s %s\n' "$2" "$(grep -o 'rps=[0-9.]*\|p99_ms=[0-9.]*\|sut_cpu_us_per_req=[0-9.]*\|count_check=[a-z]*' <<<"$line" | tr '\n' ' ')"
}
make_journal() { # ROWS FILE
    [ -f "$2" ] && return
    # The gateway makes the schema (its migrations), then the rows go in with one statement each.
    GATEWAY_JOURNAL=$2 GATEWAY_PORT=27099 bench/peer-gateway.sh >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 100); do ss -Hltn 'sport = :27099' | grep -q . && break; sleep 0.1; done
    kill -TERM $pid; wait $pid 2>/dev/null || true
    # A rollback journal while filling: in WAL mode the one transaction would pass through a WAL
    # file as large as the journal (twice the disk); a large page cache keeps the indexes in memory.
    sqlite3 "$2" <<SQL
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -8000000;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
INSERT INTO events (id, route, source, name, user_id, received_at, canonical)
SELECT i, 'usercom-to-flameup', 'usercom', 'profile_updated', 'u' || (i % 100000),
       (CAST(strftime('%s', 'now') AS INTEGER) - $age) * 1000 + i * (518400000 / $1),
       CAST('{"userId":"u' || (i % 100000) || '","event":"profile_updated","timestamp":"2024-12-01T10:00:00Z","properties":{"plan":"pro","seats":12,"source":"journal-growth","note":"a body of about two hundred bytes, like the load''s"}}' AS BLOB)
FROM n;
INSERT INTO deliveries (id, event_id, target, user_id, state, attempts, next_attempt_at, last_status, updated_at)
SELECT id, id, 'flameup', user_id, 'delivered', 1, NULL, 200, received_at + 300 FROM events;
INSERT OR IGNORE INTO event_names (route, name) VALUES ('usercom-to-flameup', 'profile_updated');
COMMIT;
PRAGMA journal_mode = WAL;
SQL
}
expired=${EXPIRED:-0}
age=$([ "$expired" = 1 ] && echo 2592000 || echo 518400)  # seconds before now the first event came
measure "" "fresh journal"
for rows in "${sizes[@]}"; do
    if [ "$expired" = 1 ]; then
        file=/tmp/switchboard-growth-expired-$rows.sqlite
        rm -f "$file" "$file"-wal "$file"-shm
        make_journal "$rows" "$file"
        measure "$file" "$rows expired events"
        rm -f "$file" "$file"-wal "$file"-shm "$file".lock
    else
        file=/tmp/switchboard-growth-$rows.sqlite
        make_journal "$rows" "$file"
        measure "$file" "$rows events journaled"
    fi
done
