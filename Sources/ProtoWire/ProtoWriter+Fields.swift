// The field helpers generated code calls from `encode(to:)`, in field-number order.
// Each has a `ProtoSize` twin that `encodedSize()` calls with the same arguments.

extension ProtoWriter {
    /// Writes tag and value, whatever the value (explicit presence, oneof members).
    @inlinable @inline(__always)
    public mutating func write<T: ProtoFieldType>(_ type: T.Type, _ value: T.Value, field: Int) {
        writeTag(field: field, wireType: T.wireType)
        T.write(value, to: &self)
    }

    /// Writes tag and value unless the value is the default (implicit presence: proto3 plain fields).
    @inlinable @inline(__always)
    public mutating func writeNonDefault<T: ProtoFieldType>(_ type: T.Type, _ value: T.Value, field: Int) {
        if T.isDefault(value) { return }
        writeTag(field: field, wireType: T.wireType)
        T.write(value, to: &self)
    }

    /// Writes tag and value when present (explicit presence: `optional`, singular messages).
    @inlinable @inline(__always)
    public mutating func writeIfPresent<T: ProtoFieldType>(_ type: T.Type, _ value: T.Value?, field: Int) {
        guard let value else { return }
        writeTag(field: field, wireType: T.wireType)
        T.write(value, to: &self)
    }

    /// Writes a repeated field one record per element (strings, bytes, messages, `[packed = false]`).
    @inlinable @inline(__always)
    public mutating func writeRepeated<T: ProtoFieldType>(_ type: T.Type, _ values: [T.Value], field: Int) {
        // Indexing borrows each element; `for value in values` would copy it (retain/release of its storage).
        for i in values.indices {
            writeTag(field: field, wireType: T.wireType)
            T.write(values[i], to: &self)
        }
    }

    /// Writes a packed repeated field as one length-delimited record; nothing when empty.
    @inlinable
    public mutating func writePacked<T: ProtoPackableType>(_ type: T.Type, _ values: [T.Value], field: Int) {
        if values.isEmpty { return }
        writeTag(field: field, wireType: .lengthDelimited)
        writeVarint(UInt64(ProtoSize.packedPayload(T.self, values)))
        for i in values.indices { T.write(values[i], to: &self) }
    }

    /// Writes a map field, one entry record per key (key = 1, value = 2, both always written), in
    /// ascending key order so that the output is deterministic (Swift dictionaries iterate in a
    /// per-process random order). Up to a few hundred entries sort without a heap allocation.
    @inlinable
    public mutating func writeMap<K: ProtoMapKeyType, V: ProtoFieldType>(
        _ keyType: K.Type, _ valueType: V.Type, _ map: [K.Value: V.Value], field: Int
    ) {
        switch map.count {
        case 0: return
        case 1:
            let (key, value) = map.first!
            writeMapEntry(K.self, V.self, key, value, field: field)
        default:
            withUnsafeTemporaryAllocation(of: Dictionary<K.Value, V.Value>.Index.self, capacity: map.count) { buffer in
                var order = buffer
                var i = 0
                var index = map.startIndex
                while index != map.endIndex {
                    (order.baseAddress! + i).initialize(to: index)
                    i += 1
                    index = map.index(after: index)
                }
                order.sort { K.precedes(map[$0].key, map[$1].key) }
                for index in order {
                    let (key, value) = map[index]
                    writeMapEntry(K.self, V.self, key, value, field: field)
                }
                _ = order.deinitialize()
            }
        }
    }

    @inlinable
    mutating func writeMapEntry<K: ProtoMapKeyType, V: ProtoFieldType>(
        _ keyType: K.Type, _ valueType: V.Type, _ key: K.Value, _ value: V.Value, field: Int
    ) {
        writeTag(field: field, wireType: .lengthDelimited)
        writeVarint(UInt64(ProtoSize.mapEntry(K.self, V.self, key, value)))
        writeTag(field: 1, wireType: K.wireType)
        K.write(key, to: &self)
        writeTag(field: 2, wireType: V.wireType)
        V.write(value, to: &self)
    }

    /// Writes a nested message with tag and length (`write(ProtoMessageType<M>.self, message, field:)`).
    @inlinable
    public mutating func writeMessage<M: ProtoMessage>(_ message: M, field: Int) {
        write(ProtoMessageType<M>.self, message, field: field)
    }

    /// Writes preserved unknown fields byte-exact (after the known fields).
    @inlinable @inline(__always)
    public mutating func writeUnknown(_ unknown: ProtoUnknownFields) {
        if unknown.bytes.isEmpty { return }
        unknown.bytes.withUnsafeBytes { writeRaw($0) }
    }
}
