"""Writes FuzzTesting/Seeds-H2Session: client frame sequences (after the connection preface, which the
fuzz target adds) in the layout FuzzH2Session reads: a read-size byte, then the frames. They cover every
frame type a client sends — SETTINGS, HEADERS with and without CONTINUATION, DATA, WINDOW_UPDATE, PING,
PRIORITY, RST_STREAM, GOAWAY — so that the fuzzer starts from conversations the server accepts.
The seeds are committed."""
import os
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def literal(name, value, indexing=False):
    name, value = name.encode(), value.encode()
    return (b"\x40" if indexing else b"\x00") + bytes([len(name)]) + name + bytes([len(value)]) + value


settings = frame(4, 0, 0, struct.pack(">HI", 4, 1 << 20) + struct.pack(">HI", 3, 100))
ack = frame(4, 1, 0)
get = (b"\x82\x86\x84" + literal(":authority", "localhost"))  # :method GET, :scheme http, :path /
post = literal(":method", "POST") + literal(":scheme", "http") + literal(":path", "/echo") \
    + literal(":authority", "localhost") + literal("content-type", "application/grpc") + literal("te", "trailers") \
    + literal("x-indexed", "v" * 40, indexing=True)
seeds = {
    "get": settings + ack + frame(1, 0x5, 1, get),
    "post-with-data": settings + ack + frame(1, 0x4, 1, post) + frame(0, 0, 1, b"\x00\x00\x00\x00\x03abc")
    + frame(0, 1, 1, b""),
    "continuation": settings + frame(1, 0x1, 1, post[:20]) + frame(9, 0, 1, post[20:50]) + frame(9, 0x4, 1, post[50:]),
    "two-streams-reset": settings + frame(1, 0x4, 1, post) + frame(1, 0x5, 3, get) + frame(3, 0, 1, struct.pack(">I", 8)),
    "window-ping-priority": settings + frame(8, 0, 0, struct.pack(">I", 1 << 20)) + frame(6, 0, 0, b"12345678")
    + frame(2, 0, 1, struct.pack(">IB", 0, 15)) + frame(1, 0x5, 1, get) + frame(8, 0, 1, struct.pack(">I", 100)),
    "padded-headers": settings + frame(1, 0x5 | 0x8, 1, bytes([4]) + get + b"\x00" * 4),
    "goaway": settings + frame(1, 0x5, 1, get) + frame(7, 0, 0, struct.pack(">II", 1, 0)),
    "small-reads": settings + frame(1, 0x5, 1, get),
}
for name, data in seeds.items():
    read_size = 6 if name == "small-reads" else 255
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes([read_size]) + data)
print(f"{len(seeds)} seeds in {out}")
