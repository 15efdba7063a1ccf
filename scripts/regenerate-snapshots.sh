#!/usr/bin/env bash
# Rewrites the golden generated code in Tests/ProtoGenTests/Snapshots/ (what the build plugin emits
# for the project's protos and the rich test protos). Review the diff by eye before committing:
# SnapshotTests compares the generator's output with these files.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product protoc-gen-h2rpc 2>&1 | grep -E 'error|warning: ' || true
bin="$(swift build --show-bin-path)/protoc-gen-h2rpc"
out=Tests/ProtoGenTests/Snapshots
rm -f "$out"/*.pb.swift.snapshot
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags=(--visibility public --file-naming PathToUnderscores)
"$bin" --proto_path Protos --swift_out "$tmp" "${flags[@]}" bench.proto grpc/testing/empty.proto \
    grpc/testing/messages.proto grpc/testing/test.proto
"$bin" --proto_path Tests/ProtoGenTests --swift_out "$tmp" "${flags[@]}" Protos/rich3.proto Protos/rich2.proto Protos/legacy2.proto
for f in "$tmp"/*.pb.swift; do cp "$f" "$out/$(basename "$f").snapshot"; done
ls "$out"
