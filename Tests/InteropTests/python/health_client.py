"""Checks a server's grpc.health.v1.Health with Python grpcio (stubs generated here at run time).

Usage: health_client.py --server_port P [--service NAME]
Expects SERVING from Check("") and Check(NAME), NOT_FOUND for an unknown service, and Watch(NAME)
to start with SERVING. Exit 0 only when all hold.
"""
import argparse
import importlib
import pathlib
import sys
import tempfile

import grpc
from grpc_tools import protoc

HERE = pathlib.Path(__file__).resolve().parent


def load():
    out = pathlib.Path(tempfile.mkdtemp(prefix="h2rpc-health-py-"))
    if protoc.main(["protoc", f"-I{HERE}", f"--python_out={out}", f"--grpc_python_out={out}", "health.proto"]) != 0:
        raise SystemExit("grpc_tools.protoc failed on health.proto")
    sys.path.insert(0, str(out))
    return importlib.import_module("health_pb2"), importlib.import_module("health_pb2_grpc")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server_host", default="127.0.0.1")
    parser.add_argument("--server_port", type=int, required=True)
    parser.add_argument("--service", default="grpc.testing.TestService")
    args = parser.parse_args()
    pb, rpc = load()
    serving = pb.HealthCheckResponse.SERVING
    with grpc.insecure_channel(f"{args.server_host}:{args.server_port}") as channel:
        stub = rpc.HealthStub(channel)
        failures = []
        for name in ("", args.service):
            status = stub.Check(pb.HealthCheckRequest(service=name), timeout=10).status
            if status != serving:
                failures.append(f"Check({name!r}) = {status}")
        try:
            stub.Check(pb.HealthCheckRequest(service="no.such.Service"), timeout=10)
            failures.append("Check of an unknown service succeeded")
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.NOT_FOUND:
                failures.append(f"Check of an unknown service: {e.code()}")
        watch = stub.Watch(pb.HealthCheckRequest(service=args.service), timeout=10)
        first = next(watch).status
        watch.cancel()
        if first != serving:
            failures.append(f"Watch first status {first}")
    for f in failures:
        print(f"FAIL health: {f}")
    if failures:
        sys.exit(1)
    print("PASS health (Check, unknown service, Watch)")


if __name__ == "__main__":
    main()
