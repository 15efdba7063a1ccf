import EventIO
import Foundation

/// A child process whose output and exit are awaited without blocking a thread: Foundation reads
/// its pipes and reports its exit on threads of its own, and waiting tasks are woken from there.
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
    /// the stdout pipe.
    init(executable: String, arguments: [String], mergeOutput: Bool = false) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = mergeOutput ? out : err
        let state = self.state
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            state.update { s in
                if data.isEmpty { s.stdoutEnded = true } else { s.stdout.append(data) }
            }
        }
        if mergeOutput {
            state.withLock { $0.stderrEnded = true }
        } else {
            err.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty { handle.readabilityHandler = nil }
                state.update { s in
                    if data.isEmpty { s.stderrEnded = true } else { s.stderr.append(data) }
                }
            }
        }
        process.terminationHandler = { process in
            let status = process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
            state.update { $0.status = status }
        }
        try process.run()
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
                status: status, stdout: String(decoding: s.stdout, as: UTF8.self), stderr: String(decoding: s.stderr, as: UTF8.self))
        }
    }

    /// Sends `signal` unless the child already exited.
    func signal(_ signal: Int32) {
        if state.withLock({ $0.status == nil }) { kill(pid, signal) }
    }
}
