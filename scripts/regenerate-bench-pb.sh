#!/usr/bin/env bash
# Regenerates Benchmarks/Sources/SwiftProtobufMessages/codec.pb.swift, swift-protobuf's code for the
# codec anchor, with protoc-gen-swift 1.39.0 built from the local swift-protobuf package copy.
# Slow (builds protoc-gen-swift, ~2 min); the output is committed, CI does not run this.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${TMPDIR:-/tmp}/h2rpc-protoc-gen-swift-1.39.0
if [ ! -x "$work/.build/release/protoc-gen-swift" ]; then
    rm -rf "$work"
    git clone -q --branch 1.39.0 https://github.com/apple/swift-protobuf.git "$work"
    swift build -c release --package-path "$work" --product protoc-gen-swift
fi
protoc --plugin=protoc-gen-swift="$work/.build/release/protoc-gen-swift" \
    --swift_opt=Visibility=Public \
    --swift_out=Benchmarks/Sources/SwiftProtobufMessages \
    -I Tests/ProtoWireTests/Fixtures/anchors codec.proto
echo "regenerated Benchmarks/Sources/SwiftProtobufMessages/codec.pb.swift"
