#!/usr/bin/env bash
# Makes the certificates the TLS tests use, with the `openssl` command, into DIR (made fresh each run;
# nothing with a private key is committed):
#   ca.pem/ca.key            a test CA
#   server.pem/server.key    for DNS:h2rpc.test, DNS:localhost, IP:127.0.0.1, IP:::1, signed by the CA
#   expired.pem/expired.key  same names, signed by the CA, valid only during 2020-01-01
#   client.pem/client.key    a client certificate (CN=h2rpc-test-client), signed by the CA
#   other-ca.pem             a CA nobody's certificate chains to
#   rogue.pem/rogue.key      a server certificate for the same names from that other CA
# Usage: scripts/make-test-certs.sh DIR
set -euo pipefail
dir=${1:?usage: make-test-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
quiet() { "$@" >/dev/null 2>&1 || { echo "make-test-certs: failed: $*" >&2; "$@"; exit 1; }; }

key() { quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

ca() { # name subject
    key "$1.key"
    quiet openssl req -x509 -new -key "$1.key" -sha256 -days 3650 -subj "$2" -out "$1.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}

leaf() { # name ca subject extensions
    key "$1.key"
    quiet openssl req -new -key "$1.key" -subj "$3" -out "$1.csr"
    printf '%s\n' "$4" >"$1.ext"
    quiet openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -sha256 -days 825 \
        -extfile "$1.ext" -out "$1.pem"
    rm -f "$1.csr" "$1.ext"
}

server_ext='subjectAltName=DNS:h2rpc.test,DNS:localhost,IP:127.0.0.1,IP:::1
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment'

ca ca "/CN=h2rpc test CA"
leaf server ca "/CN=h2rpc.test" "$server_ext"
leaf client ca "/CN=h2rpc-test-client/O=h2rpc tests" 'extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature'
ca other-ca "/CN=another test CA"
leaf rogue other-ca "/CN=h2rpc.test" "$server_ext"

# An expired certificate: `openssl x509` in OpenSSL 3.0 cannot set dates in the past, `openssl ca` can.
key expired.key
quiet openssl req -new -key expired.key -subj "/CN=h2rpc.test" -out expired.csr
mkdir -p ca-db
: >ca-db/index.txt
printf '%s\n' "$server_ext" >expired.ext
cat >ca-db/ca.cnf <<CNF
[ ca ]
default_ca = test
[ test ]
database = ca-db/index.txt
new_certs_dir = ca-db
serial = ca-db/serial
default_md = sha256
policy = anything
unique_subject = no
[ anything ]
commonName = supplied
CNF
echo 1000 >ca-db/serial
quiet openssl ca -batch -config ca-db/ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem \
    -startdate 20200101000000Z -enddate 20200102000000Z -extfile expired.ext -notext
rm -rf ca-db expired.csr expired.ext ca.srl other-ca.srl
