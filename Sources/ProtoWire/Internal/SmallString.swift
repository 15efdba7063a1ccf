/// Builds short ASCII strings without the standard library's string constructors, and reads short
/// strings' bytes without its out-of-line accessors.
///
/// Most protobuf strings are short: SKUs, tags, map keys. A Swift `String` of at most 15 UTF-8 bytes
/// lives inline in its two words ("small string"), but every public way to make one from bytes goes
/// through out-of-line, closure-taking code that validates the bytes again: about 130 instructions
/// per string, an eighth of decoding `Order`. Decoding has already checked the bytes are ASCII, so
/// this assembles the two words directly: the bytes in order, little-endian, then the
/// discriminator byte `0xE0 | count` (immortal, small, ASCII) in the top byte of the second word.
///
/// That layout is the standard library's (`_StringObject` on 64-bit targets: ABI-stable on Darwin,
/// the same code on Linux). `SmallStringTests` checks every length against `String(decoding:as:)`,
/// so a toolchain that changed it fails the test suite instead of producing wrong strings. (A
/// run-time check costs a `swift_once` call per string, more than the whole construction.)
@usableFromInline
enum SmallString {
    /// A small string of the `count` bytes at `start` when they are all ASCII (then valid UTF-8),
    /// else nil: more than 15 bytes, a byte ≥ 0x80, or a platform that lays strings out differently.
    @inlinable @inline(__always)
    static func ascii(_ start: UnsafeRawPointer, count n: Int) -> String? {
        #if _endian(little) && _pointerBitWidth(_64)
            guard n <= 15 else { return nil }
            var bits = words(start, count: n)
            // The words hold exactly the n bytes (zero elsewhere), so this is the ASCII check.
            guard (bits.0 | bits.1) & 0x8080_8080_8080_8080 == 0 else { return nil }
            bits.1 |= UInt64(0xE0 | n) &<< 56
            // Moved out of memory holding its bits: taking it costs no retain call (a bit cast would).
            return withUnsafeMutableBytes(of: &bits) { raw in
                raw.baseAddress!.withMemoryRebound(to: String.self, capacity: 1) { $0.move() }
            }
        #else
            return nil
        #endif
    }

    /// The two words of a small string of `n` ≤ 15 bytes, without the discriminator; loads stay
    /// within the `n` bytes.
    @inlinable @inline(__always)
    static func words(_ p: UnsafeRawPointer, count n: Int) -> (UInt64, UInt64) {
        var low: UInt64 = 0, high: UInt64 = 0
        if n >= 8 {
            low = p.loadUnaligned(as: UInt64.self)
            if n > 8 {
                // The last 8 bytes, shifted so that byte 8 lands lowest (they overlap `low` otherwise).
                high = p.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) &>> UInt64((16 &- n) &* 8)
            }
        } else if n >= 4 {
            let head = UInt64(p.loadUnaligned(as: UInt32.self))
            let tail = UInt64(p.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self))
            low = head | tail &<< UInt64((n &- 4) &* 8)
        } else {
            var i = 0
            while i < n {
                low |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) &<< UInt64(i &* 8)
                i &+= 1
            }
        }
        return (low, high)
    }

    /// The UTF-8 byte count and the two words of `value` when it is a small string (any contents),
    /// else nil. The words hold the bytes in order from the first word's low byte.
    @inlinable @inline(__always)
    static func bytes(of value: String) -> (count: Int, words: (UInt64, UInt64))? {
        #if _endian(little) && _pointerBitWidth(_64)
            let words = unsafeBitCast(value, to: (UInt64, UInt64).self)
            // Discriminator bit 61: small; the low nibble of the top byte: the count.
            guard words.1 & (1 << 61) != 0 else { return nil }
            return (Int(truncatingIfNeeded: (words.1 &>> 56) & 0xF), words)
        #else
            return nil
        #endif
    }
}
