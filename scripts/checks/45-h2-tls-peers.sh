#!/usr/bin/env bash
# h2-echo over TLS (ALPN h2) and over a Unix-domain socket against real peers: curl --http2 over
# https (GET, 16 MiB POST byte-exact, verified against a CA made here with the openssl command),
# h2load over TLS (ALPN h2, 100 concurrent streams), a plaintext HTTP/2 client on the TLS port
# (refused, the server keeps serving), and curl --unix-socket with prior knowledge.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in curl h2load openssl; do
    command -v "$tool" >/dev/null || { echo "45-h2-tls-peers: $tool is missing (scripts/setup.sh installs it)"; exit 1; }
done
bin="$(swift build --show-bin-path)/h2-echo"
[ -x "$bin" ] || swift build --product h2-echo
work=$(mktemp -d)
servers=()
cleanup() { for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "45-h2-tls-peers: FAIL: $*"; exit 1; }

# Test PKI: a CA and a server certificate for localhost / 127.0.0.1 (P-256, made now, never committed).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/ca.key" -out "$work/ca.crt" \
    -days 2 -subj "/CN=h2-echo test CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/server.key" -out "$work/server.csr" \
    -subj "/CN=localhost" 2>/dev/null
openssl req -x509 -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -days 2 -out "$work/server.crt" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -addext "extendedKeyUsage=serverAuth" 2>/dev/null
cat "$work/server.crt" "$work/ca.crt" >"$work/chain.pem"

"$bin" --port 0 --loops 2 --tls-cert "$work/chain.pem" --tls-key "$work/server.key" >"$work/tls.out" 2>&1 &
servers+=($!)
for _ in $(seq 100); do grep -q listening "$work/tls.out" && break; sleep 0.05; done
port=$(sed -n 's/^h2-echo listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/tls.out")
[ -n "$port" ] || fail "h2-echo --tls-cert did not print its listening line: $(cat "$work/tls.out")"
url="https://localhost:$port"
tls=(--http2 --cacert "$work/ca.crt")

[ "$(curl -sS "${tls[@]}" -o /dev/null -w '%{http_version} %{http_code}' "$url/bytes/10")" = "2 200" ] \
    || fail "curl over https did not speak HTTP/2 or got no 200"
[ "$(curl -sS "${tls[@]}" "$url/bytes/100000" | wc -c)" -eq 100000 ] || fail "curl https GET /bytes/100000"
head -c $((16 << 20)) /dev/urandom >"$work/big.bin"
curl -sS "${tls[@]}" --data-binary @"$work/big.bin" "$url/echo" -o "$work/big.curl"
cmp -s "$work/big.bin" "$work/big.curl" || fail "curl https 16 MiB POST echo differs"
echo "45-h2-tls-peers: curl --http2 over https GET and 16 MiB POST byte-exact"

h2load -n 2000 -c 4 -m 100 "https://127.0.0.1:$port/bytes/100" >"$work/h2load.tls" 2>&1 || fail "h2load TLS: $(tail -5 "$work/h2load.tls")"
grep -q "Application protocol: h2" "$work/h2load.tls" || fail "h2load did not negotiate h2: $(cat "$work/h2load.tls")"
grep -q "2000 succeeded, 0 failed, 0 errored" "$work/h2load.tls" || fail "h2load TLS: $(grep requests: "$work/h2load.tls")"
printf 'x%.0s' $(seq 1000) >"$work/small.bin"
h2load -n 2000 -c 4 -m 100 -d "$work/small.bin" "https://127.0.0.1:$port/echo" >"$work/h2load.post" 2>&1 || fail "h2load TLS POST"
grep -q "2000 succeeded, 0 failed, 0 errored" "$work/h2load.post" || fail "h2load TLS POST: $(grep requests: "$work/h2load.post")"
echo "45-h2-tls-peers: h2load over TLS, ALPN h2, GET and POST: $(grep -o 'finished in.*req/s' "$work/h2load.post")"

# A plaintext HTTP/2 client on the TLS port is refused; the server keeps serving TLS clients.
if curl -sS --max-time 10 --http2-prior-knowledge "http://127.0.0.1:$port/bytes/10" -o /dev/null 2>/dev/null; then
    fail "a plaintext client got an answer on the TLS port"
fi
[ "$(curl -sS "${tls[@]}" "$url/bytes/10" | wc -c)" -eq 10 ] || fail "TLS after a plaintext client"
echo "45-h2-tls-peers: plaintext client on the TLS port refused, TLS still served"

# Unix-domain socket: created with the listener, removed on a graceful stop.
sock="$work/h2-echo.sock"
"$bin" --port 0 --loops 1 --host "unix:$sock" >"$work/unix.out" 2>&1 &
unix_server=$!
servers+=($unix_server)
for _ in $(seq 100); do grep -q listening "$work/unix.out" && break; sleep 0.05; done
[ -S "$sock" ] || fail "no socket file at $sock: $(cat "$work/unix.out")"
curl -sS --unix-socket "$sock" --http2-prior-knowledge --data-binary @"$work/big.bin" "http://localhost/echo" -o "$work/big.unix"
cmp -s "$work/big.bin" "$work/big.unix" || fail "curl over the Unix socket: 16 MiB POST echo differs"
kill -TERM "$unix_server"
wait "$unix_server" || fail "h2-echo on a Unix socket exited with $? after SIGTERM"
[ ! -e "$sock" ] || fail "the socket file outlived the server"
echo "45-h2-tls-peers: curl over a Unix socket 16 MiB POST byte-exact, socket file removed on stop"
