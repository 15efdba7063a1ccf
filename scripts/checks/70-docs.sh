#!/usr/bin/env bash
# The DocC catalog (Sources/H2RPC/H2RPC.docc: overview and the getting-started article) builds with
# swift-docc-plugin, with every warning (an unresolved symbol link, a missing article) an error.
set -euo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! swift package generate-documentation --target H2RPC --warnings-as-errors >"$log" 2>&1; then
    grep -E "warning|error" "$log" || tail -20 "$log"
    echo "70-docs: the documentation does not build cleanly"; exit 1
fi
echo "70-docs: H2RPC documentation built ($(grep -o '/[^ ]*H2RPC.doccarchive' "$log" | tail -1))"
