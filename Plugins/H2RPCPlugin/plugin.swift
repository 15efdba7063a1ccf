// SwiftPM build-tool plugin: generates Swift for a target's .proto files at build time with
// protoc-gen-h2rpc in standalone mode — no protoc and no configuration file needed.
//
// The target's folder is the proto path: `import "a/b.proto"` finds `<target>/a/b.proto`. The folders
// of the targets it depends on that hold .proto files come next, so a .proto may import one of a
// dependency's (`import "base/v1/base.proto"`); the generated code then imports that target's module
// instead of declaring its types again.
//
// The well-known types (`google/protobuf/*.proto`) are built into the generator. When the target
// depends (directly or through another target) on h2rpc's ProtoWellKnownTypes library, generated code
// imports it for any, duration, empty, field_mask, struct, timestamp and wrappers; other imported
// google/protobuf files (descriptor.proto, compiler/plugin.proto), and all of them in a target
// without that dependency, are generated into the target. Declarations are public, and output files
// are named after the proto path with `/` as `_` (`a_b.pb.swift`) so that base names stay unique.
//
// A target must hold at least one Swift file (an empty one will do): SwiftPM drops a target without
// Swift sources before any build plugin runs (see DroppedProtoTargets.swift).
import Foundation
import PackagePlugin

@main
struct H2RPCPlugin: BuildToolPlugin {
    /// The library target whose module holds the generated well-known types.
    static let wellKnownTypesModule = "ProtoWellKnownTypes"
    static let wellKnownTypeFiles: Set<String> = [
        "google/protobuf/any.proto", "google/protobuf/duration.proto", "google/protobuf/empty.proto",
        "google/protobuf/field_mask.proto", "google/protobuf/struct.proto", "google/protobuf/timestamp.proto",
        "google/protobuf/wrappers.proto",
    ]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let root = target.directoryURL
        let protos = target.sourceFiles(withSuffix: "proto").map(\.url)
        if protos.isEmpty { return [] }
        let dependencies = target.recursiveTargetDependencies
        Self.diagnoseDroppedProtoTargets(
            package: context.package, protos: protos,
            protoRoots: [root] + dependencies.compactMap { ($0 as? SourceModuleTarget)?.directoryURL })
        let sharedWellKnownTypes = dependencies.contains { $0.name == Self.wellKnownTypesModule }

        var arguments = ["--proto_path", root.path(percentEncoded: false)]
        var inputs = protos
        // Dependency targets' .proto files: found through their folders, generated in their modules.
        for case let dependency as SourceModuleTarget in dependencies where dependency.name != Self.wellKnownTypesModule
        {
            let files = dependency.sourceFiles(withSuffix: "proto").map(\.url)
            if files.isEmpty { continue }
            arguments += ["--proto_path", dependency.directoryURL.path(percentEncoded: false)]
            for url in files {
                arguments += [
                    "--proto-module", relativePath(url, to: dependency.directoryURL) + "=" + dependency.moduleName,
                ]
            }
            inputs += files
        }
        if sharedWellKnownTypes { arguments += ["--well-known-types-module", Self.wellKnownTypesModule] }

        var names: [String] = protos.map { relativePath($0, to: root) }
        var wellKnown: [String] = []
        for url in protos {
            for name in Self.wellKnownImports(of: url) where !names.contains(name) && !wellKnown.contains(name) {
                if sharedWellKnownTypes && Self.wellKnownTypeFiles.contains(name) { continue }
                wellKnown.append(name)
            }
        }
        if wellKnown.contains("google/protobuf/compiler/plugin.proto"),
            !wellKnown.contains("google/protobuf/descriptor.proto")
                && !names.contains("google/protobuf/descriptor.proto")
        {
            wellKnown.append("google/protobuf/descriptor.proto")
        }
        names += wellKnown
        let outDir = context.pluginWorkDirectoryURL.appending(path: "generated", directoryHint: .isDirectory)
        let outputs = names.map { name in
            outDir.appending(
                path: String(name.dropLast(".proto".count)).replacingOccurrences(of: "/", with: "_") + ".pb.swift")
        }
        let tool = try context.tool(named: "protoc-gen-h2rpc")
        arguments +=
            [
                "--swift_out", outDir.path(percentEncoded: false),
                "--visibility", "public", "--file-naming", "PathToUnderscores",
            ] + names
        return [
            .buildCommand(
                displayName: "Generating Swift for \(names.count) .proto file(s) of \(target.name)",
                executable: tool.url, arguments: arguments, inputFiles: inputs, outputFiles: outputs)
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
        imports(of: url).map(\.name).filter { $0.hasPrefix("google/protobuf/") }
    }
}
