import Glibc
import TestSupport

/// A child process whose stdout the test reads line by line and whose stdin it holds open; used for
/// the Python peers and the signal-server. Its output and exit are awaited, never blocking a thread
/// of the cooperative pool; its stderr goes to the test's stderr.
final class PeerProcess: Sendable {
    private let child: ChildProcess

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `path` with `arguments`.
    init(_ path: String, _ arguments: [String]) throws {
        child = try ChildProcess(path, arguments, stdin: .pipe, stderr: .inherit)
    }

    var pid: pid_t { child.pid }

    /// All of stdout so far (for failure messages).
    var transcript: String { child.transcript }

    /// The next line of stdout (without the newline); nil at end of file.
    func readLine() async throws -> String? { try await child.nextLine() }

    /// Reads lines until one contains `text`; returns it.
    func readLine(containing text: String) async throws -> String {
        guard let line = try await child.line(containing: text) else {
            throw Failure(description: "output ended without a line containing \"\(text)\": \(transcript)")
        }
        return line
    }

    /// Writes `line` and a newline to the child's stdin.
    func writeLine(_ line: String) { child.send(line + "\n") }

    /// The next line of stdout (without the newline); nil at end of file.
    func nextLine() async throws -> String? { try await readLine() }

    /// Closes the child's stdin (the Python peers exit when it closes); the child is reaped by its
    /// own thread.
    func closeStdin() { child.closeInput() }

    /// Sends `signal`.
    func signal(_ signal: Int32) { child.signal(signal) }

    /// Waits for the child to exit: its exit code, or 128 + the signal that killed it.
    func waitForExit() async throws -> Int32 { try await child.exit().status }
}

/// Paths the tests need: the package root, the test binaries' folder, python3.
enum TestPaths {
    /// The package's root folder (this file is Tests/H2RPCEcosystemTests/Support/PeerProcess.swift).
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/")
    }()

    /// Tests/InteropTests/python.
    static var python: String { packageRoot + "/Tests/InteropTests/python" }

    /// The folder of the running test binary, where `swift build` also put `signal-server`.
    static var binDirectory: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe =
            n > 0
            ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        // …/debug/h2rpcPackageTests.xctest (a file on Linux): its folder is …/debug.
        return String(exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)])
    }

    /// python3 on PATH; tests that need it fail (not skip) when it is missing.
    static func python3() throws -> String {
        for dir in (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/python3"
            if access(path, X_OK) == 0 { return path }
        }
        throw PeerProcess.Failure(description: "python3 not found on PATH (scripts/setup.sh installs it)")
    }

    /// Starts a Python peer script of Tests/InteropTests/python and reads its "port N" line.
    static func startPythonPeer(_ script: String, _ arguments: [String]) async throws -> (PeerProcess, Int) {
        let peer = try PeerProcess(try python3(), ["-u", python + "/" + script] + arguments)
        let line = try await peer.readLine(containing: "port ")
        guard let port = Int(line.split(separator: " ").last ?? "") else {
            throw PeerProcess.Failure(description: "no port in \"\(line)\"")
        }
        return (peer, port)
    }
}
