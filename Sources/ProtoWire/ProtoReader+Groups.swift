// proto2 groups (wire types 3 and 4): a group field's value is its message's fields written between a
// START_GROUP tag and the END_GROUP tag of the same field number, with no length prefix.
//
// The group's message reads fields as usual; `nextField` ends it at the END_GROUP tag of the group's
// number (`groupNumber`), so a group is read in one pass: nested groups cost no rescanning of their
// bodies (a two-pass read would scan a group nested d deep d times).

extension ProtoReader {
    /// Reads a group whose START_GROUP tag (of field `number`) was just read, merging its fields into
    /// `message`; the reader ends up after the matching END_GROUP tag.
    /// - Throws: `.endGroupMismatch` for an END_GROUP tag of another field, `.truncated` when the input
    ///   ends before the group does, `.nestingTooDeep` past `ProtoDecodeLimits.maxDepth`.
    @inlinable
    public mutating func readGroup<M: ProtoMessage>(number: Int, into message: inout M) throws(ProtoDecodeError) {
        if depth >= maxDepth { throw error(.nestingTooDeep, at: position) }
        let savedStart = fieldStart
        let savedCurrent = current
        let savedGroup = groupNumber
        groupNumber = number
        groupClosed = false
        depth &+= 1
        valueStart = -1
        try message.decodeMerge(from: &self)
        if !groupClosed {
            // The input (or the enclosing message) ended first: name the group's field.
            current = savedCurrent
            throw error(.truncated, at: position)
        }
        groupClosed = false
        valueStart = -1  // the group field was consumed
        depth &-= 1
        groupNumber = savedGroup
        fieldStart = savedStart
        current = savedCurrent
    }

    /// Reads a singular group field with presence, merging into it when already present.
    @inlinable @discardableResult
    public mutating func readGroup<M: ProtoMessage>(
        _ field: ProtoField, into message: inout M?
    ) throws(ProtoDecodeError) -> Bool {
        guard field.wireType == .startGroup else { return false }
        var value = message ?? M()
        try readGroup(number: field.number, into: &value)
        message = value
        return true
    }

    /// Reads one record of a repeated group field: appends one element.
    @inlinable @discardableResult
    public mutating func readRepeatedGroup<M: ProtoMessage>(
        _ field: ProtoField, into values: inout [M]
    ) throws(ProtoDecodeError) -> Bool {
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
