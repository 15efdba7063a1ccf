#!/usr/bin/env bash
# Where a protocol's time goes: runs one scenario against a fresh release-built server and records
# both sides with perf (call graphs), prints the hottest symbols of each, then counts mallocs per call
# on each side in a second run (a uprobe on libc's malloc; it slows the run, so not in the timed one).
#   scripts/rpcbench/profile.sh grpc unary-1x64-16B [seconds]
# Needs perf (linux-perf) and a release build (scripts/compare.sh makes one).
set -euo pipefail
cd "$(dirname "$0")/../.."
proto=${1:?protocol}; scenario=${2:?scenario id}; seconds=${3:-5}
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"
[ -x "$bin/rpcbench" ] && [ -x "$bin/rpcbench-server" ] || { echo "profile: build first (scripts/compare.sh)"; exit 1; }
out=.build/rpcbench/profile-$proto-$scenario
mkdir -p "$out"
"$bin/rpcbench-server" --proto "$proto" --port 0 >"$out/server.out" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$out/server.out" && break; sleep 0.1; done
port=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\).*/\1/p' "$out/server.out")
perf record -q -F 1999 -g -p "$server" -o "$out/server.perf" -- sleep $((seconds + 1)) &
recorder=$!
perf record -q -F 1999 -g -o "$out/client.perf" -- \
    "$bin/rpcbench" load --proto "$proto" --target "127.0.0.1:$port" --scenario "$scenario" --duration "$seconds" --warmup 0.5
wait $recorder || true
for side in server client; do
    echo "== $side: hottest symbols (self time)"
    perf report -i "$out/$side.perf" --no-children --sort symbol --percent-limit 1 --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -25 | cut -c1-160 | sed 's/ *$//'
done
echo "== allocations per call (malloc uprobe; a separate, slowed-down run)"
perf probe -q -x "$(ldconfig -p | sed -n 's/.*libc.so.6 (libc6,x86-64) => //p' | head -1)" --add malloc 2>/dev/null || true
perf stat -x, -e probe_libc:malloc -p "$server" -o "$out/server.mallocs" -- sleep $((seconds + 1)) &
counter=$!
perf stat -x, -e probe_libc:malloc -o "$out/client.mallocs" -- \
    "$bin/rpcbench" load --proto "$proto" --target "127.0.0.1:$port" --scenario "$scenario" --duration "$seconds" --warmup 0 \
    --json "$out/mallocs-run.json" >/dev/null
wait $counter || true
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
run = json.load(open(f"{out}/mallocs-run.json"))["results"][0]
calls = run["calls"] / max(run["seconds"], 1e-9) * (run["seconds"] + 0.0)
for side in ("server", "client"):
    lines = [l for l in open(f"{out}/{side}.mallocs") if "probe_libc:malloc" in l]
    count = float(lines[0].split(",")[0]) if lines else float("nan")
    # The counters span the whole run (connect, warm-up, drain), the calls only the measured part: an upper bound.
    print(f"{side}: {count:.0f} mallocs for {run['calls']} calls = at most {count / max(run['calls'], 1):.1f} per call")
PY
echo "profile: perf data in $out (perf report -i $out/server.perf)"
