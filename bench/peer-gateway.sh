#!/usr/bin/env bash
# peer-gateway.sh — runs Switchboard in the foreground for the shared peer harness
# (../shared/bench/peer): user.com in on 127.0.0.1:${GATEWAY_PORT:-27090}, Flameup out.
#
#   ../shared/bench/peer/compare.sh --gateway-url http://127.0.0.1:27090/ --gateway-cmd "$PWD/bench/peer-gateway.sh"
#   ../shared/bench/peer/check.sh --target http://127.0.0.1:27090/   # with this script running
#
# Environment (compare.sh sets the first four; defaults match the harness's lib.sh):
#   UPSTREAM_URL     the full Flameup events URL   default https://127.0.0.1:27443/api/v1/workspaces/$FLAMEUP_WS/events
#   FLAMEUP_TOKEN    the Bearer token               default fl_bench_token_0123456789
#   FLAMEUP_CA_FILE  CA bundle for the upstream     default /tmp/peer/certs/ca.pem
#   USERCOM_KEY      the app key (Token …)          default uc_bench_key_0123456789
#   FLAMEUP_WS       workspace id                   default ws_bench
#   GATEWAY_PORT     listen port                    default 27090
#   GATEWAY_THREADS  event-loop threads             default 1 (the harness gives the SUT one core)
#   GATEWAY_MODE     forward | queue                default forward
#   GATEWAY_DURABILITY full | normal                default full
#   GATEWAY_JOURNAL    an existing journal file to use (and keep)   default a fresh one per start
#   GATEWAY_RATE       none | N: the target's rate limit, N requests per second   default none
#   GATEWAY_SCHEDULING batch | default: the config's cpuScheduling   default batch (the gateway has its core to itself)
#   GATEWAY_RETENTION_HOURS  how long delivered events are kept (0: pruned each minute)   default 168
#   SWITCHBOARD_BIN    the binary to run                default .build/release/switchboard
# The release build is made first only if it is missing (and SWITCHBOARD_BIN is not set).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${SWITCHBOARD_BIN:-$root/.build/release/switchboard}
if [ -z "${SWITCHBOARD_BIN:-}" ] && [ ! -x "$bin" ]; then
  echo "building the release binary (first run only)…" >&2
  (cd "$root" && swift build -c release --product switchboard >&2)
fi
export FLAMEUP_WS=${FLAMEUP_WS:-ws_bench}
export FLAMEUP_TOKEN=${FLAMEUP_TOKEN:-fl_bench_token_0123456789}
export USERCOM_KEY=${USERCOM_KEY:-uc_bench_key_0123456789}
upstream=${UPSTREAM_URL:-https://127.0.0.1:27443/api/v1/workspaces/$FLAMEUP_WS/events}
ca=${FLAMEUP_CA_FILE:-/tmp/peer/certs/ca.pem}
rate=${GATEWAY_RATE:-none}
if [ "$rate" = none ]; then rate='"none"'; else rate="{ \"requests\": $rate, \"perSeconds\": 1 }"; fi
run=$(mktemp -d /tmp/switchboard-peer.XXXXXX)
trap 'rm -rf "$run"' EXIT
cat >"$run/config.json" <<JSON
{
  "listen": "127.0.0.1:${GATEWAY_PORT:-27090}",
  "eventLoopThreads": ${GATEWAY_THREADS:-1},
  "cpuScheduling": "${GATEWAY_SCHEDULING:-batch}",
  "mappings": "$root/mappings",
  "journal": { "path": "${GATEWAY_JOURNAL:-$run/journal.sqlite}", "durability": "${GATEWAY_DURABILITY:-full}",
               "retentionHours": ${GATEWAY_RETENTION_HOURS:-168} },
  "targets": {
    "flameup": {
      "provider": "flameup", "url": "$upstream", "caFile": "$ca", "rateLimit": $rate,
      "settings": { "workspaceId": "$FLAMEUP_WS" }, "secrets": { "token": { "env": "FLAMEUP_TOKEN" } }
    }
  },
  "routes": [
    { "name": "usercom-to-flameup", "from": "usercom", "to": "flameup", "keys": { "env": "USERCOM_KEY" },
      "mode": "${GATEWAY_MODE:-forward}", "deadlineMs": 2000 }
  ]
}
JSON
"$bin" serve --config "$run/config.json" --log-level warning &
pid=$!
# Under set -e a failing kill or wait (the gateway already gone) would end the trap before the rm.
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$run"' EXIT
trap 'exit 143' TERM INT
wait $pid
