#!/usr/bin/env bash
# CI: each libFuzzer target (ProtoWire decoding, the gRPC request path) for 45 s (scripts/fuzz.sh); a
# crash fails the build and is kept as a regression input.
set -euo pipefail
exec "$(dirname "$0")/../fuzz.sh" "${FUZZ_SECONDS:-45}"
