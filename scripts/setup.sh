#!/usr/bin/env bash
# Installs what building, testing and benchmarking need, only when it is missing.
# Debian: libnghttp2-dev, zlib1g-dev, libssl-dev and the openssl command (TLS, test certificates), protobuf-compiler (+ libprotobuf-dev for the well-known .protos),
# nghttp2's client/server tools and curl (plain HTTP/2 peers); PyPI: grpcio, grpcio-tools, protobuf.
set -euo pipefail

apt_packages=(libnghttp2-dev zlib1g-dev libssl-dev openssl pkg-config protobuf-compiler libprotobuf-dev nghttp2-client nghttp2-server curl)
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
