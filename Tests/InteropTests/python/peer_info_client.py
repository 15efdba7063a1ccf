"""Calls /peer.Test/Who with grpcio and prints what our server saw of the connection.

Usage: peer_info_client.py [--certs DIR]
With --certs, first makes the test certificates in DIR with scripts/make-test-certs.sh and prints
"certs DIR". Then, for each line "TARGET" or "TARGET tls" read from stdin, makes one call
(with "tls": TLS trusting DIR/ca.pem for the name h2rpc.test, presenting DIR/client.pem) and prints
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


def call(target, tls, certs):
    if tls:
        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(f"{certs}/ca.pem"),
            private_key=read(f"{certs}/client.key"),
            certificate_chain=read(f"{certs}/client.pem"))
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
        print(f"certs {args.certs}", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        print(call(parts[0], len(parts) > 1 and parts[1] == "tls", args.certs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
