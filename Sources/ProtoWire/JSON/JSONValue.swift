/// A JSON value (RFC 8259): what a JSON text parses to, and what `serialized()` writes.
///
/// Numbers keep their source text (`JSONNumber`), so integers beyond 2^53 survive a round trip and
/// protobuf's JSON mapping can read `int64` fields exactly. Objects keep their members in source
/// order (`JSONObject`). Parse with `JSONValue(parsing:)`, which rejects everything RFC 8259 does
/// not allow and throws a `JSONParseError` saying what was expected, and where.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept as its text.
    case number(JSONNumber)
    /// A string, escapes decoded.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, members in source order.
    case object(JSONObject)

    /// Nesting depth `JSONValue(parsing:)` accepts by default (arrays and objects inside each other).
    public static let defaultMaxDepth = 100

    /// Parses one JSON text (RFC 8259): a value with optional whitespace around it, nothing else.
    ///
    /// Duplicate member names in one object are rejected (RFC 8259 leaves their meaning open).
    /// - Parameters:
    ///   - text: The JSON text.
    ///   - maxDepth: How deep arrays and objects may nest; deeper input throws `.nestingTooDeep`.
    /// - Throws: `JSONParseError` with the line, column and byte offset of the first error.
    public init(parsing text: String, maxDepth: Int = JSONValue.defaultMaxDepth) throws(JSONParseError) {
        try self.init(parsing: Array(text.utf8), maxDepth: maxDepth)
    }

    /// Parses one JSON text given as UTF-8 bytes; invalid UTF-8 throws `.invalidUTF8`.
    /// - Throws: `JSONParseError` with the line, column and byte offset of the first error.
    public init(parsing bytes: [UInt8], maxDepth: Int = JSONValue.defaultMaxDepth) throws(JSONParseError) {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        self = try parser.parseDocument()
    }

    /// The JSON text of this value: compact, or indented by two spaces per level.
    ///
    /// Strings escape `"`, `\` and control characters only; numbers are written as their text.
    public func serialized(prettyPrinted: Bool = false) -> String {
        var out: [UInt8] = []
        JSONSerializer(pretty: prettyPrinted).write(self, depth: 0, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

// MARK: - Access

extension JSONValue {
    /// True for `null`.
    public var isNull: Bool { self == .null }
    /// The Boolean, when this is `true` or `false`.
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The number, when this is a number.
    public var numberValue: JSONNumber? { if case .number(let n) = self { n } else { nil } }
    /// The number as the nearest `Double`, when this is a number.
    public var doubleValue: Double? { numberValue?.doubleValue }
    /// The string, when this is a string.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    /// The members, when this is an object.
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    /// The member named `key`, when this is an object that has it.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }
    /// A word for this value's type (`null`, `boolean`, `number`, `string`, `array`, `object`), for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text.
    public var description: String { serialized() }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A Boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer number.
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    /// A number from a (finite) floating-point literal.
    public init(floatLiteral value: Double) {
        guard let number = JSONNumber(value) else { preconditionFailure("JSON has no \(value)") }
        self = .number(number)
    }
    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object, members in the literal's order (a repeated key: the last value wins, at the first position).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object = JSONObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}

// MARK: - JSONNumber

/// A JSON number, kept as the text it was written as (`-0`, `1.50`, `1e400` stay as written).
///
/// Two numbers are equal when their texts are: `1` and `1.0` differ. Read it as `doubleValue`, or
/// exactly as `int64Value` / `uint64Value` when the text is an integer that fits.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number's text, valid RFC 8259 number syntax.
    public let text: String

    /// A number from its text; nil unless `text` is exactly RFC 8259 number syntax
    /// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    public init?(text: String) {
        let bytes = Array(text.utf8)
        guard JSONParser.numberLength(bytes, from: 0) == bytes.count, !bytes.isEmpty else { return nil }
        self.text = text
    }

    /// An integer.
    public init(_ value: some BinaryInteger) { text = String(value) }

    /// A floating-point number in its shortest round-tripping form; nil for infinities and NaN (JSON has none).
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        // Swift prints finite doubles as valid JSON numbers ("1.0", "1e-05", "5e-324").
        text = value.description
    }

    fileprivate init(validatedText: String) { text = validatedText }

    /// The nearest `Double`; ±infinity when the magnitude exceeds `Double`'s range.
    public var doubleValue: Double {
        if let value = Double(text) { return value }
        // Unreachable for valid number text, which Double(_:) always accepts.
        return text.hasPrefix("-") ? -.infinity : .infinity
    }

    /// True when the text has neither a fraction nor an exponent.
    public var isIntegerText: Bool { !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") } }

    /// The value, when the text is an integer (no fraction or exponent) within `Int64`.
    public var int64Value: Int64? { isIntegerText ? Int64(text) : nil }

    /// The value, when the text is a non-negative integer (no fraction or exponent) within `UInt64`.
    public var uint64Value: UInt64? { isIntegerText ? UInt64(text) : nil }

    /// The text.
    public var description: String { text }
}

// MARK: - JSONObject

/// A JSON object's members, in the order they were written or inserted; names are unique.
///
/// Equality ignores order: two objects are equal when they have the same names with equal values.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    private var names: [String] = []
    private var values: [JSONValue] = []
    private var positions: [String: Int] = [:]

    /// An empty object.
    public init() {}

    /// An object with the literal's members, in order (a repeated key: the last value wins).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        for (key, value) in elements { self[key] = value }
    }

    /// Member names in order.
    public var keys: [String] { names }
    /// Number of members.
    public var count: Int { names.count }
    /// True when the object has no members.
    public var isEmpty: Bool { names.isEmpty }

    /// The member named `key`. Setting a new name appends it; setting an existing one replaces its
    /// value in place; setting nil removes it.
    public subscript(key: String) -> JSONValue? {
        get { positions[key].map { values[$0] } }
        set {
            if let position = positions[key] {
                if let newValue {
                    values[position] = newValue
                } else {
                    names.remove(at: position)
                    values.remove(at: position)
                    positions[key] = nil
                    for i in position..<names.count { positions[names[i]] = i }
                }
            } else if let newValue {
                positions[key] = names.count
                names.append(key)
                values.append(newValue)
            }
        }
    }

    /// Adds a member that is known to be new (the parser checks first).
    fileprivate mutating func appendNew(_ key: String, _ value: JSONValue) {
        positions[key] = names.count
        names.append(key)
        values.append(value)
    }

    /// Iterates members in order.
    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSONValue)> {
        zip(names, values).lazy.map { (key: $0, value: $1) }.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in zip(lhs.names, lhs.values) where rhs[key] != value { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, like ==: a commutative sum of the members' hashes.
        var sum = 0
        for (key, value) in zip(names, values) {
            var member = Hasher()
            member.combine(key)
            member.combine(value)
            sum &+= member.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}

// MARK: - Errors

/// Why a JSON text did not parse, and where.
///
/// `offset` is the byte offset of the offending character in the UTF-8 input; `line` and `column`
/// count from 1 (lines end at `\n`; columns count Unicode scalars). `expected` says what the
/// grammar allowed there, e.g. `"',' or '}'"`. The description reads
/// "line L, column C (offset O): what, expected X".
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// The input ends before the value does.
        case unexpectedEnd
        /// A character the grammar does not allow here.
        case unexpectedCharacter(Unicode.Scalar)
        /// A number that breaks RFC 8259 syntax (leading zero, missing digits, `+1`, `.5`).
        case invalidNumber
        /// A backslash followed by something other than `"\/bfnrtu`.
        case invalidEscape
        /// `\u` not followed by four hex digits, or a surrogate escape without its other half.
        case invalidUnicodeEscape
        /// An unescaped control character (U+0000–U+001F) inside a string.
        case controlCharacterInString
        /// Bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// An object names the same member twice.
        case duplicateKey(String)
        /// Arrays and objects nest deeper than the parser's `maxDepth`.
        case nestingTooDeep
    }

    /// What went wrong.
    public var kind: Kind
    /// What the grammar allowed at this point (e.g. `"a value"`, `"',' or ']'"`, `"a digit"`).
    public var expected: String
    /// Byte offset in the UTF-8 input.
    public var offset: Int
    /// Line, from 1.
    public var line: Int
    /// Column in Unicode scalars, from 1.
    public var column: Int

    /// Creates an error; `line` and `column` are those of `offset`.
    public init(_ kind: Kind, expected: String, offset: Int, line: Int, column: Int) {
        self.kind = kind
        self.expected = expected
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String {
        let what: String
        switch kind {
        case .unexpectedEnd: what = "unexpected end of input"
        case .unexpectedCharacter(let scalar):
            what = "unexpected character '\(scalar.escaped(asASCII: true))'"
        case .invalidNumber: what = "invalid number"
        case .invalidEscape: what = "invalid escape sequence"
        case .invalidUnicodeEscape: what = "invalid \\u escape"
        case .controlCharacterInString: what = "unescaped control character in string"
        case .invalidUTF8: what = "invalid UTF-8"
        case .duplicateKey(let key): what = "duplicate member name \"\(key)\""
        case .nestingTooDeep: what = "nesting too deep"
        }
        return "line \(line), column \(column) (offset \(offset)): \(what), expected \(expected)"
    }
}

// MARK: - Parser

/// Recursive-descent RFC 8259 parser over UTF-8 bytes.
struct JSONParser {
    private let bytes: [UInt8]
    private let maxDepth: Int
    private var index = 0
    private var depth = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw unexpected(at: index, expected: "end of input") }
        return value
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error(.unexpectedEnd, at: index, expected: "a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw unexpected(at: index, expected: "a value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let start = index
        for (k, byte) in UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount).enumerated() {
            let at = start + k
            guard at < bytes.count else { throw error(.unexpectedEnd, at: at, expected: "'\(word)'") }
            guard bytes[at] == byte else { throw unexpected(at: at, expected: "'\(word)'") }
        }
        index = start + word.utf8CodeUnitCount
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth {
            throw error(.nestingTooDeep, at: index, expected: "at most \(maxDepth) nested arrays and objects")
        }
        index += 1
        skipWhitespace()
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        var elements: [JSONValue] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error(.unexpectedEnd, at: index, expected: "',' or ']'") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            default: throw unexpected(at: index, expected: "',' or ']'")
            }
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        var object = JSONObject()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(object)
        }
        while true {
            guard index < bytes.count else { throw error(.unexpectedEnd, at: index, expected: "a member name string") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw unexpected(at: index, expected: "a member name string")
            }
            let keyStart = index
            let key = try parseString()
            if object[key] != nil { throw error(.duplicateKey(key), at: keyStart, expected: "unique member names") }
            skipWhitespace()
            guard index < bytes.count else { throw error(.unexpectedEnd, at: index, expected: "':'") }
            guard bytes[index] == UInt8(ascii: ":") else { throw unexpected(at: index, expected: "':'") }
            index += 1
            skipWhitespace()
            object.appendNew(key, try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error(.unexpectedEnd, at: index, expected: "',' or '}'") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(object)
            default: throw unexpected(at: index, expected: "',' or '}'")
            }
        }
    }

    /// Parses the string whose opening quote is at `index`.
    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else {
                throw error(.unexpectedEnd, at: index, expected: "'\"' closing the string")
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &out)
            case 0..<0x20:
                throw error(.controlCharacterInString, at: index, expected: "an escape such as \\n or \\u00XX")
            case 0x80...:
                guard let length = Self.utf8SequenceLength(bytes, at: index) else {
                    throw error(.invalidUTF8, at: index, expected: "well-formed UTF-8")
                }
                out.append(contentsOf: bytes[index..<index + length])
                index += length
            default:
                out.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else { throw error(.unexpectedEnd, at: index, expected: "an escape character") }
        let code = bytes[index]
        index += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(code)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalarValue = try hex4()
            if (0xD800...0xDBFF).contains(scalarValue) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else {
                    throw error(
                        .invalidUnicodeEscape, at: escapeStart,
                        expected: "a low surrogate \\uDC00–\\uDFFF after a high surrogate")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error(
                        .invalidUnicodeEscape, at: escapeStart,
                        expected: "a low surrogate \\uDC00–\\uDFFF after a high surrogate")
                }
                scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalarValue) {
                throw error(.invalidUnicodeEscape, at: escapeStart, expected: "a high surrogate before a low surrogate")
            }
            // Not a surrogate (or a combined pair): always a valid scalar.
            out.append(contentsOf: String(Character(Unicode.Scalar(scalarValue)!)).utf8)
        default:
            throw error(.invalidEscape, at: escapeStart, expected: "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else {
                throw error(.unexpectedEnd, at: index, expected: "four hex digits after \\u")
            }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error(.invalidUnicodeEscape, at: index, expected: "four hex digits after \\u")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = index
        switch Self.scanNumber(bytes, from: start) {
        case .success(let end):
            index = end
            return JSONNumber(validatedText: String(decoding: bytes[start..<end], as: UTF8.self))
        case .failure(let at, let expected):
            if at >= bytes.count { throw error(.unexpectedEnd, at: at, expected: expected) }
            throw error(.invalidNumber, at: at, expected: expected)
        }
    }

    private enum NumberScan { case success(end: Int), failure(at: Int, expected: String) }

    /// Scans RFC 8259 number syntax from `start`: where it ends, or where and why it is malformed.
    private static func scanNumber(_ bytes: [UInt8], from start: Int) -> NumberScan {
        var i = start
        func isDigit(_ at: Int) -> Bool {
            at < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at])
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { return .failure(at: i, expected: "a digit") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if isDigit(i) { return .failure(at: i, expected: "'.', 'e' or the end of the number after a leading 0") }
        } else {
            while isDigit(i) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { return .failure(at: i, expected: "a digit after '.'") }
            while isDigit(i) { i += 1 }
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { return .failure(at: i, expected: "a digit in the exponent") }
            while isDigit(i) { i += 1 }
        }
        return .success(end: i)
    }

    /// Length of the valid number at `start`, or nil.
    static func numberLength(_ bytes: [UInt8], from start: Int) -> Int? {
        if case .success(let end) = scanNumber(bytes, from: start) { return end - start }
        return nil
    }

    /// Length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or nil.
    static func utf8SequenceLength(_ bytes: [UInt8], at i: Int) -> Int? {
        let b0 = bytes[i]
        func continuation(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            i + k < bytes.count && range.contains(bytes[i + k])
        }
        switch b0 {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return continuation(1) ? 2 : nil
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : nil
        case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : nil
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : nil
        default: return nil
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// An "unexpected character" error at `at`, or "invalid UTF-8" when the bytes there are not a scalar.
    private func unexpected(at: Int, expected: String) -> JSONParseError {
        guard let length = Self.utf8SequenceLength(bytes, at: at) else {
            return error(.invalidUTF8, at: at, expected: expected)
        }
        let scalar = String(decoding: bytes[at..<at + length], as: UTF8.self).unicodeScalars.first!
        return error(.unexpectedCharacter(scalar), at: at, expected: expected)
    }

    private func error(_ kind: JSONParseError.Kind, at offset: Int, expected: String) -> JSONParseError {
        // Line and column are worked out only here, on the error path.
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONParseError(kind, expected: expected, offset: offset, line: line, column: column)
    }
}

// MARK: - Serializer

private struct JSONSerializer {
    let pretty: Bool

    func write(_ value: JSONValue, depth: Int, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.text.utf8)
        case .string(let s): writeString(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (k, element) in elements.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1, &out)
                write(element, depth: depth + 1, to: &out)
            }
            if !elements.isEmpty { newline(depth, &out) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (k, member) in object.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1, &out)
                writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                write(member.value, depth: depth + 1, to: &out)
            }
            if !object.isEmpty { newline(depth, &out) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private func newline(_ depth: Int, _ out: inout [UInt8]) {
        guard pretty else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    private func writeString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
