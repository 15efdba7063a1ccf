#!/usr/bin/env bash
# Runs the libFuzzer targets of FuzzTesting/ for a bounded time each (AddressSanitizer):
#   scripts/fuzz.sh [seconds] [target ...]     default: 60 s, every target
#   scripts/fuzz.sh 600 RequestPath            one target, ten minutes
# Targets, their seeds and the folder of inputs that once crashed them (replayed by `swift test`):
#   ProtoWire    protobuf decoding          FuzzTesting/Seeds              Tests/ProtoWireTests/Fixtures/fuzz-regressions
#   RequestPath  gRPC request path          FuzzTesting/Seeds-RequestPath  Tests/H2RPCTests/Fixtures/fuzz-regressions
#   H2Session    HTTP/2 server session      FuzzTesting/Seeds-H2Session    Tests/H2Tests/Fixtures/fuzz-regressions
# A new crash, hang or leak is copied into the target's regressions folder and fails the run: commit
# it with the fix. FUZZ_RUNS=N runs N inputs per target instead of a time bound (for long local runs).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ProtoWire RequestPath H2Session)

seeds_of() {
    case "$1" in
    ProtoWire) echo FuzzTesting/Seeds ;;
    RequestPath) echo FuzzTesting/Seeds-RequestPath ;;
    H2Session) echo FuzzTesting/Seeds-H2Session ;;
    esac
}
regressions_of() {
    case "$1" in
    ProtoWire) echo Tests/ProtoWireTests/Fixtures/fuzz-regressions ;;
    RequestPath) echo Tests/H2RPCTests/Fixtures/fuzz-regressions ;;
    H2Session) echo Tests/H2Tests/Fixtures/fuzz-regressions ;;
    esac
}

# Coverage flags spelled out: on a fresh clone swiftc 6.3.1 passed only -sanitize=address to the frontend
# and the fuzzer came out uninstrumented (no "inline 8-bit counters"). Current libFuzzer needs inline
# 8-bit counters and a PC table; plain `edge` alone means trace-pc-guard, which it refuses.
failed=0
for target in "${targets[@]}"; do
    seeds=$(seeds_of "$target")
    regressions=$(regressions_of "$target")
    [ -n "$seeds" ] || { echo "fuzz: unknown target $target (ProtoWire, RequestPath, H2Session)"; exit 2; }
    swift build -c release --package-path FuzzTesting --sanitize=fuzzer --sanitize=address \
        -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp --product "Fuzz$target" 2>&1 \
        | grep -E 'error:|Build of product' || true
    fuzzer=FuzzTesting/.build/release/Fuzz$target
    [ -x "$fuzzer" ] || { echo "fuzz: build of Fuzz$target failed"; exit 1; }
    # A fuzzer without coverage instrumentation would run "fine" and find nothing: refuse it.
    # (Output captured first: with pipefail, `grep -q` closing the pipe early would fail the check by SIGPIPE.)
    probe=$("$fuzzer" -runs=0 2>&1 || true)
    grep -q 'inline 8-bit counters' <<<"$probe" || { echo "fuzz: $fuzzer is not instrumented for coverage"; exit 1; }
    corpus=$(mktemp -d)
    artifacts=$(mktemp -d)
    mkdir -p "$regressions"
    bound=(-max_total_time="$seconds")
    limit="$seconds s"
    if [ -n "${FUZZ_RUNS:-}" ]; then bound=(-runs="$FUZZ_RUNS"); limit="$FUZZ_RUNS runs"; fi
    echo "== fuzzing $target ($limit)"
    set +e
    "$fuzzer" "${bound[@]}" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" "$seeds" "$regressions" 2>&1 \
        | grep -vE '^#[0-9]+.*(NEW|REDUCE|pulse)|NEW_FUNC|^"|# Uses:|recommended dictionary|^INFO: '
    status=${PIPESTATUS[0]}
    set -e
    found=$(ls "$artifacts")
    if [ "$status" -ne 0 ] || [ -n "$found" ]; then
        for f in $found; do cp "$artifacts/$f" "$regressions/"; echo "fuzz: kept $regressions/$f"; done
        echo "fuzz: $target FAILED (exit $status); the input is now a regression test — fix and commit it"
        failed=1
    else
        echo "fuzz: $target: no crash"
    fi
    rm -rf "$corpus" "$artifacts"
done
exit "$failed"
