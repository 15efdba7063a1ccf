/// A protobuf message. Generated structs conform; hand-written ones may.
public protocol ProtoMessage: Sendable, Hashable {
    /// A message with every field unset.
    init()
    /// Exact number of bytes `encode(to:)` writes.
    func encodedSize() -> Int
    /// Writes known fields in field-number order, then unknown fields byte-exact.
    func encode(to writer: inout ProtoWriter)
    /// Reads fields until the reader's end, merging into `self` (protobuf merge semantics).
    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError)
    /// Fields this type does not know, kept byte-exact.
    var unknownFields: ProtoUnknownFields { get set }
}

extension ProtoMessage {
    /// The encoded message in one allocation: `headroom` zero bytes first (gRPC writes its 5-byte
    /// prefix there), then the message.
    @inlinable
    public func serializedBytes(headroom: Int = 0) -> [UInt8] {
        precondition(headroom >= 0, "headroom must not be negative")
        let size = encodedSize()
        let total = headroom + size
        if total == 0 { return [] }
        if total <= protoStackEncodingLimit {
            // `[UInt8](unsafeUninitializedCapacity:)` allocates through an unspecialized standard
            // library function that looks up the array's type metadata on every call (a third of a
            // small message's encode time); `[UInt8](UnsafeBufferPointer)` allocates through
            // specialized code. Encoding on the stack first costs one short copy.
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: total) { scratch in
                let base = scratch.baseAddress!
                if headroom > 0 { base.initialize(repeating: 0, count: headroom) }
                var writer = ProtoWriter(base: base + headroom, capacity: size)
                encode(to: &writer)
                precondition(writer.position == size, "ProtoWriter: encode(to:) wrote less than encodedSize()")
                return [UInt8](UnsafeBufferPointer(start: base, count: total))
            }
        }
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            let base = buffer.baseAddress!
            if headroom > 0 { base.initialize(repeating: 0, count: headroom) }
            var writer = ProtoWriter(base: base + headroom, capacity: size)
            encode(to: &writer)
            precondition(writer.position == size, "ProtoWriter: encode(to:) wrote less than encodedSize()")
            count = total
        }
    }

    /// Decodes a message from `bytes`.
    /// - Throws: `ProtoDecodeError` saying what is wrong and at which byte offset.
    @inlinable
    public init(serializedBytes bytes: [UInt8], limits: ProtoDecodeLimits = .default) throws(ProtoDecodeError) {
        self.init()
        try merge(serializedBytes: bytes, limits: limits)
    }

    /// Decodes a message from a borrowed buffer, without copying it (only `bytes`/`string` fields copy
    /// their own contents).
    /// - Throws: `ProtoDecodeError` saying what is wrong and at which byte offset.
    @inlinable
    public init(buffer: UnsafeRawBufferPointer, limits: ProtoDecodeLimits = .default) throws(ProtoDecodeError) {
        self.init()
        try merge(buffer: buffer, limits: limits)
    }

    /// Merges the message encoded in `bytes` into `self` (as if the two encodings were concatenated).
    /// - Throws: `ProtoDecodeError`; `self` may then be partly merged.
    @inlinable
    public mutating func merge(
        serializedBytes bytes: [UInt8], limits: ProtoDecodeLimits = .default
    ) throws(ProtoDecodeError) {
        let result: Result<Void, ProtoDecodeError> = bytes.withUnsafeBytes { buffer in
            do throws(ProtoDecodeError) {
                try merge(buffer: buffer, limits: limits)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Merges the message encoded in a borrowed buffer into `self`.
    /// - Throws: `ProtoDecodeError`; `self` may then be partly merged.
    @inlinable
    public mutating func merge(
        buffer: UnsafeRawBufferPointer, limits: ProtoDecodeLimits = .default
    ) throws(ProtoDecodeError) {
        var reader = try ProtoReader(buffer: buffer, limits: limits)
        try decodeMerge(from: &reader)
    }
}

/// Largest encoding `serializedBytes` builds on the stack before copying it into its array: the size
/// up to which the standard library stack-allocates a temporary buffer without asking the runtime.
@inlinable var protoStackEncodingLimit: Int { 1024 }
