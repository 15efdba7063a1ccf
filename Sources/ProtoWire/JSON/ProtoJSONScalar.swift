/// A scalar field value's JSON form: numbers (64-bit integers as strings), `NaN`/`Infinity` as
/// strings, bools, strings, bytes as base64.
public protocol ProtoJSONScalar {
    /// The canonical JSON of the value.
    var protoJSON: JSONValue { get }
    /// The value a JSON member holds; `field` names it in errors.
    init(protoJSON: JSONValue, field: String) throws(ProtoJSONError)
}

/// A map key type: JSON object keys are strings (`"1"`, `"true"`).
public protocol ProtoJSONMapKey: Hashable {
    /// The key as a JSON object member name.
    var protoJSONKey: String { get }
    /// The key a member name spells; nil when it does not.
    init?(protoJSONKey: String)
}

/// The text of an integer member (a number, or a string holding one); nil if the member is neither.
private func integerText(_ json: JSONValue) -> String? {
    switch json {
    case .number(let n): n.text
    case .string(let s): s
    default: nil
    }
}

/// An integer in range from JSON text: integer digits, or a number with an exponent or `.0` that
/// is whole (`1e5`, `100000.0`).
private func integer<T: FixedWidthInteger>(_ json: JSONValue, field: String) throws(ProtoJSONError) -> T {
    guard let text = integerText(json) else {
        throw ProtoJSONError(field: field, message: "expected an integer, found \(json.kindName)")
    }
    if let exact = T(text) { return exact }
    let bad = ProtoJSONError(field: field, message: "\"\(text)\" is not a \(T.bitWidth)-bit integer")
    guard let first = text.utf8.first, first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39),
        text.utf8.last.map({ $0 >= 0x30 && $0 <= 0x39 }) == true,
        let d = Double(text), d.rounded() == d, let value = T(exactly: d)
    else { throw bad }
    if case .string = json, text.contains(where: { $0 == " " }) { throw bad }
    return value
}

extension Int32: ProtoJSONScalar, ProtoJSONMapKey {
    public var protoJSON: JSONValue { .number(JSONNumber(self)) }
    public init(protoJSON: JSONValue, field: String) throws(ProtoJSONError) {
        self = try integer(protoJSON, field: field)
    }
    public var protoJSONKey: String { String(self) }
    public init?(protoJSONKey: String) { self.init(protoJSONKey) }
}

extension UInt32: ProtoJSONScalar, ProtoJSONMapKey {
    public var protoJSON: JSONValue { .number(JSONNumber(self)) }
    public init(protoJSON: JSONValue, field: String) throws(ProtoJSONError) {
        self = try integer(protoJSON, field: field)
    }
    public var protoJSONKey: String { String(self) }
    public init?(protoJSONKey: String) { self.init(protoJSONKey) }
}

extension Int64: ProtoJSONScalar, ProtoJSONMapKey {
    public var protoJSON: JSONValue { .string(String(self)) }
    public init(protoJSON: JSONValue, field: String) throws(ProtoJSONError) {
        self = try integer(protoJSON, field: field)
    }
    public var protoJSONKey: String { String(self) }
    public init?(protoJSONKey: String) { self.init(protoJSONKey) }
}

extension UInt64: ProtoJSONScalar, ProtoJSONMapKey {
    public var protoJSON: JSONValue { .string(String(self)) }
    public init(protoJSON: JSONValue, field: String) throws(ProtoJSONError) {
        self = try integer(protoJSON, field: field)
    }
    public var protoJSONKey: String { String(self) }
    public init?(protoJSONKey: String) { self.init(protoJSONKey) }
}

extension Bool: ProtoJSONScalar, ProtoJSONMapKey {
    public var protoJSON: JSONValue { .bool(self) }
    public init(protoJSON: JSONValue, field: String) throws(ProtoJSONError) {
        guard case .bool(let b) = protoJSON else {
            throw ProtoJSONError(field: field, message: "expected true or false, found \(protoJSON.kindName)")
        }
        self = b
    }
    public var protoJSONKey: String { self ? "true" : "false" }
    public init?(protoJSONKey: String) {
        switch protoJSONKey {
        case "true": self = true
        case "false": self = false
        default: return nil
        }
    }
}

extension String: ProtoJSONScalar, ProtoJSONMapKey {
    public var protoJSON: JSONValue { .string(self) }
    public init(protoJSON: JSONValue, field: String) throws(ProtoJSONError) {
        guard case .string(let s) = protoJSON else {
            throw ProtoJSONError(field: field, message: "expected a string, found \(protoJSON.kindName)")
        }
        self = s
    }
    public var protoJSONKey: String { self }
    public init?(protoJSONKey: String) { self = protoJSONKey }
}

/// `NaN`, `Infinity`, `-Infinity` as strings, other values as numbers.
private func floatingJSON(_ value: Double, text: String) -> JSONValue {
    if value.isNaN { return .string("NaN") }
    if value.isInfinite { return .string(value < 0 ? "-Infinity" : "Infinity") }
    return .number(JSONNumber(text: text) ?? JSONNumber(Int64(0)))
}

private func floating(_ json: JSONValue, field: String) throws(ProtoJSONError) -> Double {
    switch json {
    case .number(let n): return n.doubleValue
    case .string("NaN"): return .nan
    case .string("Infinity"): return .infinity
    case .string("-Infinity"): return -.infinity
    case .string(let s):
        if let n = JSONNumber(text: s) { return n.doubleValue }
        throw ProtoJSONError(field: field, message: "\"\(s)\" is not a number")
    default:
        throw ProtoJSONError(field: field, message: "expected a number, found \(json.kindName)")
    }
}

extension Double: ProtoJSONScalar {
    public var protoJSON: JSONValue { floatingJSON(self, text: JSONNumber(self)?.text ?? "0") }
    public init(protoJSON: JSONValue, field: String) throws(ProtoJSONError) {
        let d = try floating(protoJSON, field: field)
        if d.isInfinite, case .number = protoJSON {
            throw ProtoJSONError(field: field, message: "number out of range for a double")
        }
        self = d
    }
}

extension Float: ProtoJSONScalar {
    public var protoJSON: JSONValue {
        // The float's shortest digits (`0.1`, not the double 0.10000000149011612).
        floatingJSON(
            Double(self),
            text: JSONNumber(text: self.description.replacingExponentPlus()) != nil
                ? self.description.replacingExponentPlus() : (JSONNumber(Double(self))?.text ?? "0"))
    }
    public init(protoJSON: JSONValue, field: String) throws(ProtoJSONError) {
        let d = try floating(protoJSON, field: field)
        if d.isFinite && abs(d) > Double(Float.greatestFiniteMagnitude) {
            throw ProtoJSONError(field: field, message: "number out of range for a float")
        }
        self = Float(d)
    }
}

extension String {
    /// `1e+16` → `1e16`: JSON allows both; drop the `+` for a shorter text.
    fileprivate func replacingExponentPlus() -> String {
        var out = ""
        var previous: Character?
        for c in self {
            if c == "+" && (previous == "e" || previous == "E") { previous = c; continue }
            out.append(c)
            previous = c
        }
        return out
    }
}

extension Array: ProtoJSONScalar where Element == UInt8 {
    public var protoJSON: JSONValue { .string(ProtoBase64.encode(self)) }
    public init(protoJSON: JSONValue, field: String) throws(ProtoJSONError) {
        guard case .string(let s) = protoJSON else {
            throw ProtoJSONError(field: field, message: "expected base64 text, found \(protoJSON.kindName)")
        }
        guard let bytes = ProtoBase64.decode(s) else {
            throw ProtoJSONError(field: field, message: "\"\(s)\" is not base64")
        }
        self = bytes
    }
}

/// Base64 for bytes fields: written standard with padding; read standard or URL-safe, padded or not.
enum ProtoBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [
                alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)],
            ]
            i += 3
        }
        if bytes.count - i == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if bytes.count - i == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        var padding = 0
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = c - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = c - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): v = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            if padding > 0 { return nil }
            values.append(v)
        }
        if values.count % 4 == 1 || padding > 2 || (padding > 0 && (values.count + padding) % 4 != 0) { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var n: UInt32 = 0
            for (k, v) in chunk.enumerated() { n |= UInt32(v) << (18 - 6 * UInt32(k)) }
            out.append(UInt8(n >> 16 & 0xFF))
            if chunk.count > 2 { out.append(UInt8(n >> 8 & 0xFF)) }
            if chunk.count > 3 { out.append(UInt8(n & 0xFF)) }
            i += 4
        }
        return out
    }
}
