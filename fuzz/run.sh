#!/usr/bin/env bash
# run.sh TARGET [RUNS] — builds a libFuzzer target (FuzzJSONParser, FuzzMapping or FuzzRequests) with the fuzzer
# and AddressSanitizer into .build-fuzz/, then fuzzes it for RUNS inputs (default 1,000,000),
# starting from fuzz/corpus/. Findings land in fuzz/findings/<target>/ (not committed); a
# finding can be replayed with the plain build: swift run TARGET FILE.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:?usage: run.sh FuzzJSONParser|FuzzMapping|FuzzRequests [RUNS]}
runs=${2:-1000000}
cd "$root"
swift build --scratch-path .build-fuzz -c release --product "$target" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp fuzz/corpus/* "$work/"
mkdir -p "fuzz/findings/$target"
ASAN_OPTIONS=detect_leaks=0 SWITCHBOARD_MAPPINGS="$root/mappings" ".build-fuzz/release/$target" "$work" \
  -runs="$runs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -detect_leaks=0 \
  -artifact_prefix="fuzz/findings/$target/"
