/// Every name the loaded files define, with the file that defines it, and protoc's scoping rules
/// for looking a type up from inside a message.
struct SymbolTable {
    enum Kind: Equatable { case package, message, enumType, service, enumValue, field, oneof, method }

    struct Symbol {
        var kind: Kind
        var file: String
        var position: SourcePosition
        var isProto3Enum = false
        var isType: Bool { kind == .message || kind == .enumType }
        var isAggregate: Bool { kind == .package || kind == .message || kind == .enumType || kind == .service }
    }

    private(set) var symbols: [String: Symbol] = [:]
    /// Package name (and each of its prefixes) → files that declare it.
    private var packageFiles: [String: Set<String>] = [:]

    /// Names defined twice, each an error at the second definition.
    private(set) var errors: [ProtoGenError] = []

    /// Adds every definition of `file`; a name defined twice is an error at the second definition.
    mutating func add(_ file: FileDecl) {
        if !file.package.isEmpty {
            var prefix = ""
            for part in file.package.split(separator: ".") {
                prefix = prefix.isEmpty ? String(part) : prefix + "." + part
                if let existing = symbols[prefix], existing.kind != .package {
                    errors.append(
                        ProtoGenError(
                            file: file.name, line: 1, column: 1,
                            message:
                                "\"\(prefix)\" is already defined (as something other than a package) in file \"\(existing.file)\"."
                        ))
                    continue
                }
                packageFiles[prefix, default: []].insert(file.name)
                symbols[prefix] = Symbol(kind: .package, file: file.name, position: .unknown)
            }
        }
        let proto3 = file.syntax == .proto3
        for message in file.messages { addMessage(message, file: file.name, scope: file.package, proto3: proto3) }
        for decl in file.enums { addEnum(decl, file: file.name, scope: file.package, proto3: proto3) }
        for service in file.services {
            define(
                service.fullName, Symbol(kind: .service, file: file.name, position: service.position),
                scope: file.package, name: service.name)
            for method in service.methods {
                define(
                    service.fullName + "." + method.name,
                    Symbol(kind: .method, file: file.name, position: method.position),
                    scope: service.fullName, name: method.name)
            }
        }
        // Extensions are named in the scope of their `extend` block, after the file's types (protoc's order).
        for field in file.extensions {
            define(
                Self.join(file.package, field.name),
                Symbol(kind: .field, file: file.name, position: field.namePosition),
                scope: file.package, name: field.name)
        }
    }

    private static func join(_ scope: String, _ name: String) -> String {
        scope.isEmpty ? name : scope + "." + name
    }

    private mutating func define(_ fullName: String, _ symbol: Symbol, scope: String, name: String) {
        if let existing = symbols[fullName] {
            let place =
                existing.file == symbol.file
                ? (scope.isEmpty ? "" : " in \"\(scope)\"")
                : " in file \"\(existing.file)\""
            errors.append(
                ProtoGenError(file: symbol.file, at: symbol.position, "\"\(name)\" is already defined\(place)."))
            return
        }
        symbols[fullName] = symbol
    }

    private mutating func addMessage(_ message: MessageDecl, file: String, scope: String, proto3: Bool) {
        define(
            message.fullName, Symbol(kind: .message, file: file, position: message.position), scope: scope,
            name: message.name)
        for nested in message.messages { addMessage(nested, file: file, scope: message.fullName, proto3: proto3) }
        for decl in message.enums { addEnum(decl, file: file, scope: message.fullName, proto3: proto3) }
        for field in message.fields {
            define(
                message.fullName + "." + field.name, Symbol(kind: .field, file: file, position: field.position),
                scope: message.fullName, name: field.name)
        }
        for field in message.extensions {
            define(
                message.fullName + "." + field.name, Symbol(kind: .field, file: file, position: field.namePosition),
                scope: message.fullName, name: field.name)
        }
        for oneof in message.oneofs
        where !oneof.name.hasPrefix("_")
            || !message.fields.contains(where: { $0.proto3Optional && "_" + $0.name == oneof.name })
        {
            define(
                message.fullName + "." + oneof.name, Symbol(kind: .oneof, file: file, position: oneof.position),
                scope: message.fullName, name: oneof.name)
        }
    }

    private mutating func addEnum(_ decl: EnumDecl, file: String, scope: String, proto3: Bool) {
        var symbol = Symbol(kind: .enumType, file: file, position: decl.position)
        symbol.isProto3Enum = proto3
        define(decl.fullName, symbol, scope: scope, name: decl.name)
        // Enum values are siblings of their enum (C++ scoping), so two enums in one scope cannot share a value name.
        for value in decl.values {
            define(
                Self.join(scope, value.name), Symbol(kind: .enumValue, file: file, position: value.position),
                scope: scope, name: value.name)
        }
    }

    /// What a lookup found.
    enum Lookup {
        case found(fullName: String, Symbol)
        /// Defined, but in a file the looking file does not import.
        case notImported(fullName: String, file: String)
        /// A dotted name whose first part was found in an inner scope, where the rest is not defined.
        case resolvedToUndefined(fullName: String)
        case notFound
    }

    private func find(_ fullName: String, visible: Set<String>, hidden: inout (String, String)?) -> Symbol? {
        guard let symbol = symbols[fullName] else { return nil }
        if symbol.kind == .package {
            return packageFiles[fullName]?.isDisjoint(with: visible) == false ? symbol : nil
        }
        if visible.contains(symbol.file) { return symbol }
        if hidden == nil { hidden = (fullName, symbol.file) }
        return nil
    }

    /// Looks up a type name written inside `scope` (protoc's `LookupSymbol` in types mode): innermost scope
    /// first; a dotted name's first part picks the scope, and the rest must then be found inside it.
    func lookupType(
        _ name: String, scope: String, visibleFiles visible: Set<String>, searchHidden: Bool = true
    ) -> Lookup {
        var hidden: (String, String)?
        func result(_ fullName: String, _ symbol: Symbol?) -> Lookup {
            if let symbol { return .found(fullName: fullName, symbol) }
            if let hidden { return .notImported(fullName: hidden.0, file: hidden.1) }
            return .notFound
        }
        if name.hasPrefix(".") {
            let fullName = String(name.dropFirst())
            return result(fullName, find(fullName, visible: visible, hidden: &hidden))
        }
        let firstPart = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
        let isCompound = firstPart.count < name.count
        var scopeToTry: String? = scope
        while let current = scopeToTry {
            let candidate = Self.join(current, firstPart)
            if let symbol = find(candidate, visible: visible, hidden: &hidden) {
                if isCompound {
                    if symbol.isAggregate {
                        let fullName = Self.join(current, name)
                        if let found = find(fullName, visible: visible, hidden: &hidden) {
                            return .found(fullName: fullName, found)
                        }
                        if let hidden { return .notImported(fullName: hidden.0, file: hidden.1) }
                        return .resolvedToUndefined(fullName: fullName)
                    }
                } else if symbol.isType {
                    return .found(fullName: candidate, symbol)
                }
            }
            if current.isEmpty {
                scopeToTry = nil
            } else if let dot = current.lastIndex(of: ".") {
                scopeToTry = String(current[..<dot])
            } else {
                scopeToTry = ""
            }
        }
        if hidden == nil, searchHidden {
            // Defined in a file that is not imported? Say so rather than "not defined".
            let everywhere = Set(symbols.values.map(\.file))
            if case .found(let fullName, let symbol) = lookupType(
                name, scope: scope, visibleFiles: everywhere, searchHidden: false)
            {
                return .notImported(fullName: fullName, file: symbol.file)
            }
        }
        return result(name, nil)
    }
}
