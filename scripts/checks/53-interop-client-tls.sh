#!/usr/bin/env bash
# Our interop-client against Python grpcio's interop server over TLS, mutual TLS and a Unix-domain
# socket (certificates made now by scripts/make-test-certs.sh with the openssl command):
#   1. TLS (ALPN h2, the server's certificate verified against the test CA for the name h2rpc.test):
#      every case; a client trusting another CA and a client verifying another name are refused
#   2. client certificates required: every case with our client certificate; without one refused
#   3. a Unix socket (`--target unix:PATH`): every case, in plaintext
# The refusals must name the TLS cause (OpenSSL's reason) in the failing case's line.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c 'import grpc' || { echo "53-interop-client-tls: python3 with grpcio is required"; exit 1; }
swift build --product interop-client >/dev/null
bin=$(swift build --show-bin-path)
py=Tests/InteropTests/python
mkdir -p .build
work=$(mktemp -d "$PWD/.build/client-tls-check.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
./scripts/make-test-certs.sh "$work/pki"
pki=$work/pki

check_name=53-interop-client-tls
source scripts/lib/ports.sh
failed=0
client() { timeout 300 "$bin/interop-client" --skip_compression_probe true "$@"; }
refused() { # what, expected text in the output, then client flags: the call must fail naming the cause
    if timeout 60 "$bin/interop-client" --test_case empty_unary "${@:3}" >"$work/refused.log" 2>&1; then
        echo "FAIL $1: the client was accepted"; failed=1
    elif grep -qi -- "$2" "$work/refused.log"; then
        echo "PASS $1: refused ($(grep -i -m1 -- "$2" "$work/refused.log" | cut -c1-160))"
    else
        echo "FAIL $1: refused without naming \"$2\":"; cat "$work/refused.log"; failed=1
    fi
}

echo "== h2rpc client → grpcio server over TLS"
port=$(free_port)
python3 "$py/interop_server.py" --port "$port" --use_tls true --tls_cert_file "$pki/server.pem" \
    --tls_key_file "$pki/server.key" &
pids+=("$!")
wait_port "$port"
client --server_host 127.0.0.1 --server_port "$port" --use_tls true --ca_file "$pki/ca.pem" \
    --server_host_override h2rpc.test --test_case all || failed=1
client --server_host localhost --server_port "$port" --use_tls true --use_test_ca true --ca_file "$pki/ca.pem" \
    --test_case large_unary || failed=1
refused "a client trusting another CA" "certificate verify failed" --server_host 127.0.0.1 --server_port "$port" \
    --use_tls true --ca_file "$pki/other-ca.pem" --server_host_override h2rpc.test
refused "a client verifying another name" "mismatch" --server_host 127.0.0.1 --server_port "$port" \
    --use_tls true --ca_file "$pki/ca.pem" --server_host_override elsewhere.test

echo "== h2rpc client → grpcio server with client certificates required (mutual TLS)"
port=$(free_port)
python3 "$py/interop_server.py" --port "$port" --use_tls true --tls_cert_file "$pki/server.pem" \
    --tls_key_file "$pki/server.key" --tls_client_ca_file "$pki/ca.pem" --require_client_cert &
pids+=("$!")
wait_port "$port"
client --server_host 127.0.0.1 --server_port "$port" --use_tls true --ca_file "$pki/ca.pem" \
    --server_host_override h2rpc.test --tls_cert_file "$pki/client.pem" --tls_key_file "$pki/client.key" \
    --test_case all || failed=1
refused "a client without a certificate" "TLS connection to" --server_host 127.0.0.1 --server_port "$port" \
    --use_tls true --ca_file "$pki/ca.pem" --server_host_override h2rpc.test

echo "== h2rpc client → grpcio server on a Unix-domain socket"
socket=$work/interop.sock
python3 "$py/interop_server.py" --unix_socket "$socket" &
pids+=("$!")
for _ in $(seq 1 100); do [ -S "$socket" ] && break; sleep 0.1; done
client --target "unix:$socket" --test_case all || failed=1
client --target "unix://$socket" --test_case empty_unary || failed=1

if [ "$failed" -ne 0 ]; then echo "53-interop-client-tls: FAILED"; exit 1; fi
echo "53-interop-client-tls: every case over TLS, mutual TLS and a Unix socket; bad setups refused with their cause"
