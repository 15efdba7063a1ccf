#!/usr/bin/env bash
# The codec micro-benchmark: encode/decode of the codec anchors (Order and Small) with ProtoWire and with
# swift-protobuf 1.39 in one run (release build), printed as a table beside published figures for
# C++ and Go. Times are thread CPU time per message; allocations per message are counted exactly.
# Then the large-message cases (one 1 MiB / 16 MiB bytes field, one 1 MiB ASCII string) and, as
# their reference, python protobuf (upb) timed the same way on the same machine right after.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
swift build -c release --product codec-bench 2>&1 | grep -E 'error|warning: |Compiling|Build complete' || true
.build/release/codec-bench "$@"
echo
python3 -c "$(cat <<'PYTHON'
import time
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.internal import api_implementation

f = descriptor_pb2.FileDescriptorProto(name="large.proto", package="codec", syntax="proto3")
for name, kind in (("Blob", descriptor_pb2.FieldDescriptorProto.TYPE_BYTES),
                   ("Text", descriptor_pb2.FieldDescriptorProto.TYPE_STRING)):
    m = f.message_type.add(name=name)
    m.field.add(name="data" if name == "Blob" else "text", number=1, type=kind,
                label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
pool = descriptor_pool.DescriptorPool()
pool.Add(f)
Blob = message_factory.GetMessageClass(pool.FindMessageTypeByName("codec.Blob"))
Text = message_factory.GetMessageClass(pool.FindMessageTypeByName("codec.Text"))

def large_bytes(n):  # the same sequence as codec-bench's largeBytes
    x, out = 12345, bytearray(n)
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out[i] = (x >> 16) & 0xFF
    return bytes(out)

b1 = large_bytes(1 << 20)
cases = [("bytes 1 MiB", 1 << 20, Blob(data=b1).SerializeToString(), Blob),
         ("bytes 16 MiB", 16 << 20, Blob(data=b1 * 16).SerializeToString(), Blob),
         ("string 1 MiB (ASCII)", 1 << 20, Text(text=bytes(0x20 + c % 95 for c in b1).decode()).SerializeToString(), Text)]

def measure(body, minimum=0.3, repeats=5):
    n = 1
    while True:
        t0 = time.thread_time_ns()
        for _ in range(n): body()
        if time.thread_time_ns() - t0 >= minimum * 1e9 / 4: break
        n *= 2
    n *= 4
    times = []
    for _ in range(repeats):
        t0 = time.thread_time_ns()
        for _ in range(n): body()
        times.append((time.thread_time_ns() - t0) / n)
    return sorted(times)[repeats // 2]

print(f"python protobuf {api_implementation.Type()} (thread CPU time, median of 5 runs of >= 0.3 s):")
print("| message | decode µs | encode µs | decode + re-encode µs | decode GB/s | encode GB/s |")
print("|---|---:|---:|---:|---:|---:|")
for name, size, wire, cls in cases:
    msg = cls.FromString(wire)
    dec = measure(lambda: cls.FromString(wire))
    enc = measure(lambda: msg.SerializeToString())
    both = measure(lambda: cls.FromString(wire).SerializeToString())
    print(f"| {name} | {dec / 1000:.1f} | {enc / 1000:.1f} | {both / 1000:.1f} | {size / dec:.1f} | {size / enc:.1f} |")
PYTHON
)"
