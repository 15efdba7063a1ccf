// Hand-written equivalents of Fixtures/anchors/codec.proto (package codec), in the shape the
// generator emits: the codec benchmark and the anchor tests use them until generated code exists.
import ProtoWire

enum Codec_Status: ProtoEnum {
    case unspecified, pending, shipped, delivered, cancelled
    case unrecognized(Int32)

    init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .pending
        case 2: self = .shipped
        case 3: self = .delivered
        case 4: self = .cancelled
        default: self = .unrecognized(rawValue)
        }
    }

    var rawValue: Int32 {
        switch self {
        case .unspecified: 0
        case .pending: 1
        case .shipped: 2
        case .delivered: 3
        case .cancelled: 4
        case .unrecognized(let v): v
        }
    }
}

struct Codec_Stamp: ProtoMessage {
    var seconds: Int64 = 0
    var nanos: Int32 = 0
    var unknownFields = ProtoUnknownFields()

    func encodedSize() -> Int {
        ProtoSize.nonDefault(ProtoInt64.self, seconds, field: 1)
            + ProtoSize.nonDefault(ProtoInt32.self, nanos, field: 2)
            + ProtoSize.unknown(unknownFields)
    }

    func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoInt64.self, seconds, field: 1)
        writer.writeNonDefault(ProtoInt32.self, nanos, field: 2)
        writer.writeUnknown(unknownFields)
    }

    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 1: try reader.read(ProtoInt64.self, field, into: &seconds)
            case 2: try reader.read(ProtoInt32.self, field, into: &nanos)
            default: break
            }
        }
    }
}

struct Codec_LineItem: ProtoMessage {
    var sku = ""
    var quantity: Int32 = 0
    var price: Double = 0
    var tags: [String] = []
    var unknownFields = ProtoUnknownFields()

    func encodedSize() -> Int {
        ProtoSize.nonDefault(ProtoString.self, sku, field: 1)
            + ProtoSize.nonDefault(ProtoInt32.self, quantity, field: 2)
            + ProtoSize.nonDefault(ProtoDouble.self, price, field: 3)
            + ProtoSize.repeated(ProtoString.self, tags, field: 4)
            + ProtoSize.unknown(unknownFields)
    }

    func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoString.self, sku, field: 1)
        writer.writeNonDefault(ProtoInt32.self, quantity, field: 2)
        writer.writeNonDefault(ProtoDouble.self, price, field: 3)
        writer.writeRepeated(ProtoString.self, tags, field: 4)
        writer.writeUnknown(unknownFields)
    }

    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 1: try reader.read(ProtoString.self, field, into: &sku)
            case 2: try reader.read(ProtoInt32.self, field, into: &quantity)
            case 3: try reader.read(ProtoDouble.self, field, into: &price)
            case 4: try reader.readRepeated(ProtoString.self, field, into: &tags)
            default: break
            }
        }
    }
}

struct Codec_Order: ProtoMessage {
    enum OneOf_Payment: Hashable, Sendable {
        case cardToken(String)
        case accountID(Int64)
    }

    var id: Int64 = 0
    var customer = ""
    var items: [Codec_LineItem] = []
    var attributes: [String: String] = [:]
    var status = Codec_Status.unspecified
    var createdAt: Codec_Stamp?
    var paid = false
    var signature: [UInt8] = []
    var packedIDs: [Int64] = []
    var delta: Int32 = 0
    var checksum: UInt64 = 0
    var note: String?
    var discount: Float = 0
    var flags: UInt32 = 0
    var currency = ""
    var updatedAt: Codec_Stamp?
    var version: UInt64 = 0
    var total: Double = 0
    var payment: OneOf_Payment?
    var unknownFields = ProtoUnknownFields()

    func encodedSize() -> Int {
        var n = ProtoSize.nonDefault(ProtoInt64.self, id, field: 1)
        n += ProtoSize.nonDefault(ProtoString.self, customer, field: 2)
        n += ProtoSize.repeated(ProtoMessageType<Codec_LineItem>.self, items, field: 3)
        n += ProtoSize.map(ProtoString.self, ProtoString.self, attributes, field: 4)
        n += ProtoSize.nonDefault(ProtoEnumType<Codec_Status>.self, status, field: 5)
        n += ProtoSize.ifPresent(ProtoMessageType<Codec_Stamp>.self, createdAt, field: 6)
        n += ProtoSize.nonDefault(ProtoBool.self, paid, field: 7)
        n += ProtoSize.nonDefault(ProtoBytes.self, signature, field: 8)
        n += ProtoSize.packed(ProtoInt64.self, packedIDs, field: 9)
        n += ProtoSize.nonDefault(ProtoSInt32.self, delta, field: 10)
        n += ProtoSize.nonDefault(ProtoFixed64.self, checksum, field: 11)
        n += ProtoSize.ifPresent(ProtoString.self, note, field: 12)
        n += ProtoSize.nonDefault(ProtoFloat.self, discount, field: 13)
        n += ProtoSize.nonDefault(ProtoUInt32.self, flags, field: 14)
        n += ProtoSize.nonDefault(ProtoString.self, currency, field: 15)
        n += ProtoSize.ifPresent(ProtoMessageType<Codec_Stamp>.self, updatedAt, field: 16)
        n += ProtoSize.nonDefault(ProtoUInt64.self, version, field: 17)
        n += ProtoSize.nonDefault(ProtoDouble.self, total, field: 18)
        switch payment {
        case .cardToken(let v)?: n += ProtoSize.field(ProtoString.self, v, field: 19)
        case .accountID(let v)?: n += ProtoSize.field(ProtoInt64.self, v, field: 20)
        case nil: break
        }
        return n + ProtoSize.unknown(unknownFields)
    }

    func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoInt64.self, id, field: 1)
        writer.writeNonDefault(ProtoString.self, customer, field: 2)
        writer.writeRepeated(ProtoMessageType<Codec_LineItem>.self, items, field: 3)
        writer.writeMap(ProtoString.self, ProtoString.self, attributes, field: 4)
        writer.writeNonDefault(ProtoEnumType<Codec_Status>.self, status, field: 5)
        writer.writeIfPresent(ProtoMessageType<Codec_Stamp>.self, createdAt, field: 6)
        writer.writeNonDefault(ProtoBool.self, paid, field: 7)
        writer.writeNonDefault(ProtoBytes.self, signature, field: 8)
        writer.writePacked(ProtoInt64.self, packedIDs, field: 9)
        writer.writeNonDefault(ProtoSInt32.self, delta, field: 10)
        writer.writeNonDefault(ProtoFixed64.self, checksum, field: 11)
        writer.writeIfPresent(ProtoString.self, note, field: 12)
        writer.writeNonDefault(ProtoFloat.self, discount, field: 13)
        writer.writeNonDefault(ProtoUInt32.self, flags, field: 14)
        writer.writeNonDefault(ProtoString.self, currency, field: 15)
        writer.writeIfPresent(ProtoMessageType<Codec_Stamp>.self, updatedAt, field: 16)
        writer.writeNonDefault(ProtoUInt64.self, version, field: 17)
        writer.writeNonDefault(ProtoDouble.self, total, field: 18)
        switch payment {
        case .cardToken(let v)?: writer.write(ProtoString.self, v, field: 19)
        case .accountID(let v)?: writer.write(ProtoInt64.self, v, field: 20)
        case nil: break
        }
        writer.writeUnknown(unknownFields)
    }

    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 1: try reader.read(ProtoInt64.self, field, into: &id)
            case 2: try reader.read(ProtoString.self, field, into: &customer)
            case 3: try reader.readRepeated(ProtoMessageType<Codec_LineItem>.self, field, into: &items)
            case 4: try reader.readMap(ProtoString.self, ProtoString.self, field, into: &attributes)
            case 5: try reader.read(ProtoEnumType<Codec_Status>.self, field, into: &status)
            case 6: try reader.read(ProtoMessageType<Codec_Stamp>.self, field, into: &createdAt)
            case 7: try reader.read(ProtoBool.self, field, into: &paid)
            case 8: try reader.read(ProtoBytes.self, field, into: &signature)
            case 9: try reader.readRepeated(ProtoInt64.self, field, into: &packedIDs)
            case 10: try reader.read(ProtoSInt32.self, field, into: &delta)
            case 11: try reader.read(ProtoFixed64.self, field, into: &checksum)
            case 12: try reader.read(ProtoString.self, field, into: &note)
            case 13: try reader.read(ProtoFloat.self, field, into: &discount)
            case 14: try reader.read(ProtoUInt32.self, field, into: &flags)
            case 15: try reader.read(ProtoString.self, field, into: &currency)
            case 16: try reader.read(ProtoMessageType<Codec_Stamp>.self, field, into: &updatedAt)
            case 17: try reader.read(ProtoUInt64.self, field, into: &version)
            case 18: try reader.read(ProtoDouble.self, field, into: &total)
            case 19: try reader.read(ProtoString.self, field, into: &payment, as: OneOf_Payment.cardToken)
            case 20: try reader.read(ProtoInt64.self, field, into: &payment, as: OneOf_Payment.accountID)
            default: break
            }
        }
    }
}

struct Codec_Small: ProtoMessage {
    var a: Int32 = 0
    var b = ""
    var c = false
    var unknownFields = ProtoUnknownFields()

    func encodedSize() -> Int {
        ProtoSize.nonDefault(ProtoInt32.self, a, field: 1)
            + ProtoSize.nonDefault(ProtoString.self, b, field: 2)
            + ProtoSize.nonDefault(ProtoBool.self, c, field: 3)
            + ProtoSize.unknown(unknownFields)
    }

    func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoInt32.self, a, field: 1)
        writer.writeNonDefault(ProtoString.self, b, field: 2)
        writer.writeNonDefault(ProtoBool.self, c, field: 3)
        writer.writeUnknown(unknownFields)
    }

    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 1: try reader.read(ProtoInt32.self, field, into: &a)
            case 2: try reader.read(ProtoString.self, field, into: &b)
            case 3: try reader.read(ProtoBool.self, field, into: &c)
            default: break
            }
        }
    }
}
