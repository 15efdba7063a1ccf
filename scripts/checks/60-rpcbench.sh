#!/usr/bin/env bash
# rpcbench end to end: `compare` with a 1-second duration (its JSON checked field by field), and each
# protocol's server driven by an independent client (python) so that the wire contract is proven real.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(swift build --show-bin-path)/rpcbench"
[ -x "$bin" ] || swift build --product rpcbench
# Under .build, not /tmp: nothing else cleans it up under our feet.
mkdir -p .build
work=$(mktemp -d "$PWD/.build/rpcbench-check.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# Starts `rpcbench serve --proto $1 [more options]` on a free port; sets $port.
serve() {
    local out="$work/serve-$1-${#pids[@]}.out"
    "$bin" serve --proto "$@" --port 0 >"$out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\).*/\1/p' "$out")
        [ -n "$port" ] && return 0
        sleep 0.1
    done
    echo "60-rpcbench: the $1 server did not start: $(cat "$out")"; exit 1
}

protocols=tcp,h2,grpc
scenarios=unary-1x1-16B,unary-1x64-16B,unary-1x64-4KiB,pingpong-1x1-16B,download-1x1-64KiB
echo "-- compare $protocols, 1 s per scenario"
"$bin" compare ${protocols//,/ } --scenarios "$scenarios" --duration 1 --warmup 0.2 --json "$work/compare.json" --chart "$work/compare.svg"
python3 scripts/rpcbench/check_json.py "$work/compare.json" "$protocols" "$scenarios"
python3 -c "import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])" "$work/compare.svg"

echo "-- tcp framing against an independent client"
serve tcp
python3 scripts/rpcbench/tcp_framing_client.py "$port"

echo "-- h2 against curl and h2load (nghttp2's own client)"
serve h2
head -c 100000 /dev/urandom >"$work/body"
code=$(curl -s --http2-prior-knowledge -X POST --data-binary @"$work/body" -o "$work/echo" -w '%{http_code} %{http_version}' "http://127.0.0.1:$port/echo")
[ "$code" = "200 2" ] || { echo "60-rpcbench: h2 POST /echo answered '$code', not '200 2'"; exit 1; }
cmp -s "$work/body" "$work/echo" || { echo "60-rpcbench: h2 /echo body differs"; exit 1; }
bytes=$(curl -s --http2-prior-knowledge "http://127.0.0.1:$port/download?size=65536&count=20" | wc -c)
[ "$bytes" -eq $((65536 * 20)) ] || { echo "60-rpcbench: h2 /download sent $bytes bytes, not 1310720"; exit 1; }
code=$(curl -s --http2-prior-knowledge -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nope")
[ "$code" = 404 ] || { echo "60-rpcbench: h2 unknown path answered $code, not 404"; exit 1; }
head -c 16 /dev/urandom >"$work/b16"
h2load -n 2000 -c 2 -m 16 -d "$work/b16" "http://127.0.0.1:$port/echo" >"$work/h2load" 2>&1
grep -q "2000 succeeded, 0 failed" "$work/h2load" || { echo "60-rpcbench: h2load against rpcbench h2:"; cat "$work/h2load"; exit 1; }
echo "h2: curl echo (100 kB) and download byte-exact, 404 for unknown paths, h2load 2000/2000 echoes"

echo "-- h2 over TLS against curl and h2load"
scripts/make-test-certs.sh "$work/pki" >/dev/null
serve h2 --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server.key"
code=$(curl -s --http2 --cacert "$work/pki/ca.pem" -X POST --data-binary @"$work/body" -o "$work/echo-tls" \
    -w '%{http_code} %{http_version}' "https://localhost:$port/echo")
[ "$code" = "200 2" ] || { echo "60-rpcbench: h2 over TLS POST /echo answered '$code', not '200 2'"; exit 1; }
cmp -s "$work/body" "$work/echo-tls" || { echo "60-rpcbench: h2 over TLS /echo body differs"; exit 1; }
h2load -n 1000 -c 2 -m 16 -d "$work/b16" "https://127.0.0.1:$port/echo" >"$work/h2load-tls" 2>&1
grep -q "1000 succeeded, 0 failed" "$work/h2load-tls" || { echo "60-rpcbench: h2load over TLS:"; cat "$work/h2load-tls"; exit 1; }
grep -q "ALPN: h2\|Application protocol: h2" "$work/h2load-tls" || { echo "60-rpcbench: h2load did not negotiate h2:"; cat "$work/h2load-tls"; exit 1; }
echo "h2 over TLS: curl echo (100 kB) byte-exact with the CA verified, h2load 1000/1000 echoes over TLS"

echo "-- compare --tls, 0.5 s per scenario"
"$bin" compare tcp h2 grpc --tls --scenarios unary-1x64-16B,download-1x1-64KiB --duration 0.5 --warmup 0.2 --json "$work/compare-tls.json"
python3 - "$work/compare-tls.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
names = {r["protocol"] for r in report["results"]}
want = {"tcp", "h2", "grpc", "tcp+tls", "h2+tls", "grpc+tls"}
assert names == want, f"compare --tls rows {sorted(names)}, not {sorted(want)}"
for row in report["results"]:
    assert row["calls"] > 0, f"{row['protocol']} {row['scenario']}: no calls"
rates = report["connections_per_s"]
assert set(rates) == want and all(v > 0 for v in rates.values()), f"connection rates {rates}"
print("compare --tls: 6 protocols x 2 scenarios, connection rates", {k: round(v) for k, v in rates.items()})
PY

echo "-- grpc: python grpcio client against rpcbench's server"
serve grpc
python3 scripts/rpcbench/grpc_echo_client.py "$port"

echo "-- grpc: rpcbench load against a python grpcio server"
# The interpreter itself, not a version-manager shim: a shim would run python as its child, and killing
# the shim's pid would leave the server behind.
python=$(python3 -c 'import sys; print(sys.executable)')
"$python" scripts/rpcbench/grpc_echo_server.py >"$work/pyserver.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/pyserver.out" && break; sleep 0.1; done
pyport=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\).*/\1/p' "$work/pyserver.out")
[ -n "$pyport" ] || { echo "60-rpcbench: the grpcio server did not start: $(cat "$work/pyserver.out")"; exit 1; }
"$bin" load --proto grpc --target "127.0.0.1:$pyport" --label grpcio --scenario unary-1x4-16B,pingpong-1x1-4KiB,download-1x1-64KiB \
    --duration 1 --warmup 0.2 --download-count 16 --json "$work/grpcio.json"
python3 scripts/rpcbench/check_json.py "$work/grpcio.json" grpcio unary-1x4-16B,pingpong-1x1-4KiB,download-1x1-64KiB --foreign

echo "-- grpc: rpcbench load over two servers, round_robin, a fixed number of calls"
serve grpc; port1=$port
serve grpc; port2=$port
"$bin" load --proto grpc --target "ipv4:127.0.0.1:$port1,127.0.0.1:$port2" --lb round_robin \
    --scenario unary-1x8-16B --calls 2000 --warmup 0 --json "$work/round-robin.json"
python3 - "$work/round-robin.json" <<'PY'
import json, sys
row = json.load(open(sys.argv[1]))["results"][0]
assert row["errors"] == 0 and row["errors_by_status"] == {}, f"round_robin load: errors {row['errors_by_status']}"
assert row["calls"] == 2000, f"round_robin load: {row['calls']} calls, not 2000"
print(f"round_robin over two servers: {row['calls']} calls, 0 errors, {round(row['calls_per_s'])} calls/s")
PY

echo "-- wrong protocol: an h2 and a grpc client against the tcp server fail in one line"
serve tcp
if "$bin" load --proto h2 --target "127.0.0.1:$port" --scenario unary-1x1-16B --duration 1 --reply-timeout 3 2>"$work/wrong-h2.err"; then
    echo "60-rpcbench: an h2 load against a tcp server succeeded"; exit 1
fi
echo "wrong protocol: $(grep '^rpcbench: ' "$work/wrong-h2.err" | grep -v build)"
if "$bin" load --proto grpc --target "127.0.0.1:$port" --scenario unary-1x1-16B --duration 1 --reply-timeout 3 2>"$work/wrong.err"; then
    echo "60-rpcbench: a grpc load against a tcp server succeeded"; exit 1
fi
[ "$(wc -l <"$work/wrong.err")" -le 2 ] && grep -q "^rpcbench: " "$work/wrong.err" || { echo "60-rpcbench: wrong-protocol error:"; cat "$work/wrong.err"; exit 1; }
echo "wrong protocol: $(grep '^rpcbench: ' "$work/wrong.err" | grep -v build)"
echo "60-rpcbench: ok"
