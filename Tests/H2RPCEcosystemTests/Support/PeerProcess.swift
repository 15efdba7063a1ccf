import Foundation
import Glibc
import TestSupport

/// A child process (posix_spawn, no Foundation) whose stdout the test reads line by line and whose
/// stdin it holds open; used for the Python peers and the signal-server.
final class PeerProcess: @unchecked Sendable {
    let pid: pid_t
    private let stdoutFD: Int32
    private var stdinFD: Int32
    private var buffered: [UInt8] = []
    private var reaped: Int32?
    /// Every line read so far (for failure messages).
    private(set) var transcript: [String] = []

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `path` with `arguments`; its stderr goes to the test's stderr.
    init(_ path: String, _ arguments: [String]) throws {
        var out: [Int32] = [-1, -1]
        var input: [Int32] = [-1, -1]
        guard pipe(&out) == 0, pipe(&input) == 0 else { throw Failure(description: "pipe failed") }
        // Close-on-exec, so that children spawned by other tests at the same time do not hold them open.
        for fd in out + input { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        closeInheritedDescriptors(&actions)
        // The child must not inherit a blocked or ignored signal from this multi-threaded process.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGINT, SIGPIPE, SIGHUP] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        close(out[1])
        close(input[0])
        guard result == 0 else {
            close(out[0])
            close(input[1])
            throw Failure(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        stdoutFD = out[0]
        stdinFD = input[1]
    }

    deinit {
        if reaped == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(stdoutFD)
        if stdinFD >= 0 { close(stdinFD) }
    }

    /// The next line of stdout (without the newline); nil at end of file. Waits at most `timeout`
    /// for each chunk, so that a peer that hangs fails the test instead of hanging it.
    func readLine(timeout: Duration = .seconds(60)) throws -> String? {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                transcript.append(line)
                return line
            }
            var poller = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let ms = Int32(timeout.components.seconds * 1000)
            let ready = poll(&poller, 1, ms)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else {
                throw Failure(description: "no output within \(timeout); so far: \(transcript)")
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = read(stdoutFD, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                if buffered.isEmpty { return nil }
                let line = String(decoding: buffered, as: UTF8.self)
                buffered = []
                transcript.append(line)
                return line
            }
            buffered += chunk[..<n]
        }
    }

    /// Reads lines until one contains `text`; returns it.
    func readLine(containing text: String) throws -> String {
        while let line = try readLine() {
            if line.contains(text) { return line }
        }
        throw Failure(description: "output ended without a line containing \"\(text)\": \(transcript)")
    }

    /// Writes `line` and a newline to the child's stdin.
    func writeLine(_ line: String) throws {
        var bytes = Array((line + "\n").utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(stdinFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "cannot write to the child's stdin") }
            bytes = bytes.dropFirst(n)
        }
    }

    /// ``readLine(timeout:)`` on a thread of its own, so that no thread of the tasks' pool waits
    /// for the child (which may itself be waiting for a server those threads run).
    func nextLine() async throws -> String? {
        try await withCheckedThrowingContinuation { continuation in
            let peer = self
            Thread.detachNewThread { continuation.resume(with: Result { try peer.readLine() }) }
        }
    }

    /// Closes the child's stdin (the Python peers exit when it closes).
    func closeStdin() {
        if stdinFD >= 0 {
            close(stdinFD)
            stdinFD = -1
        }
    }

    /// Sends `signal`.
    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the child to exit: its exit code, or 128 + the signal that killed it.
    func waitForExit() -> Int32 {
        if let reaped { return reaped }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        reaped = code
        return code
    }
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
        let exe = n > 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
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
    static func startPythonPeer(_ script: String, _ arguments: [String]) throws -> (PeerProcess, Int) {
        let peer = try PeerProcess(try python3(), ["-u", python + "/" + script] + arguments)
        let line = try peer.readLine(containing: "port ")
        guard let port = Int(line.split(separator: " ").last ?? "") else {
            throw PeerProcess.Failure(description: "no port in \"\(line)\"")
        }
        return (peer, port)
    }
}

/// A port that was free a moment ago (bound, read, closed): for a child server that needs its port up front.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    guard bound == 0 else { throw PeerProcess.Failure(description: "bind failed") }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
