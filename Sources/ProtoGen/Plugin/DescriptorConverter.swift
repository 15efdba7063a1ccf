/// Turns protoc's `FileDescriptorProto`s into the model the emitter reads, comments included
/// (from `SourceCodeInfo`), so that plugin mode and standalone mode emit the same Swift.
struct DescriptorConverter {
    private var comments: [[Int32]: ProtoComments] = [:]

    static func convert(_ proto: Google_Protobuf_FileDescriptorProto) -> FileDecl {
        var converter = DescriptorConverter()
        for location in proto.sourceCodeInfo?.location ?? [] {
            let leading = location.leadingComments ?? "", trailing = location.trailingComments ?? ""
            if !leading.isEmpty || !trailing.isEmpty {
                converter.comments[location.path] = ProtoComments(leading: leading, trailing: trailing)
            }
        }
        return converter.file(proto)
    }

    private func comments(_ path: [Int32]) -> ProtoComments {
        comments[path] ?? ProtoComments()
    }

    private func file(_ proto: Google_Protobuf_FileDescriptorProto) -> FileDecl {
        var file = FileDecl(name: proto.name ?? "")
        file.package = proto.package ?? ""
        file.syntax = proto.syntax == "proto3" ? .proto3 : .proto2
        file.imports = proto.dependency.enumerated().map { index, path in
            ImportDecl(
                path: path, isPublic: proto.publicDependency.contains(Int32(index)),
                isWeak: proto.weakDependency.contains(Int32(index)))
        }
        file.swiftPrefix = proto.options?.swiftPrefix
        file.deprecated = proto.options?.deprecated ?? false
        file.messages = proto.messageType.enumerated().map { i, m in
            message(m, scope: file.package, path: [4, Int32(i)])
        }
        file.enums = proto.enumType.enumerated().map { i, e in
            enumDecl(e, scope: file.package, path: [5, Int32(i)])
        }
        file.services = proto.service.enumerated().map { i, s in
            service(s, scope: file.package, path: [6, Int32(i)])
        }
        file.extensions = proto.`extension`.enumerated().map { i, f in field(f, path: [7, Int32(i)]) }
        return file
    }

    private static func join(_ scope: String, _ name: String) -> String {
        scope.isEmpty ? name : scope + "." + name
    }

    private func message(_ proto: Google_Protobuf_DescriptorProto, scope: String, path: [Int32]) -> MessageDecl {
        let name = proto.name ?? ""
        var message = MessageDecl(name: name, fullName: Self.join(scope, name))
        message.comments = comments(path)
        message.isMapEntry = proto.options?.mapEntry ?? false
        message.deprecated = proto.options?.deprecated ?? false
        message.fields = proto.field.enumerated().map { i, f in field(f, path: path + [2, Int32(i)]) }
        message.oneofs = proto.oneofDecl.enumerated().map { i, o in
            OneofDecl(name: o.name ?? "", comments: comments(path + [8, Int32(i)]))
        }
        message.messages = proto.nestedType.enumerated().map { i, m in
            self.message(m, scope: message.fullName, path: path + [3, Int32(i)])
        }
        message.enums = proto.enumType.enumerated().map { i, e in
            enumDecl(e, scope: message.fullName, path: path + [4, Int32(i)])
        }
        message.reservedRanges = proto.reservedRange.compactMap { r in
            guard let start = r.start, let end = r.end, end > start else { return nil }
            return Int(start)...Int(end - 1)
        }
        message.extensions = proto.`extension`.enumerated().map { i, f in field(f, path: path + [6, Int32(i)]) }
        message.reservedNames = proto.reservedName
        message.extensionRanges = proto.extensionRange.compactMap { r in
            guard let start = r.start, let end = r.end, end > start else { return nil }
            return Int(start)...Int(end - 1)
        }
        return message
    }

    private func field(_ proto: Google_Protobuf_FieldDescriptorProto, path: [Int32]) -> FieldDecl {
        var field = FieldDecl(name: proto.name ?? "", number: Int(proto.number ?? 0))
        field.label = proto.label.flatMap { FieldLabel(rawValue: Int($0.rawValue)) } ?? .optional
        field.type = proto.type.flatMap { FieldType(rawValue: Int($0.rawValue)) }
        field.typeName = proto.typeName ?? ""
        field.oneofIndex = proto.oneofIndex.map(Int.init)
        field.proto3Optional = proto.proto3Optional ?? false
        field.packed = proto.options?.packed
        field.deprecated = proto.options?.deprecated ?? false
        field.defaultValue = proto.defaultValue
        field.jsonName = proto.jsonName
        field.extendee = proto.extendee ?? ""
        field.comments = comments(path)
        return field
    }

    private func enumDecl(_ proto: Google_Protobuf_EnumDescriptorProto, scope: String, path: [Int32]) -> EnumDecl {
        let name = proto.name ?? ""
        var decl = EnumDecl(name: name, fullName: Self.join(scope, name))
        decl.comments = comments(path)
        decl.allowAlias = proto.options?.allowAlias ?? false
        decl.deprecated = proto.options?.deprecated ?? false
        decl.values = proto.value.enumerated().map { i, v in
            EnumValueDecl(
                name: v.name ?? "", number: v.number ?? 0, deprecated: v.options?.deprecated ?? false,
                comments: comments(path + [2, Int32(i)]))
        }
        decl.reservedRanges = proto.reservedRange.compactMap { r in
            guard let start = r.start, let end = r.end, end >= start else { return nil }
            return Int(start)...Int(end)
        }
        decl.reservedNames = proto.reservedName
        return decl
    }

    private func service(_ proto: Google_Protobuf_ServiceDescriptorProto, scope: String, path: [Int32]) -> ServiceDecl {
        let name = proto.name ?? ""
        var service = ServiceDecl(name: name, fullName: Self.join(scope, name))
        service.comments = comments(path)
        service.deprecated = proto.options?.deprecated ?? false
        service.methods = proto.method.enumerated().map { i, m in
            MethodDecl(
                name: m.name ?? "", inputType: m.inputType ?? "", outputType: m.outputType ?? "",
                clientStreaming: m.clientStreaming, serverStreaming: m.serverStreaming,
                deprecated: m.options?.deprecated ?? false, comments: comments(path + [2, Int32(i)]))
        }
        return service
    }
}
