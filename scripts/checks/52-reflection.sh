#!/usr/bin/env bash
# Server reflection against grpcio's reflection client: interop-server (which always serves
# reflection) lists its services, grpcio builds a dynamic stub for TestService from the reflected
# descriptors and calls it, and the v1 protocol's answers and errors are checked.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c 'import grpc_reflection' || { echo "52-reflection: python grpcio-reflection is required"; exit 1; }
swift build --product interop-server >/dev/null
bin=$(swift build --show-bin-path)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$bin/interop-server" --port "$port" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$port)))" && break
    sleep 0.1
done
timeout 60 python3 Tests/InteropTests/python/reflection_client.py --server_port "$port"
echo "52-reflection: grpcio's reflection client discovered and called our services"
