/// Writes gRPC length prefixes (spec §3) into the 5 bytes of headroom a message was encoded with,
/// so a message and its prefix live in one buffer (one allocation per message).
enum MessageFramer {
    /// Bytes in front of every message.
    static let prefixSize = 5

    /// Fills the first five bytes of `framed` (the headroom) with the flag and the length of the rest.
    static func writePrefix(into framed: inout [UInt8], compressed: Bool) {
        let length = UInt32(truncatingIfNeeded: framed.count - prefixSize)
        framed.withUnsafeMutableBufferPointer { p in
            p[0] = compressed ? 1 : 0
            p[1] = UInt8(truncatingIfNeeded: length >> 24)
            p[2] = UInt8(truncatingIfNeeded: length >> 16)
            p[3] = UInt8(truncatingIfNeeded: length >> 8)
            p[4] = UInt8(truncatingIfNeeded: length)
        }
    }

    /// Frames already-serialized message bytes that sit after `prefixSize` bytes of headroom:
    /// compresses them with `compression` when it is not identity (and the result is smaller),
    /// then writes the prefix. Throws RESOURCE_EXHAUSTED when the framed body exceeds `maxSize`.
    static func frame(
        serializedWithHeadroom bytes: consuming [UInt8], compression: CompressionAlgorithm, maxSize: Int
    ) throws(RPCError) -> [UInt8] {
        // Consumed, so the prefix is written into the caller's buffer rather than a copy of it.
        var framed = consume bytes
        var compressed = false
        if compression != .identity {
            let body = framed[prefixSize...]
            if let packed = try? Zlib.compress(body, format: compression, headroom: prefixSize),
                packed.count < framed.count
            {
                framed = packed
                compressed = true
            }
        }
        let size = framed.count - prefixSize
        guard size <= maxSize else {
            throw RPCError(
                code: .resourceExhausted,
                message: "grpc: trying to send message larger than max (\(size) vs. \(maxSize))")
        }
        writePrefix(into: &framed, compressed: compressed)
        return framed
    }
}
