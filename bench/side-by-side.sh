#!/usr/bin/env bash
# side-by-side.sh — the shared harness's compare.sh (../shared/bench/peer) with every scenario:
# direct, nginx plain proxy, nginx + Lua and Switchboard (bench/peer-gateway.sh), plus each
# system under test's peak resident memory (all its processes, sampled every 0.5 s).
#   bench/side-by-side.sh [SECONDS=10]
# Prints compare.sh's result lines, then one line per scenario: label and peak RSS in MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
peer=../shared/bench/peer
seconds=${1:-10}
samples=$(mktemp)
rss_of() { # PIDS… → their summed VmRSS in MiB
    local total=0 kb
    for pid in "$@"; do
        kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        total=$((total + ${kb:-0}))
    done
    echo $((total / 1024))
}
sample() {
    local end=$((SECONDS + 40 * seconds + 300))  # bounded: compare.sh's rounds and retries, then stop
    while [ $SECONDS -lt $end ]; do
        # shellcheck disable=SC2046
        echo "plain $(rss_of $("$peer/peer-plain.sh" pids 2>/dev/null))" >>"$samples"
        # shellcheck disable=SC2046
        echo "lua $(rss_of $("$peer/peer-lua.sh" pids 2>/dev/null))" >>"$samples"
        # shellcheck disable=SC2046
        echo "gateway $(rss_of $(pgrep -f 'release/switchboard serve' || true))" >>"$samples"
        sleep 0.5
    done
}
sample &
sampler=$!
trap 'kill $sampler 2>/dev/null || true; rm -f "$samples"' EXIT
"$peer/compare.sh" -d "$seconds" -s direct,plain,lua,gateway --gateway-url http://127.0.0.1:27090/ \
    --gateway-cmd "$PWD/bench/peer-gateway.sh" 2>&1 | grep '^label='
awk '$2 > max[$1] { max[$1] = $2 } END { for (s in max) printf "peak_rss %s %d MiB\n", s, max[s] }' "$samples" | sort
