public import ProtoWire

// The special JSON forms of the well-known types (proto3 JSON mapping). Each replaces the ordinary
// object form the generated conformance would give.

extension Google_Protobuf_Timestamp {
    public static var hasSpecialJSONForm: Bool { true }

    /// RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits: `"2024-02-29T12:34:56.789Z"`.
    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue {
        guard seconds >= -62_135_596_800, seconds <= 253_402_300_799, nanos >= 0, nanos < 1_000_000_000 else {
            throw ProtoJSONError(field: "", message: "Timestamp out of range: \(seconds) s, \(nanos) ns")
        }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = Int(seconds - days * 86_400)
        let (y, m, d) = WellKnownTime.civil(fromDays: days)
        var text = WellKnownTime.pad(Int(y), 4) + "-" + WellKnownTime.pad(m, 2) + "-" + WellKnownTime.pad(d, 2) + "T"
        text += WellKnownTime.pad(rest / 3600, 2) + ":" + WellKnownTime.pad(rest / 60 % 60, 2) + ":" + WellKnownTime.pad(rest % 60, 2)
        return .string(text + WellKnownTime.fraction(nanos) + "Z")
    }

    /// Reads RFC 3339 (`Z` or a `±hh:mm` offset, up to 9 fractional digits).
    public mutating func mergeProtoJSONValue(_ value: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) {
        let bad = ProtoJSONError(field: reader.path, message: "expected an RFC 3339 timestamp, found \(value)")
        guard case .string(let text) = value else { throw bad }
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var n = 0
            for c in b[from..<(from + count)] {
                guard c >= 0x30 && c <= 0x39 else { return nil }
                n = n * 10 + Int(c - 0x30)
            }
            return n
        }
        guard b.count >= 20, let y = number(0, 4), b[4] == UInt8(ascii: "-"), let mo = number(5, 2), b[7] == UInt8(ascii: "-"),
              let d = number(8, 2), b[10] == UInt8(ascii: "T"), let h = number(11, 2), b[13] == UInt8(ascii: ":"),
              let mi = number(14, 2), b[16] == UInt8(ascii: ":"), let s = number(17, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 60 else { throw bad }
        var i = 19
        var nanos = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                guard digits < 9 else { throw bad }
                nanos = nanos * 10 + Int(b[i] - 0x30)
                digits += 1
                i += 1
            }
            guard digits > 0 else { throw bad }
            for _ in digits..<9 { nanos *= 10 }
        }
        guard i < b.count else { throw bad }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = number(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = number(i + 4, 2) else { throw bad }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            throw bad
        }
        guard i == b.count else { throw bad }
        let total = WellKnownTime.days(year: Int64(y), month: mo, day: d) * 86_400 + Int64(h * 3600 + mi * 60 + s - offset)
        guard total >= -62_135_596_800, total <= 253_402_300_799 else { throw bad }
        seconds = total
        self.nanos = Int32(nanos)
    }
}

extension Google_Protobuf_Duration {
    public static var hasSpecialJSONForm: Bool { true }

    /// Seconds with 0, 3, 6 or 9 fractional digits and an `s`: `"1.500s"`, `"-0.500s"`.
    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue {
        guard abs(seconds) <= 315_576_000_000, abs(nanos) < 1_000_000_000,
              seconds == 0 || nanos == 0 || (seconds < 0) == (nanos < 0) else {
            throw ProtoJSONError(field: "", message: "Duration out of range: \(seconds) s, \(nanos) ns")
        }
        let negative = seconds < 0 || nanos < 0
        return .string((negative ? "-" : "") + String(seconds.magnitude) + WellKnownTime.fraction(Int32(nanos.magnitude)) + "s")
    }

    /// Reads `"<seconds>[.<up to 9 digits>]s"`.
    public mutating func mergeProtoJSONValue(_ value: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) {
        let bad = ProtoJSONError(field: reader.path, message: "expected a duration like \"1.5s\", found \(value)")
        guard case .string(var text) = value, text.hasSuffix("s") else { throw bad }
        text.removeLast()
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, parts[0].allSatisfy(\.isASCII), let whole = Int64(parts[0]), whole <= 315_576_000_000 else { throw bad }
        var nanos: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), let f = Int64(fraction) else { throw bad }
            nanos = f
            for _ in fraction.count..<9 { nanos *= 10 }
        }
        seconds = negative ? -whole : whole
        self.nanos = Int32(negative ? -nanos : nanos)
    }
}

/// Calendar arithmetic for Timestamp (proleptic Gregorian, days since 1970-01-01).
enum WellKnownTime {
    static func civil(fromDays z0: Int64) -> (Int64, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func days(year y0: Int64, month m: Int, day d: Int) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(m > 2 ? m - 3 : m + 9)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// `""`, `.123`, `.123456` or `.123456789`: the fewest groups of three digits that hold `nanos`.
    static func fraction(_ nanos: Int32) -> String {
        if nanos == 0 { return "" }
        if nanos % 1_000_000 == 0 { return "." + pad(Int(nanos / 1_000_000), 3) }
        if nanos % 1000 == 0 { return "." + pad(Int(nanos / 1000), 6) }
        return "." + pad(Int(nanos), 9)
    }
}

// MARK: wrappers: the wrapped value's own JSON form

extension Google_Protobuf_DoubleValue {
    public static var hasSpecialJSONForm: Bool { true }
    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue { value.protoJSON }
    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) { try reader.read(json, into: &value) }
}
extension Google_Protobuf_FloatValue {
    public static var hasSpecialJSONForm: Bool { true }
    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue { value.protoJSON }
    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) { try reader.read(json, into: &value) }
}
extension Google_Protobuf_Int64Value {
    public static var hasSpecialJSONForm: Bool { true }
    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue { value.protoJSON }
    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) { try reader.read(json, into: &value) }
}
extension Google_Protobuf_UInt64Value {
    public static var hasSpecialJSONForm: Bool { true }
    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue { value.protoJSON }
    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) { try reader.read(json, into: &value) }
}
extension Google_Protobuf_Int32Value {
    public static var hasSpecialJSONForm: Bool { true }
    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue { value.protoJSON }
    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) { try reader.read(json, into: &value) }
}
extension Google_Protobuf_UInt32Value {
    public static var hasSpecialJSONForm: Bool { true }
    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue { value.protoJSON }
    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) { try reader.read(json, into: &value) }
}
extension Google_Protobuf_BoolValue {
    public static var hasSpecialJSONForm: Bool { true }
    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue { value.protoJSON }
    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) { try reader.read(json, into: &value) }
}
extension Google_Protobuf_StringValue {
    public static var hasSpecialJSONForm: Bool { true }
    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue { value.protoJSON }
    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) { try reader.read(json, into: &value) }
}
extension Google_Protobuf_BytesValue {
    public static var hasSpecialJSONForm: Bool { true }
    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue { value.protoJSON }
    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) { try reader.read(json, into: &value) }
}

// MARK: Struct, Value, ListValue: any JSON

extension Google_Protobuf_Value {
    public static var hasSpecialJSONForm: Bool { true }
    /// `null` is a Value (`null_value`), not an unset field.
    public static var acceptsJSONNull: Bool { true }

    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue {
        switch kind {
        case .nullValue?, nil: return .null
        case .numberValue(let d)?:
            guard d.isFinite, let n = JSONNumber(d) else { throw ProtoJSONError(field: "", message: "Value cannot hold \(d) in JSON") }
            return .number(n)
        case .stringValue(let s)?: return .string(s)
        case .boolValue(let b)?: return .bool(b)
        case .structValue(let s)?: return try s.protoJSONValue(options: options)
        case .listValue(let l)?: return try l.protoJSONValue(options: options)
        }
    }

    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) {
        switch json {
        case .null: kind = .nullValue(.nullValue)
        case .bool(let b): kind = .boolValue(b)
        case .number(let n): kind = .numberValue(n.doubleValue)
        case .string(let s): kind = .stringValue(s)
        case .array:
            var list = Google_Protobuf_ListValue()
            try list.mergeProtoJSONValue(json, reader: reader)
            kind = .listValue(list)
        case .object:
            var object = Google_Protobuf_Struct()
            try object.mergeProtoJSONValue(json, reader: reader)
            kind = .structValue(object)
        }
    }
}

extension Google_Protobuf_Struct {
    public static var hasSpecialJSONForm: Bool { true }

    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue {
        var object = JSONObject()
        for key in fields.keys.sorted() { object[key] = try fields[key]!.protoJSONValue(options: options) }
        return .object(object)
    }

    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) {
        guard case .object(let object) = json else { throw ProtoJSONError(field: reader.path, message: "expected an object, found \(json.kindName)") }
        for (key, member) in object {
            var value = Google_Protobuf_Value()
            try value.mergeProtoJSONValue(member, reader: reader.member(key))
            fields[key] = value
        }
    }
}

extension Google_Protobuf_ListValue {
    public static var hasSpecialJSONForm: Bool { true }

    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue {
        var array: [JSONValue] = []
        for value in values { array.append(try value.protoJSONValue(options: options)) }
        return .array(array)
    }

    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) {
        guard case .array(let elements) = json else { throw ProtoJSONError(field: reader.path, message: "expected an array, found \(json.kindName)") }
        for element in elements {
            var value = Google_Protobuf_Value()
            try value.mergeProtoJSONValue(element, reader: reader)
            values.append(value)
        }
    }
}

// MARK: FieldMask: paths in lowerCamel, comma-separated

extension Google_Protobuf_FieldMask {
    public static var hasSpecialJSONForm: Bool { true }

    public func protoJSONValue(options: ProtoJSONEncodingOptions) throws(ProtoJSONError) -> JSONValue {
        var out: [String] = []
        for path in paths {
            var camel = ""
            var upper = false
            for c in path {
                if c == "_" {
                    upper = true
                } else {
                    guard !(c.isUppercase) else { throw ProtoJSONError(field: "", message: "FieldMask path \"\(path)\" has no JSON form") }
                    camel += upper ? c.uppercased() : String(c)
                    upper = false
                }
            }
            if upper { throw ProtoJSONError(field: "", message: "FieldMask path \"\(path)\" has no JSON form") }
            out.append(camel)
        }
        return .string(out.joined(separator: ","))
    }

    public mutating func mergeProtoJSONValue(_ json: JSONValue, reader: ProtoJSONReader) throws(ProtoJSONError) {
        guard case .string(let text) = json else { throw ProtoJSONError(field: reader.path, message: "expected a string of paths, found \(json.kindName)") }
        if text.isEmpty { return }
        for path in text.split(separator: ",", omittingEmptySubsequences: false) {
            var snake = ""
            for c in path {
                if c == "_" { throw ProtoJSONError(field: reader.path, message: "FieldMask path \"\(path)\" must be lowerCamel") }
                if c.isUppercase { snake += "_" + c.lowercased() } else { snake.append(c) }
            }
            paths.append(snake)
        }
    }
}
