// Reading closed (proto2) enum fields. A number the enum does not declare is not stored: the record
// goes to unknown fields byte-exact (the helper "un-reads" it, so that `nextField` keeps it), and an
// element of a packed run goes there as a varint record of the same field — what python protobuf
// (upb) and C++ do, so a round trip through either gives the same bytes.

extension ProtoReader {
    /// The value numbered by the varint just read, or nil (and the current record left unconsumed,
    /// so that `nextField` keeps it as an unknown field) when `E` does not declare that number.
    @inlinable
    mutating func closedEnumValue<E: ProtoClosedEnum>(_ type: E.Type) throws(ProtoDecodeError) -> E? {
        guard let value = E(rawValue: Int32(truncatingIfNeeded: try readVarint())) else {
            position = valueStart
            return nil
        }
        return value
    }

    /// Reads a singular closed enum field with presence; an undeclared number leaves it unchanged.
    @inlinable @discardableResult
    public mutating func readClosedEnum<E: ProtoClosedEnum>(
        _ field: ProtoField, into value: inout E?
    ) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == .varint, let known = try closedEnumValue(E.self) else { return false }
        value = known
        return true
    }

    /// Reads a closed enum member of a oneof; an undeclared number leaves the oneof unchanged.
    @inlinable @discardableResult
    public mutating func readClosedEnum<E: ProtoClosedEnum, Choice>(
        _ field: ProtoField, into oneof: inout Choice?, as make: (E) -> Choice
    ) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == .varint, let known = try closedEnumValue(E.self) else { return false }
        oneof = make(known)
        return true
    }

    /// Reads one record of a repeated closed enum field, packed or not. Undeclared numbers are not
    /// appended: an unpacked record stays unknown as it is; an element of a packed run is appended
    /// to `unknown` as a varint record of this field.
    @inlinable @discardableResult
    public mutating func readRepeatedClosedEnum<E: ProtoClosedEnum>(
        _ field: ProtoField, into values: inout [E], unknown: inout ProtoUnknownFields
    ) throws(ProtoDecodeError) -> Bool {
        if field.wireType == .varint {
            guard let known = try closedEnumValue(E.self) else { return false }
            values.append(known)
            return true
        }
        guard field.wireType == .lengthDelimited else { return false }
        let n = try readLength()
        let stop = position &+ n
        let savedEnd = end
        end = stop
        while position < stop {
            let raw = try readVarint()
            if let known = E(rawValue: Int32(truncatingIfNeeded: raw)) {
                values.append(known)
            } else {
                unknown.appendVarintRecord(field: field.number, raw)
            }
        }
        end = savedEnd
        return true
    }

    /// Reads one map entry record whose value is a closed enum (key = field 1, value = field 2, a
    /// missing one is its default). An entry whose value the enum does not declare is not stored:
    /// the whole record stays unknown.
    @inlinable @discardableResult
    public mutating func readMap<K: ProtoMapKeyType, E: ProtoClosedEnum>(
        _ keyType: K.Type, closedEnum: E.Type, _ field: ProtoField, into map: inout [K.Value: E]
    ) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == .lengthDelimited else { return false }
        // The value as its raw int32 (a closed enum's wire form), checked against E afterwards.
        let (key, raw) = try readMapEntry(K.self, ProtoInt32.self)
        guard let value = E(rawValue: raw) else {
            position = valueStart
            return false
        }
        map[key] = value
        return true
    }
}

extension ProtoUnknownFields {
    /// Appends a varint record: the tag of `field` (wire type 0), then `value`.
    @inlinable
    mutating func appendVarintRecord(field: Int, _ value: UInt64) {
        var v = UInt64(field) << 3
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
        v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}
