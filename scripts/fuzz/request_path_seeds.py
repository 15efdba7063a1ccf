"""Writes FuzzTesting/Seeds-RequestPath: well-formed gRPC requests in the layout that
RequestPathFuzzing.run reads (header count, length-prefixed names and values, chunk size, DATA),
so that the fuzzer starts from requests the server accepts: identity, gzip and deflate messages,
timeouts, binary metadata, several messages split across chunks. The seeds are committed."""
import os
import struct
import sys
import zlib

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def field(name, value):
    name, value = name.encode(), value.encode()
    return bytes([len(name)]) + name + bytes([len(value)]) + value


def request(headers, data, chunk=255):
    return bytes([len(headers)]) + b"".join(field(n, v) for n, v in headers) + bytes([chunk]) + data


def message(payload, compressed=False):
    return bytes([1 if compressed else 0]) + struct.pack(">I", len(payload)) + payload


base = [(":method", "POST"), (":scheme", "http"), (":path", "/bench.Echo/Unary"), (":authority", "localhost"),
        ("content-type", "application/grpc"), ("te", "trailers")]
gzip = zlib.compressobj(wbits=31)
gz = gzip.compress(b"\x0a\x05hello" * 20) + gzip.flush()
deflate = zlib.compress(b"\x0a\x05hello" * 20)
seeds = {
    "identity": request(base, message(b"\x0a\x05hello")),
    "empty-message": request(base, message(b"")),
    "two-messages-small-chunks": request(base, message(b"\x0a\x01a") + message(b"\x0a\x02bc"), chunk=2),
    "gzip": request(base + [("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip,deflate")], message(gz, True)),
    "deflate": request(base + [("grpc-encoding", "deflate")], message(deflate, True)),
    "timeout-and-metadata": request(base + [("grpc-timeout", "1500m"), ("x-trace-bin", "AAEC, AwQ="),
                                            ("x-user", "alice")], message(b"\x0a\x00")),
    "content-subtype": request(base[:4] + [("content-type", "application/grpc+proto"), ("te", "trailers")],
                               message(b"")),
    "truncated": request(base, message(b"\x0a\x05hello")[:-2]),
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {out}")
