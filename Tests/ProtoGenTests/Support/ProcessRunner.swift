import Foundation
import TestSupport

/// Runs tools the tests compare against (protoc, python3, our own executable) as real processes.
enum ProcessRunner {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    struct ToolMissing: Error, CustomStringConvertible {
        var description: String
    }

    /// The package's root folder (this file is Tests/ProtoGenTests/Support/ProcessRunner.swift).
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The folder of the running test binary, where `swift build` also put `protoc-gen-h2rpc`.
    static var binDirectory: String {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().path
    }

    /// Our generator executable (built by `swift build --build-tests`).
    static func generatorPath() throws -> String {
        let path = binDirectory + "/protoc-gen-h2rpc"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ToolMissing(description: "\(path) not built: run `swift build --build-tests` first")
        }
        return path
    }

    /// Finds `name` on PATH; tests that need it fail (not skip) when it is missing (a missing tool is a setup error, not a pass).
    static func which(_ name: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw ToolMissing(description: "\(name) not found on PATH (scripts/setup.sh installs it)")
    }

    /// Runs `executable` to completion, feeding it `stdin`; its output is read and its exit awaited
    /// on a thread of its own, never on the cooperative pool.
    static func run(
        _ executable: String, _ arguments: [String], stdin: Data? = nil,
        currentDirectory: String? = nil
    ) async throws -> Result {
        let outcome = try await runProcess(
            executable, arguments, stdin: stdin.map { [UInt8]($0) } ?? [], currentDirectory: currentDirectory)
        return Result(status: outcome.status, stdout: Data(outcome.stdout), stderr: outcome.stderrText)
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "protogen-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
