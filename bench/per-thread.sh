#!/usr/bin/env bash
# per-thread.sh — the CPU each of Switchboard's threads spends per request under the shared
# harness's forward load (../shared/bench/peer: the gateway alone on CPU 1, wrk and the TLS
# upstream on CPU 0), from /proc/<pid>/task/*/schedstat, divided by the upstream's count.
#   bench/per-thread.sh [SECONDS=8] [ROUNDS=1]
# SWITCHBOARD_BIN picks another build (default .build/release/switchboard), so two builds can be
# compared in alternating rounds:
#   for i in 1 2 3 4; do SWITCHBOARD_BIN=/tmp/a bench/per-thread.sh; SWITCHBOARD_BIN=/tmp/b bench/per-thread.sh; done
# Prints one line per round: req/s, p99, the gateway's CPU µs per request (run-bench.sh's), then
# µs per request for each thread above 0.3 µs (NIO-ELT-… is the event loop).
set -euo pipefail
cd "$(dirname "$0")/.."
peer=../shared/bench/peer
seconds=${1:-8}
rounds=${2:-1}
export SWITCHBOARD_BIN=${SWITCHBOARD_BIN:-$PWD/.build/release/switchboard}
"$peer/make-certs.sh" >/dev/null
started_upstream=0
if ! "$peer/upstream.sh" status >/dev/null 2>&1; then
    "$peer/upstream.sh" start >/dev/null
    started_upstream=1
fi
gw_pgid=
stop_gateway() {
    [ -n "$gw_pgid" ] || return 0
    kill -TERM -- "-$gw_pgid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 -- "-$gw_pgid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL -- "-$gw_pgid" 2>/dev/null || true
    gw_pgid=
}
trap 'stop_gateway; [ $started_upstream -eq 0 ] || "$peer/upstream.sh" stop >/dev/null' EXIT
# Thread name and its CPU nanoseconds so far, summed over threads of the same name.
threads_cpu() {
    for task in /proc/"$1"/task/*; do
        printf '%s %s\n' "$(tr ' ' _ <"$task/comm")" "$(cut -d' ' -f1 "$task/schedstat")"
    done | awk '{ns[$1] += $2} END {for (t in ns) print t, ns[t]}' | sort
}
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }
for ((round = 1; round <= rounds; round++)); do
    setsid taskset -c 1 bench/peer-gateway.sh >/dev/null 2>&1 &
    gw_pgid=$!
    for ((i = 0; i < 100; i++)); do curl -s -o /dev/null http://127.0.0.1:27090/ && break; sleep 0.1; done
    gateway=$(pgrep -g "$gw_pgid" -f "serve --config" | head -1)
    WRK_CPUS=0 "$peer/run-bench.sh" http://127.0.0.1:27090/ 2 >/dev/null  # warm-up
    sleep 1.2  # the upstream flushes its count every second
    before_count=$("$peer/upstream.sh" count)
    before=$(threads_cpu "$gateway")
    line=$(SUT_PIDS="$gateway" WRK_CPUS=0 "$peer/run-bench.sh" http://127.0.0.1:27090/ "$seconds")
    after=$(threads_cpu "$gateway")
    sleep 1.2
    requests=$(($("$peer/upstream.sh" count) - before_count))
    stop_gateway
    per_thread=$(join <(echo "$before") <(echo "$after") |
        awk -v n="$requests" '{us = ($3 - $2) / 1000 / n; if (us > 0.3) printf " %s=%.1f", $1, us}')
    echo "round=$round rps=$(field "$line" rps) p99_ms=$(field "$line" p99_ms)" \
        "sut_us_per_req=$(field "$line" sut_cpu_us_per_req) requests=$requests$per_thread"
done
