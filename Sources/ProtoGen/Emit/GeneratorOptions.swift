/// Choices that shape the generated Swift.
public struct GeneratorOptions: Sendable, Hashable {
    /// Access level of generated declarations.
    public enum Visibility: String, Sendable, Hashable {
        /// No access keyword: usable inside the generated module only.
        case `internal`
        /// `public`: for library targets whose users see the messages.
        case `public`
        /// `package`: visible to the other modules of the same package.
        case `package`
    }

    /// How output files are named.
    public enum FileNaming: String, Sendable, Hashable {
        /// `a/b/c.proto` → `a/b/c.pb.swift` (protoc's convention).
        case fullPath = "FullPath"
        /// `a/b/c.proto` → `a_b_c.pb.swift`: unique base names, as one SwiftPM target needs.
        case pathToUnderscores = "PathToUnderscores"
    }

    /// Access level of generated declarations (and of the imports they need).
    public var visibility: Visibility = .internal
    /// Emit service protocols and clients (they import H2RPC).
    public var services = true
    /// How output files are named.
    public var fileNaming: FileNaming = .fullPath
    /// Embed each file's serialized `FileDescriptorProto` (`<File>_ProtoFile.descriptor`, for reflection).
    public var descriptors = true
    /// `.proto` files (as `import` lines name them) whose Swift lives in another module → that module:
    /// generated code that uses them imports the module instead of expecting the types alongside.
    public var moduleMappings: [String: String] = [:]

    /// The well-known types this package ships generated in its `ProtoWellKnownTypes` library.
    public static let wellKnownTypeFiles = [
        "google/protobuf/any.proto", "google/protobuf/duration.proto", "google/protobuf/empty.proto",
        "google/protobuf/field_mask.proto", "google/protobuf/struct.proto", "google/protobuf/timestamp.proto",
        "google/protobuf/wrappers.proto",
    ]

    /// Maps the well-known types (`wellKnownTypeFiles`) to `module`.
    public mutating func useWellKnownTypes(from module: String) {
        for name in Self.wellKnownTypeFiles { moduleMappings[name] = module }
    }

    /// Options with the given choices; the defaults match protoc-gen-h2rpc with no parameters.
    public init(
        visibility: Visibility = .internal, services: Bool = true, fileNaming: FileNaming = .fullPath,
        descriptors: Bool = true
    ) {
        self.visibility = visibility
        self.services = services
        self.fileNaming = fileNaming
        self.descriptors = descriptors
    }

    /// Parses protoc's parameter string: `Visibility=Public,Services=false,FileNaming=PathToUnderscores,Descriptors=false`,
    /// `WellKnownTypesModule=ProtoWellKnownTypes`, `ProtoModule=a/b.proto:ModuleA` (repeatable).
    /// - Throws: a message naming the first unknown key or value.
    public init(parameter: String) throws(GeneratorOptionError) {
        self.init()
        for item in parameter.split(separator: ",") where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace() }
            let key = parts[0].lowercased()
            let value = parts.count > 1 ? parts[1] : ""
            switch key {
            case "visibility":
                guard let v = Visibility(rawValue: value.lowercased()) else {
                    throw GeneratorOptionError("Unknown Visibility \"\(value)\" (internal, public, package).")
                }
                visibility = v
            case "services":
                switch value.lowercased() {
                case "true", "": services = true
                case "false": services = false
                default: throw GeneratorOptionError("Unknown Services value \"\(value)\" (true, false).")
                }
            case "wellknowntypesmodule":
                guard !value.isEmpty else { throw GeneratorOptionError("WellKnownTypesModule needs a module name.") }
                useWellKnownTypes(from: value)
            case "protomodule":
                let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw GeneratorOptionError("ProtoModule takes file.proto:Module, not \"\(value)\".")
                }
                moduleMappings[parts[0]] = parts[1]
            case "descriptors":
                switch value.lowercased() {
                case "true", "": descriptors = true
                case "false": descriptors = false
                default: throw GeneratorOptionError("Unknown Descriptors value \"\(value)\" (true, false).")
                }
            case "filenaming":
                guard let v = FileNaming(rawValue: value) else {
                    throw GeneratorOptionError("Unknown FileNaming \"\(value)\" (FullPath, PathToUnderscores).")
                }
                fileNaming = v
            default:
                throw GeneratorOptionError("Unknown generator option \"\(parts[0])\".")
            }
        }
    }

    /// The output file name for a `.proto` file name.
    public func outputName(for protoName: String) -> String {
        var base = protoName.hasSuffix(".proto") ? String(protoName.dropLast(6)) : protoName
        if fileNaming == .pathToUnderscores { base = base.replacingAll("/", with: "_") }
        return base + ".pb.swift"
    }
}

/// A generator parameter that is not understood.
public struct GeneratorOptionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which option or value is not understood, and what would be.
    public var description: String
    init(_ description: String) { self.description = description }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }

    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
