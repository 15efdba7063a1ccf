#!/usr/bin/env bash
# Server reflection against grpcio's reflection client: interop-server (which always serves
# reflection) lists its services, grpcio builds a dynamic stub for TestService from the reflected
# descriptors and calls it, and the v1 protocol's answers and errors are checked.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c 'import grpc_reflection' || { echo "52-reflection: python grpcio-reflection is required"; exit 1; }
swift build --product interop-server >/dev/null
bin=$(swift build --show-bin-path)
log=$(mktemp)
"$bin/interop-server" --port 0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\).*/\1/p' "$log")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "52-reflection: interop-server did not start: $(cat "$log")"; exit 1; }
timeout 60 python3 Tests/InteropTests/python/reflection_client.py --server_port "$port"
echo "52-reflection: grpcio's reflection client discovered and called our services"
