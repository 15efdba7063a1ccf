// wiretest2.WithGroups of Fixtures/groups.proto, hand-written in the generated shape: the group
// fields use ProtoWire's group helpers (readGroup / writeGroup / ProtoSize.group).
import ProtoWire

struct Wiretest2_WithGroups: ProtoMessage {
    struct G: ProtoMessage {
        struct Inner: ProtoMessage {
            var s: String?
            var unknownFields = ProtoUnknownFields()

            func encodedSize() -> Int {
                ProtoSize.unknown(unknownFields) + ProtoSize.ifPresent(ProtoString.self, s, field: 5)
            }
            func encode(to writer: inout ProtoWriter) {
                writer.writeIfPresent(ProtoString.self, s, field: 5)
                writer.writeUnknown(unknownFields)
            }
            mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
                while let field = try reader.nextField(unknown: &unknownFields) {
                    switch field.number {
                    case 5: try reader.read(ProtoString.self, field, into: &s)
                    default: break
                    }
                }
            }
        }

        var x: Int32?
        var inner: Inner?
        var plain: Wiretest2_Plain?
        var unknownFields = ProtoUnknownFields()

        func encodedSize() -> Int {
            ProtoSize.unknown(unknownFields) + ProtoSize.ifPresent(ProtoInt32.self, x, field: 3)
                + ProtoSize.groupIfPresent(inner, field: 4)
                + ProtoSize.ifPresent(ProtoMessageType<Wiretest2_Plain>.self, plain, field: 9)
        }
        func encode(to writer: inout ProtoWriter) {
            writer.writeIfPresent(ProtoInt32.self, x, field: 3)
            writer.writeGroupIfPresent(inner, field: 4)
            writer.writeIfPresent(ProtoMessageType<Wiretest2_Plain>.self, plain, field: 9)
            writer.writeUnknown(unknownFields)
        }
        mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
            while let field = try reader.nextField(unknown: &unknownFields) {
                switch field.number {
                case 3: try reader.read(ProtoInt32.self, field, into: &x)
                case 4: try reader.readGroup(field, into: &inner)
                case 9: try reader.read(ProtoMessageType<Wiretest2_Plain>.self, field, into: &plain)
                default: break
                }
            }
        }
    }

    struct R: ProtoMessage {
        var y: UInt64?
        var unknownFields = ProtoUnknownFields()

        func encodedSize() -> Int {
            ProtoSize.unknown(unknownFields) + ProtoSize.ifPresent(ProtoFixed64.self, y, field: 7)
        }
        func encode(to writer: inout ProtoWriter) {
            writer.writeIfPresent(ProtoFixed64.self, y, field: 7)
            writer.writeUnknown(unknownFields)
        }
        mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
            while let field = try reader.nextField(unknown: &unknownFields) {
                switch field.number {
                case 7: try reader.read(ProtoFixed64.self, field, into: &y)
                default: break
                }
            }
        }
    }

    /// A oneof holding a group, as generated code declares one (groups.proto has none; the
    /// tests build its bytes by hand).
    enum Choice: Sendable, Hashable {
        case g(G)
    }

    var fInt32: Int32?
    var g: G?
    var r: [R] = []
    var tail: [UInt8]?
    var unknownFields = ProtoUnknownFields()

    func encodedSize() -> Int {
        ProtoSize.unknown(unknownFields) + ProtoSize.ifPresent(ProtoInt32.self, fInt32, field: 1)
            + ProtoSize.groupIfPresent(g, field: 2) + ProtoSize.repeatedGroup(r, field: 6)
            + ProtoSize.ifPresent(ProtoBytes.self, tail, field: 8)
    }
    func encode(to writer: inout ProtoWriter) {
        writer.writeIfPresent(ProtoInt32.self, fInt32, field: 1)
        writer.writeGroupIfPresent(g, field: 2)
        writer.writeRepeatedGroup(r, field: 6)
        writer.writeIfPresent(ProtoBytes.self, tail, field: 8)
        writer.writeUnknown(unknownFields)
    }
    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 1: try reader.read(ProtoInt32.self, field, into: &fInt32)
            case 2: try reader.readGroup(field, into: &g)
            case 6: try reader.readRepeatedGroup(field, into: &r)
            case 8: try reader.read(ProtoBytes.self, field, into: &tail)
            default: break
            }
        }
    }
}

/// Field 2 of WithGroups as a oneof member: the oneof form of the group read helper.
struct Wiretest2_GroupInOneof: ProtoMessage {
    var choice: Wiretest2_WithGroups.Choice?
    var unknownFields = ProtoUnknownFields()

    func encodedSize() -> Int {
        var size = ProtoSize.unknown(unknownFields)
        switch choice {
        case .g(let value)?: size += ProtoSize.group(value, field: 2)
        case nil: break
        }
        return size
    }
    func encode(to writer: inout ProtoWriter) {
        switch choice {
        case .g(let value)?: writer.writeGroup(value, field: 2)
        case nil: break
        }
        writer.writeUnknown(unknownFields)
    }
    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 2:
                try reader.readGroup(
                    field, into: &choice, as: Wiretest2_WithGroups.Choice.g,
                    current: { if case .g(let value) = $0 { value } else { nil } })
            default: break
            }
        }
    }
}

/// wiretest2.Plain: a length-delimited message that a group (WithGroups.G.plain) holds.
struct Wiretest2_Plain: ProtoMessage {
    var v: Int32?
    var unknownFields = ProtoUnknownFields()

    func encodedSize() -> Int { ProtoSize.unknown(unknownFields) + ProtoSize.ifPresent(ProtoInt32.self, v, field: 1) }
    func encode(to writer: inout ProtoWriter) {
        writer.writeIfPresent(ProtoInt32.self, v, field: 1)
        writer.writeUnknown(unknownFields)
    }
    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 1: try reader.read(ProtoInt32.self, field, into: &v)
            default: break
            }
        }
    }
}
