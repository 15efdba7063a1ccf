#!/usr/bin/env bash
# Installs what building, testing and benchmarking need, only when it is missing.
# Debian: libnghttp2-dev, zlib1g-dev, libssl-dev and the openssl command (TLS, test certificates),
# protobuf-compiler (+ libprotobuf-dev for the well-known .protos), nghttp2's client/server tools and curl
# (plain HTTP/2 peers), nginx (the gRPC proxy check), golang-go (`go tool pprof` reads the CPU profiles); PyPI: grpcio, grpcio-tools, protobuf.
set -euo pipefail

apt_packages=(libnghttp2-dev zlib1g-dev libssl-dev openssl pkg-config protobuf-compiler libprotobuf-dev nghttp2-client nghttp2-server curl nginx golang-go)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import grpc, grpc_tools, google.protobuf' 2>/dev/null; then
    echo "setup: installing python grpcio, grpcio-tools, protobuf"
    python3 -m pip install -q --disable-pip-version-check 'grpcio>=1.60' 'grpcio-tools>=1.60' 'protobuf>=4.25'
fi

# Rich errors (google.rpc.Status), the health service's and server reflection's Python peers.
if ! python3 -c 'import grpc_status, grpc_health.v1.health, grpc_reflection' 2>/dev/null; then
    echo "setup: installing python grpcio-status, grpcio-health-checking, grpcio-reflection"
    python3 -m pip install -q --disable-pip-version-check 'grpcio-status>=1.60' 'grpcio-health-checking>=1.60' 'grpcio-reflection>=1.60'
fi
