import Foundation
import ProtoWire
import Testing

@testable import ProtoGen

/// The descriptors the generator embeds are the bytes protoc writes with `--descriptor_set_out`
/// (without source info) for the same file: built from the own parser's model, byte for byte.
@Suite struct EmbeddedDescriptorTests {
    /// protoc's `FileDescriptorProto` bytes for `file` (the set's only entry without --include_imports).
    private func protocDescriptor(root: String, file: String) async throws -> [UInt8] {
        let out = try ProcessRunner.temporaryDirectory() + "/set.pb"
        let result = try await ProcessRunner.run(
            try ProcessRunner.which("protoc"), ["-I", root, "--descriptor_set_out=" + out, file])
        try #require(result.status == 0, "protoc: \(result.stderr)")
        let set = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
        let files = try #require(RawProto.lengthDelimitedFields(1, in: set))
        try #require(files.count == 1)
        return files[0]
    }

    private func check(root: String, files: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (all, _) = try ProtoCompiler.load(files: files, protoPaths: [root])
        let builder = DescriptorBuilder(files: all)
        for name in files {
            let ours = builder.serialized(try #require(all.first { $0.name == name }))
            let theirs = try await protocDescriptor(root: root, file: name)
            let firstDifference =
                zip(ours, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? (ours.count == theirs.count ? nil : min(ours.count, theirs.count))
            #expect(
                firstDifference == nil,
                "\(name): \(ours.count) bytes, protoc \(theirs.count); first difference at \(firstDifference ?? 0)",
                sourceLocation: sourceLocation)
        }
    }

    @Test func testProtosMatchProtoc() async throws {
        try await check(
            root: ProcessRunner.packageRoot + "/Tests/ProtoGenTests",
            files: [
                "Protos/codec.proto", "Protos/rich2.proto", "Protos/rich3.proto", "Protos/rich_common.proto",
                "Protos/syntax.proto",
                "Protos/services.proto", "Protos/names.proto", "Protos/wkt.proto", "Protos/legacy2.proto",
            ])
    }

    @Test func projectProtosMatchProtoc() async throws {
        let root = ProcessRunner.packageRoot + "/Protos"
        try await check(root: root, files: try FrontEndEquivalenceTests.protoFiles(under: root))
    }

    /// Options protoc stores in descriptors: standard ones of every kind of element, and custom
    /// scalar options declared in the same file.
    @Test func optionsMatchProtoc() async throws {
        let dir = try ProcessRunner.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/google/protobuf", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: ProcessRunner.packageRoot + "/Protos/google/protobuf/descriptor.proto",
            toPath: dir + "/google/protobuf/descriptor.proto")
        let text = """
            syntax = "proto2";
            package opts.v1;
            import "google/protobuf/descriptor.proto";
            option java_package = "com.example";
            option optimize_for = CODE_SIZE;
            option cc_enable_arenas = false;
            option (file_tag) = "tagged";
            extend google.protobuf.FieldOptions {
              optional sint32 weight = 50001;
              optional double ratio = 50002;
              optional string label = 50000;
            }
            extend google.protobuf.FileOptions { optional string file_tag = 50003; }
            message M {
              option deprecated = true;
              optional int32 a = 1 [packed = false, deprecated = true, (weight) = -3, (label) = "x", (ratio) = 0.5];
              repeated int64 b = 2 [packed = true, jstype = JS_STRING];
              optional string cs = 6 [ctype = CORD];
              optional string c = 3 [default = "q\\"\\n", json_name = "cee"];
              optional float d = 4 [default = -1e10];
              optional double e = 7 [default = -1e10];
              optional double f = 8 [default = 0.000012];
              optional float g = 9 [default = 123456789];
              optional double h = 10 [default = 1.5e300];
              optional float i = 11 [default = 0.1];
              oneof o { string s = 5; }
              extensions 100 to 199;
              reserved 20 to 25, 30;
              reserved "old";
            }
            enum E {
              option allow_alias = true;
              E_ZERO = 0;
              E_NONE = 0 [deprecated = true];
              reserved 10 to max;
            }
            service S {
              option deprecated = true;
              rpc Get(M) returns (M) { option idempotency_level = NO_SIDE_EFFECTS; }
              rpc Stream(stream M) returns (stream M);
            }
            extend M { optional int32 ext = 150; }

            """
        try text.write(toFile: dir + "/opts.proto", atomically: true, encoding: .utf8)
        try await check(root: dir, files: ["opts.proto"])
    }
}

/// The descriptors as generated code exposes them (this target's protos are compiled by the build
/// plugin): protoc's bytes, the imports' descriptors, symbols, and each service's `fileDescriptor`.
@Suite struct GeneratedDescriptorTests {
    @Test func compiledDescriptorIsProtocs() async throws {
        let root = ProcessRunner.packageRoot + "/Tests/ProtoGenTests"
        let out = try ProcessRunner.temporaryDirectory() + "/set.pb"
        let result = try await ProcessRunner.run(
            try ProcessRunner.which("protoc"), ["-I", root, "--descriptor_set_out=" + out, "Protos/wkt.proto"])
        try #require(result.status == 0, "protoc: \(result.stderr)")
        let set = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
        let descriptor = Protos_Wkt_ProtoFile.descriptor
        #expect(descriptor.name == "Protos/wkt.proto")
        #expect([descriptor.serializedProto] == RawProto.lengthDelimitedFields(1, in: set))
    }

    @Test func importsAreReachable() {
        let descriptor = Protos_Wkt_ProtoFile.descriptor
        #expect(
            descriptor.dependencies.map(\.name) == [
                "google/protobuf/any.proto", "google/protobuf/duration.proto", "google/protobuf/empty.proto",
                "google/protobuf/field_mask.proto", "google/protobuf/struct.proto", "google/protobuf/timestamp.proto",
                "google/protobuf/wrappers.proto",
            ])
        let all = descriptor.withTransitiveDependencies.map(\.name)
        #expect(all.first == "Protos/wkt.proto")
        #expect(Set(all).count == all.count)
        #expect(all.contains("google/protobuf/timestamp.proto"))
    }

    @Test func symbolsAndServices() {
        let descriptor = Svc_Test_Calc.fileDescriptor
        #expect(descriptor == Protos_Services_ProtoFile.descriptor)
        #expect(descriptor.symbols.contains("svc.test.Calc"))
        #expect(descriptor.symbols.contains("svc.test.Num"))
        #expect(descriptor.symbols.contains("svc.test.Num.value"))
        #expect(descriptor.symbols.contains { $0.hasPrefix("svc.test.Calc.") })
        let syntax = Protos_Syntax_ProtoFile.descriptor
        #expect(
            syntax.extensions.contains(
                ProtoFileDescriptor.Extension(extendee: "google.protobuf.FileOptions", number: 50001)))
    }
}
