"""A python grpcio client of bench.Echo: checks another server (rpcbench's) byte for byte.
Usage: grpc_echo_client.py PORT. Exits non-zero, saying what differed."""
import os
import sys

import grpc

from bench_stubs import load

bench_pb2, bench_pb2_grpc = load()


def main():
    port = int(sys.argv[1])
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        stub = bench_pb2_grpc.EchoStub(channel)
        for size in (0, 1, 16, 4096, 100_000, 1 << 20):
            body = os.urandom(size)
            reply = stub.Unary(bench_pb2.Payload(body=body), timeout=10)
            if reply.body != body:
                sys.exit(f"grpc: Unary echo of {size} bytes differs ({len(reply.body)} bytes back)")
        bodies = [os.urandom(n) for n in (16, 0, 3000, 70_000, 16)]
        replies = list(stub.PingPong(iter(bench_pb2.Payload(body=b) for b in bodies), timeout=10))
        if [r.body for r in replies] != bodies:
            sys.exit(f"grpc: PingPong echoed {len(replies)} messages, not the {len(bodies)} sent in order")
        received = list(stub.Download(bench_pb2.DownloadRequest(message_size=65536, count=20), timeout=10))
        if len(received) != 20 or any(len(m.body) != 65536 for m in received):
            sys.exit(f"grpc: Download sent {len(received)} messages of sizes {sorted({len(m.body) for m in received})}")
        try:
            channel.unary_unary("/bench.Echo/Nope")(b"", timeout=10)
            sys.exit("grpc: an unknown method succeeded")
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.UNIMPLEMENTED:
                sys.exit(f"grpc: an unknown method gave {e.code()}, not UNIMPLEMENTED")
    print("grpcio client: Unary (6 sizes), PingPong (5 messages in order), Download (20 x 64 KiB), UNIMPLEMENTED: all as specified")


main()
