// proto2 groups (wire types 3 and 4): a group field's value is its message's fields written between a
// START_GROUP tag and the END_GROUP tag of the same field number, with no length prefix.
//
// Decoding first finds the group's extent (the scan `skipGroup` does, remembering where the END_GROUP
// tag starts), then decodes the body as a sub-message bounded there, as `readMessage` does for a
// length-delimited one. Groups are a legacy encoding; scanning twice keeps the hot path of
// `nextField` free of group bookkeeping.

extension ProtoReader {
    /// Reads a group whose START_GROUP tag (of field `number`) was just read, merging its fields into
    /// `message`; the reader ends up after the matching END_GROUP tag.
    /// - Throws: `.endGroupMismatch` for an END_GROUP tag of another field, `.truncated` when the input
    ///   ends before the group does, `.nestingTooDeep` past `ProtoDecodeLimits.maxDepth`.
    @inlinable
    public mutating func readGroup<M: ProtoMessage>(number: Int, into message: inout M) throws(ProtoDecodeError) {
        if depth >= maxDepth { throw error(.nestingTooDeep, at: position) }
        let bodyStart = position
        let bodyEnd = try groupBodyEnd(number: number)
        let after = position
        let savedEnd = end
        let savedStart = fieldStart
        let savedCurrent = current
        position = bodyStart
        end = bodyEnd
        depth &+= 1
        valueStart = -1
        try message.decodeMerge(from: &self)
        depth &-= 1
        position = after
        end = savedEnd
        fieldStart = savedStart
        current = savedCurrent
    }

    /// Scans a group body from here to the END_GROUP tag of field `number`; returns where that tag
    /// starts and leaves the reader after it.
    @usableFromInline
    mutating func groupBodyEnd(number: Int) throws(ProtoDecodeError) -> Int {
        depth &+= 1
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
                depth &-= 1
                current = saved
                return tagStart
            }
            try skipValue(field)
        }
    }

    /// Reads a singular group field with presence, merging into it when already present.
    @inlinable @discardableResult
    public mutating func readGroup<M: ProtoMessage>(_ field: ProtoField, into message: inout M?) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == .startGroup else { return false }
        var value = message ?? M()
        try readGroup(number: field.number, into: &value)
        message = value
        return true
    }

    /// Reads one record of a repeated group field: appends one element.
    @inlinable @discardableResult
    public mutating func readRepeatedGroup<M: ProtoMessage>(_ field: ProtoField, into values: inout [M]) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == .startGroup else { return false }
        var value = M()
        try readGroup(number: field.number, into: &value)
        values.append(value)
        return true
    }

    /// Reads a group member of a oneof: `make` wraps the value in the oneof's case, `current` extracts
    /// this member's value when it is the one set (a repeated occurrence then merges).
    @inlinable @discardableResult
    public mutating func readGroup<M: ProtoMessage, Choice>(
        _ field: ProtoField, into oneof: inout Choice?, as make: (M) -> Choice, current: (Choice) -> M?
    ) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == .startGroup else { return false }
        var value = oneof.flatMap(current) ?? M()
        try readGroup(number: field.number, into: &value)
        oneof = make(value)
        return true
    }
}
