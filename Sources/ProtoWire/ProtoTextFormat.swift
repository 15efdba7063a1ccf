/// A message that prints itself in protobuf text format (`description`, `debugDescription`), as
/// python protobuf's `text_format.MessageToString` does: set fields in field-number order, one per
/// line (`name: value`, nested messages as `name {` … `}` indented by two spaces), map entries sorted
/// by key, strings with C escapes (UTF-8 kept as is), bytes fields with non-ASCII bytes in octal;
/// unknown fields are not printed.
public protocol ProtoTextFormattable: CustomStringConvertible, CustomDebugStringConvertible {
    /// Writes the set fields; generated code implements it, one line per field.
    func writeText(to writer: inout ProtoTextWriter)
}

extension ProtoTextFormattable {
    /// The message in protobuf text format.
    public var description: String {
        var writer = ProtoTextWriter()
        writeText(to: &writer)
        return writer.text
    }

    /// The message in protobuf text format.
    public var debugDescription: String { description }
}

/// Accumulates text format; the calls generated `writeText(to:)` makes.
public struct ProtoTextWriter: Sendable {
    /// The text so far.
    public private(set) var text = ""
    private var indentation = ""

    /// An empty writer.
    public init() {}

    private mutating func line(_ name: String, _ value: String) {
        text += indentation + name + ": " + value + "\n"
    }

    /// `name: value` for an int32/sint32/sfixed32 field.
    public mutating func write(_ name: String, _ value: Int32) { line(name, String(value)) }
    /// `name: value` for an int64/sint64/sfixed64 field.
    public mutating func write(_ name: String, _ value: Int64) { line(name, String(value)) }
    /// `name: value` for a uint32/fixed32 field.
    public mutating func write(_ name: String, _ value: UInt32) { line(name, String(value)) }
    /// `name: value` for a uint64/fixed64 field.
    public mutating func write(_ name: String, _ value: UInt64) { line(name, String(value)) }
    /// `name: value` for a bool field.
    public mutating func write(_ name: String, _ value: Bool) { line(name, value ? "true" : "false") }
    /// `name: value` for a float field.
    public mutating func write(_ name: String, _ value: Float) { line(name, ProtoTextNumber.float(value)) }
    /// `name: value` for a double field.
    public mutating func write(_ name: String, _ value: Double) { line(name, ProtoTextNumber.double(value)) }
    /// `name: value` for a string (quoted, escaped) field.
    public mutating func write(_ name: String, _ value: String) {
        line(name, Self.quoted(Array(value.utf8), keepUTF8: true))
    }
    /// `name: value` for a bytes (quoted, escaped) field.
    public mutating func write(_ name: String, _ value: [UInt8]) { line(name, Self.quoted(value, keepUTF8: false)) }

    /// An open enum value: its name, or its number when the enum does not name it.
    public mutating func write<E: ProtoEnum>(_ name: String, enum value: E) {
        line(name, E.protoName(of: value.rawValue) ?? String(value.rawValue))
    }

    /// A closed enum value: its name.
    public mutating func write<E: ProtoClosedEnum>(_ name: String, closedEnum value: E) {
        line(name, E.protoName(of: value.rawValue) ?? String(value.rawValue))
    }

    /// A nested message (or group): `name {`, its fields two spaces in, `}`.
    public mutating func write<M: ProtoTextFormattable>(_ name: String, message value: M) {
        beginMessage(name)
        value.writeText(to: &self)
        endMessage()
    }

    /// Opens `name {` (a map entry); `endMessage()` closes it.
    public mutating func beginMessage(_ name: String) {
        text += indentation + name + " {\n"
        indentation += "  "
    }

    /// Closes what `beginMessage` opened.
    public mutating func endMessage() {
        indentation.removeLast(2)
        text += indentation + "}\n"
    }

    /// Map keys in the order text format prints them.
    public static func sortedKeys<K: Comparable, V>(_ map: [K: V]) -> [K] { map.keys.sorted() }
    /// Map keys in the order text format prints them (`false` first).
    public static func sortedKeys<V>(_ map: [Bool: V]) -> [Bool] { map.keys.sorted { !$0 && $1 } }

    /// `"…"` with `\n \r \t \" \' \\` escaped, other bytes outside printable ASCII as three octal
    /// digits; `keepUTF8`: bytes from 0x80 up are kept (a string's UTF-8).
    static func quoted(_ bytes: [UInt8], keepUTF8: Bool) -> String {
        if keepUTF8 {
            var escaped: [UInt8] = [UInt8(ascii: "\"")]
            for b in bytes {
                if b >= 0x80 {
                    escaped.append(b)
                } else {
                    escaped += Array(quoted([b], keepUTF8: false).utf8.dropFirst().dropLast())
                }
            }
            escaped.append(UInt8(ascii: "\""))
            return String(decoding: escaped, as: UTF8.self)
        }
        var out = "\""
        for b in bytes {
            switch b {
            case UInt8(ascii: "\n"): out += "\\n"
            case UInt8(ascii: "\r"): out += "\\r"
            case UInt8(ascii: "\t"): out += "\\t"
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "'"): out += "\\'"
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let octal = String(b, radix: 8)
                out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return out + "\""
    }
}

/// Floating-point values as python prints them (`repr`): the shortest digits that read back as the
/// same value (for a float field: as the same 32-bit float), in positional notation with at least one
/// fractional digit (`100.0`, `0.0001`) unless the exponent is below -4 or at least 16 (`1e-05`,
/// `1.5e+16`); `inf`, `-inf`, `nan`.
enum ProtoTextNumber {
    static func float(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return python(value.description)
    }

    static func double(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return python(value.description)
    }

    /// Swift's shortest form (`1e+16`, `123.0`, `5e-324`) re-laid out as python's `repr`.
    private static func python(_ swift: String) -> String {
        var s = Substring(swift)
        let negative = s.first == "-"
        if negative { s = s.dropFirst() }
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(s[s.index(after: e)...].drop(while: { $0 == "+" })) ?? 0
            s = s[..<e]
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        let integer = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        var digits = String(integer) + fraction
        var point = integer.count + exponent  // digits before the decimal point
        while digits.first == "0" && digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" && digits.count > 1 { digits.removeLast() }
        let sign = negative ? "-" : ""
        if digits == "0" { return sign + "0.0" }
        let e = point - 1  // exponent of the first digit
        if e < -4 || e >= 16 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let magnitude = String(abs(e))
            return sign + mantissa + (e < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" : "") + magnitude
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) + ".0" }
        return sign + digits.prefix(point) + "." + digits.dropFirst(point)
    }
}
