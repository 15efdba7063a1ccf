/// Why decoding protobuf bytes failed, and where.
///
/// `offset` is the byte offset in the input where the offending item starts; `fieldNumber` is the
/// field being read when it is known. The description reads "what at offset N (field F)".
public struct ProtoDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// The input ends in the middle of a tag or value (or before an open group's end).
        case truncated
        /// A varint runs past 10 bytes.
        case varintTooLong
        /// A length prefix points past the end of the enclosing message.
        case lengthPastEnd
        /// Wire type 6 or 7.
        case invalidWireType
        /// Field number 0 or above 536 870 911 (2^29 − 1).
        case invalidFieldNumber
        /// An end-group tag without a matching start-group tag of the same field number.
        case endGroupMismatch
        /// A `string` field holds bytes that are not valid UTF-8.
        case invalidUTF8
        /// Messages or groups nest deeper than `ProtoDecodeLimits.maxDepth`.
        case nestingTooDeep
        /// The input is larger than `ProtoDecodeLimits.maxMessageSize`.
        case messageTooLarge
    }

    /// What went wrong.
    public var kind: Kind
    /// Byte offset in the input where the offending item starts.
    public var offset: Int
    /// The field being read, when known.
    public var fieldNumber: Int?

    /// Creates an error of `kind` at byte `offset`, in field `fieldNumber` when known.
    public init(_ kind: Kind, offset: Int, fieldNumber: Int? = nil) {
        self.kind = kind
        self.offset = offset
        self.fieldNumber = fieldNumber
    }

    public var description: String {
        let what: String
        switch kind {
        case .truncated: what = "truncated input"
        case .varintTooLong: what = "varint longer than 10 bytes"
        case .lengthPastEnd: what = "length past the end"
        case .invalidWireType: what = "invalid wire type"
        case .invalidFieldNumber: what = "invalid field number"
        case .endGroupMismatch: what = "mismatched end-group"
        case .invalidUTF8: what = "invalid UTF-8 in a string"
        case .nestingTooDeep: what = "nesting too deep"
        case .messageTooLarge: what = "message too large"
        }
        if let fieldNumber {
            return "\(what) at offset \(offset) (field \(fieldNumber))"
        }
        return "\(what) at offset \(offset)"
    }
}
