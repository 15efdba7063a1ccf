/// Reads protobuf records from a borrowed buffer without copying it.
///
/// A reader exists only inside `ProtoMessage.init(serializedBytes:)`, `init(buffer:)` and
/// `merge(buffer:)`, which lend it the bytes for the duration of the call. Messages'
/// `decodeMerge(from:)` drive it:
///
/// ```swift
/// while let field = try reader.nextField(unknown: &unknownFields) {
///     switch field.number {
///     case 1: try reader.read(ProtoInt64.self, field, into: &id)
///     default: break   // not consumed: nextField keeps the record in `unknownFields`
///     }
/// }
/// ```
///
/// A field a message does not consume — unknown number, or a known number with an unexpected wire
/// type — is kept byte-exact in `unknown` by the next `nextField` call. Offsets in errors count
/// from the start of the whole input.
public struct ProtoReader {
    @usableFromInline let base: UnsafeRawPointer
    @usableFromInline var position: Int
    /// End of the message (or packed run, or map entry) being read.
    @usableFromInline var end: Int
    @usableFromInline let maxDepth: Int
    @usableFromInline var depth: Int
    /// Where the current field's tag starts.
    @usableFromInline var fieldStart: Int
    /// Where the current field's value starts; `position == valueStart` means "not consumed".
    @usableFromInline var valueStart: Int
    /// The current field, for errors and for skipping it when not consumed.
    @usableFromInline var current: ProtoField
    /// The field number of the group whose fields are being read (its END_GROUP tag ends them), or 0.
    @usableFromInline var groupNumber: Int
    /// Whether `nextField` has just read the END_GROUP tag of `groupNumber`.
    @usableFromInline var groupClosed: Bool

    @inlinable
    init(buffer: UnsafeRawBufferPointer, limits: ProtoDecodeLimits) throws(ProtoDecodeError) {
        if buffer.count > limits.maxMessageSize {
            throw ProtoDecodeError(.messageTooLarge, offset: limits.maxMessageSize)
        }
        // An empty buffer may have no base address; any non-null pointer serves, nothing is read.
        base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        position = 0
        end = buffer.count
        maxDepth = limits.maxDepth
        depth = 0
        fieldStart = 0
        valueStart = -1
        current = ProtoField(number: 0, wireType: .varint)
        groupNumber = 0
        groupClosed = false
    }

    /// Bytes left in the current message.
    @inlinable
    public var remaining: Int { end &- position }

    @inlinable
    func byte(at offset: Int) -> UInt8 {
        base.load(fromByteOffset: offset, as: UInt8.self)
    }

    @usableFromInline @inline(never)
    func error(_ kind: ProtoDecodeError.Kind, at offset: Int) -> ProtoDecodeError {
        ProtoDecodeError(kind, offset: offset, fieldNumber: current.number == 0 ? nil : current.number)
    }

    // MARK: - Records

    /// Reads the next field's tag, or returns nil at the end of the message. A field left
    /// unconsumed since the previous call is first skipped and appended to `unknown`.
    @inlinable
    public mutating func nextField(unknown: inout ProtoUnknownFields) throws(ProtoDecodeError) -> ProtoField? {
        if position == valueStart {
            try skipCurrent(into: &unknown)
        }
        if position >= end { return nil }
        fieldStart = position
        // One-byte tags (fields 1…15) with a wire type other than end-group, 6 or 7: no varint loop,
        // and the three validity tests become two. The bit mask holds wire types 0, 1, 2, 3 and 5.
        let first = byte(at: position)
        if first &- 8 < 0x78 && (0x2F &>> (first & 7)) & 1 != 0 {
            position &+= 1
            let field = ProtoField(number: Int(first &>> 3), wireType: unsafeBitCast(first & 7, to: ProtoWireType.self))
            current = field
            valueStart = position
            return field
        }
        let field = try readTag()
        current = field
        if field.wireType == .endGroup {
            // The end of the group being read (see readGroup), or a stray END_GROUP tag.
            if field.number == groupNumber {
                groupClosed = true
                return nil
            }
            throw error(.endGroupMismatch, at: fieldStart)
        }
        valueStart = position
        return field
    }

    /// Reads and validates a tag.
    @inlinable
    mutating func readTag() throws(ProtoDecodeError) -> ProtoField {
        let start = position
        let key = try readVarint()
        let wire = key & 7
        // One test for the three ways a key is bad: field number 0, above 2^29 − 1, wire type 6 or 7.
        if key < 8 || key > UInt64(protoMaxFieldNumber) << 3 | 7 || wire >= 6 {
            throw badTag(key, at: start)
        }
        return ProtoField(
            number: Int(truncatingIfNeeded: key >> 3),
            wireType: unsafeBitCast(UInt8(truncatingIfNeeded: wire), to: ProtoWireType.self))
    }

    @usableFromInline @inline(never)
    mutating func badTag(_ key: UInt64, at start: Int) -> ProtoDecodeError {
        let number = key >> 3
        if number == 0 || number > UInt64(protoMaxFieldNumber) {
            current = ProtoField(number: 0, wireType: .varint)
            return error(.invalidFieldNumber, at: start)
        }
        current = ProtoField(number: Int(truncatingIfNeeded: number), wireType: .varint)
        return error(.invalidWireType, at: start)
    }

    @usableFromInline
    mutating func skipCurrent(into unknown: inout ProtoUnknownFields) throws(ProtoDecodeError) {
        try skipValue(current)
        unknown.append(UnsafeRawBufferPointer(start: base + fieldStart, count: position &- fieldStart))
        valueStart = -1
    }

    /// Skips the value of `field` (its tag already read); a group is skipped through its end tag.
    @usableFromInline
    mutating func skipValue(_ field: ProtoField) throws(ProtoDecodeError) {
        switch field.wireType {
        case .varint: _ = try readVarint()
        case .fixed64: try need(8); position &+= 8
        case .fixed32: try need(4); position &+= 4
        case .lengthDelimited:
            let n = try readLength()
            position &+= n
        case .startGroup:
            try skipGroup(number: field.number)
        case .endGroup:
            throw error(.endGroupMismatch, at: position)
        }
    }

    @usableFromInline
    mutating func skipGroup(number: Int) throws(ProtoDecodeError) {
        if depth >= maxDepth { throw error(.nestingTooDeep, at: position) }
        depth += 1
        let saved = current
        while true {
            if position >= end {
                current = saved
                throw error(.truncated, at: position)
            }
            let tagStart = position
            let field = try readTag()
            current = field
            if field.wireType == .endGroup {
                if field.number != number { throw error(.endGroupMismatch, at: tagStart) }
                break
            }
            try skipValue(field)
        }
        depth -= 1
        current = saved
    }

    /// How many records of `field` follow one another from here, this one included (its tag just
    /// read), so that a repeated field or map allocates once: encoders write a field's records
    /// together. A quick scan of tags and lengths that stops at the first other field, a group or
    /// anything malformed: the count is only a capacity hint, decoding proper reports errors.
    @inlinable
    func recordCount(of field: ProtoField) -> Int {
        Self.recordCount(
            base: base, from: position, end: end,
            wireType: UInt64(field.wireType.rawValue), number: UInt64(field.number))
    }

    /// `recordCount(of:)` on scalars: a call that passes the whole reader would copy it.
    @usableFromInline
    static func recordCount(
        base: UnsafeRawPointer, from position: Int, end e: Int, wireType: UInt64, number: UInt64
    ) -> Int {
        func byte(at offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }
        var p = position
        var count = 1
        let wanted = number << 3 | wireType
        if wireType == 2 && wanted < 0x80 {
            // The common case (strings, messages, map entries of fields 1…15): one-byte tags, compared
            // as bytes, and lengths read without a general varint loop when they fit one byte.
            let tag = UInt8(truncatingIfNeeded: wanted)
            while true {
                if p >= e { return count }
                var length = Int(byte(at: p))
                p &+= 1
                if length >= 0x80 {
                    length &= 0x7F
                    var shift = 7
                    while true {
                        if p >= e || shift > 28 { return count }
                        let b = byte(at: p)
                        p &+= 1
                        length |= Int(b & 0x7F) &<< shift
                        if b < 0x80 { break }
                        shift &+= 7
                    }
                }
                if length > e &- p { return count }
                p &+= length
                if p >= e || byte(at: p) != tag { return count }
                p &+= 1
                count &+= 1
            }
        }
        while true {
            // Skip the value of the record whose tag was read last.
            switch wireType {
            case 0:
                while p < e && byte(at: p) >= 0x80 { p &+= 1 }
                p &+= 1
            case 1: p &+= 8
            case 5: p &+= 4
            case 2:
                var length: UInt64 = 0
                var shift: UInt64 = 0
                while p < e && shift < 64 {
                    let b = byte(at: p)
                    p &+= 1
                    length |= UInt64(b & 0x7F) &<< shift
                    if b < 0x80 { break }
                    shift &+= 7
                }
                if length > UInt64(e &- p) { return count }
                p &+= Int(truncatingIfNeeded: length)
            default: return count
            }
            if p >= e { return count }
            // Next tag.
            var key: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                if p >= e || shift >= 64 { return count }
                let b = byte(at: p)
                p &+= 1
                key |= UInt64(b & 0x7F) &<< shift
                if b < 0x80 { break }
                shift &+= 7
            }
            if key != wanted { return count }
            count &+= 1
        }
    }

    // MARK: - Primitive values

    @inlinable
    func need(_ n: Int) throws(ProtoDecodeError) {
        if end &- position < n { throw error(.truncated, at: position) }
    }

    /// Reads a varint (1 … 10 bytes; bits beyond the 64th in a 10th byte are ignored).
    @inlinable @inline(__always)
    public mutating func readVarint() throws(ProtoDecodeError) -> UInt64 {
        // One and two bytes inline: every tag of fields 1…2047, most lengths and small numbers.
        if end &- position >= 2 {
            let b0 = byte(at: position)
            if b0 < 0x80 {
                position &+= 1
                return UInt64(b0)
            }
            let b1 = byte(at: position &+ 1)
            if b1 < 0x80 {
                position &+= 2
                return UInt64(b0 & 0x7F) | UInt64(b1) << 7
            }
        } else if position < end {
            let b0 = byte(at: position)
            if b0 < 0x80 {
                position &+= 1
                return UInt64(b0)
            }
        }
        return try readVarintSlow()
    }

    @usableFromInline
    mutating func readVarintSlow() throws(ProtoDecodeError) -> UInt64 {
        if end &- position >= 10 {
            // Enough bytes for the longest varint: up to 8 bytes decoded from one load, without a
            // branch per byte (packed int64 runs are mostly long varints). Kept apart from the
            // error paths below so that this path needs no stack frame.
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let stops = ~word & 0x8080_8080_8080_8080
            if stops != 0 {
                let length = (stops.trailingZeroBitCount &+ 1) &>> 3  // 1…8 bytes
                // Keep the varint's own bytes, then drop each byte's continuation bit.
                var v = length == 8 ? word : word & ((1 &<< UInt64(length &* 8)) &- 1)
                v =
                    (v & 0x7F) | (v & 0x7F00) &>> 1 | (v & 0x7F_0000) &>> 2 | (v & 0x7F00_0000) &>> 3
                    | (v & 0x7F_0000_0000) &>> 4 | (v & 0x7F00_0000_0000) &>> 5
                    | (v & 0x7F_0000_0000_0000) &>> 6 | (v & 0x7F00_0000_0000_0000) &>> 7
                position &+= length
                return v
            }
        }
        return try readVarintLong()
    }

    /// Varints of 9 or 10 bytes, varints near the end of the input, and malformed ones.
    @usableFromInline @inline(never)
    mutating func readVarintLong() throws(ProtoDecodeError) -> UInt64 {
        if end &- position >= 10 {
            // No bounds check per byte.
            var p = position
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while shift < 64 {
                let b = byte(at: p)
                p &+= 1
                result |= UInt64(b & 0x7F) &<< shift
                if b < 0x80 {
                    position = p
                    return result
                }
                shift &+= 7
            }
            throw error(.varintTooLong, at: position)
        }
        let start = position
        var p = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            if p >= end { throw error(.truncated, at: start) }
            let b = byte(at: p)
            p &+= 1
            result |= UInt64(b & 0x7F) &<< shift
            if b < 0x80 {
                position = p
                return result
            }
            shift &+= 7
            if shift > 63 { throw error(.varintTooLong, at: start) }
        }
    }

    /// Reads 4 bytes little-endian.
    @inlinable
    public mutating func readFixed32() throws(ProtoDecodeError) -> UInt32 {
        if end &- position < 4 { throw error(.truncated, at: position) }
        let v = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt32.self))
        position &+= 4
        return v
    }

    /// Reads 8 bytes little-endian.
    @inlinable
    public mutating func readFixed64() throws(ProtoDecodeError) -> UInt64 {
        if end &- position < 8 { throw error(.truncated, at: position) }
        let v = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        position &+= 8
        return v
    }

    /// Reads a length prefix and checks that that many bytes follow.
    @inlinable @inline(__always)
    public mutating func readLength() throws(ProtoDecodeError) -> Int {
        let start = position
        let n = try readVarint()
        if n > UInt64(end &- position) { throw error(.lengthPastEnd, at: start) }
        return Int(truncatingIfNeeded: n)
    }

    /// Reads a length-delimited payload and lends it to `body` (valid only during the call).
    @inlinable
    public mutating func withLengthDelimited<R>(
        _ body: (UnsafeRawBufferPointer) throws(ProtoDecodeError) -> R
    ) throws(ProtoDecodeError) -> R {
        let n = try readLength()
        let start = position
        position &+= n
        return try body(UnsafeRawBufferPointer(start: base + start, count: n))
    }

    /// Reads a length-delimited string, rejecting invalid UTF-8.
    @inlinable
    public mutating func readString() throws(ProtoDecodeError) -> String {
        let n = try readLength()
        let start = position
        if n == 0 { return "" }
        let from = base + start
        if let small = SmallString.ascii(from, count: n) {
            position &+= n
            return small
        }
        if n >= UTF8Validation.largeString { return try readLargeString(count: n) }
        guard UTF8Validation.isASCII(from, count: n) || UTF8Validation.isValid(from, count: n) else {
            throw error(.invalidUTF8, at: start)
        }
        position &+= n
        return String(unsafeUninitializedCapacity: n) { buffer in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: from, byteCount: n)
            return n
        }
    }

    /// `readString` for `UTF8Validation.largeString` bytes or more (the length already read): one pass
    /// of the standard library's validation (a word-at-a-time ASCII check first) and one copy. Out of
    /// line, so that the inlined path of short strings stays as small as it was.
    @usableFromInline @inline(never)
    mutating func readLargeString(count n: Int) throws(ProtoDecodeError) -> String {
        guard let string = UTF8Validation.string(base + position, count: n) else {
            throw error(.invalidUTF8, at: position)
        }
        position &+= n
        return string
    }

    /// Reads length-delimited bytes (one copy, into the returned array).
    @inlinable
    public mutating func readBytes() throws(ProtoDecodeError) -> [UInt8] {
        let n = try readLength()
        if n == 0 { return [] }
        let start = position
        position &+= n
        return [UInt8](UnsafeRawBufferPointer(start: base + start, count: n))
    }

    /// Reads a length-delimited nested message, merging it into `message`.
    @inlinable
    public mutating func readMessage<M: ProtoMessage>(into message: inout M) throws(ProtoDecodeError) {
        let n = try readLength()
        if depth >= maxDepth { throw error(.nestingTooDeep, at: position) }
        let savedEnd = end
        let savedStart = fieldStart
        let savedCurrent = current
        let savedGroup = groupNumber
        end = position &+ n
        depth &+= 1
        valueStart = -1
        groupNumber = 0  // an enclosing group's END_GROUP tag inside this message is an error
        try message.decodeMerge(from: &self)
        position = end
        depth &-= 1
        end = savedEnd
        fieldStart = savedStart
        current = savedCurrent
        groupNumber = savedGroup
    }
}
