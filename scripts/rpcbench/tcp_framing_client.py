"""An independent client of rpcbench's raw-TCP framing (4-byte big-endian length + payload, echoed;
a length with the top bit set, 0x8000000C, asks for a download of COUNT messages of SIZE bytes).
Usage: tcp_framing_client.py PORT. Exits non-zero, saying what differed, if the server is wrong."""
import os
import socket
import struct
import sys


def read_exact(sock, n):
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            sys.exit(f"tcp: server closed after {len(data)} of {n} bytes")
        data += chunk
    return bytes(data)


def main():
    port = int(sys.argv[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    # Echoes of several sizes, pipelined: all sent before any reply is read.
    payloads = [os.urandom(n) for n in (0, 1, 16, 4096, 100_000, 1 << 20)]
    sock.sendall(b"".join(struct.pack(">I", len(p)) + p for p in payloads))
    for p in payloads:
        (length,) = struct.unpack(">I", read_exact(sock, 4))
        if length != len(p):
            sys.exit(f"tcp: echo of {len(p)} bytes came back as {length}")
        if read_exact(sock, length) != p:
            sys.exit(f"tcp: echo of {len(p)} bytes differs")
    # A download, then an echo behind it on the same connection: order is kept.
    sock.sendall(struct.pack(">IIQ", 0x8000000C, 65536, 20) + struct.pack(">I", 3) + b"end")
    for i in range(20):
        (length,) = struct.unpack(">I", read_exact(sock, 4))
        if length != 65536:
            sys.exit(f"tcp: download message {i} has {length} bytes, asked for 65536")
        read_exact(sock, length)
    if read_exact(sock, 7) != struct.pack(">I", 3) + b"end":
        sys.exit("tcp: the echo queued behind the download is wrong")
    # A length over the limit (what an HTTP/2 preface looks like) makes the server hang up.
    sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    if sock.recv(1) != b"":
        sys.exit("tcp: the server answered an HTTP/2 preface instead of closing")
    print("tcp framing: echo (6 sizes, pipelined), download + queued echo, and bad length all as specified")


main()
