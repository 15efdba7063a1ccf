import Foundation

/// Runs a command-line tool (`go tool pprof`, protoc, python3) to its end without blocking a thread
/// of the tasks' pool: its output goes to a file and Foundation's termination handler, which runs on
/// a thread of its own, resumes the waiting task.
enum ToolProcess {
    struct Outcome {
        var status: Int32
        /// stdout and stderr, in the order written.
        var output: Data
        var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// The first of `candidates` that is an executable file.
    static func find(_ candidates: [String]) -> String? {
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ executable: String, _ arguments: [String], stdin: URL? = nil) async throws -> Outcome {
        let outputURL = temporaryURL("tool-output")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let output = try FileHandle(forWritingTo: outputURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try output.close()
        return Outcome(status: status, output: (try? Data(contentsOf: outputURL)) ?? Data())
    }

    static func temporaryURL(_ suffix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("h2rpc-profiling-\(UUID().uuidString)-\(suffix)")
    }

    /// The built `h2rpc-pprof`, beside the test bundle.
    static var pprofCommand: String? {
        let bundle =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return find([
            URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("h2rpc-pprof").path
        ])
    }

    static var go: String? { find(["/usr/bin/go", "/usr/lib/go/bin/go", "/usr/local/go/bin/go"]) }
    static var curl: String? { find(["/usr/bin/curl", "/usr/local/bin/curl"]) }
    static var protoc: String? { find(["/usr/bin/protoc", "/usr/local/bin/protoc"]) }
    static var python: String? { find(["/usr/bin/python3", "/usr/local/bin/python3"]) }
}

struct ToolMissing: Error, CustomStringConvertible {
    var name: String
    var description: String { "\(name) is not installed (scripts/setup.sh installs it)" }
}
