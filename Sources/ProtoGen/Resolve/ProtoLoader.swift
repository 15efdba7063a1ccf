#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds `.proto` files along the proto path folders (then among the built-in well-known types),
/// parses each once, follows imports, and reports missing files and import cycles at the import
/// statement that caused them.
struct ProtoLoader {
    /// Folders searched in order, like protoc's `--proto_path`.
    var protoPaths: [String]
    /// Parsed files by name.
    private(set) var files: [String: FileDecl] = [:]
    /// File names, each after everything it imports (protoc's `proto_file` order).
    private(set) var ordered: [String] = []
    private var inProgress: [String] = []
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

    /// Loads `name` and, recursively, its imports.
    mutating func load(_ name: String, importedAt place: (file: String, position: SourcePosition)? = nil) throws(ProtoGenError) {
        if files[name] != nil { return }
        if let cycleStart = inProgress.firstIndex(of: name) {
            let chain = (inProgress[cycleStart...] + [name]).joined(separator: " -> ")
            let (file, position) = place ?? (name, SourcePosition(line: 1, column: 1))
            throw ProtoGenError(file: file, at: position, "File recursively imports itself: \(chain)")
        }
        guard let text = findText(name) else {
            if let place {
                throw ProtoGenError(file: place.file, at: place.position, "Import \"\(name)\" was not found.")
            }
            throw ProtoGenError(file: name, line: 1, column: 1,
                                message: "File not found (searched: \(protoPaths.joined(separator: ", "))).")
        }
        inProgress.append(name)
        let file = try Parser.parse(text: text, fileName: name)
        for decl in file.imports {
            try load(decl.path, importedAt: (name, decl.position))
        }
        inProgress.removeLast()
        files[name] = file
        ordered.append(name)
    }

    private func findText(_ name: String) -> String? {
        for root in protoPaths {
            if let text = readFile(Self.join(root, name)) { return text }
        }
        return WellKnownProtos.sources[name]
    }
}
