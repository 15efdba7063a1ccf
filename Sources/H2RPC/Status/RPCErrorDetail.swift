public import ProtoWire

extension RPCError {
    /// One detail of a `google.rpc.Status`: a packed message, with the fields of `google.protobuf.Any`.
    ///
    /// ```swift
    /// let detail = RPCError.Detail(packing: quota, typeName: "acme.v1.QuotaReport")
    /// if let report = try error.details.first?.unpack(AcmeV1QuotaReport.self, typeName: "acme.v1.QuotaReport") { … }
    /// ```
    public struct Detail: Sendable, Hashable, CustomStringConvertible {
        /// `type.googleapis.com/<full message name>` by convention; readers use the text after the last `/`.
        public var typeURL: String
        /// The serialized message.
        public var value: [UInt8]

        /// A detail from its type URL and serialized message.
        public init(typeURL: String, value: [UInt8]) {
            self.typeURL = typeURL
            self.value = value
        }

        /// `message` serialized, under the type URL `type.googleapis.com/<typeName>`.
        public init(packing message: some ProtoMessage, typeName: String) {
            self.init(typeURL: "type.googleapis.com/" + typeName, value: message.serializedBytes())
        }

        /// The full message name: the type URL after its last `/`.
        public var typeName: Substring {
            guard let slash = typeURL.lastIndex(of: "/") else { return typeURL[...] }
            return typeURL[typeURL.index(after: slash)...]
        }

        /// The message when the detail holds a `typeName`; nil when it holds another type.
        /// - Throws: `ProtoDecodeError` when the bytes are not a valid `M`.
        public func unpack<M: ProtoMessage>(_ type: M.Type, typeName: String) throws(ProtoDecodeError) -> M? {
            guard self.typeName == typeName else { return nil }
            return try M(serializedBytes: value)
        }

        /// "<type URL> (<n> bytes)".
        public var description: String { "\(typeURL) (\(value.count) bytes)" }
    }
}
