/// Every message and enum of every file the emitter can see, by full proto name (leading dot),
/// with its Swift name and what the emitter needs to know about it.
struct TypeRegistry {
    struct MessageInfo {
        var decl: MessageDecl
        var swiftName: String
        var syntax: ProtoSyntax
    }
    struct EnumInfo {
        var decl: EnumDecl
        var swiftName: String
        /// Declared in a proto2 file: only its declared numbers are values (`ProtoClosedEnum`).
        var isClosed: Bool
    }

    private(set) var messages: [String: MessageInfo] = [:]
    private(set) var enums: [String: EnumInfo] = [:]
    private var files: [String: FileDecl] = [:]

    init(files: [FileDecl]) {
        for file in files {
            self.files[file.name] = file
            let prefix = SwiftNaming.prefix(package: file.package, swiftPrefix: file.swiftPrefix)
            for message in file.messages {
                add(message, swiftName: prefix + SwiftNaming.typeName(message.name), syntax: file.syntax)
            }
            for decl in file.enums {
                enums["." + decl.fullName] = EnumInfo(
                    decl: decl, swiftName: prefix + SwiftNaming.typeName(decl.name, suffix: "Enum"),
                    isClosed: file.syntax == .proto2)
            }
        }
    }

    private mutating func add(_ message: MessageDecl, swiftName: String, syntax: ProtoSyntax) {
        messages["." + message.fullName] = MessageInfo(decl: message, swiftName: swiftName, syntax: syntax)
        for nested in message.messages {
            add(nested, swiftName: swiftName + "." + SwiftNaming.typeName(nested.name), syntax: syntax)
        }
        for decl in message.enums {
            enums["." + decl.fullName] = EnumInfo(
                decl: decl, swiftName: swiftName + "." + SwiftNaming.typeName(decl.name, suffix: "Enum"),
                isClosed: syntax == .proto2)
        }
    }

    func message(_ typeName: String) -> MessageInfo? { messages[typeName] }
    func file(_ name: String) -> FileDecl? { files[name] }
    func enumInfo(_ typeName: String) -> EnumInfo? { enums[typeName] }

    /// The map entry type behind a repeated message field, when it is one.
    func mapEntry(of field: FieldDecl) -> MessageDecl? {
        guard field.label == .repeated, field.type == .message, let info = messages[field.typeName],
            info.decl.isMapEntry
        else { return nil }
        return info.decl
    }

    /// Messages that contain themselves through singular message fields, directly or through others:
    /// such fields are stored boxed (a struct cannot contain itself). Returns "message full name →
    /// field numbers to box".
    func recursiveFields() -> [String: Set<Int>] {
        // Edges through singular message fields only; arrays and dictionaries already break cycles.
        var edges: [String: [(Int, String)]] = [:]
        for (name, info) in messages {
            edges[name] = info.decl.fields.compactMap { field in
                (field.type == .message || field.type == .group) && field.label != .repeated
                    ? (field.number, field.typeName) : nil
            }
        }
        var result: [String: Set<Int>] = [:]
        for (name, fieldEdges) in edges {
            for (number, target) in fieldEdges where reaches(from: target, to: name, edges: edges) {
                result[String(name.dropFirst()), default: []].insert(number)
            }
        }
        return result
    }

    private func reaches(from start: String, to goal: String, edges: [String: [(Int, String)]]) -> Bool {
        var seen: Set<String> = []
        var stack = [start]
        while let node = stack.popLast() {
            if node == goal { return true }
            guard seen.insert(node).inserted else { continue }
            stack += (edges[node] ?? []).map(\.1)
        }
        return false
    }
}
