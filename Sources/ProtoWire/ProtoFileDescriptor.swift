/// A compiled `.proto` file as generated code embeds it: what a server-reflection service serves.
///
/// Every generated `.pb.swift` file declares one (`<File>_ProtoFile.descriptor`, e.g.
/// `Grpc_Testing_Test_ProtoFile.descriptor` for `grpc/testing/test.proto`); a generated service
/// namespace exposes its file's as `fileDescriptor`. `dependencies` are the descriptors of the files
/// it imports, so the value reaches every file it needs, well-known types included.
public struct ProtoFileDescriptor: Sendable, Hashable {
    /// An extension field the file declares: the message it extends and its number.
    public struct Extension: Sendable, Hashable {
        /// Full name of the extended message, without a leading dot (`google.protobuf.FieldOptions`).
        public let extendee: String
        /// The extension's field number.
        public let number: Int32

        /// An extension of `extendee` numbered `number`.
        public init(extendee: String, number: Int32) {
            self.extendee = extendee
            self.number = number
        }
    }

    /// The file's name as `import` lines spell it (`google/protobuf/timestamp.proto`).
    public let name: String
    /// The serialized `google.protobuf.FileDescriptorProto`: the bytes protoc's
    /// `--descriptor_set_out` writes for this file (without source info).
    public let serializedProto: [UInt8]
    /// The files this one imports, in `import` order (its descriptor's `dependency` list).
    public let dependencies: [ProtoFileDescriptor]
    /// Full names (no leading dot) of what the file defines: messages (nested ones too), enums, enum
    /// values (scoped as siblings of their enum), fields, services, methods (`pkg.Service.Method`)
    /// and extensions — the names reflection's `file_containing_symbol` looks up.
    public let symbols: [String]
    /// The extension fields the file declares.
    public let extensions: [Extension]

    /// A descriptor; generated code calls this.
    public init(
        name: String, serializedProto: [UInt8], dependencies: [ProtoFileDescriptor], symbols: [String],
        extensions: [Extension] = []
    ) {
        self.name = name
        self.serializedProto = serializedProto
        self.dependencies = dependencies
        self.symbols = symbols
        self.extensions = extensions
    }

    /// This file, then every file it imports directly or indirectly, each once (depth first, in
    /// `import` order): what reflection answers a request for this file with.
    public var withTransitiveDependencies: [ProtoFileDescriptor] {
        var seen: Set<String> = []
        var result: [ProtoFileDescriptor] = []
        func visit(_ file: ProtoFileDescriptor) {
            guard seen.insert(file.name).inserted else { return }
            result.append(file)
            file.dependencies.forEach(visit)
        }
        visit(self)
        return result
    }
}
