#!/usr/bin/env bash
# Instructions per encode/decode of the codec anchors, counted by valgrind (callgrind): unlike times,
# these do not move with the machine's load. Each case runs N and 3N times in one process; the
# difference divided by 2N is the cost of one operation without start-up.
#   ./scripts/codec-instructions.sh [case ...]     (cases: codec-bench profile's list; default: all Order/Small
#                                                  ones, then the large-message ones)
# Large cases run 10 and 30 times (each is megabytes of work under valgrind). Note: valgrind counts a
# `rep movsb` copy (glibc's memcpy of large blocks) as one instruction per byte, so a large case's
# count is about one per byte copied plus the real work; times are in ./scripts/bench-codec.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v valgrind >/dev/null; then
    echo "codec-instructions: installing valgrind" >&2
    (apt-get update -qq && apt-get install -y -qq valgrind) >/dev/null
fi
cd "$root/Benchmarks"
swift build -c release --product codec-bench 2>&1 | grep -E 'error|warning: ' || true
# valgrind cannot read the debug information of these Swift binaries: count on a stripped copy.
stripped="$(mktemp)"
trap 'rm -f "$stripped"' EXIT
objcopy --strip-debug .build/release/codec-bench "$stripped"
export H2RPC_ANCHORS="$root/Tests/ProtoWireTests/Fixtures/anchors"
# Dictionaries hash with a per-process seed: Order's map would sort in a different order each run
# (about ±1 % of its count). A fixed seed makes the counts repeat exactly.
export SWIFT_DETERMINISTIC_HASHING=1
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$stripped" profile "$1" "$2" 2>&1 \
        | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
    cases=(order-encode order-decode small-encode small-decode gen-order-encode gen-order-decode
           gen-small-encode gen-small-decode sp-order-encode sp-order-decode sp-small-encode sp-small-decode
           bytes1m-decode bytes1m-encode string1m-decode string1m-encode bytes16m-decode bytes16m-encode)
fi
printf '| case | instructions per op |\n|---|---:|\n'
for c in "${cases[@]}"; do
    case "$c" in
        bytes*|string*) n=10 ;;
        *) n=1000 ;;
    esac
    a=$(count "$c" $n)
    b=$(count "$c" $((3 * n)))
    printf '| %s | %d |\n' "$c" $(( (b - a) / (2 * n) ))
done
