#!/usr/bin/env bash
# A burst into queue mode: EVENTS user.com events as fast as wrk sends them (2 threads, 64
# connections), journaled and answered, delivered to the peer harness's TLS upstream (mock
# Flameup) as fast as it takes them, or at RATE requests per second. Prints the gateway's memory
# and the deliveries every 5 s, then the summary: events accepted, intake rate, RSS range, and the
# drain rate between 10 % and 90 % of the deliveries (against RATE when one is set), from the
# upstream's count and, exactly, from the journal's delivery times.
#   bench/queue-burst.sh [EVENTS=1000000] [RATE=none]      e.g. bench/queue-burst.sh 10000000 2000
# Same CPU split as the peer harness: the gateway on CPU 1, wrk and the upstream on CPU 0. Stops
# by itself: the burst ends at EVENTS answers, the drain when all are delivered or after
# MAX_DRAIN_S (default 7200) seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
rate=${2:-none}
peer=$(cd ../shared/bench/peer && pwd)
swift build -c release --product switchboard >/dev/null
run=$(mktemp -d /tmp/switchboard-burst.XXXXXX)
journal=$run/journal.sqlite
samples=$run/samples.csv
cleanup() {
    # Under set -e a failing command would end the trap before the files go.
    if [ -n "${gw:-}" ]; then kill -TERM "$gw" 2>/dev/null || true; wait "$gw" 2>/dev/null || true; fi
    "$peer/upstream.sh" stop >/dev/null 2>&1 || true
    for _ in $(seq 100); do [ -z "$("$peer/upstream.sh" status 2>/dev/null)" ] && break; sleep 0.1; done
    rm -f "$journal" "$journal"-wal "$journal"-shm
}
trap cleanup EXIT
trap "exit 143" INT TERM
"$peer/upstream.sh" stop >/dev/null 2>&1 || true   # one left by an interrupted run
"$peer/upstream.sh" start >/dev/null
GATEWAY_MODE=queue GATEWAY_RATE=$rate GATEWAY_JOURNAL=$journal GATEWAY_DURABILITY=full \
    taskset -c 1 bench/peer-gateway.sh >"$run/gateway.log" 2>&1 &
gw=$!
for _ in $(seq 200); do ss -Hltn 'sport = :27090' | grep -q . && break; sleep 0.1; done
pid=$(pgrep -P "$gw" -f 'release/switchboard serve' | head -1)
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status"; }
delivered() { "$peer/upstream.sh" count; }
accepted() { sqlite3 "file:$journal?mode=ro" 'SELECT coalesce(max(id), 0) FROM events' 2>/dev/null || echo 0; }
start=$(date +%s.%N)
echo "seconds,phase,rss_mib,accepted,delivered" >"$samples"
sample() { # PHASE
    local t
    t=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')
    echo "$t,$1,$(rss),$(accepted),$(delivered)" | tee -a "$samples"
}
PEER_LOAD=$peer/load/usercom-events.lua BURST_PER_THREAD=$((events / 2)) \
    timeout 7200 taskset -c 0 wrk -t2 -c64 -d7200s --timeout 5s -s bench/load/burst.lua http://127.0.0.1:27090/ \
    >"$run/wrk.log" 2>&1 &
load=$!
# A wrk thread that has had its answers stops sending, but wrk itself waits out -d: it is
# interrupted (and prints its summary) once the journal holds the burst.
while kill -0 $load 2>/dev/null; do
    sample burst
    [ "$(accepted)" -ge "$events" ] && kill -INT $load 2>/dev/null
    sleep 5
done
wait $load || true
burst_end=$(date +%s.%N)
burst_end_ms=$(date +%s%3N)
total=$(accepted)
deadline=$(( $(date +%s) + ${MAX_DRAIN_S:-7200} ))
while [ "$(delivered)" -lt "$total" ] && [ "$(date +%s)" -lt "$deadline" ]; do sample drain; sleep 5; done
sample done
grep -E "Requests/sec|Non-2xx|Socket errors|WRK_DONE" "$run/wrk.log" | sed 's/^/wrk: /'
awk -F, -v total="$total" -v rate="$rate" -v bs="$start" -v be="$burst_end" '
    NR == 1 { next }
    { t[NR] = $1; d[NR] = $5; r = $3; if (min == "" || r < min) min = r; if (r > max) max = r; n = NR }
    $2 == "burst" { last_burst_rss = r }
    END {
        for (i = 2; i <= n; i++) { if (!a && d[i] >= total * 0.1) a = i; if (!b && d[i] >= total * 0.9) b = i }
        printf "events accepted: %d in %.1f s of burst (%.0f/s)\n", total, be - bs, total / (be - bs)
        printf "gateway RSS: %d..%d MiB over the run\n", min, max
        printf "delivered: %d of %d after %.1f s\n", d[n], total, t[n]
        if (a && b && t[b] > t[a]) {
            drain = (d[b] - d[a]) / (t[b] - t[a])
            printf "drain rate (10..90 %% of deliveries): %.0f/s", drain
            if (rate != "none") printf " vs %d/s configured: %+.2f %%", rate, (drain / rate - 1) * 100
            printf "\n"
        }
    }' "$samples"
# The drain, exactly: from the journal's delivery times (the upstream's count, above, is flushed
# in steps and only shows progress). Between 10 % and 90 % of the deliveries, and from the
# burst's end to 90 % when that is later.
sqlite3 -separator ' ' "file:$journal?mode=ro" "
    WITH d AS (SELECT updated_at AS t FROM deliveries WHERE state = 'delivered'),
         n AS (SELECT count(*) AS c FROM d),
         q AS (SELECT (SELECT t FROM d ORDER BY t LIMIT 1 OFFSET (SELECT c / 10 FROM n)) AS t10,
                      (SELECT t FROM d ORDER BY t LIMIT 1 OFFSET (SELECT c * 9 / 10 FROM n)) AS t90)
    SELECT t10, t90, (SELECT count(*) FROM d WHERE t > t10 AND t <= t90),
           (SELECT count(*) FROM d WHERE t > $burst_end_ms AND t <= t90) FROM q" |
awk -v rate="$rate" -v be="$burst_end_ms" '
    function report(label, count, ms) {
        printf "%s: %.1f/s over %.0f s", label, count * 1000 / ms, ms / 1000
        if (rate != "none") printf " vs %d/s configured: %+.2f %%", rate, (count * 1000 / ms / rate - 1) * 100
        printf "\n"
    }
    $2 > $1 { report("drain rate, journal (10..90 % of deliveries)", $3, $2 - $1) }
    $2 > be + 10000 { report("drain rate, journal (burst end..90 %)", $4, $2 - be) }'
echo "samples: $samples"
