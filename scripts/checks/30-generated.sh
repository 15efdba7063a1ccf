#!/usr/bin/env bash
# Committed generated code must be what the generator makes today: the bootstrap
# descriptor types and the embedded well-known .proto sources are regenerated and must not differ.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/regenerate-bootstrap.sh >/dev/null
paths=(Sources/ProtoGen/Bootstrap Sources/ProtoGen/Resolve/WellKnownProtos.swift)
if [ -n "$(git status --porcelain -- "${paths[@]}")" ]; then
    git status --porcelain -- "${paths[@]}"
    git diff --stat -- "${paths[@]}"
    echo "30-generated: committed generated code is stale; run scripts/regenerate-bootstrap.sh and commit"
    exit 1
fi
echo "30-generated: bootstrap descriptor types and embedded well-known protos are current"
