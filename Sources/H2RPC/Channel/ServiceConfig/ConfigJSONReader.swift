import ProtoWire

/// Reads typed fields out of a JSON object, with errors that name the key path.
struct ConfigJSONReader {
    let object: JSONObject
    let path: String

    /// The object at `path`, or an error saying it is not one.
    init(_ value: JSONValue, path: String) throws(ServiceConfigError) {
        guard let object = value.objectValue else {
            throw ServiceConfigError(path: path, reason: "must be an object, not \(value.kindName)")
        }
        self.object = object
        self.path = path
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member `key`, nil when absent or `null` (proto3 JSON treats null as absent).
    func value(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func bool(_ key: String) throws(ServiceConfigError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let b = value.boolValue else {
            throw ServiceConfigError(path: keyPath(key), reason: "must be true or false")
        }
        return b
    }

    func string(_ key: String) throws(ServiceConfigError) -> String? {
        guard let value = value(key) else { return nil }
        guard let s = value.stringValue else {
            throw ServiceConfigError(path: keyPath(key), reason: "must be a string, not \(value.kindName)")
        }
        return s
    }

    func array(_ key: String) throws(ServiceConfigError) -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard let a = value.arrayValue else {
            throw ServiceConfigError(path: keyPath(key), reason: "must be an array, not \(value.kindName)")
        }
        return a
    }

    /// An integer in `range`: a JSON number with an integral value or a decimal string (proto3 JSON).
    func integer(_ key: String, in range: ClosedRange<Int>, reason: String) throws(ServiceConfigError) -> Int? {
        guard let value = value(key) else { return nil }
        let number: Double?
        switch value {
        case .number(let n): number = n.doubleValue
        case .string(let s): number = JSONNumber(text: s)?.doubleValue
        default: number = nil
        }
        guard let number, number.rounded() == number, number >= Double(range.lowerBound),
            number <= Double(range.upperBound)
        else { throw ServiceConfigError(path: keyPath(key), reason: reason) }
        return Int(number)
    }

    /// A finite number (a JSON number or a decimal string).
    func number(_ key: String, reason: String) throws(ServiceConfigError) -> Double? {
        guard let value = value(key) else { return nil }
        let number: Double?
        switch value {
        case .number(let n): number = n.doubleValue
        case .string(let s): number = JSONNumber(text: s)?.doubleValue
        default: number = nil
        }
        guard let number, number.isFinite else { throw ServiceConfigError(path: keyPath(key), reason: reason) }
        return number
    }

    /// A protobuf JSON Duration: `"1.5s"`, `"-0.001s"`, up to 9 fractional digits.
    func duration(_ key: String) throws(ServiceConfigError) -> Duration? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue, let duration = Self.parseDuration(text) else {
            throw ServiceConfigError(
                path: keyPath(key), reason: "must be a duration string such as \"1.5s\", not \(value.serialized())")
        }
        return duration
    }

    /// A list of status codes: numbers 0…16 or names, case-insensitive (`"UNAVAILABLE"`, `"unavailable"`).
    func statusCodes(_ key: String) throws(ServiceConfigError) -> Set<StatusCode>? {
        guard let items = try array(key) else { return nil }
        var codes = Set<StatusCode>()
        for (k, item) in items.enumerated() {
            let itemPath = "\(keyPath(key))[\(k)]"
            switch item {
            case .number(let n):
                guard let code = n.int64Value, (0...16).contains(code) else {
                    throw ServiceConfigError(path: itemPath, reason: "must be a status code 0…16 or its name")
                }
                codes.insert(StatusCode(rawValue: Int(code)))
            case .string(let name):
                guard let code = Self.statusCode(named: name) else {
                    throw ServiceConfigError(path: itemPath, reason: "\"\(name)\" is not a status code name")
                }
                codes.insert(code)
            default:
                throw ServiceConfigError(path: itemPath, reason: "must be a status code 0…16 or its name")
            }
        }
        return codes
    }

    static func statusCode(named name: String) -> StatusCode? {
        let upper = name.uppercased()
        return (0...16).lazy.map { StatusCode(rawValue: $0) }.first { $0.description == upper }
    }

    /// `-?\d+(\.\d{1,9})?s` as a Duration.
    static func parseDuration(_ text: String) -> Duration? {
        var bytes = Array(text.utf8)
        guard bytes.last == UInt8(ascii: "s") else { return nil }
        bytes.removeLast()
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes.removeFirst()
        }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12 else { return nil }
        func digits(_ part: ArraySlice<UInt8>) -> Bool {
            part.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
        guard digits(parts[0]), let seconds = Int64(String(decoding: parts[0], as: UTF8.self)) else { return nil }
        var nanos: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...9).contains(fraction.count), digits(fraction) else { return nil }
            nanos = Int64(String(decoding: fraction, as: UTF8.self))!
            for _ in fraction.count..<9 { nanos *= 10 }
        }
        let duration = Duration.seconds(seconds) + .nanoseconds(nanos)
        return negative ? .zero - duration : duration
    }
}
