import ProtoWire

/// Builds a file's `google.protobuf.FileDescriptorProto` from the model the parser produced, the same
/// message protoc writes with `--descriptor_set_out` (without source info): declaration order,
/// synthesized map entry types and proto3-optional oneofs where protoc puts them, `json_name` on every
/// field, options as set. Its serialized bytes are what generated code embeds for reflection.
struct DescriptorBuilder {
    private let options: OptionEncoder

    /// `files`: every loaded file (resolved), so that custom options can find their extensions.
    init(files: [FileDecl]) {
        self.options = OptionEncoder(files: files)
    }

    func serialized(_ file: FileDecl) -> [UInt8] {
        build(file).serializedBytes()
    }

    func build(_ file: FileDecl) -> Google_Protobuf_FileDescriptorProto {
        var proto = Google_Protobuf_FileDescriptorProto()
        proto.name = file.name
        if !file.package.isEmpty { proto.package = file.package }
        proto.dependency = file.imports.map(\.path)
        proto.publicDependency = file.imports.indices.filter { file.imports[$0].isPublic }.map { Int32($0) }
        proto.weakDependency = file.imports.indices.filter { file.imports[$0].isWeak }.map { Int32($0) }
        proto.messageType = file.messages.map { message($0, scope: file.package) }
        proto.enumType = file.enums.map { enumType($0, scope: file.package) }
        proto.service = file.services.map { service($0, scope: file.package) }
        proto.extension = file.extensions.map { field($0, scope: file.package) }
        if let bytes = options.encode(file.options, for: .file, scope: file.package) {
            proto.options = try? Google_Protobuf_FileOptions(serializedBytes: bytes)
        }
        if file.syntax == .proto3 { proto.syntax = "proto3" }
        return proto
    }

    private func message(_ decl: MessageDecl, scope: String) -> Google_Protobuf_DescriptorProto {
        var proto = Google_Protobuf_DescriptorProto()
        proto.name = decl.name
        proto.field = decl.fields.map { field($0, scope: decl.fullName) }
        proto.nestedType = decl.messages.map { message($0, scope: decl.fullName) }
        proto.enumType = decl.enums.map { enumType($0, scope: decl.fullName) }
        proto.extensionRange = decl.extensionRanges.map { range in
            var r = Google_Protobuf_DescriptorProto.ExtensionRange()
            r.start = Int32(range.lowerBound)
            r.end = Int32(range.upperBound + 1)
            return r
        }
        proto.extension = decl.extensions.map { field($0, scope: decl.fullName) }
        var written = decl.options
        if decl.isMapEntry {
            written.append(
                ParsedOption(name: "map_entry", value: .identifier("true"), position: .unknown, valuePosition: .unknown)
            )
        }
        if let bytes = options.encode(written, for: .message, scope: decl.fullName) {
            proto.options = try? Google_Protobuf_MessageOptions(serializedBytes: bytes)
        }
        proto.oneofDecl = decl.oneofs.map { oneof in
            var o = Google_Protobuf_OneofDescriptorProto()
            o.name = oneof.name
            if let bytes = options.encode(oneof.options, for: .oneof, scope: decl.fullName) {
                o.options = try? Google_Protobuf_OneofOptions(serializedBytes: bytes)
            }
            return o
        }
        proto.reservedRange = decl.reservedRanges.map { range in
            var r = Google_Protobuf_DescriptorProto.ReservedRange()
            r.start = Int32(range.lowerBound)
            r.end = Int32(range.upperBound + 1)
            return r
        }
        proto.reservedName = decl.reservedNames
        return proto
    }

    private func field(_ decl: FieldDecl, scope: String) -> Google_Protobuf_FieldDescriptorProto {
        var proto = Google_Protobuf_FieldDescriptorProto()
        proto.name = decl.name
        if !decl.extendee.isEmpty { proto.extendee = decl.extendee }
        proto.number = Int32(decl.number)
        proto.label = Google_Protobuf_FieldDescriptorProto.Label(rawValue: Int32(decl.label.rawValue))
        if let type = decl.type {
            proto.type = Google_Protobuf_FieldDescriptorProto.TypeEnum(rawValue: Int32(type.rawValue))
        }
        if decl.type == .message || decl.type == .enum || decl.type == .group { proto.typeName = decl.typeName }
        proto.defaultValue = decl.defaultValue
        if decl.type == .float || decl.type == .double, let text = decl.defaultValue, let value = Double(text) {
            proto.defaultValue = DefaultFloatText.text(value, isFloat: decl.type == .float)
        }
        if let index = decl.oneofIndex { proto.oneofIndex = Int32(index) }
        proto.jsonName = decl.jsonName ?? Self.jsonName(decl.name)
        if let bytes = options.encode(decl.options, for: .field, scope: scope) {
            proto.options = try? Google_Protobuf_FieldOptions(serializedBytes: bytes)
        }
        if decl.proto3Optional { proto.proto3Optional = true }
        return proto
    }

    private func enumType(_ decl: EnumDecl, scope: String) -> Google_Protobuf_EnumDescriptorProto {
        var proto = Google_Protobuf_EnumDescriptorProto()
        proto.name = decl.name
        proto.value = decl.values.map { value in
            var v = Google_Protobuf_EnumValueDescriptorProto()
            v.name = value.name
            v.number = value.number
            if let bytes = options.encode(value.options, for: .enumValue, scope: scope) {
                v.options = try? Google_Protobuf_EnumValueOptions(serializedBytes: bytes)
            }
            return v
        }
        if let bytes = options.encode(decl.options, for: .enumType, scope: scope) {
            proto.options = try? Google_Protobuf_EnumOptions(serializedBytes: bytes)
        }
        proto.reservedRange = decl.reservedRanges.map { range in
            var r = Google_Protobuf_EnumDescriptorProto.EnumReservedRange()
            r.start = Int32(range.lowerBound)
            r.end = Int32(range.upperBound)  // inclusive for enums
            return r
        }
        proto.reservedName = decl.reservedNames
        return proto
    }

    private func service(_ decl: ServiceDecl, scope: String) -> Google_Protobuf_ServiceDescriptorProto {
        var proto = Google_Protobuf_ServiceDescriptorProto()
        proto.name = decl.name
        proto.method = decl.methods.map { method in
            var m = Google_Protobuf_MethodDescriptorProto()
            m.name = method.name
            m.inputType = method.inputType
            m.outputType = method.outputType
            if let bytes = options.encode(method.options, for: .method, scope: decl.fullName) {
                m.options = try? Google_Protobuf_MethodOptions(serializedBytes: bytes)
            } else if method.hasBody {
                m.options = Google_Protobuf_MethodOptions()
            }
            if method.clientStreaming { m.clientStreaming = true }
            if method.serverStreaming { m.serverStreaming = true }
            return m
        }
        if let bytes = options.encode(decl.options, for: .service, scope: scope) {
            proto.options = try? Google_Protobuf_ServiceOptions(serializedBytes: bytes)
        }
        return proto
    }

    /// protoc's default JSON name: underscores removed, the letter after each one upper-cased.
    static func jsonName(_ name: String) -> String { SwiftNaming.joiningUnderscores(name, capitalizeFirst: false) }
}
