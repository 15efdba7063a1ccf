/// Records a message did not know (tag and value), kept byte-exact in arrival order and written back
/// after the known fields.
public struct ProtoUnknownFields: Sendable, Hashable {
    /// The raw records, concatenated.
    public var bytes: [UInt8]

    /// No unknown fields.
    @inlinable
    public init() { bytes = [] }

    /// Unknown fields holding `bytes`, which must be whole records.
    @inlinable
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// True when nothing unknown was seen.
    @inlinable
    public var isEmpty: Bool { bytes.isEmpty }

    /// Appends raw record bytes.
    @inlinable
    public mutating func append(_ raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: raw)
    }
}
