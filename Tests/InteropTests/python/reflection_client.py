"""grpcio's reflection client against a server: lists its services, builds a dynamic stub for
grpc.testing.TestService from the descriptors the server sends (no .proto files), calls UnaryCall
with it, and checks the v1 protocol's answers and its NOT_FOUND error.

Usage: reflection_client.py --server_port P
"""
import argparse
import os
import sys
import tempfile

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
from grpc_tools import protoc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def fail(what):
    print(f"FAIL {what}")
    sys.exit(1)


def v1_stubs():
    """Python stubs for grpc.reflection.v1 from the .proto the server was built from (grpcio-reflection
    ships only v1alpha's)."""
    out = tempfile.mkdtemp(prefix="reflection-v1-")
    # Copied under a module path of its own: `grpc.reflection` would resolve inside the grpc package.
    os.makedirs(os.path.join(out, "reflection_v1"))
    with open(os.path.join(ROOT, "Sources/H2RPCReflection/grpc/reflection/v1/reflection.proto")) as src, \
            open(os.path.join(out, "reflection_v1", "reflection.proto"), "w") as dst:
        dst.write(src.read())
    if protoc.main(["protoc", f"-I{out}", f"--python_out={out}", f"--grpc_python_out={out}",
                    os.path.join(out, "reflection_v1", "reflection.proto")]) != 0:
        sys.exit("cannot generate the v1 reflection stubs")
    sys.path.insert(0, out)
    from reflection_v1 import reflection_pb2, reflection_pb2_grpc  # noqa: E402
    return reflection_pb2, reflection_pb2_grpc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server_host", default="127.0.0.1")
    parser.add_argument("--server_port", type=int, required=True)
    args = parser.parse_args()
    with grpc.insecure_channel(f"{args.server_host}:{args.server_port}") as channel:
        # v1alpha, through grpcio-reflection's descriptor database.
        database = ProtoReflectionDescriptorDatabase(channel)
        services = set(database.get_services())
        # What the server serves: TestService, health (its descriptor comes with H2RPCReflection) and reflection.
        expected = {"grpc.testing.TestService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                    "grpc.reflection.v1alpha.ServerReflection"}
        if services != expected:
            fail(f"list_services gave {sorted(services)}, not {sorted(expected)}")
        print(f"PASS list services: {', '.join(sorted(services))}")

        pool = descriptor_pool.DescriptorPool(database)
        service = pool.FindServiceByName("grpc.testing.TestService")
        method = service.methods_by_name["UnaryCall"]
        request_class = message_factory.GetMessageClass(method.input_type)
        response_class = message_factory.GetMessageClass(method.output_type)
        call = channel.unary_unary(f"/{service.full_name}/{method.name}",
                                   request_serializer=request_class.SerializeToString,
                                   response_deserializer=response_class.FromString)
        reply = call(request_class(response_size=17), timeout=10)
        if len(reply.payload.body) != 17:
            fail(f"the dynamic stub's UnaryCall returned {len(reply.payload.body)} payload bytes, not 17")
        print(f"PASS dynamic stub from reflected descriptors: {method.full_name} "
              f"({method.input_type.full_name} → {method.output_type.full_name}) answered")

        health = pool.FindServiceByName("grpc.health.v1.Health")
        if sorted(health.methods_by_name) != ["Check", "List", "Watch"]:
            fail(f"grpc.health.v1.Health has methods {sorted(health.methods_by_name)}")
        check = health.methods_by_name["Check"]
        check_call = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=message_factory.GetMessageClass(check.input_type).SerializeToString,
            response_deserializer=message_factory.GetMessageClass(check.output_type).FromString)
        status = check_call(message_factory.GetMessageClass(check.input_type)(service="grpc.testing.TestService"), timeout=10)
        if status.status != 1:
            fail(f"the dynamic health stub's Check answered status {status.status}, not SERVING (1)")
        print("PASS dynamic stub for grpc.health.v1.Health from reflected descriptors: Check answered SERVING")

        # v1, with stubs generated here.
        reflection_pb2, reflection_pb2_grpc = v1_stubs()
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        requests = [
            reflection_pb2.ServerReflectionRequest(file_containing_symbol="grpc.testing.SimpleRequest"),
            reflection_pb2.ServerReflectionRequest(file_by_filename="grpc/testing/test.proto"),
            reflection_pb2.ServerReflectionRequest(file_by_filename="no/such/file.proto"),
            reflection_pb2.ServerReflectionRequest(list_services=""),
        ]
        answers = list(stub.ServerReflectionInfo(iter(requests), timeout=10))
        if len(answers) != len(requests):
            fail(f"v1: {len(answers)} answers to {len(requests)} requests")
        files = [descriptor_pb2.FileDescriptorProto.FromString(b)
                 for b in answers[0].file_descriptor_response.file_descriptor_proto]
        if not files or files[0].name != "grpc/testing/messages.proto" \
                or "SimpleRequest" not in [m.name for m in files[0].message_type]:
            fail(f"v1: file_containing_symbol gave {[f.name for f in files]}")
        test_files = [descriptor_pb2.FileDescriptorProto.FromString(b).name
                      for b in answers[1].file_descriptor_response.file_descriptor_proto]
        # messages.proto was sent on this stream already: only test.proto and empty.proto are new.
        if test_files[0] != "grpc/testing/test.proto" or "grpc/testing/messages.proto" in test_files:
            fail(f"v1: file_by_filename gave {test_files}")
        if answers[2].error_response.error_code != grpc.StatusCode.NOT_FOUND.value[0]:
            fail(f"v1: a missing file gave {answers[2]}")
        names = sorted(s.name for s in answers[3].list_services_response.service)
        if names != sorted(expected):
            fail(f"v1: list_services gave {names}")
        print("PASS v1: file containing symbol, file by name (dependencies sent once per stream), "
              "NOT_FOUND for a missing file, list services")


if __name__ == "__main__":
    main()
