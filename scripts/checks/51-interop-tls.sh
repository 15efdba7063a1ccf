#!/usr/bin/env bash
# gRPC over TLS, mutual TLS and a Unix-domain socket against Python grpcio (certificates made now by
# scripts/make-test-certs.sh with the openssl command):
#   1. grpcio client → our interop-server over TLS (ALPN h2, server name h2rpc.test): every case
#   2. the same with client certificates required: every case with grpcio's client certificate, and a
#      client without one refused while the server keeps serving
#   3. a client trusting another CA refused; the server keeps serving
#   4. grpcio client → our interop-server on a Unix socket (`unix:PATH`): every case; the socket file
#      is gone after the server stops
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --product interop-server >/dev/null
bin=$(swift build --show-bin-path)
py=Tests/InteropTests/python
mkdir -p .build
work=$(mktemp -d "$PWD/.build/tls-check.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
./scripts/make-test-certs.sh "$work/pki"
pki=$work/pki

check_name=51-interop-tls
source scripts/lib/ports.sh
failed=0
client() { timeout 300 python3 "$py/interop_client.py" "$@"; }
refused() { # what, then client flags: the call must fail, and fail within the timeout
    if timeout 60 python3 "$py/interop_client.py" --test_case empty_unary "${@:2}" >"$work/refused.log" 2>&1; then
        echo "FAIL $1: the client was accepted"; failed=1
    else
        echo "PASS $1: refused"
    fi
}

echo "== grpcio client → h2rpc server over TLS"
port=$(free_port)
"$bin/interop-server" --port "$port" --use_tls=true --tls_cert_file "$pki/server.pem" --tls_key_file "$pki/server.key" &
pids+=("$!")
wait_port "$port"
client --server_port "$port" --use_tls true --ca_file "$pki/ca.pem" --server_host_override h2rpc.test --test_case all || failed=1
refused "a client trusting another CA" --server_port "$port" --use_tls true --ca_file "$pki/other-ca.pem" \
    --server_host_override h2rpc.test
refused "a plaintext client on the TLS port" --server_port "$port"
client --server_port "$port" --use_tls true --ca_file "$pki/ca.pem" --server_host_override h2rpc.test \
    --test_case large_unary || failed=1

echo "== grpcio client → h2rpc server with client certificates required (mutual TLS)"
port=$(free_port)
"$bin/interop-server" --port "$port" --use_tls=true --tls_cert_file "$pki/server.pem" --tls_key_file "$pki/server.key" \
    --tls_client_ca_file "$pki/ca.pem" --require_client_cert &
pids+=("$!")
wait_port "$port"
client --server_port "$port" --use_tls true --ca_file "$pki/ca.pem" --server_host_override h2rpc.test \
    --tls_cert_file "$pki/client.pem" --tls_key_file "$pki/client.key" --test_case all || failed=1
refused "a client without a certificate" --server_port "$port" --use_tls true --ca_file "$pki/ca.pem" \
    --server_host_override h2rpc.test
client --server_port "$port" --use_tls true --ca_file "$pki/ca.pem" --server_host_override h2rpc.test \
    --tls_cert_file "$pki/client.pem" --tls_key_file "$pki/client.key" --test_case empty_unary || failed=1

echo "== grpcio client → h2rpc server on a Unix-domain socket"
socket=$work/interop.sock
"$bin/interop-server" --unix_socket "$socket" &
unix_pid=$!
pids+=("$unix_pid")
for _ in $(seq 1 100); do [ -S "$socket" ] && break; sleep 0.1; done
client --target "unix:$socket" --test_case all || failed=1
kill -TERM "$unix_pid"
wait "$unix_pid" || true
if [ -e "$socket" ]; then echo "FAIL the socket file is left after the server stopped"; failed=1; else
    echo "PASS the socket file is removed on shutdown"; fi

if [ "$failed" -ne 0 ]; then echo "51-interop-tls: FAILED"; exit 1; fi
echo "51-interop-tls: every case over TLS, mutual TLS and a Unix socket; bad peers refused"
