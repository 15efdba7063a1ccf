#!/usr/bin/env bash
# Regenerates Sources/ProtoWellKnownTypes/google_protobuf_*.pb.swift: the well-known types
# (google/protobuf/{any,duration,empty,field_mask,struct,timestamp,wrappers}.proto) generated once,
# public, with their embedded descriptors, by protoc-gen-h2rpc (standalone mode) from Protos/.
# Generated code that imports these files imports the ProtoWellKnownTypes module instead of
# re-declaring the types. scripts/checks/30-generated.sh checks the committed files are current.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product protoc-gen-h2rpc 2>&1 | grep -E 'error|warning: ' || true
bin="$(swift build --show-bin-path)/protoc-gen-h2rpc"
out=Sources/ProtoWellKnownTypes
rm -f "$out"/google_protobuf_*.pb.swift
"$bin" --proto_path Protos --swift_out "$out" --visibility public --services false --file-naming PathToUnderscores \
    google/protobuf/any.proto google/protobuf/duration.proto google/protobuf/empty.proto \
    google/protobuf/field_mask.proto google/protobuf/struct.proto google/protobuf/timestamp.proto \
    google/protobuf/wrappers.proto
echo "regenerated $out"
