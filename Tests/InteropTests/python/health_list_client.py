"""Calls grpc.health.v1.Health/List with grpcio-health-checking's stub and prints the answer.

Usage: health_list_client.py --port P
Prints one "NAME=STATUS" line per service, sorted by name ("" shown as <server>), then "end".
Exit 0 when the call succeeds, 1 with the status otherwise.
"""
import argparse
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    with grpc.insecure_channel(f"127.0.0.1:{args.port}") as channel:
        try:
            response = health_pb2_grpc.HealthStub(channel).List(health_pb2.HealthListRequest(), timeout=10)
        except grpc.RpcError as error:
            print(f"List failed: {error.code()} {error.details()}", flush=True)
            return 1
    for name in sorted(response.statuses):
        status = health_pb2.HealthCheckResponse.ServingStatus.Name(response.statuses[name].status)
        print(f"{name or '<server>'}={status}", flush=True)
    print("end", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
