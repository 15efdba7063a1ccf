/// Turns type names as written into full names (`.pkg.Outer.Inner`) and field types into
/// `.message`/`.enum`, following protoc's scoping rules and import visibility.
struct Resolver {
    let table: SymbolTable
    let files: [String: FileDecl]

    /// Files whose definitions `file` may use: itself, its imports, and what those import publicly.
    func visibleFiles(of file: FileDecl) -> Set<String> {
        var visible: Set<String> = [file.name]
        func addPublicClosure(_ name: String) {
            guard visible.insert(name).inserted, let imported = files[name] else { return }
            for decl in imported.imports where decl.isPublic { addPublicClosure(decl.path) }
        }
        for decl in file.imports { addPublicClosure(decl.path) }
        return visible
    }

    /// Resolves every type name of `file`; each name that does not resolve adds an error to `errors`
    /// (and stays unresolved), so that one pass reports them all.
    func resolve(_ file: inout FileDecl, errors: inout [ProtoGenError]) {
        let visible = visibleFiles(of: file)
        for index in file.messages.indices {
            resolve(&file.messages[index], in: file, visible: visible, errors: &errors)
        }
        for index in file.extensions.indices {
            do {
                try resolveExtension(&file.extensions[index], scope: file.package, in: file, visible: visible)
            } catch { errors.append(error) }
        }
        for s in file.services.indices {
            for m in file.services[s].methods.indices {
                var method = file.services[s].methods[m]
                do {
                    method.inputType = try resolveMessage(
                        method.inputType, scope: file.services[s].fullName,
                        at: method.inputPosition, in: file, visible: visible)
                } catch { errors.append(error) }
                do {
                    method.outputType = try resolveMessage(
                        method.outputType, scope: file.services[s].fullName,
                        at: method.outputPosition, in: file, visible: visible)
                } catch { errors.append(error) }
                file.services[s].methods[m] = method
            }
        }
    }

    private func lookup(
        _ name: String, scope: String, at position: SourcePosition, in file: FileDecl,
        visible: Set<String>
    ) throws(ProtoGenError) -> (String, SymbolTable.Symbol) {
        switch table.lookupType(name, scope: scope, visibleFiles: visible) {
        case .found(let fullName, let symbol):
            guard symbol.isType else {
                throw ProtoGenError(file: file.name, at: position, "\"\(name)\" is not a type.")
            }
            return (fullName, symbol)
        case .notImported(let fullName, let definingFile):
            throw ProtoGenError(
                file: file.name, at: position,
                "\"\(fullName)\" seems to be defined in \"\(definingFile)\", which is not imported by \"\(file.name)\".  To use it here, please add the necessary import."
            )
        case .resolvedToUndefined(let fullName):
            throw ProtoGenError(
                file: file.name, at: position,
                "\"\(name)\" is resolved to \"\(fullName)\", which is not defined. The innermost scope is searched first in name resolution. Consider using a leading '.'(i.e., \".\(name)\") to start from the outermost scope."
            )
        case .notFound:
            throw ProtoGenError(file: file.name, at: position, "\"\(name)\" is not defined.")
        }
    }

    private func resolveMessage(
        _ name: String, scope: String, at position: SourcePosition, in file: FileDecl,
        visible: Set<String>
    ) throws(ProtoGenError) -> String {
        let (fullName, symbol) = try lookup(name, scope: scope, at: position, in: file, visible: visible)
        guard symbol.kind == .message else {
            throw ProtoGenError(file: file.name, at: position, "\"\(name)\" is not a message type.")
        }
        return "." + fullName
    }

    private func resolve(
        _ message: inout MessageDecl, in file: FileDecl, visible: Set<String>, errors: inout [ProtoGenError]
    ) {
        for index in message.fields.indices where message.fields[index].type == nil {
            let field = message.fields[index]
            let fullName: String, symbol: SymbolTable.Symbol
            do {
                (fullName, symbol) = try lookup(
                    field.typeName, scope: message.fullName, at: field.typePosition,
                    in: file, visible: visible)
            } catch {
                errors.append(error)
                continue
            }
            message.fields[index].type = symbol.kind == .message ? .message : .enum
            message.fields[index].typeName = "." + fullName
            if symbol.kind == .enumType && file.syntax == .proto3 && !symbol.isProto3Enum {
                errors.append(
                    ProtoGenError(
                        file: file.name, at: field.typePosition,
                        "Enum type \"\(fullName)\" is not a proto3 enum, but is used in \"\(message.fullName)\" which is a proto3 message type."
                    ))
            }
        }
        for index in message.messages.indices {
            resolve(&message.messages[index], in: file, visible: visible, errors: &errors)
        }
        for index in message.extensions.indices {
            do {
                try resolveExtension(&message.extensions[index], scope: message.fullName, in: file, visible: visible)
            } catch { errors.append(error) }
        }
    }

    /// An extension's extendee (a message: protoc's "is not a message type" otherwise) and its type,
    /// both looked up from the scope the `extend` block is in.
    private func resolveExtension(
        _ field: inout FieldDecl, scope: String, in file: FileDecl, visible: Set<String>
    ) throws(ProtoGenError) {
        field.extendee = try resolveMessage(
            field.extendee, scope: scope, at: field.extendeePosition, in: file, visible: visible)
        guard field.type == nil else { return }
        let (fullName, symbol) = try lookup(
            field.typeName, scope: scope, at: field.typePosition, in: file, visible: visible)
        field.type = symbol.kind == .message ? .message : .enum
        field.typeName = "." + fullName
    }
}
