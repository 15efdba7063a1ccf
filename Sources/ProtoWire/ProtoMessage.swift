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
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            if total > 0 {
                let base = buffer.baseAddress!
                if headroom > 0 { base.initialize(repeating: 0, count: headroom) }
                var writer = ProtoWriter(base: base + headroom, capacity: size)
                encode(to: &writer)
                precondition(writer.position == size, "ProtoWriter: encode(to:) wrote less than encodedSize()")
            }
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
    public mutating func merge(serializedBytes bytes: [UInt8], limits: ProtoDecodeLimits = .default) throws(ProtoDecodeError) {
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
    public mutating func merge(buffer: UnsafeRawBufferPointer, limits: ProtoDecodeLimits = .default) throws(ProtoDecodeError) {
        var reader = try ProtoReader(buffer: buffer, limits: limits)
        try decodeMerge(from: &reader)
    }
}
