#!/usr/bin/env bash
# gRPC behind a real reverse proxy: Debian's nginx (`grpc_pass` to an upstream of three h2rpc
# interop servers) between the clients and our servers.
#   1. grpcio client → nginx → h2rpc servers: every standard interop case
#   2. our interop-client → nginx → h2rpc servers: every standard interop case
#   3. 300 unary calls through nginx: each of the three servers answers within 10 % of a third
# Fails (never skips) when nginx is missing: scripts/setup.sh installs it.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v nginx >/dev/null || { echo "55-nginx-proxy: nginx is required (apt-get install nginx)"; exit 1; }
swift build --product interop-server >/dev/null
swift build --product interop-client >/dev/null
bin=$(swift build --show-bin-path)
py=Tests/InteropTests/python
mkdir -p .build
work=$(mktemp -d "$PWD/.build/nginx-check.XXXXXX")

check_name=55-nginx-proxy
source scripts/lib/ports.sh

pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

upstreams=""
ids=()
for i in 1 2 3; do
    port=$(free_port)
    "$bin/interop-server" --port "$port" --server_id "replica-$i" >"$work/server-$i.log" 2>&1 &
    pids+=("$!")
    wait_port "$port"
    upstreams+="        server 127.0.0.1:$port;"$'\n'
    ids+=("replica-$i")
done

proxy_port=$(free_port)
mkdir -p "$work/temp"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $work/temp/body;
    proxy_temp_path $work/temp/proxy;
    fastcgi_temp_path $work/temp/fastcgi;
    uwsgi_temp_path $work/temp/uwsgi;
    scgi_temp_path $work/temp/scgi;
    # gRPC streams carry bodies of any length; the interop cases' largest is 271,828 bytes per message.
    client_max_body_size 0;
    upstream h2rpc {
$upstreams        keepalive 8;
    }
    server {
        listen 127.0.0.1:$proxy_port http2;
        location / {
            grpc_pass grpc://h2rpc;
            grpc_read_timeout 60s;
            grpc_send_timeout 60s;
        }
    }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log"
wait_port "$proxy_port"

failed=0
echo "== grpcio client → nginx → three h2rpc servers"
timeout 300 python3 "$py/interop_client.py" --server_host 127.0.0.1 --server_port "$proxy_port" --test_case all || failed=1

echo "== h2rpc client → nginx → three h2rpc servers"
timeout 300 "$bin/interop-client" --server_host 127.0.0.1 --server_port "$proxy_port" --test_case all || failed=1

echo "== calls through nginx spread across the three servers"
timeout 120 python3 "$py/spread_client.py" --target "127.0.0.1:$proxy_port" --calls 300 \
    --servers "$(IFS=,; echo "${ids[*]}")" || failed=1

if [ "$failed" -ne 0 ]; then
    echo "-- nginx error log:"; tail -20 "$work/error.log" || true
    echo "55-nginx-proxy: FAILED"; exit 1
fi
echo "55-nginx-proxy: all cases passed through nginx; calls spread across three servers"
