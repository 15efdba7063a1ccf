import Foundation
import Testing

@testable import ProtoGen

/// protoc-gen-h2rpc's standalone command line.
@Suite struct CommandLineTests {
    @Test func generatesIntoTheOutputFolder() async throws {
        let out = try ProcessRunner.temporaryDirectory() + "/out"
        let result = try await ProcessRunner.run(
            try ProcessRunner.generatorPath(),
            [
                "-I", ProcessRunner.packageRoot + "/Protos", "--swift_out=" + out, "--visibility", "public",
                "grpc/testing/test.proto", "grpc/testing/messages.proto",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let text = try String(contentsOfFile: out + "/grpc/testing/test.pb.swift", encoding: .utf8)
        #expect(text.contains("public enum Grpc_Testing_TestService {"))
        #expect(text.contains("public import H2RPC"))
        #expect(FileManager.default.fileExists(atPath: out + "/grpc/testing/messages.pb.swift"))
        // Imports are resolved but not generated unless named.
        #expect(!FileManager.default.fileExists(atPath: out + "/grpc/testing/empty.pb.swift"))
    }

    @Test func messagesOnlyImportOnlyProtoWire() async throws {
        let out = try ProcessRunner.temporaryDirectory()
        let result = try await ProcessRunner.run(
            try ProcessRunner.generatorPath(),
            [
                "--proto_path", ProcessRunner.packageRoot + "/Protos", "--swift_out", out, "--services", "false",
                "--file-naming", "PathToUnderscores", "bench.proto",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: out + "/bench.pb.swift", encoding: .utf8)
        #expect(text.contains("\nimport ProtoWire\n"))
        #expect(!text.contains("H2RPC"))
        #expect(!text.contains("public "))
    }

    @Test func usageErrorsExitWithStatusOne() async throws {
        let generator = try ProcessRunner.generatorPath()
        let unknown = try await ProcessRunner.run(generator, ["--swift_out", "/tmp", "--colour", "x.proto"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("unknown option --colour\nusage: protoc-gen-h2rpc"))
        let noOutput = try await ProcessRunner.run(generator, ["x.proto"])
        #expect(noOutput.status == 1)
        #expect(noOutput.stderr.hasPrefix("--swift_out is required"))
        let badVisibility = try await ProcessRunner.run(
            generator, ["--swift_out", "/tmp", "--visibility", "open", "x.proto"])
        #expect(badVisibility.status == 1)
        let help = try await ProcessRunner.run(generator, ["--help"])
        #expect(help.status == 0)
        #expect(String(decoding: help.stdout, as: UTF8.self).contains("--proto_path"))
    }

    /// Files mapped to another module are imported from it, also through a public import.
    @Test func moduleMappingsBecomeImports() async throws {
        let dir = try ProcessRunner.temporaryDirectory()
        try
            "syntax = \"proto3\";\npackage a;\nimport public \"google/protobuf/timestamp.proto\";\nmessage A { int32 x = 1; }\n"
            .write(toFile: dir + "/a.proto", atomically: true, encoding: .utf8)
        try "syntax = \"proto3\";\nimport \"a.proto\";\nmessage B { a.A a = 1; google.protobuf.Timestamp t = 2; }\n"
            .write(toFile: dir + "/b.proto", atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run(
            try ProcessRunner.generatorPath(),
            [
                "-I", dir, "--swift_out", dir + "/out", "--visibility", "public",
                "--well-known-types-module", "ProtoWellKnownTypes", "--proto-module", "a.proto=ModuleA", "b.proto",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: dir + "/out/b.pb.swift", encoding: .utf8)
        #expect(text.contains("public import ModuleA\npublic import ProtoWellKnownTypes\npublic import ProtoWire\n"))
        #expect(text.contains("dependencies: [A_ProtoFile.descriptor],"))
        let bad = try await ProcessRunner.run(
            try ProcessRunner.generatorPath(), ["-I", dir, "--swift_out", dir, "--proto-module", "a.proto", "b.proto"])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("--proto-module takes a/b.proto=Module"))
    }

    @Test func pluginParametersMapModules() throws {
        let options = try GeneratorOptions(
            parameter: "WellKnownTypesModule=WKT,ProtoModule=x/y.proto:Y,Descriptors=false")
        #expect(options.moduleMappings["google/protobuf/timestamp.proto"] == "WKT")
        #expect(options.moduleMappings["x/y.proto"] == "Y")
        #expect(options.moduleMappings.count == 8)
        #expect(!options.descriptors)
        #expect(throws: GeneratorOptionError.self) { try GeneratorOptions(parameter: "ProtoModule=x.proto") }
    }
}
