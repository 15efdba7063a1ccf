"""Python protobuf (upb) as the independent codec in ProtoWire's tests.

Messages are built at run time from a descriptor set that protoc wrote, so no generated code ties
this script to a protoc version.

  pyproto.py roundtrip DESCRIPTOR_SET MESSAGE   stdin: messages, each prefixed by a varint length;
                                                stdout: each parsed by python and re-serialized
                                                deterministically (maps sorted by key), same framing.
  pyproto.py encode-text DESCRIPTOR_SET MESSAGE stdin: text format; stdout: deterministic bytes.
  pyproto.py check DESCRIPTOR_SET MESSAGE       stdin: framed messages; stdout: one line per message,
                                                "ok" or "error: <python's reason>".
  pyproto.py large DESCRIPTOR_SET wiretest.TestAll  stdin: sizes, one per line; stdout: for each size n,
                                                two framed messages built by python: f_string = ascii(n)
                                                and f_bytes = pattern(n), then f_string = mixed(n)
                                                (the patterns below; LargeFieldTests builds the same).
Exit status 1 with a message on stderr when python cannot parse an input.
"""
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format


def message_class(descriptor_set, name):
    fds = descriptor_pb2.FileDescriptorSet()
    with open(descriptor_set, "rb") as f:
        fds.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:
        pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(name))


def read_varint(data, pos):
    shift = result = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def write_varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def large_ascii(n):
    return "".join(chr(0x20 + (i * 7) % 95) for i in range(n))


def large_bytes(n):
    return bytes((i * 7 + 3) & 0xFF for i in range(n))


def large_mixed(n):
    # 1-, 2-, 3- and 4-byte sequences (10 bytes a round), padded with ASCII to exactly n bytes.
    return "a\u00e9\u4e2d\U0001f389" * (n // 10) + "x" * (n % 10)


def main():
    mode, descriptor_set, name = sys.argv[1:4]
    cls = message_class(descriptor_set, name)
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    if mode == "large":
        for n in map(int, data.split()):
            for msg in (cls(f_string=large_ascii(n), f_bytes=large_bytes(n)), cls(f_string=large_mixed(n))):
                encoded = msg.SerializeToString(deterministic=True)
                out.write(write_varint(len(encoded)) + encoded)
        return
    if mode == "encode-text":
        msg = text_format.Parse(data.decode("utf-8"), cls())
        out.write(msg.SerializeToString(deterministic=True))
        return
    pos = index = 0
    while pos < len(data):
        n, pos = read_varint(data, pos)
        msg = cls()
        if mode == "check":
            try:
                msg.ParseFromString(data[pos:pos + n])
                out.write(b"ok\n")
            except Exception as e:
                out.write(("error: " + str(e).replace("\n", " ") + "\n").encode())
            pos += n
            continue
        try:
            msg.ParseFromString(data[pos:pos + n])
        except Exception as e:  # report which input python rejected
            sys.exit(f"message {index}: python could not parse it: {e}")
        pos += n
        index += 1
        encoded = msg.SerializeToString(deterministic=True)
        out.write(write_varint(len(encoded)) + encoded)


main()
