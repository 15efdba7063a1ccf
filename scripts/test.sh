#!/usr/bin/env bash
# The whole test suite: set-up, a warning-free build, `swift test`, then every check in scripts/checks/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "== build (debug, with tests)"
swift build --build-tests 2>&1 | tee "$log" | grep -vE '^\[[0-9]+/[0-9]+\] ' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "build failed"; exit 1; }
if grep -E "^$(pwd)/(Sources|Tests|Plugins|Examples)/.*: warning:" "$log"; then
    echo "test: the build has warnings (zero warnings allowed)"; exit 1
fi

echo "== swift test"
# In parallel: tests wait for child processes, sockets and timers without holding a thread of the
# cooperative pool.
swift test --skip-build

for check in scripts/checks/*.sh; do
    [ -e "$check" ] || continue
    echo "== $check"
    "$check"
done
echo "== all tests passed"
