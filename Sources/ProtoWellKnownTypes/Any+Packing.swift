public import ProtoWire

extension Google_Protobuf_AnyMessage {
    /// `message` serialized under the type URL `<typePrefix>/<its full name>`.
    public init<M: ProtoJSONCodable>(packing message: M, typePrefix: String = "type.googleapis.com") {
        self.init()
        typeURL = typePrefix + "/" + M.protoMessageName
        value = message.serializedBytes()
    }

    /// The full name of the held message type: the type URL after its last `/`.
    public var typeName: Substring {
        guard let slash = typeURL.lastIndex(of: "/") else { return typeURL[...] }
        return typeURL[typeURL.index(after: slash)...]
    }

    /// Whether the Any holds an `M`.
    public func holds<M: ProtoJSONCodable>(_ type: M.Type) -> Bool { typeName == M.protoMessageName }

    /// The held message when it is an `M`; nil when it is another type.
    /// - Throws: `ProtoDecodeError` when the bytes are not a valid `M`.
    public func unpack<M: ProtoJSONCodable>(_ type: M.Type) throws(ProtoDecodeError) -> M? {
        guard holds(M.self) else { return nil }
        return try M(serializedBytes: value)
    }
}
