/// The message types protobuf JSON may meet inside a `google.protobuf.Any`, by full name.
///
/// The JSON form of an `Any` is the JSON of the message it holds plus an `"@type"` member, so
/// writing or reading it needs the Swift type behind the type URL. Pass the types in the options:
///
/// ```swift
/// let registry = ProtoTypeRegistry([Acme_V1_Order.self, Acme_V1_Refund.self])
/// let json = try envelope.jsonString(options: ProtoJSONEncodingOptions(typeRegistry: registry))
/// let back = try Acme_V1_Envelope(jsonString: json, options: ProtoJSONDecodingOptions(typeRegistry: registry))
/// ```
///
/// The well-known types (`google.protobuf.Timestamp`, `Duration`, the wrappers, `Struct`, `Value`,
/// `ListValue`, `FieldMask`, `Empty`, `Any`) need no registration. Two registries are equal when they
/// map the same names to the same Swift types.
public struct ProtoTypeRegistry: Sendable, Hashable {
    private var types: [String: any ProtoJSONCodable.Type] = [:]

    /// An empty registry.
    public init() {}

    /// A registry of `types` (a repeated full name: the last type wins).
    public init(_ types: [any ProtoJSONCodable.Type]) {
        for type in types { register(type) }
    }

    /// Adds `type` under its full name, replacing a type registered under the same name.
    public mutating func register(_ type: any ProtoJSONCodable.Type) {
        types[type.protoMessageName] = type
    }

    /// The type registered under a full message name (`acme.v1.Order`), if any.
    public func messageType(named fullName: some StringProtocol) -> (any ProtoJSONCodable.Type)? {
        types[String(fullName)]
    }

    /// The full names of the registered types, sorted.
    public var messageNames: [String] { types.keys.sorted() }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.types.count == rhs.types.count
            && lhs.types.allSatisfy { name, type in
                rhs.types[name].map { ObjectIdentifier($0) == ObjectIdentifier(type) } ?? false
            }
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: the sum of the entries' hashes.
        var sum = 0
        for (name, type) in types {
            var entry = Hasher()
            entry.combine(name)
            entry.combine(ObjectIdentifier(type))
            sum &+= entry.finalize()
        }
        hasher.combine(types.count)
        hasher.combine(sum)
    }
}
