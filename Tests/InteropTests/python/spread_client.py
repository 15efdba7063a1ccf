"""Counts which replica answers each unary call made through one target (a proxy or a load balancer).

Usage: spread_client.py --target HOST:PORT --calls N --servers ID,ID,ID [--tolerance 0.10]
Each call sets fill_server_id; the script prints the count per server_id and exits non-zero when a
listed server is missing or one's share is more than `tolerance` away from an even split.
"""
import argparse
import collections
import sys

import grpc

import interop_protos

empty_pb2, messages_pb2, test_pb2, test_pb2_grpc = interop_protos.load()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--servers", required=True, help="comma-separated server ids expected to answer")
    parser.add_argument("--tolerance", type=float, default=0.10)
    args = parser.parse_args()
    expected = args.servers.split(",")
    counts = collections.Counter()
    with grpc.insecure_channel(args.target) as channel:
        stub = test_pb2_grpc.TestServiceStub(channel)
        for _ in range(args.calls):
            reply = stub.UnaryCall(messages_pb2.SimpleRequest(fill_server_id=True), timeout=10)
            counts[reply.server_id] += 1
    even = args.calls / len(expected)
    print("calls per server: " + ", ".join(f"{sid}={counts[sid]}" for sid in expected))
    unknown = set(counts) - set(expected)
    if unknown:
        print(f"FAIL: answers from unexpected servers {sorted(unknown)}")
        return 1
    for sid in expected:
        if abs(counts[sid] - even) > args.tolerance * even:
            print(f"FAIL: {sid} answered {counts[sid]} of {args.calls} calls; an even split is {even:.0f} "
                  f"(tolerance {args.tolerance:.0%})")
            return 1
    print(f"PASS: {args.calls} calls spread within {args.tolerance:.0%} across {len(expected)} servers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
