/// Serializes options as written (`option java_package = "x";`, `[packed = false]`) into the bytes
/// of their `google.protobuf.*Options` message, as protoc stores them in a descriptor: the standard
/// options in field-number order, then custom options in the order written. Custom options (`(my.option) = 5`,
/// `(my.limits) = { min: 1 }`) are encoded when they name an extension declared in the loaded files;
/// sub-field paths (`(my.limits).min = 1`) and extension names inside aggregates are not (they are
/// left out of the embedded descriptor).
struct OptionEncoder {
    enum Target {
        case file, message, field, oneof, enumType, enumValue, service, method

        /// The standard options of this target's options message: name → (number, kind).
        var known: [String: (Int, Kind)] {
            switch self {
            case .file:
                return [
                    "java_package": (1, .string), "java_outer_classname": (8, .string),
                    "optimize_for": (9, .enumValue(["SPEED": 1, "CODE_SIZE": 2, "LITE_RUNTIME": 3])),
                    "java_multiple_files": (10, .bool), "go_package": (11, .string), "cc_generic_services": (16, .bool),
                    "java_generic_services": (17, .bool), "py_generic_services": (18, .bool),
                    "java_generate_equals_and_hash": (20, .bool), "deprecated": (23, .bool),
                    "java_string_check_utf8": (27, .bool),
                    "cc_enable_arenas": (31, .bool), "objc_class_prefix": (36, .string),
                    "csharp_namespace": (37, .string),
                    "swift_prefix": (39, .string), "php_class_prefix": (40, .string), "php_namespace": (41, .string),
                    "php_generic_services": (42, .bool), "php_metadata_namespace": (44, .string),
                    "ruby_package": (45, .string),
                ]
            case .message:
                return [
                    "message_set_wire_format": (1, .bool), "no_standard_descriptor_accessor": (2, .bool),
                    "deprecated": (3, .bool), "map_entry": (7, .bool),
                ]
            case .field:
                return [
                    "ctype": (1, .enumValue(["STRING": 0, "CORD": 1, "STRING_PIECE": 2])), "packed": (2, .bool),
                    "deprecated": (3, .bool), "lazy": (5, .bool),
                    "jstype": (6, .enumValue(["JS_NORMAL": 0, "JS_STRING": 1, "JS_NUMBER": 2])), "weak": (10, .bool),
                    "unverified_lazy": (15, .bool),
                ]
            case .oneof: return [:]
            case .enumType: return ["allow_alias": (2, .bool), "deprecated": (3, .bool)]
            case .enumValue: return ["deprecated": (1, .bool)]
            case .service: return ["deprecated": (33, .bool)]
            case .method:
                return [
                    "deprecated": (33, .bool),
                    "idempotency_level": (
                        34, .enumValue(["IDEMPOTENCY_UNKNOWN": 0, "NO_SIDE_EFFECTS": 1, "IDEMPOTENT": 2])
                    ),
                ]
            }
        }

        /// The full name of the options message, as custom options' `extend` blocks name it.
        var optionsMessage: String {
            switch self {
            case .file: ".google.protobuf.FileOptions"
            case .message: ".google.protobuf.MessageOptions"
            case .field: ".google.protobuf.FieldOptions"
            case .oneof: ".google.protobuf.OneofOptions"
            case .enumType: ".google.protobuf.EnumOptions"
            case .enumValue: ".google.protobuf.EnumValueOptions"
            case .service: ".google.protobuf.ServiceOptions"
            case .method: ".google.protobuf.MethodOptions"
            }
        }
    }

    enum Kind {
        case bool, string, enumValue([String: Int32])
        case scalar(FieldType)
    }

    /// Extension fields of every loaded file by full name (no leading dot).
    let extensions: [String: FieldDecl]
    /// Messages and enums of every loaded file by full name with a leading dot (as `typeName`).
    private var messages: [String: MessageDecl] = [:]
    private var enums: [String: EnumDecl] = [:]

    init(files: [FileDecl]) {
        var extensions: [String: FieldDecl] = [:]
        func add(_ fields: [FieldDecl], scope: String) {
            for field in fields { extensions[scope.isEmpty ? field.name : scope + "." + field.name] = field }
        }
        var messages: [String: MessageDecl] = [:]
        var enums: [String: EnumDecl] = [:]
        func walk(_ message: MessageDecl) {
            add(message.extensions, scope: message.fullName)
            messages["." + message.fullName] = message
            for decl in message.enums { enums["." + decl.fullName] = decl }
            message.messages.forEach(walk)
        }
        for file in files {
            add(file.extensions, scope: file.package)
            for decl in file.enums { enums["." + decl.fullName] = decl }
            file.messages.forEach(walk)
        }
        self.extensions = extensions
        self.messages = messages
        self.enums = enums
    }

    /// The options message's bytes, or nil when nothing is set.
    func encode(_ options: [ParsedOption], for target: Target, scope: String) -> [UInt8]? {
        var records: [(Int, [UInt8])] = []
        var custom: [UInt8] = []
        for option in options {
            if let (number, kind) = target.known[option.name] {
                if let bytes = Self.encode(option.value, kind: kind, number: number) { records.append((number, bytes)) }
            } else if let field = customOption(option.name, target: target, scope: scope),
                let bytes = encode(option.value, field: field)
            {
                custom += bytes
            }
        }
        if records.isEmpty && custom.isEmpty { return nil }
        return Self.sorted(records) + custom
    }

    /// Records in field-number order (a stable sort: repeated values keep their order), as protoc
    /// serializes a parsed options message.
    private static func sorted(_ records: [(Int, [UInt8])]) -> [UInt8] {
        records.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.flatMap(\.element.1)
    }

    /// One field's record for a value as written: scalars, enum names, and messages in text format.
    private func encode(_ value: OptionValue, field: FieldDecl) -> [UInt8]? {
        guard let type = field.type else { return nil }
        switch type {
        case .group:
            return nil
        case .message:
            guard case .aggregate(let tokens) = value, let message = messages[field.typeName],
                let body = encodeMessage(tokens[...], type: message)
            else { return nil }
            var out: [UInt8] = []
            RawProto.lengthDelimited(field.number, body, into: &out)
            return out
        case .enum:
            var number: Int64?
            switch value {
            case .identifier(let name):
                number = enums[field.typeName]?.values.first { $0.name == name }.map { Int64($0.number) }
            case .integer(let negative, let magnitude): number = negative ? -Int64(magnitude) : Int64(magnitude)
            default: break
            }
            guard let number else { return nil }
            return Self.encode(
                .integer(negative: number < 0, magnitude: number.magnitude), kind: .scalar(.int64), number: field.number
            )
        default:
            return Self.encode(value, kind: .scalar(type), number: field.number)
        }
    }

    /// A text-format message body (`min: 1 max: 10 inner { a: "x" } list: [1, 2]`) as bytes of `type`.
    private func encodeMessage(_ tokens: ArraySlice<Token>, type: MessageDecl) -> [UInt8]? {
        var records: [(Int, [UInt8])] = []
        var i = tokens.startIndex
        func isSymbol(_ text: String) -> Bool {
            i < tokens.endIndex && tokens[i].kind == .symbol && tokens[i].text == text
        }
        /// The tokens of a `{ … }` or `< … >` block starting at `i`, moving `i` past it.
        func block() -> ArraySlice<Token>? {
            let start = i
            var depth = 0
            repeat {
                guard i < tokens.endIndex else { return nil }
                if isSymbol("{") || isSymbol("<") { depth += 1 }
                if isSymbol("}") || isSymbol(">") { depth -= 1 }
                i += 1
            } while depth > 0
            return tokens[(start + 1)..<(i - 1)]
        }
        /// One scalar value (`-`? then a literal or identifier), or a message block.
        func value(for field: FieldDecl) -> [UInt8]? {
            if isSymbol("{") || isSymbol("<") {
                guard let body = block() else { return nil }
                return encode(.aggregate(Array(body)), field: field)
            }
            let negative = isSymbol("-")
            if negative { i += 1 }
            guard i < tokens.endIndex else { return nil }
            let token = tokens[i]
            i += 1
            let parsed: OptionValue
            switch token.kind {
            case .integer:
                guard let magnitude = Parser.integerValue(token.text) else { return nil }
                parsed = .integer(negative: negative, magnitude: magnitude)
            case .float:
                let d = Double(token.text.hasPrefix(".") ? "0" + token.text : token.text) ?? 0
                parsed = .float(negative ? -d : d)
            case .string:
                var bytes = StringLiteral.decode(token.text) ?? []
                while i < tokens.endIndex, tokens[i].kind == .string {
                    bytes += StringLiteral.decode(tokens[i].text) ?? []; i += 1
                }
                parsed = .string(bytes)
            case .identifier:
                parsed = .identifier(negative ? "-" + token.text : token.text)
            default:
                return nil
            }
            return encode(parsed, field: field)
        }
        while i < tokens.endIndex {
            guard tokens[i].kind == .identifier else { return nil }
            let name = tokens[i].text
            i += 1
            guard
                let field = type.fields.first(where: {
                    $0.name == name || ($0.type == .group && $0.typeName.hasSuffix("." + name))
                })
            else { return nil }
            if isSymbol(":") { i += 1 }
            if isSymbol("[") {
                i += 1
                while !isSymbol("]") {
                    guard i < tokens.endIndex, let bytes = value(for: field) else { return nil }
                    records.append((field.number, bytes))
                    if isSymbol(",") { i += 1 }
                }
                i += 1
            } else {
                guard let bytes = value(for: field) else { return nil }
                records.append((field.number, bytes))
            }
            if isSymbol(",") || isSymbol(";") { i += 1 }
        }
        return Self.sorted(records)
    }

    /// The extension a `(name)` option names, looked up from `scope` outwards as protoc does.
    private func customOption(_ name: String, target: Target, scope: String) -> FieldDecl? {
        guard name.hasPrefix("("), name.hasSuffix(")") else { return nil }
        let inner = String(name.dropFirst().dropLast())
        var candidates: [String] = []
        if inner.hasPrefix(".") {
            candidates = [String(inner.dropFirst())]
        } else {
            var current = scope
            while true {
                candidates.append(current.isEmpty ? inner : current + "." + inner)
                if current.isEmpty { break }
                current = current.lastIndex(of: ".").map { String(current[..<$0]) } ?? ""
            }
        }
        for candidate in candidates {
            if let field = extensions[candidate], field.extendee == target.optionsMessage { return field }
        }
        return nil
    }

    private static func encode(_ value: OptionValue, kind: Kind, number: Int) -> [UInt8]? {
        var out: [UInt8] = []
        func varintField(_ v: UInt64) -> [UInt8] {
            RawProto.tag(number, 0, into: &out)
            RawProto.varint(v, into: &out)
            return out
        }
        func integer() -> Int64? {
            switch value {
            case .integer(let negative, let magnitude):
                if negative {
                    return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
                }
                return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
            default: return nil
            }
        }
        func double() -> Double? {
            switch value {
            case .float(let d): return d
            case .integer(let negative, let magnitude): return negative ? -Double(magnitude) : Double(magnitude)
            case .identifier("inf"): return .infinity
            case .identifier("-inf"): return -.infinity
            case .identifier("nan"), .identifier("-nan"): return .nan
            default: return nil
            }
        }
        switch kind {
        case .bool:
            switch value {
            case .identifier("true"): return varintField(1)
            case .identifier("false"): return varintField(0)
            default: return nil
            }
        case .string:
            guard case .string(let bytes) = value else { return nil }
            RawProto.lengthDelimited(number, bytes, into: &out)
            return out
        case .enumValue(let names):
            guard case .identifier(let name) = value, let raw = names[name] else { return nil }
            return varintField(UInt64(bitPattern: Int64(raw)))
        case .scalar(let type):
            switch type {
            case .bool: return encode(value, kind: .bool, number: number)
            case .string, .bytes: return encode(value, kind: .string, number: number)
            case .int32, .int64:
                guard let v = integer() else { return nil }
                return varintField(UInt64(bitPattern: v))
            case .uint32, .uint64:
                guard case .integer(false, let magnitude) = value else { return nil }
                return varintField(magnitude)
            case .sint32, .sint64:
                guard let v = integer() else { return nil }
                return varintField(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
            case .fixed32, .sfixed32, .float:
                let bits: UInt32
                if type == .float {
                    guard let d = double() else { return nil }
                    bits = Float(d).bitPattern
                } else {
                    guard let v = integer() else { return nil }
                    bits = UInt32(truncatingIfNeeded: v)
                }
                RawProto.tag(number, 5, into: &out)
                for shift in stride(from: 0, to: 32, by: 8) {
                    out.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift)))
                }
                return out
            case .fixed64, .sfixed64, .double:
                let bits: UInt64
                if type == .double {
                    guard let d = double() else { return nil }
                    bits = d.bitPattern
                } else {
                    guard let v = integer() else { return nil }
                    bits = UInt64(bitPattern: v)
                }
                RawProto.tag(number, 1, into: &out)
                for shift in stride(from: 0, to: 64, by: 8) {
                    out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
                }
                return out
            case .enum, .message, .group:
                return nil
            }
        }
    }
}
