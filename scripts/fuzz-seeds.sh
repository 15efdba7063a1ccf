#!/usr/bin/env bash
# Regenerates FuzzTesting/Seeds: protoc's encodings of the golden vectors (written by the golden tests
# when PROTOWIRE_DUMP_SEEDS is set) and the codec anchors. The seeds are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=FuzzTesting/Seeds
rm -rf "$seeds" && mkdir -p "$seeds"
swift build --build-tests >/dev/null
PROTOWIRE_DUMP_SEEDS="$(pwd)/$seeds" swift test --skip-build --filter GoldenTests >/dev/null
cp Tests/ProtoWireTests/Fixtures/anchors/order.bin Tests/ProtoWireTests/Fixtures/anchors/small.bin "$seeds/"
echo "$(ls "$seeds" | wc -l) seeds in $seeds"
