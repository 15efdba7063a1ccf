#!/usr/bin/env python3
"""Round-trip helper for ProtoGenTests, driven by the Swift tests with python protobuf as the
independent implementation. Message classes are built at run time from a FileDescriptorSet that
protoc wrote, so no generated python code is involved.

Records files hold messages as a 4-byte little-endian length followed by the serialized bytes.

  gen DESC TYPE COUNT SEED OUT     random messages (every field kind, unknown enum values for open enums,
                                   records of undeclared numbers for closed enums, which python keeps
                                   as unknown fields)
  check DESC TYPE A B [nounknown]  parse both files; every pair of messages must be equal (with
                                   "nounknown", unknown fields discarded first: JSON has none; and
                                   each Any's value re-serialized deterministically, see normalize)
  reencode DESC TYPE IN OUT        parse each message and serialize it again
  text DESC TYPE IN OUT            each message's text_format.MessageToString, UTF-8, as records
                                   (extensions cleared first: the Swift side keeps them as unknown
                                   fields, which text format does not print)
  tojson DESC TYPE IN OUT [defaults]   each message's json_format.MessageToJson (UTF-8 records); with
                                   "defaults", always_print_fields_with_no_presence
  fromjson DESC TYPE IN OUT        json_format.Parse of each JSON record, serialized
(both JSON commands resolve google.protobuf.Any type URLs in the descriptor set's pool; "gen" fills
an Any with a random message of a type in that pool, see ANY_CANDIDATES)
  defaults DESC TYPE OUT           one message with every field that declares a default set to it
                                   (required fields without one set to their type's zero)
"""
import random
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory, text_format
from google.protobuf.descriptor import FieldDescriptor as FD


def load(desc_path, type_name):
    fds = descriptor_pb2.FileDescriptorSet.FromString(open(desc_path, "rb").read())
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(type_name))


def message_class(pool, full_name):
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(full_name))


# Types a random google.protobuf.Any holds (those the pool has): every well-known type with a special
# JSON form, Empty (no special form), Any itself, and ordinary test messages.
ANY_CANDIDATES = [
    "anyjson.v1.Inner", "anyjson.v1.Holder", "rich.v3.Rich", "google.protobuf.Timestamp", "google.protobuf.Duration",
    "google.protobuf.Int64Value", "google.protobuf.UInt32Value", "google.protobuf.StringValue",
    "google.protobuf.BytesValue", "google.protobuf.FloatValue", "google.protobuf.DoubleValue",
    "google.protobuf.BoolValue", "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue",
    "google.protobuf.FieldMask", "google.protobuf.Empty", "google.protobuf.Any",
]


def has_type(pool, full_name):
    try:
        pool.FindMessageTypeByName(full_name)
        return True
    except KeyError:
        return False


def fill_value(rng, value, depth):
    """A google.protobuf.Value of every kind; numbers finite (JSON has no others)."""
    kinds = ["null", "number", "string", "bool"] + (["struct", "list"] if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "null":
        value.null_value = 0
    elif kind == "number":
        value.number_value = rng.choice([0.0, -1.5, 1e300, 2**53 + 0.0, rng.uniform(-1e9, 1e9)])
    elif kind == "string":
        value.string_value = rand_string(rng)
    elif kind == "bool":
        value.bool_value = rng.random() < 0.5
    elif kind == "struct":
        value.struct_value.SetInParent()  # set even when it stays empty
        fill_struct(rng, value.struct_value, depth + 1)
    else:
        value.list_value.SetInParent()
        fill_list(rng, value.list_value, depth + 1)


def fill_struct(rng, struct, depth):
    for _ in range(rng.randrange(0, 4)):
        fill_value(rng, struct.fields[rand_string(rng)], depth + 1)


def fill_list(rng, lst, depth):
    for _ in range(rng.randrange(0, 4)):
        fill_value(rng, lst.values.add(), depth + 1)


def fill_any(rng, msg, depth):
    pool = msg.DESCRIPTOR.file.pool
    names = [n for n in ANY_CANDIDATES if has_type(pool, n)]
    if depth >= 3:
        names = [n for n in names if n not in ("google.protobuf.Any", "anyjson.v1.Holder", "rich.v3.Rich")]
    name = rng.choice(names)
    inner = message_class(pool, name)()
    fill(rng, inner, depth + 1)
    msg.type_url = rng.choice(["type.googleapis.com/", "example.com/x/y/"]) + name
    msg.value = inner.SerializeToString()


def normalize(msg):
    """Unknown fields discarded and every google.protobuf.Any's value re-serialized deterministically
    (maps sorted by key), recursively: two messages that say the same then serialize to the same bytes."""
    msg.DiscardUnknownFields()
    d = msg.DESCRIPTOR
    if d.full_name == "google.protobuf.Any" and msg.type_url:
        pool = d.file.pool
        inner = message_class(pool, msg.type_url.split("/")[-1])()
        inner.ParseFromString(msg.value)
        normalize(inner)
        msg.value = inner.SerializeToString(deterministic=True)
        return msg
    for f, v in msg.ListFields():
        if not is_message(f):
            continue
        if is_map(f):
            if is_message(f.message_type.fields_by_name["value"]):
                for k in v:
                    normalize(v[k])
        elif is_repeated(f):
            for x in v:
                normalize(x)
        else:
            normalize(v)
    return msg


def read_records(path):
    data = open(path, "rb").read()
    out, i = [], 0
    while i < len(data):
        (n,) = struct.unpack_from("<I", data, i)
        out.append(data[i + 4:i + 4 + n])
        i += 4 + n
    return out


def write_records(path, records):
    with open(path, "wb") as f:
        for r in records:
            f.write(struct.pack("<I", len(r)))
            f.write(r)


def is_repeated(f):
    r = getattr(f, "is_repeated", None)
    return r if r is not None else f.label == FD.LABEL_REPEATED


def is_required(f):
    r = getattr(f, "is_required", None)
    return r if r is not None else f.label == FD.LABEL_REQUIRED


def is_message(f):
    """Messages and proto2 groups (a group is a message written between START/END_GROUP tags)."""
    return f.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP)


def is_map(f):
    return f.type == FD.TYPE_MESSAGE and f.message_type.GetOptions().map_entry


def enum_is_open(enum_type):
    closed = getattr(enum_type, "is_closed", None)
    if closed is not None:
        return not closed
    return enum_type.file.syntax == "proto3"


def rand_string(rng):
    alphabet = ["a", "z", " ", "é", "ß", "中", "\u0000", "\U0001F600", "\n", "\"", "\\"]
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))


INT_EDGES = {
    "i32": [0, 1, -1, 127, 128, 2**31 - 1, -2**31],
    "i64": [0, 1, -1, 2**63 - 1, -2**63, 300],
    "u32": [0, 1, 127, 128, 2**32 - 1],
    "u64": [0, 1, 2**64 - 1, 2**63],
}


def rand_int(rng, kind):
    if rng.random() < 0.5:
        return rng.choice(INT_EDGES[kind])
    lo, hi = {"i32": (-2**31, 2**31 - 1), "i64": (-2**63, 2**63 - 1), "u32": (0, 2**32 - 1), "u64": (0, 2**64 - 1)}[kind]
    bits = rng.choice([7, 14, 28, 35, 63, 64])
    v = rng.getrandbits(bits)
    if lo < 0 and rng.random() < 0.5:
        v = -v
    return max(lo, min(hi, v))


def rand_float32(rng):
    v = rng.choice([0.0, -0.0, 1.5, float("inf"), float("-inf"), rng.uniform(-1e6, 1e6), 3.4e38])
    return struct.unpack("<f", struct.pack("<f", v))[0]


def rand_double(rng):
    return rng.choice([0.0, -0.0, 1e-300, 2.5, float("inf"), float("-inf"), rng.uniform(-1e12, 1e12), 1.7976931348623157e308])


def rand_scalar(rng, f):
    t = f.type
    if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
        return rand_int(rng, "i32")
    if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
        return rand_int(rng, "i64")
    if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
        return rand_int(rng, "u32")
    if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
        return rand_int(rng, "u64")
    if t == FD.TYPE_FLOAT:
        return rand_float32(rng)
    if t == FD.TYPE_DOUBLE:
        return rand_double(rng)
    if t == FD.TYPE_BOOL:
        return rng.random() < 0.5
    if t == FD.TYPE_STRING:
        return rand_string(rng)
    if t == FD.TYPE_BYTES:
        return bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 10)))
    if t == FD.TYPE_ENUM:
        values = [v.number for v in f.enum_type.values]
        if enum_is_open(f.enum_type) and rng.random() < 0.2:
            return rng.choice([99, 12345, -5, 2**31 - 1])
        return rng.choice(values)
    raise ValueError(t)


def fill(rng, msg, depth):
    d = msg.DESCRIPTOR
    if d.full_name == "google.protobuf.Timestamp":
        # Only valid instants have a JSON form.
        msg.seconds = rng.randrange(-62135596800, 253402300800)
        msg.nanos = rng.choice([0, rng.randrange(0, 1000) * 1000000, rng.randrange(0, 10**9)])
        return
    # The other well-known types with JSON forms: only values those forms can hold.
    if d.full_name == "google.protobuf.Duration":
        sign = rng.choice([1, -1])
        msg.seconds = sign * rng.choice([0, 1, 315576000000, rng.randrange(0, 10**9)])
        msg.nanos = sign * rng.choice([0, rng.randrange(0, 1000) * 1000000, rng.randrange(0, 10**9)])
        return
    if d.full_name == "google.protobuf.FieldMask":
        for _ in range(rng.randrange(0, 4)):
            msg.paths.append(rng.choice(["a", "foo_bar", "foo.bar_baz", "x1.y2_z3"]))
        return
    if d.full_name == "google.protobuf.Value":
        fill_value(rng, msg, depth)
        return
    if d.full_name == "google.protobuf.Struct":
        fill_struct(rng, msg, depth)
        return
    if d.full_name == "google.protobuf.ListValue":
        fill_list(rng, msg, depth)
        return
    if d.full_name == "google.protobuf.Any":
        fill_any(rng, msg, depth)
        return
    chosen_oneof = {}
    for o in d.oneofs:
        if getattr(o, "has_presence", True) and len(o.fields) == 1 and o.name.startswith("_"):
            continue  # synthetic oneof of a proto3 `optional` field
        chosen_oneof[o.name] = rng.choice(list(o.fields) + [None])
    for f in d.fields:
        o = f.containing_oneof
        if o is not None and o.name in chosen_oneof:
            if chosen_oneof[o.name] is not f:
                continue
            set_single(rng, msg, f, depth)
            continue
        if is_map(f):
            kf, vf = f.message_type.fields_by_name["key"], f.message_type.fields_by_name["value"]
            for _ in range(rng.randrange(0, 4) if depth < 3 else 0):
                k = rand_scalar(rng, kf)
                m = getattr(msg, f.name)
                if is_message(vf):
                    fill(rng, m[k], depth + 1)
                else:
                    m[k] = rand_scalar(rng, vf)
        elif is_repeated(f):
            for _ in range(rng.randrange(0, 5) if (not is_message(f) or depth < 3) else 0):
                if is_message(f):
                    fill(rng, getattr(msg, f.name).add(), depth + 1)
                else:
                    getattr(msg, f.name).append(rand_scalar(rng, f))
        elif is_required(f) or rng.random() < 0.6:
            set_single(rng, msg, f, depth)
    # Extensions of this message known to the pool (proto2): set some of them too.
    for ext in d.file.pool.FindAllExtensions(d):
        if rng.random() < 0.5:
            continue
        if is_repeated(ext):
            for _ in range(rng.randrange(1, 4)):
                msg.Extensions[ext].append(rand_scalar(rng, ext))
        elif is_message(ext):
            if depth < 3:
                sub = msg.Extensions[ext]
                sub.SetInParent()
                fill(rng, sub, depth + 1)
        else:
            msg.Extensions[ext] = rand_scalar(rng, ext)


def set_single(rng, msg, f, depth):
    if is_message(f):
        if depth < 3:
            sub = getattr(msg, f.name)
            sub.SetInParent()
            fill(rng, sub, depth + 1)
    else:
        setattr(msg, f.name, rand_scalar(rng, f))


def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def tag(number, wire_type):
    return varint(number << 3 | wire_type)


def undeclared(rng, enum_type):
    declared = {v.number for v in enum_type.values}
    return rng.choice([n for n in (0, 3, 4, 99, 12345, -5, 2**31 - 1) if n not in declared])


def closed_enum_records(rng, d, depth):
    """Records that set fields of closed enum type to numbers the enum does not declare (python's
    setters refuse them): singular, unpacked, inside packed runs, map values, oneof members, and the
    same inside nested messages and groups. Parsed by python, they land in unknown fields."""
    out = bytearray()
    for f in d.fields:
        if f.type == FD.TYPE_ENUM and not enum_is_open(f.enum_type) and rng.random() < 0.3:
            if is_repeated(f) and rng.random() < 0.5:
                run = b"".join(varint(rng.choice([undeclared(rng, f.enum_type), f.enum_type.values[0].number]))
                               for _ in range(rng.randrange(1, 4)))
                out += tag(f.number, 2) + varint(len(run)) + run
            else:
                out += tag(f.number, 0) + varint(undeclared(rng, f.enum_type))
        elif is_map(f):
            vf = f.message_type.fields_by_name["value"]
            if vf.type == FD.TYPE_ENUM and not enum_is_open(vf.enum_type) and rng.random() < 0.3:
                kf = f.message_type.fields_by_name["key"]
                key = rand_scalar(rng, kf)
                entry = tag(1, 0) + varint(key) + tag(2, 0) + varint(undeclared(rng, vf.enum_type))
                out += tag(f.number, 2) + varint(len(entry)) + entry
        elif is_message(f) and depth < 3 and rng.random() < 0.3:
            inner = closed_enum_records(rng, f.message_type, depth + 1)
            if inner and f.type == FD.TYPE_GROUP:
                out += tag(f.number, 3) + inner + tag(f.number, 4)
            elif inner:
                out += tag(f.number, 2) + varint(len(inner)) + inner
    return bytes(out)


def main(argv):
    cmd = argv[1]
    if cmd == "gen":
        cls = load(argv[2], argv[3])
        count, seed, out = int(argv[4]), int(argv[5]), argv[6]
        rng = random.Random(seed)
        records = []
        for _ in range(count):
            m = cls()
            fill(rng, m, 0)
            records.append(m.SerializeToString() + closed_enum_records(rng, m.DESCRIPTOR, 0))
        write_records(out, records)
        return 0
    if cmd == "check":
        cls = load(argv[2], argv[3])
        a, b = read_records(argv[4]), read_records(argv[5])
        if len(a) != len(b):
            print("record counts differ: %d vs %d" % (len(a), len(b)))
            return 1
        bad = 0
        for i, (x, y) in enumerate(zip(a, b)):
            mx, my = cls.FromString(x), cls.FromString(y)
            if len(argv) > 6 and argv[6] == "nounknown":
                normalize(mx)
                normalize(my)
            # Equality covers unknown fields (upb compares them); the bytes python writes back
            # must be the same too, unknown fields in the same order.
            if mx != my or mx.SerializeToString(deterministic=True) != my.SerializeToString(deterministic=True):
                bad += 1
                if bad <= 3:
                    print("message %d differs:\n--- original\n%s\n--- after Swift\n%s" % (i, mx, my))
        if bad:
            print("%d of %d messages differ" % (bad, len(a)))
            return 1
        print("%d messages equal" % len(a))
        return 0
    if cmd == "defaults":
        cls = load(argv[2], argv[3])
        m = cls()
        for f in m.DESCRIPTOR.fields:
            if not is_message(f) and not is_repeated(f) and (f.has_default_value or is_required(f)):
                setattr(m, f.name, f.default_value)
        write_records(argv[4], [m.SerializeToString()])
        return 0
    if cmd == "text":
        cls = load(argv[2], argv[3])
        def clear_extensions(m):
            for f, v in m.ListFields():
                if f.is_extension:
                    m.ClearExtension(f)
                elif is_message(f) and is_repeated(f) and not (f.message_type.GetOptions().map_entry):
                    for x in v:
                        clear_extensions(x)
                elif is_message(f) and not is_repeated(f):
                    clear_extensions(v)
            return m

        write_records(argv[5], [text_format.MessageToString(clear_extensions(cls.FromString(r))).encode()
                                for r in read_records(argv[4])])
        return 0
    if cmd == "tojson":
        cls = load(argv[2], argv[3])
        defaults = len(argv) > 6 and argv[6] == "defaults"
        pool = cls.DESCRIPTOR.file.pool
        write_records(argv[5], [json_format.MessageToJson(cls.FromString(r), always_print_fields_with_no_presence=defaults,
                                                          descriptor_pool=pool).encode()
                                for r in read_records(argv[4])])
        return 0
    if cmd == "fromjson":
        cls = load(argv[2], argv[3])
        pool = cls.DESCRIPTOR.file.pool
        write_records(argv[5], [json_format.Parse(r.decode(), cls(), descriptor_pool=pool).SerializeToString()
                                for r in read_records(argv[4])])
        return 0
    if cmd == "reencode":
        cls = load(argv[2], argv[3])
        write_records(argv[5], [cls.FromString(r).SerializeToString() for r in read_records(argv[4])])
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
