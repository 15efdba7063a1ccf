/// Encoded sizes, mirroring `ProtoWriter`'s field helpers one for one: a message's `encodedSize()`
/// adds these up for exactly the fields its `encode(to:)` writes.
public enum ProtoSize {
    /// Bytes of a varint: 1 … 10.
    @inlinable
    public static func varint(_ value: UInt64) -> Int {
        // ceil(bit length / 7), at least 1: (64 − lz(v|1) + 6) / 7.
        (70 &- (value | 1).leadingZeroBitCount) / 7
    }

    /// Bytes of a tag for `field`.
    @inlinable
    public static func tag(field: Int) -> Int {
        varint(UInt64(field) << 3)
    }

    /// Tag and value, as `ProtoWriter.write(_:_:field:)` writes them.
    @inlinable
    public static func field<T: ProtoFieldType>(_ type: T.Type, _ value: T.Value, field: Int) -> Int {
        tag(field: field) + T.encodedSize(of: value)
    }

    /// Like `field`, or 0 when the value is the default (implicit presence).
    @inlinable
    public static func nonDefault<T: ProtoFieldType>(_ type: T.Type, _ value: T.Value, field: Int) -> Int {
        T.isDefault(value) ? 0 : tag(field: field) + T.encodedSize(of: value)
    }

    /// Like `field`, or 0 when the value is absent (explicit presence).
    @inlinable
    public static func ifPresent<T: ProtoFieldType>(_ type: T.Type, _ value: T.Value?, field: Int) -> Int {
        guard let value else { return 0 }
        return tag(field: field) + T.encodedSize(of: value)
    }

    /// A repeated field written one record per element.
    @inlinable
    public static func repeated<T: ProtoFieldType>(_ type: T.Type, _ values: [T.Value], field: Int) -> Int {
        var total = values.count * tag(field: field)
        for i in values.indices { total += T.encodedSize(of: values[i]) }  // borrows; for-in would copy
        return total
    }

    /// A packed repeated field: one length-delimited record, nothing when empty.
    @inlinable
    public static func packed<T: ProtoPackableType>(_ type: T.Type, _ values: [T.Value], field: Int) -> Int {
        if values.isEmpty { return 0 }
        let payload = packedPayload(T.self, values)
        return tag(field: field) + varint(UInt64(payload)) + payload
    }

    /// Bytes of a packed field's elements.
    @inlinable
    public static func packedPayload<T: ProtoPackableType>(_ type: T.Type, _ values: [T.Value]) -> Int {
        switch T.wireType {
        case .fixed32: return values.count &* 4
        case .fixed64: return values.count &* 8
        default:
            var total = 0
            for i in values.indices { total &+= T.encodedSize(of: values[i]) }
            return total
        }
    }

    /// A map field: one record per entry holding key (1) and value (2), both always written.
    @inlinable
    public static func map<K: ProtoMapKeyType, V: ProtoFieldType>(
        _ keyType: K.Type, _ valueType: V.Type, _ map: [K.Value: V.Value], field: Int
    ) -> Int {
        var total = map.count * tag(field: field)
        for (key, value) in map {
            let entry = mapEntry(K.self, V.self, key, value)
            total += varint(UInt64(entry)) + entry
        }
        return total
    }

    /// Bytes inside one map entry record.
    @inlinable
    public static func mapEntry<K: ProtoMapKeyType, V: ProtoFieldType>(
        _ keyType: K.Type, _ valueType: V.Type, _ key: K.Value, _ value: V.Value
    ) -> Int {
        2 + K.encodedSize(of: key) + V.encodedSize(of: value)
    }
}

extension ProtoSize {
    /// Bytes of preserved unknown fields.
    @inlinable
    public static func unknown(_ unknown: ProtoUnknownFields) -> Int {
        unknown.bytes.count
    }

    /// A nested message with tag and length (`field(ProtoMessageType<M>.self, message, field:)`).
    @inlinable
    public static func message<M: ProtoMessage>(_ message: M, field: Int) -> Int {
        self.field(ProtoMessageType<M>.self, message, field: field)
    }
}
