#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Finds `.proto` files along the proto path folders (then among the built-in well-known types),
/// parses each once, follows imports, and records missing files and import cycles at the import
/// statement that caused them (every problem of every file, not only the first).
struct ProtoLoader {
    /// Folders searched in order, like protoc's `--proto_path`.
    var protoPaths: [String]
    /// Parsed files by name.
    private(set) var files: [String: FileDecl] = [:]
    /// File names, each after everything it imports (protoc's `proto_file` order).
    private(set) var ordered: [String] = []
    private var inProgress: [String] = []
    /// Problems found while loading, in the order found.
    private(set) var errors: [ProtoGenError] = []
    /// File name → the path it was read from (absolute); built-in files have none.
    private var diskPaths: [String: String] = [:]
    /// Reads a file's text, nil when it does not exist. Replaceable for tests.
    var readFile: @Sendable (String) -> String? = ProtoLoader.readFromDisk

    init(protoPaths: [String]) {
        self.protoPaths = protoPaths.isEmpty ? ["."] : protoPaths
    }

    static func readFromDisk(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Turns a command-line argument into a name relative to a proto path (as protoc does):
    /// `P/x/y.proto` with `--proto_path P` becomes `x/y.proto`; a name found under a proto path stays.
    func canonicalName(_ argument: String) -> String {
        for root in protoPaths where readFile(Self.join(root, argument)) != nil {
            return argument
        }
        for root in protoPaths {
            let prefix = root.hasSuffix("/") ? root : root + "/"
            if root != "." && argument.hasPrefix(prefix) { return String(argument.dropFirst(prefix.count)) }
            if root == "." && argument.hasPrefix("./") { return String(argument.dropFirst(2)) }
        }
        return argument
    }

    static func join(_ root: String, _ name: String) -> String {
        if root == "." || root.isEmpty { return name }
        return root.hasSuffix("/") ? root + name : root + "/" + name
    }

    /// Loads `name` and, recursively, its imports; problems go to `errors`.
    mutating func load(_ name: String, importedAt place: (file: String, position: SourcePosition)? = nil) {
        if files[name] != nil || failed.contains(name) { return }
        if let cycleStart = inProgress.firstIndex(of: name) {
            let chain = (inProgress[cycleStart...] + [name]).joined(separator: " -> ")
            let (file, position) = place ?? (name, SourcePosition(line: 1, column: 1))
            errors.append(ProtoGenError(file: file, at: position, "File recursively imports itself: \(chain)"))
            return
        }
        guard let (text, path) = findText(name) else {
            failed.insert(name)
            if let place {
                errors.append(ProtoGenError(file: place.file, at: place.position, "Import \"\(name)\" was not found."))
            } else {
                errors.append(
                    ProtoGenError(
                        file: name, path: Self.absolute(Self.join(protoPaths[0], name)), line: 1, column: 1,
                        message: "File not found (searched: \(protoPaths.joined(separator: ", ")))."))
            }
            return
        }
        if let path { diskPaths[name] = path }
        let file: FileDecl
        do {
            file = try Parser.parse(text: text, fileName: name)
        } catch {
            failed.insert(name)
            errors += error.errors
            return
        }
        inProgress.append(name)
        for decl in file.imports {
            load(decl.path, importedAt: (name, decl.position))
        }
        inProgress.removeLast()
        files[name] = file
        ordered.append(name)
    }

    /// Files that were not found or did not parse (their errors are in `errors`).
    private var failed: Set<String> = []

    /// `error` with its `path` set to where its file was read from.
    func locate(_ error: ProtoGenError) -> ProtoGenError {
        guard error.path == error.file, let path = diskPaths[error.file] else { return error }
        var located = error
        located.path = path
        return located
    }

    /// The text of `name` and the absolute path it was read from (nil for a built-in file).
    private func findText(_ name: String) -> (String, String?)? {
        for root in protoPaths {
            let path = Self.join(root, name)
            if let text = readFile(path) { return (text, Self.absolute(path)) }
        }
        return WellKnownProtos.sources[name].map { ($0, nil) }
    }

    /// `path` made absolute against the current directory, with `.` segments removed.
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", !parts.isEmpty { parts.removeLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
