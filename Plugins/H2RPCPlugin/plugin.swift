// SwiftPM build-tool plugin: generates Swift for a target's .proto files at build time with
// protoc-gen-h2rpc in standalone mode — no protoc and no configuration file needed.
//
// The target's folder is the proto path: `import "a/b.proto"` finds `<target>/a/b.proto`.
// The well-known types (`google/protobuf/*.proto`) are built into the generator; when a target's
// files import them, their Swift is generated into the target too. Declarations are public, and
// output files are named after the proto path with `/` as `_` (`a_b.pb.swift`) so that base names
// stay unique within the target.
import Foundation
import PackagePlugin

@main
struct H2RPCPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let root = target.directoryURL
        let protos = target.sourceFiles(withSuffix: "proto").map(\.url)
        if protos.isEmpty { return [] }
        var names: [String] = protos.map { relativePath($0, to: root) }
        var wellKnown: [String] = []
        for url in protos {
            for name in Self.wellKnownImports(of: url) where !names.contains(name) && !wellKnown.contains(name) {
                wellKnown.append(name)
            }
        }
        if wellKnown.contains("google/protobuf/compiler/plugin.proto"),
           !wellKnown.contains("google/protobuf/descriptor.proto") && !names.contains("google/protobuf/descriptor.proto") {
            wellKnown.append("google/protobuf/descriptor.proto")
        }
        names += wellKnown
        let outDir = context.pluginWorkDirectoryURL.appending(path: "generated", directoryHint: .isDirectory)
        let outputs = names.map { name in
            outDir.appending(path: String(name.dropLast(".proto".count)).replacingOccurrences(of: "/", with: "_") + ".pb.swift")
        }
        let tool = try context.tool(named: "protoc-gen-h2rpc")
        let arguments = ["--proto_path", root.path(percentEncoded: false),
                         "--swift_out", outDir.path(percentEncoded: false),
                         "--visibility", "public", "--file-naming", "PathToUnderscores"] + names
        return [
            .buildCommand(
                displayName: "Generating Swift for \(names.count) .proto file(s) of \(target.name)",
                executable: tool.url, arguments: arguments, inputFiles: protos, outputFiles: outputs)
        ]
    }

    private func relativePath(_ url: URL, to root: URL) -> String {
        let path = url.standardizedFileURL.path(percentEncoded: false)
        var base = root.standardizedFileURL.path(percentEncoded: false)
        if !base.hasSuffix("/") { base += "/" }
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : url.lastPathComponent
    }

    /// `import "google/protobuf/…"` lines of a file (a plain text scan: the generator does the real parse).
    static func wellKnownImports(of url: URL) -> [String] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var result: [String] = []
        for line in text.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            guard trimmed.hasPrefix("import") else { continue }
            guard let open = trimmed.firstIndex(where: { $0 == "\"" || $0 == "'" }) else { continue }
            let rest = trimmed[trimmed.index(after: open)...]
            guard let close = rest.firstIndex(where: { $0 == "\"" || $0 == "'" }) else { continue }
            let name = String(rest[..<close])
            if name.hasPrefix("google/protobuf/") { result.append(name) }
        }
        return result
    }
}
