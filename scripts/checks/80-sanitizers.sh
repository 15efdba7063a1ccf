#!/usr/bin/env bash
# CI: the EventIO, H2 and H2RPC suites under ThreadSanitizer and AddressSanitizer (scripts/sanitizers.sh),
# built from SanitizerTesting/, which holds only those suites and the modules they test. Any race or
# memory error report fails the check. SANITIZERS="thread" runs one of the two.
set -euo pipefail
read -r -a sanitizers <<<"${SANITIZERS:-thread address}"
exec "$(dirname "$0")/../sanitizers.sh" "${sanitizers[@]}"
