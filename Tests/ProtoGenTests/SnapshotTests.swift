import Foundation
import Testing

@testable import ProtoGen

/// The emitted code for the project's protos and the rich test protos, compared with golden files
/// in Snapshots/ that were reviewed by eye (regenerate with scripts/regenerate-snapshots.sh and
/// review the diff when the emitter changes on purpose).
@Suite struct SnapshotTests {
    static let options = GeneratorOptions(visibility: .public, services: true, fileNaming: .pathToUnderscores)

    private func check(root: String, files: [String]) throws {
        let outputs = try Generator.generate(files: files, protoPaths: [root], options: Self.options)
        #expect(outputs.count == files.count)
        for output in outputs {
            let path = ProcessRunner.packageRoot + "/Tests/ProtoGenTests/Snapshots/" + output.name + ".snapshot"
            let golden = try String(contentsOfFile: path, encoding: .utf8)
            #expect(
                output.content == golden, "\(output.name) differs from its snapshot (scripts/regenerate-snapshots.sh)")
        }
    }

    @Test func projectProtos() throws {
        try check(
            root: ProcessRunner.packageRoot + "/Protos",
            files: [
                "bench.proto", "grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto",
            ])
    }

    @Test func richTestProtos() throws {
        try check(
            root: ProcessRunner.packageRoot + "/Tests/ProtoGenTests",
            files: ["Protos/rich3.proto", "Protos/rich2.proto", "Protos/legacy2.proto"])
    }
}
