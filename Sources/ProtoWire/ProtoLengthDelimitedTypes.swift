// string, bytes, enums and nested messages.

/// string: length-prefixed UTF-8; decoding rejects invalid UTF-8.
public enum ProtoString: ProtoMapKeyType {
    public typealias Value = String
    @inlinable public static var wireType: ProtoWireType { .lengthDelimited }
    @inlinable public static var defaultValue: String { "" }
    @inlinable public static func isDefault(_ value: String) -> Bool { value.isEmpty }
    @inlinable public static func encodedSize(of value: String) -> Int {
        if let small = SmallString.bytes(of: value) { return 1 &+ small.count }  // length < 128: 1 byte
        let n = value.utf8.count
        return ProtoSize.varint(UInt64(n)) + n
    }
    @inlinable @inline(__always) public static func write(_ value: String, to writer: inout ProtoWriter) {
        writer.writeString(value)
    }
    @inlinable
    public static func read(into value: inout String, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = try reader.readString()
    }
    /// UTF-8 byte order, as protobuf's deterministic serializers sort.
    @inlinable public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        let fast = lhs.utf8.withContiguousStorageIfAvailable { a in
            rhs.utf8.withContiguousStorageIfAvailable { b in
                for i in 0..<Swift.min(a.count, b.count) where a[i] != b[i] {
                    return a[i] < b[i]
                }
                return a.count < b.count
            }
        }
        return (fast ?? nil) ?? lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}

/// bytes: length-prefixed raw bytes.
public enum ProtoBytes: ProtoFieldType {
    public typealias Value = [UInt8]
    @inlinable public static var wireType: ProtoWireType { .lengthDelimited }
    @inlinable public static var defaultValue: [UInt8] { [] }
    @inlinable public static func isDefault(_ value: [UInt8]) -> Bool { value.isEmpty }
    @inlinable public static func encodedSize(of value: [UInt8]) -> Int {
        ProtoSize.varint(UInt64(value.count)) + value.count
    }
    @inlinable public static func write(_ value: [UInt8], to writer: inout ProtoWriter) {
        writer.writeVarint(UInt64(value.count))
        value.withUnsafeBytes { writer.writeRaw($0) }
    }
    @inlinable
    public static func read(into value: inout [UInt8], from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = try reader.readBytes()
    }
}

/// An open enum: a varint of the int32 value; numbers the enum does not name are kept.
public enum ProtoEnumType<E: ProtoEnum>: ProtoPackableType {
    public typealias Value = E
    @inlinable public static var wireType: ProtoWireType { .varint }
    @inlinable public static var defaultValue: E { E(rawValue: 0) }
    @inlinable public static func isDefault(_ value: E) -> Bool { value.rawValue == 0 }
    // On the wire an enum is its int32 number.
    @inlinable public static func encodedSize(of value: E) -> Int { ProtoInt32.encodedSize(of: value.rawValue) }
    @inlinable public static func write(_ value: E, to writer: inout ProtoWriter) {
        ProtoInt32.write(value.rawValue, to: &writer)
    }
    @inlinable
    public static func read(into value: inout E, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        value = E(rawValue: Int32(truncatingIfNeeded: try reader.readVarint()))
    }
}

/// A nested message: length-prefixed; a repeated occurrence of a singular one merges.
public enum ProtoMessageType<M: ProtoMessage>: ProtoFieldType {
    public typealias Value = M
    @inlinable public static var wireType: ProtoWireType { .lengthDelimited }
    @inlinable public static var defaultValue: M { M() }
    /// Messages have explicit presence; an empty message is still "set".
    @inlinable public static func isDefault(_ value: M) -> Bool { false }
    @inlinable public static func encodedSize(of value: M) -> Int {
        let n = value.encodedSize()
        return ProtoSize.varint(UInt64(n)) + n
    }
    @inlinable public static func write(_ value: M, to writer: inout ProtoWriter) {
        writer.writeMessage(value)
    }
    @inlinable
    public static func read(into value: inout M, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        try reader.readMessage(into: &value)
    }
}
