/// The standalone front end: loads `.proto` files from proto path folders, resolves and checks
/// them, and hands the model to the emitter.
struct ProtoCompiler {
    /// Parses `files` (command-line names) and everything they import.
    /// - Returns: all files in dependency order, and the canonical names of the files to generate.
    /// - Throws: every problem found, in every file (`ProtoGenErrors`), each with the absolute path of its file.
    static func load(
        files: [String], protoPaths: [String],
        readFile: (@Sendable (String) -> String?)? = nil
    ) throws(ProtoGenErrors) -> (all: [FileDecl], toGenerate: [String]) {
        var loader = ProtoLoader(protoPaths: protoPaths)
        if let readFile { loader.readFile = readFile }
        var names: [String] = []
        for argument in files {
            let name = loader.canonicalName(argument)
            loader.load(name)
            if !names.contains(name) { names.append(name) }
        }
        func check(_ errors: [ProtoGenError]) throws(ProtoGenErrors) {
            if !errors.isEmpty { throw ProtoGenErrors(errors.map(loader.locate)) }
        }
        try check(loader.errors)
        var table = SymbolTable()
        for name in loader.ordered { table.add(loader.files[name]!) }
        try check(table.errors)
        var resolved: [String: FileDecl] = loader.files
        let resolver = Resolver(table: table, files: loader.files)
        var errors: [ProtoGenError] = []
        for name in loader.ordered {
            var file = resolved[name]!
            resolver.resolve(&file, errors: &errors)
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
            var validator = Validator(file: resolved[name]!, messages: messages, enums: enums)
            validator.validate()
            errors += validator.errors
        }
        try check(errors)
        return (loader.ordered.map { resolved[$0]! }, names)
    }
}
