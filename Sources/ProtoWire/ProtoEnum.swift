/// A protobuf enum, open as in proto3: every int32 maps to a value, numbers the enum does not name
/// included (generated enums keep them in an `unrecognized(Int32)` case), so they survive a round trip.
public protocol ProtoEnum: Sendable, Hashable {
    /// The value for `rawValue`; never fails.
    init(rawValue: Int32)
    /// The number on the wire.
    var rawValue: Int32 { get }
    /// The name the `.proto` file gives `rawValue` (the first one declared, for aliases); nil for a
    /// number it does not name. Text format prints it.
    static func protoName(of rawValue: Int32) -> String?
    /// The number of the value the `.proto` file names `name` (aliases included); nil for other
    /// names. The JSON mapping reads it.
    static func protoValue(named name: String) -> Int32?
}

extension ProtoEnum {
    /// No names known: text format prints numbers.
    public static func protoName(of rawValue: Int32) -> String? { nil }
    /// No names known: JSON accepts numbers only.
    public static func protoValue(named name: String) -> Int32? { nil }
}
