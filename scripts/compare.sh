#!/usr/bin/env bash
# The project's main job: raw TCP framing, plain HTTP/2 and gRPC side by side, one table.
#   ./scripts/compare.sh                      # = rpcbench compare tcp h2 grpc (the five SCENARIOS.md workloads)
#   ./scripts/compare.sh tcp grpc --duration 10 --scenarios unary-1x64-16B
# Installs what is missing (scripts/setup.sh), builds in release mode, runs the comparison, and leaves the
# JSON, CSV and SVG chart in .build/rpcbench/ unless other files are named.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

# A statically linked Swift runtime: each child server then maps only the code it uses, so its peak RSS
# measures the server, not the ~10 MiB of shared-library pages that dynamic Foundation touches at start-up.
build=(-c release --static-swift-stdlib)
echo "compare: building rpcbench and rpcbench-server (release; the first build takes a few minutes)" >&2
for product in rpcbench-server rpcbench; do
    if ! swift build "${build[@]}" --product "$product" >.build/compare-build.log 2>&1; then
        grep -E 'error' .build/compare-build.log >&2 || tail -20 .build/compare-build.log >&2
        echo "compare: the release build of $product failed (log: .build/compare-build.log)" >&2
        exit 1
    fi
done
bin="$(swift build "${build[@]}" --show-bin-path)/rpcbench"

args=("$@")
protocols_given=false
for a in "${args[@]}"; do case "$a" in tcp|h2|grpc) protocols_given=true ;; esac; done
$protocols_given || args=(tcp h2 grpc "${args[@]}")
outputs=()
mkdir -p .build/rpcbench
[[ " ${args[*]} " == *" --json "* ]] || outputs+=(--json .build/rpcbench/compare.json)
[[ " ${args[*]} " == *" --csv "* ]] || outputs+=(--csv .build/rpcbench/compare.csv)
[[ " ${args[*]} " == *" --chart "* ]] || outputs+=(--chart .build/rpcbench/compare.svg)
"$bin" compare "${args[@]}" "${outputs[@]}"
if [ ${#outputs[@]} -gt 0 ]; then echo "compare: results in .build/rpcbench/ (compare.json, compare.csv, compare.svg)" >&2; fi
