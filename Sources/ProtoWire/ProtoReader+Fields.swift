// The field helpers generated code calls from `decodeMerge(from:)`. Each takes the field as returned
// by `nextField` and returns whether it consumed it; a field with an unexpected wire type is left
// alone, and `nextField` then keeps it as an unknown field.

extension ProtoReader {
    /// Reads a singular field: scalars replace `value` (last one wins), messages merge into it.
    // Always inlined: otherwise the optimizer merges the near-identical specializations (double,
    // fixed64, …) into one that calls `T.read` through the witness table.
    @inlinable @inline(__always) @discardableResult
    public mutating func read<T: ProtoFieldType>(
        _ type: T.Type, _ field: ProtoField, into value: inout T.Value
    ) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == T.wireType else { return false }
        try T.read(into: &value, from: &self)
        return true
    }

    /// Reads a field with explicit presence: sets `value`, or merges into it when it is a present message.
    @inlinable @discardableResult
    public mutating func read<T: ProtoFieldType>(
        _ type: T.Type, _ field: ProtoField, into value: inout T.Value?
    ) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == T.wireType else { return false }
        // In place: a copy out and back would retain and release a present message's storage.
        if value == nil { value = T.defaultValue }
        try T.read(into: &value!, from: &self)
        return true
    }

    /// Reads a oneof member: `make` wraps the value in the oneof's case; `current` extracts this
    /// member's value from the oneof when it is set (pass it for message members, so that a repeated
    /// occurrence merges; leave it out for scalars, which replace). Another set member is replaced.
    @inlinable @discardableResult
    public mutating func read<T: ProtoFieldType, Choice>(
        _ type: T.Type, _ field: ProtoField, into oneof: inout Choice?,
        as make: (T.Value) -> Choice, current: (Choice) -> T.Value? = { _ in nil }
    ) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == T.wireType else { return false }
        var v = oneof.flatMap(current) ?? T.defaultValue
        try T.read(into: &v, from: &self)
        oneof = make(consume v)
        return true
    }

    /// Reads one record of a repeated non-packable field (string, bytes, message): appends one element.
    /// On the first record, the array reserves room for all the records of this field in the message.
    @inlinable @discardableResult
    public mutating func readRepeated<T: ProtoFieldType>(
        _ type: T.Type, _ field: ProtoField, into values: inout [T.Value]
    ) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == T.wireType else { return false }
        if values.isEmpty { values.reserveCapacity(recordCount(of: field)) }
        var v = T.defaultValue
        try T.read(into: &v, from: &self)
        values.append(consume v)  // a move: a copy would retain and release each field of a message
        return true
    }

    /// Reads one record of a repeated packable field, packed (a run of elements) or not (one element):
    /// both forms are accepted whatever the declaration.
    @inlinable @discardableResult
    public mutating func readRepeated<T: ProtoPackableType>(
        _ type: T.Type, _ field: ProtoField, into values: inout [T.Value]
    ) throws(ProtoDecodeError) -> Bool {
        if field.wireType == T.wireType {
            var v = T.defaultValue
            try T.read(into: &v, from: &self)
            values.append(v)
            return true
        }
        guard field.wireType == .lengthDelimited else { return false }
        let n = try readLength()
        if n == 0 { return true }
        let stop = position &+ n
        // Exactly the number of elements a well-formed run holds (a malformed one throws before
        // filling more): each varint ends in one byte below 0x80.
        let count = packedCount(T.wireType, bytes: n)
        let savedEnd = end
        end = stop
        // Decoded into a scratch buffer, then added to the array at once: one allocation of the
        // right size, and no capacity and uniqueness checks per element.
        try withUnsafeTemporaryAllocation(of: T.Value.self, capacity: count) { (scratch) throws(ProtoDecodeError) in
            var decoded = 0
            while position < stop {
                var v = T.defaultValue
                try T.read(into: &v, from: &self)
                if decoded == count { throw error(.truncated, at: position) }  // unreachable if count is right
                (scratch.baseAddress! + decoded).initialize(to: v)
                decoded &+= 1
            }
            let elements = UnsafeBufferPointer(start: scratch.baseAddress, count: decoded)
            if values.isEmpty {
                values = Array(elements)
            } else {
                values.append(contentsOf: elements)
            }
            scratch.baseAddress!.deinitialize(count: decoded)  // scalars: compiles to nothing
        }
        end = savedEnd
        return true
    }

    /// How many elements a packed run of `n` bytes holds if well-formed (fewer decode if it is not).
    @inlinable
    func packedCount(_ wireType: ProtoWireType, bytes n: Int) -> Int {
        switch wireType {
        case .fixed32: return n >> 2
        case .fixed64: return n >> 3
        default:
            // Varints: count the bytes below 0x80, eight at a time.
            var count = 0
            var p = position
            let stop = position &+ n
            while stop &- p >= 8 {
                let word = base.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                count &+= (~word & 0x8080_8080_8080_8080).nonzeroBitCount
                p &+= 8
            }
            while p < stop {
                if byte(at: p) < 0x80 { count &+= 1 }
                p &+= 1
            }
            return count
        }
    }

    /// Reads one map entry record (key = field 1, value = field 2; a missing one is its default; other
    /// fields inside the entry are skipped). The last entry for a key wins.
    @inlinable @discardableResult
    public mutating func readMap<K: ProtoMapKeyType, V: ProtoFieldType>(
        _ keyType: K.Type, _ valueType: V.Type, _ field: ProtoField, into map: inout [K.Value: V.Value]
    ) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == .lengthDelimited else { return false }
        // `Dictionary(minimumCapacity:)` is specialized here; `reserveCapacity` runs unspecialized
        // library code that looks the storage type's metadata up on every call.
        if map.isEmpty { map = Dictionary(minimumCapacity: recordCount(of: field)) }
        let (key, value) = try readMapEntry(K.self, V.self)
        map[consume key] = consume value
        return true
    }

    /// The key and value of the map entry record whose tag was just read (key = field 1, value =
    /// field 2; a missing one is its default; other fields inside the entry are skipped).
    @inlinable @inline(__always)
    mutating func readMapEntry<K: ProtoMapKeyType, V: ProtoFieldType>(
        _ keyType: K.Type, _ valueType: V.Type
    ) throws(ProtoDecodeError) -> (K.Value, V.Value) {
        let n = try readLength()
        if depth >= maxDepth { throw error(.nestingTooDeep, at: position) }
        let savedEnd = end
        let savedCurrent = current
        end = position &+ n
        depth &+= 1
        var key = K.defaultValue
        var value = V.defaultValue
        while position < end {
            let inner = try readTag()
            current = inner
            if inner.number == 1 && inner.wireType == K.wireType {
                try K.read(into: &key, from: &self)
            } else if inner.number == 2 && inner.wireType == V.wireType {
                try V.read(into: &value, from: &self)
            } else {
                try skipValue(inner)
            }
        }
        depth &-= 1
        end = savedEnd
        current = savedCurrent
        return (key, value)
    }

    /// Reads a nested message field, merging into `message` (`read(ProtoMessageType<M>.self, …)`).
    @inlinable @discardableResult
    public mutating func readMessage<M: ProtoMessage>(
        _ field: ProtoField, into message: inout M
    ) throws(ProtoDecodeError) -> Bool {
        try read(ProtoMessageType<M>.self, field, into: &message)
    }

    /// Reads a nested message field with presence, merging into it when already present.
    @inlinable @discardableResult
    public mutating func readMessage<M: ProtoMessage>(
        _ field: ProtoField, into message: inout M?
    ) throws(ProtoDecodeError) -> Bool {
        try read(ProtoMessageType<M>.self, field, into: &message)
    }
}
