/// How one protobuf field type is encoded: generated code names these types (`ProtoInt32.self`,
/// `ProtoString.self`, `ProtoMessageType<Foo>.self` …) when calling the generic helpers of
/// `ProtoWriter`, `ProtoReader` and `ProtoSize`, so that no per-field bodies are emitted.
public protocol ProtoFieldType {
    /// The Swift type holding a value.
    associatedtype Value
    /// The wire type of one value.
    static var wireType: ProtoWireType { get }
    /// The value of an unset field.
    static var defaultValue: Value { get }
    /// Whether `value` is the default (implicit-presence fields are not written then; −0.0 is not a default).
    static func isDefault(_ value: Value) -> Bool
    /// Bytes of the value alone, without its tag (length prefix included for length-delimited types).
    static func encodedSize(of value: Value) -> Int
    /// Writes the value alone, without its tag (length prefix included for length-delimited types).
    static func write(_ value: Value, to writer: inout ProtoWriter)
    /// Reads one value whose tag has been read and whose wire type matched, merging it into `value`
    /// (scalars replace, messages merge).
    static func read(into value: inout Value, from reader: inout ProtoReader) throws(ProtoDecodeError)
}

/// A scalar numeric type that repeated fields may pack into one length-delimited record.
public protocol ProtoPackableType: ProtoFieldType {}

/// A type allowed as a map key (integers, bool, string), with the order deterministic encoding sorts by.
public protocol ProtoMapKeyType: ProtoFieldType where Value: Hashable {
    /// Key order for deterministic map encoding (numeric order; strings by UTF-8 bytes).
    static func precedes(_ lhs: Value, _ rhs: Value) -> Bool
}
