"""grpcio's side of the interop tests: the standard test cases driven by a Python grpcio client.

Usage: interop_client.py --server_host H --server_port P --test_case NAME|all
Exit status 0 only when every selected case passes; one line per case.
"""
import argparse
import queue
import sys
import threading

import grpc

import interop_protos

empty_pb2, messages_pb2, test_pb2, test_pb2_grpc = interop_protos.load()

INITIAL_KEY = "x-grpc-test-echo-initial"
TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
SPECIAL = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"


class Failure(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failure(what)


def payload(size):
    return messages_pb2.Payload(body=b"\x00" * size)


def bool_value(v):
    return messages_pb2.BoolValue(value=v)


class Pipe:
    """A request iterator fed from the test, as grpc's Python interop client uses."""

    def __init__(self):
        self.q = queue.Queue()

    def add(self, item):
        self.q.put(item)

    def close(self):
        self.q.put(None)

    def __iter__(self):
        return self

    def __next__(self):
        item = self.q.get()
        if item is None:
            raise StopIteration
        return item


def expect_code(fn, code, what):
    try:
        fn()
    except grpc.RpcError as e:
        expect(e.code() == code, f"{what}: expected {code}, got {e.code()} ({e.details()!r})")
        return e
    raise Failure(f"{what}: expected {code}, call succeeded")


def empty_unary(stub, channel):
    r = stub.EmptyCall(empty_pb2.Empty())
    expect(r == empty_pb2.Empty(), "response is not Empty")


def large_unary(stub, channel):
    r = stub.UnaryCall(messages_pb2.SimpleRequest(response_size=314159, payload=payload(271828)))
    expect(len(r.payload.body) == 314159, f"body {len(r.payload.body)} bytes")


def client_compressed_unary(stub, channel):
    base = dict(response_size=314159, payload=payload(271828))
    expect_code(
        lambda: stub.UnaryCall(messages_pb2.SimpleRequest(expect_compressed=bool_value(True), **base)),
        grpc.StatusCode.INVALID_ARGUMENT, "uncompressed probe")
    r = stub.UnaryCall(messages_pb2.SimpleRequest(expect_compressed=bool_value(True), **base), compression=grpc.Compression.Gzip)
    expect(len(r.payload.body) == 314159, "compressed call body")
    r = stub.UnaryCall(messages_pb2.SimpleRequest(expect_compressed=bool_value(False), **base))
    expect(len(r.payload.body) == 314159, "uncompressed call body")


def server_compressed_unary(stub, channel):
    for flag in (True, False):
        r = stub.UnaryCall(messages_pb2.SimpleRequest(
            response_compressed=bool_value(flag), response_size=314159, payload=payload(271828)))
        expect(len(r.payload.body) == 314159, f"body with response_compressed={flag}")


def client_streaming(stub, channel):
    reqs = [messages_pb2.StreamingInputCallRequest(payload=payload(n)) for n in (27182, 8, 1828, 45904)]
    r = stub.StreamingInputCall(iter(reqs))
    expect(r.aggregated_payload_size == 74922, f"aggregated {r.aggregated_payload_size}")


def client_compressed_streaming(stub, channel):
    # grpcio's Python client cannot choose compression per message: call B compresses both.
    expect_code(
        lambda: stub.StreamingInputCall(iter([messages_pb2.StreamingInputCallRequest(
            expect_compressed=bool_value(True), payload=payload(27182))])),
        grpc.StatusCode.INVALID_ARGUMENT, "uncompressed probe")
    reqs = [
        messages_pb2.StreamingInputCallRequest(expect_compressed=bool_value(True), payload=payload(27182)),
        messages_pb2.StreamingInputCallRequest(expect_compressed=bool_value(False), payload=payload(45904)),
    ]
    r = stub.StreamingInputCall(iter(reqs), compression=grpc.Compression.Gzip)
    expect(r.aggregated_payload_size == 73086, f"aggregated {r.aggregated_payload_size}")


def server_streaming(stub, channel):
    sizes = (31415, 9, 2653, 58979)
    req = messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=n) for n in sizes])
    got = [len(r.payload.body) for r in stub.StreamingOutputCall(req)]
    expect(got == list(sizes), f"sizes {got}")


def server_compressed_streaming(stub, channel):
    req = messages_pb2.StreamingOutputCallRequest(response_parameters=[
        messages_pb2.ResponseParameters(compressed=bool_value(True), size=31415),
        messages_pb2.ResponseParameters(compressed=bool_value(False), size=92653)])
    got = [len(r.payload.body) for r in stub.StreamingOutputCall(req)]
    expect(got == [31415, 92653], f"sizes {got}")


def ping_pong(stub, channel):
    pipe = Pipe()
    responses = stub.FullDuplexCall(pipe)
    for size, body in ((31415, 27182), (9, 8), (2653, 1828), (58979, 45904)):
        pipe.add(messages_pb2.StreamingOutputCallRequest(
            response_parameters=[messages_pb2.ResponseParameters(size=size)], payload=payload(body)))
        r = next(responses)
        expect(len(r.payload.body) == size, f"response {len(r.payload.body)} != {size}")
    pipe.close()
    expect(next(responses, None) is None, "extra response")


def empty_stream(stub, channel):
    got = list(stub.FullDuplexCall(iter([])))
    expect(got == [], f"{len(got)} responses")


def custom_metadata(stub, channel):
    md = ((INITIAL_KEY, "test_initial_metadata_value"), (TRAILING_KEY, b"\xab\xab\xab"))

    def check(initial, trailing, what):
        i, t = dict(initial), dict(trailing)
        expect(i.get(INITIAL_KEY) == "test_initial_metadata_value", f"{what}: initial {i}")
        expect(t.get(TRAILING_KEY) == b"\xab\xab\xab", f"{what}: trailing {t}")

    r, call = stub.UnaryCall.with_call(
        messages_pb2.SimpleRequest(response_size=314159, payload=payload(271828)), metadata=md)
    expect(len(r.payload.body) == 314159, "unary body")
    check(call.initial_metadata(), call.trailing_metadata(), "unary")
    pipe = Pipe()
    responses = stub.FullDuplexCall(pipe, metadata=md)
    pipe.add(messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=314159)], payload=payload(271828)))
    pipe.close()
    got = [len(x.payload.body) for x in responses]
    expect(got == [314159], f"bidi sizes {got}")
    check(responses.initial_metadata(), responses.trailing_metadata(), "bidi")


def status_code_and_message(stub, channel):
    status = messages_pb2.EchoStatus(code=2, message="test status message")
    e = expect_code(lambda: stub.UnaryCall(messages_pb2.SimpleRequest(response_status=status)),
                    grpc.StatusCode.UNKNOWN, "unary")
    expect(e.details() == "test status message", f"unary message {e.details()!r}")

    def bidi():
        list(stub.FullDuplexCall(iter([messages_pb2.StreamingOutputCallRequest(response_status=status)])))
    e = expect_code(bidi, grpc.StatusCode.UNKNOWN, "bidi")
    expect(e.details() == "test status message", f"bidi message {e.details()!r}")


def special_status_message(stub, channel):
    status = messages_pb2.EchoStatus(code=2, message=SPECIAL)
    e = expect_code(lambda: stub.UnaryCall(messages_pb2.SimpleRequest(response_status=status)),
                    grpc.StatusCode.UNKNOWN, "unary")
    expect(e.details() == SPECIAL, f"message {e.details()!r}")


def unimplemented_method(stub, channel):
    call = channel.unary_unary("/grpc.testing.TestService/UnimplementedCall",
                               request_serializer=empty_pb2.Empty.SerializeToString,
                               response_deserializer=empty_pb2.Empty.FromString)
    expect_code(lambda: call(empty_pb2.Empty()), grpc.StatusCode.UNIMPLEMENTED, "UnimplementedCall")


def unimplemented_service(stub, channel):
    s = test_pb2_grpc.UnimplementedServiceStub(channel)
    expect_code(lambda: s.UnimplementedCall(empty_pb2.Empty()), grpc.StatusCode.UNIMPLEMENTED, "UnimplementedService")


def cancel_after_begin(stub, channel):
    pipe = Pipe()
    future = stub.StreamingInputCall.future(pipe)
    future.cancel()
    expect(future.cancelled(), "future not cancelled")
    expect(future.code() == grpc.StatusCode.CANCELLED, f"code {future.code()}")
    pipe.close()


def cancel_after_first_response(stub, channel):
    pipe = Pipe()
    responses = stub.FullDuplexCall(pipe)
    pipe.add(messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=31415)], payload=payload(27182)))
    r = next(responses)
    expect(len(r.payload.body) == 31415, "first response size")
    responses.cancel()
    try:
        next(responses)
    except grpc.RpcError as e:
        expect(e.code() == grpc.StatusCode.CANCELLED, f"code {e.code()}")
    else:
        raise Failure("call went on after cancel")
    pipe.close()


def timeout_on_sleeping_server(stub, channel):
    pipe = Pipe()
    responses = stub.FullDuplexCall(pipe, timeout=0.001)
    pipe.add(messages_pb2.StreamingOutputCallRequest(payload=payload(27182)))
    try:
        next(responses)
    except grpc.RpcError as e:
        expect(e.code() == grpc.StatusCode.DEADLINE_EXCEEDED, f"code {e.code()}")
    else:
        raise Failure("got a response")
    pipe.close()


CASES = [
    empty_unary, large_unary, client_compressed_unary, server_compressed_unary, client_streaming,
    client_compressed_streaming, server_streaming, server_compressed_streaming, ping_pong, empty_stream,
    custom_metadata, status_code_and_message, special_status_message, unimplemented_method,
    unimplemented_service, cancel_after_begin, cancel_after_first_response, timeout_on_sleeping_server,
]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def open_channel(args):
    """The channel the flags describe: plaintext or TLS (optionally with a client certificate), to
    host:port or to the `--target` given (`unix:PATH` included)."""
    target = args.target or f"{args.server_host}:{args.server_port}"
    if not is_true(args.use_tls):
        return grpc.insecure_channel(target)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(args.ca_file) if args.ca_file else None,
        private_key=read(args.tls_key_file) if args.tls_key_file else None,
        certificate_chain=read(args.tls_cert_file) if args.tls_cert_file else None,
    )
    options = [("grpc.ssl_target_name_override", args.server_host_override)] if args.server_host_override else []
    return grpc.secure_channel(target, credentials, options=options)


def is_true(flag):
    return flag.lower() in ("true", "1", "yes")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server_host", default="127.0.0.1")
    parser.add_argument("--server_port", type=int, default=0)
    parser.add_argument("--target", help="a gRPC target (unix:PATH, dns:///host:port); overrides host and port")
    parser.add_argument("--test_case", default="all")
    parser.add_argument("--use_tls", default="false")
    parser.add_argument("--ca_file", help="PEM roots to trust (default: the system's)")
    parser.add_argument("--server_host_override", help="the name to verify in the server's certificate")
    parser.add_argument("--tls_cert_file", help="client certificate chain (PEM), for mutual TLS")
    parser.add_argument("--tls_key_file", help="client private key (PEM), for mutual TLS")
    args = parser.parse_args()
    if not args.target and not args.server_port:
        sys.exit("--server_port or --target is required")
    by_name = {c.__name__: c for c in CASES}
    selected = CASES if args.test_case == "all" else [by_name.get(args.test_case)]
    if selected == [None]:
        sys.exit(f"unknown test case {args.test_case}")
    failed = 0
    with open_channel(args) as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        stub = test_pb2_grpc.TestServiceStub(channel)
        for case in selected:
            try:
                case(stub, channel)
                print(f"PASS {case.__name__}", flush=True)
            except Exception as e:  # noqa: BLE001 — any failure is reported as this case's
                failed += 1
                print(f"FAIL {case.__name__}: {type(e).__name__}: {e}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
