/// The generator's public entry points: standalone (parse `.proto` files from disk) and protoc
/// plugin mode (decode a `CodeGeneratorRequest`). Both produce the same Swift for the same input.
public enum Generator {
    /// One generated file.
    public struct OutputFile: Sendable, Hashable {
        /// Path relative to the output folder.
        public var name: String
        /// The Swift source text.
        public var content: String
    }

    /// Parses `files` along `protoPaths` (the built-in well-known types are found last) and returns
    /// the Swift code for each of `files`.
    /// - Throws: `ProtoGenErrors`: every problem in the input, each `/abs/path/file.proto:line:column: error: message`.
    public static func generate(
        files: [String], protoPaths: [String],
        options: GeneratorOptions
    ) throws(ProtoGenErrors) -> [OutputFile] {
        let (all, toGenerate) = try ProtoCompiler.load(files: files, protoPaths: protoPaths)
        return emit(
            all: all, toGenerate: toGenerate, options: options, descriptors: descriptors(all: all, options: options))
    }

    /// The serialized descriptors of the files the own parser read, built from its model.
    private static func descriptors(all: [FileDecl], options: GeneratorOptions) -> [String: [UInt8]] {
        guard options.descriptors else { return [:] }
        let builder = DescriptorBuilder(files: all)
        var result: [String: [UInt8]] = [:]
        for file in all { result[file.name] = builder.serialized(file) }
        return result
    }

    /// Same as `generate(files:protoPaths:options:)` with file contents given in memory (tests).
    static func generate(
        sources: [String: String], files: [String],
        options: GeneratorOptions = GeneratorOptions()
    ) throws(ProtoGenErrors) -> [OutputFile] {
        let (all, toGenerate) = try ProtoCompiler.load(files: files, protoPaths: ["/virtual"]) { path in
            path.hasPrefix("/virtual/") ? sources[String(path.dropFirst("/virtual/".count))] : nil
        }
        return emit(
            all: all, toGenerate: toGenerate, options: options, descriptors: descriptors(all: all, options: options))
    }

    /// `descriptors`: file name → serialized `FileDescriptorProto` to embed.
    static func emit(
        all: [FileDecl], toGenerate: [String], options: GeneratorOptions,
        descriptors: [String: [UInt8]]
    ) -> [OutputFile] {
        let emitter = FileEmitter(files: all, options: options)
        return toGenerate.compactMap { name in
            guard let file = all.first(where: { $0.name == name }) else { return nil }
            return OutputFile(
                name: options.outputName(for: name), content: emitter.emit(file, descriptor: descriptors[name]))
        }
    }
}
