#!/usr/bin/env bash
# The codec micro-benchmark: encode/decode of the codec anchors (Order and Small) with ProtoWire and with
# swift-protobuf 1.39 in one run (release build), printed as a table beside published figures for
# C++ and Go. Times are thread CPU time per message; allocations per message are counted exactly.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
swift build -c release --product codec-bench 2>&1 | grep -E 'error|warning: |Compiling|Build complete' || true
exec .build/release/codec-bench "$@"
