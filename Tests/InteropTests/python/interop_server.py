"""grpcio's side of the interop tests: grpc.testing.TestService served by Python grpcio.

Usage: interop_server.py --port P   (binds 127.0.0.1; serves until SIGTERM/SIGINT)
Prints "listening on P" once it accepts calls.
"""
import argparse
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

import interop_protos

empty_pb2, messages_pb2, test_pb2, test_pb2_grpc = interop_protos.load()

INITIAL_KEY = "x-grpc-test-echo-initial"
TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
CODES = {c.value[0]: c for c in grpc.StatusCode}


def echo_metadata(context):
    md = dict(context.invocation_metadata())
    if INITIAL_KEY in md:
        context.send_initial_metadata(((INITIAL_KEY, md[INITIAL_KEY]),))
    if TRAILING_KEY in md:
        context.set_trailing_metadata(((TRAILING_KEY, md[TRAILING_KEY]),))


def echo_status(request, context):
    """Returns True when the request asked for a status (the caller then stops)."""
    if request.HasField("response_status") and request.response_status.code != 0:
        context.set_code(CODES.get(request.response_status.code, grpc.StatusCode.UNKNOWN))
        context.set_details(request.response_status.message)
        return True
    return False


def payload(size):
    return messages_pb2.Payload(body=b"\x00" * size)


class TestService(test_pb2_grpc.TestServiceServicer):
    def EmptyCall(self, request, context):
        return empty_pb2.Empty()

    def UnaryCall(self, request, context):
        # grpcio's Python server cannot see whether a request message arrived compressed, so
        # expect_compressed is not checked here (as in grpc's own Python interop server).
        echo_metadata(context)
        if echo_status(request, context):
            return messages_pb2.SimpleResponse()
        if request.HasField("response_compressed"):
            context.set_compression(grpc.Compression.Gzip if request.response_compressed.value else grpc.Compression.NoCompression)
        return messages_pb2.SimpleResponse(payload=payload(request.response_size))

    def StreamingOutputCall(self, request, context):
        if echo_status(request, context):
            return
        context.set_compression(grpc.Compression.Gzip)
        for p in request.response_parameters:
            if p.interval_us:
                time.sleep(p.interval_us / 1e6)
            if not (p.HasField("compressed") and p.compressed.value):
                context.disable_next_message_compression()
            yield messages_pb2.StreamingOutputCallResponse(payload=payload(p.size))

    def StreamingInputCall(self, request_iterator, context):
        total = sum(len(r.payload.body) for r in request_iterator)
        return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=total)

    def FullDuplexCall(self, request_iterator, context):
        echo_metadata(context)
        for request in request_iterator:
            if echo_status(request, context):
                return
            for p in request.response_parameters:
                if p.interval_us:
                    time.sleep(p.interval_us / 1e6)
                yield messages_pb2.StreamingOutputCallResponse(payload=payload(p.size))

    def HalfDuplexCall(self, request_iterator, context):
        requests = list(request_iterator)
        for request in requests:
            for p in request.response_parameters:
                yield messages_pb2.StreamingOutputCallResponse(payload=payload(p.size))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--use_tls", default="false")
    parser.add_argument("--tls_cert_file", help="server certificate chain (PEM)")
    parser.add_argument("--tls_key_file", help="server private key (PEM)")
    parser.add_argument("--tls_client_ca_file", help="CA bundle (PEM) that client certificates must chain to")
    parser.add_argument("--require_client_cert", action="store_true")
    parser.add_argument("--unix_socket", help="listen on this Unix-domain socket path instead of a port")
    args = parser.parse_args()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    test_pb2_grpc.add_TestServiceServicer_to_server(TestService(), server)
    address = f"unix:{args.unix_socket}" if args.unix_socket else f"{args.host}:{args.port}"
    if args.use_tls.lower() in ("true", "1", "yes"):
        credentials = grpc.ssl_server_credentials(
            [(read(args.tls_key_file), read(args.tls_cert_file))],
            root_certificates=read(args.tls_client_ca_file) if args.tls_client_ca_file else None,
            require_client_auth=args.require_client_cert,
        )
        port = server.add_secure_port(address, credentials)
    else:
        port = server.add_insecure_port(address)
    if port == 0 and not args.unix_socket:
        sys.exit(f"cannot bind {address}")
    server.start()
    print(f"listening on {port}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    server.stop(grace=2).wait()


if __name__ == "__main__":
    main()
