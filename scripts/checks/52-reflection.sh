#!/usr/bin/env bash
# Server reflection against grpcio's reflection client: interop-server (which always serves
# reflection) lists its services, grpcio builds a dynamic stub for TestService from the reflected
# descriptors and calls it, and the v1 protocol's answers and errors are checked.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c 'import grpc_reflection' || { echo "52-reflection: python grpcio-reflection is required"; exit 1; }
swift build --product interop-server >/dev/null
bin=$(swift build --show-bin-path)
check_name=52-reflection
source scripts/lib/ports.sh
port=$(free_port)
"$bin/interop-server" --port "$port" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_port "$port"
timeout 60 python3 Tests/InteropTests/python/reflection_client.py --server_port "$port"
echo "52-reflection: grpcio's reflection client discovered and called our services"
