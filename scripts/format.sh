#!/usr/bin/env bash
# Formats the hand-written Swift files in place with swift-format and the repository's .swift-format
# (generated code is left alone: see scripts/lib/swift-sources.sh). scripts/test.sh checks the result
# with `swift format lint --strict`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/swift-sources.sh
swift_sources | xargs swift format format --in-place --parallel
swift_sources | xargs swift format lint --strict --parallel
