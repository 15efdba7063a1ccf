/// The six wire types of the protobuf binary format (6 and 7 are invalid).
public enum ProtoWireType: UInt8, Sendable, Hashable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}

/// A record's key as read from the wire: field number and wire type.
public struct ProtoField: Sendable, Hashable {
    /// Field number, 1 … 536 870 911.
    public var number: Int
    /// How the value that follows is encoded.
    public var wireType: ProtoWireType

    /// Creates a key.
    @inlinable
    public init(number: Int, wireType: ProtoWireType) {
        self.number = number
        self.wireType = wireType
    }
}

/// The largest legal field number, 2^29 − 1.
public let protoMaxFieldNumber = 536_870_911
