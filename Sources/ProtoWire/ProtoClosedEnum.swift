/// A closed enum, as proto2 enums are: only the numbers it declares are values of it.
///
/// Generated closed enums are `enum E: Int32, ProtoClosedEnum` with one case per declared number
/// (no `unrecognized` case). When a field of such a type arrives with a number the enum does not
/// declare, the generated decoder keeps that record in the message's unknown fields and leaves the
/// field as it was, as C++ and python protobuf do, so the number still survives a round trip.
public protocol ProtoClosedEnum: Sendable, Hashable, CaseIterable {
    /// The value numbered `rawValue`, or nil when the enum does not declare that number.
    init?(rawValue: Int32)
    /// The number on the wire.
    var rawValue: Int32 { get }
    /// The name the `.proto` file gives `rawValue` (the first one declared, for aliases). Text format
    /// prints it.
    static func protoName(of rawValue: Int32) -> String?
    /// The number of the value the `.proto` file names `name` (aliases included); nil for other
    /// names. The JSON mapping reads it.
    static func protoValue(named name: String) -> Int32?
}

extension ProtoClosedEnum {
    /// No names known: text format prints numbers.
    public static func protoName(of rawValue: Int32) -> String? { nil }
    /// No names known: JSON accepts numbers only.
    public static func protoValue(named name: String) -> Int32? { nil }
}

/// A closed enum field: a varint of the int32 value (sign-extended to 64 bits when negative).
///
/// Writing and sizing go through the generic helpers. Reading goes through `ProtoReader`'s
/// `readClosedEnum` / `readRepeatedClosedEnum` / `readMap(_:closedEnum:_:into:)`, which move an
/// undeclared number to unknown fields; `read(into:from:)` alone leaves `value` unchanged for one.
public enum ProtoClosedEnumType<E: ProtoClosedEnum>: ProtoPackableType {
    public typealias Value = E
    @inlinable public static var wireType: ProtoWireType { .varint }
    /// The first declared value: proto2's default for an enum field.
    @inlinable public static var defaultValue: E { E.allCases.first! }
    @inlinable public static func isDefault(_ value: E) -> Bool { value == defaultValue }
    // On the wire an enum is its int32 number.
    @inlinable public static func encodedSize(of value: E) -> Int { ProtoInt32.encodedSize(of: value.rawValue) }
    @inlinable public static func write(_ value: E, to writer: inout ProtoWriter) {
        ProtoInt32.write(value.rawValue, to: &writer)
    }
    @inlinable
    public static func read(into value: inout E, from reader: inout ProtoReader) throws(ProtoDecodeError) {
        if let known = E(rawValue: Int32(truncatingIfNeeded: try reader.readVarint())) { value = known }
    }
}
