public import ProtoWire

// The JSON form of google.protobuf.Any: the held message's JSON object with an "@type" member first,
// or, for a type with a special form (Timestamp, Duration, wrappers, Struct, Value, ListValue,
// FieldMask, Any), {"@type": …, "value": <special form>}. An empty Any is {}.

extension Google_Protobuf_AnyMessage {
    public static var hasSpecialJSONForm: Bool { true }

    /// The well-known types, which every `Any` may hold without registration.
    static let wellKnownTypes = ProtoTypeRegistry([
        Google_Protobuf_AnyMessage.self, Google_Protobuf_Duration.self, Google_Protobuf_Empty.self,
        Google_Protobuf_FieldMask.self, Google_Protobuf_Struct.self, Google_Protobuf_Value.self,
        Google_Protobuf_ListValue.self, Google_Protobuf_Timestamp.self, Google_Protobuf_DoubleValue.self,
        Google_Protobuf_FloatValue.self, Google_Protobuf_Int64Value.self, Google_Protobuf_UInt64Value.self,
        Google_Protobuf_Int32Value.self, Google_Protobuf_UInt32Value.self, Google_Protobuf_BoolValue.self,
        Google_Protobuf_StringValue.self, Google_Protobuf_BytesValue.self,
    ])

    /// The type a type URL names: the registry's, else a well-known type's.
    static func messageType(
        forTypeURL typeURL: String, registry: ProtoTypeRegistry, field: String
    ) throws(ProtoJSONError) -> any ProtoJSONCodable.Type {
        guard let slash = typeURL.lastIndex(of: "/") else {
            throw ProtoJSONError(field: field, message: "type URL \"\(typeURL)\" has no '/' before the type name")
        }
        let name = typeURL[typeURL.index(after: slash)...]
        guard let type = registry.messageType(named: name) ?? wellKnownTypes.messageType(named: name) else {
            throw ProtoJSONError(
                field: field,
                message:
                    "google.protobuf.Any holds \"\(typeURL)\", a message type the type registry does not have (register it in the JSON options' typeRegistry)",
                kind: .unknownAnyType(typeURL: typeURL))
        }
        return type
    }

    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue {
        if typeURL.isEmpty && value.isEmpty { return .object(JSONObject()) }
        // JSON text nests an Any in an object per level, which bounds reading; writing needs its own bound.
        let maxDepth = ProtoDecodeLimits.default.maxDepth
        guard options.anyDepth < maxDepth else {
            throw ProtoJSONError(field: "", message: "google.protobuf.Any nested more than \(maxDepth) deep")
        }
        let type = try Self.messageType(forTypeURL: typeURL, registry: options.typeRegistry, field: "")
        var inner = options
        inner.anyDepth += 1
        return try json(of: type, options: inner)
    }

    private func json<M: ProtoJSONCodable>(of type: M.Type, options: ProtoJSONEncodingOptions) throws(ProtoJSONError)
        -> JSONValue
    {
        let message: M
        do {
            message = try M(serializedBytes: value)
        } catch {
            throw ProtoJSONError(field: "", message: "google.protobuf.Any's value is not a valid \(M.protoMessageName): \(error)")
        }
        var object = JSONObject()
        object["@type"] = .string(typeURL)
        let inner = try message.protoJSONValue(options: options)
        if M.hasSpecialJSONForm {
            object["value"] = inner
        } else if case .object(let members) = inner {
            for (key, member) in members { object[key] = member }
        }
        return .object(object)
    }

    /// Reads `{"@type": URL, …}`; `{}` leaves the Any empty.
    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) {
        guard case .object(var object) = json else {
            throw ProtoJSONError(field: reader.path, message: "expected an object, found \(json.kindName)")
        }
        if object.isEmpty { return }
        guard let typeMember = object["@type"] else {
            throw ProtoJSONError(field: reader.path, message: "google.protobuf.Any without \"@type\"")
        }
        guard case .string(let url) = typeMember else {
            throw ProtoJSONError(
                field: reader.member("@type").path, message: "expected a type URL string, found \(typeMember.kindName)")
        }
        let type = try Self.messageType(
            forTypeURL: url, registry: reader.options.typeRegistry, field: reader.member("@type").path)
        object["@type"] = nil
        value = try Self.serializedBytes(of: type, from: object, reader: reader)
        typeURL = url
    }

    private static func serializedBytes<M: ProtoJSONCodable>(
        of type: M.Type, from object: JSONObject, reader: ProtoJSONReader
    ) throws(ProtoJSONError) -> [UInt8] {
        var message = M()
        if M.hasSpecialJSONForm {
            for key in object.keys where key != "value" { try reader.unknown(key) }
            guard let member = object["value"] else {
                throw ProtoJSONError(
                    field: reader.path, message: "google.protobuf.Any holding \(M.protoMessageName) without \"value\"")
            }
            try message.mergeProtoJSONValue(member, reader: reader.member("value"))
        } else {
            try message.mergeJSON(object, reader: reader)
        }
        return message.serializedBytes()
    }
}
