#!/usr/bin/env bash
# The whole test suite: set-up, the format check, a warning-free build, `swift test`, then every check
# in scripts/checks/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
. scripts/lib/watchdog.sh
. scripts/lib/swift-sources.sh

echo "== swift format lint"
if ! swift_sources | xargs swift format lint --strict --parallel; then
    echo "test: swift-format findings above (scripts/format.sh formats in place)"; exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "== build (debug, with tests)"
swift build --build-tests 2>&1 | tee "$log" | grep -vE '^\[[0-9]+/[0-9]+\] ' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "build failed"; exit 1; }
if grep -E "^$(pwd)/(Sources|Tests|Plugins|Examples)/.*: warning:" "$log"; then
    echo "test: the build has warnings (zero warnings allowed)"; exit 1
fi

echo "== swift test"
# Every suite waits for child processes, sockets and timers without holding a thread of the
# cooperative pool (TestSupport.ChildProcess), so both steps run in parallel. They are two steps, not
# one, for the CPU: the codec, generator and ecosystem suites keep both cores busy for a minute and
# more with protoc, python and a nested `swift build`, and the event-loop suites (EventIO, H2, TLS,
# H2RPC, reflection, rpcbench) have 5-10 s connect and handshake limits in the code under test that a
# machine that busy misses; alone, they take about 15 s.
heavy='ProtoGenTests|ProtoWireTests|H2RPCEcosystemTests|SystemLibraryTests'
# The profiler's suites sample the whole process and keep a core busy while they do: alone, their
# profiles are theirs and they slow no other test.
profiler='H2RPCProfilingTests'
# Each step has a time limit far above its usual time (about 15 s and 90 s here) so that a hang
# fails the run at once, naming the waiting threads, instead of running into CI's own limit.
with_limit 900 "event-loop suites" swift test --skip-build --skip "$heavy|$profiler"
with_limit 900 "codec, generator and ecosystem suites" swift test --skip-build --filter "$heavy"
with_limit 600 "profiler suites" swift test --skip-build --filter "$profiler"

for check in scripts/checks/*.sh; do
    [ -e "$check" ] || continue
    echo "== $check"
    with_limit 900 "$check" "$check"
done
echo "== all tests passed"
