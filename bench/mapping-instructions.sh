#!/usr/bin/env bash
# mapping-instructions.sh [eager] — instructions per event for the same work as mapping-bench.sh,
# counted by valgrind (callgrind): unlike time, the count does not move with the host's load, so
# it is the number to compare between two versions of the code. Needs valgrind.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/.build/release/MappingBench
[ -x "$bin" ] || (cd "$root" && swift build -c release --product MappingBench >&2)
out=$(mktemp)
stripped=$(mktemp)
trap 'rm -f "$out" "$stripped"' EXIT
# valgrind gives up on the debug info of some toolchains' release builds; a stripped copy runs the same code.
strip -o "$stripped" "$bin"
count() {  # total instructions of a run of $1 events (after a warm-up of a tenth as many)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$stripped" "$root/mappings" "$1" 1 "${2:-}" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
small=$(count 10000 "${1:-}")
large=$(count 30000 "${1:-}")
# The difference is 22,000 events' worth (20,000 more, plus their tenth of warm-up); start-up cancels.
echo "instructions_per_event=$(( (large - small) / 22000 ))${1:+ ($1)}"
