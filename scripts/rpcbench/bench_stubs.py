"""Generates python grpcio stubs for Protos/bench.proto into a temporary directory and imports them."""
import os
import sys
import tempfile

from grpc_tools import protoc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load():
    out = tempfile.mkdtemp(prefix="bench-stubs-")
    code = protoc.main(["protoc", f"-I{ROOT}/Protos", f"--python_out={out}", f"--grpc_python_out={out}",
                        f"{ROOT}/Protos/bench.proto"])
    if code != 0:
        sys.exit("could not generate python stubs for Protos/bench.proto")
    sys.path.insert(0, out)
    import bench_pb2
    import bench_pb2_grpc
    return bench_pb2, bench_pb2_grpc
