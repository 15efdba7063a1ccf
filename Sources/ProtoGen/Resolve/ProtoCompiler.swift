/// The standalone front end: loads `.proto` files from proto path folders, resolves and checks
/// them, and hands the model to the emitter.
struct ProtoCompiler {
    /// Parses `files` (command-line names) and everything they import.
    /// - Returns: all files in dependency order, and the canonical names of the files to generate.
    /// - Throws: `ProtoGenError` for any problem in any file.
    static func load(files: [String], protoPaths: [String],
                     readFile: (@Sendable (String) -> String?)? = nil) throws(ProtoGenError) -> (all: [FileDecl], toGenerate: [String]) {
        var loader = ProtoLoader(protoPaths: protoPaths)
        if let readFile { loader.readFile = readFile }
        var names: [String] = []
        for argument in files {
            let name = loader.canonicalName(argument)
            try loader.load(name)
            if !names.contains(name) { names.append(name) }
        }
        var table = SymbolTable()
        for name in loader.ordered { try table.add(loader.files[name]!) }
        var resolved: [String: FileDecl] = loader.files
        let resolver = Resolver(table: table, files: loader.files)
        for name in loader.ordered {
            var file = resolved[name]!
            try resolver.resolve(&file)
            resolved[name] = file
        }
        var messages: [String: MessageDecl] = [:]
        var enums: [String: EnumDecl] = [:]
        func collect(_ message: MessageDecl) {
            messages[message.fullName] = message
            for decl in message.enums { enums[decl.fullName] = decl }
            message.messages.forEach(collect)
        }
        for file in resolved.values {
            file.messages.forEach(collect)
            for decl in file.enums { enums[decl.fullName] = decl }
        }
        for name in loader.ordered {
            try Validator(file: resolved[name]!, messages: messages, enums: enums).validate()
        }
        return (loader.ordered.map { resolved[$0]! }, names)
    }
}
