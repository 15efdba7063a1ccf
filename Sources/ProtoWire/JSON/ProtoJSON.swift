/// Options for writing protobuf's canonical JSON (proto3 JSON mapping).
public struct ProtoJSONEncodingOptions: Sendable, Hashable {
    /// Also write fields without presence (proto3 plain scalars, repeated fields, maps) at their
    /// defaults (`0`, `""`, `[]`, `{}`); fields with presence are written only when set.
    public var alwaysPrintFieldsWithoutPresence: Bool
    /// Keys are the `.proto` field names (`f_int32`) instead of the lowerCamel JSON names (`fInt32`).
    public var preserveProtoFieldNames: Bool
    /// Enum values as numbers instead of names.
    public var alwaysPrintEnumsAsInts: Bool
    /// The message types a `google.protobuf.Any` may hold (besides the well-known types); an `Any`
    /// holding another type throws `ProtoJSONError` of kind `.unknownAnyType`.
    public var typeRegistry: ProtoTypeRegistry
    /// How many `google.protobuf.Any`s enclose the message being written: each decodes the bytes it
    /// holds afresh, so the binary decoder's depth limit does not bound their nesting.
    package var anyDepth = 0

    /// Options; the defaults give the canonical form.
    public init(
        alwaysPrintFieldsWithoutPresence: Bool = false, preserveProtoFieldNames: Bool = false,
        alwaysPrintEnumsAsInts: Bool = false, typeRegistry: ProtoTypeRegistry = ProtoTypeRegistry()
    ) {
        self.alwaysPrintFieldsWithoutPresence = alwaysPrintFieldsWithoutPresence
        self.preserveProtoFieldNames = preserveProtoFieldNames
        self.alwaysPrintEnumsAsInts = alwaysPrintEnumsAsInts
        self.typeRegistry = typeRegistry
    }
}

/// Options for reading protobuf JSON.
public struct ProtoJSONDecodingOptions: Sendable, Hashable {
    /// Skip object members that name no field (and enum names the enum does not declare) instead of
    /// failing.
    public var ignoreUnknownFields: Bool
    /// How deep JSON arrays and objects may nest.
    public var maxDepth: Int
    /// The message types a `google.protobuf.Any` may hold (besides the well-known types); an
    /// `"@type"` naming another type throws `ProtoJSONError` of kind `.unknownAnyType`, whatever
    /// `ignoreUnknownFields` says.
    public var typeRegistry: ProtoTypeRegistry

    /// Options; by default unknown fields are errors.
    public init(
        ignoreUnknownFields: Bool = false, maxDepth: Int = JSONValue.defaultMaxDepth,
        typeRegistry: ProtoTypeRegistry = ProtoTypeRegistry()
    ) {
        self.ignoreUnknownFields = ignoreUnknownFields
        self.maxDepth = maxDepth
        self.typeRegistry = typeRegistry
    }
}

/// JSON that is not a valid protobuf JSON form of the message: what and where (`field` is the
/// JSON key path, e.g. `items.price`).
public struct ProtoJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error.
    public enum Kind: Sendable, Hashable {
        /// The JSON is not a valid form of the message, or the message has no JSON form.
        case invalid
        /// A `google.protobuf.Any` holds a message type the options' `typeRegistry` does not have
        /// (nor the well-known types): its type URL.
        case unknownAnyType(typeURL: String)
    }

    /// The key path of the offending member; empty for the top level.
    public var field: String
    /// What is wrong.
    public var message: String
    /// What kind of error.
    public var kind: Kind

    /// An error at `field`.
    public init(field: String, message: String, kind: Kind = .invalid) {
        self.field = field
        self.message = message
        self.kind = kind
    }

    /// `field: message`.
    public var description: String { field.isEmpty ? message : field + ": " + message }
}

/// A message with protobuf's JSON mapping; generated messages conform.
public protocol ProtoJSONCodable: ProtoMessage {
    /// The message's full name, e.g. `acme.v1.Order` (the type name in a `google.protobuf.Any`'s
    /// type URL); generated.
    static var protoMessageName: String { get }
    /// Writes the message's members; generated.
    func writeJSON(to writer: inout ProtoJSONWriter)
    /// Merges the members of `object` into the message; generated.
    mutating func mergeJSON(_ object: JSONObject, reader: ProtoJSONReader) throws(ProtoJSONError)
    /// The JSON value of the message: an object for ordinary messages (the well-known types that
    /// have special forms override it).
    func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue
    /// Merges a JSON value (an object for ordinary messages).
    mutating func mergeProtoJSONValue(_ value: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError)
    /// Whether a JSON `null` is a value of this type (`google.protobuf.Value`) rather than "unset".
    static var acceptsJSONNull: Bool { get }
    /// Whether the type's JSON is a special form rather than the object of its fields (the
    /// well-known types Timestamp, Duration, the wrappers, Struct, Value, ListValue, FieldMask and
    /// Any); inside a `google.protobuf.Any` such a form is the member `"value"`.
    static var hasSpecialJSONForm: Bool { get }
}

extension ProtoJSONCodable {
    /// Ordinary messages: `null` means the field is unset.
    public static var acceptsJSONNull: Bool { false }

    /// Ordinary messages: the JSON is the object of the fields.
    public static var hasSpecialJSONForm: Bool { false }

    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue {
        var writer = ProtoJSONWriter(options: options)
        writeJSON(to: &writer)
        if let error = writer.error { throw error }
        return .object(writer.object)
    }

    public mutating func mergeProtoJSONValue(_ value: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) {
        guard case .object(let object) = value else {
            throw ProtoJSONError(field: reader.path, message: "expected an object, found \(value.kindName)")
        }
        try mergeJSON(object, reader: reader)
    }

    /// The message as protobuf canonical JSON (compact).
    /// - Throws: `ProtoJSONError` for a value JSON cannot hold.
    public func jsonString(
        options: ProtoJSONEncodingOptions = ProtoJSONEncodingOptions()
    ) throws(ProtoJSONError) -> String {
        try protoJSONValue(options: options).serialized()
    }

    /// The message a protobuf JSON text describes.
    /// - Throws: `ProtoJSONError` for text that is not JSON or not a form of this message.
    public init(
        jsonString: String, options: ProtoJSONDecodingOptions = ProtoJSONDecodingOptions()
    ) throws(ProtoJSONError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: jsonString, maxDepth: options.maxDepth)
        } catch {
            throw ProtoJSONError(field: "", message: "not JSON: \(error)")
        }
        self.init()
        try mergeProtoJSONValue(value, reader: ProtoJSONReader(options: options, path: ""))
    }
}
