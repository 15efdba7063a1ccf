import Foundation
import Testing

/// A package of two targets (Fixtures/TwoTargets) built with `swift build` against this repository:
/// App's .proto imports one of the Base target it depends on, and both use Timestamp from
/// ProtoWellKnownTypes. It builds only if the build plugin finds Base's .proto, the generated code
/// imports Base's module instead of declaring its types again, and neither target re-declares the
/// well-known types (two `Google_Protobuf_Timestamp`s would make App ambiguous). Then, with Base's
/// Swift file removed, the build fails with the plugin's error telling the user to add one.
@Suite struct TwoTargetPackageTests {
    @Test func crossTargetImportsAndSharedWellKnownTypes() async throws {
        // Built under .build so that later runs reuse the build; the sources are copied fresh.
        let work = ProcessRunner.packageRoot + "/.build/fixtures/TwoTargets"
        let fm = FileManager.default
        try? fm.removeItem(atPath: work + "/Sources")
        try? fm.removeItem(atPath: work + "/Package.swift")
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        let fixture = ProcessRunner.packageRoot + "/Tests/ProtoGenTests/Fixtures/TwoTargets"
        try fm.copyItem(atPath: fixture + "/Sources", toPath: work + "/Sources")
        try fm.copyItem(atPath: fixture + "/Package.swift", toPath: work + "/Package.swift")
        if (try? fm.destinationOfSymbolicLink(atPath: work + "/h2rpc")) == nil {
            try fm.createSymbolicLink(atPath: work + "/h2rpc", withDestinationPath: ProcessRunner.packageRoot)
        }
        let swift = try ProcessRunner.which("swift")
        let build = try await ProcessRunner.run(swift, ["build", "--product", "App"], currentDirectory: work)
        let output = String(decoding: build.stdout, as: UTF8.self) + build.stderr
        try #require(build.status == 0, "swift build failed:\n\(output)")
        // Compiler warnings (`file:line:col: warning:`); SwiftPM's notes about dependency packages'
        // own layout (`warning: 'swift-distributed-tracing': found 1 file(s) which are unhandled`) are not ours.
        #expect(!output.contains(": warning:"), "\(output)")

        let run = try await ProcessRunner.run(work + "/.build/debug/App", [])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            String(decoding: run.stdout, as: UTF8.self) == """
                equal: true
                item: 7 1 500000000
                at: -1 750000000
                took: 1.5 seconds
                files: app.proto base/v1/base.proto google/protobuf/timestamp.proto google/protobuf/duration.proto

                """)

        // Without Base.swift, Base holds only .proto files: SwiftPM drops the target before build
        // plugins run (swiftlang/swift-package-manager#8061), and the plugin, running for App, says
        // so at App's import instead of the generator's "not found".
        try fm.removeItem(atPath: work + "/Sources/Base/Base.swift")
        let dropped = try await ProcessRunner.run(swift, ["build", "--product", "App"], currentDirectory: work)
        let droppedOutput = String(decoding: dropped.stdout, as: UTF8.self) + dropped.stderr
        #expect(dropped.status != 0)
        #expect(
            droppedOutput.contains(
                "error: Sources/App/app.proto:6 imports \"base/v1/base.proto\", which is in Sources/Base, a target "
                    + "without Swift files: SwiftPM drops a target without Swift sources before build plugins run "
                    + "(swiftlang/swift-package-manager#8061); add an empty Swift file, e.g. Sources/Base/Base.swift"),
            "\(droppedOutput)")
        #expect(!droppedOutput.contains("was not found"), "the generator does not run: \(droppedOutput)")
    }
}
