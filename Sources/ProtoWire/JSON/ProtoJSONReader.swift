/// Reads JSON members into fields; the calls generated `mergeJSON(_:reader:)` makes. `null` leaves
/// a field unset; a member of the wrong kind is a `ProtoJSONError` naming its key path.
public struct ProtoJSONReader: Sendable {
    /// What to accept.
    public let options: ProtoJSONDecodingOptions
    /// Key path of the object being read (`""` at the top).
    public let path: String

    /// A reader at `path`.
    public init(options: ProtoJSONDecodingOptions, path: String) {
        self.options = options
        self.path = path
    }

    /// The reader for the member `key` of the current object.
    public func member(_ key: String) -> ProtoJSONReader {
        ProtoJSONReader(options: options, path: path.isEmpty ? key : path + "." + key)
    }

    /// A member that names no field: an error unless unknown fields are ignored.
    public func unknown(_ key: String) throws(ProtoJSONError) {
        if !options.ignoreUnknownFields { throw ProtoJSONError(field: member(key).path, message: "no such field") }
    }

    // MARK: values

    private func scalar<V: ProtoJSONScalar>(_ json: JSONValue) throws(ProtoJSONError) -> V {
        try V(protoJSON: json, field: path)
    }

    /// nil for an enum name the enum does not declare when unknown fields are ignored.
    private func enumRaw(_ json: JSONValue, named: (String) -> Int32?) throws(ProtoJSONError) -> Int32? {
        switch json {
        case .string(let name):
            if let raw = named(name) { return raw }
            if options.ignoreUnknownFields { return nil }
            throw ProtoJSONError(field: path, message: "\"\(name)\" is not a value of the enum")
        case .number:
            return try Int32(protoJSON: json, field: path)
        default:
            throw ProtoJSONError(field: path, message: "expected an enum name or number, found \(json.kindName)")
        }
    }

    private func openEnum<E: ProtoEnum>(_ json: JSONValue) throws(ProtoJSONError) -> E? {
        try enumRaw(json, named: E.protoValue(named:)).map(E.init(rawValue:))
    }

    private func closedEnum<E: ProtoClosedEnum>(_ json: JSONValue) throws(ProtoJSONError) -> E? {
        guard let raw = try enumRaw(json, named: E.protoValue(named:)) else { return nil }
        guard let value = E(rawValue: raw) else {
            if options.ignoreUnknownFields { return nil }
            throw ProtoJSONError(field: path, message: "\(raw) is not a value of the enum")
        }
        return value
    }

    private func message<M: ProtoJSONCodable>(_ json: JSONValue, merging existing: M?) throws(ProtoJSONError) -> M {
        var value = existing ?? M()
        try value.mergeProtoJSONValue(json, reader: self)
        return value
    }

    private func array(_ json: JSONValue, nullElements: Bool = false) throws(ProtoJSONError) -> [JSONValue] {
        guard case .array(let elements) = json else {
            throw ProtoJSONError(field: path, message: "expected an array, found \(json.kindName)")
        }
        if !nullElements && elements.contains(.null) { throw ProtoJSONError(field: path, message: "null in an array") }
        return elements
    }

    private func entries<K: ProtoJSONMapKey>(
        _ json: JSONValue, nullValues: Bool = false
    ) throws(ProtoJSONError) -> [(K, ProtoJSONReader, JSONValue)] {
        guard case .object(let object) = json else {
            throw ProtoJSONError(field: path, message: "expected an object, found \(json.kindName)")
        }
        var result: [(K, ProtoJSONReader, JSONValue)] = []
        for (name, value) in object {
            guard let key = K(protoJSONKey: name) else {
                throw ProtoJSONError(field: member(name).path, message: "not a valid map key")
            }
            if value == .null && !nullValues {
                throw ProtoJSONError(field: member(name).path, message: "null map value")
            }
            result.append((key, member(name), value))
        }
        return result
    }

    // MARK: singular fields

    /// A scalar field without presence (`null` keeps the default).
    public func read<V: ProtoJSONScalar>(_ json: JSONValue, into field: inout V) throws(ProtoJSONError) {
        if json != .null { field = try scalar(json) }
    }
    /// A scalar field with presence.
    public func read<V: ProtoJSONScalar>(_ json: JSONValue, into field: inout V?) throws(ProtoJSONError) {
        if json != .null { field = try scalar(json) as V }
    }
    /// An open enum field without presence.
    public func read<E: ProtoEnum>(_ json: JSONValue, into field: inout E) throws(ProtoJSONError) {
        if json != .null, let value: E = try openEnum(json) { field = value }
    }
    /// An open enum field with presence.
    public func read<E: ProtoEnum>(_ json: JSONValue, into field: inout E?) throws(ProtoJSONError) {
        if json != .null, let value: E = try openEnum(json) { field = value }
    }
    /// A closed enum field (always with presence).
    public func read<E: ProtoClosedEnum>(_ json: JSONValue, into field: inout E?) throws(ProtoJSONError) {
        if json != .null, let value: E = try closedEnum(json) { field = value }
    }
    /// A message field: merged into what is there.
    public func read<M: ProtoJSONCodable>(_ json: JSONValue, into field: inout M?) throws(ProtoJSONError) {
        if json != .null || M.acceptsJSONNull { field = try message(json, merging: field) }
    }

    // MARK: repeated fields

    /// A repeated scalar field.
    public func read<V: ProtoJSONScalar>(_ json: JSONValue, into field: inout [V]) throws(ProtoJSONError) {
        if json == .null { return }
        for element in try array(json) { field.append(try scalar(element)) }
    }
    /// A repeated open enum field.
    public func read<E: ProtoEnum>(_ json: JSONValue, into field: inout [E]) throws(ProtoJSONError) {
        if json == .null { return }
        for element in try array(json) { if let value: E = try openEnum(element) { field.append(value) } }
    }
    /// A repeated closed enum field.
    public func read<E: ProtoClosedEnum>(_ json: JSONValue, into field: inout [E]) throws(ProtoJSONError) {
        if json == .null { return }
        for element in try array(json) { if let value: E = try closedEnum(element) { field.append(value) } }
    }
    /// A repeated message field.
    public func read<M: ProtoJSONCodable>(_ json: JSONValue, into field: inout [M]) throws(ProtoJSONError) {
        if json == .null { return }
        for element in try array(json, nullElements: true) {
            if element == .null && !M.acceptsJSONNull { throw ProtoJSONError(field: path, message: "null in an array") }
            field.append(try message(element, merging: nil))
        }
    }

    // MARK: maps

    /// A map of scalars.
    public func read<K: ProtoJSONMapKey, V: ProtoJSONScalar>(
        _ json: JSONValue, into field: inout [K: V]
    ) throws(ProtoJSONError) {
        if json == .null { return }
        for (key, reader, value) in try entries(json) as [(K, ProtoJSONReader, JSONValue)] {
            field[key] = try reader.scalar(value) as V
        }
    }
    /// A map of open enum values.
    public func read<K: ProtoJSONMapKey, E: ProtoEnum>(
        _ json: JSONValue, into field: inout [K: E]
    ) throws(ProtoJSONError) {
        if json == .null { return }
        for (key, reader, value) in try entries(json) as [(K, ProtoJSONReader, JSONValue)] {
            if let v: E = try reader.openEnum(value) { field[key] = v }
        }
    }
    /// A map of closed enum values.
    public func read<K: ProtoJSONMapKey, E: ProtoClosedEnum>(
        _ json: JSONValue, into field: inout [K: E]
    ) throws(ProtoJSONError) {
        if json == .null { return }
        for (key, reader, value) in try entries(json) as [(K, ProtoJSONReader, JSONValue)] {
            if let v: E = try reader.closedEnum(value) { field[key] = v }
        }
    }
    /// A map of messages.
    public func read<K: ProtoJSONMapKey, M: ProtoJSONCodable>(
        _ json: JSONValue, into field: inout [K: M]
    ) throws(ProtoJSONError) {
        if json == .null { return }
        for (key, reader, value) in try entries(json, nullValues: M.acceptsJSONNull)
            as [(K, ProtoJSONReader, JSONValue)]
        {
            field[key] = try reader.message(value, merging: nil) as M
        }
    }

    // MARK: oneof members

    /// A scalar member of a oneof.
    public func read<V: ProtoJSONScalar, O>(
        _ json: JSONValue, into oneof: inout O?, as make: (V) -> O
    ) throws(ProtoJSONError) {
        if json != .null { oneof = make(try scalar(json)) }
    }
    /// An open enum member of a oneof.
    public func read<E: ProtoEnum, O>(_ json: JSONValue, into oneof: inout O?, as make: (E) -> O) throws(ProtoJSONError)
    {
        if json != .null, let value: E = try openEnum(json) { oneof = make(value) }
    }
    /// A closed enum member of a oneof.
    public func read<E: ProtoClosedEnum, O>(
        _ json: JSONValue, into oneof: inout O?, as make: (E) -> O
    ) throws(ProtoJSONError) {
        if json != .null, let value: E = try closedEnum(json) { oneof = make(value) }
    }
    /// A message member of a oneof.
    public func read<M: ProtoJSONCodable, O>(
        _ json: JSONValue, into oneof: inout O?, as make: (M) -> O
    ) throws(ProtoJSONError) {
        if json != .null || M.acceptsJSONNull { oneof = make(try message(json, merging: nil)) }
    }
}
