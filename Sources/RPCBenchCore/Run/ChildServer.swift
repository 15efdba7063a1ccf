public import RPCBenchServer
import EventIO
import Foundation

/// `rpcbench serve` started as a child process: started, waited for until it prints its
/// `listening on HOST:PORT` line, measured through its pid, and stopped on every exit path.
/// With `--exit-with-parent` the child exits when it is re-parented, so that it does not outlive a
/// parent that was killed without a chance to stop it.
public final class ChildServer: Sendable {
    public let kind: BenchProtocolKind
    public let pid: Int32
    public let host: String
    public let port: Int
    /// The port of its `h2rpc.debug.v1.Profiler` service, when started with `--profiler-port`.
    public let profilerPort: Int?
    private let process: SendableProcess

    private init(kind: BenchProtocolKind, process: SendableProcess, host: String, port: Int, profilerPort: Int?) {
        self.kind = kind
        self.process = process
        self.pid = process.value.processIdentifier
        self.host = host
        self.port = port
        self.profilerPort = profilerPort
    }

    /// This executable's own path.
    public static var ownExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// What children are started with: `rpcbench-server` beside this executable (the same servers as
    /// `rpcbench serve` without Foundation and the CLI parser, ~10 MiB less resident), else this executable.
    public static var serverExecutable: String {
        let sibling = URL(fileURLWithPath: ownExecutable).deletingLastPathComponent().appendingPathComponent(
            "rpcbench-server"
        ).path
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : ownExecutable
    }

    /// Starts `executable serve --proto kind --host host --port 0 …` and waits for its listening line.
    /// Throws `.serverStart` with the child's last stderr line when it exits or stays silent.
    public static func start(
        executable: String = serverExecutable, kind: BenchProtocolKind, host: String = "127.0.0.1",
        port: Int = 0, extraArguments: [String] = [], timeout: Double = 15
    ) async throws(BenchError) -> ChildServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            ["serve", "--proto", kind.rawValue, "--host", host, "--port", String(port), "--exit-with-parent"]
            + extraArguments
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        let output = ChildOutput()
        let listening = Promise<Result<Int, BenchError>>()
        let exited = Promise<Void>()
        // Reports an exit before listening once the child is gone and its stderr read to the end.
        let reportEarlyExit: @Sendable (ChildOutput.Ending) -> Void = { ending in
            let why = ending.lastStderrLine.map { ": \($0)" } ?? ""
            listening.complete(
                .failure(
                    .serverStart(
                        "the \(kind.rawValue) server exited with status \(ending.status) before listening\(why)")))
        }
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }
            if let port = output.appendStdout(data) { listening.complete(.success(port)) }
        }
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                if let ending = output.stderrEnded() { reportEarlyExit(ending) }
                return
            }
            output.appendStderr(data)
        }
        process.terminationHandler = { process in
            exited.complete(())
            if let ending = output.exited(status: process.terminationStatus) { reportEarlyExit(ending) }
        }
        do {
            try process.run()
        } catch {
            throw .serverStart("cannot start \(executable): \(error.localizedDescription)")
        }
        let child = SendableProcess(process, keep: [stdin, stdout, stderr], exited: exited)
        ChildRegistry.shared.add(child)
        let timer = Task {
            try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
            listening.complete(
                .failure(.serverStart("the \(kind.rawValue) server did not report listening within \(Int(timeout)) s")))
        }
        defer { timer.cancel() }
        let result: Result<Int, BenchError>
        do {
            result = try await listening.wait()
        } catch {
            result = .failure(.interrupted)
        }
        switch result {
        case .success(let bound):
            return ChildServer(kind: kind, process: child, host: host, port: bound, profilerPort: output.profilerPort)
        case .failure(let error):
            await child.stop()
            throw error
        }
    }

    public var isRunning: Bool { process.value.isRunning }

    /// SIGTERM, then SIGKILL after a grace period; returns once the child is gone.
    public func stop() async {
        await process.stop()
    }
}

/// Collects a child's output: its listening line from stdout, the tail of stderr for error messages.
final class ChildOutput: Sendable {
    private struct State {
        var stdout = ""
        var stderr = ""
        var port: Int?
        var profilerPort: Int?
        var stderrEnded = false
        var exitStatus: Int32?
    }

    /// How a child ended: its exit status and the last line it wrote to stderr.
    struct Ending {
        var status: Int32
        var lastStderrLine: String?
    }
    private let state = LockedValue(State())

    /// Returns the port once the `listening on HOST:PORT` line is complete.
    func appendStdout(_ data: Data) -> Int? {
        state.withLock { state in
            guard state.port == nil else { return nil }
            state.stdout += String(decoding: data, as: UTF8.self)
            for line in state.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                if let port = ChildOutput.listeningPort(in: String(line)) {
                    state.port = port
                    state.profilerPort = ChildOutput.profilerPort(in: String(line))
                    return port
                }
            }
            if state.stdout.count > 8192 { state.stdout = String(state.stdout.suffix(4096)) }
            return nil
        }
    }

    /// The profiler's port from the listening line (`…; profiler on HOST:PORT`), if it names one.
    var profilerPort: Int? { state.withLock { $0.profilerPort } }

    func appendStderr(_ data: Data) {
        state.withLock { state in
            state.stderr += String(decoding: data, as: UTF8.self)
            if state.stderr.count > 8192 { state.stderr = String(state.stderr.suffix(4096)) }
        }
    }

    /// Stderr reached its end; the ending once the child has exited too.
    func stderrEnded() -> Ending? {
        state.withLock { state in
            state.stderrEnded = true
            return Self.ending(state)
        }
    }

    /// The child exited; the ending once its stderr has been read to the end too.
    func exited(status: Int32) -> Ending? {
        state.withLock { state in
            state.exitStatus = status
            return Self.ending(state)
        }
    }

    private static func ending(_ state: State) -> Ending? {
        guard state.stderrEnded, let status = state.exitStatus else { return nil }
        return Ending(status: status, lastStderrLine: state.stderr.split(separator: "\n").last.map(String.init))
    }

    /// The port in `rpcbench: <proto> listening on <host>:<port>`.
    static func listeningPort(in line: String) -> Int? {
        port(after: "listening on ", in: line)
    }

    /// The port in the listening line's `; profiler on <host>:<port>`.
    static func profilerPort(in line: String) -> Int? {
        port(after: "profiler on ", in: line)
    }

    private static func port(after marker: String, in line: String) -> Int? {
        guard let range = line.range(of: marker) else { return nil }
        let address = line[range.upperBound...].split(separator: " ").first ?? ""
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...])
    }
}

/// A `Process` with the pipes that must live as long as it does. Foundation's `Process` is not
/// `Sendable`; every use here is a read of its pid or state, or a signal, all safe from any thread.
final class SendableProcess: @unchecked Sendable {
    let value: Process
    private let keep: [Pipe]
    /// Completed when the child has exited.
    private let exited: Promise<Void>

    init(_ process: Process, keep: [Pipe], exited: Promise<Void>) {
        value = process
        self.keep = keep
        self.exited = exited
    }

    var pid: Int32 { value.processIdentifier }

    func stop() async {
        defer { ChildRegistry.shared.remove(self) }
        guard value.isRunning else { return }
        kill(pid, SIGTERM)
        if await waitForExit(seconds: 2) { return }
        kill(pid, SIGKILL)
        _ = await waitForExit(seconds: 2)
    }

    /// Kills at once: for the signal handler and last-chance exit paths.
    func killNow() {
        if value.isRunning { kill(pid, SIGKILL) }
    }

    /// Waits for the exit, up to `seconds`; false when the child is still running then.
    private func waitForExit(seconds: Double) async -> Bool {
        let exited = self.exited
        return await withTaskGroup(of: Bool.self) { tasks in
            tasks.addTask { (try? await exited.wait()) != nil }
            tasks.addTask {
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return false
            }
            let first = await tasks.next() ?? false
            tasks.cancelAll()
            return first
        }
    }
}

/// Every child still running, so that each exit path (error, SIGINT, SIGTERM) can stop them.
public final class ChildRegistry: Sendable {
    public static let shared = ChildRegistry()
    private let children = LockedValue<[ObjectIdentifier: SendableProcess]>([:])

    func add(_ child: SendableProcess) { children.withLock { $0[ObjectIdentifier(child)] = child } }
    func remove(_ child: SendableProcess) { children.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(child)) } }

    /// SIGKILLs every child still registered.
    public func killAll() {
        let all = children.withLock { children in
            defer { children.removeAll() }
            return Array(children.values)
        }
        for child in all { child.killNow() }
    }

    public var count: Int { children.withLock { $0.count } }
}
