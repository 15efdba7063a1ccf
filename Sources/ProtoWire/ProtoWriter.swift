/// Writes protobuf records into a buffer sized beforehand by the message's `encodedSize()`.
///
/// A writer exists only inside `ProtoMessage.serializedBytes(headroom:)` (and similar entry points),
/// which allocate once and hand it the memory; messages' `encode(to:)` call its helpers.
/// Every write is bounds-checked: a wrong `encodedSize()` traps instead of corrupting memory.
public struct ProtoWriter {
    @usableFromInline let base: UnsafeMutablePointer<UInt8>
    @usableFromInline let capacity: Int
    @usableFromInline var position: Int

    @usableFromInline
    init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
        self.position = 0
    }

    /// Bytes written so far.
    @inlinable
    public var count: Int { position }

    @inlinable
    mutating func reserve(_ n: Int) {
        precondition(capacity &- position >= n, "ProtoWriter: encodedSize() was smaller than what encode(to:) wrote")
    }

    /// Writes a varint.
    @inlinable @inline(__always)
    public mutating func writeVarint(_ value: UInt64) {
        if value < 0x80 && position < capacity {
            base[position] = UInt8(truncatingIfNeeded: value)
            position &+= 1
            return
        }
        writeVarintSlow(value)
    }

    @usableFromInline
    mutating func writeVarintSlow(_ value: UInt64) {
        var value = value
        reserve(ProtoSize.varint(value))
        var p = base + position
        while value >= 0x80 {
            p.pointee = UInt8(truncatingIfNeeded: value) | 0x80
            p += 1
            value >>= 7
        }
        p.pointee = UInt8(truncatingIfNeeded: value)
        position = p + 1 - base
    }

    /// Writes the tag of `field` with `wireType`.
    @inlinable @inline(__always)
    public mutating func writeTag(field: Int, wireType: ProtoWireType) {
        let key = UInt64(field) << 3 | UInt64(wireType.rawValue)
        // Generated code passes constants, so this folds to the one case that applies: two-byte tags
        // (fields 16…2047) get a direct write instead of the general varint loop.
        if key >= 0x80 && key < 0x4000 && capacity &- position >= 2 {
            base[position] = UInt8(truncatingIfNeeded: key) | 0x80
            base[position &+ 1] = UInt8(truncatingIfNeeded: key &>> 7)
            position &+= 2
            return
        }
        writeVarint(key)
    }

    /// Writes a nested message with its length prefix, without computing its size again: the parent's
    /// `encodedSize()` already did. The body goes after a one-byte placeholder; when its length needs
    /// more bytes, the body moves up by that many (the room is there: the parent's size counted the
    /// real prefix) and the prefix is written in front of it.
    @inlinable
    mutating func writeMessage<M: ProtoMessage>(_ message: M) {
        reserve(1)
        let lengthAt = position
        position &+= 1
        message.encode(to: &self)
        let length = position &- lengthAt &- 1
        if length < 0x80 {
            base[lengthAt] = UInt8(truncatingIfNeeded: length)
            return
        }
        let prefix = ProtoSize.varint(UInt64(length))
        reserve(prefix &- 1)
        // Overlapping regions: copyMemory is a memmove.
        UnsafeMutableRawPointer(base + lengthAt + prefix).copyMemory(from: base + lengthAt + 1, byteCount: length)
        var p = lengthAt
        var v = UInt64(length)
        while v >= 0x80 {
            base[p] = UInt8(truncatingIfNeeded: v) | 0x80
            p &+= 1
            v &>>= 7
        }
        base[p] = UInt8(truncatingIfNeeded: v)
        position &+= prefix &- 1
    }

    /// Writes 4 bytes little-endian.
    @inlinable
    public mutating func writeFixed32(_ value: UInt32) {
        reserve(4)
        UnsafeMutableRawPointer(base + position).storeBytes(of: value.littleEndian, as: UInt32.self)
        position &+= 4
    }

    /// Writes 8 bytes little-endian.
    @inlinable
    public mutating func writeFixed64(_ value: UInt64) {
        reserve(8)
        UnsafeMutableRawPointer(base + position).storeBytes(of: value.littleEndian, as: UInt64.self)
        position &+= 8
    }

    /// Writes bytes as they are (no length prefix).
    @inlinable
    public mutating func writeRaw(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        if n == 0 { return }
        reserve(n)
        let to = UnsafeMutableRawPointer(base + position), from = bytes.baseAddress!
        // Short strings are the common case: two overlapping moves beat a memmove call.
        if n <= 16 && n >= 8 {
            let head = from.loadUnaligned(as: UInt64.self), tail = (from + (n &- 8)).loadUnaligned(as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            (to + (n &- 8)).storeBytes(of: tail, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            let head = from.loadUnaligned(as: UInt32.self), tail = (from + (n &- 4)).loadUnaligned(as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            (to + (n &- 4)).storeBytes(of: tail, as: UInt32.self)
        } else if n < 4 {
            for i in 0..<n {
                to.storeBytes(of: from.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self)
            }
        } else {
            to.copyMemory(from: from, byteCount: n)
        }
        position &+= n
    }

    /// Writes a string's length and UTF-8 bytes.
    // Always inlined, with the rest out of line: a small string then needs no call, and so no retain
    // of an array element passed to one.
    @inlinable @inline(__always)
    public mutating func writeString(_ value: String) {
        if let small = SmallString.bytes(of: value), capacity &- position > small.count {
            // A small string's bytes come straight from its two words: no out-of-line UTF-8 view.
            let n = small.count, (w0, w1) = small.words
            let to = UnsafeMutableRawPointer(base + position)
            to.storeBytes(of: UInt8(truncatingIfNeeded: n), as: UInt8.self)
            let p = to + 1
            if n >= 8 {
                // Bytes 0…7, then bytes n−8…n−1 (overlapping): stores stay within the n bytes.
                p.storeBytes(of: w0, as: UInt64.self)
                if n > 8 {
                    let tail = w0 &>> UInt64((n &- 8) &* 8) | w1 &<< UInt64((16 &- n) &* 8)
                    (p + (n &- 8)).storeBytes(of: tail, as: UInt64.self)
                }
            } else if n >= 4 {
                p.storeBytes(of: UInt32(truncatingIfNeeded: w0), as: UInt32.self)
                (p + (n &- 4)).storeBytes(of: UInt32(truncatingIfNeeded: w0 &>> UInt64((n &- 4) &* 8)), as: UInt32.self)
            } else {
                var i = 0
                while i < n {
                    p.storeBytes(of: UInt8(truncatingIfNeeded: w0 &>> UInt64(i &* 8)), toByteOffset: i, as: UInt8.self)
                    i &+= 1
                }
            }
            position &+= 1 &+ n
            return
        }
        writeStringSlow(value)
    }

    /// `writeString` for strings that are not small, or near the end of the buffer.
    @usableFromInline
    mutating func writeStringSlow(_ value: String) {
        let n = value.utf8.count
        writeVarint(UInt64(n))
        if n == 0 { return }
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { writeRaw(UnsafeRawBufferPointer($0)) }
        if done == nil {
            reserve(n)
            for byte in value.utf8 {
                base[position] = byte
                position &+= 1
            }
        }
    }
}
