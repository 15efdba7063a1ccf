"""Calls /peer.Test/Who with grpcio and prints what our server saw of the connection.

Usage: peer_info_client.py [--certs DIR]
With --certs, first makes the test certificates in DIR with scripts/make-test-certs.sh, plus
client-san.pem/.key (CN=san-client, subjectAltName URI:spiffe://h2rpc.test/client,
DNS:client.h2rpc.test, IP:127.0.0.2, signed by the same CA), and prints "certs DIR". Then, for each
line "TARGET", "TARGET tls" or "TARGET tls-san" read from stdin, makes one call (with TLS: trusting
DIR/ca.pem for the name h2rpc.test, presenting DIR/client.pem or DIR/client-san.pem) and prints
the response's text (the `service` field of a grpc.health.v1.HealthCheckRequest) on one line, or
"error CODE DETAILS". Exits at the end of stdin.
"""
import argparse
import os
import subprocess
import sys

import grpc
from grpc_health.v1 import health_pb2

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def read(path):
    with open(path, "rb") as f:
        return f.read()


SAN_EXTENSIONS = """subjectAltName=URI:spiffe://h2rpc.test/client,DNS:client.h2rpc.test,IP:127.0.0.2
extendedKeyUsage=clientAuth
"""


def make_san_client(certs):
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", f"{certs}/client-san.key", "-subj", "/CN=san-client", "-out", f"{certs}/client-san.csr")
    with open(f"{certs}/client-san.ext", "w") as f:
        f.write(SAN_EXTENSIONS)
    openssl("x509", "-req", "-in", f"{certs}/client-san.csr", "-CA", f"{certs}/ca.pem", "-CAkey", f"{certs}/ca.key",
            "-CAcreateserial", "-sha256", "-days", "30", "-extfile", f"{certs}/client-san.ext", "-out", f"{certs}/client-san.pem")


def call(target, tls, certs):
    if tls:
        name = "client-san" if tls == "tls-san" else "client"
        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(f"{certs}/ca.pem"),
            private_key=read(f"{certs}/{name}.key"),
            certificate_chain=read(f"{certs}/{name}.pem"))
        channel = grpc.secure_channel(target, credentials, options=(("grpc.ssl_target_name_override", "h2rpc.test"),))
    else:
        channel = grpc.insecure_channel(target)
    with channel:
        who = channel.unary_unary(
            "/peer.Test/Who", request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckRequest.FromString)
        try:
            return who(health_pb2.HealthCheckRequest(service="who"), timeout=10).service
        except grpc.RpcError as error:
            return f"error {error.code().name} {error.details()}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--certs")
    args = parser.parse_args()
    if args.certs:
        subprocess.run([f"{ROOT}/scripts/make-test-certs.sh", args.certs], check=True, stdout=subprocess.DEVNULL)
        make_san_client(args.certs)
        print(f"certs {args.certs}", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        print(call(parts[0], parts[1] if len(parts) > 1 else None, args.certs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
