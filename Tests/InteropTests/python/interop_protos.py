"""Generates Python modules for grpc.testing from the repository's Protos/ at run time.

The protos import each other as "grpc/testing/...", which would make the generated modules a
Python package named `grpc` and shadow grpcio itself. So they are copied under the directory name
`h2interop/testing` (imports rewritten to match) before grpc_tools.protoc runs; the proto package
stays `grpc.testing`, so service names and method paths on the wire are unchanged.
"""
import importlib
import os
import pathlib
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[3]
FILES = ["empty.proto", "messages.proto", "test.proto"]


def load():
    """Returns (empty_pb2, messages_pb2, test_pb2, test_pb2_grpc)."""
    from grpc_tools import protoc  # fails loudly when grpcio-tools is missing

    out = pathlib.Path(tempfile.mkdtemp(prefix="h2rpc-interop-py-"))
    src = out / "src" / "h2interop" / "testing"
    src.mkdir(parents=True)
    for name in FILES:
        text = (REPO / "Protos" / "grpc" / "testing" / name).read_text()
        text = text.replace('import "grpc/testing/', 'import "h2interop/testing/')
        (src / name).write_text(text)
    gen = out / "gen"
    gen.mkdir()
    args = ["protoc", f"-I{out / 'src'}", f"--python_out={gen}", f"--grpc_python_out={gen}"]
    args += [f"h2interop/testing/{n}" for n in FILES]
    if protoc.main(args) != 0:
        raise SystemExit("grpc_tools.protoc failed on Protos/grpc/testing")
    for d in [gen / "h2interop", gen / "h2interop" / "testing"]:
        (d / "__init__.py").touch()
    sys.path.insert(0, str(gen))
    mods = [importlib.import_module(f"h2interop.testing.{m}") for m in ("empty_pb2", "messages_pb2", "test_pb2", "test_pb2_grpc")]
    return tuple(mods)
