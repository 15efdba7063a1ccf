// The numeric and bool field types of proto2/proto3.

/// int32: a varint of the value sign-extended to 64 bits (negative values take 10 bytes).
public enum ProtoInt32: ProtoPackableType, ProtoMapKeyType {
    public typealias Value = Int32
    @inlinable public static var wireType: ProtoWireType { .varint }
    @inlinable public static var defaultValue: Int32 { 0 }
    @inlinable public static func isDefault(_ value: Int32) -> Bool { value == 0 }
    @inlinable public static func encodedSize(of value: Int32) -> Int {
        ProtoSize.varint(UInt64(bitPattern: Int64(value)))
    }
    @inlinable public static func write(_ value: Int32, to writer: inout ProtoWriter) {
        writer.writeVarint(UInt64(bitPattern: Int64(value)))
    }
    @inlinable
    public static func read(into value: inout Int32, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = Int32(truncatingIfNeeded: try reader.readVarint())
    }
    @inlinable public static func precedes(_ lhs: Int32, _ rhs: Int32) -> Bool { lhs < rhs }
}

/// int64: a varint of the two's complement value.
public enum ProtoInt64: ProtoPackableType, ProtoMapKeyType {
    public typealias Value = Int64
    @inlinable public static var wireType: ProtoWireType { .varint }
    @inlinable public static var defaultValue: Int64 { 0 }
    @inlinable public static func isDefault(_ value: Int64) -> Bool { value == 0 }
    @inlinable public static func encodedSize(of value: Int64) -> Int { ProtoSize.varint(UInt64(bitPattern: value)) }
    @inlinable public static func write(_ value: Int64, to writer: inout ProtoWriter) {
        writer.writeVarint(UInt64(bitPattern: value))
    }
    @inlinable
    public static func read(into value: inout Int64, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = Int64(bitPattern: try reader.readVarint())
    }
    @inlinable public static func precedes(_ lhs: Int64, _ rhs: Int64) -> Bool { lhs < rhs }
}

/// uint32: a varint.
public enum ProtoUInt32: ProtoPackableType, ProtoMapKeyType {
    public typealias Value = UInt32
    @inlinable public static var wireType: ProtoWireType { .varint }
    @inlinable public static var defaultValue: UInt32 { 0 }
    @inlinable public static func isDefault(_ value: UInt32) -> Bool { value == 0 }
    @inlinable public static func encodedSize(of value: UInt32) -> Int { ProtoSize.varint(UInt64(value)) }
    @inlinable public static func write(_ value: UInt32, to writer: inout ProtoWriter) {
        writer.writeVarint(UInt64(value))
    }
    @inlinable
    public static func read(into value: inout UInt32, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = UInt32(truncatingIfNeeded: try reader.readVarint())
    }
    @inlinable public static func precedes(_ lhs: UInt32, _ rhs: UInt32) -> Bool { lhs < rhs }
}

/// uint64: a varint.
public enum ProtoUInt64: ProtoPackableType, ProtoMapKeyType {
    public typealias Value = UInt64
    @inlinable public static var wireType: ProtoWireType { .varint }
    @inlinable public static var defaultValue: UInt64 { 0 }
    @inlinable public static func isDefault(_ value: UInt64) -> Bool { value == 0 }
    @inlinable public static func encodedSize(of value: UInt64) -> Int { ProtoSize.varint(value) }
    @inlinable public static func write(_ value: UInt64, to writer: inout ProtoWriter) { writer.writeVarint(value) }
    @inlinable
    public static func read(into value: inout UInt64, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = try reader.readVarint()
    }
    @inlinable public static func precedes(_ lhs: UInt64, _ rhs: UInt64) -> Bool { lhs < rhs }
}

/// sint32: a varint of the ZigZag-encoded value.
public enum ProtoSInt32: ProtoPackableType, ProtoMapKeyType {
    public typealias Value = Int32
    @inlinable public static var wireType: ProtoWireType { .varint }
    @inlinable public static var defaultValue: Int32 { 0 }
    @inlinable public static func isDefault(_ value: Int32) -> Bool { value == 0 }
    @inlinable public static func encodedSize(of value: Int32) -> Int {
        ProtoSize.varint(UInt64(ProtoZigZag.encode32(value)))
    }
    @inlinable public static func write(_ value: Int32, to writer: inout ProtoWriter) {
        writer.writeVarint(UInt64(ProtoZigZag.encode32(value)))
    }
    @inlinable
    public static func read(into value: inout Int32, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = ProtoZigZag.decode32(UInt32(truncatingIfNeeded: try reader.readVarint()))
    }
    @inlinable public static func precedes(_ lhs: Int32, _ rhs: Int32) -> Bool { lhs < rhs }
}

/// sint64: a varint of the ZigZag-encoded value.
public enum ProtoSInt64: ProtoPackableType, ProtoMapKeyType {
    public typealias Value = Int64
    @inlinable public static var wireType: ProtoWireType { .varint }
    @inlinable public static var defaultValue: Int64 { 0 }
    @inlinable public static func isDefault(_ value: Int64) -> Bool { value == 0 }
    @inlinable public static func encodedSize(of value: Int64) -> Int { ProtoSize.varint(ProtoZigZag.encode64(value)) }
    @inlinable public static func write(_ value: Int64, to writer: inout ProtoWriter) {
        writer.writeVarint(ProtoZigZag.encode64(value))
    }
    @inlinable
    public static func read(into value: inout Int64, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = ProtoZigZag.decode64(try reader.readVarint())
    }
    @inlinable public static func precedes(_ lhs: Int64, _ rhs: Int64) -> Bool { lhs < rhs }
}

/// fixed32: 4 bytes little-endian.
public enum ProtoFixed32: ProtoPackableType, ProtoMapKeyType {
    public typealias Value = UInt32
    @inlinable public static var wireType: ProtoWireType { .fixed32 }
    @inlinable public static var defaultValue: UInt32 { 0 }
    @inlinable public static func isDefault(_ value: UInt32) -> Bool { value == 0 }
    @inlinable public static func encodedSize(of value: UInt32) -> Int { 4 }
    @inlinable public static func write(_ value: UInt32, to writer: inout ProtoWriter) { writer.writeFixed32(value) }
    @inlinable
    public static func read(into value: inout UInt32, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = try reader.readFixed32()
    }
    @inlinable public static func precedes(_ lhs: UInt32, _ rhs: UInt32) -> Bool { lhs < rhs }
}

/// fixed64: 8 bytes little-endian.
public enum ProtoFixed64: ProtoPackableType, ProtoMapKeyType {
    public typealias Value = UInt64
    @inlinable public static var wireType: ProtoWireType { .fixed64 }
    @inlinable public static var defaultValue: UInt64 { 0 }
    @inlinable public static func isDefault(_ value: UInt64) -> Bool { value == 0 }
    @inlinable public static func encodedSize(of value: UInt64) -> Int { 8 }
    @inlinable public static func write(_ value: UInt64, to writer: inout ProtoWriter) { writer.writeFixed64(value) }
    @inlinable
    public static func read(into value: inout UInt64, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = try reader.readFixed64()
    }
    @inlinable public static func precedes(_ lhs: UInt64, _ rhs: UInt64) -> Bool { lhs < rhs }
}

/// sfixed32: 4 bytes little-endian two's complement.
public enum ProtoSFixed32: ProtoPackableType, ProtoMapKeyType {
    public typealias Value = Int32
    @inlinable public static var wireType: ProtoWireType { .fixed32 }
    @inlinable public static var defaultValue: Int32 { 0 }
    @inlinable public static func isDefault(_ value: Int32) -> Bool { value == 0 }
    @inlinable public static func encodedSize(of value: Int32) -> Int { 4 }
    @inlinable public static func write(_ value: Int32, to writer: inout ProtoWriter) {
        writer.writeFixed32(UInt32(bitPattern: value))
    }
    @inlinable
    public static func read(into value: inout Int32, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = Int32(bitPattern: try reader.readFixed32())
    }
    @inlinable public static func precedes(_ lhs: Int32, _ rhs: Int32) -> Bool { lhs < rhs }
}

/// sfixed64: 8 bytes little-endian two's complement.
public enum ProtoSFixed64: ProtoPackableType, ProtoMapKeyType {
    public typealias Value = Int64
    @inlinable public static var wireType: ProtoWireType { .fixed64 }
    @inlinable public static var defaultValue: Int64 { 0 }
    @inlinable public static func isDefault(_ value: Int64) -> Bool { value == 0 }
    @inlinable public static func encodedSize(of value: Int64) -> Int { 8 }
    @inlinable public static func write(_ value: Int64, to writer: inout ProtoWriter) {
        writer.writeFixed64(UInt64(bitPattern: value))
    }
    @inlinable
    public static func read(into value: inout Int64, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = Int64(bitPattern: try reader.readFixed64())
    }
    @inlinable public static func precedes(_ lhs: Int64, _ rhs: Int64) -> Bool { lhs < rhs }
}

/// float: IEEE-754 binary32, 4 bytes little-endian.
public enum ProtoFloat: ProtoPackableType {
    public typealias Value = Float
    @inlinable public static var wireType: ProtoWireType { .fixed32 }
    @inlinable public static var defaultValue: Float { 0 }
    @inlinable public static func isDefault(_ value: Float) -> Bool { value.bitPattern == 0 }
    @inlinable public static func encodedSize(of value: Float) -> Int { 4 }
    @inlinable public static func write(_ value: Float, to writer: inout ProtoWriter) {
        writer.writeFixed32(value.bitPattern)
    }
    @inlinable
    public static func read(into value: inout Float, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = Float(bitPattern: try reader.readFixed32())
    }
}

/// double: IEEE-754 binary64, 8 bytes little-endian.
public enum ProtoDouble: ProtoPackableType {
    public typealias Value = Double
    @inlinable public static var wireType: ProtoWireType { .fixed64 }
    @inlinable public static var defaultValue: Double { 0 }
    @inlinable public static func isDefault(_ value: Double) -> Bool { value.bitPattern == 0 }
    @inlinable public static func encodedSize(of value: Double) -> Int { 8 }
    @inlinable public static func write(_ value: Double, to writer: inout ProtoWriter) {
        writer.writeFixed64(value.bitPattern)
    }
    @inlinable
    public static func read(into value: inout Double, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = Double(bitPattern: try reader.readFixed64())
    }
}

/// bool: varint 0 or 1 (any non-zero varint reads as true).
public enum ProtoBool: ProtoPackableType, ProtoMapKeyType {
    public typealias Value = Bool
    @inlinable public static var wireType: ProtoWireType { .varint }
    @inlinable public static var defaultValue: Bool { false }
    @inlinable public static func isDefault(_ value: Bool) -> Bool { !value }
    @inlinable public static func encodedSize(of value: Bool) -> Int { 1 }
    @inlinable public static func write(_ value: Bool, to writer: inout ProtoWriter) {
        writer.writeVarint(value ? 1 : 0)
    }
    @inlinable
    public static func read(into value: inout Bool, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = try reader.readVarint() != 0
    }
    @inlinable public static func precedes(_ lhs: Bool, _ rhs: Bool) -> Bool { !lhs && rhs }
}
