#!/usr/bin/env bash
# Fuzzes ProtoWire decoding with libFuzzer for a bounded time (default 60 s; `scripts/fuzz.sh 600`).
# Seeds: FuzzTesting/Seeds (golden vectors, anchors) and every input that ever crashed it
# (Tests/ProtoWireTests/Fixtures/fuzz-regressions, which FuzzRegressionTests replays in `swift test`).
# A new crash, hang or leak is copied into that folder and fails the run: commit it with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
regressions=Tests/ProtoWireTests/Fixtures/fuzz-regressions
# Coverage flags spelled out: on a fresh clone swiftc 6.3.1 passed only -sanitize=address to the frontend
# and the fuzzer came out uninstrumented (no "inline 8-bit counters"). Current libFuzzer needs inline
# 8-bit counters and a PC table; plain `edge` alone means trace-pc-guard, which it refuses.
swift build -c release --package-path FuzzTesting --sanitize=fuzzer --sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp 2>&1 \
    | grep -E 'error:|Build complete' || true
fuzzer=FuzzTesting/.build/release/FuzzProtoWire
[ -x "$fuzzer" ] || { echo "fuzz: build failed"; exit 1; }
# A fuzzer without coverage instrumentation would run "fine" and find nothing: refuse it.
# (Output captured first: with pipefail, `grep -q` closing the pipe early would fail the check by SIGPIPE.)
probe=$("$fuzzer" -runs=0 2>&1 || true)
grep -q 'inline 8-bit counters' <<<"$probe" || { echo "fuzz: $fuzzer is not instrumented for coverage"; exit 1; }
corpus=$(mktemp -d)
artifacts=$(mktemp -d)
trap 'rm -rf "$corpus" "$artifacts"' EXIT
echo "== fuzzing ProtoWire for ${seconds} s"
set +e
"$fuzzer" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" FuzzTesting/Seeds "$regressions" 2>&1 | grep -vE '^#[0-9]+.*(NEW|REDUCE|pulse)|NEW_FUNC|^"|# Uses:|recommended dictionary'
status=${PIPESTATUS[0]}
set -e
found=$(ls "$artifacts")
if [ "$status" -ne 0 ] || [ -n "$found" ]; then
    for f in $found; do cp "$artifacts/$f" "$regressions/"; echo "fuzz: kept $regressions/$f"; done
    echo "fuzz: FAILED (exit $status); the input is now a regression test — fix and commit it"
    exit 1
fi
echo "fuzz: no crash in ${seconds} s"
