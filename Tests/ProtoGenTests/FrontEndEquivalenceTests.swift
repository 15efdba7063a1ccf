import Foundation
import Testing

@testable import ProtoGen

/// protoc plugin mode and standalone mode give byte-identical Swift for every file in Protos/ and
/// for the rich test protos, through the real executables (protoc 3.21 drives the plugin).
@Suite struct FrontEndEquivalenceTests {
    /// `.proto` files under `root`, relative to it.
    static func protoFiles(under root: String) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var names: [String] = []
        while let name = enumerator?.nextObject() as? String {
            if name.hasSuffix(".proto") { names.append(name) }
        }
        return names.sorted()
    }

    /// Every file below `dir`, relative path → contents.
    static func tree(_ dir: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: dir)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                result[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            }
        }
        return result
    }

    private func compare(root: String, files: [String], parameter: String, flags: [String]) async throws {
        let generator = try ProcessRunner.generatorPath()
        let dir = try ProcessRunner.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/plugin", withIntermediateDirectories: true)
        let viaProtoc = try await ProcessRunner.run(
            try ProcessRunner.which("protoc"),
            [
                "-I", root, "--plugin=protoc-gen-h2rpc=" + generator, "--h2rpc_out=\(parameter):\(dir)/plugin",
            ] + files)
        try #require(viaProtoc.status == 0, "protoc: \(viaProtoc.stderr)")
        let standalone = try await ProcessRunner.run(
            generator, ["--proto_path", root, "--swift_out", dir + "/standalone"] + flags + files)
        try #require(standalone.status == 0, "standalone: \(standalone.stderr)")
        let plugin = try Self.tree(dir + "/plugin"), own = try Self.tree(dir + "/standalone")
        #expect(plugin.keys.sorted() == own.keys.sorted())
        #expect(plugin.count == files.count)
        for (name, data) in plugin {
            #expect(own[name] == data, "\(name) differs between plugin and standalone mode")
        }
    }

    @Test func projectProtos() async throws {
        let root = ProcessRunner.packageRoot + "/Protos"
        let files = try Self.protoFiles(under: root)
        #expect(
            files.contains("bench.proto") && files.contains("grpc/testing/test.proto")
                && files.contains("google/protobuf/descriptor.proto"))
        try await compare(root: root, files: files, parameter: "Visibility=Public", flags: ["--visibility", "public"])
    }

    @Test func richTestProtos() async throws {
        let root = ProcessRunner.packageRoot + "/Tests/ProtoGenTests"
        let files = [
            "Protos/codec.proto", "Protos/rich2.proto", "Protos/rich3.proto", "Protos/rich_common.proto",
            "Protos/syntax.proto", "Protos/services.proto", "Protos/names.proto", "Protos/wkt.proto",
            "Protos/legacy2.proto",
        ]
        try await compare(
            root: root, files: files, parameter: "FileNaming=PathToUnderscores,Services=false",
            flags: ["--file-naming", "PathToUnderscores", "--services", "false"])
    }

    /// The response advertises proto3 `optional` support (protoc refuses the plugin otherwise).
    @Test func pluginAdvertisesProto3Optional() async throws {
        let result = try await ProcessRunner.run(try ProcessRunner.generatorPath(), [], stdin: Data())
        #expect(result.status == 0)
        let response = try Google_Protobuf_Compiler_CodeGeneratorResponse(serializedBytes: [UInt8](result.stdout))
        #expect(response.supportedFeatures == 1)
        #expect(response.error == nil)
        #expect(response.file.isEmpty)
    }

    /// A request that does not decode is answered with `error` set (protoc then fails cleanly).
    @Test func pluginReportsUndecodableRequest() async throws {
        let result = try await ProcessRunner.run(
            try ProcessRunner.generatorPath(), [], stdin: Data([0x0A, 0x05, 0x61]))
        #expect(result.status == 0)
        let response = try Google_Protobuf_Compiler_CodeGeneratorResponse(serializedBytes: [UInt8](result.stdout))
        #expect(response.error?.hasPrefix("protoc-gen-h2rpc: cannot decode CodeGeneratorRequest:") == true)
    }

    @Test func pluginReportsUnknownParameter() throws {
        var request = Google_Protobuf_Compiler_CodeGeneratorRequest()
        request.parameter = "Colour=blue"
        let response = try Google_Protobuf_Compiler_CodeGeneratorResponse(
            serializedBytes: PluginRunner.respond(to: request.serializedBytes()))
        #expect(response.error == "protoc-gen-h2rpc: Unknown generator option \"Colour\".")
    }
}
