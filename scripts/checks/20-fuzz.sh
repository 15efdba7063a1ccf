#!/usr/bin/env bash
# CI: each libFuzzer target (ProtoWire decoding, the gRPC request path, the HTTP/2 session) for 25 s
# (scripts/fuzz.sh; longer runs: `scripts/fuzz.sh 600`); a
# crash fails the build and is kept as a regression input.
set -euo pipefail
exec "$(dirname "$0")/../fuzz.sh" "${FUZZ_SECONDS:-25}"
