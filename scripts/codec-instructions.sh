#!/usr/bin/env bash
# Instructions per encode/decode of the codec anchors, counted by valgrind (callgrind): unlike times,
# these do not move with the machine's load. Each case runs N and 3N times in one process; the
# difference divided by 2N is the cost of one operation without start-up.
#   ./scripts/codec-instructions.sh [case ...]     (cases: codec-bench profile's list; default: all Order/Small ones)
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
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$stripped" profile "$1" "$2" 2>&1 \
        | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
    cases=(order-encode order-decode small-encode small-decode gen-order-encode gen-order-decode
           gen-small-encode gen-small-decode sp-order-encode sp-order-decode sp-small-encode sp-small-decode)
fi
n=1000
printf '| case | instructions per op |\n|---|---:|\n'
for c in "${cases[@]}"; do
    a=$(count "$c" $n)
    b=$(count "$c" $((3 * n)))
    printf '| %s | %d |\n' "$c" $(( (b - a) / (2 * n) ))
done
