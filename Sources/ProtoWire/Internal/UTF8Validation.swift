/// UTF-8 validation of `string` fields. The standard library's `String(validating:as:)` runs generic,
/// unspecialized code (metadata lookups per call, a third of decode time in the codec benchmark);
/// this checks 8 bytes at a time while they are ASCII and walks the well-formed byte sequences of
/// Unicode 16 table 3-7 otherwise.
///
/// Strings of `largeString` bytes or more go to the standard library instead: every public way to make
/// a `String` from bytes validates them again, so for them a check of our own is a second pass over
/// the bytes, and the per-call cost of the generic code no longer matters.
@usableFromInline
enum UTF8Validation {
    /// Length from which `string(_:count:)` builds the string (validation and copy in one call).
    @inlinable static var largeString: Int { 1024 }

    /// The `count` bytes at `start` as a String when they are valid UTF-8, else nil: the standard
    /// library's validation (all-ASCII words first, then the full check) and one copy.
    @usableFromInline
    static func string(_ start: UnsafeRawPointer, count: Int) -> String? {
        UnsafeRawBufferPointer(start: start, count: count).withMemoryRebound(to: UInt8.self) {
            String(validating: $0, as: UTF8.self)
        }
    }

    /// All bytes below 0x80 (then valid): inlined, as most protobuf strings are short and ASCII.
    @inlinable @inline(__always)
    static func isASCII(_ start: UnsafeRawPointer, count: Int) -> Bool {
        var i = 0
        var bits: UInt64 = 0
        while count &- i >= 8 {
            bits |= start.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i &+= 8
        }
        while i < count {
            bits |= UInt64(start.load(fromByteOffset: i, as: UInt8.self))
            i &+= 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    @usableFromInline
    static func isValid(_ start: UnsafeRawPointer, count: Int) -> Bool {
        var i = 0
        while i < count {
            // ASCII run, a word at a time.
            while count - i >= 8 {
                let word = start.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 8
            }
            if i >= count { return true }
            let b0 = start.load(fromByteOffset: i, as: UInt8.self)
            if b0 < 0x80 {
                i &+= 1
                continue
            }
            // Bounds of the second byte depend on the first (no overlongs, no surrogates, ≤ U+10FFFF).
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            if count - i < length { return false }
            let b1 = start.load(fromByteOffset: i &+ 1, as: UInt8.self)
            if b1 < low || b1 > high { return false }
            var k = 2
            while k < length {
                let b = start.load(fromByteOffset: i &+ k, as: UInt8.self)
                if b & 0xC0 != 0x80 { return false }
                k &+= 1
            }
            i &+= length
        }
        return true
    }
}
