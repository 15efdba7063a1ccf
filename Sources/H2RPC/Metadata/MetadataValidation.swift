extension Metadata {
    /// Checks that every entry can be sent as gRPC metadata: keys of `0-9 a-z _ - .` (not empty),
    /// and text values of printable ASCII (0x20…0x7E); any bytes may go in a `-bin` key's value.
    ///
    /// Calls run it when they start and servers when they send headers or trailers, so that an
    /// entry that cannot be sent fails the call instead of being dropped. Call it yourself to
    /// find out earlier.
    /// - Throws: ``RPCError`` INTERNAL naming the first bad key, and for a value the offending
    ///   byte and its offset.
    public func validate() throws(RPCError) {
        if let error = validationError() { throw error }
    }

    /// The error ``validate()`` throws, nil when every entry can be sent.
    func validationError() -> RPCError? {
        for entry in self {
            guard Self.isValidKey(entry.key) else {
                return RPCError(
                    code: .internal,
                    message:
                        "metadata key \"\(entry.key)\" is not valid: keys are lower-case ASCII letters, digits, '-', '_' and '.'"
                )
            }
            guard case .string(let text) = entry.value else { continue }
            if let offset = text.utf8.firstIndex(where: { $0 < 0x20 || $0 > 0x7E }) {
                let byte = text.utf8[offset]
                let position = text.utf8.distance(from: text.utf8.startIndex, to: offset)
                let hex = String(byte, radix: 16, uppercase: true)
                return RPCError(
                    code: .internal,
                    message:
                        "metadata value of \"\(entry.key)\" is not printable ASCII (byte 0x\(byte < 16 ? "0" : "")\(hex) at offset \(position)): "
                        + "use a key ending in \"-bin\" for other bytes")
            }
        }
        return nil
    }
}
