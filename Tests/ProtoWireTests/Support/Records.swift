/// Splits `Cases` bytes (records of field 1, wire type 2, as protoc writes them) into their payloads,
/// by hand so that the check does not rely on the decoder under test.
enum Records {
    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        splitLengthPrefixed(bytes) { pos in
            precondition(bytes[pos] == 0x0A, "not a field-1 length-delimited record")
            return pos + 1
        }
    }

    /// Splits messages each prefixed by its varint length (pyproto.py's framing).
    static func splitFramed(_ bytes: [UInt8]) -> [[UInt8]] {
        splitLengthPrefixed(bytes) { $0 }
    }

    /// Splits `bytes` into records of a varint length and that many bytes; `skipTag` steps over
    /// whatever precedes each length (returns the length's position).
    private static func splitLengthPrefixed(_ bytes: [UInt8], skipTag: (Int) -> Int) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var pos = 0
        while pos < bytes.count {
            pos = skipTag(pos)
            var n = 0, shift = 0
            while true {
                let b = bytes[pos]; pos += 1
                n |= Int(b & 0x7F) << shift
                if b < 0x80 { break }
                shift += 7
            }
            out.append(Array(bytes[pos..<pos + n]))
            pos += n
        }
        return out
    }
}
