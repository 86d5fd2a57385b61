#!/usr/bin/env bash
# Events per second accepted (forward mode: each journaled, then delivered over TLS to the strict
# mock Flameup before the app is answered) by one gateway on the SQLite default and by one, two
# and three instances sharing one PostgreSQL journal (a throwaway server, .ci/postgres.sh).
# Each run is FaultDriver's `none` scenario: load only, then every delivery must settle. The
# machine's busy CPU time over the run (/proc/stat: the load generator, mock, gateways and
# PostgreSQL together) is divided by the events accepted: cpu_us_per_event.
#   bench/fleet-bench.sh [SECONDS=20] [USERS=128]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
users=${2:-128}
swift build -c release --product FaultDriver >/dev/null
swift build -c release --product switchboard >/dev/null
eval "$(.ci/postgres.sh start)"
trap '.ci/postgres.sh stop' EXIT
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
run() {
    local label=$1; shift
    local line before after accepted
    before=$(busy)
    line=$(env "$@" .build/release/FaultDriver none "$seconds" "$users" | grep '^scenario=')
    after=$(busy)
    accepted=$(grep -o ' accepted=[0-9]*' <<<"$line" | cut -d= -f2)
    printf '%-24s %s cpu_us_per_event=%s\n' "$label" \
        "$(grep -o ' accepted=[0-9]*\|lost=[0-9]*\|holds=[a-z]*\|accepted_per_second=[0-9]*' <<<"$line" | tr '\n' ' ')" \
        "$(( (after - before) * 1000000 / $(getconf CLK_TCK) / accepted ))"
}
run "sqlite, 1 instance" JOURNAL=sqlite INSTANCES=1
for n in 1 2 3; do
    run "postgres, $n instance(s)" JOURNAL=postgres INSTANCES=$n
done
