/// Emits a file's `<File>_ProtoFile` namespace: its `ProtoFileDescriptor` (name, serialized
/// `FileDescriptorProto`, the descriptors of its imports, its symbols and extensions) for server
/// reflection.
struct DescriptorEmitter {
    let access: String

    /// `grpc/testing/test.proto` → `Grpc_Testing_Test_ProtoFile`: the namespace that holds the
    /// file's descriptor (path components in UpperCamel, anything not a letter or digit as `_`).
    static func namespace(for fileName: String) -> String {
        let base = fileName.hasSuffix(".proto") ? String(fileName.dropLast(6)) : fileName
        let components = base.split(separator: "/").map { component in
            SwiftNaming.upperCamel(String(component.map { $0.isLetter || $0.isNumber ? $0 : "_" }))
        }
        var name = components.joined(separator: "_") + "_ProtoFile"
        if let first = name.first, first.isNumber { name = "_" + name }
        return name
    }

    func emit(_ file: FileDecl, serialized: [UInt8], into p: inout CodePrinter) {
        let name = Self.namespace(for: file.name)
        p.line("/// `\(file.name)` as compiled, for server reflection.")
        p.block("\(access)enum \(name) {") { p in
            p.line("/// The file's name, serialized `FileDescriptorProto` (the bytes protoc's `--descriptor_set_out`")
            p.line("/// writes for it, without source info), the descriptors of the files it imports, and its symbols.")
            p.line("\(access)static let descriptor = ProtoFileDescriptor(")
            p.indent()
            p.line("name: \(Self.literal(file.name)),")
            p.line("serializedProto: serializedProto,")
            let deps = file.imports.map { Self.namespace(for: $0.path) + ".descriptor" }
            p.line("dependencies: [\(deps.joined(separator: ", "))],")
            let symbols = Self.symbols(file)
            if symbols.isEmpty {
                p.line("symbols: [],")
            } else {
                p.line("symbols: [")
                p.indent()
                for symbol in symbols { p.line(Self.literal(symbol) + ",") }
                p.outdent()
                p.line("],")
            }
            let extensions = Self.extensions(file)
            p.line(
                "extensions: [\(extensions.map { ".init(extendee: \(Self.literal($0.0)), number: \($0.1))" }.joined(separator: ", "))])"
            )
            p.outdent()
            p.line()
            p.line("private static let serializedProto: [UInt8] = [")
            p.indent()
            var index = 0
            while index < serialized.count {
                let row = serialized[index..<min(index + 16, serialized.count)]
                p.line(
                    row.map { "0x" + (($0 < 16) ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined(
                        separator: ", ") + ",")
                index += 16
            }
            p.outdent()
            p.line("]")
        }
    }

    /// A Swift string literal for a proto name (names are ASCII identifiers, dots and slashes; `"` and
    /// `\` are escaped in case a file name has them).
    static func literal(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where c.value < 0x20: out += "\\u{\(String(c.value, radix: 16))}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// Full names of what the file defines, in declaration order.
    static func symbols(_ file: FileDecl) -> [String] {
        var result: [String] = []
        func join(_ scope: String, _ name: String) -> String { scope.isEmpty ? name : scope + "." + name }
        func addEnum(_ decl: EnumDecl, scope: String) {
            result.append(decl.fullName)
            for value in decl.values { result.append(join(scope, value.name)) }
        }
        func addMessage(_ message: MessageDecl) {
            result.append(message.fullName)
            for field in message.fields { result.append(join(message.fullName, field.name)) }
            for field in message.extensions { result.append(join(message.fullName, field.name)) }
            for decl in message.enums { addEnum(decl, scope: message.fullName) }
            message.messages.forEach(addMessage)
        }
        file.messages.forEach(addMessage)
        for decl in file.enums { addEnum(decl, scope: file.package) }
        for service in file.services {
            result.append(service.fullName)
            for method in service.methods { result.append(service.fullName + "." + method.name) }
        }
        for field in file.extensions { result.append(join(file.package, field.name)) }
        return result
    }

    /// (extendee without its leading dot, number) of every extension the file declares.
    static func extensions(_ file: FileDecl) -> [(String, Int)] {
        var result: [(String, Int)] = []
        func add(_ fields: [FieldDecl]) {
            for field in fields {
                result.append(
                    (field.extendee.hasPrefix(".") ? String(field.extendee.dropFirst()) : field.extendee, field.number))
            }
        }
        func walk(_ message: MessageDecl) {
            add(message.extensions)
            message.messages.forEach(walk)
        }
        file.messages.forEach(walk)
        add(file.extensions)
        return result
    }
}
