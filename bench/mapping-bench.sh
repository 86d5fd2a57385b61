#!/usr/bin/env bash
# mapping-bench.sh [ITERATIONS] [ROUNDS] [eager] — µs per event to parse a 300-byte user.com body, map it
# through the canonical event to Flameup's body, and serialize that, on one core (CPU ${BENCH_CPU:-1}).
# Runs ROUNDS (default 5) rounds of ITERATIONS events after a warm-up and reports each round, the
# best and the median: on a shared host the best round is the cost of the code, the spread is noise.
# `eager` builds every nested object while parsing (the cost when a mapping reads every field).
# Builds the release binary first if it is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/.build/release/MappingBench
[ -x "$bin" ] || (cd "$root" && swift build -c release --product MappingBench >&2)
exec taskset -c "${BENCH_CPU:-1}" "$bin" "$root/mappings" "${1:-200000}" "${2:-5}" "${3:-}"
