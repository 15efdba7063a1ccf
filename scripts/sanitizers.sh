#!/usr/bin/env bash
# The EventIO, H2 and H2RPC test suites built and run under ThreadSanitizer and AddressSanitizer
# (`swift build --sanitize=thread|address`, each in its own build folder). Any report fails the check:
# TSan and ASan exit non-zero after a report, and the output is searched for one as well.
#   scripts/sanitizers.sh [thread|address ...]     default: both
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(thread address)
suites='EventIOTests|H2Tests|H2RPCTests'
failed=0
for sanitizer in "${sanitizers[@]}"; do
    scratch=.build-$sanitizer
    log=$(mktemp)
    echo "== $sanitizer sanitizer: build"
    if ! swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" >"$log" 2>&1; then
        grep -E 'error:' "$log" | head -20 || tail -20 "$log"
        echo "80-sanitizers: the $sanitizer build failed"; exit 1
    fi
    echo "== $sanitizer sanitizer: $suites"
    set +e
    TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1" ASAN_OPTIONS="detect_leaks=0" \
        swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" --filter "$suites" >"$log" 2>&1
    status=$?
    set -e
    reports=$(grep -cE '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: AddressSanitizer)' "$log" || true)
    grep -E '^✔ Test run|^✘ Test run|Executed [0-9]+ tests' "$log" | tail -2
    if [ "$status" -ne 0 ] || [ "$reports" -ne 0 ]; then
        grep -E -A12 '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: AddressSanitizer)' "$log" | head -80
        grep -E '^✘' "$log" | head -20
        echo "80-sanitizers: $sanitizer: exit $status, $reports report(s)"
        failed=1
    else
        echo "80-sanitizers: $sanitizer: clean"
    fi
    rm -f "$log"
done
exit "$failed"
