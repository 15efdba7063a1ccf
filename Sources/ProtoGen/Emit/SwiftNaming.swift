/// How proto names become Swift names.
enum SwiftNaming {
    /// Swift keywords that must be written in backticks when used as names.
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
        "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return",
        "throw", "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self",
        "super", "throws", "true", "try", "_", "async", "consume", "copy", "discard", "each", "borrowing",
        "consuming", "package", "some", "any", "Type", "Protocol",
    ]

    /// Members every generated message has; a field with one of these names gets a `_p` suffix.
    static let reservedMemberNames: Set<String> = [
        "unknownFields", "hashValue", "hash", "encodedSize", "encode", "decodeMerge", "serializedBytes",
        "with", "merge", "init", "self", "Type", "Protocol", "description", "debugDescription",
    ]

    /// Type names that would shadow what generated code uses; such a proto type gets a `Message` suffix.
    static let reservedTypeNames: Set<String> = [
        "Type", "Protocol", "Self", "Any", "String", "Int", "Int32", "Int64", "UInt32", "UInt64", "Float",
        "Double", "Bool", "Array", "Dictionary", "Optional", "Error", "Sendable", "Hashable", "Equatable",
        "ProtoMessage", "ProtoEnum", "ProtoReader", "ProtoWriter", "ProtoSize", "ProtoUnknownFields",
        "ProtoDecodeError", "ProtoField", "OneOf", "Client", "ServiceProtocol",
    ]

    /// Words written in capitals when they are not the first word (`account_id` → `accountID`).
    static let acronyms: [String: String] = [
        "id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "uri": "URI", "http": "HTTP",
        "https": "HTTPS", "json": "JSON",
    ]

    /// Splits `foo_bar2Baz` into words at underscores and lower→upper case changes.
    static func words(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previous: Character?
        for c in name {
            if c == "_" {
                if !current.isEmpty { words.append(current) }
                current = ""
                previous = nil
                continue
            }
            if let p = previous, c.isUppercase, p.isLowercase || p.isNumber {
                words.append(current)
                current = ""
            }
            current.append(c)
            previous = c
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `foo_bar_2` → `fooBar2`; `packed_ids` → `packedIDs`; `FOO_BAR` → `fooBar`.
    static func lowerCamel(_ name: String) -> String {
        let parts = words(name)
        guard let first = parts.first else { return name }
        var result = first.lowercased()
        for word in parts.dropFirst() {
            let lower = word.lowercased()
            if let acronym = acronyms[lower] {
                result += acronym
            } else {
                result += lower.prefix(1).uppercased() + lower.dropFirst()
            }
        }
        if let c = result.first, c.isNumber { result = "_" + result }
        return result
    }

    /// `foo_bar` → `FooBar`; keeps inner capitals (`grpcLB` → `GrpcLB`).
    static func upperCamel(_ name: String) -> String { joiningUnderscores(name, capitalizeFirst: true) }

    /// Underscores removed and the letter after each one upper-cased (the first letter too with
    /// `capitalizeFirst`); other letters are kept as written.
    static func joiningUnderscores(_ name: String, capitalizeFirst: Bool) -> String {
        var result = ""
        var capitalizeNext = capitalizeFirst
        for c in name {
            if c == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += c.uppercased()
                capitalizeNext = false
            } else {
                result.append(c)
            }
        }
        return result
    }

    /// A name usable as a Swift identifier in declarations and member access.
    static func escaped(_ name: String) -> String {
        keywords.contains(name) ? "`\(name)`" : name
    }

    /// Swift property name of a field (or oneof).
    static func propertyName(_ protoName: String) -> String {
        let name = lowerCamel(protoName)
        return reservedMemberNames.contains(name) ? name + "_p" : name
    }

    /// Swift name of a message or enum (one component, without its parents).
    static func typeName(_ protoName: String, suffix: String = "Message") -> String {
        reservedTypeNames.contains(protoName) ? protoName + suffix : protoName
    }

    /// `grpc.testing` → `Grpc_Testing_`; `swift_prefix` wins when the file sets it.
    static func prefix(package: String, swiftPrefix: String?) -> String {
        if let swiftPrefix { return swiftPrefix }
        if package.isEmpty { return "" }
        return package.split(separator: ".").map { upperCamel(String($0)) }.joined(separator: "_") + "_"
    }
}
