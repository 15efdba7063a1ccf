#!/usr/bin/env bash
# rpcbench end to end: `compare` with a 1-second duration (its JSON checked field by field), and each
# protocol's server driven by an independent client (python) so that the wire contract is proven real.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(swift build --show-bin-path)/rpcbench"
[ -x "$bin" ] || swift build --product rpcbench
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# Starts `rpcbench serve --proto $1` on a free port; sets $port.
serve() {
    "$bin" serve --proto "$1" --port 0 >"$work/serve-$1.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\).*/\1/p' "$work/serve-$1.out")
        [ -n "$port" ] && return 0
        sleep 0.1
    done
    echo "60-rpcbench: the $1 server did not start: $(cat "$work/serve-$1.out")"; exit 1
}

protocols=tcp
scenarios=unary-1x1-16B,unary-1x64-16B,unary-1x64-4KiB,pingpong-1x1-16B,download-1x1-64KiB
echo "-- compare $protocols, 1 s per scenario"
"$bin" compare ${protocols//,/ } --scenarios "$scenarios" --duration 1 --warmup 0.2 --json "$work/compare.json" --chart "$work/compare.svg"
python3 scripts/rpcbench/check_json.py "$work/compare.json" "$protocols" "$scenarios"
python3 -c "import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])" "$work/compare.svg"

echo "-- tcp framing against an independent client"
serve tcp
python3 scripts/rpcbench/tcp_framing_client.py "$port"
echo "60-rpcbench: ok"
