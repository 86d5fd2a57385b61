#!/usr/bin/env bash
# A long forward-mode run: wrk's load (2 threads, 64 connections, each pausing between an answer
# and its next request so the rate stays near RATE per second) for MINUTES, with the
# mock Flameup upstream stopped for DOWN seconds every RESTART_S seconds (so kept connections
# break and events wait in the journal for their retry), and delivered events pruned each minute
# (`retentionHours: 0`). Every 10 s it prints the gateway's resident memory, open descriptors,
# threads, journal size (file and WAL), deliveries still pending and the upstream's count. At the
# end it waits for the pending deliveries, then prints the ranges and what the journal holds.
#   bench/soak.sh [MINUTES=20] [RATE=2000] [RESTART_S=120] [DOWN=3]    (RESTART_S=0: the upstream stays up)
# Same CPU split as the peer harness: the gateway on CPU 1, wrk and the upstream on CPU 0. Stops
# by itself: the load ends after MINUTES, the settle after SETTLE_S (default 300) seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-20}
rate=${2:-2000}
restart_every=${3:-120}
down=${4:-3}
peer=$(cd ../shared/bench/peer && pwd)
swift build -c release --product switchboard >/dev/null
run=$(mktemp -d /tmp/switchboard-soak.XXXXXX)
journal=$run/journal.sqlite
samples=$run/samples.csv
cleanup() {
    # Under set -e a failing command would end the trap before the files go.
    if [ -n "${load:-}" ]; then kill -INT "$load" 2>/dev/null || true; wait "$load" 2>/dev/null || true; fi
    if [ -n "${gw:-}" ]; then kill -TERM "$gw" 2>/dev/null || true; wait "$gw" 2>/dev/null || true; fi
    "$peer/upstream.sh" stop >/dev/null 2>&1 || true
    rm -f "$journal" "$journal"-wal "$journal"-shm "$journal".lock
}
trap cleanup EXIT
trap "exit 143" INT TERM
if ss -Hltn 'sport = :27090' | grep -q .; then echo "port 27090 is taken (a gateway still running?)" >&2; exit 1; fi
"$peer/upstream.sh" stop >/dev/null 2>&1 || true   # one left by an interrupted run
"$peer/upstream.sh" start >/dev/null
GATEWAY_MODE=forward GATEWAY_JOURNAL=$journal GATEWAY_RETENTION_HOURS=0 \
    taskset -c 1 bench/peer-gateway.sh >"$run/gateway.log" 2>&1 &
gw=$!
for _ in $(seq 200); do ss -Hltn 'sport = :27090' | grep -q . && break; sleep 0.1; done
pid=$(pgrep -P "$gw" -f 'release/switchboard serve' | head -1)
# The upstream's log starts empty at every start: counts of the earlier runs are added up here.
counted=0
delivered() { echo $((counted + $("$peer/upstream.sh" count))); }
query() { sqlite3 "file:$journal?mode=ro" "$1" 2>/dev/null || echo "?"; }
mib() { du -m --apparent-size "$1" 2>/dev/null | cut -f1 || echo 0; }
start=$(date +%s)
echo "seconds,rss_mib,fds,threads,journal_mib,wal_mib,pending,delivered" >"$samples"
sample() {
    local rss fds threads
    rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")
    fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
    threads=$(awk '/Threads/ {print $2}' "/proc/$pid/status")
    echo "$(($(date +%s) - start)),$rss,$fds,$threads,$(mib "$journal"),$(mib "$journal-wal")," \
        "$(query "SELECT count(*) FROM deliveries WHERE state = 'pending'"),$(delivered)" | tr -d ' ' | tee -a "$samples"
}
connections=64
PEER_LOAD=$peer/load/usercom-events.lua PACED_DELAY_MS=$((connections * 1000 / rate)) \
    timeout $((minutes * 60 + 60)) taskset -c 0 wrk -t2 -c$connections -d$((minutes * 60))s --timeout 5s \
    -s bench/load/paced.lua http://127.0.0.1:27090/ >"$run/wrk.log" 2>&1 &
load=$!
next_restart=$((start + restart_every))
back_at=
while kill -0 $load 2>/dev/null; do
    line=$(sample)
    echo "$line"
    # Drained: no more pending than the load's own in flight (at most one per connection).
    if [ -n "$back_at" ] && [ "$(echo "$line" | cut -d, -f7)" -le "$connections" ]; then
        echo "backlog drained $(($(date +%s) - back_at)) s after the upstream came back"
        back_at=
    fi
    if [ "$restart_every" -gt 0 ] && [ "$(date +%s)" -ge "$next_restart" ]; then
        "$peer/upstream.sh" stop >/dev/null
        counted=$(delivered)   # the stop flushed the log
        sleep "$down"
        "$peer/upstream.sh" start >/dev/null
        back_at=$(date +%s)
        echo "upstream restarted after $down s down"
        next_restart=$((next_restart + restart_every))
    fi
    sleep 10
done
wait $load || true
load=
deadline=$(($(date +%s) + ${SETTLE_S:-300}))
while [ "$(query "SELECT count(*) FROM deliveries WHERE state = 'pending'")" != 0 ] && [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 5
done
sleep 2   # the upstream flushes its count every second
sample
grep -E "requests in|Requests/sec|Non-2xx|Socket errors" "$run/wrk.log" | sed 's/^ */wrk: /'
tr ' ' '\n' <"$run/wrk.log" | awk -F= '$1 ~ /^lat_p(50|99|999)_us$|^lat_max_us$/ { printf "%s%s %.1f ms", sep, substr($1, 5, length($1) - 7), $2 / 1000; sep = ", " }
    END { if (sep) print "" }' | sed 's/^/wrk latency: /'
awk -F, 'NR == 1 { next }
    { n++; r[n] = $2; f[n] = $3; t[n] = $4; j[n] = $5 + $6 }
    END {
        q = int(n / 4) + 1
        for (i = q; i <= n; i++) {
            if (!rmin || r[i] < rmin) rmin = r[i]; if (r[i] > rmax) rmax = r[i]
            if (!fmin || f[i] < fmin) fmin = f[i]; if (f[i] > fmax) fmax = f[i]
            if (!jmin || j[i] < jmin) jmin = j[i]; if (j[i] > jmax) jmax = j[i]
        }
        printf "after the first quarter (samples %d..%d): RSS %d..%d MiB, descriptors %d..%d, journal + WAL %d..%d MiB\n", q, n, rmin, rmax, fmin, fmax, jmin, jmax
        printf "first sample: RSS %d MiB, descriptors %d, threads %d; last: RSS %d MiB, descriptors %d, threads %d\n", r[1], f[1], t[1], r[n], f[n], t[n]
    }' "$samples"
echo "journal: $(query "SELECT max(id) FROM events") events accepted; deliveries by state now:" \
    "$(query "SELECT group_concat(state || '=' || n, ' ') FROM (SELECT state, count(*) AS n FROM deliveries GROUP BY state)")"
echo "upstream answered 200 to $(delivered) requests (with the retries and duplicates of the restarts)"
echo "samples: $samples"
