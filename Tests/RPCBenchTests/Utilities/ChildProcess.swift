import EventIO
import Foundation

/// A child process whose output and exit are awaited without blocking a thread of the tasks' pool:
/// threads of its own read its pipes and wait for its exit, and wake the waiting tasks.
final class ChildProcess: @unchecked Sendable {
    /// What the child wrote and how it ended.
    struct Outcome {
        /// The exit status, or minus the signal that killed it.
        var status: Int32
        var stdout: String
        var stderr: String
    }

    private struct State {
        var stdout = Data()
        var stderr = Data()
        var stdoutEnded = false
        var stderrEnded = false
        var status: Int32?
    }

    /// Foundation's process; read its pid or signal it from any thread.
    let process: Process
    private let state = WaitableState(State())

    /// Starts `executable` with `arguments` (stdin: /dev/null). With `mergeOutput`, stderr goes to
    /// the stdout pipe. Threads of its own (not the tasks' pool) read the pipes and wait for the exit.
    init(executable: String, arguments: [String], mergeOutput: Bool = false) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = mergeOutput ? out : err
        try process.run()
        let state = self.state
        Self.drain(out.fileHandleForReading) { data in
            state.update { s in
                if let data { s.stdout.append(data) } else { s.stdoutEnded = true }
            }
        }
        if mergeOutput {
            state.update { $0.stderrEnded = true }
        } else {
            Self.drain(err.fileHandleForReading) { data in
                state.update { s in
                    if let data { s.stderr.append(data) } else { s.stderrEnded = true }
                }
            }
        }
        let process = UncheckedProcess(process)
        Thread.detachNewThread {
            process.value.waitUntilExit()
            let p = process.value
            let status = p.terminationReason == .uncaughtSignal ? -p.terminationStatus : p.terminationStatus
            state.update { $0.status = status }
        }
    }

    /// Reads `handle` to its end on a thread of its own, handing each chunk (nil at the end) to `deliver`.
    private static func drain(_ handle: FileHandle, _ deliver: @escaping @Sendable (Data?) -> Void) {
        let handle = UncheckedFileHandle(handle)
        Thread.detachNewThread {
            while true {
                let data = handle.value.availableData
                if data.isEmpty { break }
                deliver(data)
            }
            deliver(nil)
        }
    }

    private struct UncheckedProcess: @unchecked Sendable {
        let value: Process
        init(_ value: Process) { self.value = value }
    }

    private struct UncheckedFileHandle: @unchecked Sendable {
        let value: FileHandle
        init(_ value: FileHandle) { self.value = value }
    }

    var pid: Int32 { process.processIdentifier }

    /// The first line the child wrote to stdout (without its newline), or nil if stdout ended first.
    func firstLine() async throws -> String? {
        try await state.wait { s -> String?? in
            if let newline = s.stdout.firstIndex(of: UInt8(ascii: "\n")) {
                return .some(String(decoding: s.stdout[..<newline], as: UTF8.self))
            }
            return s.stdoutEnded ? .some(nil) : nil
        }
    }

    /// Everything written to stderr, once stderr has ended.
    func stderrToEnd() async throws -> String {
        try await state.wait { s in s.stderrEnded ? String(decoding: s.stderr, as: UTF8.self) : nil }
    }

    /// Waits for the exit (and the end of the output); SIGKILLs the child if `timeout` passes first,
    /// so that a hung child fails its test instead of hanging the suite.
    func finished(timeout: Duration = .seconds(60)) async throws -> Outcome {
        let killer = Task { [pid] in
            try await Task.sleep(for: timeout)
            kill(pid, SIGKILL)
        }
        defer { killer.cancel() }
        return try await state.wait { s -> Outcome? in
            guard let status = s.status, s.stdoutEnded, s.stderrEnded else { return nil }
            return Outcome(
                status: status, stdout: String(decoding: s.stdout, as: UTF8.self),
                stderr: String(decoding: s.stderr, as: UTF8.self))
        }
    }

    /// Sends `signal` unless the child already exited.
    func signal(_ signal: Int32) {
        if state.withLock({ $0.status == nil }) { kill(pid, signal) }
    }
}
