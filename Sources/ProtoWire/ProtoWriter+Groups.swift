// proto2 groups: START_GROUP tag, the message's fields, END_GROUP tag of the same field number — no
// length prefix, so writing one needs no size of its body. Each writer helper has a `ProtoSize` twin.

extension ProtoWriter {
    /// Writes a group: its start tag, `message`'s fields, its end tag.
    @inlinable
    public mutating func writeGroup<M: ProtoMessage>(_ message: M, field: Int) {
        writeTag(field: field, wireType: .startGroup)
        message.encode(to: &self)
        writeTag(field: field, wireType: .endGroup)
    }

    /// Writes a group when present.
    @inlinable
    public mutating func writeGroupIfPresent<M: ProtoMessage>(_ message: M?, field: Int) {
        guard let message else { return }
        writeGroup(message, field: field)
    }

    /// Writes a repeated group field, one group per element.
    @inlinable
    public mutating func writeRepeatedGroup<M: ProtoMessage>(_ messages: [M], field: Int) {
        for i in messages.indices { writeGroup(messages[i], field: field) }
    }
}

extension ProtoSize {
    /// A group: two tags around the message's fields.
    @inlinable
    public static func group<M: ProtoMessage>(_ message: M, field: Int) -> Int {
        2 &* tag(field: field) &+ message.encodedSize()
    }

    /// A group, or 0 when absent.
    @inlinable
    public static func groupIfPresent<M: ProtoMessage>(_ message: M?, field: Int) -> Int {
        guard let message else { return 0 }
        return group(message, field: field)
    }

    /// A repeated group field.
    @inlinable
    public static func repeatedGroup<M: ProtoMessage>(_ messages: [M], field: Int) -> Int {
        var total = messages.count &* 2 &* tag(field: field)
        for i in messages.indices { total &+= messages[i].encodedSize() }
        return total
    }
}
