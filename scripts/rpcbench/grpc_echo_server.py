"""bench.Echo in python grpcio: another stack's server for `rpcbench load --proto grpc` to drive.
Prints `grpcio listening on 127.0.0.1:PORT` and serves until killed."""
import os
import signal
import time
from concurrent import futures

import grpc

from bench_stubs import load

bench_pb2, bench_pb2_grpc = load()


class Echo(bench_pb2_grpc.EchoServicer):
    def Unary(self, request, context):
        return bench_pb2.Payload(body=request.body)

    def PingPong(self, request_iterator, context):
        for message in request_iterator:
            yield bench_pb2.Payload(body=message.body)

    def Download(self, request, context):
        payload = bench_pb2.Payload(body=b"\x5a" * request.message_size)
        for _ in range(request.count):
            yield payload


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    bench_pb2_grpc.add_EchoServicer_to_server(Echo(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"grpcio listening on 127.0.0.1:{port}", flush=True)
    # grpc's worker threads keep a process alive through sys.exit(): leave at once on SIGTERM/SIGINT.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    while True:  # sleep, unlike wait_for_termination(), lets the signal handlers run
        time.sleep(0.5)


main()
