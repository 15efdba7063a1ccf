/// Builds a message's JSON object; the calls generated `writeJSON(to:)` makes. Each call takes the
/// field's JSON name and `.proto` name (the options choose the key).
public struct ProtoJSONWriter {
    /// What to write.
    public let options: ProtoJSONEncodingOptions
    /// The members so far.
    public private(set) var object = JSONObject()
    /// The first value JSON cannot hold (a NaN in `google.protobuf.Value`), if any.
    public private(set) var error: ProtoJSONError?

    /// A writer with `options`.
    public init(options: ProtoJSONEncodingOptions) {
        self.options = options
    }

    /// Whether fields without presence are written at their defaults too.
    public var emitsDefaults: Bool { options.alwaysPrintFieldsWithoutPresence }

    private mutating func set(_ json: String, _ proto: String, _ value: JSONValue) {
        object[options.preserveProtoFieldNames ? proto : json] = value
    }

    private func enumJSON(_ raw: Int32, name: String?) -> JSONValue {
        if !options.alwaysPrintEnumsAsInts, let name { return .string(name) }
        return .number(JSONNumber(raw))
    }

    private mutating func messageJSON<M: ProtoJSONCodable>(_ value: M) -> JSONValue {
        do {
            return try value.protoJSONValue(options: options)
        } catch {
            if self.error == nil { self.error = error }
            return .null
        }
    }

    /// A scalar (number, bool, string, bytes) member.
    public mutating func write<V: ProtoJSONScalar>(_ json: String, _ proto: String, _ value: V) {
        set(json, proto, value.protoJSON)
    }

    /// An open enum member: its name, or its number when the enum does not name it.
    public mutating func write<E: ProtoEnum>(_ json: String, _ proto: String, enum value: E) {
        set(json, proto, enumJSON(value.rawValue, name: E.protoName(of: value.rawValue)))
    }

    /// A closed enum member.
    public mutating func write<E: ProtoClosedEnum>(_ json: String, _ proto: String, closedEnum value: E) {
        set(json, proto, enumJSON(value.rawValue, name: E.protoName(of: value.rawValue)))
    }

    /// A message member.
    public mutating func write<M: ProtoJSONCodable>(_ json: String, _ proto: String, message value: M) {
        set(json, proto, messageJSON(value))
    }

    /// A repeated scalar field: an array, left out when empty unless defaults are written.
    public mutating func write<V: ProtoJSONScalar>(_ json: String, _ proto: String, repeated values: [V]) {
        if values.isEmpty && !emitsDefaults { return }
        set(json, proto, .array(values.map(\.protoJSON)))
    }

    /// A repeated open enum field.
    public mutating func write<E: ProtoEnum>(_ json: String, _ proto: String, repeatedEnum values: [E]) {
        if values.isEmpty && !emitsDefaults { return }
        set(json, proto, .array(values.map { enumJSON($0.rawValue, name: E.protoName(of: $0.rawValue)) }))
    }

    /// A repeated closed enum field.
    public mutating func write<E: ProtoClosedEnum>(_ json: String, _ proto: String, repeatedClosedEnum values: [E]) {
        if values.isEmpty && !emitsDefaults { return }
        set(json, proto, .array(values.map { enumJSON($0.rawValue, name: E.protoName(of: $0.rawValue)) }))
    }

    /// A repeated message field.
    public mutating func write<M: ProtoJSONCodable>(_ json: String, _ proto: String, repeatedMessage values: [M]) {
        if values.isEmpty && !emitsDefaults { return }
        var array: [JSONValue] = []
        for value in values { array.append(messageJSON(value)) }
        set(json, proto, .array(array))
    }

    private mutating func writeMap<K: ProtoJSONMapKey & Comparable, V>(
        _ json: String, _ proto: String, _ map: [K: V],
        _ convert: (inout Self, V) -> JSONValue
    ) {
        if map.isEmpty && !emitsDefaults { return }
        var object = JSONObject()
        for key in map.keys.sorted() { object[key.protoJSONKey] = convert(&self, map[key]!) }
        set(json, proto, .object(object))
    }

    private mutating func writeMap<V>(
        _ json: String, _ proto: String, _ map: [Bool: V], _ convert: (inout Self, V) -> JSONValue
    ) {
        if map.isEmpty && !emitsDefaults { return }
        var object = JSONObject()
        for key in map.keys.sorted(by: { !$0 && $1 }) { object[key.protoJSONKey] = convert(&self, map[key]!) }
        set(json, proto, .object(object))
    }

    /// A map of scalars: an object keyed by the keys' text, in key order.
    public mutating func write<K: ProtoJSONMapKey & Comparable, V: ProtoJSONScalar>(
        _ json: String, _ proto: String, map: [K: V]
    ) {
        writeMap(json, proto, map) { _, v in v.protoJSON }
    }
    /// A map of scalars with bool keys.
    public mutating func write<V: ProtoJSONScalar>(_ json: String, _ proto: String, map: [Bool: V]) {
        writeMap(json, proto, map) { _, v in v.protoJSON }
    }
    /// A map of open enum values.
    public mutating func write<K: ProtoJSONMapKey & Comparable, E: ProtoEnum>(
        _ json: String, _ proto: String, enumMap map: [K: E]
    ) {
        writeMap(json, proto, map) { w, v in w.enumJSON(v.rawValue, name: E.protoName(of: v.rawValue)) }
    }
    /// A map of open enum values with bool keys.
    public mutating func write<E: ProtoEnum>(_ json: String, _ proto: String, enumMap map: [Bool: E]) {
        writeMap(json, proto, map) { w, v in w.enumJSON(v.rawValue, name: E.protoName(of: v.rawValue)) }
    }
    /// A map of closed enum values.
    public mutating func write<K: ProtoJSONMapKey & Comparable, E: ProtoClosedEnum>(
        _ json: String, _ proto: String, closedEnumMap map: [K: E]
    ) {
        writeMap(json, proto, map) { w, v in w.enumJSON(v.rawValue, name: E.protoName(of: v.rawValue)) }
    }
    /// A map of closed enum values with bool keys.
    public mutating func write<E: ProtoClosedEnum>(_ json: String, _ proto: String, closedEnumMap map: [Bool: E]) {
        writeMap(json, proto, map) { w, v in w.enumJSON(v.rawValue, name: E.protoName(of: v.rawValue)) }
    }
    /// A map of messages.
    public mutating func write<K: ProtoJSONMapKey & Comparable, M: ProtoJSONCodable>(
        _ json: String, _ proto: String, messageMap map: [K: M]
    ) {
        writeMap(json, proto, map) { w, v in w.messageJSON(v) }
    }
    /// A map of messages with bool keys.
    public mutating func write<M: ProtoJSONCodable>(_ json: String, _ proto: String, messageMap map: [Bool: M]) {
        writeMap(json, proto, map) { w, v in w.messageJSON(v) }
    }
}
