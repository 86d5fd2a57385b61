#!/usr/bin/env bash
# mapping-bench.sh [ITERATIONS] — µs per event to parse a 300-byte user.com body, map it through
# the canonical event to Flameup's body, and serialize that, on one core (CPU ${BENCH_CPU:-1}).
# Builds the release binary first if it is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/.build/release/MappingBench
[ -x "$bin" ] || (cd "$root" && swift build -c release --product MappingBench >&2)
exec taskset -c "${BENCH_CPU:-1}" "$bin" "$root/mappings" "${1:-200000}"
