import Foundation
import Testing

@testable import ProtoGen

/// Our parser and resolver against protoc: for each file, the model we build from the text equals
/// the model built from protoc's `FileDescriptorProto` (with `SourceCodeInfo`) — names, numbers,
/// labels, resolved type names, oneofs, proto3 `optional`, map entries, options we read, proto2
/// defaults in protoc's text form, reserved ranges, and every comment protoc attaches.
@Suite struct ParserVersusProtocTests {
    private func compare(root: String, files: [String]) async throws {
        let dir = try ProcessRunner.temporaryDirectory()
        let result = try await ProcessRunner.run(
            try ProcessRunner.which("protoc"),
            [
                "-I", root, "--include_imports", "--include_source_info", "--descriptor_set_out=\(dir)/set.pb",
            ] + files)
        try #require(result.status == 0, "protoc: \(result.stderr)")
        let set = try ProtoGen.Google_Protobuf_FileDescriptorSet(
            serializedBytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/set.pb"))))
        let fromProtoc = Dictionary(
            uniqueKeysWithValues: set.file.map { ($0.name ?? "", DescriptorConverter.convert($0)) })
        let (ours, _) = try ProtoCompiler.load(files: files, protoPaths: [root])
        // Files protoc took from its own include folder (well-known types) are compared too: ours are
        // copies — except descriptor.proto, of which ours is the subset the plugin protocol needs.
        #expect(Set(ours.map(\.name)) == Set(fromProtoc.keys))
        for file in ours where file.name != "google/protobuf/descriptor.proto" || root.hasSuffix("/Protos") {
            guard let theirs = fromProtoc[file.name] else { continue }
            let a = ModelDump.dump(file), b = ModelDump.dump(theirs)
            if a != b {
                let ourLines = a.split(separator: "\n"), theirLines = b.split(separator: "\n")
                let first = zip(ourLines, theirLines).first { $0 != $1 }
                Issue.record("\(file.name): first difference\n  ours:   \(first?.0 ?? "")\n  protoc: \(first?.1 ?? "")")
            }
        }
    }

    @Test func syntaxTortureFile() async throws {
        try await compare(root: ProcessRunner.packageRoot + "/Tests/ProtoGenTests", files: ["Protos/syntax.proto"])
    }

    @Test func richTestProtos() async throws {
        try await compare(
            root: ProcessRunner.packageRoot + "/Tests/ProtoGenTests",
            files: ["Protos/rich3.proto", "Protos/rich2.proto", "Protos/codec.proto", "Protos/legacy2.proto"])
    }

    @Test func projectProtos() async throws {
        let root = ProcessRunner.packageRoot + "/Protos"
        try await compare(root: root, files: try FrontEndEquivalenceTests.protoFiles(under: root))
    }
}
