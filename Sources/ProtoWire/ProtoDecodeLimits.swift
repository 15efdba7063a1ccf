/// Bounds a decoder enforces on untrusted input.
public struct ProtoDecodeLimits: Sendable, Hashable {
    /// How deep messages (and groups, and map entries) may nest; the top-level message is depth 0.
    public var maxDepth: Int
    /// Largest accepted input, in bytes.
    public var maxMessageSize: Int

    /// Creates limits; the defaults are protobuf's own (C++ and Java): depth 100, size < 2 GiB.
    @inlinable
    public init(maxDepth: Int = 100, maxMessageSize: Int = Int(Int32.max)) {
        self.maxDepth = maxDepth
        self.maxMessageSize = maxMessageSize
    }

    /// Depth 100, at most 2 GiB − 1 bytes. Computed, not stored: a stored global would cost a
    /// once-initialisation check on every decode.
    @inlinable
    public static var `default`: ProtoDecodeLimits { ProtoDecodeLimits() }
}
