#!/usr/bin/env bash
# CI: fuzz ProtoWire decoding for 60 s (scripts/fuzz.sh); a crash fails the build and is kept as a
# regression input.
set -euo pipefail
exec "$(dirname "$0")/../fuzz.sh" "${FUZZ_SECONDS:-60}"
